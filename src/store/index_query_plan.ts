/**
 * The query plan of the embedded index: the newest `limit` rows matching a query, found
 * without sorting every match by time.
 *
 * Needles of 3+ characters first ask FTS for their newest candidates, each needle alone and
 * then all together, up to a small cap.
 * - A rare needle (fewer candidates than the cap): those rows are all there is; check, sort.
 * - Common needles, no user or channel: the newest candidates by log position are checked; if
 *   `limit` of them match and one index probe shows that no row older in the log is as new in
 *   time as the k-th (always so unless old chat was imported late), they are the answer
 *   ("two words" over 1M rows: 3.7 -> 1.2 ms).
 * - Otherwise walk the matching B-tree index newest first and check each row until `limit`
 *   results are certain (a common needle matches often, so the walk is short), unless the
 *   candidates' density says that fetching them all is cheaper. This avoids sorting every
 *   match of a common word by time, the slow case (160 ms over 1M rows).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageIndex } from "./message_index.ts";
 * import { topCandidates } from "./index_query_plan.ts";
 * const ix = MessageIndex.open(`${await Deno.makeTempDir()}/index.sqlite`);
 * deepStrictEqual(topCandidates(ix, { terms: ["hello"], limit: 10 }), []);
 * ix.close();
 * ```
 *
 * @module
 */
import { ftsable, ftsExpression } from "./fts_expression.ts";
import { clauseConditions, personIds } from "./index_matches.ts";
import { type Candidate, compareCandidates, cutWithTies, type IndexQuery } from "./index_query.ts";
import type { MessageIndex } from "./message_index.ts";

/**
 * How many of the newest FTS candidates a query of no user first asks for. Fewer: the needles
 * are rare and these are all the candidates. Otherwise the row span they cover estimates how
 * dense the matches are among the newest rows, which decides the plan (see
 * {@link topCandidates}).
 */
const FTS_PROBE = 64;
/**
 * The same for a query of one user: walking a user's rows is cheap (the user index holds the
 * text, so no table lookups), so the walk is taken as soon as the needle is not rare.
 */
const USER_FTS_CAP = 100;
/**
 * Relative costs behind the plan of a query of no user, measured over 1M rows: visiting one
 * row in time order and checking its text (~0.3 us), against fetching, checking and sorting
 * one FTS candidate (~1 us).
 */
const WALK_ROW_COST = 0.3;
const FETCH_ROW_COST = 1;

/**
 * The best `q.limit` matches in the indexed prefix, newest first, ties by message_id (more
 * when several rows share the last timestamp: the caller cuts after merging).
 */
export function topCandidates(ix: MessageIndex, q: IndexQuery): Candidate[] {
  const c = queryChecks(ix, q);
  if (c === null) return [];
  return ftsPlan(ix, q, c) ?? walkNewest(ix, q, c);
}

/** The SQL conditions of a query (and their parameters), and the B-tree index to walk. */
interface Checks {
  conds: string[];
  params: Array<number | string>;
  indexName: string;
}

type Row = { ts: number; mid: string; off: number; len: number };

function toCandidate(r: Row): Candidate {
  return { ts: Number(r.ts), mid: r.mid, offset: Number(r.off), length: Number(r.len) };
}

/** The checks of `q`, or null when it names a user, person or channel no row holds. */
function queryChecks(ix: MessageIndex, q: IndexQuery): Checks | null {
  const conds: string[] = [];
  const params: Array<number | string> = [];
  let indexName = "messages_ts";
  if (q.user !== undefined) {
    const id = ix.lookupName(q.user);
    if (id === null) return null;
    conds.push("uid = ?");
    params.push(id);
    indexName = "messages_user";
  }
  if (q.persons !== undefined) {
    const ids = personIds(ix, q.persons);
    if (ids.length === 0) return null;
    conds.push(`pid IN (${ids.map(() => "?").join(",")})`);
    params.push(...ids);
    if (q.user === undefined) indexName = "messages_person";
  }
  if (q.channel !== undefined) {
    const id = ix.lookupName(q.channel);
    if (id === null) return null;
    conds.push("cid = ?");
    params.push(id);
    indexName = q.user !== undefined || q.persons !== undefined ? indexName : "messages_channel";
  }
  if (q.sinceMs !== undefined) {
    conds.push("ts >= ?");
    params.push(q.sinceMs);
  }
  if (q.untilMs !== undefined) {
    conds.push("ts < ?");
    params.push(q.untilMs);
  }
  // Needles are checked inside SQLite: instr() over the folded text (well-formed UTF-8, so a
  // byte substring is exactly a character substring), bound as parameters, never as syntax.
  for (const t of q.terms) {
    conds.push("instr(text, ?) > 0");
    params.push(t);
  }
  clauseConditions(ix, q.clauses ?? [], conds, params);
  return { conds, params, indexName };
}

/** The rows FTS names (`ids`, or all matches of `expr` when null) that pass `c`, sorted. */
function fetchChecked(
  ix: MessageIndex,
  c: Checks,
  ids: readonly number[] | null,
  expr = "",
): Candidate[] {
  const source = ids === null
    ? "rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
    : `rid IN (${ids.map(() => "?").join(",")})`;
  const rows = ix.file.stmt(
    `SELECT ts, mid, off, len FROM messages WHERE ${[source, ...c.conds].join(" AND ")}`,
  ).all(...(ids ?? [expr]), ...c.params) as Row[];
  const out = rows.map(toCandidate);
  out.sort(compareCandidates);
  return out;
}

/**
 * The answer through FTS when it is the cheaper way (a rare needle; the newest candidates of
 * common ones; or fetching every candidate when they are dense), or null: walk the B-tree.
 */
function ftsPlan(ix: MessageIndex, q: IndexQuery, c: Checks): Candidate[] | null {
  const ftsTerms = q.terms.filter(ftsable);
  if (ftsTerms.length === 0) return null;
  // One user's or person's rows are few: walking them is cheap.
  const narrow = q.user !== undefined || q.persons !== undefined;
  const cap = narrow ? USER_FTS_CAP : FTS_PROBE;
  // Each needle alone, then (when all are common) all of them: a rare one decides, and its
  // few candidates are all there is to check. One needle at a time first, because FTS
  // pays for every trigram's doclist in an AND: "speedrun zeppelin" took 3.5 ms as one
  // expression, 0.2 ms as "zeppelin" alone.
  const probes = ftsTerms.length > 1 ? [...ftsTerms.map((t) => [t]), ftsTerms] : [ftsTerms];
  let newest: number[] = [];
  let expr = "";
  for (const [i, p] of probes.entries()) {
    expr = ftsExpression(p)!;
    // Only the last probe's candidates are used when common, and only without a user (a
    // user's walk needs no order): the others just tell whether a needle is rare.
    const anyOrder = narrow || i < probes.length - 1;
    newest = ftsMatches(ix, expr, cap, anyOrder);
    if (newest.length < cap) return cutWithTies(fetchChecked(ix, c, newest), q.limit);
  }
  if (narrow) return null;
  // The newest candidates are probably the answer (rowid order is log order, close to
  // time order): check them, then make sure no older row is newer than the k-th.
  if (q.channel === undefined) {
    const top = topFromNewest(ix, fetchChecked(ix, c, newest), newest, q);
    if (top !== null) return top;
  }
  // Density d of candidates among the newest rows: a walk newest first visits about
  // limit/d rows; fetching every candidate handles about d * rows. Take the cheaper.
  const last = Number(
    (ix.file.stmt("SELECT coalesce(max(rid), 0) AS r FROM messages").get() as { r: number }).r,
  );
  const d = FTS_PROBE / Math.max(FTS_PROBE, last - newest[newest.length - 1]! + 1);
  if ((q.limit / d) * WALK_ROW_COST > d * last * FETCH_ROW_COST) {
    return cutWithTies(fetchChecked(ix, c, null, expr), q.limit);
  }
  return null;
}

/**
 * Common needles, short ones, or none: walks newest first through the B-tree; SQLite skips
 * non-matching rows, and the walk stops once the top `limit` is certain.
 */
function walkNewest(ix: MessageIndex, q: IndexQuery, c: Checks): Candidate[] {
  const where = c.conds.length ? `WHERE ${c.conds.join(" AND ")}` : "";
  // One statement with LIMIT, all rows at once (node:sqlite's `all` costs a quarter of
  // `iterate` per row), then the rows that tie with the last one, which the order by
  // message id may rank before it.
  const rows = ix.file.stmt(
    `SELECT ts, mid, off, len FROM messages INDEXED BY ${c.indexName} ${where} ` +
      `ORDER BY ts DESC LIMIT ?`,
  ).all(...c.params, q.limit) as Row[];
  const out = rows.map(toCandidate);
  if (out.length === q.limit && q.limit > 0) {
    const kth = out[out.length - 1]!.ts;
    const seen = new Set(out.filter((x) => x.ts === kth).map((x) => x.offset));
    const ties = ix.file.stmt(
      `SELECT ts, mid, off, len FROM messages INDEXED BY ${c.indexName} ` +
        `${where ? `${where} AND` : "WHERE"} ts = ?`,
    ).all(...c.params, kth) as Row[];
    for (const r of ties) if (!seen.has(Number(r.off))) out.push(toCandidate(r));
  }
  out.sort(compareCandidates);
  return cutWithTies(out, q.limit);
}

/**
 * The rowids of `n` FTS matches of `expr`: the newest, newest first, or (`anyOrder`) the
 * first FTS finds, which is cheaper (FTS reads its doclists forwards: 0.05 against 0.15 ms
 * for a common word over 1M rows).
 */
function ftsMatches(ix: MessageIndex, expr: string, n: number, anyOrder = false): number[] {
  return (ix.file.stmt(
    `SELECT rowid AS r FROM fts WHERE fts MATCH ?${anyOrder ? "" : " ORDER BY rowid DESC"} ` +
      `LIMIT ${n}`,
  ).all(expr) as Array<{ r: number }>).map((x) => Number(x.r));
}

/**
 * The top `q.limit` of the checked `matches` among the newest candidates `ids` (rowids,
 * newest first), or null when that is not certain: when fewer matched, or when some row
 * older in the log than the oldest candidate is at least as new in time as the k-th match
 * (an out-of-order import); one index probe decides the latter.
 */
function topFromNewest(
  ix: MessageIndex,
  matches: Candidate[],
  ids: readonly number[],
  q: IndexQuery,
): Candidate[] | null {
  if (matches.length < q.limit) return null;
  const kth = matches[q.limit - 1]!.ts;
  const conds = ["ts >= ?", "rid < ?"];
  const params: number[] = [kth, ids[ids.length - 1]!];
  if (q.untilMs !== undefined) {
    conds.push("ts < ?");
    params.push(q.untilMs);
  }
  const older = ix.file.stmt(
    `SELECT 1 FROM messages INDEXED BY messages_ts WHERE ${conds.join(" AND ")} LIMIT 1`,
  ).get(...params);
  return older === undefined ? cutWithTies(matches, q.limit) : null;
}
