/**
 * `GET /subjects` (the loaded subjects), `/subjects/{key}` (a subject's report, built now) and
 * `/hits` (watchlist hits, newest first).
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { NotFoundError, UsageError } from "../../errors.ts";
import * as S from "../api_schemas.ts";
import { wholeParam } from "./params.ts";
import { ERRORS, json } from "./responses.ts";
import type { ApiEnv } from "./route_env.ts";

/**
 * Registers the subjects list, a subject's report and the hits on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { writeSubjects } from "../../subjects/subject_list.ts";
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
 * await store.appendMessages([{
 *   ...said("m1", 1, "bob", "hey @ann", ["ann"]),
 *   hits: [{ subject_key: "username_ann", how: "mention" }],
 * }]);
 * await writeSubjects(store.dataDir, [{ key: "username_ann", type: "username", value: "ann" }]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const subjects = await (await app.request("http://127.0.0.1/subjects")).json();
 * assert.deepEqual(subjects, [
 *   { key: "username_ann", type: "username", value: "ann", hits: 1, providers: {} },
 * ]);
 * const hits = await (await app.request("http://127.0.0.1/hits?subject=username_ann")).json();
 * assert.deepEqual(hits.map((h: { message_id: string; how: string }) => [h.message_id, h.how]), [
 *   ["m1", "mention"],
 * ]);
 * const report = await (await app.request("http://127.0.0.1/subjects/username_ann")).json();
 * assert.equal(report.hits.total, 1);
 * const none = await app.request("http://127.0.0.1/subjects/nope");
 * assert.equal(none.status, 404);
 * assert.deepEqual(await none.json(), { error: 'no loaded subject "nope"' });
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function registerSubjects(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/subjects",
      summary: "The loaded subjects, with hit counts and enrichment statuses",
      responses: { 200: json(z.array(S.SubjectSummary), "every loaded subject") },
    }),
    async (c) => c.json(await c.var.workspace.subjects(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/subjects/{key}",
      summary: "A subject's report: enrichment, presence, hits, signals",
      description: "What `subjects report KEY --format json` writes, built now " +
        "(presence is recomputed from the current profiles).",
      request: { params: S.SubjectParam },
      responses: { 200: json(S.SubjectReport, "the report"), 404: ERRORS[404] },
    }),
    async (c) => {
      const { key } = c.req.valid("param");
      const r = await c.var.workspace.subjectReport(key);
      if (r === null) throw new NotFoundError(`no loaded subject "${key}"`);
      return c.json(r as unknown as z.infer<typeof S.SubjectReport>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/hits",
      summary: "Watchlist hits, newest first (`subjects hits --format json`)",
      request: { query: S.HitParams },
      responses: { 200: json(z.array(S.HitRow), "the hits"), 400: ERRORS[400] },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const limit = q.limit === undefined ? 50 : wholeParam(q.limit, "limit", 50);
      if (limit < 1) throw new UsageError(`limit must be at least 1, got ${limit}`);
      const rows = await c.var.workspace.hits({
        ...(q.subject !== undefined ? { subject: q.subject } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
        limit,
      });
      return c.json(rows, 200);
    },
  );
}
