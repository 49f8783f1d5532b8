/**
 * `db status`: what a database holds, for a person checking a fleet's system of record.
 *
 * @module
 */
import type { Sql } from "./client.ts";
import { SCHEMA_VERSION, schemaVersion } from "./migrate.ts";

/** The schema version and row counts of a database. */
export interface DbStatus {
  /** The version found (0: no schema yet). */
  schemaVersion: number;
  /** The version this program writes. */
  programVersion: number;
  messages: number;
  events: number;
  users: number;
  channels: number;
  optout: number;
  /** Total size of the database on disk, bytes. */
  bytes: number;
}

/** Reads the status (counts are exact). */
export async function dbStatus(sql: Sql): Promise<DbStatus> {
  const version = await schemaVersion(sql);
  const [size] = await sql<Array<{ b: string }>>`
    SELECT pg_database_size(current_database())::text AS b`;
  const base = {
    schemaVersion: version,
    programVersion: SCHEMA_VERSION,
    messages: 0,
    events: 0,
    users: 0,
    channels: 0,
    optout: 0,
    bytes: Number(size?.b ?? 0),
  };
  if (version === 0 || version > SCHEMA_VERSION) return base;
  const [c] = await sql<
    Array<{ messages: string; events: string; users: string; channels: string; optout: string }>
  >`
    SELECT
      (SELECT count(*) FROM messages)::text AS messages,
      (SELECT count(*) FROM events)::text AS events,
      ${
    version >= 2
      ? sql`(SELECT count(*) FROM (SELECT person FROM person_logins ${
        version >= 5
          ? sql`UNION SELECT p FROM rollup_queue CROSS JOIN LATERAL unnest(persons) AS p
            WHERE p IS NOT NULL AND tss IS NOT NULL`
          : sql``
      }) u)::text AS users,
      (SELECT count(*) FROM (SELECT name FROM rollups WHERE kind = 1 AND state IS NOT NULL
        UNION ${
        version >= 4
          ? sql`SELECT c FROM rollup_queue CROSS JOIN LATERAL unnest(channels) AS c
            WHERE c IS NOT NULL`
          : sql`SELECT name FROM rollup_pending WHERE kind = 1`
      }) c)::text AS channels,`
      : sql`(SELECT count(*) FROM rollups WHERE kind = 0 AND state IS NOT NULL)::text AS users,
      (SELECT count(*) FROM rollups WHERE kind = 1 AND state IS NOT NULL)::text AS channels,`
  }
      (SELECT count(*) FROM optout)::text AS optout`;
  return {
    ...base,
    messages: Number(c!.messages),
    events: Number(c!.events),
    users: Number(c!.users),
    channels: Number(c!.channels),
    optout: Number(c!.optout),
  };
}
