/**
 * The append-only JSONL logs (`data/logs/messages.jsonl`, `data/logs/events.jsonl`): the
 * canonical record everything else is derived from.
 *
 * Guarantees, for any number of processes sharing a data dir:
 * - No id is written twice. Before each append the writer takes an exclusive lock on
 *   `<log>.lock`, reads whatever other writers appended since its last look (or the whole log
 *   after a rewrite such as `forget`), and drops records whose id is already there.
 * - Memory stays flat however long the log grows: the ids of the last `windowIds` lines are
 *   kept in memory (`id_set.ts`), the older ones on disk in `<log>.ids/` (`id_runs.ts`, 16
 *   bytes an id, behind a Bloom filter of 1.5 bytes an id). Both only name candidate lines;
 *   the writer confirms a duplicate by reading the id on the line itself, so the dedup is
 *   exact whatever the fingerprints do, and the runs are rebuilt from the log when they do not
 *   match it (missing, behind, or of a log that was replaced).
 * - Lines never interleave: a batch goes out under the lock as whole lines.
 * - An acknowledged batch is on disk: `append` resolves after `fdatasync`.
 * - A torn last line (a crash mid-write) is moved to `<log>.corrupt` with its offset, the log
 *   is cut back to its last whole line, and the caller is told; it never counts as a record.
 *
 * @module
 */
import { dirname } from "node:path";
import { StoreError, wrapError } from "../../errors.ts";
import { MAX_LINE_BYTES, openLineBatches, readRangeSync } from "../../line_reader.ts";
import { fingerprintInto, IdSet } from "./id_set.ts";
import { IdRuns } from "./id_runs.ts";
import { markHolds, markOf } from "./log_mark.ts";
import { corruptHeader, idAt, idFromLine } from "./log_lines.ts";
import { JsonBytes } from "./json_bytes.ts";
import { LineBatch } from "./line_batch.ts";

/** What one append did. */
export interface AppendResult<T> {
  /** Records written now, in order. */
  written: T[];
  /** Records dropped because their id was already in the log (or earlier in the batch). */
  duplicates: number;
  /** Repairs made before writing (a torn tail set aside), for the caller to report. */
  repairs: string[];
}

/** Options of a {@link JsonlLog}. */
export interface JsonlLogOptions<T> {
  /** The JSON key holding each record's id (written first-level by `serialize`). */
  idKey: string;
  idOf: (record: T) => string;
  /**
   * One record as one line of JSON, without the newline. @default the record as
   * `JSON.stringify` writes it, encoded straight into the batch's bytes (`json_bytes.ts`)
   */
  serialize?: (record: T) => string;
  /**
   * Ids kept in memory before they go to the log's id runs on disk: the window within which a
   * repeat is caught without reading the disk. @default 262144
   */
  windowIds?: number;
}

const encoder = new TextEncoder();

/** The default {@link JsonlLogOptions.windowIds}: 4 MiB of ids (8 MiB of table). */
const WINDOW_IDS = 1 << 18;

/** The first size of a log's encoding buffer, and the largest it keeps between appends. */
const SCRATCH_BYTES = 1 << 20;
const MAX_SCRATCH_BYTES = 32 << 20;

/** An append-only JSONL file with idempotent, locked, crash-safe appends. */
export class JsonlLog<T> {
  readonly path: string;
  readonly lockPath: string;
  #options: JsonlLogOptions<T>;
  /** Ids of the lines from the runs' mark to #offset. */
  #recent = new IdSet();
  /** Ids of the lines before the runs' mark, on disk. */
  #runs: IdRuns;
  #window: number;
  #offset = 0;
  #ino: number | null = null;
  /** The buffer batches are encoded into, reused from one append to the next. */
  #scratch: Uint8Array | null = null;

  constructor(path: string, options: JsonlLogOptions<T>) {
    this.path = path;
    this.lockPath = `${path}.lock`;
    this.#options = options;
    this.#runs = new IdRuns(`${path}.ids`);
    this.#window = Math.max(1, options.windowIds ?? WINDOW_IDS);
  }

  /** Number of distinct ids known in the log (after the last append or refresh). */
  get size(): number {
    return this.#runs.count + this.#recent.size;
  }

  /** Where the known ids are: in memory (the recent window) and in run files on disk. */
  get idStats(): { inMemory: number; onDisk: number; runs: number; filterBytes: number } {
    return {
      inMemory: this.#recent.size,
      onDisk: this.#runs.count,
      runs: this.#runs.runs,
      filterBytes: this.#runs.bytes,
    };
  }

  /** True when `id` (fingerprint `print`) is in the log at a candidate offset; reads those lines. */
  #confirm(id: string, print: readonly [number, number], file: Deno.FsFile): boolean {
    for (const off of this.#recent.candidatesOf(print)) {
      if (idAt(file, off, this.#options.idKey) === id) return true;
    }
    for (const off of this.#runs.candidates(print[0], print[1])) {
      if (idAt(file, off, this.#options.idKey) === id) return true;
    }
    return false;
  }

  /**
   * Moves the window's ids to a new run on disk, which then covers the log up to `upTo` (a
   * line boundary: every line before it is in the window or the runs). Call only under the
   * lock.
   */
  #spill(upTo: number, ino: number | null): void {
    const file = Deno.openSync(this.path, { read: true });
    try {
      this.#runs.add(this.#recent.entries(), markOf(file, upTo), ino);
    } finally {
      file.close();
    }
    this.#recent.clear();
  }

  /** Forgets the ids of the log (after a rewrite under the lock): read again at the next look. */
  dropIds(): void {
    this.#runs.reset(null);
    this.#recent.clear();
    this.#offset = 0;
    this.#ino = null;
  }

  /**
   * Runs `fn` holding the log's exclusive lock (waits while another process holds it). The
   * quick steps are synchronous, taking the lock is not: an append's continuations run only
   * when the event loop turns, and a writer that needs fewer turns falls less behind a source
   * that keeps the thread busy.
   */
  async withLock<R>(fn: () => Promise<R>): Promise<R> {
    Deno.mkdirSync(dirname(this.path), { recursive: true });
    const lock = Deno.openSync(this.lockPath, { read: true, write: true, create: true });
    try {
      await lock.lock(true);
      return await fn();
    } finally {
      lock.close(); // closing releases the lock
    }
  }

  /** Brings the known ids up to date with the file. Call only under the lock. */
  async #catchUp(repairs: string[]): Promise<void> {
    let stat: Deno.FileInfo;
    try {
      stat = Deno.statSync(this.path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        if (this.#ino !== null || this.#runs.reload() || this.#runs.count > 0) this.dropIds();
        return;
      }
      throw wrapError(e, `read ${this.path}`);
    }
    const replaced = stat.ino !== this.#ino || stat.size < this.#offset;
    // Runs another writer (or an earlier run of this program) wrote, or none.
    const runsChanged = this.#runs.reload();
    if (replaced || runsChanged) {
      if (!this.#runsMatch(stat)) this.#runs.reset(stat.ino);
      // The window holds exactly the ids from the runs' mark on: read them again from there.
      this.#recent.clear();
      this.#offset = this.#runs.mark.offset;
      this.#ino = stat.ino;
    }
    if (stat.size === this.#offset) return;
    const batches = await openLineBatches(this.path, { start: this.#offset });
    let end = this.#offset;
    outer: for await (const batch of batches) {
      for (const item of batch) {
        if (item.partial) {
          await this.#setAsideTail(item.offset, stat.size, repairs);
          break outer;
        }
        end = item.offset + item.bytes;
        if ("text" in item) {
          const id = idFromLine(item.text, this.#options.idKey);
          if (id !== null) this.#recent.add(id, item.offset);
        } else if (item.bytes > MAX_LINE_BYTES) {
          // A line over the readers' limit (an old log, before one length rule held at every
          // source): readers skip it, but its id is stored all the same, so dedup must know it.
          const id = this.#idOfLongLine(item.offset);
          if (id !== null) this.#recent.add(id, item.offset);
        }
        if (this.#recent.size >= this.#window) this.#spill(end, stat.ino);
      }
    }
    this.#offset = end;
  }

  /** The id at the start of the line at `offset` (read from its first bytes). */
  #idOfLongLine(offset: number): string | null {
    const file = Deno.openSync(this.path, { read: true });
    try {
      return idAt(file, offset, this.#options.idKey);
    } finally {
      file.close();
    }
  }

  /** True when the runs on disk describe a prefix of the log as it is now. */
  #runsMatch(stat: Deno.FileInfo): boolean {
    const mark = this.#runs.mark;
    if (mark.offset === 0) return this.#runs.count === 0;
    if (this.#runs.ino !== stat.ino || mark.offset > stat.size) return false;
    const file = Deno.openSync(this.path, { read: true });
    try {
      return markHolds(file, stat.size, mark);
    } finally {
      file.close();
    }
  }

  async #setAsideTail(from: number, size: number, repairs: string[]): Promise<void> {
    const f = await Deno.open(this.path, { read: true, write: true });
    try {
      const torn = readRangeSync(f, from, size - from);
      const got = torn.length;
      const corrupt = await Deno.open(`${this.path}.corrupt`, {
        append: true,
        create: true,
      });
      try {
        const header = encoder.encode(corruptHeader(from, new Date().toISOString()) + "\n");
        await corrupt.write(header);
        let w = 0;
        while (w < got) w += await corrupt.write(torn.subarray(w, got));
        await corrupt.write(encoder.encode("\n"));
        await corrupt.syncData();
      } finally {
        corrupt.close();
      }
      await f.truncate(from);
      await f.syncData();
    } finally {
      f.close();
    }
    repairs.push(
      `${this.path}: torn last line (${
        size - from
      } bytes at offset ${from}) moved to ${this.path}.corrupt`,
    );
  }

  /** Reads the whole log's ids (under the lock), repairing a torn tail. */
  async refresh(): Promise<string[]> {
    const repairs: string[] = [];
    await this.withLock(() => this.#catchUp(repairs));
    return repairs;
  }

  /**
   * Appends the records whose id is not in the log yet, as one locked, fsynced write.
   * Resolves once they are durable.
   */
  async append(records: readonly T[]): Promise<AppendResult<T>> {
    const result = await this.#appendLocked((seen) => this.#encodeNew(records, seen));
    return { written: result.written, duplicates: result.duplicates, repairs: result.repairs };
  }

  /**
   * An empty {@link LineBatch} of this log's lines, for {@link appendLines}: records are encoded
   * as they are added, so that nothing of them stays in memory until the append.
   */
  lines(): LineBatch<T> {
    const buffer = this.#scratch ?? undefined;
    this.#scratch = null;
    return new LineBatch(this.#options.idOf, {
      ...(this.#options.serialize ? { serialize: this.#options.serialize } : {}),
      ...(buffer ? { buffer } : {}),
    });
  }

  /**
   * {@link append} of records encoded already (see {@link lines}): the same dedup, lines and
   * guarantees; says how many were new rather than which. The batch is used up.
   */
  async appendLines(batch: LineBatch<T>): Promise<AppendCount> {
    if (!(batch instanceof LineBatch)) throw new TypeError("appendLines takes a log's LineBatch");
    const result = await this.#appendLocked((seen) => this.#keepNew(batch, seen));
    return { written: result.count, duplicates: result.duplicates, repairs: result.repairs };
  }

  /**
   * Under the lock and caught up with the file: the new lines `select` picks (with `seen`, the
   * batch's dedup), written durably, their ids entered in the window.
   */
  async #appendLocked<B extends NewLines<T>>(
    select: (seen: BatchIds) => B,
  ): Promise<B & { repairs: string[] }> {
    const repairs: string[] = [];
    try {
      return await this.withLock(async () => {
        await this.#catchUp(repairs);
        const seen: BatchIds = { ids: [], slots: new Int32Array(0), mask: 0, reader: null };
        let batch: B;
        try {
          batch = select(seen);
        } finally {
          seen.reader?.close();
        }
        try {
          if (batch.count > 0) await this.#writeDurable(batch);
        } finally {
          if (batch.buffer.length <= MAX_SCRATCH_BYTES) this.#scratch = batch.buffer;
        }
        if (batch.count > 0 && this.#recent.size >= this.#window) {
          try {
            this.#spill(this.#offset, this.#ino);
          } catch {
            // The batch is durable; the ids stay in memory and the next append tries again.
          }
        }
        return { ...batch, repairs };
      });
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError(`cannot append to ${this.path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  /**
   * True when `id` (fingerprint `h`, `l`) is a repeat: of an id accepted earlier in the batch
   * (`seen.ids`, whose fingerprints are `prints[0 .. 2 * seen.ids.length)`), or of one in the
   * log. Otherwise enters it in `seen` as the next accepted id. Call only under the lock, caught
   * up.
   */
  #repeat(seen: BatchIds, prints: Int32Array, id: string, h: number, l: number): boolean {
    const { ids, slots, mask } = seen;
    let slot = h & mask;
    for (let j = slots[slot]!; j !== 0; j = slots[slot]!) {
      if (prints[2 * j - 2] === h && prints[2 * j - 1] === l && ids[j - 1] === id) return true;
      slot = (slot + 1) & mask;
    }
    if (this.#recent.mayHavePrint(h, l) || this.#runs.mayHave(h, l)) {
      seen.reader ??= Deno.openSync(this.path, { read: true });
      if (this.#confirm(id, [h, l], seen.reader)) return true;
    }
    ids.push(id);
    slots[slot] = ids.length;
    return false;
  }

  /**
   * The records of `records` whose id is neither in the log nor earlier in the batch, encoded
   * as lines as they are accepted. Call only under the lock, caught up.
   */
  #encodeNew(records: readonly T[], seen: BatchIds): NewLines<T> & { written: T[] } {
    const out = new JsonBytes(this.#scratch ?? new Uint8Array(SCRATCH_BYTES));
    this.#scratch = null;
    // Each id is hashed once, into prints[2k], prints[2k + 1] for the k-th record written: to
    // test the table now, and to enter it after the write.
    const prints = new Int32Array(records.length * 2);
    const written: T[] = [];
    const ends: number[] = [];
    let duplicates = 0;
    sizeSlots(seen, records.length);
    const serialize = this.#options.serialize;
    for (const r of records) {
      const id = this.#options.idOf(r);
      const k = written.length;
      fingerprintInto(id, prints, 2 * k);
      if (this.#repeat(seen, prints, id, prints[2 * k]!, prints[2 * k + 1]!)) {
        duplicates++;
        continue;
      }
      written.push(r);
      if (serialize) out.text(serialize(r));
      else out.value(r);
      out.byte(10);
      ends.push(out.length);
    }
    return {
      written,
      count: written.length,
      duplicates,
      bytes: out.bytes,
      buffer: out.buffer,
      ends,
      prints,
    };
  }

  /**
   * The lines of `batch` whose id is neither in the log nor earlier in the batch, moved
   * together (in place) when some are dropped. Call only under the lock, caught up.
   */
  #keepNew(batch: LineBatch<T>, seen: BatchIds): NewLines<T> {
    const n = batch.length;
    const { ids, ends, prints } = batch;
    const buf = batch.buffer;
    sizeSlots(seen, n);
    let duplicates = 0;
    // w: lines kept so far; at: where the next kept line goes; start: where line k begins.
    let w = 0, at = 0, start = 0;
    for (let k = 0; k < n; k++) {
      const end = ends[k]!;
      const h = prints[2 * k]!, l = prints[2 * k + 1]!;
      if (this.#repeat(seen, prints, ids[k]!, h, l)) {
        duplicates++;
      } else {
        if (w !== k) {
          buf.copyWithin(at, start, end);
          prints[2 * w] = h;
          prints[2 * w + 1] = l;
        }
        at += end - start;
        ends[w++] = at;
      }
      start = end;
    }
    return { count: w, duplicates, bytes: buf.subarray(0, at), buffer: buf, ends, prints };
  }

  /**
   * Writes the encoded lines at the end of the log and waits for `fdatasync`; then enters
   * their ids in the window at their offsets. Call only under the lock, caught up.
   */
  async #writeDurable(batch: NewLines<T>): Promise<void> {
    const bytes = batch.bytes;
    const f = Deno.openSync(this.path, { append: true, create: true });
    try {
      let off = 0;
      while (off < bytes.length) off += await f.write(bytes.subarray(off));
      await f.syncData();
      const st = f.statSync();
      // Offsets of the new lines: the file ended at #offset before this write (we hold the
      // lock and caught up), and each line starts where the one before it ended.
      const { prints, ends } = batch;
      const base = this.#offset;
      for (let i = 0; i < batch.count; i++) {
        this.#recent.addPrint(
          prints[2 * i]!,
          prints[2 * i + 1]!,
          base + (i === 0 ? 0 : ends[i - 1]!),
        );
      }
      this.#ino = st.ino;
      this.#offset = st.size;
    } finally {
      f.close();
    }
  }
}

/** What {@link JsonlLog.appendLines} did. */
export interface AppendCount {
  /** Records written now. */
  written: number;
  /** Records dropped because their id was already in the log (or earlier in the batch). */
  duplicates: number;
  /** Repairs made before writing (a torn tail set aside), for the caller to report. */
  repairs: string[];
}

/**
 * The ids one append accepted so far, by fingerprint (open addressing; a slot holds 1 + the
 * index of the accepted id), to drop a repeat within the batch: a Set of the id strings cost
 * several times the fingerprints, which are computed anyway. And a reader of the log, opened
 * when an id must be confirmed there.
 */
interface BatchIds {
  ids: string[];
  slots: Int32Array;
  mask: number;
  reader: Deno.FsFile | null;
}

/** Sizes `seen`'s table for a batch of `n` ids. */
function sizeSlots(seen: BatchIds, n: number): void {
  seen.mask = (1 << Math.ceil(Math.log2(Math.max(16, n * 2)))) - 1;
  seen.slots = new Int32Array(seen.mask + 1);
}

/** The new lines of one append, encoded, before they are written. */
interface NewLines<T> {
  /** Records accepted. */
  count: number;
  /** Records dropped as already in the log or earlier in the batch. */
  duplicates: number;
  /** Their lines, one after the other, each with its newline. */
  bytes: Uint8Array;
  /** The buffer `bytes` is in (kept for the next append). */
  buffer: Uint8Array;
  /** Where each line ends in `bytes` (after its newline). */
  ends: number[];
  /** Two fingerprint words of each accepted record's id (`fingerprintInto`). */
  prints: Int32Array;
}
