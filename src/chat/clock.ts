/**
 * Time for the chat sources and the runner, injected so that tests drive it instead of waiting
 * on the wall clock: the time now, one-shot timers, and an abortable sleep built on them.
 *
 * The system clock's timers accept any delay: `setTimeout` holds a signed 32-bit delay, and a
 * longer one (24.8 days and more, such as a 30-day `--duration-seconds`) would fire at once, so
 * long delays are chained in steps under the limit.
 *
 * @module
 */

/** A source of time and timers. */
export interface Clock {
  /** The time in epoch milliseconds. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now; returns a function that cancels the call. */
  after(ms: number, fn: () => void): () => void;
}

/** The longest delay `setTimeout` takes as given (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` after `ms` through `setTimer` (a `setTimeout`), in steps of at most
 * {@link MAX_TIMER_MS}, so that no delay is cut short by the 32-bit limit. Returns a canceller.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { longTimeout, MAX_TIMER_MS } from "./clock.ts";
 * const asked: number[] = [];
 * const cancel = longTimeout(30 * 86_400_000, () => {}, (_fn, ms) => {
 *   asked.push(ms);
 *   return 0;
 * }, () => {});
 * assert.deepEqual(asked, [MAX_TIMER_MS]);
 * cancel();
 * ```
 */
export function longTimeout<Id = ReturnType<typeof setTimeout>>(
  ms: number,
  fn: () => void,
  setTimer: (fn: () => void, ms: number) => Id = setTimeout as never,
  clearTimer: (id: Id) => void = clearTimeout as never,
): () => void {
  let left = Number.isFinite(ms) && ms > 0 ? ms : 0;
  let id: Id;
  let cancelled = false;
  const step = () => {
    if (cancelled) return;
    if (left <= 0) {
      fn();
      return;
    }
    const now = Math.min(left, MAX_TIMER_MS);
    left -= now;
    id = setTimer(step, now);
  };
  const first = Math.min(left, MAX_TIMER_MS);
  left -= first;
  id = setTimer(step, first);
  return () => {
    cancelled = true;
    clearTimer(id);
  };
}

/** The real clock: `Date.now` and `setTimeout` without the 32-bit limit. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after: (ms, fn) => longTimeout(ms, fn),
};

/**
 * Resolves after `ms` on `clock`, or as soon as `signal` aborts (never rejects).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep, systemClock } from "./clock.ts";
 * const controller = new AbortController();
 * const waiting = sleep(systemClock, 60_000, controller.signal);
 * controller.abort();
 * assert.equal(await waiting, undefined);
 * ```
 */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      cancel();
      signal.removeEventListener("abort", done);
      resolve();
    };
    const cancel = clock.after(ms, done);
    signal.addEventListener("abort", done, { once: true });
  });
}
