import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { join } from "node:path";
import { runMain, tempDir } from "../support/cli.ts";
import { writeFixtures } from "../support/chat_fixture.ts";

const CSV = `type,value
username,SomeUser
email,Alice@Example.com
phone,(202) 555-0123
`;

/** One line per way a subject can show up, in two channels, at known times. */
const LINES = [
  ["12:00:00", "c1", "someuser", "hello chat"],
  ["12:00:10", "c1", "fan88", "@SomeUser welcome back"],
  ["12:00:20", "c2", "fan88", "call (202) 555-0123 for the merch"],
  ["12:00:30", "c2", "gossip", "or 202.555.0123 they said"],
  ["12:00:40", "c1", "gossip", "+1 202 555 0123 is the number"],
  ["12:00:50", "c1", "fan88", "2025550123 works too"],
  ["12:01:00", "c2", "fan88", "mail ALICE@example.com about it"],
  ["12:01:10", "c2", "fan88", "nothing to see here, 202.555.0199 is someone else"],
  ["12:01:20", "c1", "someuser", "@someuser talking to myself"],
].map(([t, channel, user_name, text]) => ({
  ts: `2025-09-02T${t}.000Z`,
  channel: channel!,
  user_name: user_name!,
  text: text!,
}));

async function setUp(dir: string): Promise<string[]> {
  const fixtures = await writeFixtures(join(dir, "fx"), LINES);
  await Deno.writeTextFile(join(dir, "subjects.csv"), CSV);
  const d = ["--data-dir", join(dir, "data"), "--fixtures-dir", fixtures];
  const load = await runMain([
    "subjects",
    "load",
    "--path",
    join(dir, "subjects.csv"),
    "--no-enrich",
    ...d,
  ]);
  assertEquals(load.code, 0, load.stderr);
  const run = await runMain([
    "chat",
    "run",
    "--channels",
    "c1,c2",
    "--offline",
    "--speed",
    "0",
    ...d,
  ]);
  assertEquals(run.code, 0, run.stderr);
  return d;
}

interface Row {
  subject_key: string;
  how: string;
  ts: string;
  channel: string;
  message_id: string;
  user_name: string;
  text: string;
}

async function hits(d: string[], ...args: string[]): Promise<Row[]> {
  const r = await runMain(["subjects", "hits", "--format", "json", ...args, ...d]);
  assertEquals(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

Deno.test("subjects hits lists every subject type's hits, newest first, with message and channel", async () => {
  await using dir = await tempDir();
  const d = await setUp(dir.path);
  const rows = await hits(d);
  assertEquals(
    rows.map((r) => [r.ts.slice(11, 19), r.subject_key, r.how, r.channel]),
    [
      ["12:01:20", "username_someuser", "author", "c1"],
      ["12:01:20", "username_someuser", "mention", "c1"],
      ["12:01:00", "email_alice@example.com", "text", "c2"],
      ["12:00:50", "phone_+12025550123", "text", "c1"],
      ["12:00:40", "phone_+12025550123", "text", "c1"],
      ["12:00:30", "phone_+12025550123", "text", "c2"],
      ["12:00:20", "phone_+12025550123", "text", "c2"],
      ["12:00:10", "username_someuser", "mention", "c1"],
      ["12:00:00", "username_someuser", "author", "c1"],
    ],
  );
  // The subject's value is kept in the text (it is a subject's); others' are redacted.
  assertEquals(rows.find((r) => r.ts.includes("12:00:30"))?.text, "or 202.555.0123 they said");
  const all = await runMain([
    "search",
    "messages",
    "--contains",
    "someone else",
    "--data-dir",
    d[1]!,
  ]);
  assertMatch(all.stdout, /\[redacted:phone\] is someone else/);
});

Deno.test("subjects hits filters by subject (key or value), since, and limit; table and jsonl", async () => {
  await using dir = await tempDir();
  const d = await setUp(dir.path);
  const phone = await hits(d, "--subject", "(202) 555-0123");
  assertEquals(phone.length, 4);
  assert(phone.every((r) => r.subject_key === "phone_+12025550123"));
  assertEquals((await hits(d, "--subject", "username_someuser")).length, 4);
  assertEquals((await hits(d, "--subject", "alice@example.com")).map((r) => r.user_name), [
    "fan88",
  ]);
  const since = await hits(d, "--since", "2025-09-02T12:00:45Z");
  assertEquals(since.map((r) => r.ts.slice(11, 19)), [
    "12:01:20",
    "12:01:20",
    "12:01:00",
    "12:00:50",
  ]);
  assertEquals((await hits(d, "--limit", "2")).length, 2);
  const table = await runMain(["subjects", "hits", "--subject", "someuser", ...d]);
  assertMatch(table.stdout, /^TIME \(UTC\)\s+SUBJECT\s+HOW\s+CHANNEL\s+USER\s+MESSAGE\n/);
  assertMatch(
    table.stdout,
    /2025-09-02T12:00:10\.000Z\s+username_someuser\s+mention\s+c1\s+fan88\s+@SomeUser welcome back/,
  );
  const jsonl = await runMain(["subjects", "hits", "--format", "jsonl", ...d]);
  assertEquals(jsonl.stdout.trim().split("\n").length, 9);
});

Deno.test("subjects hits: usage errors exit 2; no hits prints nothing", async () => {
  await using dir = await tempDir();
  const d = await setUp(dir.path);
  for (
    const args of [["--format", "xml"], ["--limit", "0"], [
      "--since",
      "yesterday-ish",
    ], ["x"]]
  ) {
    const r = await runMain(["subjects", "hits", ...args, ...d]);
    assertEquals(r.code, 2, args.join(" "));
    assertMatch(r.stderr, /^error: /);
  }
  const none = await runMain(["subjects", "hits", "--since", "2030-01-01", ...d]);
  assertEquals([none.code, none.stdout], [0, ""]);
});
