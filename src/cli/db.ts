/**
 * `db migrate | status | import`: the PostgreSQL database of a fleet of monitors
 * (`--database-url` or `OSINT_DATABASE_URL`). The URL's password never appears in output.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { PgDatabase } from "../store/postgres/database.ts";
import { pushJournal } from "../store/postgres/journal.ts";
import { SCHEMA_VERSION } from "../store/postgres/migrate.ts";
import { COMMON_HELP, parseCommand, subcommandHelp } from "./args.ts";
import type { CliIO } from "./io.ts";
import { rate, StatusLine } from "./progress.ts";

const HELP = `Usage: twitch-osint db migrate | status | import [--from DIR]

  migrate   applies the pending schema migrations (monitors also do it at start)
  status    prints, as JSON, the schema version and the row counts
  import    copies a data dir's logs (default: --data-dir) into the database: streaming,
            resumable (the position is kept in DIR/postgres_journal.json) and idempotent
            (messages already in the database are skipped), with progress

The database is --database-url URL or OSINT_DATABASE_URL (postgresql://user@host:port/db).

${COMMON_HELP}
`;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** `db <subcommand>`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  const p = parseCommand(rest, HELP, io, { from: { type: "string" } });
  if (p === null) return 0;
  if (!["migrate", "status", "import"].includes(sub!)) {
    throw new UsageError(`unknown db subcommand "${sub}" (expected migrate, status or import)`);
  }
  const url = p.common.databaseUrl;
  if (url === undefined) {
    throw new UsageError("db needs a database: --database-url URL or OSINT_DATABASE_URL");
  }
  const { quiet } = p.common;
  if (sub !== "import" && p.values.from !== undefined) {
    throw new UsageError("--from is an option of db import");
  }
  const db = await PgDatabase.open(url, {
    migrate: sub !== "status",
    allowOlder: sub === "status",
  });
  try {
    if (sub === "migrate") io.out(migrateText(db));
    else if (sub === "status") io.out(await statusText(db));
    else {
      const from = typeof p.values.from === "string" ? p.values.from : p.common.dataDir;
      await importJournal(db, from, io, quiet);
    }
    return 0;
  } finally {
    await db.close();
  }
}

/** What `db migrate` did. */
function migrateText(db: PgDatabase): string {
  const m = db.migrated!;
  return m.applied.length === 0
    ? `schema version ${m.to} (current) at ${db.display}\n`
    : `schema version ${m.from} -> ${m.to} (applied ${m.applied.join(", ")}) at ${db.display}\n`;
}

/** `db status` as JSON. */
async function statusText(db: PgDatabase): Promise<string> {
  const st = await db.status();
  return JSON.stringify(
    {
      database: db.display,
      schema_version: st.schemaVersion,
      program_schema_version: SCHEMA_VERSION,
      messages: st.messages,
      events: st.events,
      users: st.users,
      channels: st.channels,
      optout: st.optout,
      bytes: st.bytes,
    },
    null,
    2,
  ) + "\n";
}

/** `db import`: pushes the logs of the data dir `from` into the database, with progress. */
async function importJournal(
  db: PgDatabase,
  from: string,
  io: CliIO,
  quiet: boolean,
): Promise<void> {
  const line = new StatusLine(io, quiet);
  const t0 = performance.now();
  const r = await pushJournal(from, db, {
    onProgress: (done, total) =>
      line.update(`db import: ${mb(done)} of ${mb(total)} (${Math.floor((100 * done) / total)}%)`),
  });
  line.done();
  if (r === null) {
    throw new UsageError(
      `another process is pushing ${from} into the database (a monitor?); try again later`,
    );
  }
  const ms = performance.now() - t0;
  if (!quiet) {
    io.err(
      `db import: ${r.lines} lines read, ${r.written} messages new to the database ` +
        `(${r.lines - r.skipped - r.written} already there), ${r.events} events new, ` +
        `${r.skipped} lines skipped, in ${(ms / 1000).toFixed(1)}s ` +
        `(${rate(r.lines, ms)}) -> ${db.display}\n`,
    );
  }
}
