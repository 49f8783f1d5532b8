/**
 * The types of a person's reads through the Store (`Store.personMessages`): what a timeline
 * asks of the store and the batches it gets back. Re-exported by `store.ts`.
 *
 * @module
 */
import type { Message } from "../schemas.ts";

/** Which messages of one person `Store.personMessages` hands out. */
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
