/**
 * The derived writer's loop, run in a worker thread or inline by a monitor: catches up when
 * poked, spaces catch-ups and profile flushes under load, and finishes on close. Its clock is
 * injected, so tests drive it without waiting on wall-clock time.
 *
 * @module
 */
import { DerivedWriter } from "./derived_writer.ts";

/** What the derived writer of a run did, for the run's summary. */
export interface DerivedSummary {
  /** `worker` or `inline`: where the writers ran; `passive`: another process was the writer. */
  mode: "worker" | "inline" | "passive";
  indexed: number;
  folded: number;
  skipped: number;
  profilesWritten: number;
  /** Problems met (the log stays complete; the index or profiles may lag). */
  problems: string[];
}

/** What a writer loop maintains. */
export interface LoopPart {
  index: boolean;
  profiles: boolean;
}

/** The time a writer loop reads and waits on. */
export interface LoopClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/**
 * The real clock: `performance.now()` and timers.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { SYSTEM_CLOCK } from "./derived_loop.ts";
 * const stop = new AbortController();
 * const slept = SYSTEM_CLOCK.sleep(60_000, stop.signal);
 * stop.abort(); // cuts the wait short
 * await slept;
 * ok(SYSTEM_CLOCK.now() > 0);
 * ```
 */
export const SYSTEM_CLOCK: LoopClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    }),
};

export function emptySummary(mode: DerivedSummary["mode"]): DerivedSummary {
  return { mode, indexed: 0, folded: 0, skipped: 0, profilesWritten: 0, problems: [] };
}

/**
 * How many times the expected cost of a profile flush the loop waits before it: writing files
 * then takes at most about 1/(1 + FLUSH_SPACING) of the writer's time under heavy load.
 */
const FLUSH_SPACING = 8;
/**
 * Messages folded per second above which the writer is draining a backlog (a replay at full
 * speed, an import, a monitor started on a log its rollups lag): no live monitor's chat comes
 * near it (a few hundred a second in the busiest channels), a replay at `--speed 0` folds
 * 30,000-40,000. While a backlog drains, profile flushes wait (see DerivedLoop): each one
 * rewrites every profile touched since the last, 20,000 files at 1M generated messages, which
 * the next flush rewrites again.
 */
const BACKLOG_RATE = 10_000;
/** The span over which the fold rate is measured, in ms. */
const RATE_WINDOW_MS = 1000;
/**
 * The longest a backlog holds profile flushes back, in ms: a monitor whose chat stays above
 * BACKLOG_RATE for minutes (a fleet's hundred busiest channels) still sees its profiles, and its
 * log mark, saved at least once a minute.
 */
const BACKLOG_MAX_DEFER_MS = 60_000;
/** The first guess of the cost of writing one profile file (then learned), in ms. */
const FIRST_FILE_MS = 0.15;
/**
 * Least time between the starts of two catch-ups of the index while appends keep coming (a
 * lone append is indexed at once). Each catch-up ends in a commit that writes every page its
 * rows touched, and the (user, ts, text) index spreads even a small batch over thousands of
 * pages: back-to-back catch-ups under a live burst committed a few thousand rows at a time.
 * A search meanwhile scans the unindexed tail, at most about this long of chat.
 */
const STEP_SPACING_MS = 1000;

/**
 * A writer loop (in a worker or inline): catches up when poked, flushes profiles at most every
 * `flushIntervalMs`, and finishes on close (always with a last flush). Under heavy load the
 * interval grows with the expected cost of the next flush (the number of dirty profiles times
 * the cost per file the last flush measured), so that rewriting files takes at most about a
 * ninth of the time: a burst touching 20,000 users would otherwise rewrite 20,000 files
 * (~200 us each on ext4) every few seconds. While a backlog drains (messages folded faster
 * than BACKLOG_RATE), flushes wait for its end, for the rollup cache's bound, for close(), or
 * at most BACKLOG_MAX_DEFER_MS: a 1M replay then writes its 20,000 profile files once instead
 * of twice. The caller holds the writer lock.
 */
/** When a backlog holds profile flushes back: its least fold rate (msg/s) and longest hold (ms). */
export interface BacklogRule {
  rate: number;
  maxDeferMs: number;
}

export class DerivedLoop {
  #dataDir: string;
  #flushMs: number;
  #part: LoopPart;
  #writer: DerivedWriter | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #lastFlushEnd = 0;
  #fileMs = FIRST_FILE_MS;
  #summary: DerivedSummary;
  #spacingMs: number;
  #closing = false;
  #wake: AbortController | null = null;
  #lastStart = -Infinity;
  #clock: LoopClock;
  /** Start of the current fold-rate window, messages folded in it, and the last window's rate. */
  #windowStart = 0;
  #windowFolded = 0;
  #rate = 0;
  #backlog: BacklogRule;

  /**
   * `spacingMs`: least time between the starts of two catch-ups. By default STEP_SPACING_MS
   * for the index in a worker, and none inline, where the monitor waits for each catch-up.
   * `clock`: what the loop reads the time from and waits on (a fake one in tests).
   * `backlog`: the fold rate that means a backlog, and the longest it holds flushes back
   * (BACKLOG_RATE and BACKLOG_MAX_DEFER_MS; smaller in tests).
   */
  constructor(
    dataDir: string,
    flushIntervalMs: number,
    part: LoopPart,
    mode: "worker" | "inline",
    spacingMs: number = part.index && mode === "worker" ? STEP_SPACING_MS : 0,
    clock: LoopClock = SYSTEM_CLOCK,
    backlog: BacklogRule = { rate: BACKLOG_RATE, maxDeferMs: BACKLOG_MAX_DEFER_MS },
  ) {
    this.#backlog = backlog;
    this.#dataDir = dataDir;
    this.#flushMs = flushIntervalMs;
    this.#part = part;
    this.#spacingMs = spacingMs;
    this.#summary = emptySummary(mode);
    this.#clock = clock;
    this.#lastFlushEnd = clock.now();
    this.#windowStart = this.#lastFlushEnd;
  }

  /** True while the fold rate of the last window says a backlog is draining. */
  #draining(folded: number, now: number): boolean {
    this.#windowFolded += folded;
    const span = now - this.#windowStart;
    if (span >= RATE_WINDOW_MS) {
      this.#rate = this.#windowFolded * 1000 / span;
      this.#windowStart = now;
      this.#windowFolded = 0;
    }
    return this.#rate >= this.#backlog.rate;
  }

  async #step(final: boolean): Promise<void> {
    try {
      this.#writer ??= await DerivedWriter.open(this.#dataDir, this.#part);
      const w = this.#writer;
      const r = await w.catchUp();
      this.#summary.indexed += r.indexed;
      this.#summary.folded += r.folded;
      this.#summary.skipped += r.skipped;
      if (!this.#part.profiles) return;
      const now = this.#clock.now();
      const expected = (w.profiles?.pending ?? 0) * this.#fileMs;
      const wait = Math.max(this.#flushMs, FLUSH_SPACING * expected);
      const draining = this.#draining(r.folded, now);
      const since = now - this.#lastFlushEnd;
      const due = since >= wait &&
        (!draining || since >= this.#backlog.maxDeferMs || w.profiles?.cacheFull === true);
      if (final || due) {
        const t0 = this.#clock.now();
        const f = w.flushProfiles(final);
        const files = f.users + f.channels;
        this.#summary.profilesWritten += files;
        this.#lastFlushEnd = this.#clock.now();
        if (files >= 100) this.#fileMs = (this.#lastFlushEnd - t0) / files;
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (this.#summary.problems.length < 20) this.#summary.problems.push(msg);
    }
  }

  /** Asks for a catch-up; runs at most one at a time, coalescing requests. */
  poke(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        // Rounds start at least #spacingMs apart (see STEP_SPACING_MS); close() cuts it short.
        const wait = this.#closing ? 0 : this.#lastStart + this.#spacingMs - this.#clock.now();
        if (wait > 0) {
          this.#wake = new AbortController();
          await this.#clock.sleep(wait, this.#wake.signal);
          this.#wake = null;
        }
        this.#lastStart = this.#clock.now();
        await this.#step(false);
        // Let queued messages (more pokes, close) arrive between rounds.
        await new Promise((r) => setTimeout(r, 0));
      } while (this.#again);
      this.#running = null;
    })();
    return this.#running;
  }

  /** Final catch-up and flush; closes the database. */
  async close(): Promise<DerivedSummary> {
    this.#closing = true;
    this.#wake?.abort();
    while (this.#running) await this.#running;
    await this.#step(true);
    this.#writer?.close();
    this.#writer = null;
    return this.#summary;
  }
}
