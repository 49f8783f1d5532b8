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

/**
 * Registers `GET /search` (messages) and `GET /events` on `app`.
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
 *   said("m1", 1, "ann", "hi all", []),
 *   said("m2", 2, "bob", "hey @ann", ["ann"]),
 *   said("m3", 3, "cat", "hi bob", []),
 * ]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const res = await app.request("http://127.0.0.1/search?contains=hi&limit=1");
 * assert.equal(res.headers.get("x-total-count"), "2");
 * assert.equal(res.headers.get("link"), '</search?contains=hi&limit=1&offset=1>; rel="next"');
 * assert.deepEqual((await res.json()).map((m: { message_id: string }) => m.message_id), ["m3"]);
 * const bad = await app.request("http://127.0.0.1/search?limit=x");
 * assert.equal(bad.status, 400);
 * assert.deepEqual(await bad.json(), { error: 'limit must be a whole number, got "x"' });
 * const events = await app.request("http://127.0.0.1/events");
 * assert.deepEqual([events.status, await events.json()], [200, []]);
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
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
