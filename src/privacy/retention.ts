/**
 * Retention: messages and events older than N days are forgotten like a user is (a forget
 * selector with `before`), by `forget --older-than-days N` or `--retention`.
 *
 * @module
 */

/**
 * The UTC cutoff of a retention of `days` days at `nowMs`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { retentionCutoff } from "./retention.ts";
 * deepStrictEqual(retentionCutoff(1, Date.parse("2025-09-02T00:00:00Z")), "2025-09-01T00:00:00.000Z");
 * ```
 */
export function retentionCutoff(days: number, nowMs: number): string {
  return new Date(nowMs - days * 86_400_000).toISOString();
}
