/**
 * Forget and retention in PostgreSQL: one transaction deletes the rows of forgotten users and
 * channels (and rows older than a cutoff), rewrites other people's records that name a
 * forgotten login (the decision per record is the privacy layer's, passed in, so both stores
 * scrub exactly alike), and recomputes every rollup those rows fed. Afterwards no live row of
 * any table holds the login (`pg_dump --data-only` shows none), except the opt-out list, which
 * must keep it to do its job.
 *
 * Monitors may keep writing meanwhile: the transaction is REPEATABLE READ and locks the rollups
 * against compaction before its first query, so the recomputed rollups replace exactly the
 * queued messages it saw, and a message appended meanwhile stays queued and is counted once
 * (a conflict with such an append is a serialization failure: the whole forget runs again).
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { fold } from "../../normalize.ts";
import type { Sql, TxSql } from "./client.ts";
import { personKey } from "../../analysis/identity.ts";
import { lockRollups, type Touched } from "./rollups.ts";
import { recomputeRollups } from "./rollup_recompute.ts";
import { queuedLogins } from "./persons.ts";

/** What to do with one record (the privacy layer's rule). */
export type PgRecordDecision = "keep" | "drop" | { replace: Record<string, unknown> };

/** What to forget, and how to decide each record that may concern it. */
export interface PgForgetRequest {
  users: readonly string[];
  channels: readonly string[];
  /** Epoch ms: records strictly older are dropped (retention). */
  beforeMs?: number;
  /**
   * Decides a record that may concern the request; called for every row of a forgotten user or
   * channel (first, so that it can learn their user ids), then for others' rows that hold a
   * forgotten login or one of `extraNeedles()` anywhere in their JSON.
   */
  decide: (record: Record<string, unknown>, kind: "message" | "event") => PgRecordDecision;
  /** Strings learned while deciding (user ids of forgotten users) that mark records too. */
  extraNeedles?: () => Iterable<string>;
  dryRun?: boolean;
}

/** What a forget did per table. */
export interface PgForgetResult {
  messages: { removed: number; scrubbed: number };
  events: { removed: number; scrubbed: number };
  /** Rollups recomputed (persons and channels: their profile files must be rewritten). */
  touched: Touched;
  /** Persons and channels whose rollups were dropped (no message left). */
  gone: { users: string[]; channels: string[] };
  /** The logins the persons touched or gone used before the forget (their files may move). */
  logins: string[];
}

function likeAnywhere(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What a forget learns as it decides rows, across tables. */
interface ForgetScope {
  users: string[];
  userSet: Set<string>;
  /** Persons (rollup keys): the forgotten logins' own, and those of every record decided. */
  affectedUsers: Set<string>;
  affectedChannels: Set<string>;
  /** Twitch ids of forgotten users, which mark others' records too (event parameters). */
  learnedIds: Set<string>;
}

/** Runs a forget (or retention) in one transaction. */
export async function forgetRows(sql: Sql, req: PgForgetRequest): Promise<PgForgetResult> {
  const result = await sql.begin("isolation level repeatable read", async (tx) => {
    // Before the first query: the snapshot is taken after the lock.
    await lockRollups(tx);
    const res: PgForgetResult = {
      messages: { removed: 0, scrubbed: 0 },
      events: { removed: 0, scrubbed: 0 },
      touched: { users: new Set(), channels: new Set() },
      gone: { users: [], channels: [] },
      logins: [],
    };
    const users = [...req.users];
    const scope: ForgetScope = {
      users,
      userSet: new Set(users),
      affectedUsers: new Set(users),
      affectedChannels: new Set(req.channels),
      learnedIds: new Set(),
    };
    for (const table of ["messages", "events"] as const) {
      const { drop, replace } = await decideTable(tx, table, req, scope);
      res[table] = { removed: drop.length, scrubbed: replace.length };
      if (!req.dryRun) await applyDecisions(tx, table, drop, replace);
    }
    if (!req.dryRun) await recomputeAffected(tx, scope, res);
    return res;
  });
  return result as PgForgetResult;
}

/**
 * Decides the rows of `table` a forget changes: those of forgotten users and channels (or
 * older than the cutoff) first, then others' rows naming a forgotten login (any case) or a
 * learned id anywhere. Returns the rows to delete and the records that replace others.
 */
async function decideTable(
  tx: TxSql,
  table: "messages" | "events",
  req: PgForgetRequest,
  scope: ForgetScope,
): Promise<{ drop: string[]; replace: Array<{ seq: string; rec: Record<string, unknown> }> }> {
  const kind = table === "messages" ? "message" : "event";
  const drop: string[] = [];
  const replace: Array<{ seq: string; rec: Record<string, unknown> }> = [];
  const seen = new Set<string>();
  const decideRow = (r: { seq: string; record: string }) => {
    if (seen.has(r.seq)) return;
    seen.add(r.seq);
    const rec = JSON.parse(r.record) as Record<string, unknown>;
    const d = req.decide(rec, kind);
    if (d === "keep") return;
    if (typeof rec.user_name === "string") {
      const id = typeof rec.user_id === "string" ? rec.user_id : null;
      scope.affectedUsers.add(personKey({ user_id: id, user_name: rec.user_name }));
    }
    if (typeof rec.channel === "string") scope.affectedChannels.add(rec.channel);
    if (
      d === "drop" && typeof rec.user_name === "string" && scope.userSet.has(rec.user_name) &&
      typeof rec.user_id === "string" && rec.user_id !== ""
    ) {
      scope.learnedIds.add(rec.user_id);
    }
    if (d === "drop") drop.push(r.seq);
    else replace.push({ seq: r.seq, rec: d.replace });
  };
  const direct = await tx<Array<{ seq: string; record: string }>>`
    SELECT seq, record FROM ${tx(table)}
    WHERE user_name = ANY(${scope.users}::text[]) OR channel = ANY(${[...req.channels]}::text[])
      ${req.beforeMs !== undefined ? tx`OR ts_ms < ${req.beforeMs}` : tx``}
    ORDER BY seq`;
  for (const r of direct) decideRow(r);
  const needles = [...scope.users, ...scope.learnedIds, ...(req.extraNeedles?.() ?? [])];
  if (needles.length > 0) {
    const pats = needles.map(likeAnywhere);
    const others = await tx<Array<{ seq: string; record: string }>>`
      SELECT seq, record FROM ${tx(table)} WHERE record ILIKE ANY(${pats}::text[])
      ORDER BY seq`;
    for (const r of others) decideRow(r);
  }
  return { drop, replace };
}

/** Deletes the dropped rows of `table` and writes the scrubbed records in place of others. */
async function applyDecisions(
  tx: TxSql,
  table: "messages" | "events",
  drop: readonly string[],
  replace: ReadonlyArray<{ seq: string; rec: Record<string, unknown> }>,
): Promise<void> {
  if (drop.length > 0) {
    await tx`DELETE FROM ${tx(table)} WHERE seq = ANY(${drop as string[]}::int8[])`;
  }
  for (const { seq, rec } of replace) {
    const text = JSON.stringify(rec);
    if (table === "messages") {
      const m = rec as unknown as Message;
      await tx`UPDATE messages SET record = ${text}, folded = ${fold(m.text)},
        user_name = ${m.user_name} WHERE seq = ${seq}`;
    } else {
      const t = rec.kind === "usernotice"
        ? `${rec.system_text} ${rec.text}`
        : rec.kind === "clearmsg"
        ? String(rec.text)
        : "";
      await tx`UPDATE events SET record = ${text}, folded = ${fold(t)},
        user_name = ${typeof rec.user_name === "string" ? rec.user_name : null}
        WHERE seq = ${seq}`;
    }
  }
}

/**
 * Recomputes the rollups of every affected person and channel (and of the persons who used
 * the forgotten logins: their rollups are keyed by id), noting in `res` which changed, which
 * are gone, and the logins they used before.
 */
async function recomputeAffected(
  tx: TxSql,
  scope: ForgetScope,
  res: PgForgetResult,
): Promise<void> {
  // In the spans and in the queued messages whose spans no compaction has added yet.
  const holders = await tx<Array<{ person: string }>>`
    SELECT person FROM person_logins WHERE login = ANY(${scope.users}::text[])
    UNION SELECT person FROM ${queuedLogins(tx)} q WHERE login = ANY(${scope.users}::text[])`;
  for (const h of holders) scope.affectedUsers.add(h.person);
  const persons = [...scope.affectedUsers];
  const before = await tx<Array<{ login: string }>>`
    SELECT login FROM person_logins WHERE person = ANY(${persons}::text[])
    UNION SELECT login FROM ${queuedLogins(tx)} q WHERE person = ANY(${persons}::text[])`;
  res.logins = before.map((r) => r.login).sort();
  const touched = await recomputeRollups(tx, persons, [...scope.affectedChannels]);
  res.touched = touched;
  res.gone.users = persons.filter((u) => !touched.users.has(u)).sort();
  res.gone.channels = [...scope.affectedChannels].filter((c) => !touched.channels.has(c)).sort();
}
