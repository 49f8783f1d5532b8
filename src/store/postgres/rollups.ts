/**
 * Rollups in PostgreSQL: the state of each person (`#<user_id>`, or the login of a person
 * without id, as `src/analysis/identity.ts` keys them) and of each channel, as the encoded
 * states of `src/analysis/rollups.ts` (the very functions the embedded store uses, so the
 * profile JSON is byte for byte the same).
 *
 * - An append folds its new messages (stored once, see `messages.ts`) into fresh states, one
 *   per person and channel of the batch, and INSERTs them into `rollup_deltas`: no row is
 *   updated, so two monitors appending at once never wait for each other here, and no update
 *   can be lost. The batch's login spans and display names are upserted into `person_logins` /
 *   `person_display` with commutative updates (sums, min, max), in key order.
 * - {@link compactDeltas} folds deltas into `rollups` (one compactor at a time, under a table
 *   lock that appends do not take); a read ({@link readStates}) merges a rollup with the deltas
 *   not compacted yet. Every aggregate is a function of the set of messages, so the merge is
 *   exact (`rollup_merge.ts`).
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
  loginSpans,
  newChannelState,
  newUserState,
  type UserState,
} from "../../analysis/rollups.ts";
import { personKey } from "../../analysis/identity.ts";
import type { Sql, TxSql } from "./client.ts";
import { mergeStates } from "./rollup_merge.ts";
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

function compareKeys(a: [number, string], b: [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;

/** The states of `messages` alone, by person and by channel. */
export function foldBatch(
  messages: readonly Message[],
): { users: Map<string, UserState>; channels: Map<string, ChannelState> } {
  const users = new Map<string, UserState>();
  const channels = new Map<string, ChannelState>();
  for (const m of messages) {
    const f = facetsOf(m);
    const p = personKey(m);
    let u = users.get(p);
    if (u === undefined) users.set(p, u = newUserState(p));
    foldUser(u, m, f);
    let c = channels.get(m.channel);
    if (c === undefined) channels.set(m.channel, c = newChannelState(m.channel));
    foldChannel(c, m, f);
  }
  return { users, channels };
}

/**
 * Adds the rollups of `messages` (new ones only: stored by this transaction) as deltas, and
 * their persons' login spans and display names, inside the caller's transaction.
 */
export async function appendDeltas(tx: TxSql, messages: readonly Message[]): Promise<Touched> {
  const touched: Touched = { users: new Set(), channels: new Set() };
  if (messages.length === 0) return touched;
  const { users, channels } = foldBatch(messages);
  const rows: Array<[number, string, string]> = [];
  for (const [k, s] of users) {
    rows.push([USER_KIND, k, encodeUserState(s)]);
    touched.users.add(k);
  }
  for (const [k, s] of channels) {
    rows.push([CHANNEL_KIND, k, encodeChannelState(s)]);
    touched.channels.add(k);
  }
  await copyRows(tx, "rollup_deltas", ["kind", "name", "state"], rows);
  await upsertSpans(tx, [...users.values()]);
  return touched;
}

/** Adds the login spans and display names of some person states (sums, min, max). */
async function upsertSpans(tx: TxSql, states: readonly UserState[]): Promise<void> {
  const spans = states.flatMap((s) => loginSpans(s))
    .sort((a, b) => cmp(a.person, b.person) || cmp(a.login, b.login));
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
  const display = states.flatMap((s) => [...s.display_names].map((n) => [s.user_name, n]))
    .sort((a, b) => cmp(a[0]!, b[0]!) || cmp(a[1]!, b[1]!));
  if (display.length > 0) {
    await tx`
      INSERT INTO person_display (person, name)
      SELECT person, name FROM unnest(${display.map((d) => d[0]!)}::text[], ${
      display.map((d) => d[1]!)
    }::text[])
        WITH ORDINALITY AS t(person, name, o)
      ORDER BY o
      ON CONFLICT DO NOTHING`;
  }
}

function decode(kind: number, text: string): AnyState {
  return kind === USER_KIND ? decodeUserState(text) : decodeChannelState(text);
}

function encode(kind: number, s: AnyState): string {
  return kind === USER_KIND
    ? encodeUserState(s as UserState)
    : encodeChannelState(s as ChannelState);
}

/** Locks the compacted rollups against other compactors and recomputations (not appends). */
export async function lockRollups(tx: TxSql): Promise<void> {
  await tx`LOCK TABLE rollups IN SHARE ROW EXCLUSIVE MODE`;
}

/**
 * Folds up to `maxDeltas` of the oldest deltas into their rollups, in one transaction: the
 * deltas are deleted and their sum written in the same commit. Returns how many were folded.
 */
export async function compactDeltas(sql: Sql, maxDeltas = 200_000): Promise<number> {
  return await sql.begin(async (tx) => {
    await lockRollups(tx);
    const rows = await tx<Array<{ kind: number; name: string; state: string }>>`
      DELETE FROM rollup_deltas WHERE id IN (
        SELECT id FROM rollup_deltas ORDER BY id LIMIT ${maxDeltas})
      RETURNING kind, name, state`;
    if (rows.length === 0) return 0;
    const parts = new Map<string, { key: [number, string]; states: AnyState[] }>();
    for (const r of rows) {
      const k = `${r.kind}:${r.name}`;
      let e = parts.get(k);
      if (e === undefined) parts.set(k, e = { key: [r.kind, r.name], states: [] });
      e.states.push(decode(r.kind, r.state));
    }
    const keys = [...parts.values()].map((e) => e.key).sort(compareKeys);
    const kinds = keys.map((k) => k[0]);
    const names = keys.map((k) => k[1]);
    const base = await tx<Array<{ kind: number; name: string; state: string | null }>>`
      SELECT r.kind, r.name, r.state FROM rollups r
      JOIN unnest(${kinds}::int2[], ${names}::text[]) AS t(k, n) ON r.kind = t.k AND r.name = t.n`;
    for (const b of base) {
      if (b.state !== null) {
        parts.get(`${b.kind}:${b.name}`)!.states.unshift(decode(b.kind, b.state));
      }
    }
    await tx`
      CREATE TEMPORARY TABLE IF NOT EXISTS stage_rollups (
        kind smallint, name text COLLATE "C", state text
      ) ON COMMIT DELETE ROWS`;
    await copyRows(
      tx,
      "stage_rollups",
      ["kind", "name", "state"],
      keys.map(([k, n]) => [k, n, encode(k, mergeStates(parts.get(`${k}:${n}`)!.states))]),
    );
    // Only compactors write here, one at a time (the table lock): no deadlock to order for.
    await tx`
      INSERT INTO rollups (kind, name, state, version)
      SELECT kind, name, state, 1 FROM stage_rollups
      ON CONFLICT (kind, name) DO UPDATE SET state = excluded.state,
        version = rollups.version + 1`;
    return rows.length;
  }) as number;
}

/**
 * The current states of some persons or channels (rollup merged with its deltas); names with
 * neither are left out.
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
  // One snapshot for both tables, so a compaction in between cannot hide or double deltas.
  const rows = await sql<Array<{ name: string; state: string; d: number }>>`
    SELECT name, state, 0 AS d FROM rollups
    WHERE kind = ${k} AND name = ANY(${list}::text[]) AND state IS NOT NULL
    UNION ALL
    SELECT name, state, 1 AS d FROM (
      SELECT name, state, id FROM rollup_deltas WHERE kind = ${k} AND name = ANY(${list}::text[])
      ORDER BY id) x`;
  const parts = new Map<string, AnyState[]>();
  for (const r of rows) {
    let p = parts.get(r.name);
    if (p === undefined) parts.set(r.name, p = []);
    p.push(decode(k, r.state));
  }
  for (const [n, p] of parts) out.set(n, mergeStates(p));
  return out;
}

/** Channels with a rollup, sorted (code unit order). */
export async function listChannels(sql: Sql): Promise<string[]> {
  const rows = await sql<Array<{ name: string }>>`
    SELECT name FROM rollups WHERE kind = ${CHANNEL_KIND} AND state IS NOT NULL
    UNION SELECT name FROM rollup_deltas WHERE kind = ${CHANNEL_KIND}
    ORDER BY name`;
  return rows.map((r) => r.name);
}

/** How many persons and channels have a rollup. */
export async function countRollups(sql: Sql): Promise<{ users: number; channels: number }> {
  const [r] = await sql<Array<{ users: string; channels: string }>>`
    SELECT (SELECT count(DISTINCT person) FROM person_logins)::text AS users,
      (SELECT count(*) FROM (SELECT name FROM rollups WHERE kind = ${CHANNEL_KIND}
        AND state IS NOT NULL UNION SELECT name FROM rollup_deltas
        WHERE kind = ${CHANNEL_KIND}) c)::text AS channels`;
  return { users: Number(r?.users ?? 0), channels: Number(r?.channels ?? 0) };
}

/**
 * Recomputes the rollups of some persons and channels from the stored messages (after a forget
 * or retention deleted or changed some) inside the caller's transaction, which must be
 * REPEATABLE READ and hold {@link lockRollups} from before its first query: the recomputed
 * state replaces the rollup and every delta of it, all read in one snapshot, so a message
 * appended meanwhile is counted by its own delta exactly once. An entity left with no message
 * loses its rows. Returns those that still have messages.
 */
export async function recomputeRollups(
  tx: TxSql,
  persons: readonly string[],
  channels: readonly string[],
): Promise<Touched> {
  const touched: Touched = { users: new Set(), channels: new Set() };
  const users = new Map<string, UserState>();
  const chans = new Map<string, ChannelState>();
  if (persons.length > 0) {
    // A person's messages are under the logins they used (and, for a login-only person, its
    // login): read those, keep the person's own.
    const rows = await tx<Array<{ login: string }>>`
      SELECT DISTINCT login FROM person_logins WHERE person = ANY(${persons as string[]}::text[])`;
    const logins = new Set(rows.map((r) => r.login));
    for (const p of persons) if (!p.startsWith("#")) logins.add(p);
    const wanted = new Set(persons);
    for await (const batch of messagesOfLogins(tx, [...logins])) {
      for (const m of batch) {
        const p = personKey(m);
        if (!wanted.has(p)) continue;
        let s = users.get(p);
        if (s === undefined) users.set(p, s = newUserState(p));
        foldUser(s, m, facetsOf(m));
      }
    }
    await tx`DELETE FROM person_logins WHERE person = ANY(${persons as string[]}::text[])`;
    await tx`DELETE FROM person_display WHERE person = ANY(${persons as string[]}::text[])`;
    await upsertSpans(tx, [...users.values()]);
  }
  for (const c of channels) {
    const s = newChannelState(c);
    let n = 0;
    for await (const batch of messagesOfLogins(tx, [], c)) {
      for (const m of batch) {
        n++;
        foldChannel(s, m, facetsOf(m));
      }
    }
    if (n > 0) chans.set(c, s);
  }
  for (
    const [kind, names, states] of [
      [USER_KIND, persons, users],
      [CHANNEL_KIND, channels, chans],
    ] as const
  ) {
    if (names.length === 0) continue;
    const list = names as string[];
    await tx`DELETE FROM rollup_deltas WHERE kind = ${kind} AND name = ANY(${list}::text[])`;
    await tx`DELETE FROM rollups WHERE kind = ${kind} AND name = ANY(${list}::text[])`;
    const keep = [...states.keys()].sort();
    if (keep.length === 0) continue;
    const texts = keep.map((n) => encode(kind, states.get(n)!));
    await tx`
      INSERT INTO rollups (kind, name, state, version)
      SELECT ${kind}::int2, n, s, 1 FROM unnest(${keep}::text[], ${texts}::text[]) AS t(n, s)`;
    for (const n of keep) (kind === USER_KIND ? touched.users : touched.channels).add(n);
  }
  return touched;
}

/** Messages by any of some logins, or of one channel, in storage order, a batch at a time. */
async function* messagesOfLogins(
  tx: TxSql,
  logins: readonly string[],
  channel?: string,
  batch = 10_000,
): AsyncGenerator<Message[]> {
  let after = 0;
  for (;;) {
    const cond = channel !== undefined
      ? tx`channel = ${channel}`
      : tx`user_name = ANY(${logins as string[]}::text[])`;
    const rows = await tx<Array<{ seq: string; record: string }>>`
      SELECT seq, record FROM messages WHERE ${cond} AND seq > ${after}
      ORDER BY seq LIMIT ${batch}`;
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.seq);
    yield rows.map((r) => JSON.parse(r.record) as Message);
    if (rows.length < batch) return;
  }
}

/**
 * Rebuilds every person rollup, login span and display name from the stored messages (schema 1
 * kept rollups by login): run by the program that migrates to schema 2, in its own transaction.
 */
export async function rebuildPersons(sql: Sql): Promise<void> {
  await sql.begin("isolation level repeatable read", async (tx) => {
    await lockRollups(tx);
    await tx`DELETE FROM rollups WHERE kind = ${USER_KIND}`;
    await tx`DELETE FROM rollup_deltas WHERE kind = ${USER_KIND}`;
    await tx`DELETE FROM person_logins`;
    await tx`DELETE FROM person_display`;
    const users = new Map<string, UserState>();
    let after = 0;
    for (;;) {
      const rows = await tx<Array<{ seq: string; record: string }>>`
        SELECT seq, record FROM messages WHERE seq > ${after} ORDER BY seq LIMIT 10000`;
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1]!.seq);
      for (const r of rows) {
        const m = JSON.parse(r.record) as Message;
        const p = personKey(m);
        let s = users.get(p);
        if (s === undefined) users.set(p, s = newUserState(p));
        foldUser(s, m, facetsOf(m));
      }
    }
    const keys = [...users.keys()].sort();
    for (let i = 0; i < keys.length; i += 5000) {
      const chunk = keys.slice(i, i + 5000);
      const texts = chunk.map((k) => encodeUserState(users.get(k)!));
      await tx`
        INSERT INTO rollups (kind, name, state, version)
        SELECT ${USER_KIND}::int2, n, s, 1 FROM unnest(${chunk}::text[], ${texts}::text[])
          AS t(n, s)`;
      await upsertSpans(tx, chunk.map((k) => users.get(k)!));
    }
    await tx`DELETE FROM osint_meta WHERE key = 'rebuild_persons'`;
  });
}

/** Deletes the rollups (and deltas) of these persons or channels; returns those that had one. */
export async function deleteRollups(
  sql: Sql,
  kind: "user" | "channel",
  names: readonly string[],
): Promise<string[]> {
  const k = kind === "user" ? USER_KIND : CHANNEL_KIND;
  if (names.length === 0) return [];
  const list = names as string[];
  return await sql.begin(async (tx) => {
    await lockRollups(tx);
    const rows = await tx<Array<{ name: string }>>`
      DELETE FROM rollups WHERE kind = ${k} AND name = ANY(${list}::text[]) RETURNING name`;
    const d = await tx<Array<{ name: string }>>`
      DELETE FROM rollup_deltas WHERE kind = ${k} AND name = ANY(${list}::text[])
      RETURNING name`;
    if (k === USER_KIND) {
      await tx`DELETE FROM person_logins WHERE person = ANY(${list}::text[])`;
      await tx`DELETE FROM person_display WHERE person = ANY(${list}::text[])`;
    }
    return [...new Set([...rows, ...d].map((r) => r.name))].sort();
  }) as string[];
}
