/**
 * Compacting the rollup queue: the messages queued by appends (`rollup_pending`, see
 * `rollups.ts`) are folded into their persons' and channels' rollups and their queue rows
 * deleted, in one commit, one compactor at a time (a table lock appends never take).
 *
 * A writer folds the messages it stored itself as it goes ({@link PendingFolds}, in memory:
 * the same pure fold the embedded store runs, while the database works on its next batch), so
 * its compaction reads none of them back. The queue rows stay the record of what is folded:
 *
 * - a compaction deletes its writer's own queue rows (by `seq`) and any that waited longer
 *   than {@link ORPHAN_SECONDS} (their writer stopped or crashed before compacting), and
 *   learns, per rollup, which messages they were; other writers' fresh rows are theirs to
 *   fold, so no work is done twice;
 * - a rollup's in-memory fold is used only when its own queued messages are all still there
 *   (a recomputation after a forget deletes a rollup's queue rows, an orphan sweep may have
 *   folded them): the same count of its own sequence numbers means the same set, since rows
 *   of a message are only ever deleted, never added;
 * - every other message taken (an orphan, or one whose fold is not used) is read back from
 *   `messages` and folded here;
 * - the states of disjoint sets of messages merge into the state of their union
 *   (`rollup_merge.ts`), so the result is the state of the same messages however they came.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import {
  type ChannelState,
  facetsOf,
  foldChannel,
  foldUser,
  newChannelState,
  newUserState,
  type UserState,
} from "../../analysis/rollups.ts";
import { personKey } from "../../analysis/identity.ts";
import type { Sql } from "./client.ts";
import { copyRows } from "./copy.ts";
import { mergeStates } from "./rollup_merge.ts";
import {
  type AnyState,
  baseStates,
  CHANNEL_KIND,
  encode,
  foldQueued,
  lockRollups,
  USER_KIND,
} from "./rollups.ts";

/**
 * The messages a writer stored and queued, folded in memory into one state per person and
 * channel until its next compaction.
 */
export class PendingFolds {
  readonly users = new Map<string, UserState>();
  readonly channels = new Map<string, ChannelState>();
  /** The `seq` of every message folded here. */
  readonly seqs = new Set<string>();

  /** How many messages are folded here. */
  get size(): number {
    return this.seqs.size;
  }

  /** Folds stored messages (each once, by its `seq`). */
  add(stored: ReadonlyArray<{ message: Message; seq: string }>): void {
    for (const { message: m, seq } of stored) {
      if (this.seqs.has(seq)) continue;
      this.seqs.add(seq);
      const f = facetsOf(m);
      const p = personKey(m);
      let u = this.users.get(p);
      if (u === undefined) this.users.set(p, u = newUserState(p));
      foldUser(u, m, f);
      let c = this.channels.get(m.channel);
      if (c === undefined) this.channels.set(m.channel, c = newChannelState(m.channel));
      foldChannel(c, m, f);
    }
  }
}

/**
 * Seconds after which another writer's queued messages are folded by any compactor (their
 * writer stopped or crashed before its compaction).
 */
export const ORPHAN_SECONDS = 60;

/** Messages read back per query. */
const READ_BACK = 10_000;

/**
 * Folds the queued messages of `mine` (folded in memory) and those that waited longer than
 * {@link ORPHAN_SECONDS} into their rollups, in one transaction (see the module's notes);
 * returns how many messages were folded.
 */
export async function compactPending(sql: Sql, mine: PendingFolds | null = null): Promise<number> {
  return await sql.begin(async (tx) => {
    await lockRollups(tx);
    const own = mine === null ? [] : [...mine.seqs];
    const rows = await tx<Array<{ kind: number; name: string; seqs: string[] }>>`
      WITH d AS (
        DELETE FROM rollup_pending
        WHERE seq = ANY(${own}::bigint[])
          OR queued_at < now() - make_interval(secs => ${ORPHAN_SECONDS})
        RETURNING seq, kind, name
      )
      SELECT kind, name, array_agg(seq::text) AS seqs FROM d GROUP BY kind, name`;
    if (rows.length === 0) return 0;
    const folded = new Set<string>();
    // Per kind: the in-memory fold used, and the queued messages to read back.
    const held: Array<Map<string, AnyState>> = [new Map(), new Map()];
    const readBack = new Map<string, { u?: string; c?: string }>();
    const names: string[][] = [[], []];
    for (const r of rows) {
      const kind = Number(r.kind);
      names[kind]!.push(r.name);
      const fold = mine === null
        ? undefined
        : kind === USER_KIND
        ? mine.users.get(r.name)
        : mine.channels.get(r.name);
      let ours = 0;
      if (fold !== undefined) { for (const s of r.seqs) if (mine!.seqs.has(s)) ours++; }
      const useHeld = fold !== undefined && ours === fold.message_count;
      if (useHeld) held[kind]!.set(r.name, fold);
      for (const s of r.seqs) {
        folded.add(s);
        if (useHeld && mine!.seqs.has(s)) continue;
        let e = readBack.get(s);
        if (e === undefined) readBack.set(s, e = {});
        if (kind === USER_KIND) e.u = r.name;
        else e.c = r.name;
      }
    }
    const extra: Array<Map<string, AnyState>> = [new Map(), new Map()];
    const seqs = [...readBack.keys()];
    for (let i = 0; i < seqs.length; i += READ_BACK) {
      const chunk = seqs.slice(i, i + READ_BACK);
      const recs = await tx<Array<{ seq: string; record: string }>>`
        SELECT seq::text AS seq, record FROM messages WHERE seq = ANY(${chunk}::bigint[])
        ORDER BY seq`;
      for (const r of recs) {
        const e = readBack.get(r.seq)!;
        const m = JSON.parse(r.record) as Message;
        const f = facetsOf(m);
        if (e.u !== undefined) foldQueued(extra[USER_KIND]!, USER_KIND, e.u, m, f);
        if (e.c !== undefined) foldQueued(extra[CHANNEL_KIND]!, CHANNEL_KIND, e.c, m, f);
      }
    }
    await tx`
      CREATE TEMPORARY TABLE IF NOT EXISTS stage_rollups (
        kind smallint, name text COLLATE "C", state text
      ) ON COMMIT DELETE ROWS`;
    const out: Array<[number, string, string]> = [];
    for (const kind of [USER_KIND, CHANNEL_KIND]) {
      const base = await baseStates(tx, kind, names[kind]!);
      for (const n of names[kind]!) {
        const parts = [base.get(n), held[kind]!.get(n), extra[kind]!.get(n)]
          .filter((s): s is AnyState => s !== undefined);
        if (parts.length === 0) continue;
        out.push([kind, n, encode(kind, mergeStates(parts))]);
      }
    }
    await copyRows(tx, "stage_rollups", ["kind", "name", "state"], out);
    // Only compactors and recomputations write here, one at a time (the table lock).
    await tx`
      INSERT INTO rollups (kind, name, state, version)
      SELECT kind, name, state, 1 FROM stage_rollups
      ON CONFLICT (kind, name) DO UPDATE SET state = excluded.state,
        version = rollups.version + 1`;
    return folded.size;
  }) as number;
}
