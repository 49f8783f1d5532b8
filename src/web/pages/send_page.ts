/**
 * Answering with a page: the layout of `render/layout.ts` around a view, as HTML.
 *
 * @module
 */
import type { Context } from "hono";
import type { Html } from "../render/html.ts";
import { page, type Section } from "../render/layout.ts";

/**
 * Answers with a page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hono } from "hono";
 * import { html } from "../render/html.ts";
 * import { sendPage } from "./send_page.ts";
 * const app = new Hono();
 * app.get("/gone", (c) => sendPage(c, { title: "<Gone>", body: html`<p>${"a & b"}</p>` }, 404));
 * const res = await app.request("/gone");
 * assert.equal(res.status, 404);
 * assert.equal(res.headers.get("content-type"), "text/html; charset=UTF-8");
 * const text = await res.text();
 * assert.match(text, /<title>&lt;Gone&gt;[^<]*<\/title>/);
 * assert.ok(text.includes("<p>a &amp; b</p>"));
 * ```
 */
export function sendPage(
  c: Context,
  o: { title: string; section?: Section; body: Html; charts?: boolean },
  status: 200 | 400 | 401 | 403 | 404 | 500 = 200,
): Response {
  return c.html(page(o).text, status);
}
