/**
 * `subjects load | enrich | hits | report`: the analyst's list of subjects.
 *
 * @module
 */
import { OsintError, UsageError } from "../errors.ts";
import { COMMON_HELP, parseCommand, regionFlag, required, str, subcommandHelp } from "./args.ts";
import type { CliIO } from "./io.ts";
import { loadSubjectsFile } from "../subjects/loading.ts";

const HELP = `Usage: twitch-osint subjects <load|enrich|hits|report> [options]

  load --path FILE [--replace] [--no-enrich] [--region CC] [--network] [--providers-config F]
        Reads a CSV with columns type,value (type: email, username or phone), normalizes each
        value (emails lowercased, usernames as Twitch logins, phones to E.164 with CC as the
        region of national forms, default US or env OSINT_DEFAULT_REGION) and merges them into
        <data>/subjects.json. Bad rows are reported as FILE:LINE: reason; good rows still load.
        --replace drops subjects not in FILE. New or changed subjects are enriched unless
        --no-enrich.
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

/** `subjects <subcommand>`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  switch (sub) {
    case "load":
      return await load(rest, io);
    case "enrich": {
      const { enrichCommand } = await import("./subjects_enrich.ts");
      return await enrichCommand(rest, io);
    }
    case "hits":
      // Least privilege: hits and reports read the data dir only.
      await Deno.permissions.revoke({ name: "net" });
      return await (await import("./subjects_hits.ts")).hitsCommand(rest, io);
    case "report":
      await Deno.permissions.revoke({ name: "net" });
      return await (await import("./subjects_report.ts")).reportCommand(rest, io);
    default:
      throw new UsageError(
        `unknown subjects subcommand "${sub}" (expected load, enrich, hits or report)`,
      );
  }
}

async function load(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, HELP, io, {
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
  if (p.values.network !== true) await Deno.permissions.revoke({ name: "net" });
  const { quiet, dataDir } = p.common;
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
