/**
 * One run file of a log's older ids (`<log>.ids/run-NNNNNN.ids`, see `id_runs.ts`): an
 * immutable file of 16-byte records (the two 32-bit halves of an id's fingerprint, see
 * `id_set.ts`, and the byte offset of its line in the log), sorted by fingerprint; open for
 * lookups ({@link Run}: a Bloom filter of its fingerprints and the first fingerprint of each
 * 4 KiB block in memory) or being written ({@link RunWriter}: to a temporary file, synced and
 * renamed into place).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { RunWriter } from "./id_run.ts";
 * const w = new RunWriter(`${await Deno.makeTempDir()}/run-000001.ids`, 2);
 * w.push(1, 2, 0);
 * w.push(3, 4, 100);
 * const run = w.finish("run-000001.ids", 0);
 * const out: number[] = [];
 * run.candidates(3, 4, out);
 * deepStrictEqual(out, [100]);
 * run.close();
 * ```
 *
 * @module
 */
import { BlockedBloom } from "./bloom.ts";

/** Bytes of one record: fingerprint high and low halves (u32 each), offset (f64). */
export const RECORD = 16;
/** Records per block: the unit a lookup reads (4 KiB). */
const BLOCK = 256;
/** Records per read or write while building or merging runs (1 MiB). */
export const CHUNK = 65536;

/**
 * Records read from a run: `i32[4k]`, `i32[4k + 1]` are the fingerprint of record k and
 * `f64[2k + 1]` its offset (the files are in the platform's byte order, little-endian on every
 * platform Deno runs on; runs are derived data, rebuilt when unreadable).
 */
export interface Records {
  i32: Int32Array;
  f64: Float64Array;
  n: number;
}

/**
 * Reads records [from, from + n) of `file` into `buf` (at least `n` records long), which the
 * caller reuses from one chunk to the next: reading a run whole (opening it, merging two) in
 * a new buffer a chunk left every chunk to the garbage collector, and a synchronous loop that
 * allocates nothing else on the heap never gives it a turn (a 10M-id log's runs left 128 MB of
 * read buffers behind in the main thread's allocator).
 */
function readRecordsInto(file: Deno.FsFile, from: number, n: number, buf: Uint8Array): Records {
  const want = n * RECORD;
  file.seekSync(from * RECORD, Deno.SeekMode.Start);
  let got = 0;
  while (got < want) {
    const r = file.readSync(buf.subarray(got, want));
    if (r === null) break;
    got += r;
  }
  return recordsOf(buf.subarray(0, got));
}

function recordsOf(bytes: Uint8Array): Records {
  const n = Math.floor(bytes.length / RECORD);
  const buf = bytes.byteOffset === 0 ? bytes.buffer : bytes.slice().buffer;
  return { i32: new Int32Array(buf, 0, n * 4), f64: new Float64Array(buf, 0, n * 2), n };
}

/** What the manifest says of one run. */
export interface RunMeta {
  name: string;
  count: number;
  level: number;
}

/** Unsigned order of (hi, lo) against (hi2, lo2). */
export function compareKeys(hi: number, lo: number, hi2: number, lo2: number): number {
  return (hi >>> 0) - (hi2 >>> 0) || (lo >>> 0) - (lo2 >>> 0);
}

/** One run file, open for lookups. */
export class Run {
  readonly meta: RunMeta;
  readonly #file: Deno.FsFile;
  readonly #bloom: BlockedBloom;
  /** The fingerprint of the first record of each block. */
  readonly #firstHi: Int32Array;
  readonly #firstLo: Int32Array;

  constructor(
    meta: RunMeta,
    file: Deno.FsFile,
    bloom: BlockedBloom,
    firstHi: Int32Array,
    firstLo: Int32Array,
  ) {
    this.meta = meta;
    this.#file = file;
    this.#bloom = bloom;
    this.#firstHi = firstHi;
    this.#firstLo = firstLo;
  }

  /** Opens a run file and builds its filter and block index (reads it once). */
  static open(path: string, meta: RunMeta): Run {
    const file = Deno.openSync(path, { read: true });
    try {
      const size = file.statSync().size;
      if (size !== meta.count * RECORD) {
        throw new Error(`${path} holds ${size} bytes, not ${meta.count} records`);
      }
      const bloom = new BlockedBloom(meta.count);
      const blocks = Math.ceil(meta.count / BLOCK);
      const firstHi = new Int32Array(blocks), firstLo = new Int32Array(blocks);
      let prevHi = 0, prevLo = 0;
      const buf = new Uint8Array(Math.min(CHUNK, meta.count) * RECORD);
      for (let at = 0; at < meta.count; at += CHUNK) {
        const n = Math.min(CHUNK, meta.count - at);
        const { i32 } = readRecordsInto(file, at, n, buf);
        for (let i = 0; i < n; i++) {
          const hi = i32[i * 4]!, lo = i32[i * 4 + 1]!;
          const k = at + i;
          if (k > 0 && compareKeys(prevHi, prevLo, hi, lo) > 0) {
            throw new Error(`${path} is not sorted at record ${k}`);
          }
          if (k % BLOCK === 0) {
            firstHi[k / BLOCK] = hi;
            firstLo[k / BLOCK] = lo;
          }
          bloom.add(hi, lo);
          prevHi = hi;
          prevLo = lo;
        }
      }
      return new Run(meta, file, bloom, firstHi, firstLo);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  /** Memory held for lookups, in bytes. */
  get bytes(): number {
    return this.#bloom.bytes + this.#firstHi.byteLength * 2;
  }

  /** Appends to `out` the offsets of records with fingerprint (hi, lo). */
  candidates(hi: number, lo: number, out: number[]): void {
    if (!this.#bloom.mayHave(hi, lo)) return;
    // First block whose first key is >= the key: matches lie in the block before it and in it
    // and the following blocks as long as they start with the key.
    let a = 0, b = this.#firstHi.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (compareKeys(this.#firstHi[m]!, this.#firstLo[m]!, hi, lo) < 0) a = m + 1;
      else b = m;
    }
    const blocks: number[] = a > 0 ? [a - 1] : [];
    for (
      let j = a;
      j < this.#firstHi.length && this.#firstHi[j] === hi && this.#firstLo[j] === lo;
      j++
    ) blocks.push(j);
    for (const block of blocks) {
      const from = block * BLOCK;
      const { i32, f64, n } = this.read(from, Math.min(BLOCK, this.meta.count - from));
      for (let i = 0; i < n; i++) {
        if (i32[i * 4] === hi && i32[i * 4 + 1] === lo) out.push(f64[i * 2 + 1]!);
      }
    }
  }

  /** True unless the filter is sure that no record has fingerprint (hi, lo). */
  mayHave(hi: number, lo: number): boolean {
    return this.#bloom.mayHave(hi, lo);
  }

  /**
   * Reads records [from, from + n) into a view: of `buf` when given (at least `n` records
   * long, reused by the caller from one read to the next), else of a new buffer.
   */
  read(from: number, n: number, buf?: Uint8Array): Records {
    return readRecordsInto(this.#file, from, n, buf ?? new Uint8Array(n * RECORD));
  }

  close(): void {
    this.#file.close();
  }
}

/** Writes a run file record by record, in fingerprint order. */
export class RunWriter {
  readonly #path: string;
  readonly #tmp: string;
  readonly #file: Deno.FsFile;
  readonly #bytes = new Uint8Array(CHUNK * RECORD);
  readonly #i32 = new Int32Array(this.#bytes.buffer);
  readonly #f64 = new Float64Array(this.#bytes.buffer);
  #inBuf = 0;
  #count = 0;
  readonly #bloom: BlockedBloom;
  readonly #firstHi: Int32Array;
  readonly #firstLo: Int32Array;

  /** A writer of at most `capacity` records to `path`. */
  constructor(path: string, capacity: number) {
    this.#path = path;
    this.#bloom = new BlockedBloom(capacity);
    this.#firstHi = new Int32Array(Math.ceil(capacity / BLOCK));
    this.#firstLo = new Int32Array(Math.ceil(capacity / BLOCK));
    this.#tmp = `${path}.tmp`;
    this.#file = Deno.openSync(this.#tmp, { write: true, create: true, truncate: true });
  }

  push(hi: number, lo: number, off: number): void {
    const k = this.#inBuf;
    this.#i32[k * 4] = hi;
    this.#i32[k * 4 + 1] = lo;
    this.#i32[k * 4 + 2] = 0;
    this.#f64[k * 2 + 1] = off;
    this.#bloom.add(hi, lo);
    if (this.#count % BLOCK === 0) {
      this.#firstHi[this.#count / BLOCK] = hi;
      this.#firstLo[this.#count / BLOCK] = lo;
    }
    this.#count++;
    if (++this.#inBuf === CHUNK) this.#drain();
  }

  #drain(): void {
    const bytes = this.#bytes.subarray(0, this.#inBuf * RECORD);
    let w = 0;
    while (w < bytes.length) w += this.#file.writeSync(bytes.subarray(w));
    this.#inBuf = 0;
  }

  /** Syncs and renames the file into place; returns it open for lookups. */
  finish(name: string, level: number): Run {
    try {
      this.#drain();
      this.#file.syncDataSync();
    } finally {
      this.#file.close();
    }
    Deno.renameSync(this.#tmp, this.#path);
    const blocks = Math.ceil(this.#count / BLOCK);
    return new Run(
      { name, count: this.#count, level },
      Deno.openSync(this.#path, { read: true }),
      this.#bloom,
      this.#firstHi.slice(0, blocks),
      this.#firstLo.slice(0, blocks),
    );
  }

  abort(): void {
    try {
      this.#file.close();
    } catch {
      // Closed already.
    }
    try {
      Deno.removeSync(this.#tmp);
    } catch {
      // Never written.
    }
  }
}
