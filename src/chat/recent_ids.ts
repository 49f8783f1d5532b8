/**
 * A window of recently seen ids, bounded in count: the live source yields a message replayed
 * after a reconnect (seconds old, never hours) only once. The store deduplicates by id as well;
 * this window keeps replays from reaching it at all.
 *
 * @module
 */

/** The last `capacity` distinct ids; the oldest is forgotten first. */
export class RecentIds {
  #set = new Set<string>();
  #ring: string[];
  #next = 0;

  /** Remembers up to `capacity` ids. */
  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1 (got ${capacity})`);
    this.#ring = new Array<string>(Math.floor(capacity)).fill("");
  }

  /**
   * Adds `id`; false when it is in the window already.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RecentIds } from "./recent_ids.ts";
   * const recent = new RecentIds(2);
   * assert.equal(recent.add("a"), true);
   * assert.equal(recent.add("a"), false);
   * recent.add("b");
   * recent.add("c"); // "a" leaves the window
   * assert.equal(recent.add("a"), true);
   * ```
   */
  add(id: string): boolean {
    if (this.#set.has(id)) return false;
    // An id sliced from a WebSocket message would keep that whole message (hundreds of lines)
    // alive for as long as the id is remembered: keep a copy of its own instead.
    id = (" " + id).slice(1);
    const old = this.#ring[this.#next]!;
    if (old) this.#set.delete(old);
    this.#ring[this.#next] = id;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#set.add(id);
    return true;
  }
}
