/**
 * `GET /healthz`: the server answers.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { json } from "./responses.ts";
import type { ApiEnv } from "./route_env.ts";

/**
 * Registers `GET /healthz` on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpenAPIHono } from "@hono/zod-openapi";
 * import { registerHealth } from "./health.ts";
 * import type { ApiEnv } from "./route_env.ts";
 * const app = new OpenAPIHono<ApiEnv>();
 * registerHealth(app);
 * const res = await app.request("/healthz");
 * assert.equal(res.status, 200);
 * assert.deepEqual(await res.json(), { status: "ok" });
 * assert.equal((await app.request("/healthz", { method: "POST" })).status, 404);
 * ```
 */
export function registerHealth(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      summary: "Liveness: the server answers",
      responses: { 200: json(z.object({ status: z.literal("ok") }), "the server is up") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );
}
