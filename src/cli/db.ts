/**
 * `db migrate | status | import`: the PostgreSQL database of a fleet of monitors
 * (`--database-url` or `OSINT_DATABASE_URL`). The URL's password never appears in output.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import {
  type FleetMigration,
  fleetStatus,
  importIntoFleet,
  migrateFleet,
} from "../store/fleet_admin.ts";
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

/**
 * `db <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./db.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * // Without a database this command has nothing to work on (a usage error, exit 2).
 * await assert.rejects(run(["status", "--data-dir", "."], io), {
 *   name: "UsageError",
 *   message: "db needs a database: --database-url URL or OSINT_DATABASE_URL",
 * });
 * assert.equal(await run(["--help"], io), 0);
 * assert.match(out, /^Usage: twitch-osint db migrate \| status \| import \[--from DIR\]\n/);
 * assert.equal(await run([], io), 2);
 * assert.match(err, /^Usage: twitch-osint db /);
 * ```
 */
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
  if (sub === "migrate") io.out(migrateText(await migrateFleet(url)));
  else if (sub === "status") io.out(JSON.stringify(await fleetStatus(url), null, 2) + "\n");
  else {
    const from = typeof p.values.from === "string" ? p.values.from : p.common.dataDir;
    await importJournal(url, from, io, quiet);
  }
  return 0;
}

/** What `db migrate` did. */
function migrateText(m: FleetMigration): string {
  return m.applied.length === 0
    ? `schema version ${m.to} (current) at ${m.database}\n`
    : `schema version ${m.from} -> ${m.to} (applied ${m.applied.join(", ")}) at ${m.database}\n`;
}

/** `db import`: pushes the logs of the data dir `from` into the database, with progress. */
async function importJournal(
  url: string,
  from: string,
  io: CliIO,
  quiet: boolean,
): Promise<void> {
  const line = new StatusLine(io, quiet);
  const t0 = performance.now();
  const r = await importIntoFleet(url, from, {
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
        `(${rate(r.lines, ms)}) -> ${r.database}\n`,
    );
  }
}
