/**
 * The ids of a log's older lines, on disk (`<log>.ids/`): what lets the log's dedup keep only a
 * recent window of ids in memory however long the log grows.
 *
 * Each run (`id_run.ts`) is an immutable file of 16-byte records (the two 32-bit halves of an id's
 * fingerprint, see `id_set.ts`, and the byte offset of its line in the log), sorted by
 * fingerprint. In memory a run keeps a Bloom filter of its fingerprints (12 bits an id, so
 * 1.5 bytes an id: 15 MB at 10M ids) and the first fingerprint of each 4 KiB block (8 bytes per
 * 256 ids). An id that no filter knows is new without touching the disk (all but ~0.5% of new
 * ids per run); otherwise one 4 KiB read per matching run names the candidate offsets, which
 * the log confirms by reading the line there.
 *
 * Runs come from the log's window of recent ids when it fills (`JsonlLog`), and merge like a
 * binary counter (two runs of a level make one of the next), so there are at most about
 * log2(ids / window) of them and each id is rewritten that many times, sequentially.
 * `manifest.json` names the runs and the log mark (`log_mark.ts`) they cover, with the log's
 * inode: a log that was replaced or rewritten (forget) no longer matches, and its runs are
 * dropped and rebuilt from the log. Runs and manifest are written to a temporary file, synced
 * and renamed; files the manifest does not name (a crash between the two) are removed. All of
 * it runs under the log's lock.
 *
 * @module
 */
import { join } from "node:path";
import { StoreError } from "../../errors.ts";
import {
  CHUNK,
  compareKeys,
  RECORD,
  type Records,
  Run,
  type RunMeta,
  RunWriter,
} from "./id_run.ts";
import { EMPTY_MARK, type LogMark } from "./log_mark.ts";

/** What `manifest.json` holds. */
interface Manifest {
  version: 1;
  /** The log's inode when the runs were written (null: unknown). */
  ino: number | null;
  /** The prefix of the log whose ids are all in the runs. */
  mark: LogMark;
  runs: RunMeta[];
  /** The number of the next run file. */
  next: number;
}

const EMPTY_MANIFEST: Manifest = { version: 1, ino: null, mark: EMPTY_MARK, runs: [], next: 1 };

/** Entries of the window handed over as a run: parallel arrays of `n` fingerprints and offsets. */
export interface RunEntries {
  hi: Int32Array;
  lo: Int32Array;
  off: Float64Array;
  n: number;
}

/** The runs of one log. Use under the log's lock. */
export class IdRuns {
  readonly dir: string;
  #manifest: Manifest = EMPTY_MANIFEST;
  #manifestText = "";
  #runs: Run[] = [];

  /** The runs in `dir` (none until {@link reload}). */
  constructor(dir: string) {
    this.dir = dir;
  }

  get #manifestPath(): string {
    return join(this.dir, "manifest.json");
  }

  /** The prefix of the log whose ids are all in the runs. */
  get mark(): LogMark {
    return this.#manifest.mark;
  }

  /** The log inode the runs were written for. */
  get ino(): number | null {
    return this.#manifest.ino;
  }

  /** Ids held in the runs. */
  get count(): number {
    return this.#runs.reduce((n, r) => n + r.meta.count, 0);
  }

  /** Number of run files. */
  get runs(): number {
    return this.#runs.length;
  }

  /** Memory held for lookups, in bytes. */
  get bytes(): number {
    return this.#runs.reduce((n, r) => n + r.bytes, 0);
  }

  /**
   * Reads the manifest again if another writer changed it since the last look. Returns true
   * when the runs changed. A manifest or run that cannot be read counts as none: the caller
   * rebuilds from the log.
   */
  reload(): boolean {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.#manifestPath);
    } catch {
      text = "";
    }
    if (text === this.#manifestText) return false;
    this.#closeRuns();
    this.#manifestText = text;
    this.#manifest = EMPTY_MANIFEST;
    if (text === "") return true;
    try {
      const m = JSON.parse(text) as Manifest;
      if (m.version !== 1 || !Array.isArray(m.runs)) throw new Error("not a manifest");
      for (const meta of m.runs) this.#runs.push(Run.open(join(this.dir, meta.name), meta));
      this.#manifest = m;
    } catch {
      // Unreadable: start over (the log is the record; the runs are rebuilt from it).
      this.#closeRuns();
      this.#manifest = EMPTY_MANIFEST;
    }
    return true;
  }

  /** False when no run holds fingerprint (hi, lo) (no disk read); true when one may. */
  mayHave(hi: number, lo: number): boolean {
    for (const r of this.#runs) if (r.mayHave(hi, lo)) return true;
    return false;
  }

  /** Offsets of lines whose id has fingerprint (hi, lo), from every run. */
  candidates(hi: number, lo: number): number[] {
    const out: number[] = [];
    for (const r of this.#runs) r.candidates(hi, lo, out);
    return out;
  }

  /**
   * Drops every run and writes an empty manifest for the log of inode `ino` (its ids are then
   * all in the caller's window, or will be read again from the log).
   */
  reset(ino: number | null): void {
    this.#closeRuns();
    this.#manifest = { ...EMPTY_MANIFEST, ino };
    let names: string[] = [];
    try {
      names = [...Deno.readDirSync(this.dir)].map((e) => e.name);
    } catch {
      // No folder: nothing to remove.
    }
    for (const n of names) this.#remove(n);
    this.#manifestText = "";
  }

  /**
   * Adds a run of `entries` (in any order; those below the current mark are left out, being
   * in the runs already), merges runs of equal level, and records that the runs now cover the
   * log up to `mark` (of the log of inode `ino`).
   */
  add(entries: RunEntries, mark: LogMark, ino: number | null): void {
    Deno.mkdirSync(this.dir, { recursive: true });
    const { hi, lo, off } = entries;
    const order = sortedOrder(entries, this.#manifest.mark.offset);
    const m: Manifest = { ...this.#manifest, ino, mark, runs: [...this.#manifest.runs] };
    const created: string[] = [];
    try {
      if (order.length > 0) {
        const name = runName(m.next++);
        const w = new RunWriter(join(this.dir, name), order.length);
        let run: Run;
        try {
          for (const i of order) w.push(hi[i]!, lo[i]!, off[i]!);
          run = w.finish(name, 0);
        } catch (e) {
          w.abort();
          throw e;
        }
        created.push(name);
        this.#runs.push(run);
        m.runs.push(run.meta);
      }
      // Binary counter: while the two newest runs share a level, merge them.
      while (m.runs.length >= 2 && m.runs.at(-1)!.level === m.runs.at(-2)!.level) {
        const a = this.#runs.at(-2)!, b = this.#runs.at(-1)!;
        const name = runName(m.next++);
        const merged = this.#merge(a, b, name, a.meta.level + 1);
        created.push(name);
        this.#runs.splice(-2, 2, merged);
        m.runs.splice(-2, 2, merged.meta);
        a.close();
        b.close();
      }
      this.#writeManifest(m);
    } catch (e) {
      // The manifest still names the runs before this call: reopen them.
      for (const n of created) this.#remove(n);
      this.#manifestText = "\0";
      this.reload();
      throw new StoreError(`cannot write ${this.dir}: ${(e as Error).message}`, { cause: e });
    }
    // Files no longer named (merged away).
    const named = new Set(m.runs.map((r) => r.name));
    for (const e of safeReadDir(this.dir)) {
      if (e !== "manifest.json" && !named.has(e)) this.#remove(e);
    }
  }

  #merge(a: Run, b: Run, name: string, level: number): Run {
    const w = new RunWriter(join(this.dir, name), a.meta.count + b.meta.count);
    try {
      const empty: Records = { i32: new Int32Array(0), f64: new Float64Array(0), n: 0 };
      // Each side reads its chunks into one buffer of its own (see `Run.read`).
      const cursor = (r: Run) => ({
        r,
        at: 0,
        base: 0,
        rec: empty,
        buf: new Uint8Array(Math.min(CHUNK, r.meta.count) * RECORD),
      });
      type Cursor = ReturnType<typeof cursor>;
      // True when `c` has a record at its position, reading the next chunk when needed.
      const load = (c: Cursor): boolean => {
        if (c.at >= c.r.meta.count) return false;
        if (c.at - c.base >= c.rec.n) {
          c.base = c.at;
          c.rec = c.r.read(c.at, Math.min(CHUNK, c.r.meta.count - c.at), c.buf);
        }
        return true;
      };
      const ca = cursor(a), cb = cursor(b);
      for (;;) {
        const ha = load(ca), hb = load(cb);
        if (!ha && !hb) break;
        const ka = (ca.at - ca.base) * 4, kb = (cb.at - cb.base) * 4;
        const c = !hb ||
            (ha &&
              compareKeys(
                  ca.rec.i32[ka]!,
                  ca.rec.i32[ka + 1]!,
                  cb.rec.i32[kb]!,
                  cb.rec.i32[kb + 1]!,
                ) <= 0)
          ? ca
          : cb;
        const k = (c.at - c.base) * 4;
        w.push(c.rec.i32[k]!, c.rec.i32[k + 1]!, c.rec.f64[k / 2 + 1]!);
        c.at++;
      }
      return w.finish(name, level);
    } catch (e) {
      w.abort();
      throw e;
    }
  }

  #writeManifest(m: Manifest): void {
    const text = JSON.stringify(m);
    const tmp = `${this.#manifestPath}.tmp`;
    const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
    try {
      const bytes = new TextEncoder().encode(text);
      let w = 0;
      while (w < bytes.length) w += f.writeSync(bytes.subarray(w));
      f.syncDataSync();
    } finally {
      f.close();
    }
    Deno.renameSync(tmp, this.#manifestPath);
    this.#manifest = m;
    this.#manifestText = text;
  }

  #remove(name: string): void {
    try {
      Deno.removeSync(join(this.dir, name));
    } catch {
      // Gone already.
    }
  }

  #closeRuns(): void {
    for (const r of this.#runs) r.close();
    this.#runs = [];
  }

  /** Closes the run files. */
  close(): void {
    this.#closeRuns();
    this.#manifestText = "";
    this.#manifest = EMPTY_MANIFEST;
  }
}

/**
 * The indexes of the entries at or above offset `below`, in fingerprint order: a radix sort of
 * the indexes by the high half (two stable passes of 16 bits, a few times faster than sorting
 * packed numbers natively), then the rare entries with equal high halves ordered by their low
 * halves.
 */
function sortedOrder(e: RunEntries, below: number): Uint32Array {
  const { hi, lo, off } = e;
  let n = 0;
  const kept = new Uint32Array(e.n);
  for (let i = 0; i < e.n; i++) if (off[i]! >= below) kept[n++] = i;
  const pass = new Uint32Array(n);
  const order = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let k = 0; k < n; k++) count[hi[kept[k]!]! & 0xffff]!++;
  for (let d = 0, sum = 0; d < 65536; d++) {
    const c = count[d]!;
    count[d] = sum;
    sum += c;
  }
  for (let k = 0; k < n; k++) {
    const i = kept[k]!;
    pass[count[hi[i]! & 0xffff]!++] = i;
  }
  count.fill(0);
  for (let k = 0; k < n; k++) count[hi[pass[k]!]! >>> 16]!++;
  for (let d = 0, sum = 0; d < 65536; d++) {
    const c = count[d]!;
    count[d] = sum;
    sum += c;
  }
  for (let k = 0; k < n; k++) {
    const i = pass[k]!;
    order[count[hi[i]! >>> 16]!++] = i;
  }
  for (let k = 1; k < n; k++) {
    // Insertion step within a run of equal high halves (almost never more than two long).
    for (let j = k; j > 0; j--) {
      const a = order[j - 1]!, b = order[j]!;
      if (compareKeys(hi[a]!, lo[a]!, hi[b]!, lo[b]!) <= 0) break;
      order[j - 1] = b;
      order[j] = a;
    }
  }
  return order;
}

function runName(n: number): string {
  return `run-${String(n).padStart(6, "0")}.ids`;
}

function safeReadDir(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
}
