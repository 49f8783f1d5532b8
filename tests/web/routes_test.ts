/**
 * Every route of `serve`, and its error cases, through the public app on a loopback port.
 */
import assert from "node:assert/strict";
import { call, INTERNAL_ERRORS, openLive, OPTED_OUT, serveOn, webData } from "./_workspace.ts";
import { ChannelProfile, ChatEvent, UserProfile } from "../../src/schemas.ts";
import {
  HitRow,
  Neighbors,
  ProfileSummary,
  ShownMessage,
  SubjectReport,
  SubjectSummary,
  Timeline,
} from "../../src/web/api_schemas.ts";
import { z } from "zod";
import { openStore } from "../../src/store/store.ts";

const TOKEN = "a-test-token-of-32-characters-xx";

Deno.test("serve answers every route, and every bad input with a 4xx JSON error", async (t) => {
  await using data = await webData();
  await using server = await serveOn(data.dataDir, { token: TOKEN });
  const get = (path: string, init?: RequestInit) => call(server.url, path, init);

  await t.step("GET /healthz", async () => {
    const r = await get("/healthz");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { status: "ok" });
  });

  await t.step("every answer has the strict CSP and no CORS header", async () => {
    const r = await get("/search", { headers: { Origin: "https://evil.example" } });
    const csp = r.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|\*/);
    assert.equal(r.headers.get("access-control-allow-origin"), null);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
  });

  await t.step("GET /search pages newest first with a total", async () => {
    const r = await get("/search?by=channel&value=example_channel&limit=5");
    assert.equal(r.status, 200);
    const items = z.array(ShownMessage).parse(r.json());
    assert.equal(items.length, 5);
    assert.ok(items.every((m) => m.channel === "example_channel"));
    const sorted = [...items].sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
    assert.deepEqual(items.map((m) => m.ts), sorted.map((m) => m.ts));
    // 408 stored in the channel, minus the opted-out user's.
    const total = Number(r.headers.get("x-total-count"));
    assert.ok(total > 300 && total < 408, `total ${total}`);
    assert.equal(r.headers.get("x-total-exact"), "true");
    assert.match(r.headers.get("link") ?? "", /offset=5>; rel="next"/);
    const next = z.array(ShownMessage).parse(
      (await get("/search?by=channel&value=example_channel&limit=5&offset=5")).json(),
    );
    assert.equal(next.length, 5);
    assert.ok(!next.some((m) => items.some((x) => x.message_id === m.message_id)));
  });

  await t.step("GET /search with every filter", async () => {
    const r = await get(
      "/search?by=user&value=SomeUser&contains=dating&since=2025-09-02&until=2025-09-03&limit=50",
    );
    assert.equal(r.status, 200);
    const items = z.array(ShownMessage).parse(r.json());
    assert.ok(items.length > 0);
    assert.ok(items.every((m) => m.user_name === "someuser" && /dating/i.test(m.text)));
  });

  await t.step(
    "GET /search takes the query language as q=, and a bad q is a 400 naming the column",
    async () => {
      const r = await get(`/search?q=${encodeURIComponent("from:someuser dating")}&limit=50`);
      assert.equal(r.status, 200);
      const items = z.array(ShownMessage).parse(r.json());
      assert.ok(items.length > 0);
      assert.ok(items.every((m) => m.user_name === "someuser" && /dating/i.test(m.text)));
      const bad = await get(`/search?q=${encodeURIComponent("dating from:")}`);
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.json()), /query: 1:13: 'from:' needs a value/);
    },
  );

  await t.step("GET /search never serves an opted-out user", async () => {
    const all = z.array(ShownMessage).parse((await get("/search?limit=1000")).json());
    assert.ok(all.length > 100);
    assert.ok(!all.some((m) => m.user_name === OPTED_OUT));
    const by = z.array(ShownMessage).parse(
      (await get(`/search?by=user&value=${OPTED_OUT}`)).json(),
    );
    assert.deepEqual(by, []);
  });

  await t.step("GET /search rejects bad numbers, times and names with 400", async () => {
    for (
      const q of [
        "limit=-1",
        "limit=abc",
        "limit=0",
        "offset=-3",
        "offset=1e3",
        "since=yesterday-ish",
        "until=2025-13-45",
        "since=2025-09-03&until=2025-09-02",
        "by=planet&value=x",
        "by=user",
        "by=user&value=..%2F..%2Fetc",
        "value=x",
        "contains=%20%20",
        "limit=1&limit=2",
      ]
    ) {
      const r = await get(`/search?${q}`);
      assert.equal(r.status, 400, `${q}: ${r.text}`);
      const body = r.json() as { error: string };
      assert.equal(typeof body.error, "string", q);
      assert.doesNotMatch(body.error, /\n|at .*\.ts/, q);
    }
  });

  await t.step("GET /events filters by kind", async () => {
    const r = await get("/events?kind=clearchat&limit=5");
    assert.equal(r.status, 200);
    const items = z.array(ChatEvent).parse(r.json());
    assert.ok(items.every((e) => e.kind === "clearchat"));
    assert.deepEqual(
      items.map((e) => e.user_name),
      ["grumpy_fox"],
      "the opted-out user's ban is not served",
    );
    assert.equal((await get("/events?kind=party")).status, 400);
  });

  await t.step(
    "GET /events takes the query language as q=, and a bad q is a 400 naming the column",
    async () => {
      const r = await get(`/events?q=${encodeURIComponent("raid in:devchat")}`);
      assert.equal(r.status, 200, r.text);
      const items = z.array(ChatEvent).parse(r.json());
      assert.deepEqual(items.map((e) => e.event_id), ["e3"]);
      const banned = z.array(ChatEvent).parse(
        (await get(`/events?kind=clearchat&q=${encodeURIComponent("-from:grumpy_fox")}`)).json(),
      );
      assert.deepEqual(banned, [], "the opted-out user's ban stays out, the other is excluded");
      const bad = await get(`/events?q=${encodeURIComponent("raid from:")}`);
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.json()), /query: 1:11: 'from:' needs a value/);
      // A field that means nothing for events names its column too.
      const notEvent = await get(`/events?q=${encodeURIComponent("raid has:link")}`);
      assert.equal(notEvent.status, 400);
      assert.match(JSON.stringify(notEvent.json()), /query: 1:6: .*does not apply to events/);
    },
  );

  await t.step("GET /profiles/users and /profiles/channels page and sort", async () => {
    const r = await get("/profiles/users?sort=messages&limit=3");
    assert.equal(r.status, 200);
    const users = z.array(ProfileSummary).parse(r.json());
    assert.equal(users.length, 3);
    assert.ok(users[0]!.message_count >= users[1]!.message_count);
    assert.ok(!users.some((u) => u.name === OPTED_OUT));
    const byName = z.array(ProfileSummary).parse(
      (await get("/profiles/users?sort=name&limit=1000")).json(),
    );
    assert.deepEqual(byName.map((u) => u.name), [...byName.map((u) => u.name)].sort());
    assert.equal(
      Number((await get("/profiles/users?limit=1")).headers.get("x-total-count")),
      byName.length,
    );
    const ch = z.array(ProfileSummary).parse((await get("/profiles/channels")).json());
    assert.deepEqual(ch.map((c) => c.name).sort(), ["devchat", "example_channel", "hostile_chan"]);
    for (const q of ["sort=height", "order=up", "limit=0", "limit=1001", "offset=x"]) {
      assert.equal((await get(`/profiles/users?${q}`)).status, 400, q);
    }
  });

  await t.step("GET /profiles/users/{name} and /profiles/channels/{name}", async () => {
    const u = await get("/profiles/users/SomeUser");
    assert.equal(u.status, 200);
    assert.equal(UserProfile.parse(u.json()).user_name, "someuser");
    const c = await get("/profiles/channels/example_channel");
    assert.equal(ChannelProfile.parse(c.json()).channel, "example_channel");
  });

  await t.step(
    "unknown and opted-out names are 404; path tricks are 400 and never reach files",
    async () => {
      assert.equal((await get("/profiles/users/nobody_here")).status, 404);
      assert.equal((await get("/profiles/channels/nochannel")).status, 404);
      assert.equal((await get(`/profiles/users/${OPTED_OUT}`)).status, 404);
      for (const name of ["..", "..%2F..%2Fetc%2Fpasswd", "a%5Cb", "a%00b", "%2e%2e", "x.json"]) {
        const r = await get(`/profiles/users/${name}`);
        assert.ok(r.status === 400 || r.status === 404, `${name}: ${r.status}`);
        assert.equal(typeof (r.json() as { error: string }).error, "string");
      }
      assert.equal((await get("/profiles/users/a/b")).status, 404);
    },
  );

  await t.step("GET /timeline and /graph/neighbors: a person, 404 when opted out", async () => {
    const t = Timeline.parse((await get("/timeline?user=SomeUser&limit=5")).json());
    assert.equal(t.person.login, "someuser");
    assert.ok(t.entries.length > 0 && t.entries.length <= 5);
    assert.ok(t.entries.some((e) => e.kind === "message" && e.user_name === "someuser"));
    const sorted = [...t.entries].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    assert.deepEqual(t.entries.map((e) => e.ts), sorted.map((e) => e.ts));
    const n = Neighbors.parse((await get("/graph/neighbors?user=someuser")).json());
    assert.equal(n.person.login, "someuser");
    assert.ok(n.contacts.length > 0, "someuser talks to people in the fixtures");
    assert.ok(!n.contacts.some((c) => c.login === OPTED_OUT));
    for (const path of ["/timeline", "/graph/neighbors"]) {
      assert.equal((await get(`${path}?user=${OPTED_OUT}`)).status, 404, path);
      for (const q of ["", "user=", "user=a%2Fb", "user=x&since=nope", "user=x&limit=0"]) {
        const r = await get(`${path}?${q}`);
        assert.equal(r.status, 400, `${path}?${q}: ${r.text}`);
      }
    }
    assert.equal((await get("/timeline?user=someuser&context=-1")).status, 400);
  });

  await t.step("GET /subjects and /subjects/{key}", async () => {
    const list = z.array(SubjectSummary).parse((await get("/subjects")).json());
    assert.deepEqual(list.map((s) => s.key).sort(), [
      "email_alice@example.com",
      "phone_+12025550123",
      "username_mod123",
      "username_someuser",
    ]);
    assert.ok(list.find((s) => s.key === "username_someuser")!.hits > 0);
    const r = await get("/subjects/username_someuser");
    assert.equal(r.status, 200);
    const report = SubjectReport.parse(r.json());
    assert.equal(report.subject.value, "someuser");
    // By value too, as the CLI takes it.
    assert.equal((await get("/subjects/someuser")).status, 200);
    assert.equal((await get("/subjects/username_nobody")).status, 404);
    assert.equal((await get("/subjects/..%2F..%2Fsubjects")).status, 404);
  });

  await t.step("GET /hits", async () => {
    const rows = z.array(HitRow).parse((await get("/hits?subject=someuser&limit=5")).json());
    assert.ok(rows.length > 0 && rows.length <= 5);
    assert.ok(rows.every((h) => h.subject_key === "username_someuser"));
    assert.equal((await get("/hits?subject=nobody")).status, 404);
    assert.equal((await get("/hits?limit=0")).status, 400);
    assert.equal((await get("/hits?since=whenever")).status, 400);
  });

  await t.step("GET /openapi.json describes every route; /docs reads it", async () => {
    const doc = (await get("/openapi.json")).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.equal(doc.openapi, "3.1.0");
    for (
      const p of [
        "/healthz",
        "/search",
        "/events",
        "/profiles/users",
        "/profiles/channels",
        "/profiles/users/{name}",
        "/profiles/channels/{name}",
        "/subjects",
        "/subjects/{key}",
        "/hits",
        "/live",
        "/privacy/optout",
      ]
    ) assert.ok(p in doc.paths, p);
    const docs = await get("/docs");
    assert.equal(docs.status, 200);
    assert.match(docs.text, /GET \/profiles\/users\/\{name\}/);
  });

  await t.step("the opt-out list needs the token to read and to change", async () => {
    assert.equal((await get("/privacy/optout")).status, 401);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const list = (await get("/privacy/optout", { headers: auth })).json() as { users: string[] };
    assert.deepEqual(list.users, [OPTED_OUT]);
    const body = JSON.stringify({ users: ["SomeUser"] });
    const json = { "Content-Type": "application/json" };
    assert.equal(
      (await get("/privacy/optout", { method: "POST", body, headers: json })).status,
      401,
    );
    const wrong = { ...json, Authorization: "Bearer nope-nope-nope-nope" };
    assert.equal(
      (await get("/privacy/optout", { method: "POST", body, headers: wrong })).status,
      401,
    );
    const added = await get("/privacy/optout", {
      method: "POST",
      body,
      headers: { ...json, ...auth },
    });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual((added.json() as { changed: string[] }).changed, ["user someuser"]);
    assert.equal((await get("/profiles/users/someuser")).status, 404);
    const bad = await get("/privacy/optout", {
      method: "POST",
      body: JSON.stringify({ users: ["../x"] }),
      headers: { ...json, ...auth },
    });
    assert.equal(bad.status, 400);
    assert.equal(
      (await get("/privacy/optout", { method: "POST", body: "{", headers: { ...json, ...auth } }))
        .status,
      400,
    );
    const removed = await get("/privacy/optout", {
      method: "DELETE",
      body,
      headers: { ...json, ...auth },
    });
    assert.equal(removed.status, 200);
    assert.equal((await get("/profiles/users/someuser")).status, 200);
  });

  await t.step("unknown routes are 404 JSON; the page's are 404 pages", async () => {
    const r = await get("/nope");
    assert.equal(r.status, 404);
    assert.match((r.json() as { error: string }).error, /no route/);
    const p = await get("/ui/users/nobody_here");
    assert.equal(p.status, 404);
    assert.match(p.headers.get("content-type") ?? "", /text\/html/);
  });

  await t.step("a page view answers for each section", async () => {
    for (
      const path of [
        "/",
        "/ui/search?contains=dating",
        "/ui/users",
        "/ui/users/someuser",
        "/ui/users/someuser/timeline",
        "/ui/users/someuser/contacts",
        "/ui/channels/example_channel",
        "/ui/subjects",
        "/ui/subjects/username_someuser",
        "/ui/optout",
        "/login",
        "/assets/app.js",
        "/assets/app.css",
        "/assets/uPlot.esm.js",
        "/assets/segments.js",
      ]
    ) {
      const r = await get(path);
      assert.equal(r.status, 200, path);
    }
    assert.equal((await get("/assets/nope.js")).status, 404);
    assert.equal((await get("/ui/search?limit=-1")).status, 400);
  });

  await t.step(
    "a person's page links their timeline and contacts; an opted-out person's are 404",
    async () => {
      const page = await get("/ui/users/someuser");
      assert.match(page.text, /href="\/ui\/users\/someuser\/timeline"/);
      assert.match(page.text, /href="\/ui\/users\/someuser\/contacts"/);
      const tl = await get("/ui/users/someuser/timeline");
      assert.equal(tl.status, 200);
      assert.match(tl.text, /class="tag">message</);
      assert.equal((await get("/ui/users/someuser/contacts")).status, 200);
      assert.equal((await get(`/ui/users/${OPTED_OUT}/timeline`)).status, 404);
      assert.equal((await get(`/ui/users/${OPTED_OUT}/contacts`)).status, 404);
    },
  );

  await t.step(
    "GET /live streams each stored message and hit, never an opted-out user's",
    async () => {
      await using live = await openLive(server.url);
      const events = live.events;
      const store = await openStore({ dataDir: data.dataDir });
      try {
        const base = {
          channel: "example_channel",
          user_id: null,
          mentions: [],
          urls: [],
          emotes: [],
          source: "twitch-irc" as const,
        };
        await store.appendMessages([
          {
            ...base,
            ts: "2025-09-03T00:00:00.000Z",
            message_id: "live-1",
            user_name: OPTED_OUT,
            text: "hidden",
          },
          {
            ...base,
            ts: "2025-09-03T00:00:01.000Z",
            message_id: "live-2",
            user_name: "someuser",
            text: "i am live",
            hits: [{ subject_key: "username_someuser", how: "author" }],
          },
        ]);
      } finally {
        await store.close();
      }
      await live.until(() => events.some((e) => e.event === "hit"));
      const messages = events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data));
      assert.deepEqual(messages.map((m) => m.message_id), ["live-2"]);
      const hit = JSON.parse(events.find((e) => e.event === "hit")!.data);
      assert.deepEqual([hit.subject_key, hit.message_id, hit.how], [
        "username_someuser",
        "live-2",
        "author",
      ]);
    },
  );

  await t.step(
    "answers are reused until something is stored, then the new data is served",
    async () => {
      const profile = async () =>
        UserProfile.parse((await get("/profiles/users/someuser")).json()).message_count;
      const search = async () => {
        const r = await get("/search?by=user&value=someuser&limit=1");
        const items = z.array(ShownMessage).parse(r.json());
        return { newest: items[0]?.message_id, total: Number(r.headers.get("x-total-count")) };
      };
      /** Profiles are derived: served once the server has caught them up (within its period). */
      const caughtUp = async (want?: number) => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const { total } = await search();
          if ((await profile()) === total && (want ?? total) === total) return total;
          assert.ok(Date.now() < deadline, "the profile never caught up with the log");
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const before = await caughtUp();
      assert.equal(await profile(), before);
      const first = await search();
      assert.deepEqual(await search(), first);
      const store = await openStore({ dataDir: data.dataDir });
      try {
        await store.appendMessages([{
          ts: "2025-09-04T00:00:00.000Z",
          channel: "example_channel",
          message_id: "stored-later",
          user_id: null,
          user_name: "someuser",
          text: "a newer message",
          mentions: [],
          urls: [],
          emotes: [],
          source: "twitch-irc",
        }]);
      } finally {
        await store.close();
      }
      // Search reads the log itself: the new message is there at once (its total is reused
      // for a moment while a monitor stores: counted again within TOTAL_TTL_MS).
      assert.equal((await search()).newest, "stored-later");
      await caughtUp(before + 1);
    },
  );

  await t.step("a request naming another host is refused on loopback (DNS rebinding)", async () => {
    // fetch() sets Host itself: speak HTTP/1.1 over a plain socket instead.
    const status = async (host: string) => {
      using conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      await conn.write(
        new TextEncoder().encode(
          `GET /search HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        ),
      );
      const buf = new Uint8Array(64);
      const n = await conn.read(buf);
      return Number(new TextDecoder().decode(buf.subarray(0, n ?? 0)).split(" ")[1]);
    };
    assert.equal(await status("evil.example:8080"), 421);
    assert.equal(await status(`localhost:${server.port}`), 200);
  });

  assert.deepEqual(INTERNAL_ERRORS, []);
});

Deno.test("serve refuses a non-loopback host without a token", async () => {
  const { startServer } = await import("../../src/web/server.ts");
  const { UsageError } = await import("../../src/errors.ts");
  await assert.rejects(
    () => startServer({ dataDir: "/nonexistent", host: "0.0.0.0", port: 0 }),
    (e) => e instanceof UsageError && /OSINT_API_TOKEN/.test(e.message),
  );
  await assert.rejects(
    () => startServer({ dataDir: "/nonexistent", host: "0.0.0.0", port: 0, token: "short" }),
    UsageError,
  );
});

Deno.test("on a non-loopback host every route but /healthz and /login needs the token", async () => {
  await using data = await webData();
  // 0.0.0.0 listens on every address; the test reaches it through loopback.
  await using server = await serveOn(data.dataDir, { token: TOKEN, host: "0.0.0.0" });
  const base = server.url.replace("0.0.0.0", "127.0.0.1");
  assert.equal((await call(base, "/healthz")).status, 200);
  assert.equal((await call(base, "/search")).status, 401);
  assert.equal((await call(base, "/profiles/users/someuser")).status, 401);
  const page = await call(base, "/ui/users/someuser", { headers: { Accept: "text/html" } });
  assert.equal(page.status, 303);
  assert.equal(page.headers.get("location"), "/login?next=%2Fui%2Fusers%2Fsomeuser");
  const bearer = await call(base, "/search?limit=1", {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(bearer.status, 200);
  // The login form sets an HttpOnly cookie that opens the page.
  const wrong = await call(base, "/login", {
    method: "POST",
    body: new URLSearchParams({ token: "wrong", next: "/" }),
  });
  assert.equal(wrong.status, 401);
  const login = await call(base, "/login", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "/ui/users/someuser" }),
  });
  assert.equal(login.status, 303);
  assert.equal(login.headers.get("location"), "/ui/users/someuser");
  const cookie = login.headers.get("set-cookie") ?? "";
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  const withCookie = await call(base, "/ui/users/someuser", {
    headers: { Cookie: cookie.split(";")[0]! },
  });
  assert.equal(withCookie.status, 200);
  // An open redirect is not possible.
  const away = await call(base, "/login", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "//evil.example/" }),
  });
  assert.equal(away.headers.get("location"), "/");
  assert.deepEqual(INTERNAL_ERRORS, []);
});

Deno.test("opt-out writes are refused when no token is configured", async () => {
  await using data = await webData();
  await using server = await serveOn(data.dataDir);
  const r = await call(server.url, "/privacy/optout", {
    method: "POST",
    body: JSON.stringify({ users: ["x"] }),
    headers: { "Content-Type": "application/json", Authorization: "Bearer anything-at-all-here" },
  });
  assert.equal(r.status, 403);
  assert.match((r.json() as { error: string }).error, /OSINT_API_TOKEN/);
});
