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
 * How many times the expected cost of a profile flush the loop waits before it: flushing then
 * takes at most about 1/(1 + FLUSH_SPACING) of the writer's time under heavy load.
 */
const FLUSH_SPACING = 8;
/**
 * How many times the expected cost of writing the waiting profile files the loop waits before
 * it writes them (at a flush). Far more than {@link FLUSH_SPACING}: a file costs several times
 * a persisted row (a create and a rename, ~0.25 ms on ext4), and a writer behind a flood
 * touches every active user again before the next flush, so each file written on the way is
 * written again. A flush that finds the writer caught up with the log (no append came in during
 * its catch-up) writes them whatever their number: a live monitor with few touched users
 * writes them every `flushIntervalMs` as before, and a replay at full speed writes them once
 * the log stops growing, instead of rewriting all 20,000 users' files on the way. Under a
 * sustained flood they lag at most about FILE_SPACING times their writing cost (20,000
 * files: about two minutes).
 */
const FILE_SPACING = 24;
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
 * the cost per profile the last flush measured), so that persisting rollups takes at most about
 * a ninth of the time, and the profile files wait longer still (see {@link FILE_SPACING}): a
 * burst touching 20,000 users would otherwise rewrite 20,000 files (~200 us each on ext4)
 * every few seconds. The caller holds the writer lock.
 */
export class DerivedLoop {
  #dataDir: string;
  #flushMs: number;
  #part: LoopPart;
  #writer: DerivedWriter | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #lastFlushEnd = 0;
  #lastFilesEnd = 0;
  #fileMs = FIRST_FILE_MS;
  /** A flush left profile files unwritten (the writer was behind the log). */
  #filesWaiting = false;
  #summary: DerivedSummary;
  #spacingMs: number;
  #closing = false;
  #wake: AbortController | null = null;
  #lastStart = -Infinity;
  #clock: LoopClock;

  /**
   * `spacingMs`: least time between the starts of two catch-ups. By default STEP_SPACING_MS
   * for the index in a worker, and none inline, where the monitor waits for each catch-up.
   * `clock`: what the loop reads the time from and waits on (a fake one in tests).
   */
  constructor(
    dataDir: string,
    flushIntervalMs: number,
    part: LoopPart,
    mode: "worker" | "inline",
    spacingMs: number = part.index && mode === "worker" ? STEP_SPACING_MS : 0,
    clock: LoopClock = SYSTEM_CLOCK,
  ) {
    this.#dataDir = dataDir;
    this.#flushMs = flushIntervalMs;
    this.#part = part;
    this.#spacingMs = spacingMs;
    this.#summary = emptySummary(mode);
    this.#clock = clock;
    this.#lastFlushEnd = clock.now();
    this.#lastFilesEnd = this.#lastFlushEnd;
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
      const pending = w.profiles?.pending ?? 0;
      const wait = Math.max(this.#flushMs, FLUSH_SPACING * pending * this.#fileMs);
      // Appends came in during this catch-up: the writer is behind the log.
      const behind = this.#again;
      // Files were left waiting and the flood is over: write them now, not at close.
      const caughtUp = !behind && this.#filesWaiting && now - this.#lastFlushEnd >= this.#flushMs;
      if (final || caughtUp || now - this.#lastFlushEnd >= wait) {
        const waiting = (w.profiles?.unwrittenFiles ?? 0) + pending;
        const filesWait = Math.max(this.#flushMs, FILE_SPACING * waiting * this.#fileMs);
        const files = final || !behind || now - this.#lastFilesEnd >= filesWait;
        const t0 = this.#clock.now();
        const f = w.flushProfiles(final, files);
        const written = f.users + f.channels;
        this.#summary.profilesWritten += written;
        this.#lastFlushEnd = this.#clock.now();
        if (files) this.#lastFilesEnd = this.#lastFlushEnd;
        this.#filesWaiting = !files;
        if (files && written >= 100) this.#fileMs = (this.#lastFlushEnd - t0) / written;
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
