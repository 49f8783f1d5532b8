/**
 * One person across renames, recycled logins, channels and conversations: through the CLI
 * (profiles, search, timeline, graph, users find, forget, opt-out) on a data dir whose log is
 * written the way `chat run` writes it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { ChatEvent, Message } from "../../src/schemas.ts";
import { eventLog, messageLog } from "../../src/store/log/logs.ts";
import { msg } from "../support/messages.ts";
import { runMain, tempDir } from "../support/cli.ts";

const T = (minute: number) => new Date(Date.UTC(2025, 8, 2, 12, minute)).toISOString();

/**
 * A story: person #100 writes as `old_name`, renames to `new_name`; `old_name` is then taken by
 * person #200 (Twitch recycled it). `fixture_fan` never carries an id. `pal` (#300) talks to
 * #100 under both names; `fixture_fan` mentions `@old_name` before and after the recycling.
 */
function story(): Message[] {
  let n = 0;
  const m = (
    minute: number,
    user_name: string,
    user_id: string | null,
    text: string,
    over: Partial<Message> = {},
  ) => {
    const out = msg({
      ts: T(minute),
      user_name,
      user_id,
      text,
      message_id: `m${String(n++).padStart(3, "0")}`,
      mentions: [...text.matchAll(/@([a-z0-9_]+)/g)].map((x) => x[1]!),
      ...over,
    });
    if (over.reply_to) out.reply_to = over.reply_to;
    return out;
  };
  return [
    m(0, "old_name", "100", "hello chat", { display_name: "Old_Name" }),
    m(1, "pal", "300", "@old_name hi there"),
    m(2, "fixture_fan", null, "@old_name you again"),
    m(3, "old_name", "100", "@pal hey", { channel: "devchat" }),
    m(10, "new_name", "100", "new name who dis", { display_name: "New_Name" }),
    m(11, "pal", "300", "@new_name nice rename"),
    m(12, "new_name", "100", '=HYPERLINK("http://evil","click")', {
      reply_to: { message_id: "m005", user_name: "pal", user_id: "300" },
    }),
    m(20, "old_name", "200", "i am the new old_name"),
    m(21, "fixture_fan", null, "@old_name who are you"),
    m(22, "fixture_fan", null, "+1 for that, -2 for this"),
  ];
}

const EVENTS: ChatEvent[] = [
  {
    kind: "clearchat",
    ts: T(4),
    channel: "example_channel",
    event_id: "e1",
    user_name: "old_name",
    user_id: "100",
    duration_seconds: 600,
    source: "twitch-irc",
  },
  {
    kind: "clearmsg",
    ts: T(13),
    channel: "example_channel",
    event_id: "e2",
    target_message_id: "m006",
    user_name: "new_name",
    text: "=HYPERLINK(...)",
    source: "twitch-irc",
  },
  {
    kind: "clearchat",
    ts: T(23),
    channel: "example_channel",
    event_id: "e3",
    user_name: "old_name",
    user_id: "200",
    duration_seconds: null,
    source: "twitch-irc",
  },
];

async function dataDirWithStory(path: string): Promise<string> {
  const data = join(path, "data");
  await messageLog(data).append(story());
  await eventLog(data).append(EVENTS);
  return data;
}

async function cli(data: string, ...argv: string[]) {
  return await runMain([...argv, "--data-dir", data]);
}

Deno.test("profiles: a rename is one person, filed under the current login; an old login shows them", async () => {
  await using dir = await tempDir();
  const data = await dataDirWithStory(dir.path);
  const shown = await cli(data, "profiles", "show", "--user", "new_name");
  assert.equal(shown.code, 0, shown.stderr);
  const p = JSON.parse(shown.stdout);
  assert.equal(p.user_id, "100");
  assert.equal(p.message_count, 4);
  assert.deepEqual(p.login_history.map((h: { login: string }) => h.login), [
    "old_name",
    "new_name",
  ]);
  assert.deepEqual(p.display_names, ["New_Name", "Old_Name"]);
  // `old_name` now belongs to #200: its file is theirs; #100 is reached through their id.
  const old = JSON.parse((await cli(data, "profiles", "show", "--user", "old_name")).stdout);
  assert.equal(old.user_id, "200");
  const byId = JSON.parse((await cli(data, "profiles", "show", "--user", "id:100")).stdout);
  assert.deepEqual(byId, p);
  // A login without ids is its own person.
  const fan = JSON.parse((await cli(data, "profiles", "show", "--user", "fixture_fan")).stdout);
  assert.equal(fan.user_id, null);
  assert.equal(fan.message_count, 3);
  // Byte-identical after a rebuild.
  const before = shown.stdout;
  assert.equal((await cli(data, "profiles", "rebuild", "--quiet")).code, 0);
  assert.equal((await cli(data, "profiles", "show", "--user", "new_name")).stdout, before);
  const list = (await cli(data, "profiles", "list", "--users")).stdout.trim().split("\n");
  assert.deepEqual(list, ["fixture_fan", "new_name", "old_name", "pal"]);
});

Deno.test("search --by user: each login or the id finds all their messages, user_name as written", async () => {
  await using dir = await tempDir();
  const data = await dataDirWithStory(dir.path);
  await cli(data, "profiles", "rebuild", "--quiet");
  const find = async (value: string) =>
    JSON.parse(
      (await cli(data, "search", "messages", "--by", "user", "--value", value, "--format", "json"))
        .stdout,
    ).map((m: Message) => `${m.message_id}:${m.user_name}`);
  const all = ["m006:new_name", "m004:new_name", "m003:old_name", "m000:old_name"];
  assert.deepEqual(await find("new_name"), all);
  assert.deepEqual(await find("id:100"), all);
  // The recycled login is its holder now.
  assert.deepEqual(await find("old_name"), ["m007:old_name"]);
});

Deno.test("timeline: messages, moderation, renames and context across channels, in time order", async () => {
  await using dir = await tempDir();
  const data = await dataDirWithStory(dir.path);
  const r = await cli(data, "timeline", "--user", "new_name", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.equal(t.person.user_id, "100");
  const kinds = t.entries.map((e: { kind: string; ts: string }) =>
    `${e.ts.slice(14, 16)} ${e.kind}`
  );
  assert.deepEqual(kinds, [
    "00 message",
    "03 message",
    "04 timeout",
    "10 rename",
    "10 message",
    "12 message",
    "13 deleted",
  ]);
  // Their deleted message says so; the ban of #200 under old_name is not theirs.
  assert.equal(t.entries[5].message.deleted_at, T(13));
  // --context 1: the message before and after each of theirs in that channel.
  const c = JSON.parse(
    (await cli(data, "timeline", "--user", "id:100", "--context", "1", "--format", "json"))
      .stdout,
  );
  const ctx = c.entries.filter((e: { kind: string }) => e.kind === "context").map((
    e: { message_id: string },
  ) => e.message_id);
  assert.deepEqual(ctx, ["m001", "m002", "m005", "m007"]);
  // --since / --until.
  const w = JSON.parse(
    (await cli(
      data,
      "timeline",
      "--user",
      "new_name",
      "--since",
      T(5),
      "--until",
      T(12),
      "--format",
      "json",
    )).stdout,
  );
  assert.deepEqual(w.entries.map((e: { kind: string }) => e.kind), ["rename", "message"]);
});

Deno.test("timeline --format csv is RFC 4180 and neutralises formulas", async () => {
  await using dir = await tempDir();
  const data = await dataDirWithStory(dir.path);
  const r = await cli(data, "timeline", "--user", "new_name", "--format", "csv");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\r\n");
  assert.equal(lines[0], "ts,kind,channel,user_name,message_id,text,detail");
  assert.equal(lines.at(-1), "");
  assert.ok(
    lines.some((l) => l.includes(`"'=HYPERLINK(""http://evil"",""click"")"`)),
    r.stdout,
  );
  assert.ok(!/(^|,)=/.test(r.stdout.replaceAll("\r\n", "\n").split("\n").join(",")));
  const s = await cli(data, "search", "messages", "--format", "csv", "--limit", "50");
  assert.match(s.stdout, /,"'\+1 for that, -2 for this",/);
  assert.match(s.stdout, /"'=HYPERLINK\(""http:\/\/evil""/);
  const ev = await cli(data, "search", "events", "--format", "csv");
  assert.match(ev.stdout, /^ts,kind,channel,event_id,user_name,user_id,/);
  assert.match(ev.stdout, /'=HYPERLINK\(\.\.\.\)/);
});

Deno.test("graph: mentions of an old login are the person who held it then; files parse as XML", async () => {
  await using dir = await tempDir();
  const data = await dataDirWithStory(dir.path);
  const json = join(dir.path, "g.json");
  assert.equal((await cli(data, "graph", "export", "--format", "json", "--out", json)).code, 0);
  const g = JSON.parse(await Deno.readTextFile(json));
  const edges = g.edges.map((e: { source: string; target: string; weight: number }) =>
    `${e.source}>${e.target}:${e.weight}`
  ).sort();
  assert.deepEqual(edges, [
    "#100>#300:2", // @pal, and the reply to pal
    "#300>#100:2", // @old_name then @new_name: one person
    "fixture_fan>#100:1", // @old_name at 12:02: #100 held it then
    "fixture_fan>#200:1", // @old_name at 12:21: #200 holds it
  ]);
  for (const format of ["gexf", "graphml"] as const) {
    const out = join(dir.path, `g.${format}`);
    const r = await cli(data, "graph", "export", "--format", format, "--out", out);
    assert.equal(r.code, 0, r.stderr);
    const text = await Deno.readTextFile(out);
    assert.equal(XMLValidator.validate(text), true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (n) => n === "node" || n === "edge",
    })
      .parse(text);
    const graph = format === "gexf" ? doc.gexf.graph : doc.graphml.graph;
    const nodes = format === "gexf" ? graph.nodes.node : graph.node;
    const es = format === "gexf" ? graph.edges.edge : graph.edge;
    assert.equal(nodes.length, 4);
    assert.equal(es.length, 4);
    const ids = new Set(nodes.map((n: Record<string, string>) => n["@_id"]));
    for (const e of es) assert.ok(ids.has(e["@_source"]) && ids.has(e["@_target"]));
  }
  const heavy = join(dir.path, "h.csv");
  await cli(data, "graph", "export", "--format", "csv", "--min-weight", "2", "--out", heavy);
  assert.equal((await Deno.readTextFile(heavy)).split("\r\n").filter(Boolean).length, 3);
  const nb = JSON.parse(
    (await cli(data, "graph", "neighbors", "--user", "old_name", "--format", "json")).stdout,
  );
  assert.deepEqual(nb.contacts.map((c: { login: string }) => c.login), ["fixture_fan"]);
  const nb100 = JSON.parse(
    (await cli(data, "graph", "neighbors", "--user", "id:100", "--format", "json")).stdout,
  );
  assert.deepEqual(
    nb100.contacts.map((c: { login: string; weight: number }) => `${c.login}:${c.weight}`),
    ["pal:4", "fixture_fan:1"],
  );
});

Deno.test("users find: past logins, display names, ids and typos, ranked", async () => {
  await using dir = await tempDir();
  const data = await dataDirWithStory(dir.path);
  const find = async (text: string) =>
    JSON.parse((await cli(data, "users", "find", text, "--format", "json")).stdout).map((
      m: { login: string; how: string; field: string },
    ) => `${m.login}:${m.how}:${m.field}`);
  assert.deepEqual(await find("new_nmae"), ["new_name:near:login"]);
  assert.deepEqual(await find("old_name"), ["new_name:exact:past_login", "old_name:exact:login"]);
  assert.deepEqual(await find("100"), ["new_name:exact:user_id"]);
  assert.deepEqual(await find("Old_N"), ["new_name:prefix:past_login", "old_name:prefix:login"]);
});

Deno.test("opted-out and forgotten persons are served nowhere, whichever login names them", async () => {
  await using dir = await tempDir();
  const data = await dataDirWithStory(dir.path);
  // Opt-out by the old login hides the person under the new one too.
  await cli(data, "privacy", "optout", "add", "--user", "new_name");
  const t = await cli(data, "timeline", "--user", "id:100");
  assert.equal(t.code, 1);
  assert.match(t.stderr, /opt-out/);
  const s = await cli(
    data,
    "search",
    "messages",
    "--by",
    "user",
    "--value",
    "id:100",
    "--format",
    "json",
  );
  assert.deepEqual([s.code, JSON.parse(s.stdout)], [0, []]);
  const g = join(dir.path, "g.json");
  await cli(data, "graph", "export", "--format", "json", "--out", g);
  const text = await Deno.readTextFile(g);
  assert.ok(!text.includes("#100") && !text.includes("new_name"), text);
  const found = (await cli(data, "users", "find", "name", "--format", "json")).stdout;
  assert.ok(!found.includes('"#100"'), found);
  await cli(data, "privacy", "optout", "remove", "--user", "new_name");

  // Forget by the old login forgets the person under every login.
  const f = await cli(data, "forget", "--user", "new_name");
  assert.equal(f.code, 0, f.stderr);
  const log = await Deno.readTextFile(join(data, "logs", "messages.jsonl"));
  assert.ok(!log.includes('"user_id":"100"'), log);
  assert.ok(!log.includes("new_name"), log);
  assert.ok(!log.includes("New_Name"), log);
  const after = JSON.parse(
    (await cli(data, "timeline", "--user", "new_name", "--format", "json")).stdout,
  );
  assert.deepEqual(after.entries, []);
  // #200 keeps their message under the recycled login; #100's records under it are gone.
  assert.ok(log.includes("i am the new old_name"), log);
  assert.ok(!log.includes("hello chat"), log);
  const again = JSON.parse(
    (await cli(data, "graph", "neighbors", "--user", "pal", "--format", "json")).stdout,
  );
  assert.ok(!JSON.stringify(again).includes("#100"));
});
