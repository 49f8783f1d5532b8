/**
 * Rollups in PostgreSQL recomputed from the stored messages rather than folded from new ones:
 * after a forget or retention deleted or changed messages ({@link recomputeRollups}), when the
 * schema moved from login keys to persons ({@link rebuildPersons}), and removed outright
 * ({@link deleteRollups}). The incremental path (queue, compact, read) is `rollups.ts`.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import {
  type ChannelState,
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
import { messagesOf } from "./messages.ts";
import { loginsOf } from "./persons.ts";
import {
  CHANNEL_KIND,
  encode,
  lockRollups,
  type Touched,
  unqueue,
  upsertSpans,
  USER_KIND,
} from "./rollups.ts";

/**
 * Recomputes the rollups of some persons and channels from the stored messages (after a forget
 * or retention deleted or changed some) inside the caller's transaction, which must be
 * REPEATABLE READ and hold {@link lockRollups} from before its first query: the recomputed
 * state replaces the rollup and its queued messages, all read in one snapshot, so a message
 * appended meanwhile stays queued and is counted exactly once. An entity left with no message
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
    // Their logins in the spans and in their queued messages (not in the spans yet).
    const logins = new Set(await loginsOf(tx, persons));
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
    await upsertSpans(tx, [...users.values()].flatMap((s) => loginSpans(s)), displayOf(users));
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
    await unqueue(tx, kind, list);
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
function messagesOfLogins(
  tx: TxSql,
  logins: readonly string[],
  channel?: string,
): AsyncGenerator<Message[]> {
  return messagesOf(tx, channel !== undefined ? { channel } : { logins });
}

/**
 * Rebuilds every person rollup, login span and display name from the stored messages (schema 1
 * kept rollups by login): run by the program that migrates to schema 2, in its own transaction.
 */
export async function rebuildPersons(sql: Sql): Promise<void> {
  await sql.begin("isolation level repeatable read", async (tx) => {
    await lockRollups(tx);
    await tx`DELETE FROM rollups WHERE kind = ${USER_KIND}`;
    await unqueue(tx, USER_KIND, null);
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
      const part = new Map(chunk.map((k) => [k, users.get(k)!]));
      await upsertSpans(tx, [...part.values()].flatMap((s) => loginSpans(s)), displayOf(part));
    }
    await tx`DELETE FROM osint_meta WHERE key = 'rebuild_persons'`;
  });
}

function displayOf(states: ReadonlyMap<string, UserState>): Array<[string, string]> {
  return [...states].flatMap(([p, s]) => [...s.display_names].map((n): [string, string] => [p, n]));
}

/** Deletes the rollups (and queued messages) of these persons or channels; returns those that had one. */
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
    const queued = await unqueue(tx, k, list);
    if (k === USER_KIND) {
      await tx`DELETE FROM person_logins WHERE person = ANY(${list}::text[])`;
      await tx`DELETE FROM person_display WHERE person = ANY(${list}::text[])`;
    }
    return [...new Set([...rows.map((r) => r.name), ...queued])].sort();
  }) as string[];
}
