/**
 * The shapes the JSON routes answer with, as their OpenAPI descriptions say them: a JSON body of
 * a schema, the error bodies, and the paging headers of a list (`X-Total-Count`,
 * `X-Total-Exact`, `Link: rel="next"`).
 *
 * @module
 */
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as S from "../api_schemas.ts";
import type { Page } from "../workspace.ts";

/** A JSON response of `schema`, as a route's `responses` entry. */
export const json = <T extends z.ZodType>(schema: T, description: string): {
  content: { "application/json": { schema: T } };
  description: string;
} => ({
  content: { "application/json": { schema } },
  description,
});

/** The error responses routes share: bad input, and a name not found or not served. */
export const ERRORS = {
  400: json(S.ApiError, "bad input: a parameter that cannot be read"),
  404: json(S.ApiError, "no such name, or not served (opt-out)"),
} as const;

/** The headers of a paged list. */
export const PAGED_HEADERS = {
  "X-Total-Count": { schema: { type: "integer" as const }, description: "matches in all" },
  "X-Total-Exact": {
    schema: { type: "boolean" as const },
    description: "false: counting stopped at the cap, there are at least this many",
  },
};

/**
 * Sets the paging headers of `page` on the response, with a link to the next page if any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hono } from "hono";
 * import { setPaging } from "./responses.ts";
 * const app = new Hono();
 * app.get("/list", (c) => {
 *   setPaging(c, { items: ["a", "b"], offset: 4, limit: 2, total: 10, exact: false });
 *   return c.json(["a", "b"]);
 * });
 * const res = await app.request("/list?limit=2&offset=4");
 * assert.equal(res.headers.get("x-total-count"), "10");
 * assert.equal(res.headers.get("x-total-exact"), "false");
 * assert.equal(res.headers.get("link"), '</list?limit=2&offset=6>; rel="next"');
 * ```
 */
export function setPaging(c: Context, page: Page<unknown>): void {
  c.header("X-Total-Count", String(page.total));
  c.header("X-Total-Exact", String(page.exact));
  if (page.offset + page.items.length < page.total) {
    const u = new URL(c.req.url);
    u.searchParams.set("offset", String(page.offset + page.items.length));
    c.header("Link", `<${u.pathname}${u.search}>; rel="next"`);
  }
}
