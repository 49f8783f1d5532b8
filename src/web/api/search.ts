/**
 * `GET /search` and `GET /events`: the filters of `search messages` and `search events`, a page
 * at a time, newest first.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as S from "../api_schemas.ts";
import { defined, wholeParam } from "./params.ts";
import { ERRORS, json, PAGED_HEADERS, setPaging } from "./responses.ts";
import type { ApiEnv } from "./route_env.ts";

/** Registers `GET /search` (messages) and `GET /events` on `app`. */
export function registerSearch(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/search",
      summary: "Search messages (the filters of `search messages`)",
      description: "Newest first, ties by message_id. The body is what " +
        "`search messages --format json` prints for the same filters (at offset 0).",
      request: { query: S.SearchParams },
      responses: {
        200: { ...json(z.array(S.ShownMessage), "the page of messages"), headers: PAGED_HEADERS },
        400: ERRORS[400],
      },
    }),
    async (c) => {
      const { offset, q: query, ...q } = c.req.valid("query");
      const page = await c.var.workspace.searchMessages(
        defined({ ...q, query }),
        wholeParam(offset, "offset", 0),
      );
      setPaging(c, page);
      return c.json(page.items, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/events",
      summary: "Search moderation and notice events (`search events`)",
      description: "Newest first, ties by event_id. The body is what " +
        "`search events --format json` prints for the same filters (at offset 0); `q` takes " +
        "the query language as `search events --query` does.",
      request: { query: S.EventParams },
      responses: {
        200: { ...json(z.array(S.ChatEvent), "the page of events"), headers: PAGED_HEADERS },
        400: ERRORS[400],
      },
    }),
    async (c) => {
      const { offset, q: query, ...q } = c.req.valid("query");
      const page = await c.var.workspace.searchEvents(
        defined({ ...q, query }),
        wholeParam(offset, "offset", 0),
      );
      setPaging(c, page);
      return c.json(page.items, 200);
    },
  );
}
