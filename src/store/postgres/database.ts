/**
 * The PostgreSQL database of a fleet of monitors (`OSINT_DATABASE_URL`): the tables behind the
 * PostgreSQL Store (`postgres_store.ts`). Every operation goes through a small pool; every
 * failure becomes a StoreError that names host and port and never the password.
 *
 * Writes: {@link PgDatabase.appendMessages} stores the new messages (unique message_id) and
 * folds exactly those into their users' and channels' rollups, in one transaction under row
 * locks, so any number of monitors may append the same messages at once and each is stored and
 * counted once.
 *
 * @module
 */
import type { ChannelProfile, ChatEvent, Message, UserProfile } from "../../schemas.ts";
import { guarded, openPool, type PgPool, type PoolOptions } from "./client.ts";
import { checkSchema, migrate, type MigrateResult, SCHEMA_VERSION } from "./migrate.ts";
import {
  countMessages,
  insertMessages,
  messagesContaining,
  messagesOf,
  type PgMessageQuery,
  searchMessages,
} from "./messages.ts";
import { deletions, insertEvents, type PgEventQuery, searchEvents } from "./events.ts";
import {
  deleteRollups,
  foldIntoRollups,
  listNames,
  profileOf,
  readChannelProfile,
  readStates,
  readUserProfile,
  remember,
  RollupCache,
  type Touched,
} from "./rollups.ts";
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
  /** The rollups of the new messages' users and channels, as committed. */
  touched: Touched;
}

/** The PostgreSQL store of one database. */
export class PgDatabase {
  readonly pool: PgPool;
  readonly migrated: MigrateResult | null;
  #cache = new RollupCache();

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
      return new PgDatabase(pool, await migrate(pool));
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
      return { written: [], duplicates: 0, touched: { users: new Map(), channels: new Map() } };
    }
    const r = await guarded(this.pool, "store messages", (sql) =>
      sql.begin(async (tx) => {
        // The journal moves past these lines once this commit returns: it must be durable
        // whatever the server's default (a crash loses asynchronous commits).
        await tx`SET LOCAL synchronous_commit TO on`;
        const written = await insertMessages(tx, messages);
        const touched = options.rollups === false
          ? { users: new Map(), channels: new Map() }
          : await foldIntoRollups(tx, written, this.#cache);
        return { written, duplicates: messages.length - written.length, touched };
      }) as Promise<PgAppendResult>);
    remember(this.#cache, r.touched);
    return r;
  }

  /** Stores events; returns the new ones. */
  appendEvents(events: readonly ChatEvent[]): Promise<ChatEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    return guarded(
      this.pool,
      "store events",
      (sql) =>
        sql.begin(async (tx) => {
          await tx`SET LOCAL synchronous_commit TO on`;
          return await insertEvents(tx, events);
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

  /** A user's profile JSON, or null. */
  userProfile(name: string): Promise<UserProfile | null> {
    return guarded(this.pool, "read a profile", (sql) => readUserProfile(sql, name));
  }

  /** A channel's profile JSON, or null. */
  channelProfile(name: string): Promise<ChannelProfile | null> {
    return guarded(this.pool, "read a profile", (sql) => readChannelProfile(sql, name));
  }

  /** Users or channels that have a profile, sorted. */
  profileNames(kind: "user" | "channel"): Promise<string[]> {
    return guarded(this.pool, "list profiles", (sql) => listNames(sql, kind));
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
    const r = await guarded(this.pool, "forget", (sql) => forgetRows(sql, req));
    // Recomputed states carry new versions this cache does not know: start afresh.
    this.#cache.clear();
    return r;
  }

  /** Every match of `q`, leaving out excluded users and channels. */
  countMessages(
    q: PgMessageQuery,
    exclude: { users: readonly string[]; channels: readonly string[] },
  ): Promise<number> {
    return guarded(this.pool, "count messages", (sql) => countMessages(sql, q, exclude));
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

  /** Profile JSON of some users or channels (names without a profile left out). */
  async profiles(
    kind: "user" | "channel",
    names: readonly string[],
  ): Promise<Map<string, UserProfile | ChannelProfile>> {
    const states = await guarded(this.pool, "read profiles", (sql) => readStates(sql, kind, names));
    const out = new Map<string, UserProfile | ChannelProfile>();
    for (const [n, s] of states) out.set(n, profileOf(kind, s));
    return out;
  }

  /** Deletes the rollups of these names; returns those that had one. */
  async deleteProfiles(kind: "user" | "channel", names: readonly string[]): Promise<string[]> {
    const r = await guarded(this.pool, "delete profiles", (sql) => deleteRollups(sql, kind, names));
    this.#cache.clear();
    return r;
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
