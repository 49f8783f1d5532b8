/**
 * `search messages`: the query, its reading from flags and from the query language (the two
 * produce one typed query, `store/message_query.ts`), and its execution through the Store
 * with the opt-out list applied below it (see {@link searchMessages}): opted-out users and
 * channels are neither served nor counted.
 *
 * Semantics, the same in every store: `matchesMessage` in `store/message_query.ts` decides;
 * newest first, ties by `message_id` ascending; `offset` skipped, then at most `limit`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { fold, normalizeLogin, normalizeTimestamp } from "../normalize.ts";
import type {
  MessagePage,
  MessageQuery,
  SearchMessagesOptions as StoreSearchOptions,
  Store,
} from "../store/store.ts";
import { both, only, type QueryFilter } from "../store/message_query.ts";
import { type PrivacyFilter, privacyFilter, withOptOut } from "./privacy_filter.ts";
import { parseQuery } from "./query_language.ts";

/** A search, normalized (the Store's message query: the typed query and its page). */
export type SearchQuery = MessageQuery;

/** The most results one search returns. */
export const MAX_LIMIT = 1_000_000;

/** The default number of results. */
export const DEFAULT_LIMIT = 20;

const RELATIVE_RE = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|wk|wks)$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

/**
 * Reads a time bound: ISO 8601 (no offset means UTC), a date (`2025-09-02`, midnight UTC),
 * epoch milliseconds, or a relative form counted back from `now` (`30m`, `2h`, `7d`, `1w`, `45s`).
 * Throws UsageError naming the flag.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseTimeBound } from "./search.ts";
 * deepStrictEqual(parseTimeBound("2h", "--since", 7_200_000), 0);
 * deepStrictEqual(parseTimeBound("2025-09-02", "--since", 0), Date.parse("2025-09-02T00:00:00Z"));
 * ```
 */
export function parseTimeBound(input: string, flag: string, now: number): number {
  const s = input.trim();
  const rel = RELATIVE_RE.exec(s);
  if (rel) {
    const unit = rel[2]!.toLowerCase();
    const ms = UNIT_MS[unit === "min" || unit === "mins" ? "m" : unit[0]!]!;
    return now - Math.round(Number(rel[1]) * ms);
  }
  const n = normalizeTimestamp(s);
  if (!n.ok) {
    throw new UsageError(
      `${flag}: cannot read "${input}" as a time (ISO 8601 like 2025-09-02T12:00:00Z, ` +
        `a date like 2025-09-02, epoch ms, or relative like 30m, 2h, 7d)`,
    );
  }
  return Date.parse(n.value);
}

/** The needles of `--contains`: whitespace-separated, folded. */
export function searchTerms(contains: string): string[] {
  return contains.split(/\s+/).filter((t) => t !== "").map(fold);
}

/** The raw options of a search, as flags give them. */
export interface SearchOptions {
  by?: string;
  value?: string;
  since?: string;
  until?: string;
  contains?: string;
  /** A query of the language (see `query/query_language.ts`), AND'ed with the other flags. */
  query?: string;
  limit?: string | number;
  offset?: string | number;
}

/** Reads a whole-number flag of at least `min`. */
function wholeNumber(flag: string, v: string | number, min: number): number {
  const raw = String(v).trim();
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`${flag} must be a whole number, got "${v}"`);
  const n = Number(raw);
  if (n < min) throw new UsageError(`${flag} must be at least ${min}, got ${n}`);
  return n;
}

/**
 * Checks and normalizes search options into the typed query the language also produces:
 * `--by user --value x` is `from:x`, `--by channel` is `in:`, each word of `--contains` a text
 * term, `--since`/`--until` the time window (`after:`/`before:`). Throws UsageError with a
 * clear message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildQuery } from "./search.ts";
 * import { parseQuery } from "./query_language.ts";
 * const { limit: _, ...flags } = buildQuery({ by: "user", value: "Fan88", contains: "is he" });
 * assert.deepEqual(flags, parseQuery("from:fan88 is he"));
 * ```
 */
export function buildQuery(
  o: SearchOptions,
  now: number = Date.now(),
  target: "messages" | "events" = "messages",
): SearchQuery {
  let mq: QueryFilter = { clauses: [] };
  if (o.by !== undefined) {
    if (o.by !== "user" && o.by !== "channel") {
      throw new UsageError(`--by must be "user" or "channel", got "${o.by}"`);
    }
    if (o.value === undefined || o.value.trim() === "") {
      throw new UsageError(`--by ${o.by} needs --value (the ${o.by} to search)`);
    }
    const n = normalizeLogin(o.value);
    if (!n.ok) throw new UsageError(`--value: ${n.reason}`);
    mq.clauses.push(only({ field: o.by === "user" ? "from" : "in", value: n.value }));
  } else if (o.value !== undefined) {
    throw new UsageError("--value needs --by user or --by channel");
  }
  if (o.contains !== undefined) {
    const terms = searchTerms(o.contains);
    if (terms.length === 0) throw new UsageError("--contains needs some text");
    for (const value of terms) mq.clauses.push(only({ field: "text", value }));
  }
  if (o.since !== undefined) mq.sinceMs = parseTimeBound(o.since, "--since", now);
  if (o.until !== undefined) mq.untilMs = parseTimeBound(o.until, "--until", now);
  if (mq.sinceMs !== undefined && mq.untilMs !== undefined && mq.sinceMs > mq.untilMs) {
    throw new UsageError(
      `--since (${new Date(mq.sinceMs).toISOString()}) is after --until (${
        new Date(mq.untilMs).toISOString()
      })`,
    );
  }
  if (o.query !== undefined) mq = both(mq, parseQuery(o.query, { now, target }));
  const q: SearchQuery = { ...mq, limit: DEFAULT_LIMIT };
  if (o.limit !== undefined) q.limit = Math.min(wholeNumber("--limit", o.limit, 1), MAX_LIMIT);
  if (o.offset !== undefined) {
    const offset = wholeNumber("--offset", o.offset, 0);
    if (offset > 0) q.offset = offset;
  }
  return q;
}

/** Options of {@link searchMessages}. */
export interface SearchMessagesOptions extends StoreSearchOptions {
  /** The opt-out filter to apply (read from the store when absent). */
  privacy?: PrivacyFilter;
}

/**
 * Runs a message search through the Store, leaving out opted-out users and channels: their
 * messages are neither in the page nor in the total, as if they were not stored (the opt-out
 * list joins the query as `-from:user` and `-in:channel` clauses).
 */
export async function searchMessages(
  store: Store,
  q: SearchQuery,
  options: SearchMessagesOptions = {},
): Promise<MessagePage> {
  const { privacy, ...rest } = options;
  const filter = privacy ?? await privacyFilter(store);
  return await store.searchMessages(withOptOut(q, filter), rest);
}

/** A view's search parameters, as strings (`q`, `limit`, `offset`), like an API's. */
export interface SearchParams {
  /** A query of the language (`from:fan88 dating OR sara -lol`). */
  q?: string;
  limit?: string | number;
  offset?: string | number;
}

/**
 * Reads a view's parameters (an API's `q=`, `limit=`, `offset=`) into a search. A malformed
 * `q` throws QuerySyntaxError (a UsageError: exit 2, HTTP 400) whose message starts with
 * `label` and names the column; a bad limit or offset throws UsageError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { searchFromParams } from "./search.ts";
 * const q = searchFromParams({ q: "from:fan88 dating", limit: "5" });
 * assert.equal(q.limit, 5);
 * assert.equal(q.clauses.length, 2);
 * assert.throws(() => searchFromParams({ q: "from:" }), { message: "q: 1:6: 'from:' needs a value" });
 * ```
 */
export function searchFromParams(
  p: SearchParams,
  options: { label?: string; target?: "messages" | "events"; now?: number } = {},
): SearchQuery {
  const now = options.now ?? Date.now();
  const page = buildQuery({
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    ...(p.offset !== undefined ? { offset: p.offset } : {}),
  }, now);
  if (p.q === undefined) return page;
  const parsed = parseQuery(p.q, {
    label: options.label ?? "q",
    now,
    ...(options.target ? { target: options.target } : {}),
  });
  return {
    ...both(page, parsed),
    limit: page.limit,
    ...(page.offset ? { offset: page.offset } : {}),
  };
}
