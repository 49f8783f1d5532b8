/**
 * A small map of answers kept for reuse that forgets its oldest entries beyond a bound: the
 * workspace keeps pages, totals, profiles and hit lists in them, each with the change stamp it
 * was read at (see `freshness.ts`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { Kept } from "./kept.ts";
 * const kept = new Kept<number>(2);
 * kept.set("a", 1).set("b", 2).set("c", 3);
 * strictEqual(kept.has("a"), false);
 * strictEqual(kept.get("c"), 3);
 * ```
 *
 * @module
 */

/** Answers kept for reuse, at most this many of each kind (the oldest go first). */
const MAX_KEPT = 256;

/** A map that forgets its oldest entries beyond `max` (@default 256). */
export class Kept<V> extends Map<string, V> {
  readonly #max: number;

  /** An empty map of at most `max` entries. */
  constructor(max: number = MAX_KEPT) {
    super();
    this.#max = max;
  }

  /** Sets `key` as the newest entry, forgetting the oldest beyond the bound. */
  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.#max) this.delete(this.keys().next().value!);
    return this;
  }
}
