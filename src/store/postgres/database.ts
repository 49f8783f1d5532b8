/**
 * The PostgreSQL database of a fleet of monitors (`OSINT_DATABASE_URL`): the tables behind the
 * PostgreSQL Store (`postgres_store.ts`). Every operation goes through a small pool; every
 * failure becomes a StoreError that names host and port and never the password.
 *
 * Writes: {@link PgDatabase.appendMessages} stores the new messages (unique message_id) and
 * queues exactly those for their persons' and channels' rollups (see `rollups.ts`), in one
 * transaction, so any number of monitors may append the same messages at once and each is
 * stored and counted once; {@link PgDatabase.compact} folds the queued messages into the rollups.
 *
 * @module
 */
import type { ChatEvent, Message } from "../../schemas.ts";
import type { LoginSpan } from "../../analysis/identity.ts";
import { guarded, openPool, type PgPool, type PoolOptions } from "./client.ts";
import { checkSchema, migrate, type MigrateResult, SCHEMA_VERSION } from "./migrate.ts";
import {
  candidateMessages,
  countMessages,
  insertMessages,
  type InsertResult,
  messagesContaining,
  messagesOf,
  type PgMessageFilter,
  type PgMessageQuery,
  searchMessages,
} from "./messages.ts";
import { deletions, insertEvents, type PgEventQuery, searchEvents } from "./events.ts";
import {
  type AnyState,
  countRollups,
  listChannels,
  readStates,
  type Touched,
  touchedBy,
} from "./rollups.ts";
import { deleteRollups, rebuildPersons } from "./rollup_recompute.ts";
import { compactPending, PendingFolds } from "./rollup_compact.ts";
import { allSpans, displayNames, loginsOf, spansAbout, spansAround } from "./persons.ts";
import { optoutStamp, readOptout, replaceOptout, updateOptout } from "./optout.ts";
import { tableResidue } from "./residue.ts";
import { forgetRows, type PgForgetRequest, type PgForgetResult } from "./forget.ts";
import { type DbStatus, dbStatus } from "./status.ts";
import { StoreError } from "../../errors.ts";

/** Options of {@link PgDatabase.open}. */
export interface PgDatabaseOptions extends PoolOptions {
  /**
   * Apply pending migrations (a writer at start, `db migrate`). Otherwise the schema must
   * already be current. @default true
   */
  migrate?: boolean;
  /** Without `migrate`: accept an older (or no) schema, for `db status`. @default false */
  allowOlder?: boolean;
}

/** What one append did. */
export interface PgAppendResult {
  /** Messages stored now (not stored before by anyone), in the order given. */
  written: Message[];
  /** Messages another writer (or an earlier run) had stored already. */
  duplicates: number;
  /** The persons and channels whose rollups the new messages changed. */
  touched: Touched;
}

/** The PostgreSQL store of one database. */
export class PgDatabase {
  readonly pool: PgPool;
  readonly migrated: MigrateResult | null;
  /** Messages this process queued for the rollups since its last compaction. */
  queuedSinceCompact = 0;
  #compactedAt = performance.now();
  /** This process's stored and queued messages, folded (see `rollup_compact.ts`). */
  #folds = new PendingFolds();
  /** This writer's id in the rollup queue (random, per process and database). */
  #owner = String(crypto.getRandomValues(new BigUint64Array(1))[0]! >> 2n);
  /** Stored and queued messages of committed appends, not folded yet. */
  #backlog: InsertResult[] = [];
  /** Time this process spent compacting, ms (for benchmarks and progress). */
  compactMs = 0;

  private constructor(pool: PgPool, migrated: MigrateResult | null) {
    this.pool = pool;
    this.migrated = migrated;
  }

  /**
   * Connects to `url`, and migrates (or checks) the schema. Throws StoreError naming host and
   * port when the server cannot be reached, and when the schema is newer than this program.
   */
  static async open(url: string, options: PgDatabaseOptions = {}): Promise<PgDatabase> {
    const pool = openPool(url, options);
    try {
      if (options.migrate === false) {
        const v = await checkSchema(pool);
        if (v !== SCHEMA_VERSION && !options.allowOlder) {
          throw new StoreError(
            `database ${pool.target.host}:${pool.target.port}/${pool.target.database} has ` +
              `schema version ${v}, this program needs ${SCHEMA_VERSION}: run \`db migrate\``,
          );
        }
        return new PgDatabase(pool, null);
      }
      const migrated = await migrate(pool);
      // Schema 1 kept user rollups by login: the migration asked for them by person.
      const [flag] = await pool.sql<Array<{ value: string }>>`
        SELECT value FROM osint_meta WHERE key = 'rebuild_persons'`;
      if (flag !== undefined) {
        await guarded(pool, "rebuild the person rollups", (sql) => rebuildPersons(sql));
      }
      return new PgDatabase(pool, migrated);
    } catch (e) {
      await pool.close().catch(() => {});
      throw e;
    }
  }

  /** Where this store points, password hidden. */
  get display(): string {
    return this.pool.target.display;
  }

  /**
   * Stores messages and folds the new ones into rollups, in one transaction (retried whole on
   * a deadlock). Idempotent: appending the same messages again stores and counts nothing.
   */
  async appendMessages(
    messages: readonly Message[],
    options: { rollups?: boolean } = {},
  ): Promise<PgAppendResult> {
    if (messages.length === 0) {
      return { written: [], duplicates: 0, touched: { users: new Set(), channels: new Set() } };
    }
    const rollups = options.rollups !== false;
    let inserted: InsertResult = { stored: [], queueId: null };
    const r = await guarded(this.pool, "store messages", (sql) =>
      sql.begin(async (tx) => {
        // The journal moves past these lines once this commit returns: it must be durable
        // whatever the server's default (a crash loses asynchronous commits).
        // (Sent without a round trip of its own: awaited once the statements after it are.)
        const durable = tx`SET LOCAL synchronous_commit TO on`.execute();
        durable.catch(() => {});
        // While the server inserts, the messages of the previous appends are folded here.
        inserted = await insertMessages(tx, messages, {
          ...(rollups ? { queueAs: this.#owner } : {}),
          meanwhile: () => this.#foldBacklog(),
        });
        await durable;
        const written = inserted.stored.map((s) => s.message);
        const touched = !rollups
          ? { users: new Set<string>(), channels: new Set<string>() }
          : touchedBy(inserted.stored);
        return { written, duplicates: messages.length - written.length, touched };
      }) as Promise<PgAppendResult>);
    if (rollups && inserted.queueId !== null) this.#backlog.push(inserted);
    this.queuedSinceCompact += r.written.length;
    return r;
  }

  /** Folds the messages of committed appends into {@link PgDatabase.#folds}. */
  #foldBacklog(): void {
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const b of backlog) this.#folds.add(b.stored, b.queueId!);
  }

  /**
   * True when the messages queued since the last compaction are worth folding now: many of
   * them, or the last compaction is a while ago (reads fold every queued message of what they read).
   */
  compactDue(): boolean {
    return this.queuedSinceCompact >= 20_000 || performance.now() - this.#compactedAt >= 10_000;
  }

  /**
   * Folds the queued messages this process stored (from its own folds), and those another
   * writer left too long (read back), into their rollups in one transaction, without waiting
   * for another compactor (see `rollup_compact.ts`). Returns how many messages were folded.
   */
  async compact(): Promise<number> {
    const t0 = performance.now();
    this.#foldBacklog();
    const mine = this.#folds;
    this.#folds = new PendingFolds(mine.nextFacets());
    const total = await guarded(
      this.pool,
      "compact the rollups",
      (sql) => compactPending(sql, mine, this.#owner),
    );
    this.queuedSinceCompact = 0;
    this.#compactedAt = performance.now();
    this.compactMs += this.#compactedAt - t0;
    return total;
  }

  /** Stores events; returns the new ones. */
  appendEvents(events: readonly ChatEvent[]): Promise<ChatEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    return guarded(
      this.pool,
      "store events",
      (sql) =>
        sql.begin(async (tx) => {
          // (Sent without a round trip of its own: awaited once the statements after it are.)
          const durable = tx`SET LOCAL synchronous_commit TO on`.execute();
          durable.catch(() => {});
          const stored = await insertEvents(tx, events);
          await durable;
          return stored;
        }) as Promise<ChatEvent[]>,
    );
  }

  /** Searches messages (newest first, ties by message_id). */
  searchMessages(q: PgMessageQuery): Promise<Message[]> {
    return guarded(this.pool, "search messages", (sql) => searchMessages(sql, q));
  }

  /** Searches events (newest first, ties by event_id). */
  searchEvents(q: PgEventQuery): Promise<ChatEvent[]> {
    return guarded(this.pool, "search events", (sql) => searchEvents(sql, q));
  }

  /** Deleted messages (message_id -> time of the CLEARMSG), all or among `ids`. */
  deletions(ids?: readonly string[]): Promise<Map<string, string>> {
    return guarded(this.pool, "read deletions", (sql) => deletions(sql, ids));
  }

  /** The current rollup states of some persons or channels (those without any left out). */
  states(kind: "user" | "channel", names: readonly string[]): Promise<Map<string, AnyState>> {
    return guarded(this.pool, "read rollups", (sql) => readStates(sql, kind, names));
  }

  /** Channels that have a rollup, sorted. */
  channelNames(): Promise<string[]> {
    return guarded(this.pool, "list profiles", (sql) => listChannels(sql));
  }

  /**
   * Login spans of every person, or (`about`) those that resolve the inputs (see
   * {@link spansAbout}), or (`around`) those of some logins and persons and their logins'
   * other holders.
   */
  spans(
    q: { about?: readonly string[]; around?: { logins: string[]; persons: string[] } } = {},
  ): Promise<LoginSpan[]> {
    return guarded(
      this.pool,
      "read the persons' logins",
      (sql) =>
        q.about !== undefined
          ? spansAbout(sql, q.about)
          : q.around !== undefined
          ? spansAround(sql, q.around.logins, q.around.persons)
          : allSpans(sql),
    );
  }

  /** Every login these persons wrote under (see {@link loginsOf}). */
  loginsOf(persons: readonly string[]): Promise<string[]> {
    return guarded(this.pool, "read the persons' logins", (sql) => loginsOf(sql, persons));
  }

  /** Every display name seen, by person key. */
  displayNames(): Promise<Map<string, string[]>> {
    return guarded(this.pool, "read display names", (sql) => displayNames(sql));
  }

  /** The fleet's opt-out lists. */
  optout(): Promise<{ users: string[]; channels: string[] }> {
    return guarded(this.pool, "read the opt-out list", (sql) => readOptout(sql));
  }

  /** Adds to or removes from the opt-out lists; returns what changed. */
  updateOptout(
    change: { add: boolean; users?: readonly string[]; channels?: readonly string[] },
  ): Promise<string[]> {
    return guarded(this.pool, "update the opt-out list", (sql) => updateOptout(sql, change));
  }

  /** Forgets users/channels or applies retention (see `forget.ts`). */
  async forget(req: PgForgetRequest): Promise<PgForgetResult> {
    return await guarded(this.pool, "forget", (sql) => forgetRows(sql, req));
  }

  /** How many messages match `q`; with `budgetMs`, a lower bound when counting takes longer. */
  countMessages(q: PgMessageFilter, budgetMs?: number): Promise<{ count: number; exact: boolean }> {
    return guarded(this.pool, "count messages", (sql) => countMessages(sql, q, budgetMs));
  }

  /** Every message matching `q`, newest first (ties by message_id), a batch at a time. */
  async *candidateMessages(q: PgMessageFilter): AsyncGenerator<Message[]> {
    const it = candidateMessages(this.pool.sql, q);
    for (;;) {
      const r = await guarded(this.pool, "search messages", () => it.next());
      if (r.done) return;
      yield r.value;
    }
  }

  /** Every stored message (of one channel, when given), in storage order, a batch at a time. */
  async *allMessages(where: { channel?: string } = {}): AsyncGenerator<Message[]> {
    const it = messagesOf(this.pool.sql, where);
    for (;;) {
      const r = await guarded(this.pool, "read messages", () => it.next());
      if (r.done) return;
      yield r.value;
    }
  }

  /** Messages whose JSON holds one of `needles` (or by `alsoUser`), in storage order. */
  async *messagesContaining(
    needles: readonly string[],
    alsoUser?: string,
  ): AsyncGenerator<Message[]> {
    const it = messagesContaining(this.pool.sql, needles, alsoUser);
    for (;;) {
      const r = await guarded(this.pool, "read messages", () => it.next());
      if (r.done) return;
      yield r.value;
    }
  }

  /** Deletes the rollups of these persons or channels; returns those that had one. */
  deleteRollups(kind: "user" | "channel", names: readonly string[]): Promise<string[]> {
    return guarded(this.pool, "delete profiles", (sql) => deleteRollups(sql, kind, names));
  }

  /** How many persons and channels have a rollup. */
  rollupCounts(): Promise<{ users: number; channels: number }> {
    return guarded(this.pool, "count rollups", (sql) => countRollups(sql));
  }

  /** Replaces the opt-out lists. */
  replaceOptout(lists: { users: readonly string[]; channels: readonly string[] }): Promise<void> {
    return guarded(this.pool, "write the opt-out list", (sql) => replaceOptout(sql, lists));
  }

  /** A token that changes when the opt-out lists change. */
  optoutStamp(): Promise<string> {
    return guarded(this.pool, "read the opt-out list", (sql) => optoutStamp(sql));
  }

  /** Whole-word occurrences of `word` per table. */
  residue(word: RegExp, any: RegExp): Promise<Array<{ table: string; count: number }>> {
    return guarded(this.pool, "check for residue", (sql) => tableResidue(sql, word, any));
  }

  /** The random id of this database (made by the first migration). */
  instance(): Promise<string> {
    return guarded(this.pool, "read the database id", async (sql) => {
      const [r] = await sql<Array<{ value: string }>>`
        SELECT value FROM osint_meta WHERE key = 'instance'`;
      return r?.value ?? "";
    });
  }

  /** Schema version and row counts. */
  status(): Promise<DbStatus> {
    return guarded(this.pool, "read the status", (sql) => dbStatus(sql));
  }

  /** Closes the pool. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
