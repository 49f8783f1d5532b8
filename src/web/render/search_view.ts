/**
 * The search page: every filter, results as a chat log with the total and paging. Every value
 * is escaped by {@link html}.
 *
 * @module
 */
import type { ShownMessage } from "../../query/events.ts";
import type { Page } from "./view_model.ts";
import { chatLog } from "./chat.ts";
import { type Html, html } from "./html.ts";
import { workspaceLinks as L } from "./links.ts";
import { pager } from "./parts.ts";

/** The search form's fields, as given. */
export interface SearchForm {
  by?: string | undefined;
  value?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  contains?: string | undefined;
  limit?: string | undefined;
}

/**
 * `/ui/search`: every filter, results as a chat log with the total and paging.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { searchView } from "./search_view.ts";
 * const form = { by: "user", value: '"><b>', contains: "hi" };
 * const { text } = searchView(form, null, "value: not a login");
 * assert.ok(text.includes('<input name="value" value="&quot;&gt;&lt;b&gt;"'));
 * assert.match(text, /<option value="user"\s+selected\s*>user<\/option>/);
 * assert.ok(text.includes('<p class="note" role="alert">value: not a login</p>'));
 * assert.ok(!text.includes('class="log"'));
 * const none = searchView({}, { items: [], offset: 0, limit: 20, total: 0, exact: true }, null);
 * assert.ok(none.text.includes('<span data-testid="total">0–0 of 0</span>'));
 * assert.ok(none.text.includes('<li class="empty">No messages.</li>'));
 * ```
 */
export function searchView(
  f: SearchForm,
  result: Page<ShownMessage> | null,
  error: string | null,
): Html {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "") params.set(k, v);
  const opt = (v: string, label: string) =>
    html`
      <option value="${v}" ${f.by === v
        ? html`
          selected
        `
        : ""}>${label}</option>
    `;
  return html`
    <h1>Search messages</h1>
    <form class="filters" method="get" action="/ui/search" role="search">
      <label>Contains <input name="contains" value="${f.contains ??
        ""}" placeholder="words, all required"></label>
      <label>By <select name="by">${opt("", "anyone, anywhere")}${opt("user", "user")}${opt(
        "channel",
        "channel",
      )}</select></label>
      <label>Name <input name="value" value="${f.value ??
        ""}" placeholder="login" autocomplete="off"></label>
      <label>Since <input name="since" value="${f.since ??
        ""}" placeholder="2025-09-02, 2h, 7d"></label>
      <label>Until <input name="until" value="${f.until ??
        ""}" placeholder="ISO time or date"></label>
      <label>Per page <input name="limit" value="${f.limit ??
        ""}" inputmode="numeric" placeholder="20"></label>
      <button type="submit">Search</button>
    </form>
    ${error !== null ? html`<p class="note" role="alert">${error}</p>` : ""}
    ${result === null
      ? ""
      : html`${pager(result, "/ui/search", params)}${chatLog(result.items, L, "results")}${
        pager(result, "/ui/search", params)
      }`}
  `;
}
