/**
 * What the Store's forget applies and reports: the plan of decisions over records and raw log
 * lines (built by `src/privacy/forget_rule.ts`), what changed in each stored file or table, and
 * where a name still occurs after (the residue check). Part of the `Store` interface
 * (`store.ts`, which re-exports them).
 *
 * @module
 */

/** What a forget plan decides for one record. */
export type RecordDecision = "keep" | "drop" | { replace: Record<string, unknown> };

/**
 * What to forget, as decisions the store applies to its records (built by
 * `src/privacy/forget_rule.ts`). The names and cutoff let an implementation narrow its work
 * (SQL `WHERE`); the functions are the truth.
 */
export interface ForgetPlan {
  users: ReadonlySet<string>;
  channels: ReadonlySet<string>;
  /** Drop records with `ts` strictly before this UTC timestamp; null: none. */
  before: string | null;
  /** Decides one message or event record. */
  record(rec: Record<string, unknown>, kind: "message" | "event"): RecordDecision;
  /**
   * Decides one raw line of a JSONL log (embedded): a cheap pre-filter and the decision for
   * lines that are not JSON objects; `utf8`/`partial` as the line reader saw them, `ts` the
   * line's `"ts"` value as the store's own line format reads it (null when it has none), so the
   * plan needs no knowledge of that format.
   */
  line(
    line: { text: string; utf8: boolean; partial: boolean; ts: string | null },
    kind: "message" | "event",
  ): "keep" | "drop" | { replace: string };
  /**
   * True to drop one entry of a set-aside torn-lines file: its torn bytes, and when the entry
   * had a header, the time it was set aside (from that header; null without one).
   */
  corruptEntry(setAsideAt: string | null, body: string): boolean;
}

/** The outcome of forgetting in one stored file or table. */
export interface ForgetChange {
  /** A path relative to the data dir (embedded) or a table name. */
  file: string;
  removed: number;
  scrubbed: number;
}

/** Where a name still occurs after forget (the residue check). */
export interface Residue {
  /** Path relative to the data dir (or a table). */
  file: string;
  count: number;
  /** True for derived data (index, profiles, reports): rebuilt, never edited in place. */
  derived: boolean;
}
