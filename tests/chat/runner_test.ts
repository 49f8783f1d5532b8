import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type AnalysisOffload,
  type OffloadedLines,
  runChat,
  type RunOptions,
  type RunProgress,
} from "../../src/chat/runner.ts";
import { analyzeMessage } from "../../src/analysis/analyze.ts";
import { messageLineEncoder } from "../../src/store/message_line_encoder.ts";
import { replaySource } from "../../src/chat/replay.ts";
import type { ChatItem, ChatSource, MessageDraft } from "../../src/chat/source.ts";
import type { ChatEvent, Message } from "../../src/schemas.ts";
import { Message as MessageSchema } from "../../src/schemas.ts";
import { StoreError } from "../../src/errors.ts";
import { EmbeddedStore } from "../../src/store/embedded/embedded_store.ts";
import type { AppendOutcome } from "../../src/store/store.ts";
import { readMessages, tempDir, writeFixture } from "../support/cli.ts";
import { FakeClock, flushMicrotasks } from "../support/fake_clock.ts";

/** Resolves when `cond` holds, checking between turns of the event loop (no fixed sleeps). */
async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if (await cond()) return;
    await flushMicrotasks();
  }
  throw new Error(`never saw ${what}`);
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

const T0 = Date.UTC(2025, 8, 2, 12);

function draft(i: number, channel = "c"): MessageDraft {
  return {
    ts: new Date(T0 + i * 1000).toISOString(),
    channel,
    message_id: `m${i}`,
    user_id: null,
    user_name: `user${i % 3}`,
    text: `hello @friend ${i} https://example.com/${i} Kappa`,
    source: "fixture",
  };
}

const item = (d: MessageDraft): ChatItem => ({ kind: "message", draft: d });

/** A source from a list of items, then (optionally) waiting until aborted. */
function listSource(items: ChatItem[], options: { thenWait?: boolean } = {}): ChatSource {
  return async function* (signal) {
    for (const it of items) {
      if (signal.aborted) return;
      yield it;
    }
    if (options.thenWait && !signal.aborted) {
      await new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => resolve(), { once: true })
      );
    }
  };
}

/** Options writing through the embedded Store of `dataDir` (it holds nothing to close). */
const base = (dataDir: string, extra: Partial<RunOptions> = {}): RunOptions => ({
  store: new EmbeddedStore(dataDir),
  analysis: { knownEmotes: new Set(["Kappa"]) },
  ...extra,
});

Deno.test("runChat() analyzes and stores every message, then reports duplicates on a rerun", async () => {
  await using dir = await tempDir();
  const items = Array.from({ length: 25 }, (_, i) => item(draft(i, i % 2 ? "a" : "b")));
  const first = await runChat(listSource(items), base(dir.path));
  assert.equal(first.received, 25);
  assert.equal(first.written, 25);
  assert.equal(first.duplicates, 0);
  assert.equal(first.stoppedBy, "end");
  assert.deepEqual(first.perChannel, { a: 12, b: 13 });
  const stored = await readMessages(dir.path);
  assert.equal(stored.length, 25);
  for (const m of stored) assert.ok(MessageSchema.safeParse(m).success, JSON.stringify(m));
  assert.deepEqual(stored[0]!.mentions, ["friend"]);
  assert.deepEqual(stored[0]!.urls, ["https://example.com/0"]);
  assert.deepEqual(stored[0]!.emotes, ["Kappa"]);

  const second = await runChat(listSource(items), base(dir.path));
  assert.equal(second.written, 0);
  assert.equal(second.duplicates, 25);
  assert.equal((await readMessages(dir.path)).length, 25);
});

Deno.test("runChat() writes in batches of at most batchSize, in arrival order", async () => {
  await using dir = await tempDir();
  const batches: string[][] = [];
  const items = Array.from({ length: 7 }, (_, i) => item(draft(i)));
  await runChat(
    listSource(items),
    base(dir.path, {
      batchSize: 3,
      flushIntervalMs: 60_000,
      afterFlush: (written: Message[]) => {
        batches.push(written.map((m) => m.message_id));
        return Promise.resolve();
      },
    }),
  );
  assert.deepEqual(batches, [["m0", "m1", "m2"], ["m3", "m4", "m5"], ["m6"]]);
});

Deno.test("runChat() flushes pending messages after flushIntervalMs while the source is idle", async () => {
  await using dir = await tempDir();
  const clock = new FakeClock();
  let onDisk = -1;
  const source: ChatSource = async function* () {
    yield item(draft(0));
    yield item(draft(1));
    // The source goes quiet; the two messages must reach the disk without waiting for more.
    await clock.waitForTimer((ms) => ms === 30);
    onDisk = (await readMessages(dir.path)).length;
    await clock.advance(30);
    await until("the flush", async () => (await readMessages(dir.path)).length === 2);
  };
  await runChat(source, base(dir.path, { batchSize: 1000, flushIntervalMs: 30, clock }));
  assert.equal(onDisk, 0, "nothing written before the flush interval");
  assert.equal((await readMessages(dir.path)).length, 2);
});

Deno.test("runChat() stops at durationSeconds on its clock and flushes what it received", async () => {
  await using dir = await tempDir();
  const clock = new FakeClock();
  let stoppedEarly = false;
  const source: ChatSource = async function* (signal) {
    for (let i = 0; i < 3; i++) yield item(draft(i));
    await clock.waitForTimer((ms) => ms === 10_000);
    await clock.advance(9_999);
    stoppedEarly = signal.aborted;
    await clock.advance(1);
    await aborted(signal);
  };
  const s = await runChat(
    source,
    base(dir.path, { durationSeconds: 10, batchSize: 1000, flushIntervalMs: 60_000, clock }),
  );
  assert.equal(stoppedEarly, false, "not stopped before the duration");
  assert.equal(s.stoppedBy, "duration");
  assert.equal(s.received, 3);
  assert.equal(s.written, 3);
  assert.equal((await readMessages(dir.path)).length, 3);
});

Deno.test("runChat() with a duration past the 32-bit timer limit does not stop at once", async () => {
  await using dir = await tempDir();
  // 2,147,484 s is the first whole second past setTimeout's limit of 2^31 - 1 ms: a plain timer
  // fires at once. The real clock is used here, on purpose.
  const source: ChatSource = async function* () {
    yield item(draft(0));
    await until("the first flush", async () => (await readMessages(dir.path)).length === 1);
    yield item(draft(1));
  };
  const s = await runChat(
    source,
    base(dir.path, { durationSeconds: 2_147_484, batchSize: 1000, flushIntervalMs: 1 }),
  );
  assert.equal(s.stoppedBy, "end");
  assert.equal(s.received, 2);
  assert.equal((await readMessages(dir.path)).length, 2);
});

Deno.test("runChat() on abort (SIGINT) flushes everything received and says so", async () => {
  await using dir = await tempDir();
  const controller = new AbortController();
  const items = Array.from({ length: 500 }, (_, i) => item(draft(i)));
  const source: ChatSource = async function* (signal) {
    yield* listSource(items)(signal);
    controller.abort(); // the user presses Ctrl-C while nothing has been written yet
    await aborted(signal);
  };
  const s = await runChat(
    source,
    base(dir.path, {
      signal: controller.signal,
      batchSize: 10_000,
      flushIntervalMs: 60_000,
    }),
  );
  assert.equal(s.stoppedBy, "signal");
  assert.equal(s.written, 500);
  assert.equal((await readMessages(dir.path)).length, 500);
});

Deno.test("runChat() with an already aborted signal stores nothing and returns", async () => {
  await using dir = await tempDir();
  const controller = new AbortController();
  controller.abort();
  const s = await runChat(
    listSource([item(draft(0))], { thenWait: true }),
    base(dir.path, { signal: controller.signal }),
  );
  assert.equal(s.stoppedBy, "signal");
  assert.equal(s.received, 0);
  assert.deepEqual(await readMessages(dir.path), []);
});

Deno.test("runChat() counts problems, passes status, stores events and drops what admit refuses", async () => {
  await using dir = await tempDir();
  const problems: string[] = [];
  const statuses: string[] = [];
  const event: ChatEvent = {
    kind: "clearchat",
    ts: "2025-09-02T12:00:00.000Z",
    channel: "c",
    event_id: "e1",
    user_name: "user1",
    user_id: null,
    duration_seconds: 600,
    source: "fixture",
  };
  const s = await runChat(
    listSource([
      { kind: "status", text: "connected" },
      item(draft(0)),
      { kind: "problem", where: "f.jsonl:2", reason: "bad JSON" },
      item(draft(1)),
      { kind: "event", event },
      item(draft(2)),
      { kind: "warning", where: "live", reason: "3 item(s) shed", shed: 3 },
    ]),
    base(dir.path, {
      onWarning: (where, reason) => problems.push(`warning ${where}: ${reason}`),
      onProblem: (where, reason) => problems.push(`${where}: ${reason}`),
      onStatus: (t) => statuses.push(t),
      admit: (m) => m.user_name !== "user1",
    }),
  );
  assert.deepEqual(problems, ["f.jsonl:2: bad JSON", "warning live: 3 item(s) shed"]);
  assert.equal(s.shed, 3, "shed items are counted in the summary");
  assert.deepEqual(statuses, ["connected"]);
  assert.equal(s.rejected, 1);
  assert.equal(s.received, 3);
  assert.equal(s.written, 2);
  assert.equal(s.events, 1);
  assert.equal(s.eventsWritten, 1);
  assert.deepEqual((await readMessages(dir.path)).map((m) => m.message_id), ["m0", "m2"]);
  const events = (await Deno.readTextFile(join(dir.path, "logs", "events.jsonl"))).trim().split(
    "\n",
  );
  assert.deepEqual(events.map((l) => JSON.parse(l)), [event]);
});

Deno.test("runChat() reports progress with per-channel counts and a final report", async () => {
  await using dir = await tempDir();
  const reports: RunProgress[] = [];
  const clock = new FakeClock();
  const source: ChatSource = async function* () {
    for (let i = 0; i < 5; i++) {
      await clock.advance(10);
      yield item(draft(i, i < 3 ? "a" : "b"));
    }
  };
  await runChat(
    source,
    base(dir.path, { progressIntervalMs: 0, clock, onProgress: (p) => reports.push(p) }),
  );
  assert.ok(reports.length >= 5);
  const last = reports.at(-1)!;
  assert.deepEqual(last.perChannel, { a: 3, b: 2 });
  assert.equal(last.received, 5);
  assert.equal(last.written, 5);
  assert.ok(last.elapsedMs > 0);
  // Earlier reports are snapshots, not the live object.
  assert.equal(reports[0]!.received, 1);
});

Deno.test("runChat() throws StoreError when the data dir cannot be written", async () => {
  await using dir = await tempDir();
  const blocker = join(dir.path, "not_a_dir");
  await Deno.writeTextFile(blocker, "");
  await assert.rejects(runChat(listSource([item(draft(0))]), base(blocker)), StoreError);
});

Deno.test("runChat() over a replay: same fixture twice stores nothing new", async () => {
  await using dir = await tempDir();
  const fixtures = join(dir.path, "fx");
  await writeFixture(
    fixtures,
    "c",
    Array.from({ length: 50 }, (_, i) => ({
      ts: new Date(T0 + i * 100).toISOString(),
      channel: "c",
      user_name: `u${i % 4}`,
      text: i % 10 ? `line ${i}` : "same text",
    })),
  );
  const data = join(dir.path, "data");
  const run = () =>
    runChat(
      replaySource({ channels: ["c"], fixturesDir: fixtures, speed: 0 }),
      base(data, { batchSize: 7 }),
    );
  const a = await run();
  const b = await run();
  assert.equal(a.written, 50);
  assert.equal(b.written, 0);
  assert.equal(b.duplicates, 50);
  const ids = (await readMessages(data)).map((m) => m.message_id);
  assert.equal(new Set(ids).size, 50);
});

Deno.test("runChat() writes only through the store it is given, and hands afterFlush what was new", async () => {
  const seen = new Set<string>();
  const batches: string[][] = [];
  const eventBatches: number[] = [];
  const fresh = <T>(records: readonly T[], id: (r: T) => string): AppendOutcome<T> => {
    const written = records.filter((r) => !seen.has(id(r)) && seen.add(id(r)));
    return { written, duplicates: records.length - written.length, repairs: [] };
  };
  const store = {
    appendMessages(ms: readonly Message[]) {
      batches.push(ms.map((m) => m.message_id));
      return Promise.resolve(fresh(ms, (m) => m.message_id));
    },
    appendEvents(evs: readonly ChatEvent[]) {
      eventBatches.push(evs.length);
      return Promise.resolve({ ...fresh(evs, (e) => e.event_id), repairs: ["set aside"] });
    },
  };
  const after: string[] = [];
  const ev: ChatEvent = {
    kind: "clearchat",
    ts: new Date(T0).toISOString(),
    channel: "c",
    event_id: "e1",
    user_name: "user1",
    user_id: null,
    duration_seconds: null,
    source: "fixture",
  };
  const s = await runChat(
    listSource([item(draft(0)), item(draft(1)), item(draft(0)), item(draft(2)), {
      kind: "event",
      event: ev,
    }]),
    {
      store,
      analysis: { knownEmotes: new Set() },
      batchSize: 2,
      afterFlush: (w) => {
        after.push(...w.map((m) => m.message_id));
        return Promise.resolve();
      },
    },
  );
  assert.deepEqual(batches, [["m0", "m1"], ["m0", "m2"]]);
  assert.deepEqual(eventBatches, [1]);
  assert.deepEqual(after, ["m0", "m1", "m2"]);
  assert.equal(s.written, 3);
  assert.equal(s.duplicates, 1);
  assert.equal(s.eventsWritten, 1);
  assert.deepEqual(s.repairs, ["set aside"]);
});

Deno.test("runChat() stops at the store's first failure and throws it", async () => {
  let calls = 0;
  const store = {
    appendMessages(): Promise<AppendOutcome<Message>> {
      calls++;
      return Promise.reject(new StoreError("disk full"));
    },
    appendEvents(): Promise<AppendOutcome<ChatEvent>> {
      return Promise.reject(new StoreError("disk full"));
    },
  };
  const items = Array.from({ length: 10 }, (_, i) => item(draft(i)));
  await assert.rejects(
    runChat(listSource(items), { store, analysis: { knownEmotes: new Set() }, batchSize: 1 }),
    /disk full/,
  );
  assert.ok(calls >= 1 && calls < 10, `${calls} appends after the first failure`);
});

Deno.test("runChat() lets a write go on while a busy source hands over the next batch", async () => {
  // The source never awaits anything real, so the event loop turns only where the runner lets
  // it. Each append waits for one message through a channel (a step that needs a turn). With
  // turns while a write is in flight, the first write ends while the third hand-over is taken;
  // without them, only when the second batch is full and the runner waits for it.
  const events: string[] = [];
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port2.onmessage = () => waiting.shift()?.();
  let writes = 0;
  const store = {
    appendMessages: async (batch: readonly Message[]): Promise<AppendOutcome<Message>> => {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        channel.port1.postMessage(null);
      });
      events.push(`written ${++writes}`);
      return { written: [...batch], duplicates: 0, repairs: [] };
    },
    appendEvents: (): Promise<AppendOutcome<ChatEvent>> =>
      Promise.resolve({ written: [], duplicates: 0, repairs: [] }),
  };
  const source: ChatSource = async function* () {
    for (let b = 0; b < 6; b++) {
      events.push(`hand-over ${b + 1}`);
      yield {
        kind: "batch",
        items: Array.from({ length: 1024 }, (_, i) => item(draft(b * 1024 + i))),
      };
    }
  };
  try {
    const summary = await runChat(source, {
      store,
      analysis: { knownEmotes: new Set() },
      batchSize: 2048,
    });
    assert.equal(summary.written, 6 * 1024);
  } finally {
    channel.port1.close();
    channel.port2.close();
  }
  // The first batch (items 1-2048) is written before the fourth hand-over is asked for.
  assert.ok(
    events.indexOf("written 1") < events.indexOf("hand-over 4"),
    events.join(", "),
  );
});

Deno.test("runChat() without afterFlush writes through the store's message lines: the log of a run through its message objects, batch for batch", async () => {
  await using dir = await tempDir();
  const items = [0, 1, 2, 1, 3, 4, 0, 5, 6].map((i) => item(draft(i, i % 2 ? "a" : "b")));
  const lineStore = new EmbeddedStore(join(dir.path, "lines"));
  const objectStore = new EmbeddedStore(join(dir.path, "objects"));
  let lineBatches = 0;
  const lines: RunOptions["store"] = {
    appendMessages: () => Promise.reject(new Error("messages go as lines")),
    appendEvents: (evs) => lineStore.appendEvents(evs),
    messageLines: async () => {
      const writer = await lineStore.messageLines();
      return {
        batch: () => writer.batch(),
        append: (b) => {
          lineBatches++;
          return writer.append(b);
        },
      };
    },
  };
  const objects: RunOptions["store"] = {
    appendMessages: (ms) => objectStore.appendMessages(ms),
    appendEvents: (evs) => objectStore.appendEvents(evs),
  };
  const options = { analysis: { knownEmotes: new Set(["Kappa"]) }, batchSize: 4 };
  const byLines = await runChat(listSource(items), { ...options, store: lines });
  const byObjects = await runChat(listSource(items), { ...options, store: objects });
  assert.equal(lineBatches, 3);
  assert.equal(byLines.written, 7);
  assert.equal(byLines.duplicates, 2);
  assert.deepEqual({ ...byLines, elapsedMs: 0 }, { ...byObjects, elapsedMs: 0 });
  const log = (d: string) => Deno.readFile(join(dir.path, d, "logs", "messages.jsonl"));
  assert.deepEqual(await log("lines"), await log("objects"));
  const again = await runChat(listSource(items), { ...options, store: lines });
  assert.equal(again.written, 0);
  assert.equal(again.duplicates, 9);
});

/**
 * An {@link AnalysisOffload} in this thread: the chunk's lines come back on a later turn of the
 * event loop, in order, as a worker thread's would; `refuse` names drafts its scrub refuses.
 */
class LateOffload implements AnalysisOffload {
  #queued: MessageDraft[] = [];
  #sent = 0;
  #received = 0;
  #lines: ((chunk: OffloadedLines) => void) | null = null;
  #waiters: Array<{ until: number; resolve: () => void; reject: (e: Error) => void }> = [];
  chunks = 0;
  closed = false;
  failed: Error | null = null;
  constructor(readonly refuse: (d: MessageDraft) => boolean, readonly failAt = -1) {}
  start(lines: (chunk: OffloadedLines) => void): void {
    this.#lines = lines;
  }
  add(draft: MessageDraft): void {
    this.#queued.push(draft);
  }
  get queued(): number {
    return this.#queued.length;
  }
  get inFlight(): number {
    return this.#sent - this.#received;
  }
  send(): void {
    if (this.#queued.length === 0) return;
    const drafts = this.#queued;
    this.#queued = [];
    const n = this.#sent++;
    setTimeout(() => {
      if (this.failed) return;
      if (n === this.failAt) {
        this.failed = new Error("the analysis thread failed");
        for (const w of this.#waiters.splice(0)) w.reject(this.failed);
        return;
      }
      const encoder = messageLineEncoder();
      let refused = 0;
      for (const d of drafts) {
        if (this.refuse(d)) refused++;
        else encoder.add(analyzeMessage(d, { knownEmotes: new Set(["Kappa"]) }));
      }
      this.chunks++;
      this.#received++;
      this.#lines!({ ...encoder.take(), refused });
      this.#waiters = this.#waiters.filter((w) => {
        if (this.#received < w.until) return true;
        w.resolve();
        return false;
      });
    }, 0);
  }
  settle(n: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const until = this.#sent - n;
    if (this.#received >= until) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ until, resolve, reject }));
  }
  close(): void {
    this.closed = true;
  }
}

Deno.test("runChat() with an offload writes the log and summary of a run that analyses inline", async () => {
  await using dir = await tempDir();
  // Enough messages for several chunks of the offload, with repeats within and across batches.
  const n = 5000;
  const items: ChatItem[] = [];
  for (let i = 0; i < n; i++) items.push(item(draft(i % 3000 === 7 ? 3 : i % 4100, `c${i % 3}`)));
  items.splice(100, 0, { kind: "problem", where: "x:1", reason: "bad" });
  const refuse = (d: MessageDraft) => d.message_id.endsWith("99");
  const offload = new LateOffload(refuse);
  const options = {
    batchSize: 700,
    // The inline run refuses the same drafts in its scrub, as the offload's does.
    scrubMessage: (m: Message) => refuse({ ...m, emotes: [] }) ? null : m,
  };
  const stores = ["off", "inline"].map((d) => new EmbeddedStore(join(dir.path, d)));
  const off = await runChat(
    listSource(items),
    base("", { ...options, store: stores[0]!, offload }),
  );
  const inline = await runChat(listSource(items), base("", { ...options, store: stores[1]! }));
  assert.ok(offload.chunks > 1);
  assert.ok(offload.closed);
  assert.ok(off.refused > 0 && off.duplicates > 0);
  assert.deepEqual({ ...off, elapsedMs: 0 }, { ...inline, elapsedMs: 0 });
  const log = (d: string) => Deno.readFile(join(dir.path, d, "logs", "messages.jsonl"));
  assert.deepEqual(await log("off"), await log("inline"));
  // Importing again stores nothing.
  const again = await runChat(listSource(items), {
    ...base("", { ...options, store: stores[0]! }),
    offload: new LateOffload(refuse),
  });
  assert.equal(again.written, 0);
  assert.equal(again.duplicates, off.written + off.duplicates);
});

Deno.test("runChat() fails with the offload's failure, after writing what came back before it", async () => {
  await using dir = await tempDir();
  const items: ChatItem[] = [];
  for (let i = 0; i < 9000; i++) items.push(item(draft(i)));
  const offload = new LateOffload(() => false, 2);
  await assert.rejects(
    runChat(listSource(items), base(dir.path, { batchSize: 1000, offload })),
    /the analysis thread failed/,
  );
  assert.ok(offload.closed);
  const stored = await readMessages(dir.path);
  assert.ok(stored.length <= 2 * 2048);
  assert.deepEqual(stored.map((m) => m.message_id), stored.map((_, i) => `m${i}`));
});

Deno.test("runChat() stores a message the signal detector throws on, without signals, and tallies it", async () => {
  await using dir = await tempDir();
  const signalFailures = { count: 0, first: null as string | null };
  const detectSignals = (text: string) => {
    if (text.includes(" 1 ")) throw new TypeError("boom");
    return [{
      kind: "relationship" as const,
      type: "claim" as const,
      target: null,
      snippet: "hello",
      confidence: 0.5,
      rule: "test",
    }];
  };
  const items = [0, 1, 2].map((i) => item(draft(i)));
  const summary = await runChat(
    listSource(items),
    base(dir.path, {
      analysis: { knownEmotes: new Set(["Kappa"]), detectSignals, signalFailures },
    }),
  );
  assert.equal(summary.written, 3);
  const stored = await readMessages(dir.path);
  assert.deepEqual(stored.map((m) => (m as Message).signals?.length ?? 0), [1, 0, 1]);
  assert.deepEqual(signalFailures, { count: 1, first: "TypeError: boom" });
  // Without a tally the library keeps throwing: the failure is the caller's to see.
  assert.throws(
    () => analyzeMessage(draft(1), { knownEmotes: new Set(), detectSignals }),
    /boom/,
  );
});
