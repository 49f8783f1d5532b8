import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { join } from "node:path";
import {
  collect,
  readMessages,
  replayShipped,
  REPO,
  runMain,
  spawnCli,
  tempDir,
} from "../support/cli.ts";
import { generatedRows, writeFixtures } from "../support/chat_fixture.ts";
import { readPrivacy } from "../../src/privacy/optout.ts";
import { buildQuery, searchMessages } from "../../src/query/search.ts";
import { search } from "../../src/store/embedded/message_search.ts";
import { storeAt } from "../support/store.ts";

Deno.test("privacy optout add/remove/list normalizes names and says what stays on disk", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path];
  const add = await runMain([
    "privacy",
    "optout",
    "add",
    "--user",
    "@SomeUser",
    "--user",
    "fan88",
    "--channel",
    "#DevChat",
    ...d,
  ]);
  assertEquals(add.code, 0, add.stderr);
  assertEquals(add.stdout, "added user someuser\nadded user fan88\nadded channel devchat\n");
  assertMatch(
    add.stderr,
    /stays on disk until you run: twitch-osint forget --user someuser --user fan88 --channel devchat/,
  );
  assertEquals((await readPrivacy(storeAt(dir.path))).optout, {
    users: ["fan88", "someuser"],
    channels: ["devchat"],
  });
  const again = await runMain(["privacy", "optout", "add", "--user", "someuser", ...d]);
  assertEquals([again.code, again.stdout], [0, ""]);
  assertMatch(again.stderr, /user someuser was already on the list/);
  const list = await runMain(["privacy", "optout", "list", "--format", "json", ...d]);
  assertEquals(JSON.parse(list.stdout), { users: ["fan88", "someuser"], channels: ["devchat"] });
  const rm = await runMain(["privacy", "optout", "remove", "--user", "fan88", ...d]);
  assertEquals(rm.stdout, "removed user fan88\n");
  const table = await runMain(["privacy", "optout", "list", ...d]);
  assertEquals(table.stdout, "user     someuser\nchannel  devchat\n");
  for (
    const args of [["add"], ["add", "--user", "bad name"], ["list", "--format", "xml"], ["nope"], [
      "add",
      "x",
    ]]
  ) {
    const u = await runMain(["privacy", "optout", ...args, ...d]);
    assertEquals(u.code, 2, args.join(" "));
  }
  assertEquals((await runMain(["privacy", "other", ...d])).code, 2);
});

Deno.test("an opted-out user added before a run is never stored; others are", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path];
  assertEquals(
    (await runMain([
      "privacy",
      "optout",
      "add",
      "--user",
      "someuser",
      "--channel",
      "devchat",
      ...d,
    ])).code,
    0,
  );
  await replayShipped(d);
  const stored = await readMessages(dir.path);
  assert(stored.length > 100);
  assertEquals(
    stored.filter((m) => m.user_name === "someuser" || m.channel === "devchat").length,
    0,
  );
  const fixture = (await Deno.readTextFile(join(REPO, "fixtures", "chat", "example_channel.jsonl")))
    .trim().split("\n").map((l) => JSON.parse(l) as { user_name: string });
  assertEquals(
    stored.length,
    fixture.filter((m) => m.user_name.toLowerCase() !== "someuser").length,
  );
});

Deno.test("opt-out and forget agree: an opted-out login leaves other people's messages; the summary counts refused ones", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", join(dir.path, "data")];
  assertEquals((await runMain(["privacy", "optout", "add", "--user", "someuser", ...d])).code, 0);
  const run = await runMain([
    "chat",
    "run",
    "--channels",
    "example_channel",
    "--offline",
    "--speed",
    "0",
    ...d,
  ]);
  assertEquals(run.code, 0, run.stderr);
  const stored = await readMessages(join(dir.path, "data"));
  const fixture = (await Deno.readTextFile(join(REPO, "fixtures", "chat", "example_channel.jsonl")))
    .trim().split("\n").map((l) => JSON.parse(l) as { user_name: string });
  const theirs = fixture.filter((m) => m.user_name.toLowerCase() === "someuser").length;
  assert(theirs > 0);
  assertMatch(run.stderr, new RegExp(`, ${theirs} refused \\(opted out\\)`));
  // As `forget` leaves them: "@someuser" is "@[forgotten]" and no mention names them.
  const mentioning = stored.filter((m) => /@\[forgotten\]/.test(m.text as string));
  assert(mentioning.length > 0, "the fixtures mention someuser");
  for (const m of stored) {
    assert(!/\bsomeuser\b/i.test(JSON.stringify(m)), JSON.stringify(m));
    assert(!(m.mentions as string[]).includes("someuser"));
  }
});

/** Polls `check` until it holds (no fixed sleeps: the condition decides). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("an opt-out added during a run stops the user being stored from then on", async () => {
  await using dir = await tempDir();
  const dataDir = join(dir.path, "data");
  // Four minutes of chat replayed in real time, stopped by SIGINT once the test has seen the
  // opt-out take effect: the replay cannot run out first, however loaded the machine (the
  // monitor re-reads the opt-out list every 2 s).
  const rows = generatedRows({
    seed: 11,
    channels: ["c1"],
    users: 200,
    count: 6000,
    startMs: Date.parse("2025-09-02T00:00:00.000Z"),
    meanGapMs: 40,
    regulars: ["someuser"],
  });
  const fixtures = await writeFixtures(join(dir.path, "fx"), rows);
  const monitor = spawnCli([
    "chat",
    "run",
    "--channels",
    "c1",
    "--offline",
    "--speed",
    "1",
    "--flush-ms",
    "20",
    "--quiet",
    "--data-dir",
    dataDir,
    "--fixtures-dir",
    fixtures,
  ], { cwd: dir.path });
  const output = collect(monitor);
  let exited = false;
  void output.then(() => exited = true);
  const order = new Map(rows.map((r, i) => [r.message_id, i]));
  /** What is stored, and the rows replayed so far (up to the last one stored). */
  const state = async () => {
    const stored = await readMessages(dataDir, { whileWriting: true });
    const last = stored.reduce((n, m) => Math.max(n, order.get(String(m.message_id)) ?? -1), -1);
    return { stored, replayed: rows.slice(0, last + 1) };
  };
  const running = (what: string, check: () => Promise<boolean>) =>
    waitFor(what, async () => {
      if (exited) throw new Error(`the monitor exited while waiting for ${what}`);
      return await check();
    });
  try {
    await running("five of someuser's messages stored", async () => {
      const { stored } = await state();
      return stored.filter((m) => m.user_name === "someuser").length >= 5;
    });
    const add = await runMain([
      "privacy",
      "optout",
      "add",
      "--user",
      "someuser",
      "--data-dir",
      dataDir,
    ]);
    assertEquals(add.code, 0);
    // The monitor has seen the list once a message of theirs is missing before a stored one.
    await running("the monitor to refuse someuser's messages", async () => {
      const { stored, replayed } = await state();
      const ids = new Set(stored.map((m) => m.message_id));
      return replayed.some((r) => r.user_name === "someuser" && !ids.has(r.message_id));
    });
  } finally {
    if (!exited) monitor.kill("SIGINT");
  }
  const out = await output;
  assertEquals(out.code, 0, out.stderr);
  const { stored, replayed } = await state();
  const theirs = replayed.filter((r) => r.user_name === "someuser").map((r) => r.message_id);
  const kept = stored.filter((m) => m.user_name === "someuser").map((m) => m.message_id);
  // Stored until the monitor saw the list, never after: a strict, non-empty prefix of theirs.
  assert(kept.length >= 5 && kept.length < theirs.length, `${kept.length} of ${theirs.length}`);
  assertEquals(kept, theirs.slice(0, kept.length));
  // Everyone else's messages all stored, each once.
  assertEquals(
    stored.filter((m) => m.user_name !== "someuser").map((m) => m.message_id),
    replayed.filter((r) => r.user_name !== "someuser").map((r) => r.message_id),
  );
});

Deno.test("opted-out users are not served: search (library and CLI), profiles, subjects hits, subjects report", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path];
  assertEquals(
    (await runMain(["subjects", "load", "--path", join(REPO, "subjects.csv"), "--no-enrich", ...d]))
      .code,
    0,
  );
  assertEquals(
    (await runMain([
      "chat",
      "run",
      "--channels",
      "example_channel,devchat",
      "--offline",
      "--speed",
      "0",
      ...d,
    ])).code,
    0,
  );
  const q = buildQuery({ limit: 200 });
  // What the query layer serves (the opt-out list applied under the store's search).
  const served = async () => (await searchMessages(storeAt(dir.path), q)).messages;
  const before = await served();
  assert(before.some((m) => m.user_name === "someuser"));
  assertEquals((await runMain(["privacy", "optout", "add", "--user", "someuser", ...d])).code, 0);
  const after = await served();
  assertEquals(after.length, 200);
  assertEquals(after.filter((m) => m.user_name === "someuser").length, 0);
  // The same as the newest 200 of everyone else.
  const all = (await search(dir.path, { ...q, limit: 10_000 })).messages;
  assertEquals(after, all.filter((m) => m.user_name !== "someuser").slice(0, 200));

  // The search and profiles commands serve nothing of them either.
  const cli = await runMain(["search", "messages", "--limit", "200", "--format", "jsonl", ...d]);
  assertEquals(cli.code, 0, cli.stderr);
  const cliRows = cli.stdout.trim().split("\n").map((l) => JSON.parse(l) as { message_id: string });
  assertEquals(cliRows.map((m) => m.message_id), after.map((m) => m.message_id));
  const byUser = await runMain(["search", "messages", "--by", "user", "--value", "someuser", ...d]);
  assertEquals([byUser.code, JSON.parse(byUser.stdout)], [0, []]);
  const prof = await runMain(["profiles", "show", "--user", "someuser", ...d]);
  assertEquals(prof.code, 1);
  assertMatch(prof.stderr, /opt-out list/);
  const listed = await runMain(["profiles", "list", "--users", ...d]);
  assert(!listed.stdout.split("\n").includes("someuser"));
  assert(listed.stdout.split("\n").includes("mod123"));

  const hits = await runMain(["subjects", "hits", "--format", "json", "--limit", "1000", ...d]);
  const rows = JSON.parse(hits.stdout) as Array<{ user_name: string; subject_key: string }>;
  assert(rows.length > 0);
  assertEquals(rows.filter((r) => r.user_name === "someuser").length, 0);
  const rep = await runMain(["subjects", "report", "someuser", "--format", "json", ...d]);
  assertEquals(rep.code, 0, rep.stderr);
  const report = JSON.parse(await Deno.readTextFile(rep.stdout.trim()));
  assertEquals([report.opted_out, report.hits.total, report.presence.seen], [true, 0, false]);
});
