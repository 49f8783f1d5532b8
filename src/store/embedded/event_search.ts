/**
 * The embedded store's events (`data/logs/events.jsonl`): subs, raids, announcements
 * (USERNOTICE), deleted messages (CLEARMSG) and timeouts, bans and clears (CLEARCHAT), read back
 * for `search events` and to mark deleted messages in search results. Queries by person, login
 * or channel, and deletions of given messages, go through the event index (`event_index.ts`);
 * the rest scan the log, which is small next to the message log.
 *
 * @module
 */
import type { ChatEvent } from "../../schemas.ts";
import { wrapError } from "../../errors.ts";
import { openLineBatches } from "../../line_reader.ts";
import {
  type EventIndexQuery,
  type EventParser,
  eventParser,
  eventSpots,
  indexedDeletions,
  readEventsAt,
} from "./event_index.ts";
import { readIndexed } from "./index_reader.ts";
import { layout } from "../layout.ts";
import type { EventPage, EventQuery } from "../store.ts";
import { matchesEvent } from "../message_query.ts";

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

/** What of an event query the event index narrows by, or null when it narrows too little. */
function indexNarrowing(q: EventQuery): EventIndexQuery | null {
  const out: EventIndexQuery & { persons?: string[] } = {};
  if (q.kind !== undefined) out.kind = q.kind;
  if (q.sinceMs !== undefined) out.sinceMs = q.sinceMs;
  if (q.untilMs !== undefined) out.untilMs = q.untilMs;
  let narrow = false;
  for (const clause of q.clauses) {
    const one = clause.length === 1 && !clause[0]!.negated ? clause[0]!.term : null;
    if (one?.field === "from" && out.user === undefined) {
      out.user = one.value;
      narrow = true;
    } else if (one?.field === "in" && out.channel === undefined) {
      out.channel = one.value;
      narrow = true;
    } else if (
      out.persons === undefined && clause.length > 0 &&
      clause.every((l) => !l.negated && l.term.field === "person")
    ) {
      out.persons = clause.map((l) => (l.term as { value: string }).value);
      narrow = true;
    }
  }
  // A kind or a time window alone keeps most of the log: a scan reads it faster.
  return narrow ? out : null;
}

/** Events of the log from byte `start` on that pass `keep`, in log order. */
async function scanEvents(
  dataDir: string,
  start: number,
  keep: (e: ChatEvent) => boolean,
  out: ChatEvent[],
): Promise<void> {
  let batches;
  try {
    batches = await openLineBatches(layout(dataDir).events, { start });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw wrapError(e, `read ${layout(dataDir).events}`);
  }
  let parse: EventParser | null = null;
  read: for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial) break read;
      if (!("text" in item)) continue;
      let v: unknown;
      try {
        v = JSON.parse(item.text);
      } catch {
        continue;
      }
      // Loaded at the first line: a log read to its end already (indexed) needs no schema.
      parse ??= await eventParser();
      const e = parse(v);
      if (e !== null && keep(e)) out.push(e);
    }
  }
}

/**
 * Events matching the query, newest first, ties by event id: `q.offset` skipped, then at most
 * `q.limit`, with the number of all matches. A query by person, login or channel reads the
 * event index (and scans only the part of the log not indexed yet); others scan the log.
 */
export async function searchEvents(dataDir: string, q: EventQuery): Promise<EventPage> {
  const out: ChatEvent[] = [];
  const narrowing = indexNarrowing(q);
  const logPath = layout(dataDir).events;
  const indexed = narrowing === null
    ? null
    : await readIndexed(dataDir, "events", (ix) => eventSpots(ix, narrowing));
  let start = 0;
  if (indexed !== null) {
    const found = await readEventsAt(logPath, indexed.value);
    if (found !== null) {
      for (const e of found) if (eventMatches(e, q)) out.push(e);
      start = indexed.offset;
    }
  }
  await scanEvents(dataDir, start, (e) => eventMatches(e, q), out);
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

/**
 * When each deleted message was deleted (the first CLEARMSG naming it), by message id: every
 * deleted message, or (`ids`) only those of these messages, found by the event index.
 */
export async function deletions(
  dataDir: string,
  ids?: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let start = 0;
  if (ids !== undefined) {
    if (ids.length === 0) return out;
    const indexed = await readIndexed(dataDir, "events", (ix) => indexedDeletions(ix, ids));
    if (indexed !== null) {
      for (const [id, d] of indexed.value) out.set(id, new Date(d.ts).toISOString());
      start = indexed.offset;
    }
  }
  let wanted: Set<string> | null = null;
  const tail: ChatEvent[] = [];
  await scanEvents(
    dataDir,
    start,
    (e) =>
      e.kind === "clearmsg" &&
      (ids === undefined || (wanted ??= new Set(ids)).has(e.target_message_id)),
    tail,
  );
  for (const e of tail) {
    if (e.kind === "clearmsg" && !out.has(e.target_message_id)) out.set(e.target_message_id, e.ts);
  }
  return out;
}
