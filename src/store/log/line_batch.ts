/**
 * Records encoded as a log's lines as they arrive, before the append that writes them: each
 * record's id is hashed and its line written into a byte buffer at once, so that nothing of the
 * record outlives the call. A writer that needs only the count of new records (a log-only run)
 * holds a batch of bytes instead of thousands of objects, which the garbage collector would
 * otherwise copy and promote while the batch fills.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineBatch } from "./line_batch.ts";
 * const batch = new LineBatch<{ id: string }>((r) => r.id);
 * batch.add({ id: "m1" });
 * batch.add({ id: "m2" });
 * assert.equal(batch.length, 2);
 * assert.equal(new TextDecoder().decode(batch.bytes), '{"id":"m1"}\n{"id":"m2"}\n');
 * ```
 *
 * @module
 */
import { fingerprintInto } from "./id_set.ts";
import { JsonBytes } from "./json_bytes.ts";

/**
 * Lines encoded by one {@link LineBatch} (in another thread, say) to add to another
 * ({@link LineBatch.addEncoded}): plain data and typed arrays, which a worker can hand over
 * without copying (`bytes.buffer` and `prints.buffer` as transferables).
 */
export interface EncodedLines {
  /** Every line, one after the other, each with its newline. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Where each line ends in `bytes` (after its newline). */
  ends: number[];
  /** Two fingerprint words of each line's id, as {@link LineBatch.prints}. */
  prints: Int32Array<ArrayBuffer>;
  /** Each line's id. */
  ids: string[];
}

/** The first size of a batch's buffer (it grows as needed). */
const FIRST_BYTES = 1 << 20;

/**
 * Lines `serialize` gives that wait to be encoded together (a worker's chunk): enough to spread
 * the cost of a call, few enough that they die young.
 */
const PENDING_LINES = 256;

/** Lines of records, their ids and the ids' fingerprints, in the order they were added. */
export class LineBatch<T> {
  readonly #idOf: (record: T) => string;
  readonly #serialize: ((record: T) => string) | undefined;
  readonly #out: JsonBytes;
  /** Each record's id. */
  readonly ids: string[] = [];
  readonly #ends: number[] = [];
  #prints = new Int32Array(1024);
  /** Lines `serialize` gave and not yet encoded into #out (see {@link #encodePending}). */
  #pending: string[] = [];

  /**
   * A batch whose records are keyed by `idOf` and written as `serialize` gives them (default
   * `JSON.stringify`'s bytes), into `buffer` while it is large enough.
   */
  constructor(
    idOf: (record: T) => string,
    options: { serialize?: (record: T) => string; buffer?: Uint8Array } = {},
  ) {
    this.#idOf = idOf;
    this.#serialize = options.serialize;
    this.#out = new JsonBytes(options.buffer ?? new Uint8Array(FIRST_BYTES));
  }

  /** Records added. */
  get length(): number {
    return this.ids.length;
  }

  /** Every line, one after the other, each with its newline (a view of {@link buffer}). */
  get bytes(): Uint8Array {
    this.#encodePending();
    return this.#out.bytes;
  }

  /** The buffer the lines are in (to reuse once they are written). */
  get buffer(): Uint8Array {
    this.#encodePending();
    return this.#out.buffer;
  }

  /** Where each line ends in {@link bytes} (after its newline). */
  get ends(): number[] {
    this.#encodePending();
    return this.#ends;
  }

  /**
   * Two fingerprint words of each record's id (`fingerprintInto`): `prints[2k]` and
   * `prints[2k + 1]` for the k-th record.
   */
  get prints(): Int32Array {
    return this.#prints;
  }

  /** Makes room in {@link prints} for `n` more records. */
  #room(n: number): void {
    const need = 2 * (this.ids.length + n);
    if (need <= this.#prints.length) return;
    const grown = new Int32Array(Math.max(this.#prints.length * 2, need));
    grown.set(this.#prints);
    this.#prints = grown;
  }

  /** Adds `record`: its id, the id's fingerprint and its line. */
  add(record: T): void {
    const id = this.#idOf(record);
    const k = this.ids.length;
    this.#room(1);
    fingerprintInto(id, this.#prints, 2 * k);
    this.ids.push(id);
    if (this.#serialize) {
      if (this.#pending.push(this.#serialize(record)) >= PENDING_LINES) this.#encodePending();
      return;
    }
    const out = this.#out;
    out.value(record);
    out.byte(10);
    this.#ends.push(out.length);
  }

  /**
   * Encodes the lines waiting in #pending, joined, with one `encodeInto`: one call per line
   * cost more than building the lines (on ASCII lines about 1.6 µs against 0.15 for 256 lines
   * at once, per line). Their ends come from their lengths when every byte is ASCII (the
   * UTF-8 length of a string equals its length only then), else from the newlines in the
   * bytes; a line with a newline of its own (not one from `JSON.stringify`) is encoded alone,
   * as before, so the bytes are the same in every case.
   */
  #encodePending(): void {
    const lines = this.#pending;
    const n = lines.length;
    if (n === 0) return;
    this.#pending = [];
    const out = this.#out;
    const ends = this.#ends;
    const start = out.length;
    const joined = lines.join("\n");
    out.text(joined);
    out.byte(10);
    if (out.length - start === joined.length + 1) {
      let end = start;
      for (let k = 0; k < n; k++) ends.push(end += lines[k]!.length + 1);
      return;
    }
    const bytes = out.buffer;
    const stop = out.length;
    let k = 0;
    for (let i = bytes.indexOf(10, start); i !== -1 && i < stop; i = bytes.indexOf(10, i + 1)) {
      ends.push(i + 1);
      k++;
    }
    if (k === n) return;
    // A line holds a newline: one line at a time.
    ends.length -= k;
    out.truncate(start);
    for (const line of lines) {
      out.text(line);
      out.byte(10);
      ends.push(out.length);
    }
  }

  /**
   * Adds lines another batch encoded (its {@link take}), after this batch's own: the same as
   * adding their records here one by one.
   */
  addEncoded(lines: EncodedLines): void {
    this.#encodePending();
    const n = lines.ids.length;
    this.#room(n);
    this.#prints.set(lines.prints.subarray(0, 2 * n), 2 * this.ids.length);
    const base = this.#out.length;
    this.#out.raw(lines.bytes);
    for (let k = 0; k < n; k++) {
      this.ids.push(lines.ids[k]!);
      this.#ends.push(base + lines.ends[k]!);
    }
  }

  /**
   * The lines added so far as {@link EncodedLines} (copies, free to hand to another thread),
   * and an empty batch again (the buffer is kept).
   */
  take(): EncodedLines {
    this.#encodePending();
    const n = this.ids.length;
    const out: EncodedLines = {
      bytes: this.#out.bytes.slice(),
      ends: this.#ends.splice(0, n),
      prints: this.#prints.slice(0, 2 * n),
      ids: this.ids.splice(0, n),
    };
    this.#out.clear();
    return out;
  }
}
