/**
 * The one write path of derived data: it reads `messages.jsonl` from where each consumer left
 * off (the index, the rollups) and brings them up to date, rebuilding a consumer whose part of
 * the log no longer holds (the log was replaced or rewritten). Lines are always read from the
 * log itself, never trusted from the caller, so the result is the same whoever appended them
 * (this monitor, another one, an import) and however the appends were batched.
 *
 * Only one process writes at a time: the writer holds an exclusive lock on
 * `index.sqlite.lock` (`tryLock`, never waiting). Readers (search) never take it to read.
 *
 * `chat run` uses {@link openDerived}: by default the writer runs in a worker thread, so that
 * indexing and rollups overlap with the monitor's own work instead of adding to it.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import { ConflictError, StoreError, wrapError } from "../errors.ts";
import { layout } from "./layout.ts";
import { openLineBatches } from "../line_reader.ts";
import { EMPTY_MARK, markHolds, markOf } from "./log_mark.ts";
import { type IndexRow, indexRowOf, MessageIndex } from "./message_index.ts";
import { parseLogRecord } from "./log_record.ts";
import { type FlushResult, ProfileStore } from "./profile_store.ts";
import { removeDatabase } from "./sqlite.ts";

/** Takes the writer lock of a data dir, or returns null when another writer holds it. */
export async function tryWriterLock(dataDir: string): Promise<Deno.FsFile | null> {
  const path = `${layout(dataDir).index}.lock`;
  await Deno.mkdir(dataDir, { recursive: true });
  const f = await Deno.open(path, { read: true, write: true, create: true });
  try {
    if (await f.tryLock(true)) return f;
  } catch (e) {
    f.close();
    throw new StoreError(`cannot lock ${path}: ${(e as Error).message}`, { cause: e });
  }
  f.close();
  return null;
}

/**
 * True while another process holds the writer lock (a monitor, a rebuild). Only looks: never
 * creates the data dir or the lock file.
 */
export async function writerBusy(dataDir: string): Promise<boolean> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(`${layout(dataDir).index}.lock`, { read: true, write: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw wrapError(e, `open ${layout(dataDir).index}.lock`);
  }
  try {
    return !(await f.tryLock(true));
  } finally {
    f.close();
  }
}

/** What a catch-up did. */
export interface CatchUpResult {
  /** Lines read from the log. */
  lines: number;
  /** Messages added to the index. */
  indexed: number;
  /** Messages folded into rollups. */
  folded: number;
  /** Lines that are not message records (skipped, as search skips them). */
  skipped: number;
  /** True when a consumer was rebuilt from the start because the log had changed. */
  rebuilt: boolean;
  /** Bytes of the log now covered by the index. */
  offset: number;
}

/** Options of {@link DerivedWriter.open}. */
export interface DerivedWriterOptions {
  /** Maintain the search index. @default true */
  index?: boolean;
  /** Maintain rollups and profile files. @default true */
  profiles?: boolean;
}

/**
 * Lines per index transaction during a catch-up. Large: each commit writes every page the
 * batch dirtied, and the (user, ts, text) index spreads a batch over thousands of pages, so
 * bigger batches write each page fewer times (32768 -> 131072 lines: commits ~60% cheaper over
 * 1M rows). A search meanwhile reads the indexed prefix and scans the rest of the log, at most
 * one batch (~25 MB). No other writer waits for these commits: the rollups have their own file.
 */
const CHUNK_LINES = 131072;

/**
 * Rows indexed by one explicit catch-up or rebuild above which it merges the full-text index
 * (see {@link MessageIndex.optimize}): about 1 s per million rows, paid by a command that is
 * not a running monitor, so ingest does not wait for it.
 */
const OPTIMIZE_ROWS = 50_000;

/** The writer of the index and the rollups of one data dir. Hold the writer lock to use it. */
export class DerivedWriter {
  readonly dataDir: string;
  /** The search index, or null when this writer leaves it to another one. */
  readonly index: MessageIndex | null;
  /** The rollups and profile files, or null when this writer leaves them to another one. */
  readonly profiles: ProfileStore | null;
  #logPath: string;

  private constructor(
    dataDir: string,
    index: MessageIndex | null,
    profiles: ProfileStore | null,
  ) {
    this.dataDir = dataDir;
    this.index = index;
    this.profiles = profiles;
    this.#logPath = layout(dataDir).messages;
  }

  /** Opens the databases for writing (creating them), maintaining what `options` asks for. */
  static async open(dataDir: string, options: DerivedWriterOptions = {}): Promise<DerivedWriter> {
    await Deno.mkdir(dataDir, { recursive: true });
    const ix = options.index === false ? null : MessageIndex.open(layout(dataDir).index);
    let profiles: ProfileStore | null = null;
    try {
      if (options.profiles !== false) {
        profiles = ProfileStore.open(dataDir);
        // Files a crash left unwritten.
        profiles.writePendingFiles();
      }
      return new DerivedWriter(dataDir, ix, profiles);
    } catch (e) {
      ix?.close();
      profiles?.close();
      throw e;
    }
  }

  /** Forgets everything derived (index and rollups): the next catch-up rebuilds from the log. */
  reset(): void {
    this.index?.transaction(() => this.index!.clear());
    this.profiles?.reset();
  }

  /**
   * Reads the log from where the index and the rollups left off to its last whole line and
   * applies it. A consumer whose mark no longer holds is reset first (full rebuild).
   */
  async catchUp(): Promise<CatchUpResult> {
    const result: CatchUpResult = {
      lines: 0,
      indexed: 0,
      folded: 0,
      skipped: 0,
      rebuilt: false,
      offset: 0,
    };
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.#logPath, { read: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw wrapError(e, `read ${this.#logPath}`);
      // No log (deleted): nothing derived may remain, not even in free pages.
      if ((this.index?.mark.offset ?? 0) > 0 || (this.profiles?.mark.offset ?? 0) > 0) {
        this.index?.scrub();
        this.profiles?.reset();
        result.rebuilt = true;
      }
      return result;
    }
    try {
      const size = (await file.stat()).size;
      const index = this.index;
      let ixMark = index?.mark ?? EMPTY_MARK;
      if (index && !markHolds(file, size, ixMark)) {
        // The log was rewritten (forget, retention): no byte of the old text may linger.
        index.scrub();
        ixMark = EMPTY_MARK;
        result.rebuilt = true;
      }
      const profiles = this.profiles;
      let rollMark = profiles?.mark ?? EMPTY_MARK;
      if (profiles && !markHolds(file, size, rollMark)) {
        // (scrubs too)
        profiles.reset();
        rollMark = EMPTY_MARK;
        result.rebuilt = true;
      }
      const start = Math.min(
        index ? ixMark.offset : Infinity,
        profiles ? rollMark.offset : Infinity,
      );
      result.offset = ixMark.offset;
      if (start >= size) return result;

      const batches = await openLineBatches(this.#logPath, { start });
      let rows: IndexRow[] = [];
      let end = start;
      const commit = () => {
        const mark = markOf(file, end);
        if (index && end > ixMark.offset) {
          index.transaction(() => index.append(rows, mark));
          result.indexed += rows.length;
          ixMark = mark;
        }
        if (profiles && end > rollMark.offset) {
          profiles.advance(mark);
          rollMark = mark;
        }
        result.offset = ixMark.offset;
        rows = [];
      };
      read: for await (const batch of batches) {
        for (const item of batch) {
          // An incomplete last line is being written (or torn): leave it for the next time.
          if (item.partial) break read;
          result.lines++;
          const m = "text" in item ? parseLogRecord(item.text) : null;
          if (m === null) {
            result.skipped++;
          } else {
            if (index && item.offset >= ixMark.offset) {
              rows.push(indexRowOf(m, item.offset, item.bytes - 1));
            }
            if (profiles && item.offset >= rollMark.offset) {
              profiles.fold(m);
              result.folded++;
            }
          }
          end = item.offset + item.bytes;
          if (result.lines % CHUNK_LINES === 0) commit();
        }
      }
      if (end > start) commit();
      return result;
    } finally {
      file.close();
    }
  }

  /** Persists rollups and rewrites touched profile files (see {@link ProfileStore.flush}). */
  flushProfiles(atEnd = false): FlushResult {
    return this.profiles?.flush({ atEnd }) ?? { users: 0, channels: 0, removed: 0 };
  }

  /** Closes the databases. */
  close(): void {
    this.index?.close();
    this.profiles?.close();
  }
}

/** What to rebuild. */
export interface RebuildOptions {
  /** Rebuild the search index. @default true */
  index?: boolean;
  /** Rebuild rollups and rewrite every profile file (removing stale ones). @default true */
  profiles?: boolean;
  /**
   * Delete both database files first (under the same lock), so that no free page keeps a
   * deleted row: after `forget`. @default false
   */
  fresh?: boolean;
}

/** What a rebuild did. */
export type RebuildResult = CatchUpResult & { profiles: FlushResult };

/**
 * Rebuilds derived data from the log: the index, the rollups and profile files, or both.
 * Throws StoreError when another process holds the writer lock.
 */
export async function rebuildDerived(
  dataDir: string,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const r = await tryRebuildDerived(dataDir, options);
  if (r === null) {
    throw new ConflictError(
      `another process (a running "chat run"?) is writing ${
        layout(dataDir).index
      }; try again when it ends`,
    );
  }
  return r;
}

/** {@link rebuildDerived}, or null (touching nothing) when another process holds the lock. */
export async function tryRebuildDerived(
  dataDir: string,
  options: RebuildOptions = {},
): Promise<RebuildResult | null> {
  const lock = await tryWriterLock(dataDir);
  if (!lock) return null;
  try {
    if (options.fresh) {
      const l = layout(dataDir);
      removeDatabase(l.index);
      removeDatabase(l.profileState);
    }
    const w = await DerivedWriter.open(dataDir, options);
    try {
      w.reset();
      const r = await w.catchUp();
      const p = w.flushProfiles(true);
      if (r.indexed >= OPTIMIZE_ROWS) w.index?.optimize();
      return { ...r, rebuilt: true, profiles: p };
    } finally {
      w.close();
    }
  } finally {
    lock.close();
  }
}

/**
 * Brings derived data up to date if no other writer is at work; returns null when one is (it
 * will catch up by itself).
 */
export async function catchUpDerived(
  dataDir: string,
  options: DerivedWriterOptions = {},
): Promise<CatchUpResult | null> {
  const lock = await tryWriterLock(dataDir);
  if (!lock) return null;
  try {
    const w = await DerivedWriter.open(dataDir, options);
    try {
      const r = await w.catchUp();
      w.flushProfiles(true);
      if (r.indexed >= OPTIMIZE_ROWS) w.index?.optimize();
      return r;
    } finally {
      w.close();
    }
  } finally {
    lock.close();
  }
}

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

/** The derived data of a monitor: fed after each durable append, closed at the end. */
export interface Derived {
  /** Call after each durable append (the runner's `afterFlush`); returns without waiting. */
  afterFlush(written: readonly Message[]): Promise<void>;
  /** Catches up to the end of the log, writes the last profiles, and stops. */
  close(): Promise<DerivedSummary>;
}

/** Options of {@link openDerived}. */
export interface OpenDerivedOptions {
  /**
   * Run the writers in worker threads, one for the index and one for the rollups (falls back
   * to inline if workers cannot start). @default true
   */
  worker?: boolean;
  /** Least time between two profile flushes, in ms. @default 2000 */
  flushIntervalMs?: number;
}

/** What a writer loop maintains. */
export interface LoopPart {
  index: boolean;
  profiles: boolean;
}

/** Messages between {@link openDerived} and its workers. */
export type ToWorker =
  | { type: "start"; dataDir: string; flushIntervalMs: number; part: LoopPart }
  | { type: "poke" }
  | { type: "close" };
/** Messages from a worker. */
export type FromWorker =
  | { type: "started" }
  | { type: "closed"; summary: DerivedSummary }
  | { type: "failed"; error: string };

function emptySummary(mode: DerivedSummary["mode"]): DerivedSummary {
  return { mode, indexed: 0, folded: 0, skipped: 0, profilesWritten: 0, problems: [] };
}

/**
 * How many times the expected cost of a profile flush the loop waits before it: writing files
 * then takes at most about 1/(1 + FLUSH_SPACING) of the writer's time under heavy load.
 */
const FLUSH_SPACING = 8;
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
 * (~200 us each on ext4) every few seconds. The caller holds the writer lock.
 */
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
  #wake: (() => void) | null = null;
  #lastStart = -Infinity;

  /**
   * `spacingMs`: least time between the starts of two catch-ups. By default STEP_SPACING_MS
   * for the index in a worker, and none inline, where the monitor waits for each catch-up.
   */
  constructor(
    dataDir: string,
    flushIntervalMs: number,
    part: LoopPart,
    mode: "worker" | "inline",
    spacingMs = part.index && mode === "worker" ? STEP_SPACING_MS : 0,
  ) {
    this.#dataDir = dataDir;
    this.#flushMs = flushIntervalMs;
    this.#part = part;
    this.#spacingMs = spacingMs;
    this.#summary = emptySummary(mode);
    this.#lastFlushEnd = performance.now();
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
      const now = performance.now();
      const expected = (w.profiles?.pending ?? 0) * this.#fileMs;
      const wait = Math.max(this.#flushMs, FLUSH_SPACING * expected);
      if (final || now - this.#lastFlushEnd >= wait) {
        const t0 = performance.now();
        const f = w.flushProfiles(final);
        const files = f.users + f.channels;
        this.#summary.profilesWritten += files;
        this.#lastFlushEnd = performance.now();
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
        const wait = this.#closing ? 0 : this.#lastStart + this.#spacingMs - performance.now();
        if (wait > 0) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, wait);
            this.#wake = () => {
              clearTimeout(t);
              r();
            };
          });
          this.#wake = null;
        }
        this.#lastStart = performance.now();
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
    this.#wake?.();
    while (this.#running) await this.#running;
    await this.#step(true);
    this.#writer?.close();
    this.#writer = null;
    return this.#summary;
  }
}

function mergeSummaries(mode: DerivedSummary["mode"], parts: DerivedSummary[]): DerivedSummary {
  const out = emptySummary(mode);
  for (const p of parts) {
    out.indexed += p.indexed;
    out.folded += p.folded;
    out.skipped = Math.max(out.skipped, p.skipped);
    out.profilesWritten += p.profilesWritten;
    out.problems.push(...p.problems);
  }
  return out;
}

/** One running writer part: a worker thread or an inline loop (which is awaited). */
interface Part {
  poke(): Promise<void> | void;
  close(): Promise<DerivedSummary>;
}

const INDEX_ONLY: LoopPart = { index: true, profiles: false };
const PROFILES_ONLY: LoopPart = { index: false, profiles: true };

/**
 * Opens the derived data of a data dir for a monitor: takes the writer lock (or, when another
 * process holds it, stays passive and tries again at each append) and keeps the index and the
 * profiles following the log. Wire it into `runChat` as `afterFlush: derived.afterFlush` and
 * `await derived.close()` after the run.
 *
 * @example
 * ```ts ignore
 * const derived = await openDerived(dataDir);
 * const summary = await runChat(source, { dataDir, analysis, afterFlush: derived.afterFlush })
 *   .finally(async () => {
 *     for (const w of (await derived.close()).problems) io.err(`warning: ${w}\n`);
 *   });
 * ```
 */
export async function openDerived(
  dataDir: string,
  options: OpenDerivedOptions = {},
): Promise<Derived> {
  const flushMs = options.flushIntervalMs ?? 2000;
  const useWorkers = options.worker !== false;
  let lock: Deno.FsFile | null = null;
  let parts: Part[] | null = null;
  let mode: DerivedSummary["mode"] = "passive";
  const problems: string[] = [];

  const start = async (): Promise<boolean> => {
    if (parts) return true;
    lock = await tryWriterLock(dataDir);
    if (!lock) return false;
    if (useWorkers) {
      try {
        parts = await Promise.all([
          workerPart(dataDir, flushMs, INDEX_ONLY),
          workerPart(dataDir, flushMs, PROFILES_ONLY),
        ]);
        mode = "worker";
        return true;
      } catch {
        // No workers here (e.g. a bundled build without the worker module): run inline.
      }
    }
    parts = [inlinePart(dataDir, flushMs, { index: true, profiles: true })];
    mode = "inline";
    return true;
  };
  try {
    await start();
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }

  let closed: Promise<DerivedSummary> | null = null;
  return {
    afterFlush: async () => {
      if (closed) return;
      if (!parts) {
        // Passive: another process was writing; it may have finished since.
        try {
          if (!(await start())) return;
        } catch {
          return;
        }
      }
      await Promise.all(parts!.map((p) => p.poke()));
    },
    close: () => {
      closed ??= (async () => {
        try {
          if (!parts) {
            try {
              await start();
            } catch (e) {
              problems.push(e instanceof Error ? e.message : String(e));
            }
          }
          const sums = parts ? await Promise.all(parts.map((p) => p.close())) : [];
          const s = mergeSummaries(mode, sums);
          s.problems.unshift(...problems);
          return s;
        } finally {
          (lock as Deno.FsFile | null)?.close();
        }
      })();
      return closed;
    },
  };
}

function inlinePart(dataDir: string, flushMs: number, part: LoopPart): Part {
  const loop = new DerivedLoop(dataDir, flushMs, part, "inline");
  return { poke: () => loop.poke(), close: () => loop.close() };
}

async function workerPart(dataDir: string, flushMs: number, part: LoopPart): Promise<Part> {
  const url = new URL("./derived_worker.ts", import.meta.url);
  if (url.protocol === "file:") {
    // A bundle (deno bundle of main.ts) does not carry the worker module: Deno would print an
    // uncaught "Module not found" from the worker before failing. Check first, run inline.
    try {
      await Deno.stat(url);
    } catch (e) {
      throw new StoreError(`derived worker module ${url.href} is missing`, { cause: e });
    }
  }
  const worker = new Worker(url.href, { type: "module" });
  let onMessage: (m: FromWorker) => void = () => {};
  let onError: (e: string) => void = () => {};
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    onError(e.message);
  };
  const next = () =>
    new Promise<FromWorker>((resolve) => {
      onMessage = resolve;
      onError = (error) => resolve({ type: "failed", error });
    });
  const started = next();
  worker.postMessage({ type: "start", dataDir, flushIntervalMs: flushMs, part } satisfies ToWorker);
  const first = await started;
  if (first.type !== "started") {
    worker.terminate();
    throw new StoreError(
      `derived worker did not start: ${first.type === "failed" ? first.error : first.type}`,
    );
  }
  return {
    poke: () => worker.postMessage({ type: "poke" } satisfies ToWorker),
    close: async () => {
      const done = next();
      worker.postMessage({ type: "close" } satisfies ToWorker);
      const m = await done;
      worker.terminate();
      if (m.type === "closed") return m.summary;
      const s = emptySummary("worker");
      s.problems.push(m.type === "failed" ? m.error : "derived worker stopped unexpectedly");
      return s;
    },
  };
}
