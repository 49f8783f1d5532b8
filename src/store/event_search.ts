/**
 * The embedded store's events (`data/logs/events.jsonl`): subs, raids, announcements
 * (USERNOTICE), deleted messages (CLEARMSG) and timeouts, bans and clears (CLEARCHAT), read back
 * for `search events` and to mark deleted messages in search results. The event log is small
 * next to the message log, so it is scanned rather than indexed.
 *
 * @module
 */
import { ChatEvent } from "../schemas.ts";
import { readJsonLines } from "../line_reader.ts";
import { layout } from "./layout.ts";
import type { EventPage, EventQuery } from "./store.ts";
import { matchesEvent } from "./message_query.ts";

/** Every well-formed event of the data dir, in log order (malformed lines are skipped). */
export async function* readEvents(dataDir: string): AsyncGenerator<ChatEvent> {
  for await (const values of readJsonLines(layout(dataDir).events)) {
    for (const v of values) {
      const r = ChatEvent.safeParse(v);
      if (r.success) yield r.data;
    }
  }
}

/**
 * True when an event passes the query (the user of a CLEARMSG is the deleted message's author).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { eventMatches } from "./event_search.ts";
 * const e = { kind: "clearchat" as const, event_id: "e1", ts: "2025-09-02T12:00:00.000Z",
 *   channel: "c", user_name: "someuser", user_id: null, duration_seconds: 600, source: "fixture" as const };
 * deepStrictEqual(eventMatches(e, { kind: "clearchat", clauses: [], limit: 5 }), true);
 * deepStrictEqual(eventMatches(e, { kind: "clearmsg", clauses: [], limit: 5 }), false);
 * ```
 */
export function eventMatches(e: ChatEvent, q: EventQuery): boolean {
  if (q.kind && e.kind !== q.kind) return false;
  return matchesEvent(e, q);
}

/**
 * Events matching the query, newest first, ties by event id: `q.offset` skipped, then at most
 * `q.limit`, with the number of all matches (the event log is scanned whole anyway).
 */
export async function searchEvents(dataDir: string, q: EventQuery): Promise<EventPage> {
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
