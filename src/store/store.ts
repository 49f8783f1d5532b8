/**
 * The Store: the one door to data, for writes and reads. Everything above `src/store/` (the
 * query layer, the CLI handlers, the web server, reports) reaches messages, events, the index,
 * profiles and the opt-out list only through this interface, so a second implementation
 * (PostgreSQL, for fleets of monitors) adds files and a branch in {@link openStore} and
 * changes nothing above the store.
 *
 * Reads here are raw: they do not apply the opt-out list. The query layer (`src/query/`) does,
 * under every read; views call the query layer, never these reads directly.
 *
 * Implementations:
 * - `embedded` ({@link EmbeddedStore} in `embedded_store.ts`): `data/logs/messages.jsonl` is the
 *   canonical record; `index.sqlite`, `profiles.sqlite` and the profile files are derived from
 *   it and rebuildable byte for byte.
 * - `postgres` (`postgres/postgres_store.ts`): one PostgreSQL database is the system of record
 *   of a fleet of monitors; each data dir's logs are its journal, pushed into the database.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openStore } from "./store.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * try {
 *   const page = await store.searchMessages({ clauses: [], limit: 5 });
 *   deepStrictEqual(page.messages, []);
 *   deepStrictEqual(await store.listProfiles("user"), []);
 * } finally {
 *   await store.close();
 *   await Deno.remove(dataDir, { recursive: true });
 * }
 * ```
 *
 * @module
 */
import type { ChatEvent, Message, PrivacyFile, UserProfile } from "../schemas.ts";
import type { ProfileKind } from "./layout.ts";
import type { LoginSpan } from "../analysis/identity.ts";
import type { InteractionSource } from "../analysis/interactions.ts";

export type { LoginSpan };

/** What the interaction graph reads of a message: who wrote it, when, where, and to whom. */
export type InteractionRecord = InteractionSource;

/** How many messages one person (a person key: `#<user_id>`, or a login) wrote in scope. */
export interface AuthorCount {
  person: string;
  count: number;
}

/** What the interaction graph reads of a scope. */
export interface InteractionInput {
  /** Every message in scope that addresses someone (mentions or a reply), in no set order. */
  addressing: InteractionRecord[];
  /** How many messages each person wrote in scope (all of them). */
  authors: AuthorCount[];
}

/** A message whose neighbours in its channel are asked for (see {@link Store.around}). */
export interface Anchor {
  channel: string;
  ts: string;
  message_id: string;
}

/** Which messages an interaction pass reads. */
export interface InteractionScope {
  channel?: string;
  /** Inclusive, epoch ms. */
  sinceMs?: number;
  /** Exclusive, epoch ms. */
  untilMs?: number;
  /** Channels left out (the opt-out list's, joined by the query layer). */
  excludeChannels?: readonly string[];
}
import type { QueryFilter } from "./message_query.ts";

/** Which store to open: the data dir always (logs, subjects, profile files), a database URL for PostgreSQL. */
export interface StoreConfig {
  /** The data dir. */
  dataDir: string;
  /**
   * `postgresql://...` selects the PostgreSQL store (`postgres/postgres_store.ts`): the
   * database of a fleet of monitors; the data dir keeps this monitor's logs (its journal) and
   * files. Absent: the embedded store.
   */
  databaseUrl?: string;
}

/**
 * A message search, normalized: the typed query (see `message_query.ts`; `src/query/` reads
 * it from flags and from the query language) and which page of its results.
 */
export interface MessageQuery extends QueryFilter {
  /** At most this many messages, newest first, ties by message_id ascending. */
  limit: number;
  /** Skip this many results first. @default 0 */
  offset?: number;
}

/** An event search: the message query's filters (text, from:, in:, regex, time), plus the kind. */
export interface EventQuery extends MessageQuery {
  kind?: ChatEvent["kind"];
}

/** One page of an event search, and how many matched in all. */
export interface EventPage {
  events: ChatEvent[];
  total: number;
}

/** Users and channels a read leaves out (the opt-out list, applied by the query layer). */
export interface Exclusion {
  users: ReadonlySet<string>;
  channels: ReadonlySet<string>;
  /** Person keys (`#<user_id>`) of opted-out persons: every message of theirs, any login. */
  persons?: ReadonlySet<string>;
}

/** Options of {@link Store.searchMessages}. */
export interface SearchMessagesOptions {
  /** Read the whole log instead of the index (embedded; same results). @default false */
  scan?: boolean;
  /**
   * Also count every match (not only the page). `budgetMs` bounds the time spent counting
   * beyond the page: when it runs out, `total` is a lower bound and `totalExact` false.
   * @default false
   */
  total?: boolean | { budgetMs?: number };
  /**
   * How long a query holding a regex may look for results before it answers with what it
   * found (`complete: false`, and a note saying so). @default 5000
   */
  regexBudgetMs?: number;
  /** The clock of the budgets. @default performance.now */
  now?: () => number;
}

/** One page of a message search, and how it was answered. */
export interface MessagePage {
  messages: Message[];
  /** Every match, when asked for (`total`). */
  total?: number;
  /** False when `total` is a lower bound (its time budget ran out). */
  totalExact?: boolean;
  /** False when a regex's time budget ran out: some matches may be missing. */
  complete: boolean;
  /** `index` (with `tailBytes` of unindexed log scanned), `scan`, or `database`. */
  via: "index" | "scan" | "database";
  tailBytes: number;
  /** Why the index was not used, or why the answer is incomplete. */
  note?: string;
}

export type { ProfileKind };

/** What one append did. */
export interface AppendOutcome<T> {
  /** Records stored now (new ones), in order. */
  written: T[];
  /** Records dropped because their id was already stored (or earlier in the batch). */
  duplicates: number;
  /** Repairs made before writing (a torn tail set aside), for the caller to report. */
  repairs: string[];
}

/** What a catch-up of derived data did. */
export interface CatchUpSummary {
  /** Lines read from the log. */
  lines: number;
  /** Messages added to the index. */
  indexed: number;
  /** Messages folded into rollups. */
  folded: number;
  /** Lines that are not message records. */
  skipped: number;
  /** True when a consumer was rebuilt from the start because the log had changed. */
  rebuilt: boolean;
  /** Bytes of the log now covered by the index. */
  offset: number;
}

/** What a rebuild did. */
export interface RebuildSummary extends CatchUpSummary {
  /** Profile files written and stale ones removed. */
  profiles: { users: number; channels: number; removed: number };
}

/** What to rebuild. */
export interface RebuildRequest {
  /** Rebuild the search index. @default true */
  index?: boolean;
  /** Rebuild rollups and rewrite every profile file (removing stale ones). @default true */
  profiles?: boolean;
  /** Start from empty files, so no freed page keeps a deleted row (after forget). @default false */
  fresh?: boolean;
}

/** How far a derived store covers the log. */
export type Coverage = "current" | "behind" | "stale" | "missing" | "no-log";

/** The state of the index and of the rollups (`index status`). */
export interface StoreStatus {
  index: string;
  log: string;
  state: Coverage;
  log_bytes: number;
  indexed_bytes: number;
  indexed_messages: number;
  /** The same for the rollup state behind the profile files. */
  profiles_state: Coverage;
  profiles_bytes: number;
  /** Profile files folded but not written yet (a run failed to write them): `stale` till then. */
  profiles_pending_files: number;
  /** `busy` while a monitor (or a rebuild) is writing it. */
  writer: "busy" | "free";
}

/** What the derived writer of a run did, for the run's summary. */
export interface FollowSummary {
  /** `worker` or `inline`: where the writers ran; `passive`: another process was the writer. */
  mode: "worker" | "inline" | "passive";
  indexed: number;
  folded: number;
  skipped: number;
  profilesWritten: number;
  /** Problems met (the log stays complete; the index or profiles may lag). */
  problems: string[];
  /** What happened and was overcome (a database outage the run caught up from). */
  notes?: string[];
}

/** Derived data kept following a monitor's appends. */
export interface Follower {
  /** Call after each durable append; returns without waiting for the derived work. */
  afterFlush(written: readonly Message[]): Promise<void>;
  /** Catches up to the end of the log, writes the last profiles, and stops. */
  close(): Promise<FollowSummary>;
}

/**
 * Where a reader of newly stored messages stands (see {@link Store.messagesSince}): opaque,
 * made and read by one store.
 */
export type MessageCursor = string;

/** Which messages of one person {@link Store.personMessages} hands out. */
export interface PersonMessageQuery {
  /** The person's rollup keys: `#<user_id>`, and logins they wrote under without an id. */
  persons: readonly string[];
  /** Inclusive, epoch ms. */
  sinceMs?: number;
  /** Exclusive, epoch ms. */
  untilMs?: number;
  /** Channels left out (the opt-out list's). */
  excludeChannels?: readonly string[];
  /** Only the newest this many (still handed out oldest first). @default all */
  limit?: number;
  /** Every message with its whole record (else only those with hits or signals). @default false */
  records?: boolean;
}

/**
 * A batch of one person's messages as a timeline shows them (without whole records), by
 * column: message `i` is `ts[i]`, `message_id[i]`, ... (no object per message: a timeline of
 * tens of thousands of messages spent a fifth of its time building and collecting them).
 */
export interface PersonMessages {
  /** How many messages the batch holds. */
  length: number;
  ts: string[];
  message_id: string[];
  channel: string[];
  /** The login each was written under. */
  user_name: string[];
  /** The text as written. */
  text: string[];
  /** Whole records by position: all of them with `records`, else those with hits or signals. */
  records: Map<number, Message>;
}

/** Messages stored after a cursor, and the cursor to ask from next. */
export interface NewMessages {
  /** In storage order. */
  messages: Message[];
  cursor: MessageCursor;
}

/** Which messages concern a subject (see {@link Store.messagesAbout}). */
export interface AboutQuery {
  /** Messages with a watchlist hit of this subject key; absent: with any hit. */
  subjectKey?: string;
  /** Also the messages this user wrote, and those whose signals name them as target. */
  user?: string;
}

/** What a forget plan decides for one record. */
export type RecordDecision = "keep" | "drop" | { replace: Record<string, unknown> };

/**
 * What to forget, as decisions the store applies to its records (built by
 * `src/privacy/forget_rule.ts`). The names and cutoff let an implementation narrow its work
 * (SQL `WHERE`); the functions are the truth.
 */
export interface ForgetPlan {
  users: ReadonlySet<string>;
  channels: ReadonlySet<string>;
  /** Drop records with `ts` strictly before this UTC timestamp; null: none. */
  before: string | null;
  /** Decides one message or event record. */
  record(rec: Record<string, unknown>, kind: "message" | "event"): RecordDecision;
  /**
   * Decides one raw line of a JSONL log (embedded): a cheap pre-filter and the decision for
   * lines that are not JSON objects; `utf8`/`partial` as the line reader saw them.
   */
  line(
    line: { text: string; utf8: boolean; partial: boolean },
    kind: "message" | "event",
  ): "keep" | "drop" | { replace: string };
  /** True to drop one entry of a set-aside torn-lines file (header may be null). */
  corruptEntry(header: string | null, body: string): boolean;
}

/** The outcome of forgetting in one stored file or table. */
export interface ForgetChange {
  /** A path relative to the data dir (embedded) or a table name. */
  file: string;
  removed: number;
  scrubbed: number;
}

/** Where a name still occurs after forget (the residue check). */
export interface Residue {
  /** Path relative to the data dir (or a table). */
  file: string;
  count: number;
  /** True for derived data (index, profiles, reports): rebuilt, never edited in place. */
  derived: boolean;
}

/** The one door to data. Every method is async, so that a database fits behind it. */
export interface Store {
  /** `embedded` or `postgres`. */
  readonly kind: "embedded" | "postgres";
  /** The data dir: logs, subjects, enrichment, reports and profile files live there. */
  readonly dataDir: string;
  /** Where the data is, for messages (a path, or host and database; never a password). */
  readonly location: string;

  // --- writes ---
  /** Appends messages, idempotent on `message_id`; returns the new ones. */
  appendMessages(messages: readonly Message[]): Promise<AppendOutcome<Message>>;
  /** Appends events, idempotent on `event_id`; returns the new ones. */
  appendEvents(events: readonly ChatEvent[]): Promise<AppendOutcome<ChatEvent>>;
  /**
   * Keeps derived data (index, rollups, profile files) following the appends of a monitor.
   * `worker: false` runs the writers inline. `flushIntervalMs`: least time between profile
   * flushes.
   */
  follow(options?: { worker?: boolean; flushIntervalMs?: number }): Promise<Follower>;

  // --- derived data ---
  /**
   * Brings derived data up to date if no other writer is at work; null when one is (it will
   * catch up by itself). `index`/`profiles: false` leave that part alone.
   */
  catchUp(options?: { index?: boolean; profiles?: boolean }): Promise<CatchUpSummary | null>;
  /** Rebuilds derived data; throws ConflictError when another writer is at work. */
  rebuild(request?: RebuildRequest): Promise<RebuildSummary>;
  /** {@link Store.rebuild}, or null (touching nothing) when another writer is at work. */
  tryRebuild(request?: RebuildRequest): Promise<RebuildSummary | null>;
  /** How far derived data covers the log, and whether a writer is at work. */
  status(): Promise<StoreStatus>;

  // --- reads (raw: the query layer applies the opt-out list) ---
  /**
   * Messages matching `q`, newest first (ties by message_id): `q.offset` skipped, at most
   * `q.limit`.
   */
  searchMessages(q: MessageQuery, options?: SearchMessagesOptions): Promise<MessagePage>;
  /**
   * Events matching `q`, newest first (ties by event_id): `q.offset` skipped, at most
   * `q.limit`, with the number of every match.
   */
  searchEvents(q: EventQuery): Promise<EventPage>;
  /**
   * When each message deleted by a moderator (CLEARMSG) was deleted, by message id: all of
   * them, or only those among `ids`.
   */
  deletions(ids?: readonly string[]): Promise<Map<string, string>>;
  /**
   * The `n` messages before and the `n` after each anchor in the anchor's channel, in the order
   * (ts, message_id) ascending (as `grep -C` shows lines), anchors themselves left out, each
   * message once, raw (the query layer applies the opt-out list).
   */
  around(anchors: readonly Anchor[], n: number): Promise<Message[]>;
  /**
   * The profile of a user or channel (a `UserProfile` or `ChannelProfile` object, as in the
   * profile file), or null when there is none. Throws StoreError when it is unreadable.
   */
  readProfile(kind: ProfileKind, name: string): Promise<Record<string, unknown> | null>;
  /** The profile of a user, checked against the schema; null when absent or invalid. */
  userProfile(name: string): Promise<UserProfile | null>;
  /** Names of every profile of a kind, sorted. */
  listProfiles(kind: ProfileKind): Promise<string[]>;
  /**
   * Messages that concern a subject (watchlist hits, and with `user` their own messages and
   * signals naming them), in storage order.
   */
  messagesAbout(q: AboutQuery): AsyncIterable<Message>;

  /**
   * Messages stored after `cursor` by any writer (every process appending to this data dir,
   * or every monitor of the database), in storage order, a bounded batch at a time (ask again
   * with the returned cursor for more), and the cursor to ask from next. `null` starts at the
   * end as it is now: no messages, and a cursor from which everything stored later is handed
   * out. After a rewrite (forget, retention) it goes on from the rewritten store's end.
   */
  messagesSince(cursor: MessageCursor | null): Promise<NewMessages>;

  /**
   * A cheap token that changes whenever the stored messages or events may have changed (stored,
   * forgotten, rewritten; the opt-out list has {@link Store.optOutStamp}), for a reader that
   * reuses answers while it holds. Null when the store cannot tell cheaply: answers must not be
   * reused then.
   */
  changeStamp(): Promise<string | null>;

  // --- identity: persons across logins (raw: the query layer applies the opt-out list) ---
  /**
   * The login spans of the person rollups (see `src/analysis/identity.ts`), as far as the
   * rollups have got: all of them, or with `about` (logins or user ids as typed) those of the
   * persons named and of every holder of their logins (enough to resolve and list them).
   */
  loginSpans(about?: readonly string[]): Promise<LoginSpan[]>;
  /**
   * One person's messages (raw: the query layer applies the opt-out list), oldest first (ties
   * by message_id), in batches: for a timeline, which shows what each says, not whole records.
   */
  personMessages(q: PersonMessageQuery): AsyncIterable<PersonMessages>;
  /** Every display name seen, by rollup key (`#<user_id>` or login). */
  displayNames(): Promise<Map<string, string[]>>;
  /**
   * The interaction graph's input: every message in scope that addresses someone, reduced to
   * who addressed whom, and how many messages each person wrote.
   */
  interactions(q: InteractionScope): Promise<InteractionInput>;

  // --- the opt-out list ---
  /** The opt-out list; absent means empty. */
  readOptOut(): Promise<PrivacyFile>;
  /** Replaces the opt-out list (written atomically). */
  writeOptOut(file: PrivacyFile): Promise<void>;
  /** A cheap token that changes whenever the opt-out list may have changed. */
  optOutStamp(): Promise<string>;

  // --- forget and retention ---
  /**
   * Applies a forget plan to the stored messages and events (and, embedded, to the torn
   * lines set aside beside the logs), under the logs' locks; `dryRun` only counts.
   */
  forgetRecords(plan: ForgetPlan, options?: { dryRun?: boolean }): Promise<ForgetChange[]>;
  /** Deletes the profiles of these names (files and state); returns what was (or would be) deleted. */
  removeProfiles(
    kind: ProfileKind,
    names: Iterable<string>,
    options?: { dryRun?: boolean },
  ): Promise<string[]>;
  /**
   * Counts whole-word occurrences of `word` (a global regex; `any` a cheap pre-test) in every
   * byte the store holds (embedded: every file of the data dir, binary files included).
   */
  residue(word: RegExp, any: RegExp): Promise<Residue[]>;

  /** Releases connections and files. */
  close(): Promise<void>;
}

/**
 * Opens the store the configuration names: PostgreSQL when `databaseUrl` is set, otherwise the
 * embedded store over the data dir.
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl !== undefined && config.databaseUrl !== "") {
    // The data dir's own logs (the journal) and files go through the embedded store.
    const { EmbeddedStore } = await import("./embedded_store.ts");
    const { openPostgresStore } = await import("./postgres/postgres_store.ts");
    return await openPostgresStore(config, new EmbeddedStore(config.dataDir));
  }
  const { EmbeddedStore } = await import("./embedded_store.ts");
  return new EmbeddedStore(config.dataDir);
}
