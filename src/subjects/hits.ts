/**
 * Watchlist hits as recorded on messages at ingest (`hits` in `messages.jsonl`), read back for
 * `subjects hits` and the reports: one row per (message, subject, how), newest first, ties by
 * message id. The log is scanned (a cheap text test skips the great majority of lines, which
 * hold no hit); messages of opted-out users or channels are not served.
 *
 * @module
 */
import type { Hit, Message, Subject } from "../schemas.ts";
import { layout } from "../store/layout.ts";
import { readJsonLines } from "../line_reader.ts";
import { privacyFilter } from "../privacy/optout.ts";
import { DEFAULT_REGION, normalizeEmail } from "../normalize.ts";
import { normalizePhone } from "../phone.ts";

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
 * Reads every message of the log that `keep` accepts, skipping lines that do not contain
 * `needle` (a string every wanted line must hold verbatim) without parsing them.
 */
export async function scanMessages(
  dataDir: string,
  needle: string | null,
  keep: (m: Message) => void,
): Promise<void> {
  for await (const values of readJsonLines(layout(dataDir).messages, needle)) {
    for (const v of values) {
      const m = v as Message;
      if (typeof m !== "object" || m === null || typeof m.ts !== "string") continue;
      keep(m);
    }
  }
}

/** Reads hits from the log: newest first, at most `limit`, opted-out people left out. */
export async function readHits(dataDir: string, q: HitQuery = {}): Promise<HitRow[]> {
  const privacy = await privacyFilter(dataDir);
  const rows: HitRow[] = [];
  // A subject key needs no JSON escaping ([a-z0-9._+@%-]), so its hits hold it verbatim.
  const needle = q.subject !== undefined ? `"subject_key":"${q.subject}"` : '"hits":[';
  await scanMessages(dataDir, needle, (m) => {
    if (!privacy.allows(m.user_name, m.channel)) return;
    for (const r of hitRowsOf(m, q)) rows.push(r);
  });
  rows.sort(compareHitRows);
  return q.limit !== undefined ? rows.slice(0, q.limit) : rows;
}

/**
 * Finds a loaded subject by key, or else by value (`someuser`, `alice@example.com`, a phone in
 * E.164 or as people write it, normalized with `region`), or else by `type:value`. Returns
 * undefined when none matches.
 */
export function resolveSubject(
  subjects: readonly Subject[],
  ref: string,
  region = DEFAULT_REGION,
): Subject | undefined {
  const r = ref.trim();
  const byKey = subjects.find((s) => s.key === r);
  if (byKey) return byKey;
  const lower = r.toLowerCase().replace(/^@/, "");
  const byValue = subjects.filter((s) => s.value === lower || s.value === r);
  if (byValue.length === 1) return byValue[0];
  // A phone or email as written ("(202) 555-0123", "Alice@Example.com").
  for (const n of [normalizePhone(r, region), normalizeEmail(r)]) {
    if (!n.ok) continue;
    const hit = subjects.find((s) => s.value === n.value);
    if (hit) return hit;
  }
  const colon = r.indexOf(":");
  if (colon > 0) {
    const type = r.slice(0, colon).toLowerCase();
    const value = r.slice(colon + 1).trim().toLowerCase();
    return subjects.find((s) => s.type === type && s.value === value);
  }
  return undefined;
}
