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
 *   text is folded already; `detail=none` keeps it 2.5x smaller and twice as fast to build),
 *   filled by one INSERT ... SELECT per committed batch, with `automerge` 16 (segments merged
 *   less eagerly while ingesting: about a third less FTS work per row).
 *   With detail=none FTS5 cannot match phrases, so a needle is looked up as the AND of its
 *   trigrams: a superset of the true matches, which are then checked exactly on the text.
 * - `meta`: the schema version and the log mark: how many bytes of the log are indexed, and
 *   hashes of the first and of the last 4 KiB of that prefix, so that a log that was replaced
 *   or rewritten (forget, retention) is noticed and the index rebuilt.
 *
 * Query plan (see {@link MessageIndex.candidates}): needles of 3+ characters first ask FTS how
 * many rows hold their trigrams, up to a cap. Rare needles: fetch exactly those rows, check,
 * sort. Common needles (or only short ones, or none): walk the matching B-tree index newest
 * first and check each row until `limit` results are certain; a common needle matches often,
 * so the walk is short. This avoids sorting every match of a common word by time, the slow
 * case (160 ms over 1M rows) noted in the issue.
 *
 * One writer at a time (the derived writer holds `index.sqlite.lock`); WAL lets searches read
 * while it writes.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { createHash } from "node:crypto";
import type { Message } from "../schemas.ts";
import { StoreError } from "../errors.ts";
import { readRangeSync } from "./lines.ts";

/** Bumped when the layout changes: an index of another version is dropped and rebuilt. */
export const INDEX_VERSION = "5";

/** How many bytes at each end of the indexed prefix are hashed into the log mark. */
export const MARK_BYTES = 4096;

/** Above this many FTS candidates a needle counts as common (walk by time instead). */
export const FTS_CAP = 1000;
/**
 * The same for a query of one user: walking a user's rows is cheap (the user index holds the
 * text, so no table lookups), so a needle counts as common sooner and the FTS probe, which
 * costs about 0.25 ms per 1000 candidates, stops earlier.
 */
export const USER_FTS_CAP = 100;

/** WAL pages between automatic checkpoints of a writer (SQLite's default is 1000). */
const WAL_CHECKPOINT_PAGES = 10_000;
/** Bytes a writer's WAL file is truncated to after a checkpoint. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Reads one log line as a message, or null when it is not one (bad JSON, missing or mistyped
 * core fields). Search by index and by scan both use this, so they skip the same lines. Only
 * the fields search and rollups rely on are checked: a full schema parse per line would cost
 * more than the rest of indexing.
 */
export function parseLogRecord(text: string): Message | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const m = v as Record<string, unknown>;
  if (
    typeof m.ts !== "string" || !TIMESTAMP_RE.test(m.ts) || !Number.isFinite(Date.parse(m.ts)) ||
    typeof m.channel !== "string" || typeof m.user_name !== "string" ||
    typeof m.message_id !== "string" || typeof m.text !== "string" ||
    !(m.user_id === null || typeof m.user_id === "string") ||
    !Array.isArray(m.mentions) || !Array.isArray(m.urls) || !Array.isArray(m.emotes) ||
    !(m.signals === undefined || Array.isArray(m.signals))
  ) {
    return null;
  }
  return v as Message;
}

/**
 * The case folding of `--contains`: lowercase, with lone surrogates and NUL replaced by U+FFFD
 * (SQLite cannot hold the former and cuts text at the latter; neither occurs in real chat).
 * A message matches a needle when `fold(text).includes(fold(needle))`.
 */
export function fold(s: string): string {
  const f = s.toLowerCase().toWellFormed();
  return f.includes("\0") ? f.replaceAll("\0", "\uFFFD") : f;
}

/** Which part of the log the index covers, and fingerprints of it. */
export interface LogMark {
  /** Bytes of the log indexed (always at a line boundary). */
  offset: number;
  /** sha1 of the first min(offset, MARK_BYTES) bytes. */
  head: string;
  /** sha1 of the MARK_BYTES bytes before `offset` (fewer when the log is shorter). */
  tail: string;
}

/** The empty mark: nothing indexed. */
export const EMPTY_MARK: LogMark = { offset: 0, head: "", tail: "" };

function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

/** Computes the mark of the first `offset` bytes of the open log. */
export function markOf(file: Deno.FsFile, offset: number): LogMark {
  if (offset === 0) return EMPTY_MARK;
  const head = sha1(readRangeSync(file, 0, Math.min(offset, MARK_BYTES)));
  const from = Math.max(0, offset - MARK_BYTES);
  const tail = sha1(readRangeSync(file, from, offset - from));
  return { offset, head, tail };
}

/** True when the log still starts with the prefix `mark` describes. */
export function markHolds(file: Deno.FsFile, size: number, mark: LogMark): boolean {
  if (mark.offset === 0) return true;
  if (size < mark.offset) return false;
  const now = markOf(file, mark.offset);
  return now.head === mark.head && now.tail === mark.tail;
}

/** One line to index: what the index keeps of a message (not the whole record). */
export interface IndexRow {
  /** `ts` in epoch ms. */
  ts: number;
  user: string;
  channel: string;
  mid: string;
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
    channel: m.channel,
    mid: m.message_id,
    text: m.text,
    offset,
    length,
  };
}

/** A search over the indexed prefix. */
export interface IndexQuery {
  user?: string;
  channel?: string;
  /** Inclusive lower bound, epoch ms. */
  sinceMs?: number;
  /** Exclusive upper bound, epoch ms. */
  untilMs?: number;
  /** Folded needles: all must occur in the folded text. */
  terms: readonly string[];
  limit: number;
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
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS messages(
  rid INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  cid INTEGER NOT NULL,
  mid TEXT NOT NULL,
  text TEXT NOT NULL,
  off INTEGER NOT NULL,
  len INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_user ON messages(uid, ts, text);
CREATE INDEX IF NOT EXISTS messages_channel ON messages(cid, ts);
CREATE INDEX IF NOT EXISTS messages_ts ON messages(ts);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
  text, content='messages', content_rowid='rid', tokenize='trigram case_sensitive 1', detail=none
);
`;

/** Options of {@link MessageIndex.open}. */
export interface OpenIndexOptions {
  /** Open for reading only (a search): never creates or migrates. @default false */
  readOnly?: boolean;
  /**
   * SQLite page cache in KiB. A writer that keeps only rollups (no message rows) needs far
   * less than one that inserts into the message B-trees. @default 32768
   */
  cacheKiB?: number;
}

/** The SQLite index of one data dir. */
export class MessageIndex {
  readonly db: DatabaseSync;
  readonly path: string;
  readonly readOnly: boolean;
  #names: Map<string, number> | null = null;
  #stmts = new Map<string, StatementSync>();

  private constructor(db: DatabaseSync, path: string, readOnly: boolean) {
    this.db = db;
    this.path = path;
    this.readOnly = readOnly;
  }

  /**
   * Opens (and for writers creates or migrates) the index at `path`. Throws StoreError when it
   * cannot be opened; callers that only read fall back to scanning the log.
   */
  static open(path: string, options: OpenIndexOptions = {}): MessageIndex {
    // Switching a new database to WAL needs a moment of exclusive access, which the busy
    // handler does not wait for: retry briefly when another connection is opening it too.
    for (let attempt = 0;; attempt++) {
      try {
        return MessageIndex.#open(path, options);
      } catch (e) {
        const busy = /locked|busy/i.test((e as Error).message);
        if (!busy || attempt >= 100) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }

  static #open(path: string, options: OpenIndexOptions): MessageIndex {
    const readOnly = options.readOnly ?? false;
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { readOnly });
      // Writers wait longer: the two derived writers (index, rollups) take turns on one file,
      // and on a loaded machine one commit can hold the lock for seconds.
      db.exec(`PRAGMA busy_timeout = ${readOnly ? 5000 : 60000}`);
      if (!readOnly) {
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
        // Checkpoint every ~40 MB of WAL instead of every 4 MB: a catch-up commit dirties
        // thousands of scattered index pages, and checkpointing after each one copied the same
        // pages into the database again and again (index worker at 1M rows: 17.6 s -> 15.5 s).
        // The WAL file is cut back after a checkpoint, so its disk use stays bounded.
        db.exec(`PRAGMA wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
        db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT}`);
      }
      db.exec(`PRAGMA cache_size = -${Math.max(1024, Math.floor(options.cacheKiB ?? 32768))}`);
    } catch (e) {
      try {
        // deno-lint-ignore no-explicit-any -- db may be unassigned when the constructor threw
        (db! as any)?.close();
      } catch {
        // Not open.
      }
      throw new StoreError(`cannot open index ${path}: ${(e as Error).message}`, { cause: e });
    }
    const ix = new MessageIndex(db, path, readOnly);
    try {
      // Two writers of one process (index and rollups) may open at once: migrate in turn.
      if (!readOnly) ix.transaction(() => ix.#migrate());
      else if (ix.meta("version") !== INDEX_VERSION) throw new Error("not a current index");
    } catch (e) {
      db.close();
      throw new StoreError(`cannot use index ${path}: ${(e as Error).message}`, { cause: e });
    }
    return ix;
  }

  #migrate(): void {
    const hasMeta = this.db.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
    ).get();
    const version = hasMeta ? this.meta("version") : undefined;
    if (version !== INDEX_VERSION) {
      // Derived data of another layout: drop it all; the next catch-up rebuilds from the log.
      const tables = this.db.prepare(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_%'" +
          " AND name NOT LIKE 'fts_%'",
      ).all() as Array<{ name: string }>;
      for (const t of tables) this.db.exec(`DROP TABLE IF EXISTS "${t.name}"`);
      this.db.exec(SCHEMA);
      this.db.exec("INSERT INTO fts(fts, rank) VALUES ('automerge', 16)");
      this.setMeta("version", INDEX_VERSION);
    } else {
      this.db.exec(SCHEMA);
    }
  }

  #stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** A value from the meta table. */
  meta(key: string): string | undefined {
    const row = this.#stmt("SELECT value FROM meta WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  /** Sets a meta value (inside the caller's transaction, if any). */
  setMeta(key: string, value: string): void {
    this.#stmt(
      "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
      .run(key, value);
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

  /** Number of indexed messages. */
  count(): number {
    return Number((this.#stmt("SELECT count(*) AS n FROM messages").get() as { n: number }).n);
  }

  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const r = fn();
      this.db.exec("COMMIT");
      return r;
    } catch (e) {
      try {
        this.db.exec("ROLLBACK");
      } catch {
        // The transaction is gone already.
      }
      throw e;
    }
  }

  /** Forgets every indexed message (before a rebuild); call inside a transaction. */
  clear(): void {
    this.db.exec("DELETE FROM messages; DELETE FROM names;");
    this.db.exec("INSERT INTO fts(fts) VALUES ('delete-all')");
    this.setMeta("mark", JSON.stringify(EMPTY_MARK));
    this.#names = null;
  }

  /**
   * Rewrites the database without its free pages and empties the WAL, so that deleted rows
   * (a forgotten user's text) leave no bytes behind. Call outside a transaction, right after
   * a {@link clear} (cheap then: little is left to copy).
   */
  compact(): void {
    this.db.exec("VACUUM");
    this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  /**
   * Merges the full-text index into one segment. Ingest leaves many segments (automerge 16
   * merges lazily, to index faster), and every FTS lookup visits each of them: over 1M rows
   * merging took 0.9 s and made "two words" 7.1 -> 4.6 ms, "user + word" 1.8 -> 1.4 ms.
   */
  optimize(): void {
    this.transaction(() => this.db.exec("INSERT INTO fts(fts) VALUES ('optimize')"));
  }

  #nameId(name: string): number {
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
    if (rows.length > 0) {
      const last = this.#stmt("SELECT coalesce(max(rid), 0) AS r FROM messages").get() as {
        r: number;
      };
      const ins = this.#stmt(
        "INSERT INTO messages(ts, uid, cid, mid, text, off, len) VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
      for (const r of rows) {
        ins.run(
          r.ts,
          this.#nameId(r.user),
          this.#nameId(r.channel),
          r.mid,
          fold(r.text),
          r.offset,
          r.length,
        );
      }
      this.#stmt("INSERT INTO fts(rowid, text) SELECT rid, text FROM messages WHERE rid > ?")
        .run(last.r);
    }
    this.setMeta("mark", JSON.stringify(mark));
  }

  #lookupName(name: string): number | null {
    if (this.#names !== null) return this.#names.get(name) ?? null;
    const row = this.#stmt("SELECT id FROM names WHERE name = ?").get(name) as
      | { id: number }
      | undefined;
    return row ? Number(row.id) : null;
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
    if (q.channel !== undefined) {
      const id = this.#lookupName(q.channel);
      if (id === null) return [];
      conds.push("cid = ?");
      params.push(id);
      indexName = q.user !== undefined ? indexName : "messages_channel";
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
    const allParams = [...params, ...terms];
    type Row = { ts: number; mid: string; off: number; len: number };
    const toCandidate = (r: Row): Candidate => ({
      ts: Number(r.ts),
      mid: r.mid,
      offset: Number(r.off),
      length: Number(r.len),
    });
    const expr = ftsExpression(terms);
    if (expr !== null) {
      const cap = q.user !== undefined ? USER_FTS_CAP : FTS_CAP;
      const n = Number(
        (this.#stmt(
          `SELECT count(*) AS n FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ${cap})`,
        ).get(expr) as { n: number }).n,
      );
      if (n < cap) {
        // Rare needles: the few rows FTS names, checked and sorted.
        const where = ["rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)", ...allConds];
        const rows = this.#stmt(
          `SELECT ts, mid, off, len FROM messages WHERE ${where.join(" AND ")}`,
        ).all(expr, ...allParams) as Row[];
        const out = rows.map(toCandidate);
        out.sort(compareCandidates);
        return cutWithTies(out, q.limit);
      }
    }
    // Common needles, short ones, or none: walk newest first through the B-tree; SQLite skips
    // non-matching rows, and the walk stops once the top `limit` is certain.
    const where = allConds.length ? `WHERE ${allConds.join(" AND ")}` : "";
    const stmt = this.#stmt(
      `SELECT ts, mid, off, len FROM messages INDEXED BY ${indexName} ${where} ORDER BY ts DESC`,
    );
    const out: Candidate[] = [];
    let kth = -Infinity;
    for (const r of stmt.iterate(...allParams) as Iterable<Row>) {
      const ts = Number(r.ts);
      if (out.length >= q.limit && ts < kth) break;
      out.push(toCandidate(r));
      if (out.length === q.limit) kth = ts;
    }
    out.sort(compareCandidates);
    return cutWithTies(out, q.limit);
  }

  /** Closes the database. */
  close(): void {
    for (const s of this.#stmts.values()) {
      try {
        (s as unknown as { finalize?: () => void }).finalize?.();
      } catch {
        // Already finalized.
      }
    }
    this.#stmts.clear();
    this.db.close();
  }
}

/** The first `limit` of a sorted list (ties beyond are not needed: the order is total). */
function cutWithTies(sorted: Candidate[], limit: number): Candidate[] {
  return sorted.length > limit ? sorted.slice(0, limit) : sorted;
}

/**
 * Reads the records of candidates from the log. Returns null when any line no longer holds
 * the message the index says (the log changed under us): the caller then scans instead.
 */
export function readRecords(logPath: string, cands: readonly Candidate[]): Message[] | null {
  if (cands.length === 0) return [];
  const file = Deno.openSync(logPath, { read: true });
  const dec = new TextDecoder();
  try {
    const out: Message[] = [];
    for (const c of cands) {
      const bytes = readRangeSync(file, c.offset, c.length);
      if (bytes.length !== c.length) return null;
      const m = parseLogRecord(dec.decode(bytes));
      if (m === null || m.message_id !== c.mid || Date.parse(m.ts) !== c.ts) return null;
      out.push(m);
    }
    return out;
  } finally {
    file.close();
  }
}
