import assert from "node:assert/strict";
import { DerivedLoop, type LoopClock } from "../../src/store/embedded/derived_loop.ts";
import { tryWriterLock } from "../../src/store/embedded/writer_lock.ts";
import { layout, profileDir } from "../../src/store/layout.ts";
import { ProfileStore } from "../../src/store/embedded/profile_store.ts";
import { messageLog } from "../../src/store/log/logs.ts";
import { MessageIndex } from "../../src/store/embedded/message_index.ts";
import { msg, withIds } from "../support/messages.ts";
import { tempDir } from "../support/cli.ts";

const INDEX_ONLY = { index: true, profiles: false };

function batch(prefix: string, n: number) {
  return withIds(
    Array.from({ length: n }, (_, i) => msg({ text: `${prefix} line ${i}` })),
    prefix,
  );
}

function indexed(dataDir: string): number {
  const ix = MessageIndex.open(layout(dataDir).index, { readOnly: true });
  try {
    return ix.count();
  } finally {
    ix.close();
  }
}

/** A clock that stands still until the test moves it; records what the loop waits for. */
class FakeClock implements LoopClock {
  t = 0;
  /** Waits in progress: how long each asked for, and how to end it. */
  waits: Array<{ ms: number; end: () => void }> = [];
  /** Every wait asked for, in order. */
  asked: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.asked.push(ms);
    return new Promise((resolve) => {
      const w = {
        ms,
        end: () => {
          this.waits = this.waits.filter((x) => x !== w);
          resolve();
        },
      };
      this.waits.push(w);
      signal.addEventListener("abort", w.end, { once: true });
    });
  }
  /** Moves time on, ending the waits that are due. */
  advance(ms: number): void {
    this.t += ms;
    for (const w of [...this.waits]) if (w.ms <= ms) w.end();
  }
}

/** Resolves once `cond` holds (polled on the event loop, never on a timer window). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 1));
}

/**
 * A temp data dir whose writer lock is held, its message log, a fake clock and an inline
 * DerivedLoop over them (`part`, catch-ups spaced `spacingMs`, `backlog` its rule when given);
 * disposing releases the lock, then removes the dir.
 */
async function loopOn(
  part: { index: boolean; profiles: boolean },
  spacingMs: number,
  backlog?: { rate: number; maxDeferMs: number },
) {
  const dir = await tempDir();
  const lock = await tryWriterLock(dir.path);
  assert.ok(lock);
  const clock = new FakeClock();
  return {
    path: dir.path,
    log: messageLog(dir.path),
    clock,
    loop: new DerivedLoop(dir.path, 0, part, "inline", spacingMs, clock, backlog),
    async [Symbol.asyncDispose]() {
      lock.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("DerivedLoop spaces catch-ups while appends keep coming, but not a lone one or close()", async () => {
  // The spacing a worker uses (inline it is off, since the monitor awaits each catch-up).
  await using dir = await loopOn(INDEX_ONLY, 1000);
  const { log, clock, loop } = dir;
  // A lone append is indexed at once: no wait.
  await log.append(batch("a", 5));
  await loop.poke();
  assert.deepEqual(clock.asked, []);
  assert.equal(indexed(dir.path), 5);

  // The next round, with no time gone by, waits out the spacing first.
  await log.append(batch("b", 5));
  await log.append(batch("c", 5));
  const spaced = loop.poke();
  await until(() => clock.waits.length === 1);
  assert.deepEqual(clock.asked, [1000]);
  assert.equal(indexed(dir.path), 5, "indexed before the spacing was over");
  clock.advance(1000);
  await spaced;
  assert.equal(indexed(dir.path), 15);

  // close() cuts the spacing short and still indexes everything.
  await log.append(batch("d", 5));
  const again = loop.poke();
  await until(() => clock.waits.length === 1);
  await log.append(batch("e", 5));
  void loop.poke();
  const summary = await loop.close();
  await again;
  assert.deepEqual(clock.asked, [1000, 1000]);
  assert.deepEqual(summary.problems, []);
  assert.equal(summary.indexed, 25);
  assert.equal(indexed(dir.path), 25);
});

const PROFILES_ONLY = { index: false, profiles: true };

/** The user profile files of a data dir (none when the folder is missing). */
function userFiles(dataDir: string): string[] {
  try {
    return [...Deno.readDirSync(profileDir(dataDir, "user"))].map((e) => e.name).sort();
  } catch {
    return [];
  }
}

Deno.test("DerivedLoop defers profile flushes while a backlog drains, and flushes once it ends and on close()", async () => {
  await using dir = await loopOn(PROFILES_ONLY, 0);
  const { log, clock, loop } = dir;
  const users = (prefix: string, n: number, who: string[]) =>
    withIds(
      Array.from({ length: n }, (_, i) => msg({ text: `${prefix} ${i}`, user_name: who[i % 2]! })),
      prefix,
    );
  // 12,000 messages folded within a second: a backlog, so no profile is written yet.
  await log.append(users("a", 12_000, ["ann", "bob"]));
  clock.advance(1000);
  await loop.poke();
  assert.deepEqual(userFiles(dir.path), []);

  // The next second folds a trickle: the backlog is over, the touched profiles are written.
  await log.append(users("b", 4, ["cid", "dee"]));
  clock.advance(1000);
  await loop.poke();
  assert.deepEqual(userFiles(dir.path), ["ann.json", "bob.json", "cid.json", "dee.json"]);

  // A backlog that ends with the run is written by close().
  await log.append(users("c", 12_000, ["eve", "fay"]));
  clock.advance(1000);
  await loop.poke();
  assert.equal(userFiles(dir.path).length, 4);
  const summary = await loop.close();
  assert.deepEqual(summary.problems, []);
  assert.equal(summary.folded, 24_004);
  assert.equal(userFiles(dir.path).length, 6);
});

Deno.test("DerivedLoop holds profile flushes back for at most the backlog's longest hold", async () => {
  // A backlog is 10 msg/s or more here, held back at most 5 s.
  await using dir = await loopOn(PROFILES_ONLY, 0, { rate: 10, maxDeferMs: 5000 });
  const { log, clock, loop } = dir;
  const seen: number[] = [];
  for (let s = 0; s < 7; s++) {
    const batch = Array.from(
      { length: 40 },
      (_, i) => msg({ text: `m ${s} ${i}`, user_name: `u${s}` }),
    );
    await log.append(withIds(batch, `s${s}`));
    clock.advance(1000);
    await loop.poke();
    seen.push(userFiles(dir.path).length);
  }
  // Still draining (40 msg/s) all along: nothing for the first seconds, then the held-back
  // profiles once 5 s have passed since the loop started.
  assert.deepEqual(seen.slice(0, 4), [0, 0, 0, 0]);
  assert.ok(seen[6]! >= 5, `files after 7 s of backlog: ${seen.join(",")}`);
  await loop.close();
});

Deno.test("ProfileStore.cacheFull holds once the cached states pass the cache bound", async () => {
  await using dir = await tempDir();
  const small = ProfileStore.open(dir.path, { cacheBytes: 1 });
  try {
    assert.equal(small.cacheFull, false);
    small.fold(msg({ text: "hi" }));
    assert.equal(small.cacheFull, true);
  } finally {
    small.close();
  }
  const roomy = ProfileStore.open(dir.path);
  try {
    roomy.fold(msg({ text: "hi" }));
    assert.equal(roomy.cacheFull, false);
  } finally {
    roomy.close();
  }
});
