/**
 * A compact set of record ids for the log's dedup window: 64-bit fingerprints of each id and the
 * byte offset of its line, in typed arrays (16 bytes a slot, at most 64 bytes an id at the
 * worst load) instead of a `Set<string>` (well over 100 bytes an id). Fingerprints can
 * collide, so a fingerprint match only names candidate offsets; the log confirms by reading
 * the id there. The log keeps only its recent ids here and the rest on disk (`id_runs.ts`).
 *
 * @module
 */

/** Two independent 32-bit hashes of a string (FNV-1a and a multiplicative variant). */
export function fingerprint(s: string): [number, number] {
  let a = 0x811c9dc5 | 0;
  let b = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a | 0, (b ^ (b >>> 13)) | 0];
}

/**
 * {@link fingerprint} written into `out` at `at` (high half) and `at + 1` (low half): the same
 * two numbers without a pair to allocate, for the log's append, which hashes every id.
 */
export function fingerprintInto(s: string, out: Int32Array, at: number): void {
  let a = 0x811c9dc5 | 0;
  let b = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  out[at] = a;
  out[at + 1] = b ^ (b >>> 13);
}

/** Fingerprint -> offsets, open addressing with linear probing. */
export class IdSet {
  #hi: Int32Array;
  #lo: Int32Array;
  #off: Float64Array;
  #mask: number;
  #count = 0;

  constructor(capacity = 1 << 16) {
    const size = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.#hi = new Int32Array(size);
    this.#lo = new Int32Array(size);
    this.#off = new Float64Array(size).fill(-1);
    this.#mask = size - 1;
  }

  /** Number of ids added. */
  get size(): number {
    return this.#count;
  }

  /** Empties the set. */
  clear(): void {
    this.#off.fill(-1);
    this.#count = 0;
  }

  /** Records `id` at `offset` (its line's first byte in the log). */
  add(id: string, offset: number): void {
    this.addFingerprint(fingerprint(id), offset);
  }

  /** {@link add} with the id's fingerprint already computed. */
  addFingerprint([h, l]: readonly [number, number], offset: number): void {
    this.addPrint(h, l, offset);
  }

  /** {@link addFingerprint} with the fingerprint's halves as two numbers. */
  addPrint(h: number, l: number, offset: number): void {
    if ((this.#count + 1) * 2 > this.#off.length) this.#grow();
    this.#put(h, l, offset);
    this.#count++;
  }

  /** False when `id` is surely absent; true when a line with the same fingerprint exists. */
  mayHave(id: string): boolean {
    return this.mayHaveFingerprint(fingerprint(id));
  }

  /** {@link mayHave} with the id's fingerprint already computed. */
  mayHaveFingerprint([h, l]: readonly [number, number]): boolean {
    return this.mayHavePrint(h, l);
  }

  /** {@link mayHaveFingerprint} with the fingerprint's halves as two numbers. */
  mayHavePrint(h: number, l: number): boolean {
    for (let i = h & this.#mask;; i = (i + 1) & this.#mask) {
      const off = this.#off[i]!;
      if (off < 0) return false;
      if (this.#hi[i] === h && this.#lo[i] === l) return true;
    }
  }

  /** Offsets of lines whose id has the same fingerprint as `id` (usually none or one). */
  candidates(id: string): number[] {
    return this.candidatesOf(fingerprint(id));
  }

  /** {@link candidates} with the id's fingerprint already computed. */
  candidatesOf([h, l]: readonly [number, number]): number[] {
    const out: number[] = [];
    for (let i = h & this.#mask;; i = (i + 1) & this.#mask) {
      const off = this.#off[i]!;
      if (off < 0) return out;
      if (this.#hi[i] === h && this.#lo[i] === l) out.push(off);
    }
  }

  /** Every entry as parallel arrays of fingerprint halves and offsets (in no order). */
  entries(): { hi: Int32Array; lo: Int32Array; off: Float64Array; n: number } {
    const n = this.#count;
    const hi = new Int32Array(n), lo = new Int32Array(n), off = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < this.#off.length; i++) {
      if (this.#off[i]! < 0) continue;
      hi[k] = this.#hi[i]!;
      lo[k] = this.#lo[i]!;
      off[k++] = this.#off[i]!;
    }
    return { hi, lo, off, n: k };
  }

  #put(h: number, l: number, offset: number): void {
    let i = h & this.#mask;
    while (this.#off[i]! >= 0) i = (i + 1) & this.#mask;
    this.#hi[i] = h;
    this.#lo[i] = l;
    this.#off[i] = offset;
  }

  #grow(): void {
    const hi = this.#hi, lo = this.#lo, off = this.#off;
    const size = off.length * 2;
    this.#hi = new Int32Array(size);
    this.#lo = new Int32Array(size);
    this.#off = new Float64Array(size).fill(-1);
    this.#mask = size - 1;
    for (let i = 0; i < off.length; i++) if (off[i]! >= 0) this.#put(hi[i]!, lo[i]!, off[i]!);
  }
}
