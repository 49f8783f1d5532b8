/**
 * `subjects enrich`: re-runs the enrichment providers over the loaded subjects, and
 * {@link enrichAfterLoad}, which `subjects load` calls for new or changed subjects.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { CommonOptions } from "../config.ts";
import { type Subject, SubjectType } from "../schemas.ts";
import { readSubjects } from "../subjects/subject_list.ts";
import { DEFAULT_TIMEOUT_MS, enrichSubjects, type EnrichSummary } from "../subjects/enrichment.ts";
import { loadRegistry } from "../subjects/providers/registry.ts";
import { COMMON_HELP, intFlag, parseCommand, str } from "./args.ts";
import type { CliIO, Handler } from "./io.ts";

const HELP = `Usage: twitch-osint subjects enrich [--providers a,b] [--type t] [--network] [options]

Runs every enrichment provider that supports each subject's type and writes
<data>/enrichment/<subject_key>.json. Files whose content would not change are left untouched.

Options:
  --providers a,b          only these providers (see: twitch-osint providers list); the others'
                           earlier results are kept
  --type email|username|phone
                           only subjects of this type
  --network                allow providers to use the network (off by default: everything is
                           answered from local fixtures)
  --timeout-ms N           time limit of one provider on one subject (default ${DEFAULT_TIMEOUT_MS})
  --providers-config FILE  providers config instead of <data>/providers.json

${COMMON_HELP}

Example:
  twitch-osint subjects enrich --providers handle_presence --type username
`;

/** Options of {@link enrichAfterLoad} and of the command. */
export interface EnrichRunOptions {
  /** @default false */
  network?: boolean;
  /** Only these providers. @default all */
  providers?: readonly string[];
  type?: SubjectType;
  /** @default 5000 */
  timeoutMs?: number;
  /** @default <data dir>/providers.json when present */
  providersConfig?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** One-line summary and one line per error, as printed by both commands. */
function summaryLines(s: EnrichSummary): { summary: string; errors: string[] } {
  const summary = `enrich: ${s.subjects} subject${s.subjects === 1 ? "" : "s"}, ` +
    `${s.written} file${s.written === 1 ? "" : "s"} written, ${s.unchanged} unchanged; ` +
    `ok ${s.counts.ok}, error ${s.counts.error}, skipped ${s.counts.skipped}` +
    (s.interrupted ? " (interrupted)" : "");
  return {
    summary,
    errors: s.errors.map((e) => `${e.subject_key}: ${e.provider}: ${e.message}`),
  };
}

async function runAndReport(
  subjects: readonly Subject[],
  common: CommonOptions,
  io: CliIO,
  options: EnrichRunOptions,
  summaryTo: "out" | "err",
): Promise<EnrichSummary> {
  const registry = await loadRegistry({
    dataDir: common.dataDir,
    configPath: options.providersConfig,
  });
  const summary = await enrichSubjects(subjects, {
    dataDir: common.dataDir,
    fixturesDir: common.fixturesDir,
    ...(common.databaseUrl !== undefined ? { databaseUrl: common.databaseUrl } : {}),
    registry,
    network: options.network ?? false,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    env: io.env,
    signal: io.signal,
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.type ? { type: options.type } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { summary: line, errors } = summaryLines(summary);
  for (const e of errors) io.err(`${e}\n`);
  if (!common.quiet) io[summaryTo](`${line}\n`);
  return summary;
}

/**
 * Enriches subjects just loaded (`subjects load` passes the new or changed ones). Prints the
 * summary (unless quiet) and each error on stderr; returns the summary. Throws only for an
 * unusable providers config or data dir.
 */
export function enrichAfterLoad(
  subjects: readonly Subject[],
  common: CommonOptions,
  io: CliIO,
  options: EnrichRunOptions = {},
): Promise<EnrichSummary> {
  return runAndReport(subjects, common, io, options, "err");
}

/**
 * `subjects enrich`: exit 0 when every subject was processed (provider errors are reported, one
 * line each, and recorded in the files), 1 when a subject could not be written or the run was
 * interrupted, 2 for a usage error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { enrichmentPath } from "../subjects/subject_files.ts";
 * import { writeSubjects } from "../subjects/subject_list.ts";
 * import { enrichCommand } from "./subjects_enrich.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * await store.appendMessages([{
 *   ts: "2025-09-02T12:00:00.000Z",
 *   channel: "example_channel",
 *   message_id: "m1",
 *   user_id: null,
 *   user_name: "ann",
 *   text: "hi",
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 * }]);
 * await store.close();
 * await writeSubjects(dataDir, [{ key: "username_ann", type: "username", value: "ann" }]);
 * const args = ["--providers", "chat_presence", "--data-dir", dataDir];
 * assert.equal(await enrichCommand(args, io), 0);
 * assert.equal(out, "enrich: 1 subject, 1 file written, 0 unchanged; ok 1, error 0, skipped 0\n");
 * const file = JSON.parse(await Deno.readTextFile(enrichmentPath(dataDir, "username_ann")));
 * assert.deepEqual(file.providers.chat_presence.data.per_channel, { example_channel: 1 });
 * // Nothing new to say: the file is left as it was.
 * out = "";
 * await enrichCommand(args, io);
 * assert.equal(out, "enrich: 1 subject, 0 files written, 1 unchanged; ok 1, error 0, skipped 0\n");
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export const enrichCommand: Handler = async (args: string[], io: CliIO): Promise<number> => {
  const p = parseCommand(args, HELP, io, {
    providers: { type: "string" },
    type: { type: "string" },
    network: { type: "boolean" },
    "timeout-ms": { type: "string" },
    "providers-config": { type: "string" },
  });
  if (p === null) return 0;
  const options: EnrichRunOptions = {
    network: p.values.network === true,
    timeoutMs: intFlag(p, "timeout-ms", { min: 1, max: 600_000, default: DEFAULT_TIMEOUT_MS })!,
  };
  const providersFlag = str(p, "providers");
  if (providersFlag !== undefined) {
    const names = providersFlag.split(",").map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new UsageError("--providers needs at least one provider name");
    options.providers = names;
  }
  const typeFlag = str(p, "type");
  if (typeFlag !== undefined) {
    const t = SubjectType.safeParse(typeFlag.trim().toLowerCase());
    if (!t.success) {
      throw new UsageError(
        `--type must be one of ${SubjectType.options.join(", ")}, got "${typeFlag}"`,
      );
    }
    options.type = t.data;
  }
  const config = str(p, "providers-config");
  if (config !== undefined) options.providersConfig = config;

  const subjects = await readSubjects(p.common.dataDir);
  if (subjects.length === 0) {
    io.err(
      `error: no subjects in ${p.common.dataDir}/subjects.json (run: subjects load --path FILE)\n`,
    );
    return 1;
  }
  const summary = await runAndReport(subjects, p.common, io, options, "out");
  const fileErrors = summary.errors.some((e) => e.provider === "(file)");
  return summary.interrupted || fileErrors ? 1 : 0;
};
