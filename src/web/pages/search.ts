/**
 * The search page: the form of `search messages` and a page of what it finds; a filter that
 * cannot be read is shown on the page (400), not thrown.
 *
 * @module
 */
import type { Hono } from "hono";
import type { ShownMessage } from "../../query/events.ts";
import { wholeParam } from "../api/params.ts";
import type { ApiEnv } from "../api/route_env.ts";
import { httpError } from "../http_errors.ts";
import { type SearchForm, searchView } from "../render/search_view.ts";
import type { Page } from "../workspace.ts";
import { sendPage } from "./send_page.ts";

/**
 * Registers `GET /ui/search` on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
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
 * await store.appendMessages([
 *   said("m1", 1, "ann", "hi <b>all</b>", []),
 *   said("m2", 2, "bob", "yo", []),
 * ]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const found = await (await app.request("http://127.0.0.1/ui/search?contains=all")).text();
 * assert.ok(found.includes('<span data-testid="total">1–1 of 1</span>'));
 * assert.ok(found.includes('<span class="text">hi &lt;b&gt;all&lt;/b&gt;</span>'));
 * // A filter that cannot be read is said on the page, with the form as it was filled.
 * const bad = await app.request("http://127.0.0.1/ui/search?since=%3Csoon%3E");
 * assert.equal(bad.status, 400);
 * const html = await bad.text();
 * assert.ok(html.includes('<input name="since" value="&lt;soon&gt;"'));
 * assert.ok(html.includes("since: cannot read &quot;&lt;soon&gt;&quot; as a time"));
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function registerSearchPage(app: Hono<ApiEnv>): void {
  app.get("/ui/search", async (c) => {
    const q = c.req.query();
    const form: SearchForm = {
      by: q.by || undefined,
      value: q.value || undefined,
      since: q.since || undefined,
      until: q.until || undefined,
      contains: q.contains || undefined,
      limit: q.limit || undefined,
    };
    const filters = Object.fromEntries(
      Object.entries(form).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    let result: Page<ShownMessage> | null = null;
    let error: string | null = null;
    try {
      result = await c.var.workspace.searchMessages(filters, wholeParam(q.offset, "offset", 0));
    } catch (e) {
      const h = httpError(e);
      if (h.status >= 500) throw e;
      error = h.message;
    }
    return sendPage(c, {
      title: "Search",
      section: "search",
      body: searchView(form, result, error),
    }, error ? 400 : 200);
  });
}
