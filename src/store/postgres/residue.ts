/**
 * The residue check of forget, in PostgreSQL: how often a forgotten name still occurs, as a
 * whole word, in the live rows of each table (what `pg_dump --data-only` would show).
 *
 * @module
 */
import type { Sql } from "./client.ts";

/** Text columns of each table, as one text per row. */
const TABLES: ReadonlyArray<[string, string]> = [
  [
    "messages",
    "message_id || ' ' || user_name || ' ' || channel || ' ' || folded || ' ' || record",
  ],
  [
    "events",
    "event_id || ' ' || coalesce(user_name, '') || ' ' || channel || ' ' || folded || ' ' || record",
  ],
  ["rollups", "name || ' ' || coalesce(state, '')"],
  ["rollup_queue", "array_to_string(persons, ' ') || ' ' || array_to_string(channels, ' ')"],
  ["person_logins", "person || ' ' || login || ' ' || last_mid"],
  ["person_display", "person || ' ' || name"],
  ["optout", "name"],
];

/**
 * Counts whole-word matches of `word` per table. `any` (a pre-test) is tried as a PostgreSQL
 * case-insensitive regular expression to narrow the rows; when PostgreSQL cannot read it, every
 * row is read.
 */
export async function tableResidue(
  sql: Sql,
  word: RegExp,
  any: RegExp,
): Promise<Array<{ table: string; count: number }>> {
  const out: Array<{ table: string; count: number }> = [];
  for (const [table, expr] of TABLES) {
    let rows: Array<{ t: string }>;
    try {
      rows = await sql<Array<{ t: string }>>`
        SELECT ${sql.unsafe(expr)} AS t FROM ${sql(table)} WHERE ${
        sql.unsafe(expr)
      } ~* ${any.source}`;
    } catch {
      rows = await sql<Array<{ t: string }>>`SELECT ${sql.unsafe(expr)} AS t FROM ${sql(table)}`;
    }
    let count = 0;
    for (const r of rows) {
      const re = new RegExp(word.source, word.flags.includes("g") ? word.flags : word.flags + "g");
      count += [...r.t.matchAll(re)].length;
    }
    if (count > 0) out.push({ table, count });
  }
  return out;
}
