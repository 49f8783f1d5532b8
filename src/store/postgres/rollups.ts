/**
 * Rollups in PostgreSQL: the state of each person (`#<user_id>`, or the login of a person
 * without id, as `src/analysis/identity.ts` keys them) and of each channel, as the encoded
 * states of `src/analysis/rollups.ts` (the very functions the embedded store uses, so the
 * profile JSON is byte for byte the same).
 *
 * - An append queues its new messages (stored once, see `messages.ts`) for the rollups of their
 *   person and channel (`rollup_pending`, two small rows per message, by COPY) and upserts its
 *   persons' login spans and display names (`person_logins` / `person_display`: commutative
 *   updates, sums, min and max, in key order). No rollup row is touched, so two monitors
 *   appending at once never wait for each other on a hot user, and no update can be lost.
 * - A compaction (`rollup_compact.ts`) folds queued messages into `rollups` and deletes their
 *   queue rows in the same commit (one compactor at a time, under a table lock that appends do
 *   not take); a read ({@link readStates}) folds a rollup's queued messages into it on the fly.
 *   Every aggregate is a function of the set of messages, so both give the same state.
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
import type { Sql, TxSql } from "./client.ts";
import { copyRows } from "./copy.ts";

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
 * Queues new messages (with their `seq`) for their person's and channel's rollups, and adds
 * their persons' login spans and display names, inside the caller's transaction.
 */
export async function queueForRollups(
  tx: TxSql,
  stored: ReadonlyArray<{ message: Message; seq: string }>,
): Promise<Touched> {
  const touched: Touched = { users: new Set(), channels: new Set() };
  if (stored.length === 0) return touched;
  const rows: Array<[string, number, string]> = [];
  const spans = new Map<string, LoginSpan>();
  const display = new Map<string, [string, string]>();
  for (const { message: m, seq } of stored) {
    const p = personKey(m);
    rows.push([seq, USER_KIND, p], [seq, CHANNEL_KIND, m.channel]);
    touched.users.add(p);
    touched.channels.add(m.channel);
    const k = `${p}\n${m.user_name}`;
    const s = spans.get(k);
    if (s === undefined) {
      spans.set(k, {
        person: p,
        login: m.user_name,
        first_seen: m.ts,
        last_seen: m.ts,
        last_mid: m.message_id,
        count: 1,
      });
    } else {
      s.count++;
      if (m.ts < s.first_seen) s.first_seen = m.ts;
      if (m.ts > s.last_seen || (m.ts === s.last_seen && m.message_id < s.last_mid!)) {
        s.last_seen = m.ts;
        s.last_mid = m.message_id;
      }
    }
    if (m.display_name !== undefined) display.set(`${p}\n${m.display_name}`, [p, m.display_name]);
  }
  await copyRows(tx, "rollup_pending", ["seq", "kind", "name"], rows);
  await upsertSpans(tx, [...spans.values()], [...display.values()]);
  return touched;
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
      ON CONFLICT (person, login) DO UPDATE SET
        count = p.count + excluded.count,
        first_seen = LEAST(p.first_seen, excluded.first_seen),
        last_seen = CASE WHEN (excluded.last_seen, p.last_mid) > (p.last_seen, excluded.last_mid)
          THEN excluded.last_seen ELSE p.last_seen END,
        last_mid = CASE WHEN (excluded.last_seen, p.last_mid) > (p.last_seen, excluded.last_mid)
          THEN excluded.last_mid ELSE p.last_mid END`;
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

/** Locks the compacted rollups against other compactors and recomputations (not appends). */
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

/** The compacted states of some rollups of `kind` (decoded; names without one left out). */
export async function baseStates(
  tx: TxSql,
  kind: number,
  names: string[],
): Promise<Map<string, AnyState>> {
  const out = new Map<string, AnyState>();
  if (names.length === 0) return out;
  const rows = await tx<Array<{ name: string; state: string }>>`
    SELECT name, state FROM rollups
    WHERE kind = ${kind} AND name = ANY(${names}::text[]) AND state IS NOT NULL`;
  for (const r of rows) out.set(r.name, decode(kind, r.state));
  return out;
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
    SELECT 0 AS d, name, state AS t FROM rollups
    WHERE kind = ${k} AND name = ANY(${list}::text[]) AND state IS NOT NULL
    UNION ALL
    SELECT 1 AS d, p.name, m.record AS t FROM rollup_pending p JOIN messages m ON m.seq = p.seq
    WHERE p.kind = ${k} AND p.name = ANY(${list}::text[])`;
  for (const r of rows) if (r.d === 0) out.set(r.name, decode(k, r.t));
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
    UNION SELECT DISTINCT name FROM rollup_pending WHERE kind = ${CHANNEL_KIND}
    ORDER BY name`;
  return rows.map((r) => r.name);
}

/** How many persons and channels have a rollup. */
export async function countRollups(sql: Sql): Promise<{ users: number; channels: number }> {
  const [r] = await sql<Array<{ users: string; channels: string }>>`
    SELECT (SELECT count(DISTINCT person) FROM person_logins)::text AS users,
      (SELECT count(*) FROM (SELECT name FROM rollups WHERE kind = ${CHANNEL_KIND}
        AND state IS NOT NULL UNION SELECT name FROM rollup_pending
        WHERE kind = ${CHANNEL_KIND}) c)::text AS channels`;
  return { users: Number(r?.users ?? 0), channels: Number(r?.channels ?? 0) };
}
