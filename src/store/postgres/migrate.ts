/**
 * Versioned migrations: numbered `.sql` files in `migrations/`, applied in order, each with its
 * version row in `osint_schema`, all pending ones in ONE transaction under an advisory lock
 * (two monitors starting at once: one migrates, the other waits and finds nothing to do).
 *
 * A database whose schema is newer than this program knows is refused with a clear message
 * (an older monitor must not write into a layout it does not understand).
 *
 * @module
 */
import { StoreError } from "../../errors.ts";
import { guarded, type PgPool, type Sql } from "./client.ts";

/** The migration files, in order; the schema version is the number of the last one. */
export const MIGRATIONS: readonly string[] = [
  "001_init.sql",
  "002_persons.sql",
  "003_queue_owner.sql",
  "004_write_path.sql",
  "005_spans_at_compaction.sql",
];

/** The schema version this program writes and reads. */
export const SCHEMA_VERSION: number = MIGRATIONS.length;

/** An arbitrary constant key for `pg_advisory_xact_lock` (schema changes, one at a time). */
const MIGRATION_LOCK = 7_146_320_114;

async function migrationSql(name: string): Promise<string> {
  const url = new URL(`./migrations/${name}`, import.meta.url);
  try {
    return await Deno.readTextFile(url);
  } catch (e) {
    throw new StoreError(`cannot read migration ${name}: ${(e as Error).message}`, { cause: e });
  }
}

/** The schema version of the database (0: none yet). */
export async function schemaVersion(sql: Sql): Promise<number> {
  const [row] = await sql<Array<{ t: string | null }>>`
    SELECT to_regclass('osint_schema')::text AS t`;
  if (!row?.t) return 0;
  const [v] = await sql<Array<{ v: number | null }>>`
    SELECT max(version)::int AS v FROM osint_schema`;
  return v?.v ?? 0;
}

function tooNew(found: number): StoreError {
  return new StoreError(
    `the database schema is version ${found}, newer than this program understands ` +
      `(${SCHEMA_VERSION}): upgrade twitch-osint on this machine before using that database`,
  );
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** The version before. */
  from: number;
  /** The version now. */
  to: number;
  /** The files applied now. */
  applied: string[];
}

/**
 * Brings the schema to {@link SCHEMA_VERSION}: checks the server's encoding, then applies the
 * pending migrations in one transaction. Throws StoreError when the schema is newer than this
 * program, or when a migration fails (nothing of it is kept).
 */
export function migrate(pool: PgPool): Promise<MigrateResult> {
  return guarded(pool, "migrate the schema", async (sql) => {
    const [enc] = await sql<Array<{ e: string }>>`SELECT current_setting('server_encoding') AS e`;
    if (enc?.e !== "UTF8") {
      throw new StoreError(
        `database ${pool.target.host}:${pool.target.port}/${pool.target.database} uses the ` +
          `${enc?.e} encoding; twitch-osint needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')`,
      );
    }
    const current = await schemaVersion(sql);
    if (current > SCHEMA_VERSION) throw tooNew(current);
    if (current === SCHEMA_VERSION) return { from: current, to: current, applied: [] };
    return await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx`CREATE TABLE IF NOT EXISTS osint_schema (
        version int PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
      const [row] = await tx<Array<{ v: number | null }>>`
        SELECT max(version)::int AS v FROM osint_schema`;
      const from = row?.v ?? 0;
      if (from > SCHEMA_VERSION) throw tooNew(from);
      const applied: string[] = [];
      for (let v = from + 1; v <= SCHEMA_VERSION; v++) {
        const name = MIGRATIONS[v - 1]!;
        await tx.unsafe(await migrationSql(name));
        await tx`INSERT INTO osint_schema (version, name) VALUES (${v}, ${name})`;
        applied.push(name);
      }
      return { from, to: SCHEMA_VERSION, applied };
    }) as MigrateResult;
  });
}

/**
 * Checks, without changing anything, that the schema is the one this program knows: for
 * readers and for `db status`. Returns the version found.
 */
export function checkSchema(pool: PgPool): Promise<number> {
  return guarded(pool, "read the schema version", async (sql) => {
    const v = await schemaVersion(sql);
    if (v > SCHEMA_VERSION) throw tooNew(v);
    return v;
  });
}
