import assert from "node:assert/strict";
import { join } from "node:path";
import { replayShipped, runMain, tempDir } from "../support/cli.ts";
import { ChannelProfile, UserProfile } from "../../src/schemas.ts";
import { readTree } from "../support/messages.ts";
import { tryWriterLock } from "../../src/store/embedded/writer_lock.ts";

const replay = (dataDir: string) => replayShipped(["--quiet", "--data-dir", dataDir]);

Deno.test("profiles show prints the profiles chat run wrote, with the relationship facts", async () => {
  await using dir = await tempDir();
  await replay(dir.path);
  const u = await runMain(["profiles", "show", "--user", "@SomeUser", "--data-dir", dir.path]);
  assert.equal(u.code, 0, u.stderr);
  const user = UserProfile.parse(JSON.parse(u.stdout));
  assert.equal(user.user_name, "someuser");
  assert.ok(user.channels_participated.includes("example_channel"));
  assert.equal(user.facts.asked_about_streamer_relationship, true);
  assert.ok(user.facts.suspected_relationship_targets.includes("sara"));
  assert.ok(user.facts.evidence.some((e) => /dating sara/.test(e.snippet)));

  const c = await runMain([
    "profiles",
    "show",
    "--channel",
    "example_channel",
    "--data-dir",
    dir.path,
  ]);
  assert.equal(c.code, 0, c.stderr);
  const ch = ChannelProfile.parse(JSON.parse(c.stdout));
  assert.equal(ch.message_count, 408);
  assert.ok(ch.top_users.includes("someuser"));
  const sara = ch.streamer_signals.relationship_mentions.find((m) => m.target === "sara");
  assert.ok(sara && sara.evidence_count >= 1 && sara.examples.length >= 1);
});

Deno.test("profiles rebuild rewrites byte-identical files; list lists them", async () => {
  await using dir = await tempDir();
  await replay(dir.path);
  const before = await readTree(join(dir.path, "profiles"));
  const r = await runMain(["profiles", "rebuild", "--data-dir", dir.path]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /profiles: rebuilt from 708 messages/);
  assert.deepEqual(await readTree(join(dir.path, "profiles")), before);
  const l = await runMain(["profiles", "list", "--channels", "--data-dir", dir.path]);
  assert.equal(l.stdout, "devchat\nexample_channel\n");
  const all = await runMain(["profiles", "list", "--data-dir", dir.path]);
  assert.ok(all.stdout.startsWith("channel devchat\nchannel example_channel\nuser "));
  assert.equal(all.stdout.trimEnd().split("\n").length, before.size);
});

Deno.test("profiles show builds profiles from a log that has none yet", async () => {
  await using dir = await tempDir();
  await replay(dir.path);
  await Deno.remove(join(dir.path, "profiles"), { recursive: true });
  await Deno.remove(join(dir.path, "index.sqlite"));
  const u = await runMain(["profiles", "show", "--user", "fan88", "--data-dir", dir.path]);
  assert.equal(u.code, 0, u.stderr);
  assert.equal(UserProfile.parse(JSON.parse(u.stdout)).user_name, "fan88");
});

Deno.test("profiles: unknown names fail with exit 1, bad flags with exit 2", async () => {
  await using dir = await tempDir();
  await replay(dir.path);
  const missing = await runMain([
    "profiles",
    "show",
    "--user",
    "nobody_here",
    "--data-dir",
    dir.path,
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no profile for user "nobody_here"/);
  for (
    const args of [
      ["show"],
      ["show", "--user", "a", "--channel", "b"],
      ["show", "--user", "../etc"],
      ["list", "--users", "--channels"],
      ["frobnicate"],
    ]
  ) {
    const r = await runMain(["profiles", ...args, "--data-dir", dir.path]);
    assert.equal(r.code, 2, args.join(" "));
  }
});

Deno.test("index status and rebuild report the index against the log", async () => {
  await using dir = await tempDir();
  await replay(dir.path);
  const s = await runMain(["index", "status", "--data-dir", dir.path]);
  assert.equal(s.code, 0, s.stderr);
  const st = JSON.parse(s.stdout);
  assert.equal(st.state, "current");
  assert.equal(st.indexed_messages, 708);
  assert.equal(st.profiles_state, "current");
  assert.equal(st.profiles_bytes, st.log_bytes);
  // More log than the rollups have folded: behind; a rewritten log: stale.
  const log = join(dir.path, "logs", "messages.jsonl");
  const text = await Deno.readTextFile(log);
  const first = text.slice(0, text.indexOf("\n") + 1);
  await Deno.writeTextFile(log, first.replace(/"message_id":"[^"]*"/, '"message_id":"extra-1"'), {
    append: true,
  });
  const behind = JSON.parse((await runMain(["index", "status", "--data-dir", dir.path])).stdout);
  assert.equal(behind.profiles_state, "behind");
  assert.equal(behind.state, "behind");
  await Deno.writeTextFile(log, text.slice(first.length));
  const stale = JSON.parse((await runMain(["index", "status", "--data-dir", dir.path])).stdout);
  assert.equal(stale.profiles_state, "stale");
  assert.equal(stale.state, "stale");
  await Deno.writeTextFile(log, text);
  await Deno.remove(join(dir.path, "index.sqlite"));
  assert.equal(
    JSON.parse((await runMain(["index", "status", "--data-dir", dir.path])).stdout).state,
    "missing",
  );
  const r = await runMain(["index", "rebuild", "--data-dir", dir.path]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /index: 708 messages indexed/);
  assert.equal(
    JSON.parse((await runMain(["index", "status", "--data-dir", dir.path])).stdout).state,
    "current",
  );
});

Deno.test("a deleted profiles.sqlite is rebuilt from the log: same files, stale ones removed", async () => {
  await using dir = await tempDir();
  await replay(dir.path);
  const before = await readTree(join(dir.path, "profiles"));
  for (const suffix of ["", "-wal", "-shm"]) {
    await Deno.remove(join(dir.path, `profiles.sqlite${suffix}`)).catch(() => {});
  }
  // A file of a user the log does not have (left from an earlier log, say).
  await Deno.writeTextFile(join(dir.path, "profiles", "users", "ghost_user.json"), "{}\n");
  const l = await runMain(["profiles", "list", "--users", "--data-dir", dir.path]);
  assert.equal(l.code, 0, l.stderr);
  assert.ok(!l.stdout.split("\n").includes("ghost_user"), l.stdout);
  assert.deepEqual(await readTree(join(dir.path, "profiles")), before);
});

Deno.test("index status says when a writer is busy, and only looks (a missing data dir stays missing)", async () => {
  await using dir = await tempDir();
  await replay(dir.path);
  const lock = await tryWriterLock(dir.path);
  assert.ok(lock);
  try {
    const busy = await runMain(["index", "status", "--data-dir", dir.path]);
    assert.equal(JSON.parse(busy.stdout).writer, "busy");
  } finally {
    lock.close();
  }
  const free = await runMain(["index", "status", "--data-dir", dir.path]);
  assert.equal(JSON.parse(free.stdout).writer, "free");
  const missing = join(dir.path, "nothing-here");
  const none = await runMain(["index", "status", "--data-dir", missing]);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(JSON.parse(none.stdout).state, "no-log");
  await assert.rejects(() => Deno.stat(missing), Deno.errors.NotFound);
});
