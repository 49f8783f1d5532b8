/**
 * The event index of the embedded store: `events` in `index.sqlite`, one row per line of
 * `data/logs/events.jsonl` (subs, raids, announcements, deleted messages, timeouts and bans)
 * with its time, kind, person (see `eventPersonKey`), login, channel, the message a CLEARMSG
 * deleted, and the line's place in the log. Like the message index it is derived (written by
 * the index writer, with its own log mark `event_mark`) and holds no text: records are read
 * back from the log. A person's moderation and notices, and whether given messages were
 * deleted, are then found by index instead of by reading the whole event log.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { eventRowOf } from "./event_index.ts";
 * const e = { kind: "clearchat" as const, event_id: "e1", ts: "2025-09-02T12:00:00.000Z",
 *   channel: "c", user_name: "someuser", user_id: "7", duration_seconds: 600, source: "fixture" as const };
 * deepStrictEqual(eventRowOf(e, 0, 10).person, "#7");
 * ```
 *
 * @module
 */
import type { ChatEvent } from "../../schemas.ts";
import { eventPersonKey } from "../../analysis/identity.ts";
import { wrapError } from "../../errors.ts";
import { openLineBatches, readRangeSync } from "../../line_reader.ts";
import { EMPTY_MARK, type LogMark, markHolds, markOf } from "../log/log_mark.ts";
import type { MessageIndex } from "./message_index.ts";

/** Checks one parsed event line: the event, or null when it is not a well-formed event. */
export type EventParser = (v: unknown) => ChatEvent | null;

let parser: EventParser | null = null;

/**
 * The event check (the zod schema `ChatEvent`), imported on first use: readers that find no
 * event line to read (no event log, or all of it indexed) never load zod and build no schema,
 * about a third of a short command's start-up.
 */
export async function eventParser(): Promise<EventParser> {
  if (parser === null) {
    const { ChatEvent } = await import("../../schemas.ts");
    parser = (v) => {
      const r = ChatEvent.safeParse(v);
      return r.success ? r.data : null;
    };
  }
  return parser;
}

/** The table of the event index, created with the message index. */
export const EVENT_INDEX_SCHEMA = `
CREATE TABLE IF NOT EXISTS events(
  rid INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  pid INTEGER,
  uid INTEGER,
  cid INTEGER NOT NULL,
  target TEXT,
  eid TEXT NOT NULL,
  off INTEGER NOT NULL,
  len INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_person ON events(pid, ts);
CREATE INDEX IF NOT EXISTS events_user ON events(uid, ts);
CREATE INDEX IF NOT EXISTS events_channel ON events(cid, ts);
CREATE INDEX IF NOT EXISTS events_target ON events(target) WHERE target IS NOT NULL;
`;

const KIND_CODE: Record<ChatEvent["kind"], number> = { usernotice: 0, clearmsg: 1, clearchat: 2 };

/** What the event index keeps of one event line. */
export interface EventRow {
  ts: number;
  kind: ChatEvent["kind"];
  person: string | null;
  user: string | null;
  channel: string;
  target: string | null;
  eid: string;
  offset: number;
  length: number;
}

/** The index row of an event at `offset` (`length` bytes without the newline). */
export function eventRowOf(e: ChatEvent, offset: number, length: number): EventRow {
  return {
    ts: Date.parse(e.ts),
    kind: e.kind,
    person: eventPersonKey(e),
    user: e.user_name,
    channel: e.channel,
    target: e.kind === "clearmsg" ? e.target_message_id : null,
    eid: e.event_id,
    offset,
    length,
  };
}

/**
 * Brings the event index up to the end of the event log (its last whole line), inside one
 * transaction; starts over when the log no longer holds the indexed prefix (rewritten by forget
 * or retention). Returns the events indexed.
 */
export async function catchUpEvents(ix: MessageIndex, logPath: string): Promise<number> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(logPath, { read: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw wrapError(e, `read ${logPath}`);
    if (ix.eventMark.offset > 0) {
      ix.transaction(() => {
        ix.db.exec("DELETE FROM events");
        ix.setMeta("event_mark", JSON.stringify(EMPTY_MARK));
      });
    }
    return 0;
  }
  try {
    const size = (await file.stat()).size;
    let mark = ix.eventMark;
    const reset = !markHolds(file, size, mark);
    if (reset) mark = EMPTY_MARK;
    if (mark.offset >= size && !reset) return 0;
    const { rows, end } = await readEventRows(logPath, mark.offset);
    storeEventRows(ix, rows, reset, markOf(file, end));
    return rows.length;
  } finally {
    file.close();
  }
}

/** The event rows of the log's whole lines from byte `start`, and where the last one ends. */
async function readEventRows(
  logPath: string,
  start: number,
): Promise<{ rows: EventRow[]; end: number }> {
  const rows: EventRow[] = [];
  let end = start;
  const batches = await openLineBatches(logPath, { start });
  const parse = await eventParser();
  read: for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial) break read;
      end = item.offset + item.bytes;
      if (!("text" in item)) continue;
      let v: unknown;
      try {
        v = JSON.parse(item.text);
      } catch {
        continue;
      }
      const e = parse(v);
      if (e !== null) rows.push(eventRowOf(e, item.offset, item.bytes - 1));
    }
  }
  return { rows, end };
}

/** Adds `rows` (after emptying the table on a `reset`) and records `next`: one transaction. */
function storeEventRows(ix: MessageIndex, rows: EventRow[], reset: boolean, next: LogMark): void {
  ix.transaction(() => {
    if (reset) ix.db.exec("DELETE FROM events");
    const ins = ix.db.prepare(
      "INSERT INTO events(ts, kind, pid, uid, cid, target, eid, off, len) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (const r of rows) {
      ins.run(
        r.ts,
        KIND_CODE[r.kind],
        r.person === null ? null : ix.nameId(r.person),
        r.user === null ? null : ix.nameId(r.user),
        ix.nameId(r.channel),
        r.target,
        r.eid,
        r.offset,
        r.length,
      );
    }
    ix.setMeta("event_mark", JSON.stringify(next));
  });
}

/** What the event index can narrow a search by (every field optional; all must hold). */
export interface EventIndexQuery {
  kind?: ChatEvent["kind"];
  /** Any of these person keys. */
  persons?: readonly string[];
  user?: string;
  channel?: string;
  sinceMs?: number;
  untilMs?: number;
}

/** Where an indexed event's line is. */
export interface EventSpot {
  offset: number;
  length: number;
}

/** The indexed events matching `q`, in log order. */
export function eventSpots(ix: MessageIndex, q: EventIndexQuery): EventSpot[] {
  const conds: string[] = [];
  const params: Array<number | string> = [];
  if (q.kind !== undefined) {
    conds.push("kind = ?");
    params.push(KIND_CODE[q.kind]);
  }
  if (q.persons !== undefined) {
    const ids = q.persons.map((p) => ix.lookupName(p)).filter((id) => id !== null);
    if (ids.length === 0) return [];
    conds.push(`pid IN (${ids.map(() => "?").join(",")})`);
    params.push(...ids);
  }
  for (const [col, name] of [["uid", q.user], ["cid", q.channel]] as const) {
    if (name === undefined) continue;
    const id = ix.lookupName(name);
    if (id === null) return [];
    conds.push(`${col} = ?`);
    params.push(id);
  }
  if (q.sinceMs !== undefined) {
    conds.push("ts >= ?");
    params.push(q.sinceMs);
  }
  if (q.untilMs !== undefined) {
    conds.push("ts < ?");
    params.push(q.untilMs);
  }
  const where = conds.length ? `WHERE ${conds.join(" AND ")}` : "";
  const rows = ix.db.prepare(`SELECT off, len FROM events ${where} ORDER BY rid`).all(
    ...params,
  ) as Array<{ off: number; len: number }>;
  return rows.map((r) => ({ offset: Number(r.off), length: Number(r.len) }));
}

/**
 * When each of `ids` was deleted (the first CLEARMSG naming it in the indexed events), by
 * message id. Few deletions against many ids: all of them are read and matched in memory.
 */
export function indexedDeletions(
  ix: MessageIndex,
  ids: readonly string[],
): Map<string, { ts: number; rid: number }> {
  const out = new Map<string, { ts: number; rid: number }>();
  const put = (r: { target: string; ts: number; rid: number }) => {
    const had = out.get(r.target);
    if (had === undefined || Number(r.rid) < had.rid) {
      out.set(r.target, { ts: Number(r.ts), rid: Number(r.rid) });
    }
  };
  const all = Number(
    (ix.db.prepare("SELECT count(*) AS n FROM events WHERE target IS NOT NULL").get() as {
      n: number;
    }).n,
  );
  if (all === 0) return out;
  if (all <= ids.length * 4) {
    const wanted = new Set(ids);
    for (
      const r of ix.db.prepare(
        "SELECT target, ts, rid FROM events WHERE target IS NOT NULL",
      ).all() as Array<{ target: string; ts: number; rid: number }>
    ) {
      if (wanted.has(r.target)) put(r);
    }
    return out;
  }
  const one = ix.db.prepare("SELECT target, ts, rid FROM events WHERE target = ?");
  for (const id of ids) {
    for (const r of one.all(id) as Array<{ target: string; ts: number; rid: number }>) put(r);
  }
  return out;
}

/** Reads the event lines at `spots` from the log: the well-formed events among them. */
export async function readEventsAt(
  logPath: string,
  spots: readonly EventSpot[],
): Promise<ChatEvent[] | null> {
  if (spots.length === 0) return [];
  const parse = await eventParser();
  const file = Deno.openSync(logPath, { read: true });
  const dec = new TextDecoder();
  try {
    const out: ChatEvent[] = [];
    for (const s of spots) {
      const bytes = readRangeSync(file, s.offset, s.length);
      if (bytes.length !== s.length) return null;
      let v: unknown;
      try {
        v = JSON.parse(dec.decode(bytes));
      } catch {
        return null;
      }
      const e = parse(v);
      if (e === null) return null;
      out.push(e);
    }
    return out;
  } finally {
    file.close();
  }
}
