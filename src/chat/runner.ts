/**
 * The runner joins one source to the pipeline: analysis, then the Store, in batches (by count
 * and by time). It writes only through {@link StoreWriter} (the Store's appends), so it knows
 * nothing of files or databases. It enforces the duration, stops on the caller's signal, flushes everything it
 * acknowledged in every case, and reports progress. Time comes from an injected {@link Clock},
 * whose timers take any delay (a 30-day duration is not cut short by the 32-bit timer limit).
 *
 * @module
 */
import type { ChatEvent, Message } from "../schemas.ts";
import { type AnalysisContext, analyzeMessage } from "../analysis/analyze.ts";
import type { EncodedLines, MessageLines, MessageLineWriter, Store } from "../store/store.ts";
import type { ChatBatch, ChatItem, ChatSource, MessageDraft } from "./source.ts";
import { type Clock, systemClock } from "./clock.ts";
import { EventTurns } from "./event_turn.ts";

/**
 * While a write is in flight, the event loop is let turn once per this many items of a batch
 * handed over at once (see `event_turn.ts`): the write's steps then go on beside the next batch
 * instead of after it.
 */
const TURN_EVERY = 512;

/** Drafts handed to an {@link AnalysisOffload} at once. */
const OFFLOAD_CHUNK = 256;
/** Chunks handed to an {@link AnalysisOffload} and not yet back, at most. */
const OFFLOAD_AHEAD = 128;

/** Lines an {@link AnalysisOffload} encoded, and how many of its drafts it refused. */
export interface OffloadedLines extends EncodedLines {
  /** Drafts the scrub refused (opted-out users named in a way only analysis sees). */
  refused: number;
}

/**
 * Analysis, the opt-out scrub and the encoding of messages as the log's lines, done elsewhere
 * (a worker thread: `src/cli/analysis_worker_client.ts`) while this thread reads the source and
 * writes: a run that writes lines with no `afterFlush` hands it the drafts it admits, in order,
 * and takes the lines back in the same order. The offload analyses as `analysis` and
 * `scrubMessage` would here, byte for byte.
 */
export interface AnalysisOffload {
  /** Starts taking drafts: `lines` is called with each chunk's lines, in order. */
  start(lines: (chunk: OffloadedLines) => void): void;
  /** Queues a draft. */
  add(draft: MessageDraft): void;
  /** Drafts queued and not sent. */
  readonly queued: number;
  /** Sends the queued drafts as one chunk. */
  send(): void;
  /** Chunks sent whose lines have not come back. */
  readonly inFlight: number;
  /**
   * Resolves once at most `n` of the chunks sent so far are still in flight (chunks sent later
   * do not count); rejects when the offload failed.
   */
  settle(n: number): Promise<void>;
  /** Stops it (what is in flight is dropped). */
  close(): void;
}

/** Progress figures, reported at most every `progressIntervalMs`. */
export interface RunProgress {
  received: number;
  written: number;
  duplicates: number;
  rejected: number;
  /** Messages refused by `admit` (opted-out users and channels): never stored. */
  refused: number;
  events: number;
  /** Items a live source dropped because the pipeline fell behind it (never stored). */
  shed: number;
  elapsedMs: number;
  /** Messages received per channel. */
  perChannel: Record<string, number>;
}

/** The outcome of a run. */
export interface RunSummary extends RunProgress {
  eventsWritten: number;
  stoppedBy: "end" | "duration" | "signal";
  /** Repairs made to the logs (torn lines set aside). */
  repairs: string[];
}

/**
 * Where a run writes: the appends of a {@link Store} (idempotent on the ids, crash-safe; each
 * resolves once its batch is durable and returns the new records). A run with no `afterFlush`
 * writes messages through `messageLines` where the store offers it: each is encoded as it is
 * analysed, and only the bytes wait for the write.
 */
export type StoreWriter = Pick<Store, "appendMessages" | "appendEvents" | "messageLines">;

/** Options of {@link runChat}. */
export interface RunOptions {
  /** Where analysed messages and events go (a Store; the caller opens and closes it). */
  store: StoreWriter;
  analysis: AnalysisContext;
  /** Stop after this many seconds. @default no limit */
  durationSeconds?: number;
  /** Stop (and flush) when aborted, e.g. on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  /** Flush when this many messages are pending. @default 5000 */
  batchSize?: number;
  /** Flush at most this long after a message arrived. @default 200 */
  flushIntervalMs?: number;
  /** @default 250 */
  progressIntervalMs?: number;
  onProgress?: (p: RunProgress) => void;
  onProblem?: (where: string, reason: string) => void;
  /** Something went wrong that cost no record (a repaired time, shed items). */
  onWarning?: (where: string, reason: string) => void;
  onStatus?: (text: string) => void;
  /** Called after each durable write with the messages that were new (profiles, index). */
  afterFlush?: (written: Message[]) => Promise<void>;
  /**
   * Keeps or drops a message by its author and channel (opt-out), before it is analysed or
   * stored: a refused message's text goes through nothing. @default keep all
   */
  admit?: (m: { user_name: string; channel: string }) => boolean;
  /**
   * Applied to each analysed message and each event before it is stored: returns it (changed or
   * not), or null to refuse it (counted as refused). The opt-out rule uses it to scrub opted-out
   * logins from other people's records, as `forget` does. @default keep as is
   */
  scrubMessage?: (m: Message) => Message | null;
  scrubEvent?: (e: ChatEvent) => ChatEvent | null;
  /** Time and timers (duration, flush delay, progress). @default the system clock */
  clock?: Clock;
  /**
   * Where messages are analysed, scrubbed and encoded when the run writes lines (no
   * `afterFlush`, and a store with `messageLines`); the run closes it. @default here, inline
   */
  offload?: AnalysisOffload;
}

/**
 * Runs `source` to completion (or duration, or abort) through analysis into the store.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runChat } from "./runner.ts";
 * import { openStore } from "../store/store.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * const summary = await runChat(async function* () {
 *   yield {
 *     kind: "message",
 *     draft: {
 *       ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *       user_name: "ann", text: "hello", source: "fixture",
 *     },
 *   };
 * }, { store, analysis: { knownEmotes: new Set() } });
 * assert.equal(summary.written, 1);
 * await store.close();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function runChat(source: ChatSource, options: RunOptions): Promise<RunSummary> {
  const run = new Run(options);
  try {
    if (!options.afterFlush && options.store.messageLines) {
      run.writeLines(await options.store.messageLines(), options.offload);
    }
    for await (const item of source(run.stop.signal)) {
      if (item.kind === "batch") await run.acceptBatch(item);
      else await run.accept(item);
      run.report();
      if (run.stop.signal.aborted) break;
    }
  } finally {
    await run.close();
    options.offload?.close();
  }
  return run.summary();
}

/** The state of one run: counters, pending batches, timers. */
class Run {
  readonly stop = new AbortController();
  readonly #options: RunOptions;
  readonly #clock: Clock;
  readonly #started: number;
  readonly #batchSize: number;
  readonly #flushMs: number;
  readonly #progressMs: number;
  readonly #store: StoreWriter;
  readonly #p: RunSummary = {
    received: 0,
    written: 0,
    duplicates: 0,
    rejected: 0,
    refused: 0,
    events: 0,
    shed: 0,
    eventsWritten: 0,
    elapsedMs: 0,
    perChannel: {},
    stoppedBy: "end",
    repairs: [],
  };
  #stoppedBy: RunSummary["stoppedBy"] = "end";
  #pending: Message[] = [];
  /** With a line writer, messages wait as lines here instead of in #pending. */
  #lineWriter: MessageLineWriter | null = null;
  #pendingLines: MessageLines | null = null;
  /** With an offload, admitted drafts go there and come back as lines. */
  #offload: AnalysisOffload | null = null;
  /** A write the next item must wait for (lines came back while the write before was going). */
  #behind: Promise<void> | null = null;
  #pendingEvents: ChatEvent[] = [];
  #chain: Promise<void> = Promise.resolve();
  /** Writes chained and not yet settled. */
  #inFlight = 0;
  readonly #turns = new EventTurns();
  #failure: unknown = null;
  #cancelFlush: (() => void) | undefined;
  #cancelDuration: (() => void) | undefined;
  #lastProgress = 0;
  readonly #onAbort = () => this.#halt("signal");

  constructor(options: RunOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#started = this.#clock.now();
    this.#batchSize = options.batchSize ?? 5000;
    this.#flushMs = options.flushIntervalMs ?? 200;
    this.#progressMs = options.progressIntervalMs ?? 250;
    this.#store = options.store;
    if (options.signal?.aborted) this.#onAbort();
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (options.durationSeconds !== undefined) {
      this.#cancelDuration = this.#clock.after(
        options.durationSeconds * 1000,
        () => this.#halt("duration"),
      );
    }
  }

  /**
   * Messages go to `writer` as lines from now on (before the first item), analysed by
   * `offload` when one is given.
   */
  writeLines(writer: MessageLineWriter, offload?: AnalysisOffload): void {
    this.#lineWriter = writer;
    this.#pendingLines = writer.batch();
    if (offload === undefined) return;
    this.#offload = offload;
    offload.start((chunk) => this.#takeLines(chunk));
  }

  /** Lines back from the offload: pending now, written once a batch is full. */
  #takeLines(chunk: OffloadedLines): void {
    this.#p.refused += chunk.refused;
    const lines = this.#pendingLines!;
    lines.addEncoded(chunk);
    if (lines.length < this.#batchSize) {
      if (lines.length > 0) this.#scheduleFlush();
      return;
    }
    const previous = this.#chain;
    void this.#flush();
    this.#behind ??= previous;
  }

  /** Hands `draft` to the offload; returns a promise when the caller must wait. */
  #offer(off: AnalysisOffload, draft: MessageDraft): Promise<void> | undefined {
    off.add(draft);
    if (off.queued >= OFFLOAD_CHUNK) off.send();
    const behind = this.#behind;
    if (behind !== null) {
      this.#behind = null;
      return behind;
    }
    if (off.inFlight >= OFFLOAD_AHEAD) return this.#settle(OFFLOAD_AHEAD - 1);
    return this.#scheduleFlush();
  }

  /** Waits until at most `n` chunks are in flight; an offload failure fails the run. */
  #settle(n: number): Promise<void> {
    return this.#offload!.settle(n).catch((e) => {
      this.#failure ??= e;
      this.stop.abort();
    });
  }

  /** Adds `m` to the pending messages; returns how many are pending. */
  #take(m: Message): number {
    const lines = this.#pendingLines;
    if (lines === null) return this.#pending.push(m);
    lines.add(m);
    return lines.length;
  }

  #halt(why: RunSummary["stoppedBy"]): void {
    if (this.#stoppedBy === "end") this.#stoppedBy = why;
    this.stop.abort();
  }

  /**
   * Takes the items of a batch in order, waiting only where one item would, and letting the
   * event loop turn now and then while a write is in flight.
   */
  async acceptBatch(batch: ChatBatch): Promise<void> {
    const items = batch.items;
    for (let i = 0; i < items.length; i++) {
      const waiting = this.accept(items[i]!);
      if (waiting !== undefined) await waiting;
      else if (this.#inFlight > 0 && i % TURN_EVERY === TURN_EVERY - 1) await this.#turns.turn();
    }
  }

  /** Takes one item; returns a promise only when the caller must wait (the writer is behind). */
  accept(item: ChatItem): Promise<void> | undefined {
    const p = this.#p;
    const options = this.#options;
    switch (item.kind) {
      case "message": {
        p.received++;
        const ch = item.draft.channel;
        p.perChannel[ch] = (p.perChannel[ch] ?? 0) + 1;
        if (options.admit && !options.admit(item.draft)) {
          p.refused++;
          return;
        }
        if (this.#offload !== null) return this.#offer(this.#offload, item.draft);
        const analysed = analyzeMessage(item.draft, options.analysis);
        const kept = options.scrubMessage ? options.scrubMessage(analysed) : analysed;
        if (kept === null) {
          p.refused++;
          return;
        }
        if (this.#take(kept) < this.#batchSize) return this.#scheduleFlush();
        // Double buffering: the next batch fills while this one is written; wait only if the
        // write before it is still going.
        const previous = this.#chain;
        void this.#flush();
        return previous;
      }
      case "event": {
        p.events++;
        const kept = options.scrubEvent ? options.scrubEvent(item.event) : item.event;
        if (kept === null) return;
        this.#pendingEvents.push(kept);
        return this.#scheduleFlush();
      }
      case "problem":
        p.rejected++;
        options.onProblem?.(item.where, item.reason);
        return;
      case "warning":
        p.shed += item.shed ?? 0;
        options.onWarning?.(item.where, item.reason);
        return;
      case "status":
        options.onStatus?.(item.text);
        return;
    }
  }

  async #write(batch: Message[], lines: MessageLines | null, evs: ChatEvent[]): Promise<void> {
    const p = this.#p;
    if (lines !== null) {
      const r = await this.#lineWriter!.append(lines);
      p.written += r.written;
      p.duplicates += r.duplicates;
      p.repairs.push(...r.repairs);
    }
    if (batch.length) {
      const r = await this.#store.appendMessages(batch);
      p.written += r.written.length;
      p.duplicates += r.duplicates;
      p.repairs.push(...r.repairs);
      if (r.written.length && this.#options.afterFlush) await this.#options.afterFlush(r.written);
    }
    if (evs.length) {
      const r = await this.#store.appendEvents(evs);
      p.eventsWritten += r.written.length;
      p.repairs.push(...r.repairs);
    }
  }

  /** Writes what is pending; writes are serialized on one chain, in arrival order. */
  #flush(): Promise<void> {
    this.#cancelFlush?.();
    this.#cancelFlush = undefined;
    const batch = this.#pending;
    const lines = this.#pendingLines?.length ? this.#pendingLines : null;
    const evs = this.#pendingEvents;
    this.#pending = [];
    if (lines !== null) this.#pendingLines = this.#lineWriter!.batch();
    this.#pendingEvents = [];
    if (!batch.length && lines === null && !evs.length) return this.#chain;
    this.#inFlight++;
    this.#chain = this.#chain.then(() => this.#write(batch, lines, evs)).catch((e) => {
      this.#failure ??= e;
      this.stop.abort();
    }).finally(() => {
      this.#inFlight--;
    });
    return this.#chain;
  }

  #scheduleFlush(): undefined {
    this.#cancelFlush ??= this.#clock.after(this.#flushMs, () => {
      this.#cancelFlush = undefined;
      if (this.#offload === null) return void this.#flush();
      // Drafts still with the offload are written once their lines are back.
      this.#offload.send();
      void this.#settle(0).then(() => this.#flush());
    });
    return undefined;
  }

  /** Reports progress, at most every `progressIntervalMs` unless forced. */
  report(force = false): void {
    if (!this.#options.onProgress) return;
    const t = this.#clock.now();
    if (!force && t - this.#lastProgress < this.#progressMs) return;
    this.#lastProgress = t;
    this.#p.elapsedMs = t - this.#started;
    this.#options.onProgress({ ...this.#p, perChannel: { ...this.#p.perChannel } });
  }

  /** Stops the timers and writes everything pending. */
  async close(): Promise<void> {
    this.#cancelDuration?.();
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#turns.close();
    if (this.#offload !== null) {
      this.#offload.send();
      await this.#settle(0);
    }
    await this.#flush();
    this.#p.elapsedMs = this.#clock.now() - this.#started;
  }

  /** The outcome; throws the first write failure. */
  summary(): RunSummary {
    if (this.#failure) throw this.#failure;
    this.#p.stoppedBy = this.#stoppedBy;
    this.report(true);
    return this.#p;
  }
}
