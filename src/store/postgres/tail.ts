/**
 * Following the messages table as monitors insert into it (the PostgreSQL store's
 * `messagesSince`, behind `serve`'s live stream).
 *
 * `seq` (a sequence) orders rows by when they were inserted, not by when they were committed:
 * a writer may commit seq 41 after another writer's 42 became visible, and every insert that
 * loses to `ON CONFLICT DO NOTHING` (two monitors storing the same message) burns a number for
 * good. So the cursor keeps, besides the highest seq handed out, the gaps below it: numbers not
 * seen yet, asked for again on every call until they appear or {@link GAP_TTL_MS} has passed
 * (a burned number never appears; a transaction holding one longer than that is not waited
 * for: search still finds its messages, the live stream does not show them).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { advanceTail } from "./tail.ts";
 * // 41 is not visible yet when 42 is: it stays a gap until it appears.
 * const a = advanceTail({ after: 40, gaps: [] }, [42], 0);
 * deepStrictEqual(a, { after: 42, gaps: [{ from: 41, to: 41, since: 0 }] });
 * deepStrictEqual(advanceTail(a, [41], 10), { after: 42, gaps: [] });
 * ```
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import type { MessageCursor, NewMessages } from "../store.ts";
import { guarded, type PgPool } from "./client.ts";

/** How long a gap in the sequence is watched for a late commit, ms. */
export const GAP_TTL_MS = 120_000;
/** Most gaps watched at once (the oldest are let go first). */
export const MAX_GAPS = 2_000;
/** How far below the highest seq the first cursor looks for numbers not committed yet. */
export const START_LOOKBACK = 1_000;
/** Rows handed out per call at most. */
export const TAIL_BATCH = 2_000;

/** A run of sequence numbers not seen yet, since when (epoch ms). */
export interface TailGap {
  from: number;
  to: number;
  since: number;
}

/** Where a follower of the messages table stands. */
export interface TailState {
  /** Every seq above this is unseen. */
  after: number;
  /** Unseen numbers at or below `after`, ascending. */
  gaps: TailGap[];
}

/** The state after seeing `seqs` (ascending) at time `now`. */
export function advanceTail(state: TailState, seqs: readonly number[], now: number): TailState {
  let after = state.after;
  let gaps = state.gaps.map((g) => ({ ...g }));
  for (const s of seqs) {
    if (s > after) {
      if (s > after + 1) gaps.push({ from: after + 1, to: s - 1, since: now });
      after = s;
      continue;
    }
    const i = gaps.findIndex((g) => g.from <= s && s <= g.to);
    if (i < 0) continue;
    const g = gaps[i]!;
    const parts: TailGap[] = [];
    if (g.from < s) parts.push({ from: g.from, to: s - 1, since: g.since });
    if (s < g.to) parts.push({ from: s + 1, to: g.to, since: g.since });
    gaps.splice(i, 1, ...parts);
  }
  gaps = gaps.filter((g) => now - g.since < GAP_TTL_MS);
  if (gaps.length > MAX_GAPS) {
    const keep = new Set(
      [...gaps].sort((a, b) => b.since - a.since || b.from - a.from).slice(0, MAX_GAPS),
    );
    gaps = gaps.filter((g) => keep.has(g));
  }
  return { after, gaps };
}

function encode(s: TailState): MessageCursor {
  return `pg:${JSON.stringify([s.after, s.gaps.map((g) => [g.from, g.to, g.since])])}`;
}

function decode(cursor: MessageCursor): TailState | null {
  if (!cursor.startsWith("pg:")) return null;
  try {
    const [after, gaps] = JSON.parse(cursor.slice(3)) as [number, [number, number, number][]];
    if (!Number.isSafeInteger(after) || !Array.isArray(gaps)) return null;
    return { after, gaps: gaps.map(([from, to, since]) => ({ from, to, since })) };
  } catch {
    return null;
  }
}

/** The first cursor: the highest seq now, with the numbers below it not committed yet. */
async function start(pool: PgPool, now: number): Promise<TailState> {
  return await guarded(pool, "follow messages", async (sql) => {
    const [top] = await sql<Array<{ top: number }>>`
      SELECT coalesce(max(seq), 0)::float8 AS top FROM messages`;
    const after = Number(top?.top ?? 0);
    const floor = Math.max(0, after - START_LOOKBACK);
    const rows = await sql<Array<{ seq: number }>>`
      SELECT seq::float8 AS seq FROM messages WHERE seq > ${floor} ORDER BY seq`;
    return advanceTail({ after: floor, gaps: [] }, rows.map((r) => Number(r.seq)), now);
  });
}

/**
 * The messages inserted after `cursor` (see {@link Store.messagesSince}), in seq order, and
 * the next cursor.
 */
export async function pgMessagesSince(
  pool: PgPool,
  cursor: MessageCursor | null,
  now: number = Date.now(),
): Promise<NewMessages> {
  const state = cursor === null ? null : decode(cursor);
  if (state === null) return { messages: [], cursor: encode(await start(pool, now)) };
  const rows = await guarded(
    pool,
    "follow messages",
    (sql) =>
      sql<Array<{ seq: number; record: string }>>`
      SELECT seq::float8 AS seq, record FROM (
        (SELECT seq, record FROM messages WHERE seq > ${state.after}
          ORDER BY seq LIMIT ${TAIL_BATCH})
        UNION ALL
        (SELECT m.seq, m.record
          FROM unnest(${state.gaps.map((g) => g.from)}::int8[],
                      ${state.gaps.map((g) => g.to)}::int8[]) AS g(lo, hi)
          JOIN messages m ON m.seq BETWEEN g.lo AND g.hi)
      ) t
      ORDER BY seq LIMIT ${TAIL_BATCH}`,
  );
  const messages: Message[] = [];
  for (const r of rows) messages.push(JSON.parse(r.record) as Message);
  const next = advanceTail(state, rows.map((r) => Number(r.seq)), now);
  return { messages, cursor: encode(next) };
}
