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

/**
 * Registers the profile lists and the profile of one user or channel on `app`.
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
 * await store.appendMessages([said("m1", 1, "ann", "hi", []), said("m2", 2, "bob", "yo", [])]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const first = "/profiles/users?sort=name&order=desc&limit=1";
 * const list = await app.request(`http://127.0.0.1${first}`);
 * assert.equal(list.headers.get("x-total-count"), "2");
 * assert.equal(list.headers.get("link"), `<${first}&offset=1>; rel="next"`);
 * assert.deepEqual((await list.json()).map((p: { name: string }) => p.name), ["bob"]);
 * const ann = await (await app.request("http://127.0.0.1/profiles/users/ann")).json();
 * assert.deepEqual([ann.user_name, ann.message_count], ["ann", 1]);
 * const none = await app.request("http://127.0.0.1/profiles/channels/nowhere");
 * assert.equal(none.status, 404);
 * assert.match((await none.json()).error, /^no profile for channel "nowhere"/);
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
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
