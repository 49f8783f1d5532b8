/**
 * A blocked Bloom filter over 64-bit fingerprints (two 32-bit halves, see `id_set.ts`): each
 * key sets 8 bits inside one 512-bit block (one cache line), so a lookup costs one memory
 * access however large the filter is. At 12 bits a key it answers "maybe" for about 0.5% of
 * absent keys and never answers "no" for a key it holds.
 *
 * @module
 */

const BLOCK_WORDS = 16; // 512 bits
const BITS_PER_KEY = 12;
const PROBES = 8;

/** A fixed-size blocked Bloom filter sized for a number of keys. */
export class BlockedBloom {
  readonly #words: Int32Array;
  readonly #blocks: number;

  /**
   * A filter for about `keys` keys (more still work, with more false positives).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BlockedBloom } from "./bloom.ts";
   * const bloom = new BlockedBloom(1000);
   * bloom.add(12345, -678);
   * assert.equal(bloom.mayHave(12345, -678), true);
   * ```
   */
  constructor(keys: number) {
    this.#blocks = Math.max(1, Math.ceil((Math.max(1, keys) * BITS_PER_KEY) / 512));
    this.#words = new Int32Array(this.#blocks * BLOCK_WORDS);
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#words.byteLength;
  }

  #base(hi: number): number {
    // Multiply-shift: maps the 32 bits of `hi` evenly onto the blocks.
    return Math.floor(((hi >>> 0) * this.#blocks) / 4294967296) * BLOCK_WORDS;
  }

  /** Adds the key (hi, lo). */
  add(hi: number, lo: number): void {
    const base = this.#base(hi);
    const step = ((lo >>> 9) & 511) | 1;
    for (let i = 0, bit = lo & 511; i < PROBES; i++, bit = (bit + step) & 511) {
      this.#words[base + (bit >>> 5)]! |= 1 << (bit & 31);
    }
  }

  /** False when the key was surely never added. */
  mayHave(hi: number, lo: number): boolean {
    const base = this.#base(hi);
    const step = ((lo >>> 9) & 511) | 1;
    for (let i = 0, bit = lo & 511; i < PROBES; i++, bit = (bit + step) & 511) {
      if ((this.#words[base + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}
