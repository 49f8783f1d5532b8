import assert from "node:assert/strict";
import { join } from "node:path";
import { replayShipped, REPO, runMain, tempDir } from "../support/cli.ts";

const replayFixtures = (dataDir: string) => replayShipped(["--quiet", "--data-dir", dataDir]);
type Row = { message_id: string; channel: string; user_name: string; text: string };

Deno.test("search messages says on stderr what it cut, pages with --offset and counts with --count", async () => {
  await using dir = await tempDir();
  await replayFixtures(dir.path);
  const d = ["--data-dir", dir.path];
  // One user in one channel: more than a page, and no more than the count's first pass (40
  // matches, counted whatever the time), so the total is exact however loaded the machine is.
  // A total past the first pass may say "at least" when the 40 ms budget runs out.
  const by = ["--by", "channel", "--value", "example_channel", "-q", "from:night_fox"];
  const count = await runMain(["search", "messages", ...by, "--count", ...d]);
  assert.equal(count.code, 0, count.stderr);
  assert.match(count.stdout, /^\d+\n$/);
  const total = Number(count.stdout);
  assert.ok(total > 20 && total <= 30, count.stdout); // two pages, the second not full
  const all = await runMain(["search", "messages", ...by, "--limit", "100000", ...d]);
  const every = JSON.parse(all.stdout) as Row[];
  assert.equal(every.length, total);
  assert.equal(all.stderr, "");

  // The default page: the JSON array on stdout, what was cut on stderr.
  const first = await runMain(["search", "messages", ...by, ...d]);
  assert.equal(first.code, 0);
  assert.deepEqual(JSON.parse(first.stdout), every.slice(0, 20));
  assert.equal(first.stderr, `20 of ${total} shown (use --limit or --offset)\n`);

  const second = await runMain(["search", "messages", ...by, "--offset", "10", ...d]);
  assert.deepEqual(JSON.parse(second.stdout), every.slice(10, 30));
  // The last page: what is shown and from where (the first ten are skipped, so it is cut).
  assert.equal(
    second.stderr,
    `${total - 10} of ${total} shown, from number 11 (use --limit or --offset)\n`,
  );

  // The same through the query language alone and through --scan.
  const q = await runMain([
    "search",
    "messages",
    "-q",
    "in:example_channel from:night_fox",
    "--scan",
    ...d,
  ]);
  assert.deepEqual(JSON.parse(q.stdout), every.slice(0, 20));
  assert.equal(q.stderr, first.stderr);
});

Deno.test("search messages --query reads the language; a malformed one is a usage error at its column", async () => {
  await using dir = await tempDir();
  await replayFixtures(dir.path);
  const d = ["--data-dir", dir.path];
  const flags = await runMain([
    "search",
    "messages",
    "--by",
    "user",
    "--value",
    "someuser",
    "--contains",
    "dating",
    ...d,
  ]);
  const lang = await runMain(["search", "messages", "--query", "from:SomeUser DATING", ...d]);
  assert.equal(lang.code, 0, lang.stderr);
  assert.equal(lang.stdout, flags.stdout);
  const rows = JSON.parse(lang.stdout) as Row[];
  assert.ok(rows.length > 0);
  const negated = await runMain([
    "search",
    "messages",
    "-q",
    "from:someuser dating -sara",
    "--limit",
    "1000",
    ...d,
  ]);
  const kept = JSON.parse(negated.stdout) as Row[];
  assert.deepEqual(
    kept.map((m) => m.message_id),
    rows.filter((m) => !/sara/i.test(m.text)).map((m) => m.message_id),
  );
  const bad = await runMain(["search", "messages", "-q", "from: x", ...d]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--query: 1:6: 'from:' needs a value/);
  assert.equal(bad.stdout, "");
  const events = await runMain(["search", "events", "-q", "has:link", ...d]);
  assert.equal(events.code, 2);
  assert.match(events.stderr, /--query: 1:1: 'has:' does not apply to events/);
});

Deno.test("search events pages and counts like search messages", async () => {
  await using dir = await tempDir();
  await replayFixtures(dir.path);
  const d = ["--data-dir", dir.path];
  const events = ["a", "b", "c"].map((id, i) =>
    JSON.stringify({
      kind: "clearmsg",
      ts: `2025-09-02T12:0${i}:00.000Z`,
      channel: "example_channel",
      event_id: `ev-${id}`,
      target_message_id: `gone-${id}`,
      user_name: "fan88",
      text: `deleted words ${id}`,
      source: "fixture",
    }) + "\n"
  );
  await Deno.writeTextFile(join(dir.path, "logs", "events.jsonl"), events.join(""));
  const count = await runMain(["search", "events", "--count", ...d]);
  assert.equal(count.code, 0, count.stderr);
  assert.equal(count.stdout, "3\n");
  const one = await runMain(["search", "events", "--limit", "1", "--offset", "1", ...d]);
  assert.deepEqual((JSON.parse(one.stdout) as Array<{ event_id: string }>).map((e) => e.event_id), [
    "ev-b",
  ]);
  assert.equal(one.stderr, "1 of 3 shown, from number 2 (use --limit or --offset)\n");
  const q = await runMain(["search", "events", "-q", "words -/ c$/ from:fan88", "--count", ...d]);
  assert.equal(q.stdout, "2\n");
});

Deno.test("a data dir that does not exist or holds no log is an error naming the path, for every reader", async () => {
  await using dir = await tempDir();
  const missing = join(dir.path, "nowhere");
  const readers = [
    ["search", "messages"],
    ["search", "events"],
    ["profiles", "list"],
    ["profiles", "show", "--user", "someuser"],
    ["subjects", "hits"],
  ];
  for (const argv of readers) {
    const r = await runMain([...argv, "--data-dir", missing]);
    assert.equal(r.code, 1, argv.join(" "));
    assert.equal(r.stdout, "");
    assert.match(r.stderr, new RegExp(`no data dir at ${missing}`), argv.join(" "));
    // Nothing was created by looking.
    assert.equal(await Deno.stat(missing).then(() => true, () => false), false);
  }
  for (const argv of [["subjects", "report", "someuser"], ["subjects", "list"]]) {
    const r = await runMain([...argv, "--data-dir", missing]);
    assert.equal(r.code, 1, argv.join(" "));
    assert.match(r.stderr, /no data dir at/, argv.join(" "));
  }

  // A directory that is not a data dir (no log).
  const empty = join(dir.path, "empty");
  await Deno.mkdir(empty);
  for (const argv of readers) {
    const r = await runMain([...argv, "--data-dir", empty]);
    assert.equal(r.code, 1, argv.join(" "));
    assert.match(r.stderr, /holds no message log \(.*messages\.jsonl is missing/, argv.join(" "));
  }

  // A data dir whose log holds nothing yet answers empty, with a note.
  await Deno.mkdir(join(empty, "logs"));
  await Deno.writeTextFile(join(empty, "logs", "messages.jsonl"), "");
  const r = await runMain(["search", "messages", "--data-dir", empty]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "[]\n");
  assert.match(r.stderr, /note: no messages in .*messages\.jsonl yet/);
});

Deno.test("subjects hits says what it cut instead of stopping at 50 silently", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path];
  assert.equal(
    (await runMain(["subjects", "load", "--path", join(REPO, "subjects.csv"), "--no-enrich", ...d]))
      .code,
    0,
  );
  await replayFixtures(dir.path);
  const count = await runMain(["subjects", "hits", "--count", ...d]);
  assert.equal(count.code, 0, count.stderr);
  const total = Number(count.stdout);
  assert.ok(total > 2, count.stdout);
  const page = await runMain([
    "subjects",
    "hits",
    "--limit",
    "2",
    "--offset",
    "1",
    "--format",
    "json",
    ...d,
  ]);
  const all = await runMain(["subjects", "hits", "--limit", "100000", "--format", "json", ...d]);
  assert.deepEqual(JSON.parse(page.stdout), (JSON.parse(all.stdout) as unknown[]).slice(1, 3));
  assert.equal(page.stderr, `2 of ${total} shown, from number 2 (use --limit or --offset)\n`);
  assert.equal(all.stderr, "");
});
