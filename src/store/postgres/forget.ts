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
import type { Sql } from "./client.ts";
import { personKey } from "../../analysis/identity.ts";
import { lockRollups, type Touched } from "./rollups.ts";
import { recomputeRollups } from "./rollup_recompute.ts";

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
    const channels = [...req.channels];
    // Persons (rollup keys): the forgotten logins' own, and those of every record decided.
    const affectedUsers = new Set<string>(users);
    const affectedChannels = new Set<string>(channels);
    const learnedIds = new Set<string>();
    for (const table of ["messages", "events"] as const) {
      const kind = table === "messages" ? "message" : "event";
      const counts = res[table];
      // The rows of forgotten users / channels / older than the cutoff, first.
      const direct = await tx<Array<{ seq: string; record: string }>>`
        SELECT seq, record FROM ${tx(table)}
        WHERE user_name = ANY(${users}::text[]) OR channel = ANY(${channels}::text[])
          ${req.beforeMs !== undefined ? tx`OR ts_ms < ${req.beforeMs}` : tx``}
        ORDER BY seq`;
      const drop: string[] = [];
      const replace: Array<{ seq: string; rec: Record<string, unknown> }> = [];
      const seen = new Set<string>();
      const userSet = new Set(users);
      const decideRow = (r: { seq: string; record: string }) => {
        if (seen.has(r.seq)) return;
        seen.add(r.seq);
        const rec = JSON.parse(r.record) as Record<string, unknown>;
        const d = req.decide(rec, kind);
        if (d === "keep") return;
        if (typeof rec.user_name === "string") {
          const id = typeof rec.user_id === "string" ? rec.user_id : null;
          affectedUsers.add(personKey({ user_id: id, user_name: rec.user_name }));
        }
        if (typeof rec.channel === "string") affectedChannels.add(rec.channel);
        // A forgotten user's Twitch id marks others' records too (event parameters).
        if (
          d === "drop" && typeof rec.user_name === "string" && userSet.has(rec.user_name) &&
          typeof rec.user_id === "string" && rec.user_id !== ""
        ) {
          learnedIds.add(rec.user_id);
        }
        if (d === "drop") drop.push(r.seq);
        else replace.push({ seq: r.seq, rec: d.replace });
      };
      for (const r of direct) decideRow(r);
      // Then others' rows naming a forgotten login (any case) or a learned id anywhere.
      const needles = [...users, ...learnedIds, ...(req.extraNeedles?.() ?? [])];
      if (needles.length > 0) {
        const pats = needles.map(likeAnywhere);
        const others = await tx<Array<{ seq: string; record: string }>>`
          SELECT seq, record FROM ${tx(table)} WHERE record ILIKE ANY(${pats}::text[])
          ORDER BY seq`;
        for (const r of others) decideRow(r);
      }
      counts.removed = drop.length;
      counts.scrubbed = replace.length;
      if (req.dryRun) continue;
      if (drop.length > 0) {
        await tx`DELETE FROM ${tx(table)} WHERE seq = ANY(${drop}::int8[])`;
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
    if (!req.dryRun) {
      // The persons who used the forgotten logins, too (their rollups are keyed by id).
      const holders = await tx<Array<{ person: string }>>`
        SELECT DISTINCT person FROM person_logins WHERE login = ANY(${users}::text[])`;
      for (const h of holders) affectedUsers.add(h.person);
      const before = await tx<Array<{ login: string }>>`
        SELECT DISTINCT login FROM person_logins
        WHERE person = ANY(${[...affectedUsers]}::text[])`;
      res.logins = before.map((r) => r.login).sort();
      const touched = await recomputeRollups(tx, [...affectedUsers], [...affectedChannels]);
      res.touched = touched;
      res.gone.users = [...affectedUsers].filter((u) => !touched.users.has(u)).sort();
      res.gone.channels = [...affectedChannels].filter((c) => !touched.channels.has(c)).sort();
    }
    return res;
  });
  return result as PgForgetResult;
}
