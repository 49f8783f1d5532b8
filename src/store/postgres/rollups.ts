/**
 * Rollups in PostgreSQL: the state of each person (`#<user_id>`, or the login of a person
 * without id, as `src/analysis/identity.ts` keys them) and of each channel, as the encoded
 * states of `src/analysis/rollups.ts` (the very functions the embedded store uses, so the
 * profile JSON is byte for byte the same).
 *
 * - An append queues its new messages (stored once, see `messages.ts`) for the rollups of their
 *   person and channel (one `rollup_queue` row per append, tagged with the writer's id, with
 *   each message's time and display name), in the statement that stores them. No rollup or
 *   span row is touched, so two monitors appending at once never wait for each other on a hot
 *   user, and no update can be lost.
 * - A compaction (`rollup_compact.ts`) folds queued messages into `rollups`, adds their login
 *   spans and display names to `person_logins` / `person_display` (commutative updates: sums,
 *   min and max, in key order; {@link upsertSpans}) and deletes their queue rows, in one
 *   commit; reads of the spans add those of the queued messages meanwhile (`persons.ts`).
 *   A rollup is stored in parts (rows of one kind and name, each
 *   the state of a disjoint set of its messages, schema 4): a compaction adds a part and merges
 *   old parts only when it can lock them, so compactions never wait for each other. A read
 *   ({@link readStates}) merges a rollup's parts and folds its queued messages in on the fly.
 *   Every aggregate is a function of the set of messages, so every way gives the same state.
 * - Recomputing rollups from the stored messages (after a forget), rebuilding the persons and
 *   deleting rollups are `rollup_recompute.ts`.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import {
  type ChannelState,
  decodeChannelState,
  decodeUserState,
  encodeChannelState,
  encodeUserState,
  facetsOf,
  foldChannel,
  foldUser,
  newChannelState,
  newUserState,
  type UserState,
} from "../../analysis/rollups.ts";
import { type LoginSpan, personKey } from "../../analysis/identity.ts";
import type { Fragment, Sql, TxSql } from "./client.ts";
import { copyRows } from "./copy.ts";
import { mergeStates } from "./rollup_merge.ts";

/** `kind` of a user (person) / a channel. */
export const USER_KIND = 0;
export const CHANNEL_KIND = 1;

/** The persons and channels whose rollups changed. */
export interface Touched {
  users: Set<string>;
  channels: Set<string>;
}

/** A user or channel rollup state. */
export type AnyState = UserState | ChannelState;

const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;

/**
 * The persons and channels whose rollups new messages change (their queue row, login spans and
 * display names are written by the statement that stores them, see `insertMessages`).
 */
export function touchedBy(stored: ReadonlyArray<{ message: Message }>): Touched {
  const touched: Touched = { users: new Set(), channels: new Set() };
  for (const { message: m } of stored) {
    touched.users.add(personKey(m));
    touched.channels.add(m.channel);
  }
  return touched;
}

/**
 * The one definition of how login spans merge into `person_logins` (the `ON CONFLICT` clause of
 * an insert of `(person, login, first_seen, last_seen, last_mid, count)` rows): counts summed,
 * the earliest first time, the latest last time with the smallest message id of that time (as
 * `src/analysis/identity.ts` keeps spans). Commutative, so two writers lose no update.
 * (`migrations/down/005_spans_at_compaction.sql` spells it out once more: SQL files take no
 * fragments.)
 */
export function mergeSpans(sql: Sql | TxSql): Fragment {
  return sql`
    ON CONFLICT (person, login) DO UPDATE SET
      count = p.count + excluded.count,
      first_seen = LEAST(p.first_seen, excluded.first_seen),
      last_seen = CASE WHEN (excluded.last_seen, p.last_mid) > (p.last_seen, excluded.last_mid)
        THEN excluded.last_seen ELSE p.last_seen END,
      last_mid = CASE WHEN (excluded.last_seen, p.last_mid) > (p.last_seen, excluded.last_mid)
        THEN excluded.last_mid ELSE p.last_mid END`;
}

/** Adds login spans and display names (sums, min, max), in key order. */
export async function upsertSpans(
  tx: TxSql,
  spanList: readonly LoginSpan[],
  displayList: ReadonlyArray<readonly [string, string]>,
): Promise<void> {
  const spans = [...spanList].sort((a, b) => cmp(a.person, b.person) || cmp(a.login, b.login));
  if (spans.length > 0) {
    await tx`
      CREATE TEMPORARY TABLE IF NOT EXISTS stage_logins (
        person text COLLATE "C", login text COLLATE "C", first_seen text COLLATE "C",
        last_seen text COLLATE "C", last_mid text COLLATE "C", count bigint
      ) ON COMMIT DELETE ROWS`;
    await copyRows(
      tx,
      "stage_logins",
      ["person", "login", "first_seen", "last_seen", "last_mid", "count"],
      spans.map((s) => [s.person, s.login, s.first_seen, s.last_seen, s.last_mid ?? "", s.count]),
    );
    // Rows in key order: two writers lock the same rows in the same order (no deadlock).
    await tx`
      INSERT INTO person_logins AS p (person, login, first_seen, last_seen, last_mid, count)
      SELECT person, login, first_seen, last_seen, last_mid, count FROM stage_logins
      ORDER BY person, login
      ${mergeSpans(tx)}`;
  }
  const display = [...displayList].sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  if (display.length > 0) {
    await tx`
      INSERT INTO person_display (person, name)
      SELECT person, name FROM unnest(${display.map((d) => d[0])}::text[], ${
      display.map((d) => d[1])
    }::text[])
        WITH ORDINALITY AS t(person, name, o)
      ORDER BY o
      ON CONFLICT DO NOTHING`;
  }
}

/** The queue's column of the rollups of `kind`: persons or channels. */
function queueColumn(sql: Sql | TxSql, kind: number) {
  return kind === USER_KIND ? sql`q.persons` : sql`q.channels`;
}

/**
 * Takes some persons or channels (all persons: `null`) out of the rollup queue: their entries
 * become NULL, so no compaction or read folds those messages into them again (a recomputation
 * replaced their rollups and spans from the stored messages, or they were deleted); a person's
 * login, time, message id and display name beside each entry too (a forgotten person's must
 * leave no trace). Inside
 * the caller's transaction, holding {@link lockRollups}. Returns the names that had queued
 * messages.
 */
export async function unqueue(
  tx: TxSql,
  kind: number,
  names: readonly string[] | null,
): Promise<string[]> {
  const col = tx(kind === USER_KIND ? "persons" : "channels");
  // A person's login, time, id and display name beside each entry (schema 5) go with it.
  const beside = kind === USER_KIND ? ["logins", "tss", "mids", "displays"] : [];
  if (names === null) {
    const clear = beside.map((c) =>
      tx`, ${tx(c)} = CASE WHEN ${tx(c)} IS NULL THEN NULL
        ELSE array_fill(NULL::text, ARRAY[cardinality(seqs)]) END`
    );
    await tx`
      UPDATE rollup_queue SET ${col} = array_fill(NULL::text, ARRAY[cardinality(seqs)])
      ${clear.reduce((a, c) => tx`${a}${c}`, tx``)}`;
    return [];
  }
  if (names.length === 0) return [];
  const list = names as string[];
  const had = await tx<Array<{ name: string }>>`
    SELECT DISTINCT n AS name FROM rollup_queue CROSS JOIN LATERAL unnest(${col}) AS n
    WHERE ${col} && ${list}::text[] AND n = ANY(${list}::text[])`;
  if (had.length === 0) return [];
  // Every SET expression reads the row as it was (q.persons before this update).
  const clear = beside.map((c) =>
    tx`, ${tx(c)} = CASE WHEN q.${tx(c)} IS NULL THEN NULL ELSE (
      SELECT array_agg(CASE WHEN n = ANY(${list}::text[]) THEN NULL ELSE d END ORDER BY o)
      FROM unnest(q.persons, q.${tx(c)}) WITH ORDINALITY AS t(n, d, o)) END`
  );
  await tx`
    UPDATE rollup_queue q SET ${col} = (
      SELECT array_agg(CASE WHEN n = ANY(${list}::text[]) THEN NULL ELSE n END ORDER BY o)
      FROM unnest(q.${col}) WITH ORDINALITY AS t(n, o))
    ${clear.reduce((a, c) => tx`${a}${c}`, tx``)}
    WHERE q.${col} && ${list}::text[]`;
  return had.map((r) => r.name);
}

/** A rollup state of `kind` from its stored text. */
export function decode(kind: number, text: string): AnyState {
  return kind === USER_KIND ? decodeUserState(text) : decodeChannelState(text);
}

/** The stored text of a rollup state of `kind`. */
export function encode(kind: number, s: AnyState): string {
  return kind === USER_KIND
    ? encodeUserState(s as UserState)
    : encodeChannelState(s as ChannelState);
}

/**
 * Locks the rollups against compactions and other recomputations (not appends): a
 * recomputation replaces every part of a rollup and its queued messages at once.
 */
export async function lockRollups(tx: TxSql): Promise<void> {
  await tx`LOCK TABLE rollups IN SHARE ROW EXCLUSIVE MODE`;
}

/** Folds one queued message into the state of `name` in `base` (a new state when it has none). */
export function foldQueued(
  base: Map<string, AnyState>,
  kind: number,
  name: string,
  m: Message,
  f: ReturnType<typeof facetsOf>,
): void {
  let s = base.get(name);
  if (s === undefined) {
    base.set(name, s = kind === USER_KIND ? newUserState(name) : newChannelState(name));
  }
  if (kind === USER_KIND) foldUser(s as UserState, m, f);
  else foldChannel(s as ChannelState, m, f);
}

/**
 * The current states of some persons or channels (the rollup with its queued messages folded
 * in); names with neither are left out.
 */
export async function readStates(
  sql: Sql | TxSql,
  kind: "user" | "channel",
  names: readonly string[],
): Promise<Map<string, AnyState>> {
  const k = kind === "user" ? USER_KIND : CHANNEL_KIND;
  const out = new Map<string, AnyState>();
  if (names.length === 0) return out;
  const list = names as string[];
  // One statement, one snapshot: a compaction in between can neither hide nor double a message.
  const rows = await sql<Array<{ d: number; name: string; t: string }>>`
    SELECT 0 AS d, name, state AS t, part FROM rollups
    WHERE kind = ${k} AND name = ANY(${list}::text[]) AND state IS NOT NULL
    UNION ALL
    SELECT 1 AS d, u.name, m.record AS t, 0 AS part
    FROM rollup_queue q
      CROSS JOIN LATERAL unnest(q.seqs, ${queueColumn(sql, k)}) AS u(seq, name)
      JOIN messages m ON m.seq = u.seq
    WHERE u.name = ANY(${list}::text[])
    ORDER BY d, part`;
  // A rollup's parts hold disjoint sets of its messages: merged, the state of all of them.
  const parts = new Map<string, AnyState[]>();
  for (const r of rows) {
    if (r.d !== 0) continue;
    const had = parts.get(r.name);
    if (had === undefined) parts.set(r.name, [decode(k, r.t)]);
    else had.push(decode(k, r.t));
  }
  for (const [name, states] of parts) out.set(name, mergeStates(states));
  for (const r of rows) {
    if (r.d !== 1) continue;
    const m = JSON.parse(r.t) as Message;
    foldQueued(out, k, r.name, m, facetsOf(m));
  }
  return out;
}

/** Channels with a rollup, sorted (code unit order). */
export async function listChannels(sql: Sql): Promise<string[]> {
  const rows = await sql<Array<{ name: string }>>`
    SELECT name FROM rollups WHERE kind = ${CHANNEL_KIND} AND state IS NOT NULL
    UNION SELECT DISTINCT c FROM rollup_queue CROSS JOIN LATERAL unnest(channels) AS c
      WHERE c IS NOT NULL
    ORDER BY name`;
  return rows.map((r) => r.name);
}

/** How many persons and channels have a rollup. */
export async function countRollups(sql: Sql): Promise<{ users: number; channels: number }> {
  const [r] = await sql<Array<{ users: string; channels: string }>>`
    SELECT (SELECT count(*) FROM (SELECT person FROM person_logins
        UNION SELECT p FROM rollup_queue CROSS JOIN LATERAL unnest(persons) AS p
        WHERE p IS NOT NULL AND tss IS NOT NULL) u)::text AS users,
      (SELECT count(*) FROM (SELECT name FROM rollups WHERE kind = ${CHANNEL_KIND}
        AND state IS NOT NULL UNION SELECT c FROM rollup_queue
        CROSS JOIN LATERAL unnest(channels) AS c WHERE c IS NOT NULL) c)::text AS channels`;
  return { users: Number(r?.users ?? 0), channels: Number(r?.channels ?? 0) };
}
