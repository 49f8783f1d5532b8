/**
 * The opt-out page: the list, shown to whoever holds the token, and its form (a same-origin
 * POST with the token) to add or remove a user or channel.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { ApiEnv } from "../api/route_env.ts";
import { httpError } from "../http_errors.ts";
import { optoutView } from "../render/access_views.ts";
import { presentedToken, sameOrigin } from "../security.ts";
import { sendPage } from "./send_page.ts";

/**
 * Registers `GET` and `POST /ui/optout` on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
 * const workspace = openWorkspace(await openStore({ dataDir: await Deno.makeTempDir() }));
 * const app = createApp({ workspace, host: "127.0.0.1", token: "0123456789abcdef" });
 * const url = "http://127.0.0.1/ui/optout";
 * const anonymous = await (await app.request(url)).text();
 * assert.ok(anonymous.includes('<a href="/login?next=/ui/optout">Log in</a>'));
 * const body = new URLSearchParams({ kind: "user", name: "Cat", action: "add" });
 * const cookie = "osint_token=0123456789abcdef";
 * // A change must come from this server's own page.
 * const foreign = { cookie, host: "127.0.0.1", origin: "http://evil.example" };
 * assert.equal((await app.request(url, { method: "POST", headers: foreign, body })).status, 401);
 * const own = { cookie, host: "127.0.0.1", origin: "http://127.0.0.1" };
 * const added = await app.request(url, { method: "POST", headers: own, body });
 * assert.equal(added.status, 200);
 * assert.match(await added.text(), /Added: user cat\./);
 * assert.deepEqual((await workspace.optout()).users, ["cat"]);
 * await workspace.close();
 * await Deno.remove(workspace.dataDir, { recursive: true });
 * ```
 */
export function registerOptOutPage(app: Hono<ApiEnv>): void {
  app.get("/ui/optout", async (c) => {
    const token = c.var.token;
    const canWrite = presentedToken(c, token) !== null;
    const list = canWrite ? await c.var.workspace.optout() : null;
    return sendPage(c, {
      title: "Opt-out",
      section: "optout",
      body: optoutView(list, { canWrite, message: null }),
    });
  });

  app.post("/ui/optout", async (c) => {
    const token = c.var.token;
    if (presentedToken(c, token) === null || !sameOrigin(c)) {
      return sendPage(c, {
        title: "Opt-out",
        section: "optout",
        body: optoutView(null, { canWrite: false, message: "Not changed: log in first." }),
      }, 401);
    }
    const { message, status } = await changeOptOut(c);
    const list = await c.var.workspace.optout();
    return sendPage(c, {
      title: "Opt-out",
      section: "optout",
      body: optoutView(list, { canWrite: true, message }),
    }, status);
  });
}

/** Applies the form's change; what to say, and 400 when the name could not be read. */
async function changeOptOut(
  c: Context<ApiEnv>,
): Promise<{ message: string; status: 200 | 400 }> {
  const form = await c.req.parseBody();
  const kind = form.kind === "channel" ? "channel" : "user";
  const name = typeof form.name === "string" ? form.name : "";
  const add = form.action !== "remove";
  try {
    const r = await c.var.workspace.setOptout({
      add,
      ...(kind === "user" ? { users: [name] } : { channels: [name] }),
    });
    const message = r.changed.length
      ? `${add ? "Added" : "Removed"}: ${r.changed.join(", ")}.`
      : "Nothing changed.";
    return { message, status: 200 };
  } catch (e) {
    const h = httpError(e);
    if (h.status >= 500) throw e;
    return { message: h.message, status: 400 };
  }
}
