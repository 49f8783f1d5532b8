/**
 * The page's routes: each asks the {@link Workspace} what the matching JSON route asks, and
 * renders it with the views of `render/` (server-side, every value escaped). Static assets are
 * served from memory with validators; the login form sets the HttpOnly token cookie.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { ApiEnv } from "./api.ts";
import { profileListOptions, wholeParam } from "./api.ts";
import { ASSETS } from "./assets.ts";
import { httpError } from "./http_errors.ts";
import { NotFoundError, UsageError } from "../errors.ts";
import { page, type Section } from "./render/layout.ts";
import type { Html } from "./render/html.ts";
import { reportBody } from "./render/report.ts";
import { workspaceLinks } from "./render/links.ts";
import { loginView, optoutView } from "./render/access_views.ts";
import { channelView, landingView } from "./render/channel_views.ts";
import { contactsView, peopleView, timelineView, userView } from "./render/people_views.ts";
import { type SearchForm, searchView } from "./render/search_view.ts";
import { subjectsView } from "./render/subjects_view.ts";
import { presentedToken, sameOrigin, sameSecret, TOKEN_COOKIE } from "./security.ts";
import type { ShownMessage } from "../query/events.ts";
import type { Page } from "./workspace.ts";

/** Entries a timeline page shows (the latest). */
const TIMELINE_PAGE = 500;

/** Answers with a page. */
export function sendPage(
  c: Context,
  o: { title: string; section?: Section; body: Html; charts?: boolean },
  status: 200 | 400 | 401 | 403 | 404 | 500 = 200,
): Response {
  return c.html(page(o).text, status);
}

/** A safe place to go after login: a path of this server, nothing else. */
function localPath(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/";
}

/** Registers the page's routes on `app`. */
export function registerPages(app: Hono<ApiEnv>): void {
  app.get("/assets/:file", (c) => {
    const a = ASSETS.get(c.req.param("file"));
    if (!a) throw new NotFoundError("no such asset");
    c.header("ETag", a.etag);
    c.header("Cache-Control", "no-cache");
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304);
    c.header("Content-Type", a.type);
    return c.body(a.body);
  });

  // Browsers ask for it whatever the page says.
  app.get("/favicon.ico", (c) => c.redirect("/assets/icon.svg", 301));

  app.get("/", async (c) => {
    const ws = c.var.workspace;
    const channels = await ws.listProfiles("channel", {
      sort: "messages",
      order: "desc",
      offset: 0,
      limit: 100,
    });
    const latest = await ws.searchMessages({ limit: 30 }, 0, { total: false });
    return sendPage(c, {
      title: "Channels",
      section: "channels",
      body: landingView(channels, latest.items),
    });
  });

  app.get("/ui/search", async (c) => {
    const q = c.req.query();
    const form: SearchForm = {
      by: q.by || undefined,
      value: q.value || undefined,
      since: q.since || undefined,
      until: q.until || undefined,
      contains: q.contains || undefined,
      limit: q.limit || undefined,
    };
    const filters = Object.fromEntries(
      Object.entries(form).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    let result: Page<ShownMessage> | null = null;
    let error: string | null = null;
    try {
      result = await c.var.workspace.searchMessages(filters, wholeParam(q.offset, "offset", 0));
    } catch (e) {
      const h = httpError(e);
      if (h.status >= 500) throw e;
      error = h.message;
    }
    return sendPage(c, {
      title: "Search",
      section: "search",
      body: searchView(form, result, error),
    }, error ? 400 : 200);
  });

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

  app.get("/ui/channels/:name", async (c) => {
    const name = c.req.param("name");
    const ws = c.var.workspace;
    const p = await ws.channelProfile(name);
    const latest = await ws.searchMessages({ by: "channel", value: p.channel, limit: 20 }, 0, {
      total: false,
    });
    return sendPage(c, {
      title: `#${p.channel}`,
      section: "channels",
      body: channelView(p, latest.items),
      charts: true,
    });
  });

  app.get("/ui/subjects", async (c) => {
    return sendPage(c, {
      title: "Subjects",
      section: "subjects",
      body: subjectsView(await c.var.workspace.subjects()),
    });
  });

  app.get("/ui/subjects/:key", async (c) => {
    const key = c.req.param("key");
    const r = await c.var.workspace.subjectReport(key);
    if (r === null) throw new NotFoundError(`no loaded subject "${key}"`);
    return sendPage(c, {
      title: `Subject ${r.subject.value}`,
      section: "subjects",
      body: reportBody(r, workspaceLinks),
      charts: true,
    });
  });

  app.get("/ui/optout", async (c) => {
    const token = c.var.token;
    const canWrite = presentedToken(c, token) !== null;
    const list = canWrite ? await c.var.workspace.optout() : null;
    return sendPage(c, {
      title: "Opt-out",
      section: "optout",
      body: optoutView(list, { canWrite, message: null }),
    });
  });

  app.post("/ui/optout", async (c) => {
    const token = c.var.token;
    if (presentedToken(c, token) === null || !sameOrigin(c)) {
      return sendPage(c, {
        title: "Opt-out",
        section: "optout",
        body: optoutView(null, { canWrite: false, message: "Not changed: log in first." }),
      }, 401);
    }
    const form = await c.req.parseBody();
    const kind = form.kind === "channel" ? "channel" : "user";
    const name = typeof form.name === "string" ? form.name : "";
    const add = form.action !== "remove";
    let message: string;
    let status: 200 | 400 = 200;
    try {
      const r = await c.var.workspace.setOptout({
        add,
        ...(kind === "user" ? { users: [name] } : { channels: [name] }),
      });
      message = r.changed.length
        ? `${add ? "Added" : "Removed"}: ${r.changed.join(", ")}.`
        : "Nothing changed.";
    } catch (e) {
      const h = httpError(e);
      if (h.status >= 500) throw e;
      message = h.message;
      status = 400;
    }
    const list = await c.var.workspace.optout();
    return sendPage(c, {
      title: "Opt-out",
      section: "optout",
      body: optoutView(list, { canWrite: true, message }),
    }, status);
  });

  app.get("/login", (c) => {
    return sendPage(c, {
      title: "Log in",
      body: loginView(localPath(c.req.query("next")), null),
    });
  });

  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const next = localPath(typeof form.next === "string" ? form.next : undefined);
    const given = typeof form.token === "string" ? form.token : "";
    const token = c.var.token;
    if (token === null || !sameSecret(given, token)) {
      return sendPage(c, {
        title: "Log in",
        body: loginView(
          next,
          token === null ? "This server has no token configured." : "Wrong token.",
        ),
      }, 401);
    }
    setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
    return c.redirect(next, 303);
  });

  app.post("/logout", (c) => {
    setCookie(c, TOKEN_COOKIE, "", { httpOnly: true, sameSite: "Strict", path: "/", maxAge: 0 });
    return c.redirect("/", 303);
  });
}

/** True for the paths the page owns (errors there are pages, not JSON). */
export function isPagePath(path: string): boolean {
  return path === "/" || path.startsWith("/ui/") || path === "/ui" || path === "/login" ||
    path === "/docs";
}
