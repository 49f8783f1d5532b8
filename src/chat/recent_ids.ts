/**
 * A window of recently seen ids, bounded in count and in memory: the live source yields a
 * message replayed after a reconnect (seconds old, never hours) only once. The store
 * deduplicates by id as well; this window keeps replays from reaching it at all.
 *
 * It holds 64-bit fingerprints of the ids in two fixed hash tables (generations), not the ids:
 * nothing is allocated per id, and no id keeps the WebSocket message it was sliced from alive.
 * When the newer generation is full, the older one is cleared and becomes the newer, so the
 * window holds the last `capacity` to `2 × capacity` ids. Two different ids share a fingerprint
 * with a probability of about 2^-64 per pair: over a window of 200,000 ids, one wrongly dropped
 * message in about 10^14 (and the store would have kept the first of the two anyway).
 *
 * @module
 */

/** One generation: open addressing over pairs of 32-bit halves; (0, 0) is an empty slot. */
class FingerprintTable {
  readonly #slots: Int32Array;
  readonly #mask: number;
  size = 0;

  constructor(capacity: number) {
    let n = 1;
    while (n < capacity * 2) n *= 2; // load factor at most 1/2
    this.#slots = new Int32Array(n * 2);
    this.#mask = n - 1;
  }

  has(a: number, b: number): boolean {
    const slots = this.#slots;
    for (let i = a & this.#mask;; i = (i + 1) & this.#mask) {
      const x = slots[i * 2]!, y = slots[i * 2 + 1]!;
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
    }
  }

  add(a: number, b: number): void {
    const slots = this.#slots;
    let i = a & this.#mask;
    while (slots[i * 2] !== 0 || slots[i * 2 + 1] !== 0) i = (i + 1) & this.#mask;
    slots[i * 2] = a;
    slots[i * 2 + 1] = b;
    this.size++;
  }

  clear(): void {
    this.#slots.fill(0);
    this.size = 0;
  }
}

/** The last `capacity` (up to twice as many) distinct ids, as fingerprints. */
export class RecentIds {
  readonly capacity: number;
  #newer: FingerprintTable;
  #older: FingerprintTable;

  /** Remembers at least the last `capacity` ids. */
  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1 (got ${capacity})`);
    this.capacity = Math.floor(capacity);
    this.#newer = new FingerprintTable(this.capacity);
    this.#older = new FingerprintTable(this.capacity);
  }

  /**
   * Adds `id`; false when it is in the window already.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RecentIds } from "./recent_ids.ts";
   * const recent = new RecentIds(1);
   * assert.equal(recent.add("a"), true);
   * assert.equal(recent.add("a"), false);
   * recent.add("b");
   * recent.add("c"); // "a" leaves the window (which holds one to two ids)
   * assert.equal(recent.add("a"), true);
   * ```
   */
  add(id: string): boolean {
    // Two independent 32-bit hashes (FNV-1a and a multiply-xorshift), over UTF-16 units.
    let a = 0x811c9dc5 | 0;
    let b = 0x9747b28c | 0;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35) ^ id.length;
    if (a === 0 && b === 0) b = 1;
    if (this.#newer.has(a, b) || this.#older.has(a, b)) return false;
    if (this.#newer.size >= this.capacity) {
      const older = this.#older;
      older.clear();
      this.#older = this.#newer;
      this.#newer = older;
    }
    this.#newer.add(a, b);
    return true;
  }
}
