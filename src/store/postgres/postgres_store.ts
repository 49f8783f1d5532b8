/**
 * The PostgreSQL Store (`OSINT_DATABASE_URL`, `--database-url`): one database is the system of
 * record of a fleet of monitors on many machines, and every reader (CLI, web server) of any
 * data dir that has the URL sees everything the fleet wrote.
 *
 * - Writes go to the data dir's own logs first (the spec's file contract, through the embedded
 *   store), then into the database from those logs (the journal, see `journal.ts`): a
 *   database that is down or restarting loses nothing, the monitor keeps writing its log and
 *   catches the database up when it returns (retrying with backoff while following).
 * - The database stores each message once (unique `message_id`) and adds only the new ones to
 *   the rollups of their persons and channels, so several monitors joined to the same channels
 *   count each message once; see `database.ts` and `rollups.ts`.
 * - Reads come from the database (raw: the query layer applies the opt-out list, which lives
 *   in the database too); a read first pushes what this data dir's logs hold beyond the
 *   journal, so a process always reads its own writes.
 * - Profile files in `data/profiles/` are written from the database's rollups (the same pure
 *   functions and the same placement by person as the embedded store, so the same bytes; see
 *   `profiles.ts`). Identity reads (logins, display names) come from the persons' tables.
 * - The follower of a monitor is in `follower.ts`, the SQL prefilter of queries in
 *   `prefilter.ts`, the reads that filter after SQL (search, events, interactions) in
 *   `reads.ts`.
 *
 * @module
 */
import { relative } from "node:path";
import { type ChatEvent, type Message, PrivacyFile, UserProfile } from "../../schemas.ts";
import { StoreError } from "../../errors.ts";
import type { LoginSpan } from "../../analysis/identity.ts";
import { aroundBySearch } from "../messages_around.ts";
import { personMessagesBySearch } from "../person_messages.ts";
import { layout, type ProfileKind } from "../layout.ts";
import type {
  AboutQuery,
  Anchor,
  AppendOutcome,
  CatchUpSummary,
  EventPage,
  EventQuery,
  Follower,
  ForgetChange,
  ForgetPlan,
  InteractionInput,
  InteractionScope,
  MessageCursor,
  MessagePage,
  MessageQuery,
  NewMessages,
  PersonMessageQuery,
  PersonMessages,
  RebuildRequest,
  RebuildSummary,
  Residue,
  SearchMessagesOptions,
  Store,
  StoreConfig,
  StoreStatus,
} from "../store.ts";
import { PgDatabase, type PgDatabaseOptions } from "./database.ts";
import { journalBacklog, pushJournal, type PushResult, withJournalLock } from "./journal.ts";
import { PgFollower } from "./follower.ts";
import { pgInteractions, pgMessagesAbout, pgSearchEvents, pgSearchMessages } from "./reads.ts";
import {
  channelProfileNamed,
  DirtyProfiles,
  keysNamed,
  profileNames,
  rewriteAllProfiles,
  userProfileNamed,
} from "./profiles.ts";

import { pgMessagesSince } from "./tail.ts";

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions extends PgDatabaseOptions {
  /**
   * How long {@link Follower.close} keeps retrying to push the last lines into an unreachable
   * database before it gives up (they stay in the log for the next start). @default 30000
   */
  closeRetryMs?: number;
  /** Longest wait between two retries while the database is unreachable. @default 5000 */
  maxBackoffMs?: number;
}

/**
 * Opens the PostgreSQL store of `config.databaseUrl` over `config.dataDir`, with `local` (the
 * embedded store of the same data dir) for the logs and files. Migrates the schema; throws
 * StoreError naming host and port when the database cannot be reached.
 */
export async function openPostgresStore(
  config: StoreConfig,
  local: Store,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  if (config.databaseUrl === undefined) throw new StoreError("no database URL");
  const db = await PgDatabase.open(config.databaseUrl, options);
  return new PostgresStore(config.dataDir, db, local, options);
}

/** The PostgreSQL Store of one data dir. */
export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  readonly dataDir: string;
  readonly db: PgDatabase;
  #local: Store;
  #options: PostgresStoreOptions;
  /** Open followers: while one runs, it pushes (appends return without waiting). */
  #following = 0;
  /** Pushes of this process, one after another. */
  #chain: Promise<unknown> = Promise.resolve();
  /** Persons, channels and gone logins whose profile files are to be rewritten. */
  #dirty = new DirtyProfiles();

  constructor(dataDir: string, db: PgDatabase, local: Store, options: PostgresStoreOptions = {}) {
    this.dataDir = dataDir;
    this.db = db;
    this.#local = local;
    this.#options = options;
  }

  /** The database, password hidden. */
  get location(): string {
    return this.db.display;
  }

  /** Pushes the logs' backlog into the database (serialized in this process). */
  push(
    options: { onProgress?: (done: number, total: number) => void; locked?: boolean } = {},
  ): Promise<PushResult | null> {
    const run = this.#chain.then(async () => {
      const r = await pushJournal(this.dataDir, this.db, options);
      if (r !== null) {
        this.#dirty.add(r.users, r.channels);
      }
      return r;
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Pushes when the logs hold lines the database has not seen, unless a follower does it. */
  async #sync(): Promise<void> {
    if (this.#following > 0) return;
    if ((await journalBacklog(this.dataDir)) === 0) return;
    await this.push();
    await this.writeDirtyProfiles();
  }

  async appendMessages(messages: readonly Message[]): Promise<AppendOutcome<Message>> {
    const out = await this.#local.appendMessages(messages);
    if (this.#following === 0 && out.written.length > 0) {
      await this.push();
      await this.writeDirtyProfiles();
    }
    return out;
  }

  async appendEvents(events: readonly ChatEvent[]): Promise<AppendOutcome<ChatEvent>> {
    const out = await this.#local.appendEvents(events);
    if (this.#following === 0 && out.written.length > 0) await this.push();
    return out;
  }

  follow(options: { worker?: boolean; flushIntervalMs?: number } = {}): Promise<Follower> {
    this.#following++;
    return Promise.resolve(
      new PgFollower(this, options.flushIntervalMs ?? 1000, this.#options, () => {
        this.#following--;
      }),
    );
  }

  /**
   * Writes the profile files of the persons and channels whose rollups changed since the last
   * write, from the database's current state (see `profiles.ts`). Returns how many files
   * were written.
   */
  writeDirtyProfiles(): Promise<number> {
    return this.#dirty.write(this.db, this.dataDir);
  }

  async catchUp(
    options: { index?: boolean; profiles?: boolean } = {},
  ): Promise<CatchUpSummary | null> {
    const r = await this.push();
    if (r === null) return null;
    if (options.profiles !== false) await this.writeDirtyProfiles();
    return {
      lines: r.lines,
      indexed: r.written,
      folded: r.written,
      skipped: r.skipped,
      rebuilt: r.rebuilt,
      offset: r.offset,
    };
  }

  async rebuild(request: RebuildRequest = {}): Promise<RebuildSummary> {
    const r = await this.tryRebuild(request);
    if (r === null) {
      throw new StoreError(
        `another process is pushing ${this.dataDir} into the database; try again when it ends`,
      );
    }
    return r;
  }

  /**
   * Pushes the logs, then (profiles) rewrites every profile file of this data dir from the
   * database and removes files of names the database has no profile of. The database's own
   * indexes need no rebuild.
   */
  async tryRebuild(request: RebuildRequest = {}): Promise<RebuildSummary | null> {
    const r = await this.push();
    if (r === null) return null;
    let profiles = { users: 0, channels: 0, removed: 0 };
    if (request.profiles !== false) {
      this.#dirty.clear();
      profiles = await rewriteAllProfiles(this.db, this.dataDir);
    }
    return {
      lines: r.lines,
      indexed: r.written,
      folded: r.written,
      skipped: r.skipped,
      rebuilt: true,
      offset: r.offset,
      profiles,
    };
  }

  async status(): Promise<StoreStatus> {
    const local = await this.#local.status();
    const st = await this.db.status();
    const backlog = await journalBacklog(this.dataDir);
    const pushed = Math.max(0, local.log_bytes - backlog);
    const state = local.state === "no-log" ? "no-log" : backlog > 0 ? "behind" : "current";
    return {
      index: `${this.location} (schema ${st.schemaVersion})`,
      log: local.log,
      state,
      log_bytes: local.log_bytes,
      indexed_bytes: pushed,
      indexed_messages: st.messages,
      profiles_state: state,
      profiles_bytes: pushed,
      // Profile files of this data dir are rewritten from the database on every push.
      profiles_pending_files: 0,
      writer: "free",
    };
  }

  async searchMessages(
    q: MessageQuery,
    options: SearchMessagesOptions = {},
  ): Promise<MessagePage> {
    await this.#sync();
    return await pgSearchMessages(this.db, q, options);
  }

  async searchEvents(q: EventQuery): Promise<EventPage> {
    await this.#sync();
    return await pgSearchEvents(this.db, q);
  }

  async deletions(ids?: readonly string[]): Promise<Map<string, string>> {
    await this.#sync();
    return await this.db.deletions(ids);
  }

  async readProfile(kind: ProfileKind, name: string): Promise<Record<string, unknown> | null> {
    await this.#sync();
    const p = kind === "user"
      ? await userProfileNamed(this.db, name)
      : await channelProfileNamed(this.db, name);
    return p as Record<string, unknown> | null;
  }

  async userProfile(name: string): Promise<UserProfile | null> {
    const v = await this.readProfile("user", name);
    if (v === null) return null;
    const r = UserProfile.safeParse(v);
    return r.success ? r.data : null;
  }

  async listProfiles(kind: ProfileKind): Promise<string[]> {
    await this.#sync();
    return await profileNames(this.db, kind);
  }

  async messagesSince(cursor: MessageCursor | null): Promise<NewMessages> {
    await this.#sync();
    return await pgMessagesSince(this.db.pool, cursor);
  }

  /**
   * Null: rows deleted by forget leave no cheap trace (the highest seq stays), so readers do
   * not reuse answers over PostgreSQL.
   */
  changeStamp(): Promise<string | null> {
    return Promise.resolve(null);
  }

  // Identity (issue 16): the persons' logins and display names, kept by every append.
  async loginSpans(about?: readonly string[]): Promise<LoginSpan[]> {
    await this.#sync();
    return await this.db.spans(about === undefined ? {} : { about });
  }

  async displayNames(): Promise<Map<string, string[]>> {
    await this.#sync();
    return await this.db.displayNames();
  }

  async interactions(q: InteractionScope): Promise<InteractionInput> {
    await this.#sync();
    return await pgInteractions(this.db, q);
  }

  around(anchors: readonly Anchor[], n: number): Promise<Message[]> {
    return aroundBySearch((q) => this.searchMessages(q), anchors, n);
  }

  personMessages(q: PersonMessageQuery): AsyncIterable<PersonMessages> {
    return personMessagesBySearch((m) => this.searchMessages(m), q);
  }

  async *messagesAbout(q: AboutQuery): AsyncIterable<Message> {
    await this.#sync();
    yield* pgMessagesAbout(this.db, q);
  }

  async readOptOut(): Promise<PrivacyFile> {
    const o = await this.db.optout();
    return PrivacyFile.parse({ version: 1, optout: { users: o.users, channels: o.channels } });
  }

  async writeOptOut(file: PrivacyFile): Promise<void> {
    await this.db.replaceOptout({ users: file.optout.users, channels: file.optout.channels });
  }

  optOutStamp(): Promise<string> {
    return this.db.optoutStamp();
  }

  /**
   * Forgets in this data dir's logs (as the embedded store does) and in the database (rows
   * deleted, others' records scrubbed by the same plan, rollups recomputed, profile files of
   * this data dir rewritten or removed). Other monitors' data dirs keep their own logs: run
   * forget there too (see the README).
   */
  async forgetRecords(
    plan: ForgetPlan,
    options: { dryRun?: boolean } = {},
  ): Promise<ForgetChange[]> {
    const dryRun = options.dryRun === true;
    // No push of this data dir runs meanwhile (one that read a line before the rewrite would
    // store it again after the database forgot it); what the logs hold is pushed first.
    const [local, r] = await withJournalLock(this.dataDir, async () => {
      if (!dryRun) await this.push({ locked: true });
      const local = await this.#local.forgetRecords(plan, options);
      const r = await this.db.forget({
        users: [...plan.users],
        channels: [...plan.channels],
        ...(plan.before !== null ? { beforeMs: Date.parse(plan.before) } : {}),
        decide: (rec, kind) => plan.record(rec, kind),
        dryRun,
      });
      return [local, r] as const;
    });
    if (!dryRun) {
      this.#dirty.add(r.touched.users, r.touched.channels);
      this.#dirty.add(r.gone.users, r.gone.channels);
      this.#dirty.addGone(r.logins);
      await this.writeDirtyProfiles();
    }
    return [
      ...local,
      { file: "postgres:messages", ...r.messages },
      { file: "postgres:events", ...r.events },
    ];
  }

  async removeProfiles(
    kind: ProfileKind,
    names: Iterable<string>,
    options: { dryRun?: boolean } = {},
  ): Promise<string[]> {
    const list = [...names];
    const files = await this.#local.removeProfiles(kind, list, options);
    if (options.dryRun === true) return files;
    const keys = kind === "user" ? await keysNamed(this.db, list) : list;
    const rows = await this.db.deleteRollups(kind, keys);
    return [...files, ...rows.map((n) => `postgres:rollups/${kind}/${n}`)];
  }

  async residue(word: RegExp, any: RegExp): Promise<Residue[]> {
    const local = await this.#local.residue(word, any);
    const tables = await this.db.residue(word, any);
    return [
      ...local,
      ...tables.map((t) => ({
        // The opt-out table is the fleet's opt-out list: named as the list is, so forget
        // reports it as kept on purpose.
        file: t.table === "optout"
          ? relative(this.dataDir, layout(this.dataDir).privacy)
          : `postgres:${t.table}`,
        count: t.count,
        derived: t.table.startsWith("rollup") || t.table.startsWith("person_"),
      })),
    ];
  }

  async close(): Promise<void> {
    await this.#chain;
    await this.db.close();
    await this.#local.close();
  }
}
