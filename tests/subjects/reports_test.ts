import { assert, assertEquals, assertMatch, assertRejects } from "../support/assert.ts";
import { join } from "node:path";
import { buildReport } from "../../src/subjects/reports.ts";
import { presenceFromMessages } from "../../src/subjects/report_presence.ts";
import { renderMarkdown } from "../../src/subjects/report_markdown.ts";
import { regenerateReports, writeReport } from "../../src/subjects/report_files.ts";
import { NotFoundError, UsageError } from "../../src/errors.ts";
import { escapeHtml } from "../../src/web/render/html.ts";
import { renderReportHtml as renderHtml } from "../../src/web/render/report.ts";
import type { Message, Subject, UserProfile } from "../../src/schemas.ts";
import { messageLog } from "../../src/store/log/logs.ts";
import { writeSubjects } from "../../src/subjects/loading.ts";
import { jsonText } from "../../src/store/atomic.ts";
import { updatePrivacy } from "../../src/privacy/optout.ts";
import { tempDir } from "../support/cli.ts";
import { storeAt } from "../support/store.ts";

function m(over: Partial<Message> & { text: string; message_id: string }): Message {
  return {
    ts: over.ts ?? "2025-09-02T12:00:00.000Z",
    channel: over.channel ?? "example_channel",
    message_id: over.message_id,
    user_id: over.user_id ?? null,
    user_name: over.user_name ?? "fan88",
    text: over.text,
    mentions: over.mentions ?? [],
    urls: [],
    emotes: [],
    source: "fixture",
    ...(over.signals ? { signals: over.signals } : {}),
    ...(over.hits ? { hits: over.hits } : {}),
  };
}

const SUBJECTS: Subject[] = [
  { key: "username_someuser", type: "username", value: "someuser", raw: "@SomeUser" },
  { key: "phone_+12025550123", type: "phone", value: "+12025550123", raw: "(202) 555-0123" },
];

const PROFILE: UserProfile = {
  user_name: "someuser",
  user_id: "424242",
  display_name: "SomeUser",
  login_history: [{
    login: "someuser",
    first_seen: "2025-09-02T11:00:00.000Z",
    last_seen: "2025-09-02T12:05:00.000Z",
    message_count: 3,
  }],
  display_names: ["SomeUser"],
  channels_participated: ["devchat", "example_channel"],
  per_channel: { devchat: 1, example_channel: 2 },
  message_count: 3,
  first_seen: "2025-09-02T11:00:00.000Z",
  last_seen: "2025-09-02T12:05:00.000Z",
  top_keywords: ["speedrun", "dating"],
  keyword_counts: [],
  top_mentions: [],
  top_emotes: [],
  url_domains: [],
  activity: {
    by_hour: Array.from({ length: 24 }, (_, h) => (h === 11 ? 1 : h === 12 ? 2 : 0)),
    by_day: { "2025-09-02": 3 },
  },
  facts: {
    asked_about_streamer_relationship: true,
    suspected_relationship_targets: ["sara"],
    evidence: [],
  },
};

async function seed(dataDir: string): Promise<void> {
  await writeSubjects(dataDir, SUBJECTS);
  await messageLog(dataDir).append([
    m({
      message_id: "a1",
      ts: "2025-09-02T11:00:00.000Z",
      user_name: "someuser",
      channel: "devchat",
      text: "is he still dating sara?",
      hits: [{ subject_key: "username_someuser", how: "author" }],
      signals: [{
        kind: "relationship",
        type: "question",
        target: "sara",
        snippet: "still dating sara",
        confidence: 0.77,
        rule: "dating",
      }],
    }),
    m({
      message_id: "a2",
      ts: "2025-09-02T12:00:00.000Z",
      user_name: "fan88",
      text: "@someuser <script>alert(1)</script> call 202.555.0123",
      mentions: ["someuser"],
      hits: [
        { subject_key: "username_someuser", how: "mention" },
        { subject_key: "phone_+12025550123", how: "text" },
      ],
    }),
    m({
      message_id: "a3",
      ts: "2025-09-02T12:01:00.000Z",
      user_name: "gossip",
      text: "someuser is the streamer's gf",
      signals: [{
        kind: "relationship",
        type: "claim",
        target: "someuser",
        snippet: "someuser is the streamer's gf",
        confidence: 0.6,
        rule: "is-partner",
      }],
    }),
    m({ message_id: "a4", ts: "2025-09-02T12:02:00.000Z", user_name: "mod123", text: "unrelated" }),
  ]);
  await Deno.mkdir(join(dataDir, "profiles", "users"), { recursive: true });
  await Deno.writeTextFile(join(dataDir, "profiles", "users", "someuser.json"), jsonText(PROFILE));
  await Deno.mkdir(join(dataDir, "enrichment"), { recursive: true });
  await Deno.writeTextFile(
    join(dataDir, "enrichment", "username_someuser.json"),
    jsonText({
      subject: SUBJECTS[0],
      providers: {
        handle_presence: {
          status: "ok",
          data: { handle: "someuser", present: ["twitch"] },
          error: null,
          ran_at: "2025-09-01T00:00:00.000Z",
        },
        gravatar_like: {
          status: "skipped",
          data: { reason: "supports email subjects only" },
          error: null,
          ran_at: "2025-09-01T00:00:00.000Z",
        },
        phone_info: {
          status: "error",
          data: null,
          error: "timed out after 5000 ms",
          ran_at: "2025-09-01T00:00:00.000Z",
        },
      },
    }),
  );
}

const NOW = () => Date.parse("2025-09-03T00:00:00.000Z");

Deno.test("buildReport() gathers a username subject's enrichment, presence, hits and signals", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const r = await buildReport(storeAt(dir.path), "username_someuser", { now: NOW });
  assertEquals(r.generated_at, "2025-09-03T00:00:00.000Z");
  assertEquals(r.subject, SUBJECTS[0]);
  assertEquals(r.opted_out, false);
  assertEquals(r.enrichment.file, "enrichment/username_someuser.json");
  assertEquals(
    r.enrichment.providers.map((p) => [p.name, p.status, p.kind, p.error]),
    [
      ["gravatar_like", "skipped", "inferred", null],
      ["handle_presence", "ok", "inferred", null],
      ["phone_info", "error", "inferred", "timed out after 5000 ms"],
    ],
  );
  assertMatch(
    r.enrichment.providers[1]!.rests_on,
    /handle_presence .*run at 2025-09-01T00:00:00.000Z/,
  );
  assertEquals(r.presence.rests_on.startsWith("user profile profiles/users/someuser.json"), true);
  assertEquals(r.presence.channels, [
    { channel: "example_channel", messages: 2 },
    { channel: "devchat", messages: 1 },
  ]);
  assertEquals([r.presence.message_count, r.presence.first_seen, r.presence.last_seen], [
    3,
    "2025-09-02T11:00:00.000Z",
    "2025-09-02T12:05:00.000Z",
  ]);
  assertEquals(r.presence.activity?.by_day, { "2025-09-02": 3 });
  assertEquals(r.hits.total, 2);
  assertEquals(r.hits.by_how, { author: 1, mention: 1, text: 0 });
  assertEquals(r.hits.items.map((h) => [h.message_id, h.how, h.channel]), [
    ["a2", "mention", "example_channel"],
    ["a1", "author", "devchat"],
  ]);
  assertEquals(r.signals.items.map((s) => [s.message_id, s.relation, s.target, s.rule]), [
    ["a3", "names subject as target", "someuser", "is-partner"],
    ["a1", "written by subject", "sara", "dating"],
  ]);
  assert(r.caveats.some((c) => /unverified/.test(c)));
});

Deno.test("buildReport() of a phone subject: presence from where its value was seen", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const r = await buildReport(storeAt(dir.path), "phone_+12025550123", { now: NOW });
  assertEquals(r.enrichment.file, null);
  assertEquals([r.hits.total, r.hits.by_how.text], [1, 1]);
  assertEquals(r.presence.channels, [{ channel: "example_channel", messages: 1 }]);
  assertMatch(r.presence.rests_on, /messages whose text held this phone/);
  assertEquals(r.signals.items, []);
  assert(r.caveats.some((c) => /No enrichment file/.test(c)));
});

Deno.test("buildReport() serves nothing of an opted-out user and refuses unknown keys", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  await updatePrivacy(storeAt(dir.path), { users: ["someuser"] });
  const r = await buildReport(storeAt(dir.path), "username_someuser", { now: NOW });
  assertEquals([r.opted_out, r.hits.total, r.presence.seen, r.signals.items.length], [
    true,
    0,
    false,
    0,
  ]);
  const phone = await buildReport(storeAt(dir.path), "phone_+12025550123", { now: NOW });
  assertEquals(phone.hits.total, 1); // fan88's message, not someuser's
  await assertRejects(() => buildReport(storeAt(dir.path), "username_nobody"), NotFoundError);
  await assertRejects(() => buildReport(storeAt(dir.path), "../escape"), UsageError);
});

Deno.test("renderMarkdown() has every section with what it rests on", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const md = renderMarkdown(
    await buildReport(storeAt(dir.path), "username_someuser", { now: NOW }),
  );
  for (
    const re of [
      /^# Subject report: someuser \(username\)$/m,
      /^## Subject$/m,
      /^- As loaded: @SomeUser$/m,
      /^## Enrichment$/m,
      /^### handle_presence: ok \(inferred, unverified\)$/m,
      /^Skipped: supports email subjects only\.$/m,
      /^Error: timed out after 5000 ms$/m,
      /^## Chat presence$/m,
      /^Rests on: user profile profiles\/users\/someuser\.json/m,
      /^- Activity: busiest hours 12:00 UTC \(2\), 11:00 UTC \(1\); active on 1 day\(s\)/m,
      /^\| example_channel \| 2 \|$/m,
      /^## Watchlist hits$/m,
      /^2 hit\(s\): 1 as author, 1 as @mention, 0 in text\.$/m,
      /^## Relationship signals \(inferred, unverified\)$/m,
      /\| names subject as target \| claim \| someuser \| 0\.60 \|/,
    ]
  ) assertMatch(md, re);
  // User text cannot break the table or inject markup.
  assertMatch(md, /\\<script\\>alert\(1\)\\<\/script\\>/);
});

Deno.test("renderHtml() escapes every value", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const html = renderHtml(await buildReport(storeAt(dir.path), "username_someuser", { now: NOW }));
  assert(!html.includes("<script>"));
  assertMatch(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assertMatch(html, /<h2>Chat presence<\/h2>/);
  assertMatch(html, /someuser is the streamer&#39;s gf/);
  assertEquals(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});

Deno.test("presenceFromMessages() counts per channel, first/last seen and activity", () => {
  const p = presenceFromMessages(
    [
      m({ message_id: "1", ts: "2025-09-02T23:00:00.000Z", channel: "b", text: "x" }),
      m({ message_id: "2", ts: "2025-09-01T01:00:00.000Z", channel: "a", text: "x" }),
      m({ message_id: "3", ts: "2025-09-02T23:30:00.000Z", channel: "b", text: "x" }),
    ],
    "test",
    true,
  );
  assertEquals(p.channels, [{ channel: "b", messages: 2 }, { channel: "a", messages: 1 }]);
  assertEquals([p.first_seen, p.last_seen], [
    "2025-09-01T01:00:00.000Z",
    "2025-09-02T23:30:00.000Z",
  ]);
  assertEquals(p.activity?.by_hour[23], 2);
  assertEquals(p.activity?.by_day, { "2025-09-01": 1, "2025-09-02": 2 });
  assertEquals(presenceFromMessages([], "t", true).seen, false);
});

Deno.test("regenerateReports() rewrites reports of loaded subjects and deletes the others", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const md = await writeReport(storeAt(dir.path), "username_someuser", "md", { now: NOW });
  const html = await writeReport(storeAt(dir.path), "phone_+12025550123", "html", {
    now: NOW,
    html: renderHtml,
  });
  assertEquals(md, join(dir.path, "reports", "username_someuser.md"));
  await Deno.writeTextFile(md, "stale");
  const written = await regenerateReports(storeAt(dir.path), [SUBJECTS[0]!], {
    now: NOW,
    html: renderHtml,
  });
  assertEquals(written, [md]);
  assertMatch(await Deno.readTextFile(md), /^# Subject report: someuser/);
  let gone = false;
  await Deno.stat(html).catch(() => (gone = true));
  assert(gone);
});

Deno.test("buildReport() recomputes chat presence at report time: never 'unseen' beside messages", async () => {
  // Issue 11 item 1: enrichment ran before the monitor saw the user; the report showed
  // "seen: false, never seen in chat" above a presence section listing their messages.
  await using dir = await tempDir();
  await seed(dir.path);
  const path = join(dir.path, "enrichment", "username_someuser.json");
  const stale = JSON.parse(await Deno.readTextFile(path));
  stale.providers.chat_presence = {
    status: "ok",
    data: { seen: false, message_count: 0, channels: [], reason: "no profile: never seen in chat" },
    error: null,
    ran_at: "2025-09-01T00:00:00.000Z",
  };
  await Deno.writeTextFile(path, jsonText(stale));
  const r = await buildReport(storeAt(dir.path), "username_someuser", { now: NOW });
  const cp = r.enrichment.providers.find((p) => p.name === "chat_presence")!;
  assertEquals(cp.status, "ok");
  assertEquals(cp.kind, "observed");
  assertEquals(cp.ran_at, "2025-09-03T00:00:00.000Z");
  assertMatch(cp.rests_on, /recomputed at report time/);
  assertEquals(cp.data?.seen, true);
  assertEquals(cp.data?.message_count, r.presence.message_count);
  assertEquals(cp.data?.channels, ["devchat", "example_channel"]);
  for (const text of [renderMarkdown(r), renderHtml(r)]) {
    assert(!/never seen in chat/.test(text), "a fresh report never says 'never seen in chat'");
  }
  // Opted out: nothing served, not even the stale answer.
  await updatePrivacy(storeAt(dir.path), { users: ["someuser"] });
  const hidden = await buildReport(storeAt(dir.path), "username_someuser", { now: NOW });
  const cp2 = hidden.enrichment.providers.find((p) => p.name === "chat_presence")!;
  assertEquals([cp2.status, cp2.data?.seen], ["skipped", undefined]);
});

Deno.test("renderHtml() is the workspace's renderer: summary first, charts, links, skipped folded", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const html = renderHtml(await buildReport(storeAt(dir.path), "username_someuser", { now: NOW }));
  const summary = html.indexOf('class="summary"');
  assert(summary > 0 && summary < html.indexOf("<h2>"), "the summary comes before every section");
  assertMatch(html, /Seen in chat: 3 message\(s\) in 2 channel\(s\)/);
  assertMatch(html, /<svg [^>]*role="img"/);
  assertMatch(html, /href="https:\/\/www\.twitch\.tv\/example_channel"/);
  assertMatch(html, /<details>\s*<summary>1 provider\(s\) skipped: gravatar_like<\/summary>/);
  assert(!/<script/i.test(html), "a report file runs no script");
});
