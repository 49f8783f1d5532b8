/**
 * Answering with a page: the layout of `render/layout.ts` around a view, as HTML.
 *
 * @module
 */
import type { Context } from "hono";
import type { Html } from "../render/html.ts";
import { page, type Section } from "../render/layout.ts";

/** Answers with a page. */
export function sendPage(
  c: Context,
  o: { title: string; section?: Section; body: Html; charts?: boolean },
  status: 200 | 400 | 401 | 403 | 404 | 500 = 200,
): Response {
  return c.html(page(o).text, status);
}
