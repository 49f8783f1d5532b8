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

/**
 * Registers the opt-out list's routes on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
 * const workspace = openWorkspace(await openStore({ dataDir: await Deno.makeTempDir() }));
 * const token = "0123456789abcdef";
 * const app = createApp({ workspace, host: "127.0.0.1", token });
 * const url = "http://127.0.0.1/privacy/optout";
 * const denied = await app.request(url);
 * assert.equal(denied.status, 401);
 * assert.deepEqual(await denied.json(), {
 *   error: "this needs the token (Authorization: Bearer ...)",
 * });
 * const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
 * const body = JSON.stringify({ users: ["Cat"] });
 * const added = await app.request(url, { method: "POST", headers, body });
 * assert.deepEqual(await added.json(), { users: ["cat"], channels: [], changed: ["user cat"] });
 * const removed = await app.request(url, { method: "DELETE", headers, body });
 * assert.deepEqual(await removed.json(), { users: [], channels: [], changed: ["user cat"] });
 * await workspace.close();
 * await Deno.remove(workspace.dataDir, { recursive: true });
 * ```
 */
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
