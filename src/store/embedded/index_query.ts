/**
 * What a search asks of the embedded index ({@link IndexQuery}, {@link IndexLiteral}) and what
 * it answers ({@link Candidate}: enough to order results and read the record from the log), in
 * the one order every result list uses.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { compareCandidates } from "./index_query.ts";
 * const a = { ts: 2, mid: "b" }, b = { ts: 2, mid: "a" }, c = { ts: 1, mid: "a" };
 * deepStrictEqual([c, a, b].sort(compareCandidates), [b, a, c]);
 * ```
 *
 * @module
 */

/** A search over the indexed prefix. */
export interface IndexQuery {
  user?: string;
  /** Any of these person keys (`#<user_id>`, or a login for messages without an id). */
  persons?: readonly string[];
  channel?: string;
  /** Inclusive lower bound, epoch ms. */
  sinceMs?: number;
  /** Exclusive upper bound, epoch ms. */
  untilMs?: number;
  /** Folded needles: all must occur in the folded text. */
  terms: readonly string[];
  /**
   * Further conditions the index can check: each an OR of literals over the folded text, the
   * user, the channel, the person and (not negated) a regex over the text as written (all must
   * hold).
   */
  clauses?: readonly (readonly IndexLiteral[])[];
  limit: number;
}

/**
 * A condition of {@link IndexQuery.clauses}: a folded needle, a user, a channel or a person,
 * maybe negated; or a regex (its source as `value`, and its `flags`), which the index tests on
 * the text as written (`regex_function.ts`) and which the plan never negates.
 */
export interface IndexLiteral {
  negated: boolean;
  field: "text" | "user" | "channel" | "person" | "regex";
  value: string;
  /** The regex's flags (field `regex` only). */
  flags?: string;
}

/** A matching row: enough to order results and read the record from the log. */
export interface Candidate {
  ts: number;
  mid: string;
  offset: number;
  length: number;
}

/** Orders candidates newest first, ties by message_id ascending (code unit order). */
export function compareCandidates(
  a: { ts: number; mid: string },
  b: { ts: number; mid: string },
): number {
  return b.ts - a.ts || (a.mid < b.mid ? -1 : a.mid > b.mid ? 1 : 0);
}

/** The first `limit` of a sorted list (ties beyond are not needed: the order is total). */
export function cutWithTies(sorted: Candidate[], limit: number): Candidate[] {
  return sorted.length > limit ? sorted.slice(0, limit) : sorted;
}
