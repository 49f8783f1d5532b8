/**
 * Chat events in PostgreSQL (USERNOTICE, CLEARMSG, ...): the idempotent append (unique
 * `event_id`) and `search events` with the embedded semantics: kind, user or channel,
 * `sinceMs`/`untilMs` on the event's time, needles as literal substrings of the folded event
 * text (a usernotice's system text and text; a clearmsg's text; nothing for others), newest
 * first by `ts`, ties by `event_id`.
 *
 * @module
 */
import type { ChatEvent } from "../../schemas.ts";
import { fold } from "../../normalize.ts";
import type { Sql, TxSql } from "./client.ts";
import { likeContains } from "./messages.ts";

/** The text `--contains` matches in an event (as `src/events.ts` defines it). */
function eventText(e: ChatEvent): string {
  return e.kind === "usernotice"
    ? `${e.system_text} ${e.text}`
    : e.kind === "clearmsg"
    ? e.text
    : "";
}

/** Inserts events; returns those not stored yet, in the order given. */
export async function insertEvents(tx: TxSql, events: readonly ChatEvent[]): Promise<ChatEvent[]> {
  const byId = new Map<string, ChatEvent>();
  for (const e of events) if (!byId.has(e.event_id)) byId.set(e.event_id, e);
  if (byId.size === 0) return [];
  const list = [...byId.keys()].sort().map((id) => byId.get(id)!);
  const rows = await tx<Array<{ event_id: string }>>`
    INSERT INTO events (event_id, ts, ts_ms, kind, user_name, channel, target_message_id,
      folded, record)
    SELECT * FROM unnest(
      ${list.map((e) => e.event_id)}::text[],
      ${list.map((e) => e.ts)}::text[],
      ${list.map((e) => Date.parse(e.ts))}::int8[],
      ${list.map((e) => e.kind)}::text[],
      ${list.map((e) => ("user_name" in e ? e.user_name : null))}::text[],
      ${list.map((e) => e.channel)}::text[],
      ${list.map((e) => (e.kind === "clearmsg" ? e.target_message_id : null))}::text[],
      ${list.map((e) => fold(eventText(e)))}::text[],
      ${list.map((e) => JSON.stringify(e))}::text[]
    )
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id`;
  const fresh = new Set(rows.map((r) => r.event_id));
  return events.filter((e) => fresh.delete(e.event_id));
}

/** An event search (needles folded). */
export interface PgEventQuery {
  kind?: ChatEvent["kind"];
  user?: string;
  channel?: string;
  sinceMs?: number;
  untilMs?: number;
  terms: readonly string[];
  limit: number;
}

/** The events matching `q`, newest first, ties by event_id; at most `q.limit`. */
export async function searchEvents(sql: Sql, q: PgEventQuery): Promise<ChatEvent[]> {
  const conds = [sql`TRUE`];
  if (q.kind !== undefined) conds.push(sql`kind = ${q.kind}`);
  if (q.user !== undefined) conds.push(sql`user_name = ${q.user}`);
  if (q.channel !== undefined) conds.push(sql`channel = ${q.channel}`);
  if (q.sinceMs !== undefined) conds.push(sql`ts_ms >= ${q.sinceMs}`);
  if (q.untilMs !== undefined) conds.push(sql`ts_ms < ${q.untilMs}`);
  for (const t of q.terms) conds.push(sql`folded LIKE ${likeContains(t)}`);
  const where = conds.reduce((a, c) => sql`${a} AND ${c}`);
  const rows = await sql<Array<{ record: string }>>`
    SELECT record FROM events WHERE ${where} ORDER BY ts DESC, event_id ASC LIMIT ${q.limit}`;
  return rows.map((r) => JSON.parse(r.record) as ChatEvent);
}

/**
 * Deleted messages: message_id -> the time of the first CLEARMSG naming it (first stored, as
 * the embedded store takes the first in its log).
 */
export async function deletions(sql: Sql, ids?: readonly string[]): Promise<Map<string, string>> {
  const rows = ids === undefined
    ? await sql<Array<{ target_message_id: string; ts: string }>>`
      SELECT DISTINCT ON (target_message_id) target_message_id, ts FROM events
      WHERE target_message_id IS NOT NULL ORDER BY target_message_id, seq`
    : await sql<Array<{ target_message_id: string; ts: string }>>`
      SELECT DISTINCT ON (target_message_id) target_message_id, ts FROM events
      WHERE target_message_id = ANY(${ids as string[]}::text[]) ORDER BY target_message_id, seq`;
  return new Map(rows.map((r) => [r.target_message_id, r.ts]));
}
