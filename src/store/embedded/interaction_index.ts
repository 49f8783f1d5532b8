/**
 * The interactions of the embedded index (`index.sqlite`): who addressed whom, kept by the
 * index writer as it indexes each message, so that the interaction graph of a million messages
 * reads a few hundred thousand small rows instead of the whole log.
 *
 * - `interactions`: one row per message that addresses someone (an @mention or a reply), keyed
 *   by the message's row in `messages`: its time, author (person and login), channel, the logins
 *   it mentions (space-separated: a login holds no space) and whom it replies to. Logins stay as
 *   written: resolving them to persons at the message's time is the query layer's work (the
 *   identity directory changes as the rollups learn more).
 * - How many messages each author wrote in scope is counted from the indexed rows: from
 *   `person_rows` (in person order), or from a channel's rows of `messages`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { interactionRowOf } from "./interaction_index.ts";
 * const m = { ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: "7",
 *   user_name: "fan", text: "@a @b hi", mentions: ["a", "b"], urls: [], emotes: [], source: "fixture" as const };
 * deepStrictEqual(interactionRowOf(m), { mentions: "a b", reply_login: null, reply_id: null });
 * deepStrictEqual(interactionRowOf({ ...m, mentions: [] }), null);
 * ```
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Message } from "../../schemas.ts";
import type {
  AuthorCount,
  InteractionInput,
  InteractionRecord,
  InteractionScope,
} from "../store.ts";
import { IsoTimes } from "../iso_times.ts";

/** The tables of the interactions, created with the index. */
export const INTERACTION_SCHEMA = `
CREATE TABLE IF NOT EXISTS interactions(
  rid INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  cid INTEGER NOT NULL,
  mentions TEXT NOT NULL,
  reply_login TEXT,
  reply_id TEXT
);
`;

/** What the index keeps of a message that addresses someone. */
export interface InteractionRow {
  /** The mentioned logins, space-separated (may be empty for a reply). */
  mentions: string;
  reply_login: string | null;
  reply_id: string | null;
}

/** The interaction row of a message, or null when it addresses no one. */
export function interactionRowOf(m: Message): InteractionRow | null {
  const reply = m.reply_to && m.reply_to.user_name !== "" ? m.reply_to : null;
  if (m.mentions.length === 0 && reply === null) return null;
  return {
    mentions: m.mentions.join(" "),
    reply_login: reply?.user_name ?? null,
    reply_id: reply?.user_id ?? null,
  };
}

/** The SQL conditions (and parameters) of a scope over a table with `ts` and `cid`. */
function scopeWhere(
  q: InteractionScope,
  cid: number | null,
  excluded: readonly number[],
): { where: string; params: number[] } {
  const conds: string[] = [];
  const params: number[] = [];
  if (excluded.length > 0) {
    conds.push(`cid NOT IN (${excluded.map(() => "?").join(",")})`);
    params.push(...excluded);
  }
  if (cid !== null) {
    conds.push("cid = ?");
    params.push(cid);
  }
  if (q.sinceMs !== undefined) {
    conds.push("ts >= ?");
    params.push(q.sinceMs);
  }
  if (q.untilMs !== undefined) {
    conds.push("ts < ?");
    params.push(q.untilMs);
  }
  return { where: conds.length ? `WHERE ${conds.join(" AND ")}` : "", params };
}

/**
 * How many messages each person wrote in scope, by person id (ascending). Counted in the order
 * of `person_rows` (no sort; no table reads without a channel): per segment and person there,
 * summed over the segments here.
 */
function authorCounts(
  db: DatabaseSync,
  cid: number | null,
  where: string,
  params: readonly number[],
): Array<[number, number]> {
  const counts = db.prepare(
    cid === null
      ? `SELECT pid, count(*) AS n FROM person_rows ${where} GROUP BY seg, pid`
      : `SELECT pid, count(*) AS n FROM messages ${where} GROUP BY pid`,
  ).all(...params) as Array<{ pid: number; n: number }>;
  const byPerson = new Map<number, number>();
  for (const r of counts) {
    const pid = Number(r.pid);
    byPerson.set(pid, (byPerson.get(pid) ?? 0) + Number(r.n));
  }
  return [...byPerson].sort((a, b) => a[0] - b[0]);
}

/** Every name of the index by id (logins, channels, person keys). */
function namesById(db: DatabaseSync): Map<number, string> {
  const out = new Map<number, string>();
  const stmt = db.prepare("SELECT id, name FROM names");
  stmt.setReturnArrays(true);
  for (const [id, name] of stmt.all() as unknown as Array<[number, string]>) {
    out.set(Number(id), name);
  }
  return out;
}

/**
 * The indexed messages in scope that address someone, as interaction records (in row order),
 * and how many messages each person wrote in scope.
 */
export function indexedInteractions(
  db: DatabaseSync,
  q: InteractionScope,
): InteractionInput {
  const names = namesById(db);
  let cid: number | null = null;
  if (q.channel !== undefined) {
    const row = db.prepare("SELECT id FROM names WHERE name = ?").get(q.channel) as
      | { id: number }
      | undefined;
    if (row === undefined) return { addressing: [], authors: [] };
    cid = Number(row.id);
  }
  const excluded = (q.excludeChannels ?? []).map((c) =>
    (db.prepare("SELECT id FROM names WHERE name = ?").get(c) as { id: number } | undefined)?.id
  ).filter((id) => id !== undefined).map(Number);
  const { where, params } = scopeWhere(q, cid, excluded);
  const name = (id: number | bigint) => names.get(Number(id)) ?? "";
  const addressing: InteractionInput["addressing"] = [];
  // Rows as arrays: node:sqlite builds an object per row at several times the cost.
  const stmt = db.prepare(
    `SELECT ts, pid, uid, cid, mentions, reply_login, reply_id FROM interactions ${where}`,
  );
  stmt.setReturnArrays(true);
  const rows = stmt.all(...params) as unknown as Array<
    [number, number, number, number, string, string | null, string | null]
  >;
  // In log order, close to time order: most times share the minute of the one before.
  const iso = new IsoTimes();
  for (const [ts, pid, uid, cid, mentions, replyLogin, replyId] of rows) {
    const person = name(pid);
    const r: InteractionRecord = {
      ts: iso.of(Number(ts)),
      channel: name(cid),
      user_id: person.startsWith("#") ? person.slice(1) : null,
      user_name: name(uid),
      mentions: mentions === "" ? [] : mentions.split(" "),
    };
    if (replyLogin !== null) {
      r.reply_to = {
        message_id: "",
        user_name: replyLogin,
        ...(replyId !== null ? { user_id: replyId } : {}),
      };
    }
    addressing.push(r);
  }
  const authors: AuthorCount[] = authorCounts(db, cid, where, params).map(([pid, count]) => ({
    person: name(pid),
    count,
  }));
  return { addressing, authors };
}
