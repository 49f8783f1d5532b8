/**
 * Every row of the embedded index that matches a query, whatever its limit: the SQL conditions
 * of a query's literals and of the whole query, the counts beside a page of results, and the
 * matching rows one at a time (for a count that stops on a time budget). The newest few
 * matches are the query plan's (`index_query_plan.ts`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MessageIndex } from "./message_index.ts";
 * import { countMatching } from "./index_matches.ts";
 * const ix = MessageIndex.open(`${await Deno.makeTempDir()}/index.sqlite`);
 * strictEqual(countMatching(ix, { terms: ["hello"], limit: 10 }), 0);
 * ix.close();
 * ```
 *
 * @module
 */
import { narrowingExpression } from "./trigram_choice.ts";
import type { Candidate, IndexLiteral, IndexQuery } from "./index_query.ts";
import type { MessageIndex } from "./message_index.ts";
import { REGEX_CONDITION } from "./regex_function.ts";
import { EVERY_SEGMENT } from "./person_segments.ts";

/** The ids of the person keys that some row names. */
export function personIds(ix: MessageIndex, persons: readonly string[]): number[] {
  const out: number[] = [];
  for (const p of persons) {
    const id = ix.lookupName(p);
    if (id !== null) out.push(id);
  }
  return out;
}

/**
 * The SQL condition "written under login `login`" and its parameters, or null when no row is:
 * the login's persons (from `user_persons`, almost always one) and the login, so that SQLite
 * walks those persons' rows in `person_rows`, which holds the text (there is no index by
 * login).
 */
export function userCondition(
  ix: MessageIndex,
  login: string,
): { sql: string; params: number[] } | null {
  const u = ix.userPersons(login);
  if (u === null) return null;
  const pids = u.pids.length === 1 ? "pid = ?" : `pid IN (${u.pids.map(() => "?").join(",")})`;
  return { sql: `${pids} AND uid = ?`, params: [...u.pids, u.uid] };
}

/** Appends the SQL of `clauses` (and their parameters) to `conds` and `params`. */
export function clauseConditions(
  ix: MessageIndex,
  clauses: readonly (readonly IndexLiteral[])[],
  conds: string[],
  params: Array<number | string>,
): void {
  for (const clause of clauses) {
    const ors: string[] = [];
    for (const l of clause) {
      if (l.field === "text") {
        ors.push(`instr(text, ?) ${l.negated ? "=" : ">"} 0`);
        params.push(l.value);
        continue;
      }
      if (l.field === "user" && !l.negated) {
        const u = userCondition(ix, l.value);
        ors.push(u === null ? "0" : `(${u.sql})`);
        if (u !== null) params.push(...u.params);
        continue;
      }
      if (l.field === "regex") {
        ors.push(`${REGEX_CONDITION} ${l.negated ? "=" : ">"} 0`);
        params.push(l.value, l.flags ?? "");
        continue;
      }
      const id = ix.lookupName(l.value);
      if (id === null) {
        // No row names it: the literal never holds (or, negated, always does).
        ors.push(l.negated ? "1" : "0");
        continue;
      }
      const col = l.field === "user" ? "uid" : l.field === "person" ? "pid" : "cid";
      ors.push(`${col} ${l.negated ? "!=" : "="} ?`);
      params.push(id);
    }
    conds.push(ors.length === 1 ? ors[0]! : `(${ors.join(" OR ")})`);
  }
}

/**
 * The FROM and WHERE clauses (and their parameters, in order) of every row matching `q`,
 * whatever its limit. With needles and no user, channel or person, the rows come from FTS's
 * matches joined to the table, so that SQLite reads them as FTS finds them: a capped count
 * stops after `cap` rows, where `rid IN (SELECT rowid FROM fts ...)` first listed every match
 * (counting up to 1,000 of "speedrun" over 1M rows: 10 -> 0.6 ms).
 */
export function matchingWhere(
  ix: MessageIndex,
  q: IndexQuery,
): { from: string; where: string; params: Array<number | string> } | null {
  const conds: string[] = [];
  const params: Array<number | string> = [];
  // A user's or a person's rows are read from `person_rows` (the same columns, clustered by
  // person); the others from the table and its indexes.
  let from = q.user !== undefined || q.persons !== undefined ? "person_rows" : "messages";
  // Their rows in every segment (see `person_segments.ts`), one seek per segment and person.
  if (from === "person_rows") conds.push(EVERY_SEGMENT);
  if (q.user !== undefined) {
    const u = userCondition(ix, q.user);
    if (u === null) return null;
    conds.push(u.sql);
    params.push(...u.params);
  }
  if (q.channel !== undefined) {
    const id = ix.lookupName(q.channel);
    if (id === null) return null;
    conds.push("cid = ?");
    params.push(id);
  }
  if (q.persons !== undefined) {
    const ids = personIds(ix, q.persons);
    if (ids.length === 0) return null;
    conds.push(`pid IN (${ids.map(() => "?").join(",")})`);
    params.push(...ids);
  }
  if (q.sinceMs !== undefined) {
    conds.push("ts >= ?");
    params.push(q.sinceMs);
  }
  if (q.untilMs !== undefined) {
    conds.push("ts < ?");
    params.push(q.untilMs);
  }
  // Without a user or channel, FTS narrows to the rows holding every needle's trigrams.
  const expr = q.user === undefined && q.channel === undefined && q.persons === undefined
    ? narrowingExpression(ix, q.terms)
    : null;
  if (expr !== null) {
    from = "(SELECT rowid AS fts_rid FROM fts WHERE fts MATCH ?) JOIN messages ON rid = fts_rid";
    params.unshift(expr);
  }
  for (const t of q.terms) {
    conds.push("instr(text, ?) > 0");
    params.push(t);
  }
  clauseConditions(ix, q.clauses ?? [], conds, params);
  return { from, where: conds.length ? `WHERE ${conds.join(" AND ")}` : "", params };
}

/** How many indexed rows match `q` (its limit ignored), counted inside SQLite. */
export function countMatching(ix: MessageIndex, q: IndexQuery): number {
  const w = matchingWhere(ix, q);
  if (w === null) return 0;
  return Number(
    (ix.file.stmt(`SELECT count(*) AS n FROM ${w.from} ${w.where}`).get(...w.params) as {
      n: number;
    }).n,
  );
}

/**
 * How many indexed rows match `q`, counting at most `cap` of them (SQLite counts; no row
 * reaches JavaScript): `cap` means "at least".
 */
export function countMatchingUpTo(ix: MessageIndex, q: IndexQuery, cap: number): number {
  const w = matchingWhere(ix, q);
  if (w === null) return 0;
  return Number(
    (ix.file.stmt(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${w.from} ${w.where} LIMIT ?)`,
    ).get(...w.params, cap) as { n: number }).n,
  );
}

/**
 * Every indexed row matching `q` (its limit ignored), in no particular order: for counting
 * matches a row at a time, so that a count can stop on a time budget.
 */
export function* matchingRows(ix: MessageIndex, q: IndexQuery): Generator<Candidate> {
  const w = matchingWhere(ix, q);
  if (w === null) return;
  const stmt = ix.file.stmt(`SELECT ts, mid, off, len FROM ${w.from} ${w.where}`);
  for (
    const r of stmt.iterate(...w.params) as Iterable<
      { ts: number; mid: string; off: number; len: number }
    >
  ) {
    yield { ts: Number(r.ts), mid: r.mid, offset: Number(r.off), length: Number(r.len) };
  }
}
