/**
 * The JSON API of `serve`: one route per question the CLI answers, each answering with what
 * the CLI prints for it (`search messages --format json`, `profiles show`, `subjects hits
 * --format json`, `subjects report --format json`). Lists are plain JSON arrays, as the CLI
 * prints them; paging is `offset` + `limit`, and the total is in the `X-Total-Count` header
 * (`X-Total-Exact: false` when counting stopped at the cap), with a `Link: rel="next"`.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { NotFoundError } from "../errors.ts";
import { UsageError } from "../errors.ts";
import * as S from "./api_schemas.ts";
import { ChannelProfile, UserProfile } from "../schemas.ts";
import type { Page, PersonWindow, Workspace } from "./workspace.ts";
import type { ProfileSort } from "./profile_summaries.ts";
import { requireToken } from "./security.ts";

/** Everything the routes need. */
export interface ApiEnv {
  Variables: { workspace: Workspace; token: string | null };
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const ERRORS = {
  400: json(S.ApiError, "bad input: a parameter that cannot be read"),
  404: json(S.ApiError, "no such name, or not served (opt-out)"),
} as const;

const PAGED_HEADERS = {
  "X-Total-Count": { schema: { type: "integer" as const }, description: "matches in all" },
  "X-Total-Exact": {
    schema: { type: "boolean" as const },
    description: "false: counting stopped at the cap, there are at least this many",
  },
};

/** A non-negative whole number from a query parameter. */
export function wholeParam(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw.trim())) {
    throw new UsageError(`${name} must be a whole number of at least 0, got "${raw}"`);
  }
  return Number(raw.trim());
}

function setPaging(c: Context, page: Page<unknown>): void {
  c.header("X-Total-Count", String(page.total));
  c.header("X-Total-Exact", String(page.exact));
  if (page.offset + page.items.length < page.total) {
    const u = new URL(c.req.url);
    u.searchParams.set("offset", String(page.offset + page.items.length));
    c.header("Link", `<${u.pathname}${u.search}>; rel="next"`);
  }
}

/** Registers the JSON routes on `app`. */
export function registerApi(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      summary: "Liveness: the server answers",
      responses: { 200: json(z.object({ status: z.literal("ok") }), "the server is up") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/search",
      summary: "Search messages (the filters of `search messages`)",
      description: "Newest first, ties by message_id. The body is what " +
        "`search messages --format json` prints for the same filters (at offset 0).",
      request: { query: S.SearchParams },
      responses: {
        200: { ...json(z.array(S.ShownMessage), "the page of messages"), headers: PAGED_HEADERS },
        400: ERRORS[400],
      },
    }),
    async (c) => {
      const { offset, q: query, ...q } = c.req.valid("query");
      const page = await c.var.workspace.searchMessages(
        defined({ ...q, query }),
        wholeParam(offset, "offset", 0),
      );
      setPaging(c, page);
      return c.json(page.items, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/events",
      summary: "Search moderation and notice events (`search events`)",
      description: "Newest first, ties by event_id. The body is what " +
        "`search events --format json` prints for the same filters (at offset 0); `q` takes " +
        "the query language as `search events --query` does.",
      request: { query: S.EventParams },
      responses: {
        200: { ...json(z.array(S.ChatEvent), "the page of events"), headers: PAGED_HEADERS },
        400: ERRORS[400],
      },
    }),
    async (c) => {
      const { offset, q: query, ...q } = c.req.valid("query");
      const page = await c.var.workspace.searchEvents(
        defined({ ...q, query }),
        wholeParam(offset, "offset", 0),
      );
      setPaging(c, page);
      return c.json(page.items, 200);
    },
  );

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

  app.openapi(
    createRoute({
      method: "get",
      path: "/live",
      summary: "Newly stored messages and hits, as server-sent events",
      description: 'Events named "message" (a message record) and "hit" (a hit row), from the ' +
        "moment of connection, as monitors append them to the data dir.",
      responses: {
        200: {
          content: { "text/event-stream": { schema: z.string() } },
          description: "an endless event stream",
        },
      },
    }),
    (c) =>
      streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        const items = await c.var.workspace.follow(abort.signal);
        await stream.writeSSE({ event: "ready", data: "{}" });
        for await (const item of items) {
          await stream.writeSSE({
            event: item.type,
            data: JSON.stringify(item.type === "message" ? item.message : item.hit),
          });
        }
      }) as unknown as Response & { _data: string; _status: 200; _format: "body" },
  );

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

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "OSINT_API_TOKEN (or the HttpOnly cookie set by POST /login)",
  });
}

/** Whose timeline or contacts, from query parameters (a limit of at least 1). */
export function personWindow(
  q: {
    user: string;
    since?: string | undefined;
    until?: string | undefined;
    limit?: string | undefined;
  },
): PersonWindow {
  const limit = q.limit === undefined ? undefined : wholeParam(q.limit, "limit", 1);
  if (limit !== undefined && limit < 1) {
    throw new UsageError(`limit must be at least 1, got ${limit}`);
  }
  return defined({ user: q.user, since: q.since, until: q.until, limit });
}

/** The options of a profile list from its query parameters. */
export function profileListOptions(
  q: {
    sort?: string | undefined;
    order?: string | undefined;
    limit?: string | undefined;
    offset?: string | undefined;
  },
): { sort: ProfileSort; order: "asc" | "desc"; offset: number; limit: number } {
  const sorts: readonly ProfileSort[] = ["messages", "name", "related", "first_seen", "last_seen"];
  const sort = (q.sort ?? "messages") as ProfileSort;
  if (!sorts.includes(sort)) {
    throw new UsageError(`sort must be ${sorts.join(", ")}, got "${q.sort}"`);
  }
  const order = q.order ?? (sort === "name" ? "asc" : "desc");
  if (order !== "asc" && order !== "desc") {
    throw new UsageError(`order must be asc or desc, got "${q.order}"`);
  }
  const limit = wholeParam(q.limit, "limit", 50);
  if (limit < 1 || limit > 1000) {
    throw new UsageError(`limit must be between 1 and 1000, got ${limit}`);
  }
  return { sort, order, offset: wholeParam(q.offset, "offset", 0), limit };
}

/** An object without its undefined fields (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
