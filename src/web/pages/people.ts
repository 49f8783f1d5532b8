/**
 * The people pages: the list of users, a user's page (profile, hits, latest messages), their
 * timeline and their contacts.
 *
 * @module
 */
import type { Hono } from "hono";
import { UsageError } from "../../errors.ts";
import { profileListOptions, wholeParam } from "../api/params.ts";
import type { ApiEnv } from "../api/route_env.ts";
import { contactsView, peopleView, timelineView, userView } from "../render/people_views.ts";
import { sendPage } from "./send_page.ts";

/** Entries a timeline page shows (the latest). */
const TIMELINE_PAGE = 500;

/**
 * Registers the people pages on `app`, the list first.
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
 * await store.appendMessages([
 *   said("m1", 1, "ann", "hi", []),
 *   said("m2", 2, "bob", "hey @ann", ["ann"]),
 * ]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const people = await (await app.request("http://127.0.0.1/ui/users?sort=name")).text();
 * assert.ok(people.includes('<span data-testid="total">1–2 of 2</span>'));
 * const timeline = await (await app.request("http://127.0.0.1/ui/users/bob/timeline")).text();
 * assert.ok(timeline.includes('<p data-testid="timeline-count">1 entries, oldest first.</p>'));
 * const contacts = await (await app.request("http://127.0.0.1/ui/users/bob/contacts")).text();
 * assert.ok(contacts.includes('<td><a href="/ui/users/ann">ann</a></td>'));
 * const bad = await app.request("http://127.0.0.1/ui/users/bob/timeline?limit=0");
 * assert.equal(bad.status, 400);
 * assert.match(await bad.text(), /limit must be at least 1, got 0/);
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function registerPeoplePages(app: Hono<ApiEnv>): void {
  registerPeopleList(app);
  registerUserPage(app);
  registerTimelinePage(app);
  registerContactsPage(app);
}

function registerPeopleList(app: Hono<ApiEnv>): void {
  app.get("/ui/users", async (c) => {
    const q = c.req.query();
    const o = profileListOptions({ ...q, limit: q.limit ?? "100" });
    const p = await c.var.workspace.listProfiles("user", o);
    return sendPage(c, {
      title: "People",
      section: "people",
      body: peopleView(p, o.sort, o.order),
    });
  });
}

function registerUserPage(app: Hono<ApiEnv>): void {
  app.get("/ui/users/:name", async (c) => {
    const name = c.req.param("name");
    const ws = c.var.workspace;
    const p = await ws.userProfile(name);
    const subjects = await ws.subjects();
    const own = subjects.find((s) => s.type === "username" && s.value === p.user_name);
    const hits = own ? await ws.hits({ subject: own.key, limit: 20 }) : [];
    const latest = await ws.searchMessages({ by: "user", value: p.user_name, limit: 20 }, 0, {
      total: false,
    });
    return sendPage(c, {
      title: p.user_name,
      section: "people",
      body: userView(p, hits, latest.items),
      charts: true,
    });
  });
}

function registerTimelinePage(app: Hono<ApiEnv>): void {
  app.get("/ui/users/:name/timeline", async (c) => {
    const q = c.req.query();
    const limit = wholeParam(q.limit, "limit", TIMELINE_PAGE);
    if (limit < 1) throw new UsageError(`limit must be at least 1, got ${limit}`);
    const t = await c.var.workspace.timeline({
      user: c.req.param("name"),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      context: wholeParam(q.context, "context", 0),
      limit,
    });
    return sendPage(c, {
      title: `Timeline of ${t.person.login}`,
      section: "people",
      body: timelineView(t, limit),
    });
  });
}

function registerContactsPage(app: Hono<ApiEnv>): void {
  app.get("/ui/users/:name/contacts", async (c) => {
    const q = c.req.query();
    const n = await c.var.workspace.neighbors({
      user: c.req.param("name"),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      limit: 50,
    });
    return sendPage(c, {
      title: `Contacts of ${n.person.login}`,
      section: "people",
      body: contactsView(n),
    });
  });
}
