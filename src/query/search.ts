/**
 * `search messages`: the query, its reading from flags, and its execution through the Store,
 * with the opt-out list applied below the result (see {@link searchMessages}).
 *
 * Semantics, the same in every store:
 * - `by`: the message's `user_name` or `channel` equals the normalized value.
 * - `sinceMs` inclusive, `untilMs` exclusive, on the message's `ts`.
 * - `contains`: split on whitespace; every needle must occur in the text, compared after
 *   `fold` (lowercase, in normalize.ts). Needles are plain substrings: no syntax of any kind.
 * - Newest first, ties by `message_id` ascending; at most `limit` results.
 * - Lines of the log that are not message records are skipped.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { fold, normalizeLogin, normalizeTimestamp } from "../normalize.ts";
import type { MessagePage, MessageQuery, Store } from "../store/store.ts";
import { type PrivacyFilter, privacyFilter, takeAllowed } from "./privacy_filter.ts";

/** A search, normalized (the Store's message query). */
export type SearchQuery = MessageQuery;

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
  limit?: string | number;
}

/**
 * Checks and normalizes search options; throws UsageError with a clear message.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { buildQuery } from "./search.ts";
 * deepStrictEqual(buildQuery({ by: "user", value: "@SomeUser", contains: "Dating  App" }), {
 *   by: { kind: "user", value: "someuser" },
 *   terms: ["dating", "app"],
 *   limit: 20,
 * });
 * ```
 */
export function buildQuery(o: SearchOptions, now: number = Date.now()): SearchQuery {
  const q: SearchQuery = { terms: [], limit: DEFAULT_LIMIT };
  if (o.by !== undefined) {
    if (o.by !== "user" && o.by !== "channel") {
      throw new UsageError(`--by must be "user" or "channel", got "${o.by}"`);
    }
    if (o.value === undefined || o.value.trim() === "") {
      throw new UsageError(`--by ${o.by} needs --value (the ${o.by} to search)`);
    }
    const n = normalizeLogin(o.value);
    if (!n.ok) throw new UsageError(`--value: ${n.reason}`);
    q.by = { kind: o.by, value: n.value };
  } else if (o.value !== undefined) {
    throw new UsageError("--value needs --by user or --by channel");
  }
  if (o.since !== undefined) q.sinceMs = parseTimeBound(o.since, "--since", now);
  if (o.until !== undefined) q.untilMs = parseTimeBound(o.until, "--until", now);
  if (q.sinceMs !== undefined && q.untilMs !== undefined && q.sinceMs > q.untilMs) {
    throw new UsageError(
      `--since (${new Date(q.sinceMs).toISOString()}) is after --until (${
        new Date(q.untilMs).toISOString()
      })`,
    );
  }
  if (o.contains !== undefined) {
    q.terms = searchTerms(o.contains);
    if (q.terms.length === 0) throw new UsageError("--contains needs some text");
  }
  if (o.limit !== undefined) {
    const raw = String(o.limit).trim();
    if (!/^-?\d+$/.test(raw)) {
      throw new UsageError(`--limit must be a whole number, got "${o.limit}"`);
    }
    const n = Number(raw);
    if (n < 1) throw new UsageError(`--limit must be at least 1, got ${n}`);
    q.limit = Math.min(n, 1_000_000);
  }
  return q;
}

/** Options of {@link searchMessages}. */
export interface SearchMessagesOptions {
  /** Read the whole log instead of the index (same results). @default false */
  scan?: boolean;
  /** Also count every match the opt-out list allows. @default false */
  total?: boolean;
  /** The opt-out filter to apply (read from the store when absent). */
  privacy?: PrivacyFilter;
}

/**
 * Runs a message search through the Store and leaves out opted-out users and channels: the
 * result is what the search would give if their messages were not stored (asking the Store
 * for more while some were filtered out). `total` counts every allowed match.
 */
export async function searchMessages(
  store: Store,
  q: SearchQuery,
  options: SearchMessagesOptions = {},
): Promise<MessagePage> {
  const privacy = options.privacy ?? await privacyFilter(store);
  let page!: MessagePage;
  let first = true;
  const messages = await takeAllowed(
    async (limit) => {
      // The total does not depend on the page size: count it once.
      const total = options.total === true && first;
      first = false;
      const r = await store.searchMessages({ ...q, limit }, {
        ...(options.scan ? { scan: true } : {}),
        ...(total ? { total: true, exclude: privacy.exclusion() } : {}),
      });
      page = r.total === undefined && page?.total !== undefined ? { ...r, total: page.total } : r;
      return r.messages;
    },
    q.limit,
    (m) => privacy.allows(m.user_name, m.channel),
  );
  return { ...page, messages };
}
