/**
 * `GET /healthz`: the server answers.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { json } from "./responses.ts";
import type { ApiEnv } from "./route_env.ts";

/** Registers `GET /healthz` on `app`. */
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
