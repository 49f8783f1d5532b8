/**
 * The embedded index (`data/index.sqlite`, `node:sqlite`): what search needs to answer without
 * reading the whole log, derived from `data/logs/messages.jsonl` and rebuildable from it at any
 * time (deleting the file loses nothing). This class opens it and holds its connection and name
 * ids; the rest lives beside it, each in the file named after it:
 * - `message_index_schema.ts`: the tables (messages, B-tree indexes, FTS5, meta) and version;
 * - `index_appender.ts`: the rows a writer adds, in one transaction per batch;
 * - `index_query.ts`: what a search asks and what it gets back (candidates, their order);
 * - `fts_expression.ts`: how needles become an FTS5 expression;
 * - `index_query_plan.ts`: the newest `limit` matches of a query, without sorting them all;
 * - `index_matches.ts`: every match of a query (SQL conditions, counts, rows);
 * - `candidate_records.ts`: reading the candidates' records back from the log.
 *
 * One writer at a time (the derived writer holds `index.sqlite.lock`); WAL lets searches read
 * while it writes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MessageIndex } from "./message_index.ts";
 * const ix = MessageIndex.open(`${await Deno.makeTempDir()}/index.sqlite`);
 * strictEqual(ix.count(), 0);
 * ix.close();
 * ```
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { EMPTY_MARK, type LogMark } from "../log/log_mark.ts";
import { SqliteFile } from "./sqlite.ts";
import { INDEX_PAGE_SIZE, INDEX_SCHEMA, INDEX_VERSION } from "./message_index_schema.ts";
import { type IndexAppender, type IndexRow, rowBatch } from "./index_appender.ts";
import type { Candidate, IndexQuery } from "./index_query.ts";
import { topCandidates } from "./index_query_plan.ts";
import { countMatching, countMatchingUpTo, matchingRows } from "./index_matches.ts";
import { SEGMENT_SHIFT } from "./person_segments.ts";

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
  /**
   * log2 of the rows of a `person_rows` segment in a new index (tests make them small, to
   * read across many); an existing index keeps the one it was made with.
   * @default SEGMENT_SHIFT (see `person_segments.ts`)
   */
  segmentShift?: number;
}

/** The SQLite index of one data dir. */
export class MessageIndex {
  readonly file: SqliteFile;
  #names: Map<string, number> | null = null;
  /**
   * The `user_persons` pairs known to be stored, read on first use: each login's id to its
   * person's (the one person of almost every login), and the rarer further pairs as
   * `"uid:pid"`.
   */
  #personOf: Map<number, number> | null = null;
  #morePersons = new Set<string>();
  #segmentShift: number | undefined;

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
      pageSize: INDEX_PAGE_SIZE,
      version: INDEX_VERSION,
      schema: INDEX_SCHEMA,
      created: (f) => {
        f.db.exec("INSERT INTO fts(fts, rank) VALUES ('automerge', 16)");
        // FTS leaves as large as the database pages (the default, 4050 bytes, suits 4 KiB).
        f.db.exec("INSERT INTO fts(fts, rank) VALUES ('pgsz', 8000)");
        f.setMeta("segment_shift", String(options.segmentShift ?? SEGMENT_SHIFT));
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

  /** log2 of the rows of a `person_rows` segment (see `person_segments.ts`). */
  get segmentShift(): number {
    this.#segmentShift ??= Number(this.meta("segment_shift") ?? SEGMENT_SHIFT);
    return this.#segmentShift;
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
      "DELETE FROM messages; DELETE FROM person_rows; DELETE FROM person_segments; " +
        "DELETE FROM names; DELETE FROM events; DELETE FROM interactions; DELETE FROM user_persons;",
    );
    this.db.exec("INSERT INTO fts(fts) VALUES ('delete-all')");
    this.setMeta("mark", JSON.stringify(EMPTY_MARK));
    this.setMeta("event_mark", JSON.stringify(EMPTY_MARK));
    this.#names = null;
    this.#personOf = null;
    this.#morePersons.clear();
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
   * Records (inside the caller's transaction) that person `pid` wrote under login `uid`, once
   * per pair: a user's search finds the login's rows in `person_rows` through these.
   */
  notePerson(uid: number, pid: number): void {
    if (this.#personOf === null) {
      this.#personOf = new Map();
      for (
        const r of this.#stmt("SELECT uid, pid FROM user_persons").all() as Array<
          { uid: number; pid: number }
        >
      ) {
        this.#notedPair(Number(r.uid), Number(r.pid));
      }
    }
    if (this.#personOf.get(uid) === pid || this.#morePersons.has(`${uid}:${pid}`)) return;
    this.#stmt("INSERT OR IGNORE INTO user_persons(uid, pid) VALUES (?, ?)").run(uid, pid);
    this.#notedPair(uid, pid);
  }

  #notedPair(uid: number, pid: number): void {
    const first = this.#personOf!.get(uid);
    if (first === undefined) this.#personOf!.set(uid, pid);
    else if (first !== pid) this.#morePersons.add(`${uid}:${pid}`);
  }

  /**
   * The ids of the persons who wrote under a login, or null when no row names the login: a
   * user's rows are those of these persons with that login (see `message_index_schema.ts`).
   */
  userPersons(login: string): { uid: number; pids: number[] } | null {
    const uid = this.#lookupName(login);
    if (uid === null) return null;
    const pids = (this.#stmt("SELECT pid FROM user_persons WHERE uid = ?").all(uid) as Array<
      { pid: number }
    >).map((r) => Number(r.pid));
    return pids.length === 0 ? null : { uid, pids };
  }

  /**
   * Indexes rows and records the new mark, inside the caller's transaction. The FTS rows are
   * added by one INSERT ... SELECT per call rather than one statement per row.
   */
  append(rows: readonly IndexRow[], mark: LogMark): void {
    const batch = rowBatch(this);
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
    const batch = rowBatch(this);
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
        // Names and pairs added in the transaction are gone again: read them afresh.
        this.#names = null;
        this.#personOf = null;
        this.#morePersons.clear();
      },
    };
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
   * when several rows share the last timestamp: the caller cuts after merging). See
   * `index_query_plan.ts`.
   */
  candidates(q: IndexQuery): Candidate[] {
    return topCandidates(this, q);
  }

  /** How many indexed rows match `q` (its limit ignored), counted inside SQLite. */
  countMatching(q: IndexQuery): number {
    return countMatching(this, q);
  }

  /**
   * How many indexed rows match `q`, counting at most `cap` of them (SQLite counts; no row
   * reaches JavaScript): `cap` means "at least".
   */
  countMatchingUpTo(q: IndexQuery, cap: number): number {
    return countMatchingUpTo(this, q, cap);
  }

  /**
   * Every indexed row matching `q` (its limit ignored), in no particular order: for counting
   * matches a row at a time, so that a count can stop on a time budget.
   */
  matchingRows(q: IndexQuery): Generator<Candidate> {
    return matchingRows(this, q);
  }

  /** Closes the database. */
  close(): void {
    this.file.close();
  }
}
