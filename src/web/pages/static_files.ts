/**
 * The page's static assets, served from memory with validators (`ETag`, `If-None-Match`), and
 * the icon browsers ask for whatever the page says.
 *
 * @module
 */
import type { Hono } from "hono";
import { NotFoundError } from "../../errors.ts";
import type { ApiEnv } from "../api/route_env.ts";
import { ASSETS } from "../assets.ts";

/**
 * Registers `GET /assets/:file` and `GET /favicon.ico` on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
 * const workspace = openWorkspace(await openStore({ dataDir: await Deno.makeTempDir() }));
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const css = await app.request("http://127.0.0.1/assets/app.css");
 * assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
 * const etag = css.headers.get("etag")!;
 * await css.body?.cancel();
 * const again = await app.request("http://127.0.0.1/assets/app.css", {
 *   headers: { "if-none-match": etag },
 * });
 * assert.equal(again.status, 304);
 * const icon = await app.request("http://127.0.0.1/favicon.ico");
 * assert.deepEqual([icon.status, icon.headers.get("location")], [301, "/assets/icon.svg"]);
 * const missing = await app.request("http://127.0.0.1/assets/nope.js");
 * assert.deepEqual([missing.status, await missing.json()], [404, { error: "no such asset" }]);
 * await workspace.close();
 * await Deno.remove(workspace.dataDir, { recursive: true });
 * ```
 */
export function registerStaticFiles(app: Hono<ApiEnv>): void {
  app.get("/assets/:file", (c) => {
    const a = ASSETS.get(c.req.param("file"));
    if (!a) throw new NotFoundError("no such asset");
    c.header("ETag", a.etag);
    c.header("Cache-Control", "no-cache");
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304);
    c.header("Content-Type", a.type);
    return c.body(a.body);
  });

  // Browsers ask for it whatever the page says.
  app.get("/favicon.ico", (c) => c.redirect("/assets/icon.svg", 301));
}
