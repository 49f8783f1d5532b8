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

/** Registers `GET` and `POST /login` and `POST /logout` on `app`. */
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
