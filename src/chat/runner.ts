/**
 * The runner joins one source to the pipeline: analysis, then the store, in batches (by count
 * and by time). It enforces the duration, stops on the caller's signal, flushes everything it
 * acknowledged in every case, and reports progress.
 *
 * @module
 */
import type { ChatEvent, Message } from "../schemas.ts";
import { type AnalysisContext, analyzeMessage } from "../analysis/analyze.ts";
import { eventLog, messageLog } from "../store/layout.ts";
import type { ChatSource } from "./source.ts";

/** Progress figures, reported at most every `progressIntervalMs`. */
export interface RunProgress {
  received: number;
  written: number;
  duplicates: number;
  rejected: number;
  events: number;
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

/** Options of {@link runChat}. */
export interface RunOptions {
  dataDir: string;
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
  onStatus?: (text: string) => void;
  /** Called after each durable write with the messages that were new (profiles, index). */
  afterFlush?: (written: Message[]) => Promise<void>;
  /**
   * Keeps or drops a message by its author and channel (opt-out), before it is analysed or
   * stored: a refused message's text goes through nothing. @default keep all
   */
  admit?: (m: { user_name: string; channel: string }) => boolean;
  now?: () => number;
}

/** Runs `source` to completion (or duration, or abort) through analysis into the store. */
export async function runChat(source: ChatSource, options: RunOptions): Promise<RunSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const batchSize = options.batchSize ?? 5000;
  const flushMs = options.flushIntervalMs ?? 200;
  const progressMs = options.progressIntervalMs ?? 250;
  const log = messageLog(options.dataDir);
  const events = eventLog(options.dataDir);

  const stop = new AbortController();
  let stoppedBy: RunSummary["stoppedBy"] = "end";
  const onAbort = () => {
    if (stoppedBy === "end") stoppedBy = "signal";
    stop.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let durationTimer: ReturnType<typeof setTimeout> | undefined;
  if (options.durationSeconds !== undefined) {
    durationTimer = setTimeout(() => {
      if (stoppedBy === "end") stoppedBy = "duration";
      stop.abort();
    }, options.durationSeconds * 1000);
  }

  const p: RunSummary = {
    received: 0,
    written: 0,
    duplicates: 0,
    rejected: 0,
    events: 0,
    eventsWritten: 0,
    elapsedMs: 0,
    perChannel: {},
    stoppedBy: "end",
    repairs: [],
  };
  let pending: Message[] = [];
  let pendingEvents: ChatEvent[] = [];
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  const doFlush = async (batch: Message[], evs: ChatEvent[]) => {
    if (batch.length) {
      const r = await log.append(batch);
      p.written += r.written.length;
      p.duplicates += r.duplicates;
      p.repairs.push(...r.repairs);
      if (r.written.length && options.afterFlush) await options.afterFlush(r.written);
    }
    if (evs.length) {
      const r = await events.append(evs);
      p.eventsWritten += r.written.length;
      p.repairs.push(...r.repairs);
    }
  };
  // Flushes are serialized on one chain: batches reach the log in arrival order.
  const flush = (): Promise<void> => {
    if (flushTimer !== undefined) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    const batch = pending;
    const evs = pendingEvents;
    pending = [];
    pendingEvents = [];
    if (!batch.length && !evs.length) return chain;
    chain = chain.then(() => doFlush(batch, evs)).catch((e) => {
      failure ??= e;
      stop.abort();
    });
    return chain;
  };
  const scheduleFlush = () => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      void flush();
    }, flushMs);
  };

  let lastProgress = 0;
  const report = (force = false) => {
    if (!options.onProgress) return;
    const t = now();
    if (!force && t - lastProgress < progressMs) return;
    lastProgress = t;
    p.elapsedMs = t - started;
    options.onProgress({ ...p, perChannel: { ...p.perChannel } });
  };

  const admit = options.admit;
  try {
    for await (const item of source(stop.signal)) {
      switch (item.kind) {
        case "message": {
          p.received++;
          const ch = item.draft.channel;
          p.perChannel[ch] = (p.perChannel[ch] ?? 0) + 1;
          if (admit && !admit(item.draft)) break;
          const m = analyzeMessage(item.draft, options.analysis);
          pending.push(m);
          if (pending.length >= batchSize) {
            // Double buffering: the next batch fills while this one is written; wait only if
            // the write before it is still going.
            const previous = chain;
            void flush();
            await previous;
          } else scheduleFlush();
          break;
        }
        case "event":
          p.events++;
          pendingEvents.push(item.event);
          scheduleFlush();
          break;
        case "problem":
          p.rejected++;
          options.onProblem?.(item.where, item.reason);
          break;
        case "status":
          options.onStatus?.(item.text);
          break;
      }
      report();
      if (stop.signal.aborted) break;
    }
  } finally {
    clearTimeout(durationTimer);
    options.signal?.removeEventListener("abort", onAbort);
    await flush();
    p.elapsedMs = now() - started;
  }
  if (failure) throw failure;
  p.stoppedBy = stoppedBy;
  report(true);
  return p;
}
