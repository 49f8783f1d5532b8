/**
 * Reconnect delays: capped exponential backoff with jitter, so that many monitors dropped by
 * the same server restart do not come back in lockstep.
 *
 * @module
 */

/** Backoff settings. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. @default 1000 */
  baseMs?: number;
  /** The cap of the delay. @default 60000 */
  maxMs?: number;
  /** A uniform random number in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0 for the first): `min(max, base * 2^attempt)`,
 * of which the upper half is random ("equal jitter"), so a delay is never shorter than half
 * its nominal value and never longer than the cap.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backoffDelay } from "./backoff.ts";
 * assert.equal(backoffDelay(3, { baseMs: 100, maxMs: 500, random: () => 0 }), 250);
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = Math.max(0, options.baseMs ?? 1000);
  const max = Math.max(base, options.maxMs ?? 60_000);
  const random = options.random ?? Math.random;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 40);
  const nominal = Math.min(max, base * 2 ** exponent);
  let r = random();
  if (!(r >= 0 && r < 1)) r = 0.5;
  return Math.round(nominal / 2 + r * (nominal / 2));
}
