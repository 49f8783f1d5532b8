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

/** Replaces both lists in one transaction. */
export async function replaceOptout(
  sql: Sql,
  lists: { users: readonly string[]; channels: readonly string[] },
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`DELETE FROM optout`;
    const kinds = [
      ...lists.users.map(() => KIND.user),
      ...lists.channels.map(() => KIND.channel),
    ];
    const names = [...lists.users, ...lists.channels];
    if (names.length > 0) {
      await tx`INSERT INTO optout (kind, name)
        SELECT * FROM unnest(${kinds}::int2[], ${names}::text[]) ON CONFLICT DO NOTHING`;
    }
  });
}

/** A token that changes whenever the lists change (a digest of their content). */
export async function optoutStamp(sql: Sql): Promise<string> {
  const [row] = await sql<Array<{ s: string }>>`
    SELECT md5(coalesce(string_agg(kind::text || ':' || name, ',' ORDER BY kind, name), ''))
      AS s FROM optout`;
  return `pg:${row?.s ?? ""}`;
}
