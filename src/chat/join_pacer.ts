/**
 * Paces JOIN commands under Twitch's limit (20 channels per 10 seconds for a normal account;
 * more for verified bots): a sliding window over the times already reserved. One pacer is
 * shared by every connection of a monitor, since the limit is per account.
 *
 * @module
 */

/** A sliding-window rate limiter that hands out send times. Pure: the clock is passed in. */
export class JoinPacer {
  readonly limit: number;
  readonly windowMs: number;
  // Reserved send times, non-decreasing; only the last `limit` matter.
  #times: number[] = [];

  /** At most `limit` JOINs in any `windowMs` milliseconds. */
  constructor(limit: number, windowMs: number) {
    if (!(limit >= 1) || !(windowMs > 0)) {
      throw new RangeError(
        `join pacing needs limit >= 1 and window > 0 (got ${limit}, ${windowMs})`,
      );
    }
    this.limit = Math.floor(limit);
    this.windowMs = windowMs;
  }

  /**
   * Reserves the earliest send time at or after `now` that keeps the limit, and returns it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JoinPacer } from "./join_pacer.ts";
   * const pacer = new JoinPacer(2, 1000);
   * assert.deepEqual([pacer.reserve(0), pacer.reserve(0), pacer.reserve(0)], [0, 0, 1000]);
   * ```
   */
  reserve(now: number): number {
    const times = this.#times;
    let at = now;
    const last = times[times.length - 1];
    if (last !== undefined && last > at) at = last;
    if (times.length >= this.limit) {
      const bound = times[times.length - this.limit]! + this.windowMs;
      if (bound > at) at = bound;
    }
    times.push(at);
    if (times.length > this.limit * 2) times.splice(0, times.length - this.limit);
    return at;
  }
}
