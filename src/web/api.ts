/**
 * The JSON API of `serve`: one route per question the CLI answers, each answering with what
 * the CLI prints for it (`search messages --format json`, `profiles show`, `subjects hits
 * --format json`, `subjects report --format json`). Lists are plain JSON arrays, as the CLI
 * prints them; paging is `offset` + `limit`, and the total is in the `X-Total-Count` header
 * (`X-Total-Exact: false` when counting stopped at the cap), with a `Link: rel="next"`.
 *
 * Each resource's routes are in `api/` (one file each); this registers them in the order the
 * OpenAPI document lists them.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerHealth } from "./api/health.ts";
import { registerLive } from "./api/live.ts";
import { registerPerson } from "./api/person.ts";
import { registerPrivacy } from "./api/privacy.ts";
import { registerProfiles } from "./api/profiles.ts";
import type { ApiEnv } from "./api/route_env.ts";
import { registerSearch } from "./api/search.ts";
import { registerSubjects } from "./api/subjects.ts";

/**
 * Registers the JSON routes on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OpenAPIHono } from "@hono/zod-openapi";
 * import { registerApi } from "./api.ts";
 * import type { ApiEnv } from "./api/route_env.ts";
 * const app = new OpenAPIHono<ApiEnv>();
 * registerApi(app);
 * const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
 * assert.deepEqual(Object.keys(doc.paths ?? {}), [
 *   "/healthz",
 *   "/search",
 *   "/events",
 *   "/profiles/users",
 *   "/profiles/users/{name}",
 *   "/profiles/channels",
 *   "/profiles/channels/{name}",
 *   "/subjects",
 *   "/subjects/{key}",
 *   "/hits",
 *   "/timeline",
 *   "/graph/neighbors",
 *   "/live",
 *   "/privacy/optout",
 * ]);
 * assert.deepEqual(doc.paths?.["/privacy/optout"]?.post?.security, [{ bearer: [] }]);
 * ```
 */
export function registerApi(app: OpenAPIHono<ApiEnv>): void {
  registerHealth(app);
  registerSearch(app);
  registerProfiles(app);
  registerSubjects(app);
  registerPerson(app);
  registerLive(app);
  registerPrivacy(app);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "OSINT_API_TOKEN (or the HttpOnly cookie set by POST /login)",
  });
}
