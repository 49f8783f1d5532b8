/**
 * Moderation and notice events (`data/logs/events.jsonl`): subs, raids, announcements
 * (USERNOTICE), deleted messages (CLEARMSG) and timeouts, bans and clears (CLEARCHAT), read back
 * for `search events` and to mark deleted messages in search results. The event log is small
 * next to the message log, so it is scanned rather than indexed.
 *
 * @module
 */
import { ChatEvent, type Message } from "../schemas.ts";
import type { SearchQuery } from "./search.ts";
import { layout } from "../store/layout.ts";
import { readJsonLines } from "../line_reader.ts";
import { matchesEvent } from "./message_query.ts";

/** A query over events: the message query's filters, plus the kind. */
export interface EventQuery extends SearchQuery {
  kind?: ChatEvent["kind"];
}

/** Every well-formed event of the data dir, in log order (malformed lines are skipped). */
export async function* readEvents(dataDir: string): AsyncGenerator<ChatEvent> {
  for await (const values of readJsonLines(layout(dataDir).events)) {
    for (const v of values) {
      const r = ChatEvent.safeParse(v);
      if (r.success) yield r.data;
    }
  }
}

/** True when an event passes the query (the user of a CLEARMSG is the deleted message's author). */
export function eventMatches(e: ChatEvent, q: EventQuery): boolean {
  if (q.kind && e.kind !== q.kind) return false;
  return matchesEvent(e, q);
}

/** Events of a query: the page asked for, and how many matched in all. */
export interface EventResult {
  events: ChatEvent[];
  total: number;
}

/**
 * Events matching the query, newest first, ties by event id: `q.offset` skipped, then at most
 * `q.limit`, with the number of all matches (the event log is scanned whole anyway).
 */
export async function searchEvents(dataDir: string, q: EventQuery): Promise<EventResult> {
  const out: ChatEvent[] = [];
  for await (const e of readEvents(dataDir)) if (eventMatches(e, q)) out.push(e);
  out.sort((a, b) =>
    a.ts !== b.ts
      ? (a.ts < b.ts ? 1 : -1)
      : a.event_id < b.event_id
      ? -1
      : a.event_id > b.event_id
      ? 1
      : 0
  );
  const from = q.offset ?? 0;
  return { events: out.slice(from, from + q.limit), total: out.length };
}

/** When each deleted message was deleted (CLEARMSG), by message id. */
export async function deletions(dataDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of readEvents(dataDir)) {
    if (e.kind === "clearmsg" && !out.has(e.target_message_id)) out.set(e.target_message_id, e.ts);
  }
  return out;
}

/** A message as search shows it: with `deleted_at` when a moderator deleted it in chat. */
export type ShownMessage = Message & { deleted_at?: string };

/** Marks the messages that were deleted in chat (the log keeps them; the mark says so). */
export function markDeleted(
  messages: readonly Message[],
  deleted: ReadonlyMap<string, string>,
): ShownMessage[] {
  if (deleted.size === 0) return [...messages];
  return messages.map((m) => {
    const at = deleted.get(m.message_id);
    return at === undefined ? m : { ...m, deleted_at: at };
  });
}
