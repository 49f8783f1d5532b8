/**
 * One person's messages in time order, for a timeline, from the embedded index alone: its
 * `person_rows` table, keyed by `(pid, ts, mid)`, holds every column a timeline entry shows
 * (cid, uid, extra, off, len, the text as written), so the rows come from one in-order walk of
 * it per person key (no table lookups, no log reads, no JSON), read as arrays (node:sqlite
 * builds an object per row at several times the cost), and are turned into
 * {@link PersonMessage}s a batch at a time as the caller iterates. Only records that carry
 * watchlist hits or signals (`extra`), or all of them when asked (`records`), are read back
 * from the log. The unindexed tail of the log (or all of it, without a usable index) is
 * scanned.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openStore } from "../store.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const batches = [];
 * for await (const b of store.personMessages({ persons: ["#7"] })) batches.push(b);
 * deepStrictEqual(batches, []);
 * await store.close();
 * ```
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { arrayStatement } from "./array_statements.ts";
import { personKey } from "../../analysis/identity.ts";
import { openLineBatches } from "../../line_reader.ts";
import type { Message } from "../../schemas.ts";
import { readIndexed } from "./index_reader.ts";
import { layout } from "../layout.ts";
import { parseLogRecord } from "../log/log_record.ts";
import { IsoTimes } from "../iso_times.ts";
import type { MessageIndex } from "./message_index.ts";
import type { Candidate } from "./index_query.ts";
import { readRecords } from "./candidate_records.ts";
import { newestOverSegments, type Segment, segmentsIn } from "./person_segments.ts";
import { PERSON_BATCH, PersonBatch } from "../person_messages.ts";
import { ascending } from "../messages_around.ts";
import type { PersonMessageQuery, PersonMessages } from "../store.ts";

/** Columns of a person row, in the order of the SELECT in {@link indexedRows}. */
const TS = 0, MID = 1, CID = 2, UID = 3, TEXT = 4, OFF = 5, LEN = 6;
/** A row: `off`/`len` are null unless the record is to be read (see {@link indexedRows}). */
type Row = [number, string, number, number, string, number | null, number | null];

/** What one snapshot of the index says about a person. */
interface IndexedRows {
  /** In (ts, mid) order (the newest `limit` of them with a limit). */
  rows: Row[];
  /** Names by id (the channels and logins of the rows). */
  names: Map<number, string>;
}

function nameIds(db: DatabaseSync, names: readonly string[]): number[] {
  const ids: number[] = [];
  const s = arrayStatement(db, "SELECT id FROM names WHERE name = ?");
  for (const n of names) {
    const r = s.get(n) as unknown as [number] | undefined;
    if (r !== undefined) ids.push(Number(r[0]));
  }
  return ids;
}

/** (ts, mid) order of two rows. */
function rowOrder(a: Row, b: Row): number {
  return a[TS] - b[TS] || (a[MID] < b[MID] ? -1 : a[MID] > b[MID] ? 1 : 0);
}

/**
 * Rows of every person key in order, from `person_rows`, in one read snapshot. The log
 * position (`off`, `len`) comes only for records to be read: all with `records`, else those
 * with hits or signals (`extra`); null otherwise (fewer values to convert per row).
 */
function indexedRows(ix: MessageIndex, q: PersonMessageQuery): IndexedRows {
  const db = ix.db;
  const pids = nameIds(db, q.persons);
  const excluded = new Set(nameIds(db, q.excludeChannels ?? []));
  const conds = ["pid = ?"];
  const bounds: number[] = [];
  if (q.sinceMs !== undefined) {
    conds.push("ts >= ?");
    bounds.push(q.sinceMs);
  }
  if (q.untilMs !== undefined) {
    conds.push("ts < ?");
    bounds.push(q.untilMs);
  }
  const columns = q.records
    ? "ts, mid, cid, uid, coalesce(raw, text), off, len"
    : "ts, mid, cid, uid, coalesce(raw, text), " +
      "CASE WHEN extra THEN off END, CASE WHEN extra THEN len END";
  const select = `SELECT ${columns} FROM person_rows WHERE seg = ? AND ${conds.join(" AND ")}`;
  const segs = segmentsIn(db, q.sinceMs, q.untilMs);
  const lists: Row[][] = [];
  for (const pid of pids) {
    let rows = onePerson(db, select, segs, [pid, ...bounds], q.limit);
    if (excluded.size > 0) {
      rows = rows.filter((r) => !excluded.has(r[CID]));
    }
    lists.push(rows);
  }
  let rows = lists.length === 1 ? lists[0]! : mergeSorted(lists, rowOrder);
  if (q.limit !== undefined && rows.length > q.limit) rows = rows.slice(rows.length - q.limit);
  // The names of the channels and logins in the rows (a person uses few of either).
  const names = new Map<number, string>();
  const byId = arrayStatement(db, "SELECT name FROM names WHERE id = ?");
  const name = (id: number) => {
    if (names.has(id)) return;
    const r = byId.get(id) as unknown as [string] | undefined;
    names.set(id, r?.[0] ?? "");
  };
  let cid = -1;
  let uid = -1;
  for (const r of rows) {
    if (r[CID] !== cid) name(cid = r[CID]);
    if (r[UID] !== uid) name(uid = r[UID]);
  }
  return { rows, names };
}

/**
 * One person's rows (`select` of a segment, then `params`), in (ts, mid, rid) order, all or
 * the newest `limit`: one seek per segment of `segs` (oldest first). A segment's rows are in
 * that order and the segments in rowid order, so merging them with earlier segments first on
 * ties gives the order of one (pid, ts, mid, rid) key.
 */
function onePerson(
  db: DatabaseSync,
  select: string,
  segs: readonly Segment[],
  params: readonly number[],
  limit: number | undefined,
): Row[] {
  if (limit === undefined) {
    const all = arrayStatement(db, `${select} ORDER BY ts, mid, rid`);
    return mergeSorted(segs.map((s) => all.all(s.seg, ...params) as unknown as Row[]), rowOrder);
  }
  const newest = arrayStatement(db, `${select} ORDER BY ts DESC, mid DESC, rid DESC LIMIT ?`);
  const bySeg = newestOverSegments(
    segs,
    limit,
    (seg) => (newest.all(seg, ...params, limit) as unknown as Row[]).reverse(),
    (r) => r[TS],
  );
  const rows = mergeSorted(bySeg, rowOrder);
  return rows.length > limit ? rows.slice(rows.length - limit) : rows;
}

/**
 * Sorted lists as one sorted list (stable: earlier lists first on ties). A list that starts
 * after the end of those before it (a person's rows of one segment after another's, in a log
 * in time order) is appended without comparing its rows.
 */
export function mergeSorted<T>(lists: readonly T[][], order: (a: T, b: T) => number): T[] {
  const live = lists.filter((l) => l.length > 0);
  if (live.length <= 1) return live[0] ?? [];
  let out = live[0]!.slice();
  for (let k = 1; k < live.length; k++) {
    const a = out;
    const b = live[k]!;
    if (order(b[0]!, a[a.length - 1]!) >= 0) {
      for (const x of b) a.push(x);
      continue;
    }
    const merged: T[] = new Array(a.length + b.length);
    let i = 0, j = 0, n = 0;
    while (i < a.length && j < b.length) merged[n++] = order(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!;
    while (i < a.length) merged[n++] = a[i++]!;
    while (j < b.length) merged[n++] = b[j++]!;
    out = merged;
  }
  return out;
}

/** Needles one of which a line of the person's must hold (checked before parsing it). */
function needles(persons: readonly string[]): string[] {
  return persons.map((p) =>
    p.startsWith("#")
      ? `"user_id":${JSON.stringify(p.slice(1))}`
      : `"user_name":${JSON.stringify(p)}`
  );
}

/** The person's messages in the log from byte `start`, in (ts, message_id) order. */
async function scanPerson(
  logPath: string,
  q: PersonMessageQuery,
  start: number,
): Promise<Message[]> {
  const keys = new Set(q.persons);
  const need = needles(q.persons);
  const excluded = new Set(q.excludeChannels ?? []);
  const out: Message[] = [];
  let batches;
  try {
    batches = await openLineBatches(logPath, { start });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return out;
    throw e;
  }
  for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial) break;
      if (!("text" in item) || !need.some((n) => item.text.includes(n))) continue;
      const m = parseLogRecord(item.text);
      if (m === null || !keys.has(personKey(m)) || excluded.has(m.channel)) continue;
      const ms = Date.parse(m.ts);
      if (q.sinceMs !== undefined && ms < q.sinceMs) continue;
      if (q.untilMs !== undefined && ms >= q.untilMs) continue;
      out.push(m);
    }
  }
  return out.sort(ascending);
}

/** True when a scanned message's record is handed out (asked, or it has hits or signals). */
function wantsRecord(m: Message, records: boolean): boolean {
  return records || (m.hits?.length ?? 0) > 0 || (m.signals?.length ?? 0) > 0;
}

/**
 * The embedded store's {@link Store.personMessages}: the indexed prefix from `person_rows`,
 * the unindexed tail by a scan, merged in (ts, message_id) order, in batches made as the
 * caller asks for them.
 */
export async function* embeddedPersonMessages(
  dataDir: string,
  q: PersonMessageQuery,
): AsyncGenerator<PersonMessages> {
  const logPath = layout(dataDir).messages;
  const indexed = await readIndexed(dataDir, "messages", (ix) => indexedRows(ix, q));
  let rows: Row[] = indexed?.value.rows ?? [];
  let start = indexed?.offset ?? 0;
  const names = indexed?.value.names ?? new Map<number, string>();
  // Records read back from the log (rows with a log position), by row.
  let records = readWantedRecords(logPath, rows);
  if (records === null) {
    // The log changed under the index (a forget rewrote it): scan it all instead.
    rows = [];
    start = 0;
    records = new Map();
  }
  let tail = indexed === null || start < indexed.size ? await scanPerson(logPath, q, start) : [];
  const total = rows.length;
  let i = 0;
  let t = 0;
  if (q.limit !== undefined && total + tail.length > q.limit) {
    const firstRow = newestCut(rows, tail, q.limit);
    i = firstRow.row;
    tail = tail.slice(firstRow.tail);
  }
  const iso = new IsoTimes();
  const withRecords = q.records ?? false;
  while (i < total || t < tail.length) {
    const out = new PersonBatch();
    while (out.length < PERSON_BATCH && (i < total || t < tail.length)) {
      if (t < tail.length && (i === total || !rowBefore(rows[i]!, tail[t]!))) {
        const m = tail[t++]!;
        out.pushMessage(m, wantsRecord(m, withRecords));
        continue;
      }
      const r = rows[i++]!;
      out.push(
        iso.of(r[TS]),
        r[MID],
        names.get(r[CID])!,
        names.get(r[UID])!,
        r[TEXT],
        r[OFF] === null ? undefined : records.get(r),
      );
    }
    yield out;
  }
}

/**
 * The records of the rows that carry a log position, read back from the log, by row; null
 * when the log no longer holds them (a forget rewrote it under the index).
 */
function readWantedRecords(logPath: string, rows: readonly Row[]): Map<Row, Message> | null {
  const records = new Map<Row, Message>();
  const wanted = rows.filter((r) => r[OFF] !== null);
  if (wanted.length === 0) return records;
  const cands: Candidate[] = wanted.map((r) => ({
    ts: r[TS],
    mid: r[MID],
    offset: r[OFF]!,
    length: r[LEN]!,
  }));
  const read = readRecords(logPath, cands);
  if (read === null) return null;
  for (const [i, r] of wanted.entries()) records.set(r, read[i]!);
  return records;
}

/**
 * Where the newest `limit` of `rows` and `tail` (each in order) start: counted from the
 * newest end of both.
 */
function newestCut(
  rows: readonly Row[],
  tail: readonly Message[],
  limit: number,
): { row: number; tail: number } {
  let a = rows.length - 1, b = tail.length - 1, kept = 0;
  while (kept < limit && (a >= 0 || b >= 0)) {
    if (a < 0 || (b >= 0 && rowBefore(rows[a]!, tail[b]!))) b--;
    else a--;
    kept++;
  }
  return { row: a + 1, tail: b + 1 };
}

/** True when an index row comes before a scanned message in (ts, message_id) order. */
function rowBefore(r: Row, m: Message): boolean {
  const ms = Date.parse(m.ts);
  return r[TS] < ms || (r[TS] === ms && r[MID] < m.message_id);
}

/**
 * `person_rows` read alone (the rows as arrays, in one snapshot, not yet entries): the
 * floor under a timeline's time, for `bench/identity.ts`. Returns how many rows it read.
 */
export async function personIndexRead(dataDir: string, q: PersonMessageQuery): Promise<number> {
  const indexed = await readIndexed(dataDir, "messages", (ix) => indexedRows(ix, q));
  return indexed?.value.rows.length ?? 0;
}
