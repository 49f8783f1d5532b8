import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { openDerived } from "../../src/store/embedded/derived.ts";
import { rebuildDerived } from "../../src/store/embedded/derived_writer.ts";
import { layout } from "../../src/store/layout.ts";
import { messageLog } from "../../src/store/log/logs.ts";
import { profileFileName, profilePath } from "../../src/store/layout.ts";
import { ChannelProfile, type Message, UserProfile } from "../../src/schemas.ts";
import { messageArb, msg, readTree, relSignal, splitAt, withIds } from "../support/messages.ts";
import { tempDir } from "../support/cli.ts";
import { IdentityDirectory, personKey } from "../../src/analysis/identity.ts";
import { facetsOf, foldUser, loginSpans, newUserState } from "../../src/analysis/rollups.ts";

/** The identity directory of a set of messages, as the store would persist it. */
function directoryOf(all: readonly Message[]): IdentityDirectory {
  const states = new Map<string, ReturnType<typeof newUserState>>();
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.message_id)) continue;
    seen.add(m.message_id);
    const k = personKey(m);
    if (!states.has(k)) states.set(k, newUserState(k));
    foldUser(states.get(k)!, m, facetsOf(m));
  }
  return new IdentityDirectory([...states.values()].flatMap(loginSpans));
}

/** Feeds batches as `chat run` does, closing and reopening the writer at `restarts`. */
async function incremental(
  dataDir: string,
  batches: Message[][],
  restarts: Set<number>,
  worker = false,
): Promise<void> {
  const log = messageLog(dataDir);
  let d = await openDerived(dataDir, { worker, flushIntervalMs: 0 });
  for (const [i, b] of batches.entries()) {
    if (restarts.has(i)) {
      const s = await d.close();
      assert.deepEqual(s.problems, []);
      d = await openDerived(dataDir, { worker, flushIntervalMs: 0 });
    }
    const r = await log.append(b);
    if (r.written.length) await d.afterFlush(r.written);
  }
  const s = await d.close();
  assert.deepEqual(s.problems, []);
}

Deno.test("profiles written incrementally are byte-identical to a rebuild, whatever the batches", async () => {
  await using dir = await tempDir();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(messageArb, { maxLength: 50 }),
      fc.array(fc.nat(50), { maxLength: 6 }),
      fc.array(fc.nat(6), { maxLength: 2 }),
      fc.boolean(),
      async (raw, cuts, restarts, duplicate) => {
        const base = join(dir.path, `r${run++}`);
        const inc = join(base, "inc");
        const fresh = join(base, "fresh");
        let all = withIds(raw);
        // Replays send repeats: the log drops them, profiles must not count them.
        if (duplicate && all.length) all = [...all, all[0]!];
        await incremental(inc, splitAt(all, cuts), new Set(restarts));
        const incFiles = await readTree(join(inc, "profiles"));
        // A rebuild in place, and one in a new data dir holding only the log.
        await rebuildDerived(inc, { index: false });
        assert.deepEqual(await readTree(join(inc, "profiles")), incFiles);
        await Deno.mkdir(join(fresh, "logs"), { recursive: true });
        if (all.length) await Deno.copyFile(layout(inc).messages, layout(fresh).messages);
        await rebuildDerived(fresh);
        assert.deepEqual(await readTree(join(fresh, "profiles")), incFiles);
        // One file per person (user id, else login) and per channel seen, each valid against
        // the schema, counting the person's messages under every login.
        const ids = directoryOf(all);
        const persons = new Set(all.map((m) => ids.personOf(m)));
        const channels = new Set(all.map((m) => m.channel));
        assert.equal(incFiles.size, persons.size + channels.size);
        const seen = new Set<string>();
        for (const [path, text] of incFiles) {
          if (!path.startsWith("users/")) continue;
          const p = UserProfile.parse(JSON.parse(text));
          const key = p.user_id !== null ? `#${p.user_id}` : p.user_name;
          seen.add(key);
          const mine = all.filter((m) => ids.personOf(m) === key);
          assert.equal(p.message_count, new Set(mine.map((m) => m.message_id)).size);
          assert.deepEqual(
            p.login_history.map((h) => h.login).sort(),
            [...new Set(mine.map((m) => m.user_name))].sort(),
          );
        }
        assert.deepEqual([...seen].sort(), [...persons].sort());
        for (const c of channels) {
          ChannelProfile.parse(JSON.parse(incFiles.get(`channels/${profileFileName(c)}`)!));
        }
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("openDerived() in worker threads writes the same profiles and index as inline", async () => {
  await using dir = await tempDir();
  const all = withIds(Array.from({ length: 300 }, (_, i) =>
    msg(
      {
        ts: new Date(Date.UTC(2025, 8, 2, 12, 0, i)).toISOString(),
        user_name: `u${i % 17}`,
        channel: i % 3 ? "devchat" : "example_channel",
        text: `speedrun number ${i} is he still dating sara`,
        signals: i % 10 === 0 ? [relSignal("sara", "still dating sara")] : undefined,
      } as Parameters<typeof msg>[0],
    )));
  const w = join(dir.path, "w");
  const i = join(dir.path, "i");
  const batches = splitAt(all, [10, 11, 100, 250]);
  await incremental(w, batches, new Set([2]), true);
  await incremental(i, batches, new Set(), false);
  assert.deepEqual(await readTree(join(w, "profiles")), await readTree(join(i, "profiles")));
  const ch = ChannelProfile.parse(
    JSON.parse(await Deno.readTextFile(profilePath(w, "channel", "example_channel"))),
  );
  assert.equal(ch.message_count, 100);
  assert.equal(ch.streamer_signals.relationship_mentions[0]?.target, "sara");
  assert.equal(ch.streamer_signals.relationship_mentions[0]?.evidence_count, 10);
});

Deno.test("rebuildDerived() removes profiles of names no longer in the log", async () => {
  await using dir = await tempDir();
  const all = withIds([
    msg({ user_name: "fan88", text: "hi" }),
    msg({ user_name: "someuser", text: "yo" }),
  ]);
  await incremental(dir.path, [all], new Set());
  assert.ok((await readTree(join(dir.path, "profiles"))).has("users/fan88.json"));
  // forget --user fan88 rewrites the log without them.
  const l = layout(dir.path);
  await Deno.writeTextFile(l.messages + ".new", JSON.stringify(all[1]) + "\n");
  await Deno.rename(l.messages + ".new", l.messages);
  await rebuildDerived(dir.path);
  const files = await readTree(join(dir.path, "profiles"));
  assert.deepEqual([...files.keys()].sort(), [
    "channels/example_channel.json",
    "users/someuser.json",
  ]);
  assert.equal(JSON.parse(files.get("channels/example_channel.json")!).unique_users, 1);
});

Deno.test("profileFileName() never leaves its folder, whatever the name", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), (name) => {
      const f = profileFileName(name);
      return !f.includes("/") && !f.includes("\\") && f !== ".json" && !f.startsWith(".") &&
        f.endsWith(".json") && !f.includes("\0");
    }),
  );
  assert.equal(profileFileName("../../etc/passwd").startsWith("~"), true);
  assert.equal(profileFileName("someuser"), "someuser.json");
  assert.notEqual(profileFileName("a/b"), profileFileName("a\\b"));
});

Deno.test("ProfileStore with a rollup cache emptied at every flush writes the same profiles", async () => {
  await using dir = await tempDir();
  const { DerivedWriter } = await import("../../src/store/embedded/derived_writer.ts");
  const all = withIds(Array.from({ length: 240 }, (_, i) =>
    msg({
      ts: new Date(Date.UTC(2025, 8, 2, 12, 0, i)).toISOString(),
      user_name: `u${i % 13}`,
      channel: i % 3 === 0 ? "c1" : "c2",
      text: `hello ${i % 7} world ${i % 5} https://example.com/${i % 4}`,
    })));
  const evicting = join(dir.path, "evicting");
  const log = messageLog(evicting);
  const w = await DerivedWriter.open(evicting, { index: false, rollupCacheBytes: 0 });
  try {
    for (const b of splitAt(all, [40, 90, 91, 170])) {
      await log.append(b);
      await w.catchUp();
      w.flushProfiles();
    }
    w.flushProfiles(true);
  } finally {
    w.close();
  }
  const fresh = join(dir.path, "fresh");
  await Deno.mkdir(join(fresh, "logs"), { recursive: true });
  await Deno.copyFile(layout(evicting).messages, layout(fresh).messages);
  await rebuildDerived(fresh, { index: false });
  const got = await readTree(join(evicting, "profiles"));
  assert.equal(got.size, 13 + 2);
  assert.deepEqual(got, await readTree(join(fresh, "profiles")));
});
