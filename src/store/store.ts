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
import type {
  AboutQuery,
  Anchor,
  EventPage,
  EventQuery,
  InteractionInput,
  InteractionScope,
  MessageCursor,
  MessagePage,
  MessageQuery,
  NewMessages,
  SearchMessagesOptions,
} from "./store_queries.ts";
import type {
  AppendOutcome,
  CatchUpSummary,
  Follower,
  RebuildRequest,
  RebuildSummary,
  StoreStatus,
} from "./store_upkeep.ts";
import type { ForgetChange, ForgetPlan, Residue } from "./forget_plan.ts";
import type { PersonMessageQuery, PersonMessages } from "./person_queries.ts";
import type { EncodedLines } from "./log/line_batch.ts";

export type { LoginSpan };
export type { PersonMessageQuery, PersonMessages } from "./person_queries.ts";

export type {
  AboutQuery,
  Anchor,
  AuthorCount,
  EventPage,
  EventQuery,
  Exclusion,
  InteractionInput,
  InteractionRecord,
  InteractionScope,
  MessageCursor,
  MessagePage,
  MessageQuery,
  NewMessages,
  SearchMessagesOptions,
} from "./store_queries.ts";
export type {
  AppendOutcome,
  CatchUpSummary,
  Coverage,
  Follower,
  FollowSummary,
  RebuildRequest,
  RebuildSummary,
  StoreStatus,
} from "./store_upkeep.ts";
export type { ForgetChange, ForgetPlan, RecordDecision, Residue } from "./forget_plan.ts";
export type { ProfileKind };
export type { EncodedLines };

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

/** Messages encoded as the log's lines as they are added (see {@link Store.messageLines}). */
export interface MessageLines {
  /** Messages added. */
  readonly length: number;
  /** Encodes `m` as its line now; nothing of the object is kept. */
  add(m: Message): void;
  /**
   * Adds messages encoded already, by {@link messageLineEncoder} (in a worker thread, say): the
   * same as adding them one by one.
   */
  addEncoded(lines: EncodedLines): void;
}

/** Writes {@link MessageLines} into the message log. */
export interface MessageLineWriter {
  /** An empty batch. */
  batch(): MessageLines;
  /**
   * Appends a batch of this writer's (used up by it), idempotent on `message_id` and durable
   * when it resolves, as `appendMessages`; says how many were new.
   */
  append(batch: MessageLines): Promise<{ written: number; duplicates: number; repairs: string[] }>;
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
   * Appends of messages encoded as they arrive, for a writer that needs nothing of them but the
   * count of new ones (a log-only run): the same log, dedup and guarantees as `appendMessages`,
   * without thousands of message objects held until each write. Absent where messages are not
   * lines of the data dir's log (PostgreSQL).
   */
  messageLines?(): Promise<MessageLineWriter>;
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
   * The login spans of the person rollups (see `src/analysis/identity.ts`), current with what
   * is stored (a store whose rollups lag behind its log catches them up first; while a running
   * monitor holds the writer, at most one flush behind): all of them, or with `about` (logins
   * or user ids as typed) those of the persons named and of every holder of their logins
   * (enough to resolve and list them).
   */
  loginSpans(about?: readonly string[]): Promise<LoginSpan[]>;
  /**
   * One person's messages (raw: the query layer applies the opt-out list), oldest first (ties
   * by message_id), in batches: for a timeline, which shows what each says, not whole records.
   */
  personMessages(q: PersonMessageQuery): AsyncIterable<PersonMessages>;
  /** Every display name seen, by rollup key (`#<user_id>` or login); current as `loginSpans`. */
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
    const { EmbeddedStore } = await import("./embedded/embedded_store.ts");
    const { openPostgresStore } = await import("./postgres/postgres_store.ts");
    return await openPostgresStore(config, new EmbeddedStore(config.dataDir));
  }
  const { EmbeddedStore } = await import("./embedded/embedded_store.ts");
  return new EmbeddedStore(config.dataDir);
}
