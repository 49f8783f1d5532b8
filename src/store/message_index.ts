/**
 * The embedded index (`data/index.sqlite`, `node:sqlite`): what search needs to answer without
 * reading the whole log, derived from `data/logs/messages.jsonl` and rebuildable from it at any
 * time (deleting the file loses nothing).
 *
 * Layout:
 * - `messages`: one row per log line (rowid in log order) with the epoch-ms `ts`, the user and
 *   channel as ids from `names`, the `message_id`, the FOLDED text (see {@link fold}) and the
 *   line's byte offset and length in the log. Records are read back from the log itself, so
 *   the index stays small and never disagrees with the canonical file about a record.
 * - B-tree indexes on (user, ts, text), (channel, ts) and (ts): a user's or channel's
 *   messages, or a time window, newest first, without sorting; the text in the first lets
 *   "user + word" skip non-matching rows without visiting the table (5.4 ms -> 0.4 ms for a
 *   busy user over 1M rows, measured with bench/search.ts), at about a quarter of the index's
 *   ingest cost. The channel index holds no text: a channel has far more rows than a user, so
 *   the copy costs ingest more than it saves the rarer "channel + word".
 * - `fts`: FTS5 over the folded text with the trigram tokenizer (`case_sensitive 1`, since the
 *   text is folded already; `detail=none` keeps it 2.5x smaller and twice as fast to build;
 *   `columnsize=0` drops the per-row size table, which only ranking reads: FTS inserts ~30%
 *   cheaper),
 *   filled by one INSERT ... SELECT per committed batch, with `automerge` 16 (segments merged
 *   less eagerly while ingesting: about a third less FTS work per row).
 *   With detail=none FTS5 cannot match phrases, so a needle is looked up as the AND of its
 *   trigrams: a superset of the true matches, which are then checked exactly on the text.
 * - `meta`: the schema version and the log mark: how many bytes of the log are indexed, and
 *   hashes of the first and of the last 4 KiB of that prefix, so that a log that was replaced
 *   or rewritten (forget, retention) is noticed and the index rebuilt.
 *
 * Query plan (see {@link MessageIndex.candidates}): needles of 3+ characters first ask FTS for
 * their newest candidates, each needle alone and then all together, up to a small cap.
 * - A rare needle (fewer candidates than the cap): those rows are all there is; check, sort.
 * - Common needles, no user or channel: the newest candidates by log position are checked; if
 *   `limit` of them match and one index probe shows that no row older in the log is as new in
 *   time as the k-th (always so unless old chat was imported late), they are the answer
 *   ("two words" over 1M rows: 3.7 -> 1.2 ms).
 * - Otherwise walk the matching B-tree index newest first and check each row until `limit`
 *   results are certain (a common needle matches often, so the walk is short), unless the
 *   candidates' density says that fetching them all is cheaper. This avoids sorting every
 *   match of a common word by time, the slow case (160 ms over 1M rows) noted in the issue.
 *
 * One writer at a time (the derived writer holds `index.sqlite.lock`); WAL lets searches read
 * while it writes.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Message } from "../schemas.ts";
import { fold } from "../normalize.ts";
import { EMPTY_MARK, type LogMark } from "./log_mark.ts";
import { logRecordOf } from "./log_record.ts";
import { SqliteFile } from "./sqlite.ts";
import { personKey } from "../analysis/identity.ts";
import { EVENT_INDEX_SCHEMA } from "./event_index.ts";
import { INTERACTION_SCHEMA, type InteractionRow, interactionRowOf } from "./interaction_index.ts";

/** Bumped when the layout changes: an index of another version is dropped and rebuilt. */
// 7: the person of each message (`pid`), the event index and the interactions (issue 16).
export const INDEX_VERSION = "7";

/**
 * How many of the newest FTS candidates a query of no user first asks for. Fewer: the needles
 * are rare and these are all the candidates. Otherwise the row span they cover estimates how
 * dense the matches are among the newest rows, which decides the plan (see
 * {@link MessageIndex.candidates}).
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
 * The most rows of a channel's window listed to intersect them with FTS matches (see
 * `#channelMatches`): listing them costs ~0.05 us each from the (cid, ts) index.
 */
const INTERSECT_CAP = 200_000;
/**
 * Costs behind `#channelMatches`, in microseconds, measured over one channel-day of 1M rows
 * (4,516 rows, 11,652 FTS matches of "dat" between their rowids): reading a row from the
 * table (the walk's cost per row visited, and the cost of each intersected row), listing and
 * sorting one rowid of the channel's window, and listing one FTS match.
 */
const READ_ROW_COST = 2;
const LIST_ENTRY_COST = 1;
const FTS_ENTRY_COST = 0.3;
/** A walk expected to cost less than this (us) is taken without weighing the intersection. */
const INTERSECT_MIN_WALK = 2000;

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
  /** The text as in the record (folded when stored). */
  text: string;
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

/** A search over the indexed prefix. */
export interface IndexQuery {
  user?: string;
  /** Any of these person keys (`#<user_id>`, or a login for messages without an id). */
  persons?: readonly string[];
  channel?: string;
  /** Inclusive lower bound, epoch ms. */
  sinceMs?: number;
  /** Exclusive upper bound, epoch ms. */
  untilMs?: number;
  /** Folded needles: all must occur in the folded text. */
  terms: readonly string[];
  /**
   * Further conditions the index can check: each an OR of literals over the folded text, the
   * user and the channel (all must hold).
   */
  clauses?: readonly (readonly IndexLiteral[])[];
  limit: number;
}

/** A condition of {@link IndexQuery.clauses}: a folded needle, a user, a channel or a person, maybe negated. */
export interface IndexLiteral {
  negated: boolean;
  field: "text" | "user" | "channel" | "person";
  value: string;
}

/** A matching row: enough to order results and read the record from the log. */
export interface Candidate {
  ts: number;
  mid: string;
  offset: number;
  length: number;
}

/** Orders candidates newest first, ties by message_id ascending (code unit order). */
export function compareCandidates(
  a: { ts: number; mid: string },
  b: { ts: number; mid: string },
): number {
  return b.ts - a.ts || (a.mid < b.mid ? -1 : a.mid > b.mid ? 1 : 0);
}

/** Code points of a needle, for trigrams. */
function trigramsOf(term: string): string[] {
  const cps = [...term];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= cps.length; i++) out.add(cps[i]! + cps[i + 1]! + cps[i + 2]!);
  return [...out];
}

/** A needle FTS can narrow: 3+ code points (folded, so no NUL). */
function ftsable(term: string): boolean {
  return [...term].length >= 3;
}

/**
 * The FTS5 expression for needles: each trigram a quoted string (`"` doubled), ANDed. User
 * text therefore never reaches FTS syntax: `*`, `NEAR`, `(`, `:` inside quotes are literal.
 */
export function ftsExpression(terms: readonly string[]): string | null {
  const grams = new Set<string>();
  for (const t of terms) if (ftsable(t)) { for (const g of trigramsOf(t)) grams.add(g); }
  if (grams.size === 0) return null;
  let list = [...grams];
  if (list.length > 24) {
    // Long needles: a spread of 24 trigrams narrows as well as all of them, for less work.
    const step = list.length / 24;
    list = Array.from({ length: 24 }, (_, i) => list[Math.floor(i * step)]!);
  }
  return list.map((g) => `"${g.replaceAll('"', '""')}"`).join(" AND ");
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS messages(
  rid INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  cid INTEGER NOT NULL,
  mid TEXT NOT NULL,
  text TEXT NOT NULL,
  off INTEGER NOT NULL,
  len INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_user ON messages(uid, ts, text);
CREATE INDEX IF NOT EXISTS messages_channel ON messages(cid, ts);
CREATE INDEX IF NOT EXISTS messages_ts ON messages(ts);
CREATE INDEX IF NOT EXISTS messages_person ON messages(pid, ts, mid, off, len, cid);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
  text, content='messages', content_rowid='rid', tokenize='trigram case_sensitive 1',
  detail=none, columnsize=0
);
${EVENT_INDEX_SCHEMA}
${INTERACTION_SCHEMA}
`;

/**
 * The page size of a new index. 8 KiB pages against the default 4 KiB: a catch-up commit
 * writes every page its inserts dirtied, and the (user, ts, text) index spreads them over the
 * whole tree, so half as many pages meant a quarter less commit time (bench/ingest.ts).
 */
const PAGE_SIZE = 8192;

/** Options of {@link MessageIndex.open}. */
export interface OpenIndexOptions {
  /** Open for reading only (a search): never creates or migrates. @default false */
  readOnly?: boolean;
  /**
   * SQLite page cache in KiB. A writer's catch-up touches pages all over the (user, ts) index;
   * a cache that holds more of it rereads fewer pages. @default 65536 for writers, 16384 for
   * readers (a search touches few pages).
   */
  cacheKiB?: number;
}

/** The SQLite index of one data dir. */
export class MessageIndex {
  readonly file: SqliteFile;
  #names: Map<string, number> | null = null;

  private constructor(file: SqliteFile) {
    this.file = file;
  }

  /** The connection (for tests and maintenance). */
  get db(): DatabaseSync {
    return this.file.db;
  }

  /**
   * Opens (and for writers creates or migrates) the index at `path`. Throws StoreError when it
   * cannot be opened; callers that only read fall back to scanning the log.
   */
  static open(path: string, options: OpenIndexOptions = {}): MessageIndex {
    const readOnly = options.readOnly ?? false;
    return new MessageIndex(SqliteFile.open(path, {
      readOnly,
      cacheKiB: options.cacheKiB ?? (readOnly ? 16384 : 65536),
      pageSize: PAGE_SIZE,
      version: INDEX_VERSION,
      schema: SCHEMA,
      created: (f) => {
        f.db.exec("INSERT INTO fts(fts, rank) VALUES ('automerge', 16)");
        // FTS leaves as large as the database pages (the default, 4050 bytes, suits 4 KiB).
        f.db.exec("INSERT INTO fts(fts, rank) VALUES ('pgsz', 8000)");
      },
    }));
  }

  #stmt(sql: string): StatementSync {
    return this.file.stmt(sql);
  }

  /** A value from the meta table. */
  meta(key: string): string | undefined {
    return this.file.meta(key);
  }

  /** Sets a meta value (inside the caller's transaction, if any). */
  setMeta(key: string, value: string): void {
    this.file.setMeta(key, value);
  }

  /** The part of the log the index covers. */
  get mark(): LogMark {
    const raw = this.meta("mark");
    if (raw === undefined) return EMPTY_MARK;
    try {
      return JSON.parse(raw) as LogMark;
    } catch {
      return EMPTY_MARK;
    }
  }

  /** The part of the event log the event index covers (see `event_index.ts`). */
  get eventMark(): LogMark {
    const raw = this.meta("event_mark");
    if (raw === undefined) return EMPTY_MARK;
    try {
      return JSON.parse(raw) as LogMark;
    } catch {
      return EMPTY_MARK;
    }
  }

  /** Number of indexed messages. */
  count(): number {
    return Number((this.#stmt("SELECT count(*) AS n FROM messages").get() as { n: number }).n);
  }

  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: () => T): T {
    return this.file.transaction(fn);
  }

  /** Forgets every indexed message (before a rebuild); call inside a transaction. */
  clear(): void {
    this.db.exec(
      "DELETE FROM messages; DELETE FROM names; DELETE FROM events; DELETE FROM interactions;",
    );
    this.db.exec("INSERT INTO fts(fts) VALUES ('delete-all')");
    this.setMeta("mark", JSON.stringify(EMPTY_MARK));
    this.setMeta("event_mark", JSON.stringify(EMPTY_MARK));
    this.#names = null;
  }

  /**
   * Forgets every indexed message so that no byte of it remains in the files (see
   * {@link SqliteFile.scrub}): for a log that was rewritten to drop lines (forget, retention).
   */
  scrub(): void {
    this.file.scrub(() => this.clear());
  }

  /**
   * Merges the full-text index into one segment. Ingest leaves many segments (automerge 16
   * merges lazily, to index faster), and every FTS lookup visits each of them: over 1M rows
   * merging took 0.9 s and made "two words" 7.1 -> 4.6 ms, "user + word" 1.8 -> 1.4 ms.
   */
  optimize(): void {
    this.transaction(() => this.db.exec("INSERT INTO fts(fts) VALUES ('optimize')"));
  }

  /** The id of a name (a login, a channel, a person key), added when new. */
  nameId(name: string): number {
    if (this.#names === null) {
      this.#names = new Map();
      for (
        const r of this.#stmt("SELECT id, name FROM names").all() as Array<
          { id: number; name: string }
        >
      ) {
        this.#names.set(r.name, Number(r.id));
      }
    }
    let id = this.#names.get(name);
    if (id === undefined) {
      id = Number(this.#stmt("INSERT INTO names(name) VALUES (?)").run(name).lastInsertRowid);
      this.#names.set(name, id);
    }
    return id;
  }

  /**
   * Indexes rows and records the new mark, inside the caller's transaction. The FTS rows are
   * added by one INSERT ... SELECT per call rather than one statement per row.
   */
  append(rows: readonly IndexRow[], mark: LogMark): void {
    const batch = this.#appender();
    for (const r of rows) batch.add(r);
    batch.finish(mark);
  }

  /**
   * Opens a write transaction that takes rows one at a time, as the log is read, and commits
   * them with the FTS rows and the new mark at the end: the writer holds no batch of rows (a
   * catch-up chunk of 131,072 rows held ~30 MB that outlived V8's young generation, so each
   * chunk grew the old generation of the index thread).
   */
  beginAppend(): IndexAppender {
    this.db.exec("BEGIN IMMEDIATE");
    let open = true;
    const batch = this.#appender();
    return {
      add: (r) => batch.add(r),
      get rows() {
        return batch.rows;
      },
      commit: (mark) => {
        batch.finish(mark);
        open = false;
        this.db.exec("COMMIT");
      },
      rollback: () => {
        if (!open) return;
        open = false;
        this.db.exec("ROLLBACK");
      },
    };
  }

  #appender(): { add(r: IndexRow): void; finish(mark: LogMark): void; rows: number } {
    const last = Number(
      (this.#stmt("SELECT coalesce(max(rid), 0) AS r FROM messages").get() as { r: number }).r,
    );
    const ins = this.#stmt(
      "INSERT INTO messages(ts, uid, pid, cid, mid, text, off, len) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const addressed = this.#stmt(
      "INSERT INTO interactions(rid, ts, pid, uid, cid, mentions, reply_login, reply_id) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const out = {
      rows: 0,
      add: (r: IndexRow) => {
        const uid = this.nameId(r.user);
        const pid = this.nameId(r.person);
        const cid = this.nameId(r.channel);
        const rid = ins.run(
          r.ts,
          uid,
          pid,
          cid,
          r.mid,
          fold(r.text),
          r.offset,
          r.length,
        ).lastInsertRowid;
        const a = r.addressed;
        if (a !== null) {
          addressed.run(rid, r.ts, pid, uid, cid, a.mentions, a.reply_login, a.reply_id);
        }
        out.rows++;
      },
      finish: (mark: LogMark) => {
        if (out.rows > 0) {
          this.#stmt("INSERT INTO fts(rowid, text) SELECT rid, text FROM messages WHERE rid > ?")
            .run(last);
        }
        this.setMeta("mark", JSON.stringify(mark));
      },
    };
    return out;
  }

  /** The ids of the person keys that some row names. */
  #personIds(persons: readonly string[]): number[] {
    const out: number[] = [];
    for (const p of persons) {
      const id = this.#lookupName(p);
      if (id !== null) out.push(id);
    }
    return out;
  }

  /** The id of a name, or null when no row names it. */
  lookupName(name: string): number | null {
    return this.#lookupName(name);
  }

  #lookupName(name: string): number | null {
    if (this.#names !== null) return this.#names.get(name) ?? null;
    const row = this.#stmt("SELECT id FROM names WHERE name = ?").get(name) as
      | { id: number }
      | undefined;
    return row ? Number(row.id) : null;
  }

  /**
   * The rowids of `n` FTS matches of `expr`: the newest, newest first, or (`anyOrder`) the
   * first FTS finds, which is cheaper (FTS reads its doclists forwards: 0.05 against 0.15 ms
   * for a common word over 1M rows).
   */
  #matches(expr: string, n: number, anyOrder = false): number[] {
    return (this.#stmt(
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
  #topFromNewest(
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
    const older = this.#stmt(
      `SELECT 1 FROM messages INDEXED BY messages_ts WHERE ${conds.join(" AND ")} LIMIT 1`,
    ).get(...params);
    return older === undefined ? cutWithTies(matches, q.limit) : null;
  }

  /**
   * Counts every match of `q` in the indexed prefix (`limit` ignored), leaving out rows of the
   * users and channels in `exclude`: the total beside a page of results.
   */
  countMatches(
    q: IndexQuery,
    exclude?: { users: ReadonlySet<string>; channels: ReadonlySet<string> },
  ): number {
    const conds: string[] = [];
    const params: Array<number | string> = [];
    for (const [col, name] of [["uid", q.user], ["cid", q.channel]] as const) {
      if (name === undefined) continue;
      const id = this.#lookupName(name);
      if (id === null) return 0;
      conds.push(`${col} = ?`);
      params.push(id);
    }
    if (q.persons !== undefined) {
      const ids = this.#personIds(q.persons);
      if (ids.length === 0) return 0;
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
    for (const t of q.terms) {
      conds.push("instr(text, ?) > 0");
      params.push(t);
    }
    for (const [col, names] of [["uid", exclude?.users], ["cid", exclude?.channels]] as const) {
      if (!names || names.size === 0) continue;
      conds.push(
        `${col} NOT IN (SELECT id FROM names WHERE name IN (${
          [...names].map(() => "?").join(",")
        }))`,
      );
      params.push(...names);
    }
    const where = conds.length ? ` WHERE ${conds.join(" AND ")}` : "";
    const row = this.#stmt(`SELECT count(*) AS n FROM messages${where}`).get(...params) as {
      n: number;
    };
    return Number(row.n);
  }

  /**
   * Opens a write transaction and keeps it open across awaits until `commit` or `rollback`
   * (a writer's batch; tests use it to show that readers are not blocked).
   */
  begin(): { commit(): void; rollback(): void } {
    this.db.exec("BEGIN IMMEDIATE");
    return {
      commit: () => this.db.exec("COMMIT"),
      rollback: () => this.db.exec("ROLLBACK"),
    };
  }

  /** Storage figures: the page size, and the rows of the full-text index's segment data. */
  stats(): { pageSize: number; ftsDataRows: number } {
    const page = this.#stmt("PRAGMA page_size").get() as { page_size: number };
    const fts = this.#stmt("SELECT count(*) AS n FROM fts_data").get() as { n: number };
    return { pageSize: Number(page.page_size), ftsDataRows: Number(fts.n) };
  }

  /** Runs `fn` in one read transaction: what it reads is one consistent snapshot. */
  read<T>(fn: () => T): T {
    this.db.exec("BEGIN");
    try {
      return fn();
    } finally {
      this.db.exec("COMMIT");
    }
  }

  /**
   * The best `q.limit` matches in the indexed prefix, newest first, ties by message_id (more
   * when several rows share the last timestamp: the caller cuts after merging).
   */
  candidates(q: IndexQuery): Candidate[] {
    const conds: string[] = [];
    const params: Array<number | string> = [];
    let indexName = "messages_ts";
    if (q.user !== undefined) {
      const id = this.#lookupName(q.user);
      if (id === null) return [];
      conds.push("uid = ?");
      params.push(id);
      indexName = "messages_user";
    }
    if (q.persons !== undefined) {
      const ids = this.#personIds(q.persons);
      if (ids.length === 0) return [];
      conds.push(`pid IN (${ids.map(() => "?").join(",")})`);
      params.push(...ids);
      if (q.user === undefined) indexName = "messages_person";
    }
    let channelId: number | null = null;
    if (q.channel !== undefined) {
      const id = channelId = this.#lookupName(q.channel);
      if (id === null) return [];
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
    const terms = q.terms;
    // Needles are checked inside SQLite: instr() over the folded text (well-formed UTF-8, so a
    // byte substring is exactly a character substring), bound as parameters, never as syntax.
    const textConds = terms.map(() => "instr(text, ?) > 0");
    const allConds = [...conds, ...textConds];
    const allParams: Array<number | string> = [...params, ...terms];
    this.#clauseConditions(q.clauses ?? [], allConds, allParams);
    type Row = { ts: number; mid: string; off: number; len: number };
    const toCandidate = (r: Row): Candidate => ({
      ts: Number(r.ts),
      mid: r.mid,
      offset: Number(r.off),
      length: Number(r.len),
    });
    const fetch = (ids: readonly number[] | null, expr = ""): Candidate[] => {
      // The rows FTS names (given, or all matches of `expr`), checked and sorted.
      const source = ids === null
        ? "rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
        : `rid IN (${ids.map(() => "?").join(",")})`;
      const rows = this.#stmt(
        `SELECT ts, mid, off, len FROM messages WHERE ${[source, ...allConds].join(" AND ")}`,
      ).all(...(ids ?? [expr]), ...allParams) as Row[];
      const out = rows.map(toCandidate);
      out.sort(compareCandidates);
      return out;
    };
    const ftsTerms = terms.filter(ftsable);
    // One user's or person's rows are few: walking them is cheap.
    const narrow = q.user !== undefined || q.persons !== undefined;
    if (ftsTerms.length > 0) {
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
        newest = this.#matches(expr, cap, anyOrder);
        if (newest.length < cap) return cutWithTies(fetch(newest), q.limit);
      }
      if (!narrow) {
        // The newest candidates are probably the answer (rowid order is log order, close to
        // time order): check them, then make sure no older row is newer than the k-th.
        if (q.channel === undefined) {
          const top = this.#topFromNewest(fetch(newest), newest, q);
          if (top !== null) return top;
        }
        // Density d of candidates among the newest rows: a walk newest first visits about
        // limit/d rows; fetching every candidate handles about d * rows. Take the cheaper.
        const last = Number(
          (this.#stmt("SELECT coalesce(max(rid), 0) AS r FROM messages").get() as { r: number }).r,
        );
        const d = FTS_PROBE / Math.max(FTS_PROBE, last - newest[newest.length - 1]! + 1);
        if (channelId !== null) {
          const rows = this.#channelMatches(channelId, q, expr, d, allConds, allParams);
          if (rows !== null) {
            return cutWithTies(rows.map(toCandidate).sort(compareCandidates), q.limit);
          }
        }
        if ((q.limit / d) * WALK_ROW_COST > d * last * FETCH_ROW_COST) {
          return cutWithTies(fetch(null, expr), q.limit);
        }
      }
    }
    // Common needles, short ones, or none: walk newest first through the B-tree; SQLite skips
    // non-matching rows, and the walk stops once the top `limit` is certain.
    const where = allConds.length ? `WHERE ${allConds.join(" AND ")}` : "";
    // One statement with LIMIT, all rows at once (node:sqlite's `all` costs a quarter of
    // `iterate` per row), then the rows that tie with the last one, which the order by
    // message id may rank before it.
    const rows = this.#stmt(
      `SELECT ts, mid, off, len FROM messages INDEXED BY ${indexName} ${where} ` +
        `ORDER BY ts DESC LIMIT ?`,
    ).all(...allParams, q.limit) as Row[];
    const out = rows.map(toCandidate);
    if (out.length === q.limit && q.limit > 0) {
      const kth = out[out.length - 1]!.ts;
      const seen = new Set(out.filter((c) => c.ts === kth).map((c) => c.offset));
      const ties = this.#stmt(
        `SELECT ts, mid, off, len FROM messages INDEXED BY ${indexName} ` +
          `${where ? `${where} AND` : "WHERE"} ts = ?`,
      ).all(...allParams, kth) as Row[];
      for (const r of ties) if (!seen.has(Number(r.off))) out.push(toCandidate(r));
    }
    out.sort(compareCandidates);
    return cutWithTies(out, q.limit);
  }

  /**
   * Every match of a channel's query with common needles, found without reading the rows that
   * do not match: the rowids of the channel's rows in the window (from the (cid, ts) index
   * alone, which holds them) intersected with the FTS matches of `expr` between the least and
   * the greatest of those rowids; only the rows in both are read. Null when walking the
   * channel's rows newest first is expected to read fewer rows (a window of many rows, a page
   * that the first few rows fill), or when the window holds too many rows to list.
   *
   * A walk reads each row it visits from the table (the channel index holds no text): over one
   * channel-day of 1M rows (~4,000 rows, 189 holding "dat"), that was ~4,000 page reads to find
   * that 27 matched a regex.
   */
  #channelMatches(
    cid: number,
    q: IndexQuery,
    expr: string,
    density: number,
    conds: readonly string[],
    params: readonly (number | string)[],
  ): Array<{ ts: number; mid: string; off: number; len: number }> | null {
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
    // Too few rows to visit for the span's listing to pay (a page the first rows fill).
    if (q.limit / density * READ_ROW_COST < INTERSECT_MIN_WALK) return null;
    const rowsOf = `SELECT rid FROM messages INDEXED BY messages_channel WHERE ${
      window.join(" AND ")
    }`;
    const span = this.#stmt(
      `SELECT count(*) AS n, min(rid) AS lo, max(rid) AS hi FROM (${rowsOf} LIMIT ${INTERSECT_CAP})`,
    ).get(...wParams) as { n: number; lo: number | null; hi: number | null };
    const n = Number(span.n);
    if (n === 0) return [];
    if (n >= INTERSECT_CAP) return null;
    // FTS lists every match between the bounds, of every channel: about `density` of them.
    const ftsEntries = (Number(span.hi) - Number(span.lo) + 1) * density;
    const intersect = n * LIST_ENTRY_COST + ftsEntries * FTS_ENTRY_COST +
      n * density * READ_ROW_COST;
    if (intersect >= Math.min(n, q.limit / density) * READ_ROW_COST) return null;
    return this.#stmt(
      `SELECT ts, mid, off, len FROM messages NOT INDEXED WHERE rid IN (${rowsOf} INTERSECT ` +
        `SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? AND rowid <= ?) AND ${
          conds.join(" AND ")
        }`,
    ).all(...wParams, expr, Number(span.lo), Number(span.hi), ...params) as Array<
      { ts: number; mid: string; off: number; len: number }
    >;
  }

  /** Appends the SQL of `clauses` (and their parameters) to `conds` and `params`. */
  #clauseConditions(
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
        const id = this.#lookupName(l.value);
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

  /** The WHERE clause (and parameters) of every row matching `q`, whatever its limit. */
  #matchingWhere(q: IndexQuery): { where: string; params: Array<number | string> } | null {
    const conds: string[] = [];
    const params: Array<number | string> = [];
    for (const [col, name] of [["uid", q.user], ["cid", q.channel]] as const) {
      if (name === undefined) continue;
      const id = this.#lookupName(name);
      if (id === null) return null;
      conds.push(`${col} = ?`);
      params.push(id);
    }
    if (q.persons !== undefined) {
      const ids = this.#personIds(q.persons);
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
      ? ftsExpression(q.terms)
      : null;
    if (expr !== null) {
      conds.push("rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)");
      params.push(expr);
    }
    for (const t of q.terms) {
      conds.push("instr(text, ?) > 0");
      params.push(t);
    }
    this.#clauseConditions(q.clauses ?? [], conds, params);
    return { where: conds.length ? `WHERE ${conds.join(" AND ")}` : "", params };
  }

  /** How many indexed rows match `q` (its limit ignored), counted inside SQLite. */
  countMatching(q: IndexQuery): number {
    const w = this.#matchingWhere(q);
    if (w === null) return 0;
    return Number(
      (this.#stmt(`SELECT count(*) AS n FROM messages ${w.where}`).get(...w.params) as {
        n: number;
      }).n,
    );
  }

  /**
   * How many indexed rows match `q`, counting at most `cap` of them (SQLite counts; no row
   * reaches JavaScript): `cap` means "at least".
   */
  countMatchingUpTo(q: IndexQuery, cap: number): number {
    const w = this.#matchingWhere(q);
    if (w === null) return 0;
    return Number(
      (this.#stmt(
        `SELECT count(*) AS n FROM (SELECT 1 FROM messages ${w.where} LIMIT ?)`,
      ).get(...w.params, cap) as { n: number }).n,
    );
  }

  /**
   * Every indexed row matching `q` (its limit ignored), in no particular order: for counting
   * matches a row at a time, so that a count can stop on a time budget.
   */
  *matchingRows(q: IndexQuery): Generator<Candidate> {
    const w = this.#matchingWhere(q);
    if (w === null) return;
    const stmt = this.#stmt(`SELECT ts, mid, off, len FROM messages ${w.where}`);
    for (
      const r of stmt.iterate(...w.params) as Iterable<
        { ts: number; mid: string; off: number; len: number }
      >
    ) {
      yield { ts: Number(r.ts), mid: r.mid, offset: Number(r.off), length: Number(r.len) };
    }
  }

  /** Closes the database. */
  close(): void {
    this.file.close();
  }
}

/** The first `limit` of a sorted list (ties beyond are not needed: the order is total). */
function cutWithTies(sorted: Candidate[], limit: number): Candidate[] {
  return sorted.length > limit ? sorted.slice(0, limit) : sorted;
}

/**
 * Reads the records of candidates from the log. Returns null when any line no longer holds
 * the message the index says (the log changed under us): the caller then scans instead.
 *
 * The lines are read into one buffer as a JSON array and parsed at once: one decode and one
 * parse instead of one per line (over 3,000 scattered lines: half the CPU time).
 */
export function readRecords(logPath: string, cands: readonly Candidate[]): Message[] | null {
  if (cands.length === 0) return [];
  let total = 2;
  for (const c of cands) total += c.length + 1;
  const buf = new Uint8Array(total);
  buf[0] = 0x5b; // [
  let at = 1;
  const file = Deno.openSync(logPath, { read: true });
  try {
    for (const c of cands) {
      const got = readRangeInto(file, c.offset, buf.subarray(at, at + c.length));
      if (got !== c.length) return null;
      at += c.length;
      buf[at++] = 0x2c; // ,
    }
  } finally {
    file.close();
  }
  buf[at - 1] = 0x5d; // ]
  let values: unknown[];
  try {
    values = JSON.parse(new TextDecoder().decode(buf.subarray(0, at)));
  } catch {
    // Some line is not JSON (or a range straddles lines): the log changed.
    return null;
  }
  if (values.length !== cands.length) return null;
  const out: Message[] = [];
  for (const [i, c] of cands.entries()) {
    const m = logRecordOf(values[i]);
    if (m === null || m.message_id !== c.mid || Date.parse(m.ts) !== c.ts) return null;
    out.push(m);
  }
  return out;
}

/** Reads bytes at `start` into `into` (fewer at the end of the file); returns how many. */
function readRangeInto(file: Deno.FsFile, start: number, into: Uint8Array): number {
  file.seekSync(start, Deno.SeekMode.Start);
  let got = 0;
  while (got < into.length) {
    const n = file.readSync(into.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got;
}
