/**
 * Messages in PostgreSQL: the idempotent append (unique `message_id`, `INSERT ... ON CONFLICT
 * DO NOTHING`, answering which staged ids were stored before, so the caller learns which
 * messages are new and folds only those into rollups) and `search messages` with exactly the
 * embedded store's semantics:
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
import { personKey } from "../../analysis/identity.ts";
import { sendNow, type Sql, type TxSql } from "./client.ts";
import { copyJson, copyLines, copyText } from "./copy.ts";

/** Which stored messages a search reads (needles already folded). */
export interface PgMessageFilter {
  user?: string;
  /** The author's login is one of these. */
  users?: readonly string[];
  channel?: string;
  sinceMs?: number;
  untilMs?: number;
  terms: readonly string[];
}

/** A page of a search over stored messages. */
export interface PgMessageQuery extends PgMessageFilter {
  limit: number;
  /** @default 0 */
  offset?: number;
}

/**
 * Copies `messages` (each id once) into the transaction's staging table; returns them, each id
 * once (its first occurrence), in the order given.
 */
async function stageMessages(tx: TxSql, messages: readonly Message[]): Promise<Message[]> {
  const byId = new Map<string, Message>();
  for (const m of messages) if (!byId.has(m.message_id)) byId.set(m.message_id, m);
  // Sent now and awaited after the COPY that follows it on the connection: no round trip of
  // its own (the server would idle while this thread builds the rows).
  const created = tx`
    CREATE TEMPORARY TABLE IF NOT EXISTS stage_messages (
      message_id text COLLATE "C", ts_ms bigint, user_name text COLLATE "C",
      channel text COLLATE "C", folded text COLLATE "C", record text, person text COLLATE "C",
      ts text COLLATE "C", display_name text COLLATE "C"
    ) ON COMMIT DELETE ROWS`.execute();
  created.catch(() => {});
  const unique = [...byId.values()];
  const lines: string[] = [];
  for (const m of unique) {
    // One row of the columns below, without an array per message (most values need no escape).
    const display = m.display_name === undefined ? "\\N" : copyText(m.display_name);
    lines.push(
      `${copyText(m.message_id)}\t${Date.parse(m.ts)}\t${copyText(m.user_name)}\t` +
        `${copyText(m.channel)}\t${copyText(fold(m.text))}\t${copyJson(JSON.stringify(m))}\t` +
        `${copyText(personKey(m))}\t${copyText(m.ts)}\t${display}`,
    );
  }
  await copyLines(tx, "stage_messages", STAGE_COLUMNS, lines);
  await created;
  return unique;
}

/** The columns of `stage_messages` a batch is copied into, in the order of its lines. */
const STAGE_COLUMNS = [
  "message_id",
  "ts_ms",
  "user_name",
  "channel",
  "folded",
  "record",
  "person",
  "ts",
  "display_name",
];

/** What {@link insertMessages} stored. */
export interface InsertResult {
  /** The messages not stored before, in the order given. */
  stored: Array<{ message: Message }>;
  /** The id of their `rollup_queue` row (with `queueAs`, when any was new). */
  queueId: string | null;
}

/** Options of {@link insertMessages}. */
export interface InsertOptions {
  /**
   * Queue the new messages for their person's and channel's rollups (one `rollup_queue` row,
   * inserted by the server in the same statement), owned by this writer id. Their persons'
   * login spans and display names are added by the compaction that folds them (schema 5).
   */
  queueAs?: string;
  /** Runs once the insert is sent, while the server works on it. */
  meanwhile?: () => void;
}

/**
 * What the insert statements answer: one row, the ids of the staged messages that were stored
 * before (usually none) and the queue row's id. Not a row per new message: the writer knows
 * what it staged, and 5,000 rows of ids and `seq`s per batch cost both processes CPU to send,
 * parse and match (the monitor's `seq`s were never used).
 */
type InsertAnswer = Array<{ dups: string[]; stored: number; queue_id: string | null }>;

/**
 * Inserts `messages` and returns those that were not stored yet, in the order given
 * (duplicates inside the batch count once). They are copied into a temporary staging table,
 * then moved with `INSERT ... SELECT ... ORDER BY message_id ON CONFLICT DO NOTHING`: sorted by
 * id, so that two writers lock the same keys in the same order and never deadlock on each
 * other. With `queueAs`, the same statement queues the new ones for their rollups (nothing more
 * is sent for them). Runs inside the caller's transaction.
 */
export async function insertMessages(
  tx: TxSql,
  messages: readonly Message[],
  options: InsertOptions = {},
): Promise<InsertResult> {
  const unique = await stageMessages(tx, messages);
  const insert = options.queueAs === undefined
    ? tx<InsertAnswer>`
      WITH ins AS (
        INSERT INTO messages (message_id, ts_ms, user_name, channel, folded, record)
        SELECT message_id, ts_ms, user_name, channel, folded, record FROM stage_messages
        ORDER BY message_id
        ON CONFLICT (message_id) DO NOTHING
        RETURNING message_id
      )
      ${answerOf(tx)}, NULL AS queue_id`
    : insertQueued(tx, options.queueAs);
  if (options.meanwhile !== undefined) {
    insert.execute();
    // Awaited below; a failure during the turn is not unhandled meanwhile.
    insert.catch(() => {});
    // The driver sends a query only a tick after `execute()`: let it go out (an event-loop
    // turn) before `meanwhile` takes this thread, or the server would wait for it.
    await sendNow();
    options.meanwhile();
  }
  const [answer] = await insert;
  const dups = new Set(answer?.dups ?? []);
  const stored = dups.size === 0 ? unique : unique.filter((m) => !dups.has(m.message_id));
  if (stored.length !== (answer?.stored ?? 0)) {
    // Every staged id is either inserted or a duplicate, in one statement's snapshot.
    throw new Error(
      `insert stored ${
        answer?.stored ?? 0
      } messages, expected ${stored.length} of ${unique.length}`,
    );
  }
  return { stored: stored.map((message) => ({ message })), queueId: answer?.queue_id ?? null };
}

/**
 * The answer of an insert statement whose CTE `ins` returned the ids it inserted: the staged
 * ids it did not insert (stored before) and how many it did.
 */
function answerOf(tx: TxSql) {
  // The anti-join runs only when some staged id was not inserted (an init plan is evaluated
  // where its value is first needed: not at all when the counts agree, as they mostly do).
  return tx`
    SELECT CASE WHEN (SELECT count(*) FROM ins) < (SELECT count(*) FROM stage_messages)
      THEN ARRAY(
        SELECT s.message_id FROM stage_messages s
        WHERE NOT EXISTS (SELECT 1 FROM ins i WHERE i.message_id = s.message_id)
      ) ELSE '{}'::text[] END AS dups,
      (SELECT count(*) FROM ins)::int AS stored`;
}

/**
 * The insert of the staged messages that also queues the new ones for their rollups (one
 * `rollup_queue` row owned by `owner`, with each message's login, time, id and display name),
 * in one statement. Their login spans and display names are not touched here: the compaction
 * that folds them adds them, once per person (`rollup_compact.ts`), and reads add those of
 * queued messages meanwhile (`persons.ts`), so appends of two writers never wait on each
 * other's span rows.
 */
function insertQueued(tx: TxSql, owner: string) {
  return tx<InsertAnswer>`
    WITH ins AS (
      INSERT INTO messages (message_id, ts_ms, user_name, channel, folded, record)
      SELECT message_id, ts_ms, user_name, channel, folded, record FROM stage_messages
      ORDER BY message_id
      ON CONFLICT (message_id) DO NOTHING
      RETURNING seq, message_id
    ), queued AS (
      INSERT INTO rollup_queue (owner, seqs, persons, channels, logins, tss, mids, displays)
      SELECT ${owner}::bigint, array_agg(i.seq), array_agg(s.person), array_agg(s.channel),
        array_agg(s.user_name), array_agg(s.ts), array_agg(s.message_id),
        array_agg(s.display_name)
      FROM ins i JOIN stage_messages s ON s.message_id = i.message_id
      HAVING count(*) > 0
      RETURNING id
    )
    ${answerOf(tx)}, (SELECT id::text FROM queued) AS queue_id`;
}

/** `needle` as a LIKE pattern matching it anywhere, literally. */
export function likeContains(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SQL conditions of `q` (everything but the page). */
function conditionsOf(sql: Sql | TxSql, q: PgMessageFilter) {
  const conds = [sql`TRUE`];
  if (q.user !== undefined) conds.push(sql`user_name = ${q.user}`);
  if (q.users !== undefined) conds.push(sql`user_name = ANY(${q.users as string[]}::text[])`);
  if (q.channel !== undefined) conds.push(sql`channel = ${q.channel}`);
  if (q.sinceMs !== undefined) conds.push(sql`ts_ms >= ${q.sinceMs}`);
  if (q.untilMs !== undefined) conds.push(sql`ts_ms < ${q.untilMs}`);
  for (const t of q.terms) {
    conds.push(
      [...t].length >= 3 ? sql`folded LIKE ${likeContains(t)}` : sql`strpos(folded, ${t}) > 0`,
    );
  }
  return conds;
}

/**
 * The messages matching `q`, newest first, ties by message_id: `q.offset` skipped, at most
 * `q.limit`.
 */
export async function searchMessages(sql: Sql, q: PgMessageQuery): Promise<Message[]> {
  const where = conditionsOf(sql, q).reduce((a, c) => sql`${a} AND ${c}`);
  const rows = await sql<Array<{ record: string }>>`
    SELECT record FROM messages WHERE ${where}
    ORDER BY ts_ms DESC, message_id ASC
    LIMIT ${q.limit} OFFSET ${q.offset ?? 0}`;
  return rows.map((r) => JSON.parse(r.record) as Message);
}

/**
 * Every message matching `q` (a prefilter the caller checks exactly), newest first, ties by
 * message_id, a batch at a time (keyset pages: each batch starts after the last one's end).
 */
export async function* candidateMessages(
  sql: Sql,
  q: PgMessageFilter,
  batch = 2_000,
): AsyncGenerator<Message[]> {
  let after: { ts: number; mid: string } | null = null;
  let size = Math.min(batch, 200);
  for (;;) {
    const conds = conditionsOf(sql, q);
    if (after !== null) {
      conds.push(
        sql`(ts_ms < ${after.ts} OR (ts_ms = ${after.ts} AND message_id > ${after.mid}))`,
      );
    }
    const where = conds.reduce((a, c) => sql`${a} AND ${c}`);
    const rows = await sql<Array<{ ms: number; message_id: string; record: string }>>`
      SELECT ts_ms::float8 AS ms, message_id, record FROM messages WHERE ${where}
      ORDER BY ts_ms DESC, message_id ASC
      LIMIT ${size}`;
    if (rows.length === 0) return;
    const messages = rows.map((r) => JSON.parse(r.record) as Message);
    const last = rows[rows.length - 1]!;
    after = { ts: Number(last.ms), mid: last.message_id };
    yield messages;
    if (rows.length < size) return;
    size = Math.min(size * 4, batch);
  }
}

/** Every stored message of a user, of any of some logins, or of a channel, in insertion order (for rollup rebuilds). */
export async function* messagesOf(
  sql: Sql | TxSql,
  where: { user?: string; logins?: readonly string[]; channel?: string },
  batch = 10_000,
): AsyncGenerator<Message[]> {
  let after = 0;
  for (;;) {
    const cond = where.user !== undefined
      ? sql`user_name = ${where.user}`
      : where.logins !== undefined
      ? sql`user_name = ANY(${where.logins as string[]}::text[])`
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

/**
 * How many messages match `q` (every match, not only a page). With `budgetMs`, counted in
 * passes of 1k, 10k, ... rows (as the embedded index counts) under a `statement_timeout` of the
 * budget: when it runs out, the last whole pass's count, a lower bound (`exact` false).
 */
export async function countMessages(
  sql: Sql,
  q: PgMessageFilter,
  budgetMs?: number,
): Promise<{ count: number; exact: boolean }> {
  if (budgetMs === undefined) {
    const where = conditionsOf(sql, q).reduce((a, c) => sql`${a} AND ${c}`);
    const [row] = await sql<Array<{ n: string }>>`
      SELECT count(*)::text AS n FROM messages WHERE ${where}`;
    return { count: Number(row?.n ?? 0), exact: true };
  }
  let best = 0;
  try {
    return await sql.begin(async (tx) => {
      await tx.unsafe(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(budgetMs))}`);
      const where = conditionsOf(tx, q).reduce((a, c) => tx`${a} AND ${c}`);
      for (let cap = 1000;; cap *= 10) {
        const [row] = await tx<Array<{ n: string }>>`
          SELECT count(*)::text AS n FROM (SELECT 1 FROM messages WHERE ${where} LIMIT ${cap}) x`;
        best = Number(row?.n ?? 0);
        if (best < cap) return { count: best, exact: true };
      }
    }) as { count: number; exact: boolean };
  } catch (e) {
    // query_canceled: the budget ran out.
    if ((e as { code?: unknown }).code === "57014") return { count: best, exact: false };
    throw e;
  }
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
