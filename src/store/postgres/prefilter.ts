/**
 * How the PostgreSQL store narrows a query in SQL: the part of a typed query that SQL can
 * decide exactly (a sole positive `from:`/`in:` literal in its own clause, the time window,
 * positive text literals through the folded text), the rest being checked on each candidate by
 * the reference predicate of `message_query.ts`, as the embedded store checks it.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import type { AboutQuery } from "../store.ts";
import type { QueryFilter } from "../message_query.ts";
import type { PgMessageFilter } from "./messages.ts";

/**
 * What SQL can narrow a query by (a sole positive `from:`/`in:` literal in its own clause, the
 * time window, positive text literals through the folded text), and whether that is the whole
 * query (`exact`): otherwise the rest is checked on each candidate. `persons`: the keys of the
 * first clause made only of positive person literals (a search by person), which the caller
 * narrows to the logins those persons used (`PgMessageFilter.users`, a superset).
 */
export function pgPrefilter(
  q: QueryFilter,
): { filter: PgMessageFilter; exact: boolean; persons?: string[] } {
  const terms: string[] = [];
  const filter: PgMessageFilter = { terms };
  let persons: string[] | undefined;
  if (q.sinceMs !== undefined) filter.sinceMs = q.sinceMs;
  if (q.untilMs !== undefined) filter.untilMs = q.untilMs;
  let exact = true;
  for (const clause of q.clauses) {
    const one = clause.length === 1 && !clause[0]!.negated ? clause[0]!.term : null;
    if (one?.field === "from" && filter.user === undefined) {
      filter.user = one.value;
    } else if (one?.field === "in" && filter.channel === undefined) {
      filter.channel = one.value;
    } else if (one?.field === "text") {
      terms.push(one.value);
    } else {
      exact = false;
      if (
        persons === undefined && clause.length > 0 &&
        clause.every((l) => !l.negated && l.term.field === "person")
      ) {
        persons = clause.map((l) => (l.term as { value: string }).value);
      }
    }
  }
  return persons === undefined ? { filter, exact } : { filter, exact, persons };
}

/**
 * True when some term of `q` checks which messages were deleted (`is:deleted`).
 */
export function needsDeletions(q: QueryFilter): boolean {
  return q.clauses.some((c) => c.some((l) => l.term.field === "is" && l.term.value === "deleted"));
}

/** True when a message concerns the subject of `q` (as the embedded store decides it). */
export function concerns(m: Message, q: AboutQuery): boolean {
  const hits = m.hits ?? [];
  if (q.subjectKey !== undefined ? hits.some((h) => h.subject_key === q.subjectKey) : hits.length) {
    return true;
  }
  if (q.user === undefined) return false;
  return m.user_name === q.user || (m.signals ?? []).some((s) => s.target === q.user);
}
