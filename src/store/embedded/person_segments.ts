/**
 * The segments of `person_rows` (see `message_index_schema.ts`). Its rows are keyed by segment
 * first, a segment being a run of 2^{@link SEGMENT_SHIFT} consecutive rowids (`rid >>
 * SEGMENT_SHIFT`), so that a catch-up writes into the newest segment only, whose pages stay in
 * the writer's page cache, and never dirties an older one again. A reader seeks once per
 * segment and merges; `person_segments` keeps each segment's least and greatest `ts`, so that
 * a read of the newest rows stops at the first segment that cannot hold a newer one, and a
 * time window skips the segments outside it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { newestOverSegments } from "./person_segments.ts";
 * const segs = [{ seg: 0, minTs: 1, maxTs: 5 }, { seg: 1, minTs: 6, maxTs: 9 }];
 * const rows = new Map([[0, [5, 4]], [1, [9, 8]]]);
 * // The newest segment's two rows are newer than anything older: segment 0 is not read.
 * deepStrictEqual(newestOverSegments(segs, 2, (s) => rows.get(s)!, (t) => t), [[9, 8]]);
 * ```
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { arrayStatement } from "./array_statements.ts";

/**
 * log2 of the rows of a segment. 2^17 rows of `person_rows` (~14 MB at ~110 bytes a row)
 * stay well inside the writer's 64 MB page cache beside the pages of the messages table, FTS
 * and the two indexes that a commit also writes; at 10M rows that is 77 segments to seek.
 */
export const SEGMENT_SHIFT = 17;

/** The table of segment time ranges (part of the index schema). */
export const SEGMENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS person_segments(
  seg INTEGER PRIMARY KEY, min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL
);`;

/**
 * Copies the rows added since rowid `?` into `person_rows` (segments of 2^`shift` rowids), in
 * log order. Keyed by person alone, the table took them sorted by key (`INSERT ... SELECT ...
 * ORDER BY`), so that each leaf page that gained rows was visited once rather than once per
 * row at a random place in a tree larger than the page cache; the rows now go into the newest
 * segment, whose pages are cached, so the sort and the join back by rowid that it took cost
 * more than they saved: the index writer alone over the same log, one run each, 2M rows 40.4
 * against 44.6 CPU-s sorted (load 1.6-1.7), 1M 17.4 / 20.5 against 18.3 / 22.1 (load 3-5). OR
 * IGNORE: a statement that could abort half-way keeps a statement journal (see
 * `index_appender.ts`); the caller checks the count of rows inserted.
 */
export function personRowsInsert(shift: number): string {
  return "INSERT OR IGNORE INTO person_rows" +
    "(seg, pid, ts, mid, rid, cid, uid, extra, off, len, text, raw) " +
    `SELECT rid >> ${shift}, pid, ts, mid, rid, cid, uid, extra, off, len, text, raw ` +
    "FROM messages WHERE rid > ?";
}

/**
 * Widens the time ranges of the segments (of 2^`shift` rowids) of the rows added after rowid
 * `?` (run once per commit, over rows the commit is about to write anyway).
 */
export function segmentRangesUpdate(shift: number): string {
  return "INSERT INTO person_segments(seg, min_ts, max_ts) " +
    `SELECT rid >> ${shift}, min(ts), max(ts) FROM messages WHERE rid > ? ` +
    `GROUP BY rid >> ${shift} ` +
    "ON CONFLICT(seg) DO UPDATE SET min_ts = min(min_ts, excluded.min_ts), " +
    "max_ts = max(max_ts, excluded.max_ts)";
}

/**
 * A condition on `person_rows` that names every segment, for statements that read one
 * person's rows in no particular order (a count): SQLite then seeks each (segment, person)
 * instead of reading the whole table.
 */
export const EVERY_SEGMENT = "seg IN (SELECT seg FROM person_segments)";

/** One segment and the time range of its rows. */
export interface Segment {
  seg: number;
  minTs: number;
  maxTs: number;
}

/**
 * The segments, oldest first, that may hold rows in the window [`sinceMs`, `untilMs`) (epoch
 * ms; either bound optional).
 */
export function segmentsIn(db: DatabaseSync, sinceMs?: number, untilMs?: number): Segment[] {
  const stmt = arrayStatement(db, "SELECT seg, min_ts, max_ts FROM person_segments ORDER BY seg");
  const out: Segment[] = [];
  for (const [seg, minTs, maxTs] of stmt.all() as unknown as Array<[number, number, number]>) {
    if (sinceMs !== undefined && Number(maxTs) < sinceMs) continue;
    if (untilMs !== undefined && Number(minTs) >= untilMs) continue;
    out.push({ seg: Number(seg), minTs: Number(minTs), maxTs: Number(maxTs) });
  }
  return out;
}

/**
 * The rows of the newest `limit` over `segs` (oldest first), read newest segment first:
 * `fetch(seg)` gives that segment's newest `limit` rows (with any rows that tie with the last
 * one, in any order). The reading stops once `limit` rows are newer than every row of the
 * segments left (a strictly greater `ts`: a row of the same `ts` in an older segment may come
 * first by message id). Returns each segment's rows, oldest segment first; the caller orders
 * and cuts them.
 */
export function newestOverSegments<T>(
  segs: readonly Segment[],
  limit: number,
  fetch: (seg: number) => T[],
  tsOf: (row: T) => number,
): T[][] {
  // The greatest ts of the segments before each one.
  const olderMax: number[] = [];
  let max = -Infinity;
  for (const s of segs) {
    olderMax.push(max);
    max = Math.max(max, s.maxTs);
  }
  const lists: T[][] = [];
  if (limit <= 0) return lists;
  const times: number[] = [];
  for (let i = segs.length - 1; i >= 0; i--) {
    const rows = fetch(segs[i]!.seg);
    lists.push(rows);
    for (const r of rows) times.push(tsOf(r));
    if (times.length < limit) continue;
    times.sort((a, b) => b - a);
    times.length = limit;
    if (times[limit - 1]! > olderMax[i]!) break;
  }
  return lists.reverse();
}
