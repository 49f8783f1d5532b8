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

/** Registers a person's timeline and contacts on `app`. */
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
