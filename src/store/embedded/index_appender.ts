/**
 * Rows going into the embedded index: what it keeps of a message ({@link IndexRow}), and the
 * write transaction that takes them one at a time and commits them with their full-text rows
 * and the new log mark ({@link IndexAppender}, opened by `MessageIndex.beginAppend`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { indexRowOf } from "./index_appender.ts";
 * const row = indexRowOf({
 *   ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m", user_id: "1",
 *   user_name: "u", text: "hi", mentions: [], urls: [], emotes: [], source: "fixture",
 * }, 0, 10);
 * strictEqual(row.person, "#1");
 * ```
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { fold } from "../../normalize.ts";
import { StoreError } from "../../errors.ts";
import type { LogMark } from "../log/log_mark.ts";
import { personKey } from "../../analysis/identity.ts";
import { type InteractionRow, interactionRowOf } from "./interaction_index.ts";
import type { MessageIndex } from "./message_index.ts";
import { personRowsInsert, segmentRangesUpdate } from "./person_segments.ts";

/** One line to index: what the index keeps of a message (not the whole record). */
export interface IndexRow {
  /** `ts` in epoch ms. */
  ts: number;
  user: string;
  /** The author's person key (`#<user_id>`, or the login of a message without an id). */
  person: string;
  channel: string;
  mid: string;
  /** Whom the message addresses (mentions, reply), or null when no one. */
  addressed: InteractionRow | null;
  /** The text as in the record (folded when stored; as written too when folding changes it). */
  text: string;
  /** True when the record carries watchlist hits or signals (a timeline reads it for them). @default false */
  extra?: boolean;
  /** Byte offset of the line in the log and its length without the newline. */
  offset: number;
  length: number;
}

/** The index row of a parsed log line. */
export function indexRowOf(m: Message, offset: number, length: number): IndexRow {
  return {
    ts: Date.parse(m.ts),
    user: m.user_name,
    person: personKey(m),
    channel: m.channel,
    mid: m.message_id,
    addressed: interactionRowOf(m),
    text: m.text,
    extra: (m.hits?.length ?? 0) > 0 || (m.signals?.length ?? 0) > 0,
    offset,
    length,
  };
}

/** Rows going into the index in one transaction ({@link MessageIndex.beginAppend}). */
export interface IndexAppender {
  /** Indexes one row (inside the open transaction). */
  add(row: IndexRow): void;
  /** Rows added so far. */
  readonly rows: number;
  /** Adds the FTS rows, records `mark`, and commits. */
  commit(mark: LogMark): void;
  /** Drops the rows added (no-op after commit). */
  rollback(): void;
}

/** The rows of one transaction, before its FTS rows and mark ({@link IndexAppender}). */
export interface RowBatch {
  add(r: IndexRow): void;
  finish(mark: LogMark): void;
  rows: number;
}

/**
 * The ids of a row's login, person and channel in the name table. The person of each login's
 * last row and the last channel are kept: most rows repeat them, and comparing two short
 * strings costs far less than hashing a new one into the name table. A new (login, person)
 * pair is recorded for user searches.
 */
function rowIds(ix: MessageIndex): (r: IndexRow) => { uid: number; pid: number; cid: number } {
  const personOf = new Map<number, { key: string; pid: number }>();
  let channel = "";
  let cid = 0;
  return (r) => {
    const uid = ix.nameId(r.user);
    let p = personOf.get(uid);
    if (p === undefined || p.key !== r.person) {
      p = { key: r.person, pid: ix.nameId(r.person) };
      personOf.set(uid, p);
      ix.notePerson(uid, p.pid);
    }
    if (r.channel !== channel || cid === 0) {
      channel = r.channel;
      cid = ix.nameId(channel);
    }
    return { uid, pid: p.pid, cid };
  };
}

/**
 * Rows per INSERT of the messages table: one statement call per this many rows instead of one
 * per row. Each call crosses from JavaScript into node:sqlite and binds its values one by one;
 * 16 rows a call measured ~1.6 us less per row (of ~2-5 us for a bare 10-column insert).
 */
const ROWS_PER_INSERT = 16;
/** The columns of one messages row, in the order of the INSERT. */
const MESSAGE_COLUMNS = "(rid, ts, uid, pid, cid, mid, text, raw, extra, off, len)";
const ROW_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/**
 * Adds rows to `ix` inside the caller's transaction; `finish` adds the FTS rows and the
 * person rows of every row added (one INSERT ... SELECT each rather than one statement per
 * row; see `personRowsInsert` for the person rows) and records `mark`. Rows get
 * their rowid here, in order after the last one (what SQLite would pick), and go into the
 * messages table {@link ROWS_PER_INSERT} at a time.
 */
export function rowBatch(ix: MessageIndex): RowBatch {
  const stmt = (sql: string) => ix.file.stmt(sql);
  const last = Number(
    (stmt("SELECT coalesce(max(rid), 0) AS r FROM messages").get() as { r: number }).r,
  );
  const messages = messageInserts(stmt);
  const addressed = stmt(
    "INSERT INTO interactions(rid, ts, pid, uid, cid, mentions, reply_login, reply_id) " +
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const ids = rowIds(ix);
  const out = {
    rows: 0,
    add: (r: IndexRow) => {
      const { uid, pid, cid } = ids(r);
      const folded = fold(r.text);
      const rid = last + out.rows + 1;
      const raw = folded === r.text ? null : r.text;
      // Pushed in place, two calls to stay within the formatter's line: no array per row.
      messages.pending.push(rid, r.ts, uid, pid, cid, r.mid, folded, raw, r.extra ? 1 : 0);
      messages.pending.push(r.offset, r.length);
      messages.added();
      const a = r.addressed;
      if (a !== null) {
        addressed.run(rid, r.ts, pid, uid, cid, a.mentions, a.reply_login, a.reply_id);
      }
      out.rows++;
    },
    finish: (mark: LogMark) => {
      messages.flush();
      if (out.rows > 0) {
        stmt("INSERT INTO fts(rowid, text) SELECT rid, text FROM messages WHERE rid > ?")
          .run(last);
        const { changes } = stmt(personRowsInsert(ix.segmentShift)).run(last);
        if (Number(changes) !== out.rows) {
          throw new StoreError(`index: ${out.rows - Number(changes)} person rows not inserted`);
        }
        stmt(segmentRangesUpdate(ix.segmentShift)).run(last);
      }
      ix.setMeta("mark", JSON.stringify(mark));
    },
  };
  return out;
}

/** One messages row's values, in the order of {@link MESSAGE_COLUMNS}. */
type MessageValues = Array<string | number | null>;

/**
 * Rows for the messages table, inserted {@link ROWS_PER_INSERT} per statement as they come and
 * one by one for the rest at `flush`.
 */
function messageInserts(stmt: (sql: string) => ReturnType<MessageIndex["file"]["stmt"]>) {
  const insOne = stmt(`INSERT INTO messages${MESSAGE_COLUMNS} VALUES ${ROW_VALUES}`);
  // OR IGNORE: a statement of several rows that could abort half-way would keep a statement
  // journal in a temporary file (pages written twice: 30x the writes); nothing here can
  // conflict (fresh rowids, no NULL in a NOT NULL column), and the count of rows inserted is
  // checked, so a skipped row would still fail the batch.
  const insMany = stmt(
    `INSERT OR IGNORE INTO messages${MESSAGE_COLUMNS} VALUES ` +
      Array.from({ length: ROWS_PER_INSERT }, () => ROW_VALUES).join(", "),
  );
  /** Values of the rows not yet inserted, row after row. */
  const pending: MessageValues = [];
  let pendingRows = 0;
  const flush = () => {
    if (pendingRows === ROWS_PER_INSERT) {
      const { changes } = insMany.run(...pending);
      if (Number(changes) !== ROWS_PER_INSERT) {
        throw new StoreError(`index: ${ROWS_PER_INSERT - Number(changes)} rows not inserted`);
      }
    } else {
      for (let i = 0; i < pending.length; i += 11) insOne.run(...pending.slice(i, i + 11));
    }
    pending.length = 0;
    pendingRows = 0;
  };
  return {
    /** Where each row's values go, in column order. */
    pending,
    /** Counts the row just pushed, inserting the batch when it is full. */
    added: () => {
      if (++pendingRows === ROWS_PER_INSERT) flush();
    },
    flush: () => {
      if (pendingRows > 0) flush();
    },
  };
}
