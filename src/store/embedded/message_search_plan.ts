/**
 * How the embedded store runs one message search: what the index can narrow and check of the
 * query and what the records read back must check ({@link indexPlan}), and the search
 * prepared to run ({@link prepareSearch}: the plan, the deleted messages `is:deleted` needs,
 * how many results, the time budgets).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { indexPlan } from "./message_search_plan.ts";
 * const plan = indexPlan({ clauses: [[{ negated: false, term: { field: "from", value: "ann" } }]] });
 * deepStrictEqual(plan, { index: { terms: [], clauses: [], user: "ann" }, exact: true, lineNeedle: "ann" });
 * ```
 *
 * @module
 */
import type { Literal, MatchContext, QueryFilter } from "../message_query.ts";
import type { IndexLiteral, IndexQuery } from "./index_query.ts";
import { regexLiterals } from "./regex_literals.ts";
import { deletions } from "./event_search.ts";
import { type Budget, budgetOf } from "./message_scan.ts";
import type { MessagePage, MessageQuery, SearchMessagesOptions } from "../store.ts";

/** True when some term of `q` checks which messages were deleted (`is:deleted`). */
function needsDeletions(q: QueryFilter): boolean {
  return q.clauses.some((c) => c.some((l) => l.term.field === "is" && l.term.value === "deleted"));
}

/** True when `q` holds a regex (what the time budget is for). */
function hasRegex(q: QueryFilter): boolean {
  return q.clauses.some((c) => c.some((l) => l.term.field === "regex"));
}

/** What the index can do for a query: narrow it, and whether that is the whole check. */
export interface IndexPlan {
  /** The query the index runs (without limit). */
  index: Omit<IndexQuery, "limit">;
  /** True when the index's answer is exactly the matches (no check on records needed). */
  exact: boolean;
  /** A login every match's line holds verbatim (a scan skips lines without it). */
  lineNeedle: string | null;
}

/** The index literal of a term, when the index can check it. */
function indexLiteral(l: Literal): IndexLiteral | null {
  const t = l.term;
  if (t.field === "text") return { negated: l.negated, field: "text", value: t.value };
  if (t.field === "from") return { negated: l.negated, field: "user", value: t.value };
  if (t.field === "in") return { negated: l.negated, field: "channel", value: t.value };
  if (t.field === "person") return { negated: l.negated, field: "person", value: t.value };
  // Not negated only: a regex whose time budget runs out counts as not matching, which may
  // leave a match out (and says so) but never lets a row in.
  if (t.field === "regex" && !l.negated) {
    return { negated: false, field: "regex", value: t.source, flags: t.flags };
  }
  return null;
}

/** Splits a query into what the index narrows by and checks, and what records must check. */
export function indexPlan(q: QueryFilter): IndexPlan {
  const index: Omit<IndexQuery, "limit"> & {
    terms: string[];
    clauses: IndexLiteral[][];
    persons?: string[];
  } = {
    terms: [],
    clauses: [],
  };
  if (q.sinceMs !== undefined) index.sinceMs = q.sinceMs;
  if (q.untilMs !== undefined) index.untilMs = q.untilMs;
  let exact = true;
  let lineNeedle: string | null = null;
  for (const clause of q.clauses) {
    const one = clause.length === 1 && !clause[0]!.negated ? clause[0]!.term : null;
    if (one?.field === "from" && index.user === undefined) {
      index.user = lineNeedle = one.value;
      continue;
    }
    if (one?.field === "in" && index.channel === undefined) {
      index.channel = one.value;
      lineNeedle ??= one.value;
      continue;
    }
    if (one?.field === "text") {
      index.terms.push(one.value);
      continue;
    }
    if (one?.field === "regex") {
      // A literal every match contains narrows through FTS; the index tests the regex itself
      // on the text as written (`regex_function.ts`).
      index.terms.push(...regexLiterals(one.source, one.flags));
      index.clauses.push([{ negated: false, field: "regex", value: one.source, flags: one.flags }]);
      continue;
    }
    if (
      index.persons === undefined && clause.length > 0 &&
      clause.every((l) => !l.negated && l.term.field === "person")
    ) {
      // A person: the OR of their keys, walked through the person index.
      index.persons = clause.map((l) => (l.term as { value: string }).value);
      continue;
    }
    const lits = clause.map(indexLiteral);
    if (lits.every((l) => l !== null)) index.clauses.push(lits as IndexLiteral[]);
    else exact = false;
  }
  return { index, exact, lineNeedle };
}

/**
 * How many times the page's results the first pass of a count on a budget counts to
 * (`cappedCount` and `checkedCount` of `indexed_search.ts`; at least {@link FIRST_COUNT_CAP}).
 * The first pass runs whatever the budget, so it does about twice the page's work; each pass
 * after it runs only when its last one says it ends within the budget. A first pass of 1,000
 * cost a cold process at 10M rows ~100 ms against a 40 ms budget.
 */
const FIRST_COUNT_PAGES = 2;
/** The least first cap of a count on a budget. */
const FIRST_COUNT_CAP = 40;

/** Options of `search` and `scanSearch` (`message_search.ts`). */
export interface SearchRunOptions extends SearchMessagesOptions {
  /** Rows the first counting pass on a budget counts up to. @default 40, or twice the page */
  firstCountCap?: number;
}

/** How a search was answered. */
export type SearchResult = MessagePage & { via: "index" | "scan" };

/** The default time budget of a regex. */
const REGEX_BUDGET_MS = 5000;

/** A search ready to run: the query, its plan, and what its answer must hold. */
export interface Prepared {
  q: MessageQuery;
  plan: IndexPlan;
  ctx: MatchContext;
  /** Results wanted before the page is cut: offset + limit. */
  need: number;
  find: Budget;
  counting: boolean;
  countBudgetMs: number | undefined;
  firstCountCap: number;
  now: () => number;
}

/** Prepares `q` to run over the data dir. */
export async function prepareSearch(
  dataDir: string,
  q: MessageQuery,
  o: SearchRunOptions,
): Promise<Prepared> {
  const now = o.now ?? (() => performance.now());
  const ctx: MatchContext = {
    deleted: needsDeletions(q) ? await deletions(dataDir) : new Set<string>(),
  };
  return {
    q,
    plan: indexPlan(q),
    ctx,
    need: (q.offset ?? 0) + q.limit,
    find: budgetOf(hasRegex(q) ? o.regexBudgetMs ?? REGEX_BUDGET_MS : undefined, now),
    counting: o.total !== undefined && o.total !== false,
    countBudgetMs: typeof o.total === "object" ? o.total.budgetMs : undefined,
    firstCountCap: o.firstCountCap ??
      Math.max(FIRST_COUNT_CAP, FIRST_COUNT_PAGES * ((q.offset ?? 0) + q.limit)),
    now,
  };
}
