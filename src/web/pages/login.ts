/**
 * Logging in and out: the login form, which sets the HttpOnly token cookie when the token is
 * right, and the logout that clears it.
 *
 * @module
 */
import type { Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { ApiEnv } from "../api/route_env.ts";
import { loginView } from "../render/access_views.ts";
import { sameSecret, TOKEN_COOKIE } from "../security.ts";
import { sendPage } from "./send_page.ts";

/** A safe place to go after login: a path of this server, nothing else. */
function localPath(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/";
}

/**
 * Registers `GET` and `POST /login` and `POST /logout` on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
 * const workspace = openWorkspace(await openStore({ dataDir: await Deno.makeTempDir() }));
 * const token = "0123456789abcdef";
 * const app = createApp({ workspace, host: "127.0.0.1", token });
 * // Only a path of this server is a place to go after login.
 * const form = await (await app.request("http://127.0.0.1/login?next=//evil.example")).text();
 * assert.ok(form.includes('<input type="hidden" name="next" value="/">'));
 * const login = (given: string) =>
 *   app.request("http://127.0.0.1/login", {
 *     method: "POST",
 *     body: new URLSearchParams({ token: given, next: "/ui/optout" }),
 *   });
 * const wrong = await login("guess");
 * assert.equal(wrong.status, 401);
 * assert.ok((await wrong.text()).includes('<p class="note" role="alert">Wrong token.</p>'));
 * const right = await login(token);
 * assert.equal(right.status, 303);
 * assert.equal(right.headers.get("location"), "/ui/optout");
 * const cookie = right.headers.get("set-cookie");
 * assert.equal(cookie, `osint_token=${token}; Path=/; HttpOnly; SameSite=Strict`);
 * await workspace.close();
 * await Deno.remove(workspace.dataDir, { recursive: true });
 * ```
 */
export function registerLogin(app: Hono<ApiEnv>): void {
  app.get("/login", (c) => {
    return sendPage(c, {
      title: "Log in",
      body: loginView(localPath(c.req.query("next")), null),
    });
  });

  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const next = localPath(typeof form.next === "string" ? form.next : undefined);
    const given = typeof form.token === "string" ? form.token : "";
    const token = c.var.token;
    if (token === null || !sameSecret(given, token)) {
      return sendPage(c, {
        title: "Log in",
        body: loginView(
          next,
          token === null ? "This server has no token configured." : "Wrong token.",
        ),
      }, 401);
    }
    setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
    return c.redirect(next, 303);
  });

  app.post("/logout", (c) => {
    setCookie(c, TOKEN_COOKIE, "", { httpOnly: true, sameSite: "Strict", path: "/", maxAge: 0 });
    return c.redirect("/", 303);
  });
}
