import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import fc from "fast-check";
import { join } from "node:path";
import { findRemaining, forget, FORGOTTEN, scrubEnrichment } from "../../src/privacy/forget.ts";
import { compileRule, scrubText } from "../../src/privacy/forget_rule.ts";
import { dropCorruptEntry, forgetRecord } from "../../src/privacy/forget_decisions.ts";
import { retentionCutoff } from "../../src/privacy/retention.ts";
import { storeAt } from "../support/store.ts";
import { type ChatEvent, Message, type Subject } from "../../src/schemas.ts";
import { eventLog, messageLog } from "../../src/store/log/logs.ts";
import { writeSubjects } from "../../src/subjects/loading.ts";
import { jsonText } from "../../src/store/atomic.ts";
import { tempDir } from "../support/cli.ts";
import { msg, relSignal, withIds } from "../support/messages.ts";

const WORDS = [
  "someuser",
  "SomeUser",
  "@someuser",
  "someuser123",
  "x_someuser",
  "sara",
  "dating",
  "ü",
  "\\",
  '"',
  "😀",
];
const messageArb: fc.Arbitrary<Message> = fc.record({
  user: fc.constantFrom("someuser", "fan88", "mod123"),
  channel: fc.constantFrom("example_channel", "devchat"),
  words: fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 })), {
    maxLength: 8,
  }),
  mentions: fc.subarray(["someuser", "mod123", "sara"]),
  display: fc.option(fc.constantFrom("SomeUser", "Fan88"), { nil: undefined }),
  reply: fc.option(fc.constantFrom("someuser", "fan88"), { nil: undefined }),
  signals: fc.array(
    fc.record({
      target: fc.option(fc.constantFrom("someuser", "sara"), { nil: null }),
      snippet: fc.constantFrom("is he dating someuser", "dating sara"),
    }),
    { maxLength: 2 },
  ),
  hits: fc.subarray(["username_someuser", "username_mod123"]),
}).map((r) => {
  const m = msg({
    user_name: r.user,
    channel: r.channel,
    text: r.words.join(" "),
    mentions: r.mentions,
  });
  if (r.display !== undefined) m.display_name = r.display;
  if (r.reply !== undefined) m.reply_to = { message_id: "r1", user_name: r.reply };
  if (r.signals.length) m.signals = r.signals.map((s) => relSignal(s.target, s.snippet));
  if (r.hits.length) m.hits = r.hits.map((k) => ({ subject_key: k, how: "mention" as const }));
  return m;
});
import { grepTree } from "../support/grep_tree.ts";

const RULE = () => compileRule({ users: ["someuser"] });

Deno.test("scrubText() replaces the login as a whole word, in any case, and nothing else", () => {
  assertEquals(
    scrubText("@SomeUser hi someuser123 xsomeuser some_user someuser. (SOMEUSER)", RULE()),
    `@${FORGOTTEN} hi someuser123 xsomeuser some_user ${FORGOTTEN}. (${FORGOTTEN})`,
  );
  assertEquals(scrubText("nothing here", RULE()), "nothing here");
  assertEquals(scrubText("https://twitch.tv/someuser", RULE()), `https://twitch.tv/${FORGOTTEN}`);
});

Deno.test("forgetRecord() drops the user's own messages and learns their user id", () => {
  const rule = RULE();
  assertEquals(
    forgetRecord(msg({ user_name: "someuser", user_id: "77", text: "hi" }), "message", rule),
    "drop",
  );
  assert(rule.userIds.has("77"));
});

Deno.test("forgetRecord() scrubs other people's messages: text, mentions, signals, hits, replies", () => {
  const m: Message = {
    ...msg({
      user_name: "fan88",
      channel: "example_channel",
      text: "@someuser is he dating someuser or sara?",
      mentions: ["someuser", "mod123"],
    }),
    reply_to: { message_id: "x1", user_name: "someuser" },
    signals: [
      relSignal("someuser", "dating someuser"),
      relSignal("sara", "dating someuser or sara"),
    ],
    hits: [
      { subject_key: "username_someuser", how: "mention" },
      { subject_key: "username_mod123", how: "mention" },
    ],
  };
  const d = forgetRecord(m, "message", RULE());
  assert(typeof d === "object");
  const out = Message.parse(d.replace);
  assertEquals(out.text, `@${FORGOTTEN} is he dating ${FORGOTTEN} or sara?`);
  assertEquals(out.mentions, ["mod123"]);
  assertEquals(out.reply_to, { message_id: "x1", user_name: FORGOTTEN });
  assertEquals(out.signals?.map((s) => [s.target, s.snippet]), [[
    "sara",
    `dating ${FORGOTTEN} or sara`,
  ]]);
  assertEquals(out.hits, [{ subject_key: "username_mod123", how: "mention" }]);
  assertEquals([out.message_id, out.channel, out.ts], [m.message_id, m.channel, m.ts]);
});

Deno.test("forgetRecord() keeps records that do not concern the rule untouched", () => {
  const m = msg({ user_name: "fan88", text: "someuser123 is not them", mentions: [] });
  assertEquals(forgetRecord(m, "message", RULE()), "keep");
  assertEquals(forgetRecord(m, "message", compileRule({ channels: ["devchat"] })), "keep");
});

Deno.test("forgetRecord() drops by channel and by age, and never rewrites the channel field", () => {
  const rule = compileRule({ channels: ["devchat"], before: "2025-09-02T12:00:00.000Z" });
  assertEquals(forgetRecord(msg({ channel: "devchat", text: "x" }), "message", rule), "drop");
  assertEquals(
    forgetRecord(
      msg({ channel: "c3", ts: "2025-09-02T11:59:59.999Z", text: "x" }),
      "message",
      rule,
    ),
    "drop",
  );
  assertEquals(
    forgetRecord(
      msg({ channel: "c3", ts: "2025-09-02T12:00:00.000Z", text: "x" }),
      "message",
      rule,
    ),
    "keep",
  );
  // A forgotten user who is also a channel: messages in that channel stay (forget --channel for them).
  const d = forgetRecord(
    msg({ channel: "someuser", user_name: "fan88", text: "hi someuser" }),
    "message",
    RULE(),
  );
  assert(typeof d === "object");
  assertEquals([d.replace.channel, d.replace.text], ["someuser", `hi ${FORGOTTEN}`]);
});

Deno.test("forgetRecord() keeps every record schema-valid and free of the login (property)", () => {
  const word = /(?<![A-Za-z0-9_])someuser(?![A-Za-z0-9_])/i;
  fc.assert(
    fc.property(
      messageArb,
      fc.constantFrom("", " @someuser", " SomeUser!", " someuser_x"),
      (m, extra) => {
        const rec = { ...m, text: m.text + extra, mentions: [...m.mentions, "someuser"] };
        const d = forgetRecord(rec, "message", RULE());
        if (d === "drop") {
          assertEquals(rec.user_name, "someuser");
          return;
        }
        const out = d === "keep" ? rec : d.replace;
        assert(Message.safeParse(out).success, JSON.stringify(out));
        assert(!word.test(JSON.stringify(out)), JSON.stringify(out));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("dropCorruptEntry() judges torn lines by name, id and age", () => {
  const rule = compileRule({ users: ["someuser"], before: "2025-09-02T12:00:00.000Z" });
  rule.userIds.add("424242");
  const header = "2025-09-03T00:00:00.000Z"; // set aside then (the store reads it from the header)
  assert(
    dropCorruptEntry(header, '{"ts":"2025-09-02T13:00:00.000Z","user_name":"someus', rule) ===
      false,
  );
  assert(
    dropCorruptEntry(header, '{"ts":"2025-09-02T13:00:00.000Z","user_name":"someuser","te', rule),
  );
  assert(dropCorruptEntry(header, '{"user_id":"424242","ts', rule));
  assert(dropCorruptEntry(header, '{"ts":"2025-09-01T00:00:00.000Z","x', rule));
  assert(dropCorruptEntry("2025-08-01T00:00:00.000Z", '{"chan', rule));
  assert(!dropCorruptEntry(null, '{"chan', rule), "no header, no ts: nothing says it is old");
});

Deno.test("scrubEnrichment() removes a forgotten channel from chat_presence and recounts", () => {
  const e = {
    subject: { key: "username_fan88", type: "username", value: "fan88" },
    providers: {
      chat_presence: {
        status: "ok",
        data: {
          seen: true,
          message_count: 7,
          channels: ["devchat", "c3"],
          per_channel: { devchat: 5, c3: 2 },
        },
        error: null,
        ran_at: "2025-09-02T12:00:00.000Z",
      },
    },
  };
  const out = scrubEnrichment(structuredClone(e), compileRule({ channels: ["devchat"] }));
  const data = (out?.providers as typeof e.providers).chat_presence.data;
  assertEquals(data, { seen: true, message_count: 2, channels: ["c3"], per_channel: { c3: 2 } });
  assertEquals(scrubEnrichment(structuredClone(e), compileRule({ channels: ["zzz"] })), null);
});

Deno.test("findRemaining() searches binary files too", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(join(dir.path, "a"));
  await Deno.writeFile(
    join(dir.path, "a", "bin"),
    new Uint8Array([0, 255, ...new TextEncoder().encode("xx SomeUser"), 0]),
  );
  await Deno.writeTextFile(join(dir.path, "t.txt"), "someuser123 only");
  assertEquals(await findRemaining(storeAt(dir.path), RULE()), [{
    file: "a/bin",
    count: 1,
    derived: false,
  }]);
});

Deno.test("findRemaining() counts whole words across its read windows, in files of any size", async () => {
  await using dir = await tempDir();
  const MiB = 1024 * 1024;
  // Occurrences at the 8 MiB read boundaries and at the end of the file: ending right at a
  // boundary before a word character (no match) or before a space (a match), straddling one.
  const size = 24 * MiB + 100;
  const bytes = new Uint8Array(size).fill(46); // "."
  const put = (at: number, s: string) => bytes.set(new TextEncoder().encode(s), at);
  put(8 * MiB - 30, " someuser "); // also in the next window's overlap: counted once
  put(8 * MiB - 8, "someuserx");
  put(16 * MiB - 8, "someuser ");
  put(24 * MiB - 4, "SomeUser");
  put(12 * MiB, " SOMEUSER xsomeuser someuser_2 ");
  put(size - 8, "someuser");
  await Deno.writeFile(join(dir.path, "big"), bytes);
  const text = new TextDecoder("latin1").decode(bytes);
  const expected = text.match(RULE().word!)!.length;
  assertEquals(expected, 5);
  assertEquals(await findRemaining(storeAt(dir.path), RULE()), [{
    file: "big",
    count: expected,
    derived: false,
  }]);
});

async function seed(dataDir: string): Promise<void> {
  const messages = withIds([
    msg({
      user_name: "someuser",
      user_id: "424242",
      display_name: "SomeUser",
      text: "hello all",
      channel: "example_channel",
    }),
    msg({
      user_name: "fan88",
      text: "@someuser hi",
      mentions: ["someuser"],
      channel: "example_channel",
    }),
    msg({ user_name: "mod123", text: "welcome", channel: "devchat" }),
    msg({ user_name: "someuser", user_id: "424242", text: "bye", channel: "devchat" }),
    msg({ user_name: "fan88", text: "someuser123 is someone else", channel: "devchat" }),
  ]);
  messages[1]!.hits = [{ subject_key: "username_someuser", how: "mention" }];
  await messageLog(dataDir).append(messages);
  const events: ChatEvent[] = [
    {
      kind: "clearchat",
      ts: "2025-09-02T12:01:00.000Z",
      channel: "example_channel",
      event_id: "e1",
      user_name: "someuser",
      user_id: "424242",
      duration_seconds: 60,
      source: "fixture",
    },
    {
      kind: "usernotice",
      ts: "2025-09-02T12:02:00.000Z",
      channel: "example_channel",
      event_id: "e2",
      notice: "subgift",
      user_name: "fan88",
      user_id: "1",
      text: "",
      system_text: "fan88 gifted a sub to SomeUser!",
      params: { "msg-param-recipient-user-name": "someuser", "msg-param-recipient-id": "424242" },
      source: "fixture",
    },
  ];
  await eventLog(dataDir).append(events);
  await Deno.writeTextFile(
    join(dataDir, "logs", "messages.jsonl.corrupt"),
    "# torn line set aside from offset 5 at 2025-09-02T12:00:00.000Z\n" +
      '{"ts":"2025-09-02T12:00:00.000Z","channel":"devchat","user_name":"someuser","te\n' +
      "# torn line set aside from offset 9 at 2025-09-02T12:00:00.000Z\n" +
      '{"ts":"2025-09-02T12:00:00.000Z","channel":"devchat","user_name":"fan88","te\n',
  );
  const subjects: Subject[] = [
    { key: "username_someuser", type: "username", value: "someuser" },
    { key: "username_fan88", type: "username", value: "fan88" },
  ];
  await writeSubjects(dataDir, subjects);
  await Deno.mkdir(join(dataDir, "enrichment"), { recursive: true });
  for (const s of subjects) {
    await Deno.writeTextFile(
      join(dataDir, "enrichment", `${s.key}.json`),
      jsonText({ subject: s, providers: {} }),
    );
  }
  await Deno.mkdir(join(dataDir, "reports"), { recursive: true });
  await Deno.writeTextFile(join(dataDir, "reports", "username_someuser.md"), "# someuser\n");
  await Deno.mkdir(join(dataDir, "profiles", "users"), { recursive: true });
  await Deno.writeTextFile(join(dataDir, "profiles", "users", "someuser.json"), "{}\n");
}

Deno.test("forget() removes every byte of a user from the data dir, and a second run removes nothing", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const regenerated: string[][] = [];
  const s = await forget(storeAt(dir.path), { users: ["someuser"] }, {
    hooks: {
      regenerateReports: (_d, subjects) => {
        regenerated.push(subjects.map((x) => x.key));
        return Promise.resolve([]);
      },
    },
  });
  assertEquals(s.nothing, false);
  const byFile = Object.fromEntries(s.files.map((f) => [f.file, [f.removed, f.scrubbed]]));
  assertEquals(byFile["logs/messages.jsonl"], [2, 1]);
  assertEquals(byFile["logs/messages.jsonl.corrupt"], [1, 0]);
  assertEquals(byFile["logs/events.jsonl"], [1, 1]);
  assertEquals(s.subjects, ["username_someuser"]);
  assertEquals(s.deleted.sort(), [
    "enrichment/username_someuser.json",
    "profiles/users/someuser.json",
    "reports/username_someuser.md",
  ]);
  assertEquals(regenerated, [["username_fan88"]]);
  assertEquals(s.remaining, []);
  // The whole tree, as bytes, in any case; "someuser123" is someone else and stays.
  const left = (await grepTree(dir.path, "someuser", { ignoreCase: true }))
    .filter((f) => !/someuser123/i.test(f.context));
  assertEquals(left, []);
  assertEquals((await grepTree(dir.path, "424242")).map((f) => f.file), []);
  const lines = (await Deno.readTextFile(join(dir.path, "logs", "messages.jsonl"))).trimEnd().split(
    "\n",
  );
  assertEquals(lines.map((l) => Message.parse(JSON.parse(l)).text), [
    `@${FORGOTTEN} hi`,
    "welcome",
    "someuser123 is someone else",
  ]);
  const ev = (await Deno.readTextFile(join(dir.path, "logs", "events.jsonl"))).trimEnd().split(
    "\n",
  );
  assertEquals(JSON.parse(ev[0]!).params, {
    "msg-param-recipient-user-name": FORGOTTEN,
    "msg-param-recipient-id": FORGOTTEN,
  });

  const ino = (await Deno.stat(join(dir.path, "logs", "messages.jsonl"))).ino;
  const again = await forget(storeAt(dir.path), { users: ["someuser"] });
  assertEquals(again.nothing, true);
  assertEquals(again.files.every((f) => f.removed === 0 && f.scrubbed === 0), true);
  assertEquals((await Deno.stat(join(dir.path, "logs", "messages.jsonl"))).ino, ino);
});

Deno.test("forget() with dryRun counts but changes nothing", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const before = await grepTree(dir.path, "someuser");
  const s = await forget(storeAt(dir.path), { users: ["someuser"] }, { dryRun: true });
  assertEquals([s.dryRun, s.nothing], [true, false]);
  assertEquals(s.files.find((f) => f.file === "logs/messages.jsonl")?.removed, 2);
  assertEquals((await grepTree(dir.path, "someuser")).length, before.length);
});

Deno.test("forget() of a channel drops its messages and events; retention drops old ones", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const s = await forget(storeAt(dir.path), { channels: ["example_channel"] });
  assertEquals(s.files.find((f) => f.file === "logs/messages.jsonl")?.removed, 2);
  assertEquals(s.files.find((f) => f.file === "logs/events.jsonl")?.removed, 2);
  const log = await Deno.readTextFile(join(dir.path, "logs", "messages.jsonl"));
  assert(!log.includes('"channel":"example_channel"'));

  const r = await forget(storeAt(dir.path), { before: "2025-09-02T12:00:00.001Z" });
  assertEquals(r.files.find((f) => f.file === "logs/messages.jsonl")?.removed, 3);
  assertEquals(await Deno.readTextFile(join(dir.path, "logs", "messages.jsonl")), "");
  assertEquals(
    retentionCutoff(1, Date.parse("2025-09-02T00:00:00.000Z")),
    "2025-09-01T00:00:00.000Z",
  );
});

Deno.test("forget() under concurrent appends loses nothing and writes no torn line", async () => {
  await using dir = await tempDir();
  const log = messageLog(dir.path);
  const old = withIds(
    Array.from(
      { length: 20000 },
      (_, i) =>
        msg({
          user_name: i % 3 === 0 ? "someuser" : "fan88",
          text: `old ${i} @someuser`,
          mentions: ["someuser"],
        }),
    ),
    "old",
  );
  await log.append(old);
  // Another writer (its own JsonlLog, like a monitor) keeps appending while forget runs.
  const writer = messageLog(dir.path);
  const appended: string[] = [];
  let stop = false;
  const writing = (async () => {
    for (let b = 0; !stop || b < 5; b++) {
      const batch = withIds(
        Array.from({ length: 50 }, (_, i) => msg({ user_name: "mod123", text: `new ${b}.${i}` })),
        `new${b}_`,
      );
      await writer.append(batch);
      appended.push(...batch.map((m) => m.message_id));
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const s = await forget(storeAt(dir.path), { users: ["someuser"] });
  stop = true;
  await writing;
  assertEquals(s.files.find((f) => f.file === "logs/messages.jsonl")?.removed, 6667);
  const text = await Deno.readTextFile(join(dir.path, "logs", "messages.jsonl"));
  assert(text.endsWith("\n"));
  const ids = text.trimEnd().split("\n").map((l) => Message.parse(JSON.parse(l)).message_id);
  assertEquals(new Set(ids).size, ids.length);
  const have = new Set(ids);
  assertEquals(appended.filter((id) => !have.has(id)), []);
  assertEquals(old.filter((m) => m.user_name === "fan88" && !have.has(m.message_id)).length, 0);
  assert(!/"user_name":"someuser"/.test(text));
});

Deno.test("forget() removes temporary files a killed rewrite left beside the log", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  const stale = join(dir.path, "logs", "messages.jsonl.rewrite-99999-1");
  await Deno.writeTextFile(stale, '{"user_name":"someuser"}\n');
  await forget(storeAt(dir.path), { users: ["someuser"] });
  let gone = false;
  await Deno.stat(stale).catch(() => (gone = true));
  assert(gone);
});

Deno.test("forget() rebuilds derived files that still hold the name after an interrupted run", async () => {
  await using dir = await tempDir();
  await seed(dir.path);
  await forget(storeAt(dir.path), { users: ["someuser"] });
  // As if the rebuild had failed: a profile still names them.
  await Deno.writeTextFile(
    join(dir.path, "profiles", "users", "fan88.json"),
    '{"top_mentions":["someuser"]}\n',
  );
  let rebuilt = 0;
  const s = await forget(storeAt(dir.path), { users: ["someuser"] }, {
    hooks: {
      rebuildDerived: async (d) => {
        rebuilt++;
        await Deno.writeTextFile(join(d, "profiles", "users", "fan88.json"), "{}\n");
        return "rebuilt";
      },
    },
  });
  assertEquals([rebuilt, s.nothing, s.derived, s.remaining], [1, false, "rebuilt", []]);
  assertMatch(s.notes.join(), /profiles\/users\/fan88\.json/);
});
