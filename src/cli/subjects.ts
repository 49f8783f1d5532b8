/**
 * `subjects load | list | remove | enrich | hits | report`: the analyst's list of subjects.
 *
 * @module
 */
import { OsintError, UsageError } from "../errors.ts";
import {
  choice,
  COMMON_HELP,
  parseCommand,
  regionFlag,
  required,
  str,
  subcommandHelp,
  usesDatabase,
} from "./args.ts";
import type { CliIO } from "./io.ts";
import { requireDataDir } from "./totals.ts";
import { readSubjects } from "../subjects/subject_list.ts";
import { columns } from "./table.ts";
import { toCsv } from "../export/csv.ts";

const LOAD_SUMMARY =
  `  load --path FILE [--replace] [--no-enrich] [--region CC] [--network] [--providers-config F]
        Reads a CSV with columns type,value (type: email, username or phone), normalizes each
        value (emails lowercased, usernames as Twitch logins, phones to E.164 with CC as the
        region of national forms, default US or env OSINT_DEFAULT_REGION) and merges them into
        <data>/subjects.json. Bad rows are reported as FILE:LINE: reason; good rows still load.
        --replace drops subjects not in FILE. New or changed subjects are enriched unless
        --no-enrich.`;

const HELP = `Usage: twitch-osint subjects <load|list|remove|enrich|hits|report> [options]

${LOAD_SUMMARY}
  list [--format table|json|csv]
        The loaded subjects: key, type, value.
  remove KEY
        Takes a subject off the list, with its enrichment record and reports.
  enrich [--providers a,b] [--type t] [--network] [--timeout-ms N] [--providers-config F]
        Re-runs the enrichment providers (see: twitch-osint providers list, docs/providers.md).
  hits [--subject KEY] [--since T] [--limit N] [--format json|jsonl|table]
        Watchlist hits recorded at ingest, newest first, with message and channel.
  report KEY [--format md|html|json] [--out FILE] [--all]
        Writes a readable report of a subject to <data>/reports/<key>.<format>.

${COMMON_HELP}

Example:
  twitch-osint subjects load --path subjects.csv
`;

const LOAD_HELP = `Usage: twitch-osint subjects load --path FILE [options]

${LOAD_SUMMARY}

${COMMON_HELP}

Example:
  twitch-osint subjects load --path subjects.csv --no-enrich
`;

const LIST_HELP = `Usage: twitch-osint subjects list [--format table|json|csv]

  The loaded subjects (key, type, value), sorted by key. An empty list is not an error.

${COMMON_HELP}

Example:
  twitch-osint subjects list --format csv > subjects_now.csv
`;

const REMOVE_HELP = `Usage: twitch-osint subjects remove KEY [--region CC]

  Takes the subject KEY (its key, value or type:value) off the list and deletes its
  enrichment record and reports. Stored messages keep the hits recorded at ingest; to erase a
  person's data, use: twitch-osint forget --user LOGIN.

${COMMON_HELP}

Example:
  twitch-osint subjects remove username_someuser
`;

/**
 * `subjects <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./subjects.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const dataDir = await Deno.makeTempDir();
 * const csv = `${dataDir}/subjects.csv`;
 * await Deno.writeTextFile(csv, "type,value\nusername,@Ann\nemail,not-an-email\n");
 * const dirs = ["--data-dir", dataDir, "--fixtures-dir", dataDir];
 * assert.equal(await run(["load", "--path", csv, "--no-enrich", ...dirs], io), 0);
 * assert.equal(
 *   err,
 *   `${csv}:3: value: email "not-an-email" has no local@domain\n` +
 *     "subjects: 1 read, 1 new or changed, 0 already loaded, 1 rejected; " +
 *     `1 in ${dataDir}/subjects.json\n`,
 * );
 * await run(["list", ...dirs], io);
 * assert.equal(out, "key           type      value\nusername_ann  username  ann\n");
 * await assert.rejects(run(["lost", ...dirs], io), { name: "UsageError" });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  switch (sub) {
    case "load":
      return await load(rest, io);
    case "list":
      await Deno.permissions.revoke({ name: "net" });
      return await list(rest, io);
    case "remove":
      await Deno.permissions.revoke({ name: "net" });
      return await remove(rest, io);
    case "enrich": {
      const { enrichCommand } = await import("./subjects_enrich.ts");
      return await enrichCommand(rest, io);
    }
    case "hits":
      // Least privilege: hits and reports read the data dir only (or a database).
      if (!usesDatabase(rest, io.env)) await Deno.permissions.revoke({ name: "net" });
      return await (await import("./subjects_hits.ts")).hitsCommand(rest, io);
    case "report":
      if (!usesDatabase(rest, io.env)) await Deno.permissions.revoke({ name: "net" });
      return await (await import("./subjects_report.ts")).reportCommand(rest, io);
    default:
      throw new UsageError(
        `unknown subjects subcommand "${sub}" (expected load, list, remove, enrich, hits or report)`,
      );
  }
}

async function load(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, LOAD_HELP, io, {
    path: { type: "string" },
    replace: { type: "boolean" },
    "no-enrich": { type: "boolean" },
    network: { type: "boolean" },
    region: { type: "string" },
    "providers-config": { type: "string" },
  });
  if (p === null) return 0;
  const path = required(p, "path");
  const region = regionFlag(p, io.env);
  // Least privilege: no network unless asked for (or a PostgreSQL store, which chat presence
  // reads when the new subjects are enriched).
  if (p.values.network !== true && p.common.databaseUrl === undefined) {
    await Deno.permissions.revoke({ name: "net" });
  }
  const { quiet, dataDir } = p.common;
  // The CSV parser and libphonenumber load for this subcommand only.
  const { loadSubjectsFile } = await import("../subjects/loading.ts");
  const result = await loadSubjectsFile(path, dataDir, {
    replace: p.values.replace === true,
    region,
  });
  for (const problem of result.problems) io.err(`${problem.message}\n`);
  if (result.read === 0) {
    throw new OsintError(`no subject could be loaded from ${path}`);
  }
  if (!quiet) {
    io.err(
      `subjects: ${result.read} read, ${result.added.length} new or changed, ` +
        `${result.unchanged} already loaded, ${result.problems.length} rejected; ` +
        `${result.subjects.length} in ${dataDir}/subjects.json\n`,
    );
  }
  if (p.values["no-enrich"] !== true && result.added.length > 0) {
    const { enrichAfterLoad } = await import("./subjects_enrich.ts");
    const cfg = str(p, "providers-config");
    await enrichAfterLoad(result.added, p.common, io, {
      network: p.values.network === true,
      ...(cfg ? { providersConfig: cfg } : {}),
    });
  }
  return 0;
}

async function list(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, LIST_HELP, io, { format: { type: "string" } });
  if (p === null) return 0;
  const format = choice(p, "format", ["table", "json", "csv"] as const);
  // A wrong --data-dir is an error naming it, not "no subjects".
  if (p.common.databaseUrl === undefined) await requireDataDir(p.common.dataDir);
  const subjects = await readSubjects(p.common.dataDir);
  const rows = subjects.map((s) => [s.key, s.type, s.value]);
  if (format === "json") {
    io.out(
      `${
        JSON.stringify(subjects.map(({ key, type, value }) => ({ key, type, value })), null, 2)
      }\n`,
    );
  } else if (format === "csv") {
    io.out(toCsv(["key", "type", "value"], rows));
  } else if (subjects.length === 0) {
    io.err(
      `no subjects loaded in ${p.common.dataDir} (load some with: subjects load --path FILE)\n`,
    );
  } else {
    io.out(columns(["key", "type", "value"], rows));
  }
  return 0;
}

async function remove(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, REMOVE_HELP, io, { region: { type: "string" } }, {
    positionals: true,
  });
  if (p === null) return 0;
  if (p.positionals.length !== 1) throw new UsageError("subjects remove takes exactly one KEY");
  const { removeSubject } = await import("../subjects/removal.ts");
  const r = await removeSubject(p.common.dataDir, p.positionals[0]!, regionFlag(p, io.env));
  if (!p.common.quiet) {
    io.err(
      `removed ${r.subject.key}` +
        (r.deleted.length ? ` and ${r.deleted.length} derived file(s)` : "") +
        `; ${r.remaining} subject(s) left\n`,
    );
  }
  return 0;
}
