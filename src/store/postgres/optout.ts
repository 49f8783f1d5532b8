/**
 * The opt-out lists of a fleet, in PostgreSQL (table `optout`): every monitor and reader of
 * the database sees the same lists, so a person who opted out is neither stored nor served by
 * any of them.
 *
 * @module
 */
import type { Sql } from "./client.ts";

const KIND = { user: 0, channel: 1 } as const;

/** Both lists, sorted. */
export async function readOptout(sql: Sql): Promise<{ users: string[]; channels: string[] }> {
  const rows = await sql<Array<{ kind: number; name: string }>>`
    SELECT kind, name FROM optout ORDER BY kind, name`;
  return {
    users: rows.filter((r) => r.kind === KIND.user).map((r) => r.name),
    channels: rows.filter((r) => r.kind === KIND.channel).map((r) => r.name),
  };
}

/** Adds or removes names; returns what changed (`user x`, `channel y`). */
export async function updateOptout(
  sql: Sql,
  change: { add: boolean; users?: readonly string[]; channels?: readonly string[] },
): Promise<string[]> {
  const changed: string[] = [];
  for (const [label, names] of [["user", change.users], ["channel", change.channels]] as const) {
    for (const n of names ?? []) {
      const k = KIND[label];
      const rows = change.add
        ? await sql`INSERT INTO optout (kind, name) VALUES (${k}, ${n}) ON CONFLICT DO NOTHING
            RETURNING name`
        : await sql`DELETE FROM optout WHERE kind = ${k} AND name = ${n} RETURNING name`;
      if (rows.length > 0) changed.push(`${label} ${n}`);
    }
  }
  return changed;
}
