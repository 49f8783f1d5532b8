/**
 * Administration of a fleet's PostgreSQL database (`db migrate | status | import`): the only
 * way the CLI reaches the database outside the Store, so that nothing above `src/store/` knows
 * the PostgreSQL modules. Each function opens the database at `url`, does one thing, closes it,
 * and names the database with its password hidden.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { StoreError } from "../errors.ts";
 * import { fleetStatus } from "./fleet_admin.ts";
 * // Nothing listens on port 1: the error names host and port, never a password.
 * await rejects(fleetStatus("postgresql://u:secret@127.0.0.1:1/db"), StoreError);
 * ```
 *
 * @module
 */
import { PgDatabase } from "./postgres/database.ts";
import { pushJournal } from "./postgres/journal.ts";
import { SCHEMA_VERSION } from "./postgres/migrate.ts";

/** What `db migrate` did. */
export interface FleetMigration {
  /** The database, password hidden. */
  database: string;
  /** The schema version before and after. */
  from: number;
  to: number;
  /** The migration files applied now (none: it was current). */
  applied: string[];
}

/** What `db status` reports. */
export interface FleetStatus {
  /** The database, password hidden. */
  database: string;
  /** The version found (0: no schema yet). */
  schema_version: number;
  /** The version this program writes. */
  program_schema_version: number;
  messages: number;
  events: number;
  users: number;
  channels: number;
  optout: number;
  /** Total size of the database on disk, bytes. */
  bytes: number;
}

/** What `db import` did. */
export interface FleetImport {
  /** The database, password hidden. */
  database: string;
  /** Message lines read from the logs. */
  lines: number;
  /** Messages new to the database. */
  written: number;
  /** Lines that are not records (skipped). */
  skipped: number;
  /** Events new to the database. */
  events: number;
}

/** Applies the pending schema migrations of the database at `url`. */
export async function migrateFleet(url: string): Promise<FleetMigration> {
  const db = await PgDatabase.open(url, { migrate: true, allowOlder: false });
  try {
    const m = db.migrated!;
    return { database: db.display, from: m.from, to: m.to, applied: m.applied };
  } finally {
    await db.close();
  }
}

/** The schema version and row counts of the database at `url` (an older schema is read too). */
export async function fleetStatus(url: string): Promise<FleetStatus> {
  const db = await PgDatabase.open(url, { migrate: false, allowOlder: true });
  try {
    const st = await db.status();
    return {
      database: db.display,
      schema_version: st.schemaVersion,
      program_schema_version: SCHEMA_VERSION,
      messages: st.messages,
      events: st.events,
      users: st.users,
      channels: st.channels,
      optout: st.optout,
      bytes: st.bytes,
    };
  } finally {
    await db.close();
  }
}

/**
 * Copies the logs of the data dir `from` into the database at `url` (migrating it first):
 * streaming, resumable (the position is kept in `from`) and idempotent. Null when another
 * process is pushing that data dir (a monitor).
 */
export async function importIntoFleet(
  url: string,
  from: string,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<FleetImport | null> {
  const db = await PgDatabase.open(url, { migrate: true, allowOlder: false });
  try {
    const r = await pushJournal(from, db, options);
    if (r === null) return null;
    return {
      database: db.display,
      lines: r.lines,
      written: r.written,
      skipped: r.skipped,
      events: r.events,
    };
  } finally {
    await db.close();
  }
}
