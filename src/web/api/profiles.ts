/**
 * `GET /profiles/users`, `/profiles/channels` (paged, sortable lists) and one profile by name
 * (what `profiles show` prints).
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as S from "../api_schemas.ts";
import { ChannelProfile, UserProfile } from "../../schemas.ts";
import { profileListOptions } from "./params.ts";
import { ERRORS, json, PAGED_HEADERS, setPaging } from "./responses.ts";
import type { ApiEnv } from "./route_env.ts";

/** Registers the profile lists and the profile of one user or channel on `app`. */
export function registerProfiles(app: OpenAPIHono<ApiEnv>): void {
  for (const kind of ["user", "channel"] as const) {
    const plural = kind === "user" ? "users" : "channels";
    app.openapi(
      createRoute({
        method: "get",
        path: `/profiles/${plural}`,
        summary: `List ${kind} profiles (paged, sortable)`,
        request: { query: S.ProfileListParams },
        responses: {
          200: {
            ...json(z.array(S.ProfileSummary), `the page of ${plural}`),
            headers: PAGED_HEADERS,
          },
          400: ERRORS[400],
        },
      }),
      async (c) => {
        const q = c.req.valid("query");
        const page = await c.var.workspace.listProfiles(kind, profileListOptions(q));
        setPaging(c, page);
        return c.json(page.items, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: `/profiles/${plural}/{name}`,
        summary: `One ${kind} profile (\`profiles show --${kind} NAME\`)`,
        request: { params: S.NameParam },
        responses: {
          200: json(kind === "user" ? UserProfile : ChannelProfile, "the profile"),
          400: ERRORS[400],
          404: ERRORS[404],
        },
      }),
      async (c) => {
        const { name } = c.req.valid("param");
        const p = kind === "user"
          ? await c.var.workspace.userProfile(name)
          : await c.var.workspace.channelProfile(name);
        return c.json(p, 200);
      },
    );
  }
}
