/**
 * Compacting the rollup queue: the messages queued by appends (`rollup_queue`, see
 * `rollups.ts`) are folded into their persons' and channels' rollups and their queue rows
 * deleted, in one commit. Compactors never wait for each other: each adds a new part to every
 * rollup it folded (the state of the messages it took, without reading the stored state), and
 * merges a rollup's older parts into it only when there are {@link MAX_PARTS} or more and only
 * those it can lock (`FOR UPDATE SKIP LOCKED`: parts another compactor is merging are left to
 * it). A part is written once and deleted once, by the transaction that merged it, so no update
 * can be lost; a recomputation (forget) locks the table against compactions
 * (`lockRollups`).
 *
 * A writer folds the messages it stored itself as it goes ({@link PendingFolds}, in memory:
 * the packed fold the embedded store's rollup writer runs, while the database works on its next batch), so
 * its compaction reads none of them back. The queue rows stay the record of what is folded;
 * each (one per append: the `seq` of its new messages, with their persons and channels)
 * carries the id of the writer that queued it (random, per run):
 *
 * - a compaction deletes its writer's own queue rows (by that id) and any that waited longer
 *   than {@link ORPHAN_SECONDS} (their writer stopped or crashed before compacting); other
 *   writers' fresh rows are theirs to fold, so no work is done twice;
 * - the writer knows which queue rows its folds hold (each append learns its row's id), and a
 *   rollup's in-memory fold is used only when the compaction took every entry of that rollup in
 *   those rows: entries are only ever taken out of a queue row (a forget's recomputation, a
 *   profile removed, an orphan sweep by another compactor), never added, so the same count
 *   means the same set, whatever order the appends committed in;
 * - every other message taken (an orphan, or one whose fold is not used) is read back from
 *   `messages` and folded here;
 * - the states of disjoint sets of messages merge into the state of their union
 *   (`rollup_merge.ts`), so the result is the state of the same messages however they came
 *   and however many parts hold them;
 * - the login spans and display names of the queue entries it takes (those with a person, in
 *   rows that carry their times: schema 5) are added to `person_logins` / `person_display`
 *   in the same commit, computed by the server from the rows themselves (each carries every
 *   message's login, time, id and display name), exactly the spans that reads add for queued
 *   entries meanwhile (`persons.ts`); as the transaction's last statement, so that another
 *   compactor adding to the same persons' rows waits the shortest time. Rows queued by a
 *   schema 4 writer (no times) had theirs added when queued.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { facetsOf } from "../../analysis/rollups.ts";
import {
  foldPacked,
  Interner,
  newPackedChannel,
  newPackedUser,
  type PackedChannel,
  PackedFacets,
  type PackedUser,
  toChannelState,
  toUserState,
} from "../../analysis/packed_rollups.ts";
import { encodePackedChannel, encodePackedUser } from "../../analysis/packed_profiles.ts";
import { personKey } from "../../analysis/identity.ts";
import { sendNow, type Sql, type TxSql } from "./client.ts";
import { copyJson, copyLines, copyText } from "./copy.ts";
import { mergeStates } from "./rollup_merge.ts";
import {
  type AnyState,
  CHANNEL_KIND,
  decode,
  encode,
  foldQueued,
  mergeSpans,
  USER_KIND,
} from "./rollups.ts";

/**
 * Names a writer's folds intern before a compaction starts them on a new {@link Interner} (the
 * interner, with the keyword cache of its {@link PackedFacets}, otherwise lives as long as the
 * writer; about 100 bytes a name).
 */
const MAX_NAMES = 200_000;

/**
 * The messages a writer stored and queued, folded in memory into one state per person and
 * channel until its next compaction, with the ids of the queue rows that hold them. The states
 * are the embedded store's packed form (`packed_rollups.ts`: interned names, one count table
 * per rollup, a token's keyword judged once per cache), which folds in about half the CPU of
 * the plain form's maps and encodes to the same state (`packed_profiles.ts`); the plain form is
 * made only for a rollup that must be merged with other parts.
 */
export class PendingFolds {
  readonly users = new Map<string, PackedUser>();
  readonly channels = new Map<string, PackedChannel>();
  /** The `rollup_queue` rows whose messages are folded here. */
  readonly queueIds: string[] = [];
  readonly #facets: PackedFacets;
  /** The persons of {@link PendingFolds.users} with a user id, by that id. */
  readonly #byId = new Map<string, PackedUser>();

  /**
   * Folds with `facets` (those of the writer's previous folds: their names and keyword cache
   * carry over; a new interner when none is given).
   */
  constructor(facets: PackedFacets = new PackedFacets(new Interner())) {
    this.#facets = facets;
  }

  /** The facets for the writer's next folds: these, or new ones once they hold too many names. */
  nextFacets(): PackedFacets {
    return this.#facets.names.size > MAX_NAMES ? new PackedFacets(new Interner()) : this.#facets;
  }

  /** Folds the messages one append stored, queued in row `queueId`. */
  add(stored: ReadonlyArray<{ message: Message }>, queueId: string): void {
    this.queueIds.push(queueId);
    const facets = this.#facets;
    const byId = this.#byId;
    for (const { message: m } of stored) {
      // By the user id as parsed: no person key (`#<id>`) made and hashed per message.
      const id = m.user_id;
      let u = id !== null && id !== "" ? byId.get(id) : this.users.get(m.user_name);
      if (u === undefined) {
        const p = personKey(m);
        this.users.set(p, u = newPackedUser(p));
        if (id !== null && id !== "") byId.set(id, u);
      }
      let c = this.channels.get(m.channel);
      if (c === undefined) this.channels.set(m.channel, c = newPackedChannel(m.channel));
      foldPacked(u, c, m, facets.of(m));
    }
  }

  /** How many messages the fold of one rollup of `kind` holds (undefined: none). */
  count(kind: number, name: string): number | undefined {
    return (kind === USER_KIND ? this.users.get(name) : this.channels.get(name))?.message_count;
  }

  /** The fold of one rollup of `kind` in the plain form (to merge with other states). */
  plain(kind: number, name: string): AnyState | undefined {
    const names = this.#facets.names;
    if (kind === USER_KIND) {
      const u = this.users.get(name);
      return u === undefined ? undefined : toUserState(u, names);
    }
    const c = this.channels.get(name);
    return c === undefined ? undefined : toChannelState(c, names);
  }

  /** Every fold's stored text (as {@link encode} writes its plain form), per kind and name. */
  encodeAll(): Array<Map<string, string>> {
    const names = this.#facets.names;
    const users = new Map<string, string>();
    const channels = new Map<string, string>();
    for (const [n, s] of this.users) users.set(n, encodePackedUser(s, names));
    for (const [n, s] of this.channels) channels.set(n, encodePackedChannel(s, names));
    return [users, channels]; // by kind: USER_KIND 0, CHANNEL_KIND 1
  }
}

/**
 * Seconds after which another writer's queued messages are folded by any compactor (their
 * writer stopped or crashed before its compaction).
 */
export const ORPHAN_SECONDS = 60;

/**
 * A compaction that finds this many parts of a rollup (or more) merges those it can lock into
 * the part it writes: a rollup keeps a few parts, which every read merges.
 */
export const MAX_PARTS = 4;

/** Rollup parts by key (kind, name, part), as three columns. */
interface PartKeys {
  kinds: number[];
  names: string[];
  parts: string[];
}

/**
 * The stored parts of those of `names` (per kind) that have {@link MAX_PARTS} or more, those
 * this transaction could lock (`SKIP LOCKED`: another compactor merging some is not waited
 * for), decoded per kind and name, with their part ids (to delete once merged).
 */
async function oldParts(
  tx: TxSql,
  names: readonly string[][],
): Promise<{ states: Array<Map<string, AnyState[]>>; parts: PartKeys }> {
  const kinds = names.flatMap((list, kind) => list.map(() => kind));
  const all = names.flat();
  const states: Array<Map<string, AnyState[]>> = [new Map(), new Map()];
  const parts: PartKeys = { kinds: [], names: [], parts: [] };
  if (all.length === 0) return { states, parts };
  const rows = await tx<Array<{ kind: number; name: string; part: string; state: string | null }>>`
    SELECT r.kind, r.name, r.part::text AS part, r.state FROM rollups r
    JOIN (
      SELECT kind, name FROM rollups
      WHERE (kind, name) IN (SELECT k, n FROM unnest(${kinds}::int2[], ${all}::text[]) AS u(k, n))
      GROUP BY kind, name HAVING count(*) >= ${MAX_PARTS}
    ) full_ ON full_.kind = r.kind AND full_.name = r.name
    ORDER BY r.kind, r.name, r.part
    FOR UPDATE OF r SKIP LOCKED`;
  for (const r of rows) {
    parts.kinds.push(r.kind);
    parts.names.push(r.name);
    parts.parts.push(r.part);
    if (r.state === null) continue;
    const m = states[r.kind]!;
    const s = decode(r.kind, r.state);
    const had = m.get(r.name);
    if (had === undefined) m.set(r.name, [s]);
    else had.push(s);
  }
  return { states, parts };
}

/** Messages read back per fetch. */
const READ_BACK = 10_000;

/** Rollups by kind and name, as two columns. */
interface Keys {
  kinds: number[];
  names: string[];
}

/**
 * Folds the queued messages of writer `owner` (folded in memory in `mine`) and those that
 * waited longer than {@link ORPHAN_SECONDS} into their rollups, in one transaction (see the
 * module's notes); returns how many messages were folded.
 */
export async function compactPending(
  sql: Sql,
  mine: PendingFolds | null = null,
  owner: string | null = null,
): Promise<number> {
  return await sql.begin(async (tx) => {
    // Compactors do not block each other (ROW EXCLUSIVE does not conflict with itself); a
    // recomputation's SHARE ROW EXCLUSIVE waits for them, and they for it.
    await tx`LOCK TABLE rollups IN ROW EXCLUSIVE MODE`;
    // The queue's entries are grouped by rollup and by login (a few hundred thousand rows
    // per compaction): sorted in memory, not in temporary files (the default is 4 MB).
    await tx`SET LOCAL work_mem = '64MB'`;
    // While the server takes the queue, the writer's folds are encoded here: most of them are
    // written as they are (a rollup none of whose messages is read back or merged with parts).
    let texts: Array<Map<string, string>> = [new Map(), new Map()];
    const taken = await takeQueue(tx, owner, mine?.queueIds ?? [], () => {
      if (mine !== null) texts = mine.encodeAll();
    });
    if (taken.rows === 0) return 0;
    if (taken.total === 0) {
      // Every entry of the rows taken was taken out before (a forget): the rows go, nothing else.
      await addTakenSpans(tx);
      return 0;
    }
    // Per kind: the rollups whose in-memory fold is used; those whose folded entries are read back.
    const held: Array<Set<string>> = [new Set(), new Set()];
    const names: string[][] = [[], []];
    const again: Keys = { kinds: [], names: [] };
    for (const r of taken.keys) {
      const kind = Number(r.kind);
      names[kind]!.push(r.name);
      if (r.ours === 0) continue;
      if (r.ours === mine?.count(kind, r.name)) held[kind]!.add(r.name);
      else {
        again.kinds.push(kind);
        again.names.push(r.name);
      }
    }
    // Nothing to read back when every row taken is one the folds hold and no fold lost entries.
    const extra = taken.foreign || again.names.length > 0
      ? await readBack(tx, again)
      : [new Map(), new Map()];
    await writeParts(tx, names, (kind, n) => {
      const back = extra[kind]!.get(n);
      const fold: Fresh["fold"] = !held[kind]!.has(n) ? undefined : {
        text: texts[kind]!.get(n),
        plain: () => mine!.plain(kind, n)!,
      };
      return { fold, back };
    });
    await addTakenSpans(tx);
    return taken.total;
  }) as number;
}

/**
 * Locks the queue rows this compaction takes (those of `owner`, unowned ones, and those that
 * waited too long; rows another compactor is taking are skipped, not waited for) and notes
 * them in the transaction's `stage_taken` (a row each, `own` when the writer's folds hold its
 * entries: it is one of `folded`); {@link addTakenSpans} deletes them at the end. The entries
 * are read from the queue rows themselves, unnested where they are used (never copied into a
 * table of one row per entry: 200,000 temporary rows per 100,000 messages, a third of the
 * compaction's server time). Returns how many rows and messages were taken, whether any row
 * is not `own`, and, per rollup (kind 0 a person, 1 a channel), how many of its entries are
 * the writer's folded ones. The statements are sent at once; `meanwhile` runs while the
 * server works on them.
 */
async function takeQueue(
  tx: TxSql,
  owner: string | null,
  folded: readonly string[],
  meanwhile: () => void,
): Promise<{
  rows: number;
  total: number;
  foreign: boolean;
  keys: Array<{ kind: number; name: string; ours: number }>;
}> {
  const created = tx`
    CREATE TEMPORARY TABLE IF NOT EXISTS stage_taken (id bigint, own boolean)
    ON COMMIT DELETE ROWS`;
  const taken = tx<Array<{ own: boolean }>>`
    INSERT INTO stage_taken
    SELECT id, coalesce(owner = ${owner}::bigint AND id = ANY(${folded as string[]}::bigint[]), false)
    FROM rollup_queue
    WHERE owner = ${owner}::bigint OR owner IS NULL
      OR queued_at < now() - make_interval(secs => ${ORPHAN_SECONDS})
    FOR UPDATE SKIP LOCKED
    RETURNING own`;
  // One pass over the entries: per person, per channel, and all (the messages taken); the
  // person set's group of entries without a person (a forget's) is left out below.
  const grouped = tx<Array<{ kind: number; name: string | null; ours: number; n: number }>>`
    SELECT grouping(u.person, u.channel) AS kind, coalesce(u.person, u.channel) AS name,
      (count(*) FILTER (WHERE t.own))::int AS ours, count(*)::int AS n
    FROM stage_taken t JOIN rollup_queue q ON q.id = t.id
      CROSS JOIN LATERAL unnest(q.persons, q.channels) AS u(person, channel)
    WHERE u.person IS NOT NULL OR u.channel IS NOT NULL
    GROUP BY GROUPING SETS ((u.person), (u.channel), ())`;
  // In order on the transaction's connection; all awaited below (none left unhandled).
  const all = Promise.all([created, taken, grouped].map((q) => q.execute()));
  all.catch(() => {});
  await sendNow();
  meanwhile();
  await all;
  const rows = await taken;
  const keys: Array<{ kind: number; name: string; ours: number }> = [];
  let total = 0;
  // grouping(): 1 in the person set (channel not grouped), 2 in the channel set, 3 in all.
  for (const g of await grouped) {
    if (g.kind === 3) total = g.n;
    else if (g.name !== null) {
      keys.push({ kind: g.kind === 1 ? USER_KIND : CHANNEL_KIND, name: g.name, ours: g.ours });
    }
  }
  return { rows: rows.length, total, foreign: rows.some((r) => !r.own), keys };
}

/**
 * Folds the taken messages that no in-memory fold holds: those of rows not `own`, and every one
 * of the rollups in `again` (whose fold lost some of its messages).
 */
async function readBack(tx: TxSql, again: Keys): Promise<Array<Map<string, AnyState>>> {
  const extra: Array<Map<string, AnyState>> = [new Map(), new Map()];
  const back = tx<Array<{ seq: string; kind: number; name: string; record: string }>>`
    SELECT c.seq::text AS seq, c.kind, c.name, m.record
    FROM (
      SELECT u.seq, k.kind, k.name, t.own
      FROM stage_taken t JOIN rollup_queue q ON q.id = t.id
        CROSS JOIN LATERAL unnest(q.seqs, q.persons, q.channels) AS u(seq, person, channel)
        CROSS JOIN LATERAL (VALUES (0::smallint, u.person), (1::smallint, u.channel)) AS k(kind, name)
      WHERE k.name IS NOT NULL
    ) c JOIN messages m ON m.seq = c.seq
    WHERE NOT c.own OR (c.kind, c.name) IN (
      SELECT k, n FROM unnest(${again.kinds}::int2[], ${again.names}::text[]) AS u(k, n))
    ORDER BY c.seq`;
  let last: { seq: string; m: Message; f: ReturnType<typeof facetsOf> } | null = null;
  for await (const rows of back.cursor(READ_BACK)) {
    for (const r of rows) {
      if (last === null || last.seq !== r.seq) {
        const m = JSON.parse(r.record) as Message;
        last = { seq: r.seq, m, f: facetsOf(m) };
      }
      foldQueued(extra[r.kind]!, r.kind, r.name, last.m, last.f);
    }
  }
  return extra;
}

/** What a compaction folded of one rollup: the writer's fold (when used), the read-back state. */
interface Fresh {
  /** Its stored text (encoded beforehand) and, to merge it, its plain form. */
  fold: { text: string | undefined; plain: () => AnyState } | undefined;
  back: AnyState | undefined;
}

/**
 * Writes one new part per rollup of `names` (per kind): the merge of its `fresh` states and of
 * its old parts when it has {@link MAX_PARTS} or more (those deleted in the same commit). A
 * writer's fold with nothing to merge is written as the text it was encoded to beforehand.
 */
async function writeParts(
  tx: TxSql,
  names: readonly string[][],
  fresh: (kind: number, name: string) => Fresh,
): Promise<void> {
  const old = await oldParts(tx, names);
  const out: Array<[number, string, string]> = [];
  for (const kind of [USER_KIND, CHANNEL_KIND]) {
    for (const n of names[kind]!) {
      const { fold, back } = fresh(kind, n);
      const olds = old.states[kind]!.get(n) ?? [];
      if (fold?.text !== undefined && back === undefined && olds.length === 0) {
        out.push([kind, n, fold.text]);
        continue;
      }
      const parts = [fold?.plain(), back, ...olds].filter((s): s is AnyState => s !== undefined);
      if (parts.length === 0) continue;
      out.push([kind, n, encode(kind, mergeStates(parts))]);
    }
  }
  if (old.parts.parts.length > 0) {
    const { kinds, names: ns, parts } = old.parts;
    await tx`
      DELETE FROM rollups r
      USING unnest(${kinds}::int2[], ${ns}::text[], ${parts}::bigint[]) AS u(k, n, p)
      WHERE r.kind = u.k AND r.name = u.n AND r.part = u.p`;
  }
  // New parts: inserted only, so no other compactor's write can be lost or waited for.
  await copyLines(
    tx,
    "rollups",
    ["kind", "name", "state"],
    out.map(([kind, n, text]) => `${kind}\t${copyText(n)}\t${copyJson(text)}`),
  );
}

/**
 * Deletes the queue rows taken (`stage_taken`) and adds the login spans and display names of
 * their entries (those with a person, in rows that carry their times) to `person_logins` /
 * `person_display`, in one statement: per person and login the count, the earliest time, the
 * latest with the smallest message id of that time, merged by {@link mergeSpans}. One sort of
 * the entries by person, login, time (latest first) and id gives each span's first row (the
 * latest use) and, over its partition, its count and earliest time (an `array_agg ... ORDER BY`
 * per span sorted each span again: 25,000 small sorts per 100,000 messages; the window is ordered
 * as the result, so one sort serves both). Rows in key order
 * (two compactors lock them in the same order: no deadlock); the display names are inserted
 * after the spans, when the statement ends.
 */
async function addTakenSpans(tx: TxSql): Promise<void> {
  await tx`
    WITH d AS (
      DELETE FROM rollup_queue q USING stage_taken t WHERE q.id = t.id
      RETURNING q.persons, q.logins, q.tss, q.mids, q.displays
    ), e AS (
      SELECT u.person, u.login, u.ts, u.mid, u.display
      FROM d CROSS JOIN LATERAL unnest(d.persons, d.logins, d.tss, d.mids, d.displays)
        AS u(person, login, ts, mid, display)
      WHERE d.tss IS NOT NULL AND u.person IS NOT NULL
    ), names AS (
      INSERT INTO person_display (person, name)
      SELECT DISTINCT person, display FROM e WHERE display IS NOT NULL
      ORDER BY 1, 2
      ON CONFLICT DO NOTHING
    )
    INSERT INTO person_logins AS p (person, login, first_seen, last_seen, last_mid, count)
    SELECT DISTINCT ON (person, login) person, login, min(ts) OVER w, ts, mid, count(*) OVER w
    FROM e
    WINDOW w AS (
      PARTITION BY person, login ORDER BY ts DESC, mid
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
    ORDER BY person, login, ts DESC, mid
    ${mergeSpans(tx)}`;
}
