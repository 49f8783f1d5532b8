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

/** Registers `GET /ui/search` on `app`. */
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
