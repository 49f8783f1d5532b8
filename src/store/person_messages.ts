/**
 * {@link Store.personMessages} answered by message searches alone (any store; the PostgreSQL
 * store uses it): the person's messages by their person keys, newest first from the search,
 * handed out oldest first in batches, each with its whole record. {@link PersonBatch} builds
 * the batches (the embedded store's too).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { personMessagesBySearch } from "./person_messages.ts";
 * const search = () => Promise.resolve({ messages: [], complete: true, via: "scan" as const, tailBytes: 0 });
 * const batches = [];
 * for await (const b of personMessagesBySearch(search, { persons: ["#7"] })) batches.push(b);
 * deepStrictEqual(batches, []);
 * ```
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import type { Literal } from "./message_query.ts";
import type { MessagePage, MessageQuery, PersonMessageQuery, PersonMessages } from "./store.ts";

/** Messages handed out at a time. */
export const PERSON_BATCH = 4096;

/** The most messages read without a limit. */
const MAX_MESSAGES = 1_000_000;

/** A batch of person messages being filled, column by column. */
export class PersonBatch implements PersonMessages {
  length = 0;
  ts: string[] = [];
  message_id: string[] = [];
  channel: string[] = [];
  user_name: string[] = [];
  text: string[] = [];
  records = new Map<number, Message>();

  /** Adds one message (with its whole record, when given). */
  push(
    ts: string,
    messageId: string,
    channel: string,
    userName: string,
    text: string,
    record?: Message,
  ): void {
    const i = this.length++;
    this.ts.push(ts);
    this.message_id.push(messageId);
    this.channel.push(channel);
    this.user_name.push(userName);
    this.text.push(text);
    if (record !== undefined) this.records.set(i, record);
  }

  /** Adds a whole message. */
  pushMessage(m: Message, withRecord: boolean): void {
    this.push(m.ts, m.message_id, m.channel, m.user_name, m.text, withRecord ? m : undefined);
  }
}

/** A person's messages through `search` (a store's searchMessages), oldest first, in batches. */
export async function* personMessagesBySearch(
  search: (q: MessageQuery) => Promise<MessagePage>,
  q: PersonMessageQuery,
): AsyncGenerator<PersonMessages> {
  if (q.persons.length === 0) return;
  const clause: Literal[] = q.persons.map((value) => ({
    negated: false,
    term: { field: "person", value },
  }));
  // Opted-out channels as negated literals (as the query layer's opt-out clauses).
  const channels: Literal[][] = (q.excludeChannels ?? []).map((value) => [{
    negated: true,
    term: { field: "in", value },
  }]);
  const page = await search({
    clauses: [clause, ...channels],
    limit: q.limit ?? MAX_MESSAGES,
    ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
    ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
  });
  let batch = new PersonBatch();
  // Newest first (ties by message_id) to oldest first (ties by message_id).
  const oldestFirst = page.messages.sort((a, b) =>
    a.ts !== b.ts
      ? (a.ts < b.ts ? -1 : 1)
      : a.message_id < b.message_id
      ? -1
      : a.message_id > b.message_id
      ? 1
      : 0
  );
  for (const m of oldestFirst) {
    batch.pushMessage(m, true);
    if (batch.length === PERSON_BATCH) {
      yield batch;
      batch = new PersonBatch();
    }
  }
  if (batch.length > 0) yield batch;
}
