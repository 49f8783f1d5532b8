/**
 * `subjects report KEY`: writes one readable report of a subject to
 * `<data>/reports/<key>.<md|html|json>` (or `--out FILE`) and prints its path.
 *
 * @module
 */
import { NotFoundError, UsageError } from "../errors.ts";
import { readSubjects, resolveSubject } from "../subjects/subject_list.ts";
import { openStore } from "../store/store.ts";
import { REPORT_FORMATS } from "../subjects/subject_files.ts";
import { writeReport } from "../subjects/report_files.ts";
import { renderReportHtml } from "../web/render/report.ts";
import { choice, COMMON_HELP, parseCommand, storeConfig, str } from "./args.ts";
import type { CliIO } from "./io.ts";
import { requireDataDir } from "./totals.ts";

/** Help of `subjects report`. */
const REPORT_HELP =
  `Usage: twitch-osint subjects report KEY [--format md|html|json] [--out FILE] [--all]

Writes a readable report of one subject (or of every loaded subject with --all) to
<data>/reports/<key>.<format> and prints its path. The report gives the normalized subject,
each provider's enrichment, chat presence (channels, counts, first/last seen, activity),
watchlist hits with their messages, and relationship signals with their evidence, and says
what each fact rests on. Inferred facts are marked unverified.

KEY is the subject key (username_someuser) or its value (someuser, alice@example.com).

Options:
  --format F    md (default), html or json
  --out FILE    write here instead of <data>/reports/<key>.<format> (one subject only)
  --all         a report for every loaded subject

${COMMON_HELP}

Example:
  twitch-osint subjects report username_someuser --format html
`;

/** `subjects report`. */
export async function reportCommand(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, REPORT_HELP, io, {
    format: { type: "string" },
    out: { type: "string" },
    all: { type: "boolean" },
  }, { positionals: true });
  if (p === null) return 0;
  const format = choice(p, "format", REPORT_FORMATS);
  const all = p.values.all === true;
  const out = str(p, "out");
  if (all && (p.positionals.length || out !== undefined)) {
    throw new UsageError("--all takes no KEY and no --out");
  }
  if (!all && p.positionals.length !== 1) {
    throw new UsageError("subjects report needs one subject KEY (or --all)");
  }
  const { dataDir } = p.common;
  if (p.common.databaseUrl === undefined) await requireDataDir(dataDir);
  const subjects = await readSubjects(dataDir);
  let keys: string[];
  if (all) {
    keys = subjects.map((s) => s.key);
    if (keys.length === 0) throw new NotFoundError(`no subjects loaded in ${dataDir}`);
  } else {
    const ref = p.positionals[0]!;
    const found = await resolveSubject(subjects, ref);
    if (!found) {
      throw new NotFoundError(
        `no loaded subject "${ref}" (keys: ${subjects.map((s) => s.key).join(", ") || "none"})`,
      );
    }
    keys = [found.key];
  }
  const store = await openStore(storeConfig(p.common));
  try {
    for (const key of keys) {
      const path = await writeReport(store, key, format, {
        html: renderReportHtml,
        ...(out !== undefined ? { out } : {}),
      });
      io.out(`${path}\n`);
    }
  } finally {
    await store.close();
  }
  return 0;
}
