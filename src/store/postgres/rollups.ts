/**
 * Rollups in PostgreSQL: the state of each user and channel (the encoded state of
 * `src/analysis/rollups.ts`, the very functions the embedded store uses, so the profile JSON is
 * byte for byte the same), in table `rollups`.
 *
 * The writer that stored new messages folds them into the states of their users and channels
 * inside the same transaction, holding each row's lock (`SELECT ... FOR UPDATE`, in key order
 * so two writers never deadlock): a second writer touching the same user waits, then reads the
 * state the first committed, so no update is lost and each message (stored once, see
 * `messages.ts`) is counted once.
 *
 * Each row carries a version, bumped on every update: a writer keeps the states it wrote in a
 * cache and rereads (and decodes) a state only when someone else changed it since.
 *
 * @module
 */
import type { ChannelProfile, Message, UserProfile } from "../../schemas.ts";
import {
  channelProfile,
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
  userProfile,
  type UserState,
} from "../../analysis/rollups.ts";
import type { Sql, TxSql } from "./client.ts";
import { messagesOf } from "./messages.ts";

/** `rollups.kind` of a user / a channel. */
export const USER_KIND = 0;
export const CHANNEL_KIND = 1;

/** The states a fold touched, as committed. */
export interface Touched {
  users: Map<string, UserState>;
  channels: Map<string, ChannelState>;
}

type AnyState = UserState | ChannelState;

/** States written by this process, with the row version they were written at. */
export class RollupCache {
  #map = new Map<string, { version: number; state: AnyState }>();
  #max: number;
  constructor(max = 50_000) {
    this.#max = max;
  }
  /**
   * Takes the state out of the cache when it is still at `version`: the caller folds into it,
   * and puts it back only after its transaction committed (a rolled-back fold must not stay).
   */
  take(kind: number, name: string, version: number): AnyState | undefined {
    const k = `${kind}:${name}`;
    const e = this.#map.get(k);
    this.#map.delete(k);
    return e !== undefined && e.version === version ? e.state : undefined;
  }
  set(kind: number, name: string, version: number, state: AnyState): void {
    const k = `${kind}:${name}`;
    this.#map.delete(k);
    this.#map.set(k, { version, state });
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value!);
  }
  clear(): void {
    this.#map.clear();
  }
}

function compareKeys(a: [number, string], b: [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

/**
 * Folds `messages` (new ones only: stored by this transaction) into their rollups, under row
 * locks, inside the caller's transaction. Returns the states as they will be committed.
 */
export async function foldIntoRollups(
  tx: TxSql,
  messages: readonly Message[],
  cache: RollupCache,
): Promise<Touched> {
  const touched: Touched = { users: new Map(), channels: new Map() };
  if (messages.length === 0) return touched;
  const keySet = new Map<string, [number, string]>();
  for (const m of messages) {
    keySet.set(`0:${m.user_name}`, [USER_KIND, m.user_name]);
    keySet.set(`1:${m.channel}`, [CHANNEL_KIND, m.channel]);
  }
  const keys = [...keySet.values()].sort(compareKeys);
  const kinds = keys.map((k) => k[0]);
  const names = keys.map((k) => k[1]);
  // Rows first (so there is something to lock), in key order; then lock them in key order.
  await tx`
    INSERT INTO rollups (kind, name)
    SELECT k, n FROM unnest(${kinds}::int2[], ${names}::text[]) WITH ORDINALITY AS t(k, n, o)
    ORDER BY o
    ON CONFLICT DO NOTHING`;
  const locked = await tx<Array<{ kind: number; name: string; version: string }>>`
    SELECT r.kind, r.name, r.version FROM rollups r
    JOIN unnest(${kinds}::int2[], ${names}::text[]) AS t(k, n) ON r.kind = t.k AND r.name = t.n
    ORDER BY r.kind, r.name
    FOR UPDATE OF r`;
  const versions = new Map<string, number>();
  const stale: Array<[number, string]> = [];
  for (const r of locked) {
    const v = Number(r.version);
    versions.set(`${r.kind}:${r.name}`, v);
    const hit = cache.take(r.kind, r.name, v);
    if (hit === undefined) stale.push([r.kind, r.name]);
    else if (r.kind === USER_KIND) touched.users.set(r.name, hit as UserState);
    else touched.channels.set(r.name, hit as ChannelState);
  }
  if (stale.length > 0) {
    const rows = await tx<Array<{ kind: number; name: string; state: string | null }>>`
      SELECT r.kind, r.name, r.state FROM rollups r
      JOIN unnest(${stale.map((s) => s[0])}::int2[], ${stale.map((s) => s[1])}::text[])
        AS t(k, n) ON r.kind = t.k AND r.name = t.n`;
    for (const r of rows) {
      if (r.kind === USER_KIND) {
        touched.users.set(
          r.name,
          r.state === null ? newUserState(r.name) : decodeUserState(r.state),
        );
      } else {
        touched.channels.set(
          r.name,
          r.state === null ? newChannelState(r.name) : decodeChannelState(r.state),
        );
      }
    }
  }
  for (const m of messages) {
    const f = facetsOf(m);
    foldUser(touched.users.get(m.user_name)!, m, f);
    foldChannel(touched.channels.get(m.channel)!, m, f);
  }
  const states = keys.map(([k, n]) =>
    k === USER_KIND
      ? encodeUserState(touched.users.get(n)!)
      : encodeChannelState(touched.channels.get(n)!)
  );
  await tx`
    UPDATE rollups r SET state = t.s, version = r.version + 1
    FROM unnest(${kinds}::int2[], ${names}::text[], ${states}::text[]) AS t(k, n, s)
    WHERE r.kind = t.k AND r.name = t.n`;
  // The cache is only trusted after the commit; the caller calls {@link remember} then.
  pendingVersions.set(touched, keys.map(([k, n]) => [k, n, (versions.get(`${k}:${n}`) ?? 0) + 1]));
  return touched;
}

const pendingVersions = new WeakMap<Touched, Array<[number, string, number]>>();

/** Caches the states of a committed fold (never of one that rolled back). */
export function remember(cache: RollupCache, touched: Touched): void {
  for (const [k, n, v] of pendingVersions.get(touched) ?? []) {
    const s = k === USER_KIND ? touched.users.get(n) : touched.channels.get(n);
    if (s !== undefined) cache.set(k, n, v, s);
  }
}

/** The stored state of one user or channel, or null when it has none. */
export async function readState(
  sql: Sql,
  kind: "user" | "channel",
  name: string,
): Promise<AnyState | null> {
  const k = kind === "user" ? USER_KIND : CHANNEL_KIND;
  const [row] = await sql<Array<{ state: string | null }>>`
    SELECT state FROM rollups WHERE kind = ${k} AND name = ${name}`;
  if (row?.state == null) return null;
  return kind === "user" ? decodeUserState(row.state) : decodeChannelState(row.state);
}

/** The profile JSON of one user, or null. */
export async function readUserProfile(sql: Sql, name: string): Promise<UserProfile | null> {
  const s = await readState(sql, "user", name);
  return s === null ? null : userProfile(s as UserState);
}

/** The profile JSON of one channel, or null. */
export async function readChannelProfile(sql: Sql, name: string): Promise<ChannelProfile | null> {
  const s = await readState(sql, "channel", name);
  return s === null ? null : channelProfile(s as ChannelState);
}

/** Names with a stored state, sorted (code unit order). */
export async function listNames(sql: Sql, kind: "user" | "channel"): Promise<string[]> {
  const k = kind === "user" ? USER_KIND : CHANNEL_KIND;
  const rows = await sql<Array<{ name: string }>>`
    SELECT name FROM rollups WHERE kind = ${k} AND state IS NOT NULL ORDER BY name`;
  return rows.map((r) => r.name);
}

/**
 * Recomputes the rollups of the given users and channels from the stored messages (after a
 * forget or retention deleted or changed some), under their row locks; an entity left with no
 * message loses its row.
 */
export async function recomputeRollups(
  tx: TxSql,
  users: readonly string[],
  channels: readonly string[],
): Promise<Touched> {
  const touched: Touched = { users: new Map(), channels: new Map() };
  const keys: Array<[number, string]> = [
    ...users.map((u): [number, string] => [USER_KIND, u]),
    ...channels.map((c): [number, string] => [CHANNEL_KIND, c]),
  ].sort(compareKeys);
  if (keys.length === 0) return touched;
  await tx`
    SELECT 1 FROM rollups r
    JOIN unnest(${keys.map((k) => k[0])}::int2[], ${keys.map((k) => k[1])}::text[]) AS t(k, n)
      ON r.kind = t.k AND r.name = t.n
    ORDER BY r.kind, r.name FOR UPDATE OF r`;
  for (const [k, n] of keys) {
    const state: AnyState = k === USER_KIND ? newUserState(n) : newChannelState(n);
    let count = 0;
    for await (const batch of messagesOf(tx, k === USER_KIND ? { user: n } : { channel: n })) {
      for (const m of batch) {
        count++;
        const f = facetsOf(m);
        if (k === USER_KIND) foldUser(state as UserState, m, f);
        else foldChannel(state as ChannelState, m, f);
      }
    }
    if (count === 0) {
      await tx`DELETE FROM rollups WHERE kind = ${k} AND name = ${n}`;
      continue;
    }
    const text = k === USER_KIND
      ? encodeUserState(state as UserState)
      : encodeChannelState(state as ChannelState);
    await tx`
      INSERT INTO rollups (kind, name, state, version) VALUES (${k}, ${n}, ${text}, 1)
      ON CONFLICT (kind, name) DO UPDATE SET state = excluded.state,
        version = rollups.version + 1`;
    if (k === USER_KIND) touched.users.set(n, state as UserState);
    else touched.channels.set(n, state as ChannelState);
  }
  return touched;
}

/** The stored states of some users or channels (absent names are left out). */
export async function readStates(
  sql: Sql,
  kind: "user" | "channel",
  names: readonly string[],
): Promise<Map<string, AnyState>> {
  const k = kind === "user" ? USER_KIND : CHANNEL_KIND;
  const out = new Map<string, AnyState>();
  if (names.length === 0) return out;
  const rows = await sql<Array<{ name: string; state: string | null }>>`
    SELECT name, state FROM rollups WHERE kind = ${k} AND name = ANY(${names as string[]}::text[])`;
  for (const r of rows) {
    if (r.state === null) continue;
    out.set(r.name, kind === "user" ? decodeUserState(r.state) : decodeChannelState(r.state));
  }
  return out;
}

/** Deletes the rollups of these names; returns the names that had one. */
export async function deleteRollups(
  sql: Sql,
  kind: "user" | "channel",
  names: readonly string[],
): Promise<string[]> {
  const k = kind === "user" ? USER_KIND : CHANNEL_KIND;
  if (names.length === 0) return [];
  const rows = await sql<Array<{ name: string }>>`
    DELETE FROM rollups WHERE kind = ${k} AND name = ANY(${names as string[]}::text[])
    RETURNING name`;
  return rows.map((r) => r.name).sort();
}

/** The profile JSON of a state. */
export function profileOf(kind: "user" | "channel", s: AnyState): UserProfile | ChannelProfile {
  return kind === "user" ? userProfile(s as UserState) : channelProfile(s as ChannelState);
}
