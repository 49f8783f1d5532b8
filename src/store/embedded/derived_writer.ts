/**
 * The one write path of derived data: it reads `messages.jsonl` from where each consumer left
 * off (the index, the rollups) and brings them up to date, rebuilding a consumer whose part of
 * the log no longer holds (the log was replaced or rewritten). Lines are always read from the
 * log itself, never trusted from the caller, so the result is the same whoever appended them
 * (this monitor, another one, an import) and however the appends were batched. The caller
 * holds the writer lock (`writer_lock.ts`); {@link catchUpDerived} and {@link rebuildDerived}
 * take it themselves.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { catchUpDerived } from "./derived_writer.ts";
 * const dataDir = await Deno.makeTempDir();
 * deepStrictEqual((await catchUpDerived(dataDir))?.indexed, 0);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */
import { ConflictError, wrapError } from "../../errors.ts";
import { openLineBatches } from "../../line_reader.ts";
import { layout } from "../layout.ts";
import { EMPTY_MARK, type LogMark, markHolds, markOf } from "../log/log_mark.ts";
import { parseLogRecord } from "../log/log_record.ts";
import { type IndexAppender, indexRowOf } from "./index_appender.ts";
import { MessageIndex } from "./message_index.ts";
import { catchUpEvents } from "./event_index.ts";
import { type FlushResult, ProfileStore } from "./profile_store.ts";
import { removeDatabase } from "./sqlite.ts";
import { tryWriterLock } from "./writer_lock.ts";

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

/** Where the index and the rollups leave off in the log (updated as a catch-up commits). */
interface Marks {
  index: LogMark;
  rollups: LogMark;
}

/** Options of {@link DerivedWriter.open}. */
export interface DerivedWriterOptions {
  /** Maintain the search index. @default true */
  index?: boolean;
  /** Maintain rollups and profile files. @default true */
  profiles?: boolean;
  /** Bound of the rollup cache (`cacheBytes` of {@link ProfileStore.open}). */
  rollupCacheBytes?: number;
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
        profiles = ProfileStore.open(
          dataDir,
          options.rollupCacheBytes !== undefined ? { cacheBytes: options.rollupCacheBytes } : {},
        );
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
   * applies it, then brings the event index up to the end of the event log. A consumer whose
   * mark no longer holds is reset first (full rebuild).
   */
  async catchUp(): Promise<CatchUpResult> {
    const result = await this.#catchUpMessages();
    // The event index follows the event log (small: one transaction).
    if (this.index) await catchUpEvents(this.index, layout(this.dataDir).events);
    return result;
  }

  async #catchUpMessages(): Promise<CatchUpResult> {
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
      const marks = this.#holdingMarks(file, size, result);
      const start = Math.min(
        this.index ? marks.index.offset : Infinity,
        this.profiles ? marks.rollups.offset : Infinity,
      );
      result.offset = marks.index.offset;
      if (start < size) await this.#apply(file, start, marks, result);
      return result;
    } finally {
      file.close();
    }
  }

  /**
   * Where the index and the rollups left off, each reset first (a full rebuild) when its mark
   * no longer holds: the log was rewritten (forget, retention), so no byte of the old text may
   * linger.
   */
  #holdingMarks(file: Deno.FsFile, size: number, result: CatchUpResult): Marks {
    let index = this.index?.mark ?? EMPTY_MARK;
    if (this.index && !markHolds(file, size, index)) {
      this.index.scrub();
      index = EMPTY_MARK;
      result.rebuilt = true;
    }
    let rollups = this.profiles?.mark ?? EMPTY_MARK;
    if (this.profiles && !markHolds(file, size, rollups)) {
      // (scrubs too)
      this.profiles.reset();
      rollups = EMPTY_MARK;
      result.rebuilt = true;
    }
    return { index, rollups };
  }

  /**
   * Reads the log's whole lines from `start` and applies each to the consumers it is new to.
   * Rows go into an open transaction as they are read (no batch of them held), committed every
   * CHUNK_LINES lines with the mark of where they end; `marks` follow the commits.
   */
  async #apply(
    file: Deno.FsFile,
    start: number,
    marks: Marks,
    result: CatchUpResult,
  ): Promise<void> {
    const { index, profiles } = this;
    const batches = await openLineBatches(this.#logPath, { start });
    let rows: IndexAppender | null = null;
    let end = start;
    const commit = () => {
      const mark = markOf(file, end);
      if (index && end > marks.index.offset) {
        rows ??= index.beginAppend();
        result.indexed += rows.rows;
        rows.commit(mark);
        marks.index = mark;
      }
      rows = null;
      if (profiles && end > marks.rollups.offset) {
        profiles.advance(mark);
        marks.rollups = mark;
      }
      result.offset = marks.index.offset;
    };
    try {
      read: for await (const batch of batches) {
        for (const item of batch) {
          // An incomplete last line is being written (or torn): leave it for the next time.
          if (item.partial) break read;
          result.lines++;
          const m = "text" in item ? parseLogRecord(item.text) : null;
          if (m === null) {
            result.skipped++;
          } else {
            if (index && item.offset >= marks.index.offset) {
              rows ??= index.beginAppend();
              rows.add(indexRowOf(m, item.offset, item.bytes - 1));
            }
            if (profiles && item.offset >= marks.rollups.offset) {
              profiles.fold(m);
              result.folded++;
            }
          }
          end = item.offset + item.bytes;
          if (result.lines % CHUNK_LINES === 0) commit();
        }
      }
      if (end > start) commit();
    } finally {
      (rows as IndexAppender | null)?.rollback();
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
