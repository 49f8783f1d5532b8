/**
 * Watchlist hits as recorded on messages at ingest (`hits` on each message), read back for
 * `subjects hits` and the reports: one row per (message, subject, how), newest first, ties by
 * message id; and the messages that concern a subject. Messages of opted-out users or channels
 * are not served.
 *
 * @module
 */
import type { Hit, Message } from "../schemas.ts";
import type { AboutQuery, Store } from "../store/store.ts";
import { type PrivacyFilter, privacyFilter } from "./privacy_filter.ts";

/** One watchlist hit with its message. */
export interface HitRow {
  subject_key: string;
  how: Hit["how"];
  ts: string;
  channel: string;
  message_id: string;
  user_name: string;
  text: string;
}

/** Which hits to read. */
export interface HitQuery {
  /** Only hits of this subject key. @default all */
  subject?: string;
  /** Only hits at or after this UTC timestamp (stored form). @default all */
  since?: string;
  /** At most this many rows, newest first. @default all */
  limit?: number;
}

/** Newest first, ties by message id, then subject key and `how` (a total order). */
export function compareHitRows(a: HitRow, b: HitRow): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? 1 : -1;
  if (a.message_id !== b.message_id) return a.message_id < b.message_id ? -1 : 1;
  if (a.subject_key !== b.subject_key) return a.subject_key < b.subject_key ? -1 : 1;
  return a.how < b.how ? -1 : a.how > b.how ? 1 : 0;
}

/** The hit rows of one message that pass the query (pure). */
export function hitRowsOf(m: Message, q: HitQuery = {}): HitRow[] {
  if (!m.hits || m.hits.length === 0) return [];
  if (q.since !== undefined && m.ts < q.since) return [];
  const out: HitRow[] = [];
  for (const h of m.hits) {
    if (q.subject !== undefined && h.subject_key !== q.subject) continue;
    out.push({
      subject_key: h.subject_key,
      how: h.how,
      ts: m.ts,
      channel: m.channel,
      message_id: m.message_id,
      user_name: m.user_name,
      text: m.text,
    });
  }
  return out;
}

/**
 * The messages that concern a subject (its watchlist hits, and with `user` their own messages
 * and signals naming them), in storage order, opted-out users and channels left out.
 */
export async function* messagesAbout(
  store: Store,
  q: AboutQuery,
  options: { privacy?: PrivacyFilter } = {},
): AsyncGenerator<Message> {
  const privacy = options.privacy ?? await privacyFilter(store);
  for await (const m of store.messagesAbout(q)) {
    if (privacy.allows(m.user_name, m.channel)) yield m;
  }
}

/**
 * Reads hits: newest first, at most `limit`, opted-out people left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Message } from "../schemas.ts";
 * import { openStore } from "../store/store.ts";
 * import { readHits } from "./hits.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const said = (id: string, ts: string, user: string): Message => ({
 *   ts: `2025-09-02T12:00:0${ts}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text: "ann@example.com is here",
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 *   hits: [{ subject_key: "email-ann", how: "text" }],
 * });
 * await store.appendMessages([said("m1", "1", "bob"), said("m2", "2", "cat")]);
 * await store.appendMessages([said("m3", "3", "dan")]);
 * await store.writeOptOut({ version: 1, optout: { users: ["cat"], channels: [] } });
 * const rows = await readHits(store, { subject: "email-ann" });
 * assert.deepEqual(rows.map((r) => [r.message_id, r.user_name, r.how]), [
 *   ["m3", "dan", "text"],
 *   ["m1", "bob", "text"],
 * ]);
 * const since = await readHits(store, { since: "2025-09-02T12:00:02.000Z", limit: 5 });
 * assert.deepEqual(since.map((r) => r.message_id), ["m3"]);
 * assert.deepEqual(await readHits(store, { subject: "other" }), []);
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export async function readHits(store: Store, q: HitQuery = {}): Promise<HitRow[]> {
  const rows: HitRow[] = [];
  const about = q.subject !== undefined ? { subjectKey: q.subject } : {};
  for await (const m of messagesAbout(store, about)) {
    for (const r of hitRowsOf(m, q)) rows.push(r);
  }
  rows.sort(compareHitRows);
  return q.limit !== undefined ? rows.slice(0, q.limit) : rows;
}
