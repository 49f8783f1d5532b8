/**
 * The page's routes: each asks the {@link Workspace} what the matching JSON route asks, and
 * renders it with the views of `render/` (server-side, every value escaped). Static assets are
 * served from memory with validators; the login form sets the HttpOnly token cookie.
 *
 * Each page's routes are in `pages/` (one file per part of the page); this registers them in
 * order.
 *
 * @module
 */
import type { Hono } from "hono";
import type { ApiEnv } from "./api/route_env.ts";
import { registerChannelPage, registerLandingPage } from "./pages/channels.ts";
import { registerLogin } from "./pages/login.ts";
import { registerOptOutPage } from "./pages/optout.ts";
import { registerPeoplePages } from "./pages/people.ts";
import { registerSearchPage } from "./pages/search.ts";
import { registerStaticFiles } from "./pages/static_files.ts";
import { registerSubjectPages } from "./pages/subjects.ts";

/**
 * Registers the page's routes on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { createApp } from "./app.ts";
 * import { isPagePath } from "./pages.ts";
 * import { openWorkspace } from "./workspace.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const said = (id: string, s: number, user: string, text: string, mentions: string[]) => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions,
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * });
 * await store.appendMessages([said("m1", 1, "ann", "hi <b>all</b>", [])]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const res = await app.request("http://127.0.0.1/");
 * assert.equal(res.headers.get("content-type"), "text/html; charset=UTF-8");
 * // Chat text is escaped, never markup.
 * assert.ok((await res.text()).includes('<span class="text">hi &lt;b&gt;all&lt;/b&gt;</span>'));
 * // A missing page is a page; a missing API route is JSON.
 * assert.ok(isPagePath("/ui/nowhere") && !isPagePath("/nowhere"));
 * const page = await app.request("http://127.0.0.1/ui/nowhere");
 * assert.equal(page.status, 404);
 * assert.ok((await page.text()).includes('role="alert">no route for GET /ui/nowhere</p>'));
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function registerPages(app: Hono<ApiEnv>): void {
  registerStaticFiles(app);
  registerLandingPage(app);
  registerSearchPage(app);
  registerPeoplePages(app);
  registerChannelPage(app);
  registerSubjectPages(app);
  registerOptOutPage(app);
  registerLogin(app);
}

/** True for the paths the page owns (errors there are pages, not JSON). */
export function isPagePath(path: string): boolean {
  return path === "/" || path.startsWith("/ui/") || path === "/ui" || path === "/login" ||
    path === "/docs";
}
