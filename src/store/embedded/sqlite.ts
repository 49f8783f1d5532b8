/**
 * One derived SQLite file (`node:sqlite`): opened with the pragmas every derived database of a
 * data dir shares (WAL, so readers never block the writer), a `meta` table of key/value pairs
 * with a layout version, and a cache of prepared statements. The search index
 * (`index.sqlite`) and the rollup state (`profiles.sqlite`) are each one of these, in separate
 * files so that their two writer threads never wait for each other's commits.
 *
 * Derived means rebuildable from the log: a file of another layout version is emptied (every
 * table dropped) and the next catch-up fills it again.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { StoreError } from "../../errors.ts";

/** WAL pages between automatic checkpoints of a writer (SQLite's default is 1000). */
const WAL_CHECKPOINT_PAGES = 10_000;
/** Bytes a writer's WAL file is truncated to after a checkpoint. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;
/**
 * SQLite's soft heap limit in bytes, set by every writer: one figure for the whole process, all
 * threads' connections together. Above it SQLite reuses the least recently used pages of a
 * cache instead of allocating more, and a sort spills to its temporary file sooner, so the
 * writers' page caches (the index's 64 MiB, the rollups' 8 MiB), the sorts of a catch-up's
 * commits and any readers stay under one bound however large the files grow.
 */
export const SOFT_HEAP_LIMIT: number = 96 * 1024 * 1024;
/**
 * Prepared statements a connection keeps. Most are fixed SQL, but a search's SQL depends on the
 * query's shape, so a long-running server would otherwise keep one per shape it was ever asked.
 */
export const MAX_STATEMENTS = 128;

/** How to open a {@link SqliteFile}. */
export interface SqliteOpenOptions {
  /** Open for reading only: never creates or migrates. @default false */
  readOnly?: boolean;
  /** Page cache in KiB. @default 32768 */
  cacheKiB?: number;
  /**
   * Page size of a NEW file in bytes (an existing file keeps its own). Larger pages mean fewer
   * pages for a commit to write when inserts spread over a big B-tree. @default 4096
   */
  pageSize?: number;
  /** The layout version: a writer finding another one drops every table first. */
  version: string;
  /** `CREATE ... IF NOT EXISTS` statements of the layout, run by writers on open. */
  schema: string;
  /** Run by a writer once after the schema was created from scratch (e.g. FTS settings). */
  created?: (file: SqliteFile) => void;
}

/** A derived SQLite database file. */
export class SqliteFile {
  readonly db: DatabaseSync;
  readonly path: string;
  readonly readOnly: boolean;
  #stmts = new Map<string, StatementSync>();

  private constructor(db: DatabaseSync, path: string, readOnly: boolean) {
    this.db = db;
    this.path = path;
    this.readOnly = readOnly;
  }

  /**
   * Opens (and for writers creates or migrates) the file at `path`. Throws StoreError when it
   * cannot be opened, or, for a reader, when it is not of the current version.
   */
  static open(path: string, options: SqliteOpenOptions): SqliteFile {
    // Switching a new database to WAL needs a moment of exclusive access, which the busy
    // handler does not wait for: retry briefly when another connection is opening it too.
    for (let attempt = 0;; attempt++) {
      try {
        return SqliteFile.#open(path, options);
      } catch (e) {
        const busy = /locked|busy/i.test((e as Error).message);
        if (!busy || attempt >= 100) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }

  static #open(path: string, options: SqliteOpenOptions): SqliteFile {
    const readOnly = options.readOnly ?? false;
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path, { readOnly });
      // Writers wait longer: on a loaded machine one commit can hold the lock for seconds.
      db.exec(`PRAGMA busy_timeout = ${readOnly ? 5000 : 60000}`);
      if (!readOnly) {
        // Only takes effect on a new, empty file, and only before it switches to WAL.
        if (options.pageSize) db.exec(`PRAGMA page_size = ${options.pageSize}`);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
        // Checkpoint every ~40 MB of WAL instead of every 4 MB: a catch-up commit dirties
        // thousands of scattered index pages, and checkpointing after each one copied the same
        // pages into the database again and again (index worker at 1M rows: 17.6 s -> 15.5 s).
        // The WAL file is cut back after a checkpoint, so its disk use stays bounded.
        db.exec(`PRAGMA wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
        db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT}`);
        db.exec(`PRAGMA soft_heap_limit = ${SOFT_HEAP_LIMIT}`);
      }
      db.exec(`PRAGMA cache_size = -${Math.max(1024, Math.floor(options.cacheKiB ?? 32768))}`);
    } catch (e) {
      try {
        db?.close();
      } catch {
        // Not open.
      }
      throw new StoreError(`cannot open ${path}: ${(e as Error).message}`, { cause: e });
    }
    const file = new SqliteFile(db, path, readOnly);
    let stale = false;
    try {
      if (readOnly) {
        if (file.meta("version") !== options.version) throw new Error("not a current version");
      } else {
        const version = file.#hasMeta() ? file.meta("version") : undefined;
        // A file of another layout: start a new one rather than drop its tables, so that it
        // gets the current page size and keeps no free pages of the old rows.
        stale = version !== undefined && version !== options.version;
        if (!stale) file.transaction(() => file.#migrate(options));
      }
    } catch (e) {
      db.close();
      throw new StoreError(`cannot use ${path}: ${(e as Error).message}`, { cause: e });
    }
    if (!stale) return file;
    file.close();
    removeDatabase(path);
    return SqliteFile.#open(path, options);
  }

  #hasMeta(): boolean {
    return this.db.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
    ).get() !== undefined;
  }

  #migrate(options: SqliteOpenOptions): void {
    const version = this.#hasMeta() ? this.meta("version") : undefined;
    if (version === options.version) {
      this.db.exec(options.schema);
      return;
    }
    // New, or tables without a version (not ours, or an interrupted creation): drop whatever
    // is there; the next catch-up rebuilds from the log. (FTS shadow tables go with their
    // virtual table.)
    const tables = this.db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'" +
        " AND name NOT LIKE 'fts_%'",
    ).all() as Array<{ name: string }>;
    for (const t of tables) this.db.exec(`DROP TABLE IF EXISTS "${t.name}"`);
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    );
    this.db.exec(options.schema);
    options.created?.(this);
    this.setMeta("version", options.version);
  }

  /** A prepared statement, cached for the life of the connection. */
  stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // The oldest goes (a caller still holding it keeps it; the collector finalizes it).
      if (this.#stmts.size >= MAX_STATEMENTS) {
        this.#stmts.delete(this.#stmts.keys().next().value!);
      }
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** A value from the meta table. */
  meta(key: string): string | undefined {
    const row = this.stmt("SELECT value FROM meta WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  /** Sets a meta value (inside the caller's transaction, if any). */
  setMeta(key: string, value: string): void {
    this.stmt(
      "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
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

  /**
   * Runs `fn` (which deletes rows) in one write transaction with SQLite's `secure_delete` on,
   * then checkpoints and truncates the WAL, so that the deleted rows (a forgotten user's text)
   * leave no bytes behind in the database or its WAL. Not VACUUM: it attaches a temporary
   * database, which Deno's `node:sqlite` refuses to a process without every permission
   * ("too many attached databases - max 0"), as `chat run` and the other subcommands run.
   */
  scrub(fn: () => void): void {
    this.db.exec("PRAGMA secure_delete = ON");
    try {
      this.transaction(fn);
    } finally {
      this.db.exec("PRAGMA secure_delete = OFF");
    }
    this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  /** Finalizes the cached statements and closes the database. */
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

/**
 * Deletes a database and its companion files (WAL, shared memory, journal). Missing files are
 * fine; any other failure is a StoreError.
 */
export function removeDatabase(path: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) {
    try {
      Deno.removeSync(path + suffix);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new StoreError(`cannot remove ${path + suffix}: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
  }
}
