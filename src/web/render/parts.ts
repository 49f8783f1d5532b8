/**
 * Small pieces the views share: a row of stats, counted names as chips, and paging links.
 *
 * @module
 */
import type { Counted } from "../../schemas.ts";
import type { Page } from "./view_model.ts";
import { type Html, html } from "./html.ts";

/** One figure of a row of stats. */
export function stat(value: string | number | Html, label: string): Html {
  return html`<li><b>${value}</b>${label}</li>`;
}

/** Names with their counts, as chips (linked when `link` is given). */
export function counted(list: readonly Counted[], link?: (name: string) => string): Html {
  if (list.length === 0) return html`<p class="muted">None.</p>`;
  return html`<ul class="chips">${
    list.map((c) =>
      html`<li>${
        link ? html`<a href="${link(c.name)}">${c.name}</a>` : c.name
      } <span class="muted">${c.count}</span></li>`
    )
  }</ul>`;
}

/** A page's total in words ("at least" when counting stopped). */
export function totalText(p: Page<unknown>): string {
  return p.exact ? String(p.total) : `at least ${p.total}`;
}

/**
 * Paging links: previous and next pages of the same query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pager } from "./parts.ts";
 * const page = { items: ["k", "l"], offset: 10, limit: 2, total: 40, exact: false };
 * const { text } = pager(page, "/ui/search", new URLSearchParams({ contains: "a&b" }));
 * assert.ok(text.includes('<span data-testid="total">11–12 of at least 40</span>'));
 * assert.ok(text.includes('<a href="/ui/search?contains=a%26b&amp;offset=8" rel="prev">'));
 * assert.ok(text.includes('<a href="/ui/search?contains=a%26b&amp;offset=12" rel="next">'));
 * ```
 */
export function pager(p: Page<unknown>, base: string, params: URLSearchParams): Html {
  const from = p.items.length ? p.offset + 1 : 0;
  const link = (offset: number) => {
    const q = new URLSearchParams(params);
    q.set("offset", String(offset));
    return `${base}?${q}`;
  };
  return html`
    <nav class="pager"
      aria-label="Pages"><span data-testid="total">${from}–${p.offset +
        p.items.length} of ${totalText(p)}</span>${p.offset > 0
        ? html`<a href="${link(Math.max(0, p.offset - p.limit))}" rel="prev">Previous</a>`
        : ""}${p.offset + p.items.length < p.total
        ? html`<a href="${link(p.offset + p.items.length)}" rel="next">Next</a>`
        : ""}</nav>
  `;
}
