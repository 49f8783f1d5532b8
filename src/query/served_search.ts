/**
 * The searches a view serves: the query language and paging read from a view's parameters,
 * and run with the opt-out list applied below them (opted-out users and channels are neither
 * served nor counted). The CLI's `search` and the API's `q=` both go through here.
 *
 * @module
 */
import { optOutClauses } from "../privacy/optout.ts";
import {
  buildQuery,
  search,
  type SearchQuery,
  type SearchResult,
  type SearchRunOptions,
} from "./search.ts";
import { type EventQuery, type EventResult, searchEvents } from "./events.ts";
import { parseQuery } from "./query_language.ts";
import { both } from "./message_query.ts";

/** A view's search parameters, as strings (`q`, `limit`, `offset`), like an API's. */
export interface SearchParams {
  /** A query of the language (`from:fan88 dating OR sara -lol`). */
  q?: string;
  limit?: string | number;
  offset?: string | number;
}

/**
 * Reads a view's parameters into a search. A malformed `q` throws QuerySyntaxError (a
 * UsageError: exit 2, HTTP 400) whose message starts with `label` and names the column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { searchFromParams } from "./served_search.ts";
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

/** {@link search} with the opt-out list applied: what any view may show. */
export async function searchServed(
  dataDir: string,
  q: SearchQuery,
  options: SearchRunOptions = {},
): Promise<SearchResult> {
  return await search(dataDir, await withOptOut(dataDir, q), options);
}

/** {@link searchEvents} with the opt-out list applied. */
export async function searchEventsServed(dataDir: string, q: EventQuery): Promise<EventResult> {
  return await searchEvents(dataDir, await withOptOut(dataDir, q));
}

async function withOptOut<Q extends SearchQuery>(dataDir: string, q: Q): Promise<Q> {
  const clauses = await optOutClauses(dataDir);
  return clauses.length ? { ...q, clauses: [...q.clauses, ...clauses] } : q;
}
