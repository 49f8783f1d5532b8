/**
 * Author counts of the interaction graph, summed by person key: shared by the embedded store's
 * log scan and the PostgreSQL store's reads.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { AuthorTally } from "./author_tally.ts";
 * const t = new AuthorTally();
 * t.add("u:1");
 * t.add("u:1", 2);
 * deepStrictEqual(t.counts(), [{ person: "u:1", count: 3 }]);
 * ```
 *
 * @module
 */
import type { AuthorCount } from "./store.ts";

/** Author counts being summed, by person key. */
export class AuthorTally {
  #counts = new Map<string, number>();

  /** Adds `n` messages of `person`. */
  add(person: string, n = 1): void {
    this.#counts.set(person, (this.#counts.get(person) ?? 0) + n);
  }

  /** The sums. */
  counts(): AuthorCount[] {
    return [...this.#counts].map(([person, count]) => ({ person, count }));
  }
}
