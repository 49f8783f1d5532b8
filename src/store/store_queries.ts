/**
 * What the Store's reads ask and what they answer: message and event searches and their pages,
 * the messages around others, new messages since a cursor, the messages about a subject, and
 * what the interaction graph reads. Part of the `Store` interface (`store.ts`, which
 * re-exports them).
 *
 * @module
 */
import type { ChatEvent, Message } from "../schemas.ts";
import type { InteractionSource } from "../analysis/interactions.ts";

/** A message whose neighbours in its channel are asked for (see `Store.around`). */
export interface Anchor {
  channel: string;
  ts: string;
  message_id: string;
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

/** Options of `Store.searchMessages`. */
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

/**
 * Where a reader of newly stored messages stands (see `Store.messagesSince`): opaque,
 * made and read by one store.
 */
export type MessageCursor = string;

/** Messages stored after a cursor, and the cursor to ask from next. */
export interface NewMessages {
  /** In storage order. */
  messages: Message[];
  cursor: MessageCursor;
}

/** Which messages concern a subject (see `Store.messagesAbout`). */
export interface AboutQuery {
  /** Messages with a watchlist hit of this subject key; absent: with any hit. */
  subjectKey?: string;
  /** Also the messages this user wrote, and those whose signals name them as target. */
  user?: string;
}

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
