/**
 * `GET /timeline` and `GET /graph/neighbors`: one person's timeline and closest contacts, what
 * `timeline` and `graph neighbors` print as JSON.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, type z } from "@hono/zod-openapi";
import * as S from "../api_schemas.ts";
import { personWindow, wholeParam } from "./params.ts";
import { ERRORS, json } from "./responses.ts";
import type { ApiEnv } from "./route_env.ts";

/**
 * Registers a person's timeline and contacts on `app`.
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
 *   said("m1", 1, "ann", "hi", []),
 *   said("m2", 2, "bob", "hey @ann", ["ann"]),
 *   said("m3", 3, "cat", "hello @bob", ["bob"]),
 * ]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const timeline = await (await app.request("http://127.0.0.1/timeline?user=bob")).json();
 * assert.equal(timeline.person.key, "bob");
 * assert.deepEqual(timeline.entries.map((e: { kind: string }) => e.kind), ["message"]);
 * const res = await app.request("http://127.0.0.1/graph/neighbors?user=bob");
 * const { contacts } = await res.json();
 * type Contact = { login: string; to: number; from: number };
 * assert.deepEqual(contacts.map((c: Contact) => [c.login, c.to, c.from]), [
 *   ["ann", 1, 0],
 *   ["cat", 0, 1],
 * ]);
 * const bad = await app.request("http://127.0.0.1/timeline?user=");
 * assert.equal(bad.status, 400);
 * assert.deepEqual(await bad.json(), { error: "user: give a login or a user id" });
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function registerPerson(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/timeline",
      summary: "A person's timeline (`timeline --user X --format json`)",
      description: "Everything about one person, oldest first, across every channel and every " +
        "login they used: messages, moderation aimed at them, notices, renames, hits, signals.",
      request: { query: S.TimelineParams },
      responses: { 200: json(S.Timeline, "the person and the entries"), ...ERRORS },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const t = await c.var.workspace.timeline({
        ...personWindow(q),
        context: wholeParam(q.context, "context", 0),
      });
      return c.json(t as z.infer<typeof S.Timeline>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/graph/neighbors",
      summary: "A person's closest contacts (`graph neighbors --user X --format json`)",
      description: "Everyone they addressed or who addressed them (@mentions and replies, both " +
        "directions summed), heaviest first; 20 unless `limit` says.",
      request: { query: S.PersonParams },
      responses: { 200: json(S.Neighbors, "the person and their contacts"), ...ERRORS },
    }),
    async (c) => {
      const r = await c.var.workspace.neighbors(personWindow(c.req.valid("query")));
      return c.json(r as z.infer<typeof S.Neighbors>, 200);
    },
  );
}
