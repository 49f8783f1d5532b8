/**
 * `GET`, `POST` and `DELETE /privacy/optout`: the opt-out list, read and changed with the token
 * (the one thing the API writes).
 *
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import * as S from "../api_schemas.ts";
import { requireToken } from "../security.ts";
import { defined } from "./params.ts";
import { ERRORS, json } from "./responses.ts";
import type { ApiEnv } from "./route_env.ts";

/** Registers the opt-out list's routes on `app`. */
export function registerPrivacy(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/privacy/optout",
      summary: "The opt-out list (needs the token)",
      security: [{ bearer: [] }],
      middleware: [requireToken] as const,
      responses: { 200: json(S.OptOut, "the users and channels never stored nor served") },
    }),
    async (c) => c.json(await c.var.workspace.optout(), 200),
  );

  for (const method of ["post", "delete"] as const) {
    app.openapi(
      createRoute({
        method,
        path: "/privacy/optout",
        summary: method === "post"
          ? "Add users or channels to the opt-out list (needs the token)"
          : "Remove users or channels from the opt-out list (needs the token)",
        security: [{ bearer: [] }],
        middleware: [requireToken] as const,
        request: {
          body: { content: { "application/json": { schema: S.OptOutChange } }, required: true },
        },
        responses: { 200: json(S.OptOutResult, "the list after the change"), 400: ERRORS[400] },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const r = await c.var.workspace.setOptout({ add: method === "post", ...defined(body) });
        return c.json({ ...r.optout, changed: r.changed }, 200);
      },
    );
  }
}
