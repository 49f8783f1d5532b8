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
 *   match of a common word by time, the slow case (160 ms over 1M rows). A channel's query
 *   may instead intersect the channel's rows in the window with the FTS matches, when the
 *   walk would read many rows that do not match (a regex over one channel-day).
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
import { ftsable } from "./fts_expression.ts";
import { narrowingExpression } from "./trigram_choice.ts";
import { clauseConditions, personIds, userCondition } from "./index_matches.ts";
import { type Candidate, compareCandidates, cutWithTies, type IndexQuery } from "./index_query.ts";
import type { MessageIndex } from "./message_index.ts";
import { newestOverSegments, segmentsIn } from "./person_segments.ts";

/**
 * How many of the newest FTS candidates a query of no user first asks for. Fewer: the needles
 * are rare and these are all the candidates. Otherwise the row span they cover estimates how
 * dense the matches are among the newest rows, which decides the plan (see
 * {@link topCandidates}).
 */
const FTS_PROBE = 64;
/**
 * The same for a query of one user: walking a user's rows is cheap (`person_rows` holds the
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
/** Visiting one entry of the time index (the check of `topFromNewest`), in the same unit. */
const TS_ENTRY_COST = 0.07;
/**
 * The most rows of a channel's window listed to intersect them with FTS matches (see
 * {@link channelMatches}): listing them costs ~0.2 us each from the (cid, ts) index.
 */
const INTERSECT_CAP = 200_000;
/**
 * Costs behind {@link channelMatches}, in microseconds, measured over one channel-day of 1M
 * and of 10M rows (~4,500 rows, ~11,600 FTS matches of "dat" between their rowids, 40k and
 * 404k in all): reading a row from the table (the walk's cost per row visited, and the cost
 * of each intersected row), listing and sorting one rowid of the channel's window, and
 * listing one FTS match between the window's least and greatest rowids (FTS5 seeks to the
 * least one: see {@link channelMatches} for the integer bounds that takes).
 *
 * A channel's rows lie each on its own page of the table (among the rows of every other
 * channel), so reading one costs what reading its page costs: ~1.5 us from the connection's
 * page cache, 4-10 us once the rows outgrow it, and ~20-28 us on a fresh connection (one
 * `pread` of 8 KiB from the OS's cache on this machine: what every CLI search starts with).
 * The cold cost is the one planned for: the plan that reads fewer rows is taken, so that a
 * one-shot search is never the slow case (a regex over one channel-day at 10M rows, walked:
 * 5.8 ms warm but 90 ms of CPU in a fresh process).
 */
const READ_ROW_COST = 20;
const LIST_ENTRY_COST = 1;
const FTS_ENTRY_COST = 0.3;
/** A walk expected to cost less than this (us) is taken without weighing the intersection. */
const INTERSECT_MIN_WALK = 2000;

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
  /** What a walk reads: the table through one of its indexes, or `person_rows`. */
  source: string;
  /** The channel's id, when the query names one. */
  channelId: number | null;
}

type Row = { ts: number; mid: string; off: number; len: number };

function toCandidate(r: Row): Candidate {
  return { ts: Number(r.ts), mid: r.mid, offset: Number(r.off), length: Number(r.len) };
}

/** The checks of `q`, or null when it names a user, person or channel no row holds. */
function queryChecks(ix: MessageIndex, q: IndexQuery): Checks | null {
  const conds: string[] = [];
  const params: Array<number | string> = [];
  let source = "messages INDEXED BY messages_ts";
  if (q.user !== undefined) {
    const u = userCondition(ix, q.user);
    if (u === null) return null;
    conds.push(u.sql);
    params.push(...u.params);
    source = "person_rows";
  }
  if (q.persons !== undefined) {
    const ids = personIds(ix, q.persons);
    if (ids.length === 0) return null;
    conds.push(`pid IN (${ids.map(() => "?").join(",")})`);
    params.push(...ids);
    source = "person_rows";
  }
  let channelId: number | null = null;
  if (q.channel !== undefined) {
    const id = channelId = ix.lookupName(q.channel);
    if (id === null) return null;
    conds.push("cid = ?");
    params.push(id);
    if (source !== "person_rows") source = "messages INDEXED BY messages_channel";
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
  return { conds, params, source, channelId };
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
    expr = narrowingExpression(ix, p)!;
    // Only the last probe's candidates are used when common, and only without a user (a
    // user's walk needs no order): the others just tell whether a needle is rare.
    const anyOrder = narrow || i < probes.length - 1;
    newest = ftsMatches(ix, expr, cap, anyOrder);
    if (newest.length < cap) return cutWithTies(fetchChecked(ix, c, newest), q.limit);
  }
  if (narrow) return null;
  // Density d of candidates among the newest rows: a walk newest first visits about
  // limit/d rows; fetching every candidate handles about d * rows.
  const last = Number(
    (ix.file.stmt("SELECT coalesce(max(rid), 0) AS r FROM messages").get() as { r: number }).r,
  );
  const d = FTS_PROBE / Math.max(FTS_PROBE, last - newest[newest.length - 1]! + 1);
  const fetchAll = d * last * FETCH_ROW_COST;
  // The newest candidates are probably the answer (rowid order is log order, close to
  // time order): check them, then make sure no older row is newer than the k-th. That
  // check walks the time index over every row newer than the k-th: for a rare needle
  // (the k-th 800k rows back among 10M) fetching every match costs far less (56 -> 1 ms).
  const kth = newest[Math.min(q.limit, newest.length) - 1]!;
  if (q.channel === undefined && (last - kth) * TS_ENTRY_COST < fetchAll) {
    const top = topFromNewest(ix, fetchChecked(ix, c, newest), newest, q);
    if (top !== null) return top;
  }
  if (c.channelId !== null) {
    const pass = (q.clauses?.length ?? 0) > 0 ? passRate(ix, q, newest) : 1;
    const rows = channelMatches(ix, c.channelId, q, expr, d, pass, c.conds, c.params);
    if (rows !== null) return cutWithTies(rows.map(toCandidate).sort(compareCandidates), q.limit);
  }
  // Take the cheaper of a walk and fetching every candidate.
  if ((q.limit / d) * WALK_ROW_COST > fetchAll) {
    return cutWithTies(fetchChecked(ix, c, null, expr), q.limit);
  }
  return null;
}

/**
 * Common needles, short ones, or none: walks newest first through the B-tree; SQLite skips
 * non-matching rows, and the walk stops once the top `limit` is certain. `person_rows` is
 * walked one segment at a time, newest first, until no older segment can hold a row as new
 * as the `limit`-th (see `person_segments.ts`).
 */
function walkNewest(ix: MessageIndex, q: IndexQuery, c: Checks): Candidate[] {
  if (c.source !== "person_rows") {
    const out = newestWithTies(ix, c.source, c.conds, c.params, q.limit);
    return cutWithTies(out.sort(compareCandidates), q.limit);
  }
  const conds = ["seg = ?", ...c.conds];
  const bySeg = newestOverSegments(
    segmentsIn(ix.db, q.sinceMs, q.untilMs),
    q.limit,
    (seg) => newestWithTies(ix, c.source, conds, [seg, ...c.params], q.limit),
    (r) => r.ts,
  );
  return cutWithTies(bySeg.flat().sort(compareCandidates), q.limit);
}

/**
 * The newest `limit` rows of `source` that pass `conds`, with the rows that tie with the last
 * one (which the order by message id may rank before it), in no particular order.
 */
function newestWithTies(
  ix: MessageIndex,
  source: string,
  conds: readonly string[],
  params: readonly (number | string)[],
  limit: number,
): Candidate[] {
  const where = conds.length ? `WHERE ${conds.join(" AND ")}` : "";
  // One statement with LIMIT, all rows at once (node:sqlite's `all` costs a quarter of
  // `iterate` per row), then the rows that tie with the last one.
  const rows = ix.file.stmt(
    `SELECT ts, mid, off, len FROM ${source} ${where} ORDER BY ts DESC LIMIT ?`,
  ).all(...params, limit) as Row[];
  const out = rows.map(toCandidate);
  if (out.length === limit && limit > 0) {
    const kth = out[out.length - 1]!.ts;
    const seen = new Set(out.filter((x) => x.ts === kth).map((x) => x.offset));
    const ties = ix.file.stmt(
      `SELECT ts, mid, off, len FROM ${source} ` +
        `${where ? `${where} AND` : "WHERE"} ts = ?`,
    ).all(...params, kth) as Row[];
    for (const r of ties) if (!seen.has(Number(r.off))) out.push(toCandidate(r));
  }
  return out;
}

/**
 * Every match of a channel's query with common needles, found without reading the rows that
 * do not match: the rowids of the channel's rows in the window (from the (cid, ts) index
 * alone, which holds them) intersected with the FTS matches of `expr` between the least and
 * the greatest of those rowids; only the rows in both are read. Null when walking the
 * channel's rows newest first is expected to cost less (a page that the first rows fill), or
 * when the window holds too many rows to list.
 *
 * A walk reads each row it visits from the table (the channel index holds no text): over one
 * channel-day of 1M rows (4,516 rows, 189 holding "dat"), a regex that 27 of them match read
 * every one of the 4,516 rows.
 */
function channelMatches(
  ix: MessageIndex,
  cid: number,
  q: IndexQuery,
  expr: string,
  density: number,
  pass: number,
  conds: readonly string[],
  params: readonly (number | string)[],
): Row[] | null {
  // Rows a walk visits until `limit` of them match: the needles' rows, of which the further
  // conditions (a regex) pass a share `pass`.
  const walkRows = q.limit / (density * pass);
  // Too few rows to visit for listing the window's rows to pay (a page the first rows fill).
  const walk = walkRows * READ_ROW_COST;
  if (walk < INTERSECT_MIN_WALK) return null;
  // Listing costs at least LIST_ENTRY_COST a row: a window with more rows than the walk's cost
  // allows for is walked without being listed to the end (a channel-day of 134k rows at 1M
  // took 15-40 ms to list on a cold connection, to find that a walk of ~500 rows was cheaper).
  const listCap = Math.min(INTERSECT_CAP, Math.ceil(walk / LIST_ENTRY_COST));
  const window: string[] = ["cid = ?"];
  const wParams: number[] = [cid];
  if (q.sinceMs !== undefined) {
    window.push("ts >= ?");
    wParams.push(q.sinceMs);
  }
  if (q.untilMs !== undefined) {
    window.push("ts < ?");
    wParams.push(q.untilMs);
  }
  const rowsOf = `SELECT rid FROM messages INDEXED BY messages_channel WHERE ${
    window.join(" AND ")
  }`;
  const span = ix.file.stmt(
    `SELECT count(*) AS n, min(rid) AS lo, max(rid) AS hi FROM (${rowsOf} LIMIT ?)`,
  ).get(...wParams, listCap) as { n: number; lo: number | null; hi: number | null };
  const n = Number(span.n);
  if (n === 0) return [];
  if (n >= listCap) return null;
  // FTS lists every match between the bounds, of every channel (about `density` of them).
  const ftsEntries = (Number(span.hi) - Number(span.lo) + 1) * density;
  const intersect = n * LIST_ENTRY_COST + ftsEntries * FTS_ENTRY_COST +
    n * density * READ_ROW_COST;
  if (intersect >= Math.min(n, walkRows) * READ_ROW_COST) return null;
  // NOT INDEXED: the rows are read by rowid (SQLite would otherwise walk the channel's index).
  // The bounds are cast to integers: node:sqlite binds every JavaScript number as a REAL, and
  // FTS5 ignores a rowid bound that is not an INTEGER (SQLite then filters the rows itself),
  // so it read the needle's whole doclist up to the window: "dat" over one channel-day of
  // 10M rows, 19 ms of CPU against 1.7 ms with the bounds as integers.
  return ix.file.stmt(
    `SELECT ts, mid, off, len FROM messages NOT INDEXED WHERE rid IN (${rowsOf} INTERSECT ` +
      `SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= CAST(? AS INTEGER) AND ` +
      `rowid <= CAST(? AS INTEGER)) AND ${conds.join(" AND ")}`,
  ).all(...wParams, expr, Number(span.lo), Number(span.hi), ...params) as Row[];
}

/**
 * The share of the needles' newest candidates `ids` (of any channel and time) that pass the
 * query's further conditions (its clauses: a regex, other needles, negations): how much
 * longer than the needles' density foretells a walk of one channel's rows is. A regex drawn
 * down to the literal "dat" passes ~1 in 6 of the rows holding it, so a walk of a channel-day
 * visited most of the day's ~4,500 rows, not the ~500 the needle's density foretold. Fewer
 * than one pass: taken as half of one.
 */
function passRate(ix: MessageIndex, q: IndexQuery, ids: readonly number[]): number {
  if (ids.length === 0) return 1;
  const conds: string[] = [];
  const params: Array<number | string> = [];
  for (const t of q.terms) {
    conds.push("instr(text, ?) > 0");
    params.push(t);
  }
  clauseConditions(ix, q.clauses ?? [], conds, params);
  const r = ix.file.stmt(
    `SELECT count(*) AS n FROM messages WHERE rid IN (${ids.map(() => "?").join(",")}) AND ${
      conds.join(" AND ")
    }`,
  ).get(...ids, ...params) as { n: number };
  return Math.max(Number(r.n), 0.5) / ids.length;
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
