/**
 * Messages in PostgreSQL: the idempotent append (unique `message_id`, `INSERT ... ON CONFLICT
 * DO NOTHING RETURNING`, so the caller learns which messages are new and folds only those into
 * rollups) and `search messages` with exactly the embedded store's semantics:
 *
 * - user / channel equality, `sinceMs` inclusive, `untilMs` exclusive on the epoch-ms `ts`;
 * - every needle a literal substring of `fold(text)` (the folded text is stored; the needles
 *   arrive folded). Needles of 3+ characters use `LIKE '%needle%'` with `\`, `%` and `_`
 *   escaped, which the `pg_trgm` GIN index narrows and PostgreSQL then checks exactly; shorter
 *   ones use `strpos` (a trigram index cannot narrow them, and would scan itself whole);
 * - newest first, ties by `message_id` ascending (`COLLATE "C"`: byte order, which for the
 *   ASCII ids of chat is the embedded store's code unit order); at most `limit`.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { fold } from "../../normalize.ts";
import type { Sql, TxSql } from "./client.ts";

/** A search over stored messages (needles already folded). */
export interface PgMessageQuery {
  user?: string;
  channel?: string;
  sinceMs?: number;
  untilMs?: number;
  terms: readonly string[];
  limit: number;
}

/** Rows per INSERT statement (arrays bound as parameters: one round trip per chunk). */
const INSERT_CHUNK = 5000;

/**
 * Inserts `messages` (sorted by id, so that two writers lock the same keys in the same order
 * and never deadlock on each other) and returns those that were not stored yet, in the order
 * given. Duplicates inside the batch count once. Runs inside the caller's transaction.
 */
export async function insertMessages(tx: TxSql, messages: readonly Message[]): Promise<Message[]> {
  const byId = new Map<string, Message>();
  for (const m of messages) if (!byId.has(m.message_id)) byId.set(m.message_id, m);
  const ids = [...byId.keys()].sort();
  const fresh = new Set<string>();
  for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
    const chunk = ids.slice(i, i + INSERT_CHUNK).map((id) => byId.get(id)!);
    const rows = await tx<Array<{ message_id: string }>>`
      INSERT INTO messages (message_id, ts_ms, user_name, channel, folded, record)
      SELECT * FROM unnest(
        ${chunk.map((m) => m.message_id)}::text[],
        ${chunk.map((m) => Date.parse(m.ts))}::int8[],
        ${chunk.map((m) => m.user_name)}::text[],
        ${chunk.map((m) => m.channel)}::text[],
        ${chunk.map((m) => fold(m.text))}::text[],
        ${chunk.map((m) => JSON.stringify(m))}::text[]
      )
      ON CONFLICT (message_id) DO NOTHING
      RETURNING message_id`;
    for (const r of rows) fresh.add(r.message_id);
  }
  const out: Message[] = [];
  for (const m of messages) {
    if (fresh.delete(m.message_id)) out.push(m);
  }
  return out;
}

/** `needle` as a LIKE pattern matching it anywhere, literally. */
export function likeContains(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The messages matching `q`, newest first, ties by message_id; at most `q.limit`. */
export async function searchMessages(sql: Sql, q: PgMessageQuery): Promise<Message[]> {
  const conds = [sql`TRUE`];
  if (q.user !== undefined) conds.push(sql`user_name = ${q.user}`);
  if (q.channel !== undefined) conds.push(sql`channel = ${q.channel}`);
  if (q.sinceMs !== undefined) conds.push(sql`ts_ms >= ${q.sinceMs}`);
  if (q.untilMs !== undefined) conds.push(sql`ts_ms < ${q.untilMs}`);
  for (const t of q.terms) {
    conds.push(
      [...t].length >= 3 ? sql`folded LIKE ${likeContains(t)}` : sql`strpos(folded, ${t}) > 0`,
    );
  }
  const where = conds.reduce((a, c) => sql`${a} AND ${c}`);
  const rows = await sql<Array<{ record: string }>>`
    SELECT record FROM messages WHERE ${where}
    ORDER BY ts_ms DESC, message_id ASC
    LIMIT ${q.limit}`;
  return rows.map((r) => JSON.parse(r.record) as Message);
}

/** Every stored message of a user or channel, in insertion order (for rollup rebuilds). */
export async function* messagesOf(
  sql: Sql | TxSql,
  where: { user?: string; channel?: string },
  batch = 10_000,
): AsyncGenerator<Message[]> {
  let after = 0;
  for (;;) {
    const cond = where.user !== undefined
      ? sql`user_name = ${where.user}`
      : where.channel !== undefined
      ? sql`channel = ${where.channel}`
      : sql`TRUE`;
    const rows = await sql<Array<{ seq: string; record: string }>>`
      SELECT seq, record FROM messages WHERE ${cond} AND seq > ${after}
      ORDER BY seq LIMIT ${batch}`;
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.seq);
    yield rows.map((r) => JSON.parse(r.record) as Message);
    if (rows.length < batch) return;
  }
}

/** Every match of `q` (not only a page), leaving out excluded users and channels. */
export async function countMessages(
  sql: Sql,
  q: PgMessageQuery,
  exclude: { users: readonly string[]; channels: readonly string[] },
): Promise<number> {
  const conds = [sql`TRUE`];
  if (q.user !== undefined) conds.push(sql`user_name = ${q.user}`);
  if (q.channel !== undefined) conds.push(sql`channel = ${q.channel}`);
  if (q.sinceMs !== undefined) conds.push(sql`ts_ms >= ${q.sinceMs}`);
  if (q.untilMs !== undefined) conds.push(sql`ts_ms < ${q.untilMs}`);
  for (const t of q.terms) {
    conds.push(
      [...t].length >= 3 ? sql`folded LIKE ${likeContains(t)}` : sql`strpos(folded, ${t}) > 0`,
    );
  }
  if (exclude.users.length > 0) {
    conds.push(sql`NOT (user_name = ANY(${exclude.users as string[]}::text[]))`);
  }
  if (exclude.channels.length > 0) {
    conds.push(sql`NOT (channel = ANY(${exclude.channels as string[]}::text[]))`);
  }
  const where = conds.reduce((a, c) => sql`${a} AND ${c}`);
  const [row] = await sql<Array<{ n: string }>>`
    SELECT count(*)::text AS n FROM messages WHERE ${where}`;
  return Number(row?.n ?? 0);
}

/**
 * Messages whose stored JSON contains one of `needles` (or written by `alsoUser`): a cheap
 * superset the caller checks exactly, in storage order, a batch at a time.
 */
export async function* messagesContaining(
  sql: Sql,
  needles: readonly string[],
  alsoUser?: string,
  batch = 5_000,
): AsyncGenerator<Message[]> {
  let after = 0;
  const pats = needles.map(likeContains);
  for (;;) {
    const cond = alsoUser !== undefined
      ? sql`(user_name = ${alsoUser} OR record LIKE ANY(${pats}::text[]))`
      : sql`record LIKE ANY(${pats}::text[])`;
    const rows = await sql<Array<{ seq: string; record: string }>>`
      SELECT seq, record FROM messages WHERE ${cond} AND seq > ${after}
      ORDER BY seq LIMIT ${batch}`;
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.seq);
    yield rows.map((r) => JSON.parse(r.record) as Message);
    if (rows.length < batch) return;
  }
}
