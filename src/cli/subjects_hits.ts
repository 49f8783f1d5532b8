/**
 * `subjects hits`: the watchlist hits recorded at ingest, newest first, with their message and
 * channel.
 *
 * @module
 */
import { NotFoundError } from "../errors.ts";
import { readSubjects, resolveSubject } from "../subjects/subject_list.ts";
import { type HitRow, readHits } from "../query/hits.ts";
import { openStore } from "../store/store.ts";
import { parseTimeBound } from "../query/search.ts";
import { choice, COMMON_HELP, intFlag, parseCommand, storeConfig, str } from "./args.ts";
import type { CliIO } from "./io.ts";
import { reportCut, requireMessageLog } from "./totals.ts";
import { columns, printable } from "./table.ts";
import { toCsv } from "../export/csv.ts";

/** Help of `subjects hits`. */
const HITS_HELP =
  `Usage: twitch-osint subjects hits [--subject KEY] [--since T] [--limit N] [--offset N] [--count]
                                  [--format json|jsonl|table|csv]

Lists watchlist hits: messages where a loaded subject chatted (author), was @mentioned
(mention), or whose email/phone value appeared in the text (text). Hits are recorded when a
message is ingested, before personal data is redacted. Newest first.

Options:
  --subject KEY      one subject: its key (e.g. username_someuser), or its value (someuser,
                     alice@example.com, +12025550123)
  --since T          from this time on: ISO 8601, a date, or relative (2h, 7d)
  --limit N          at most N hits (default 50); stderr says when more matched
  --offset N         skip the first N hits (the next page: --offset 50)
  --count            print only the number of hits
  --format F         table (default), json (array), jsonl or csv (RFC 4180, spreadsheet-safe)

${COMMON_HELP}

Example:
  twitch-osint subjects hits --subject someuser --since 7d
`;

function table(rows: HitRow[]): string {
  const head = ["TIME (UTC)", "SUBJECT", "HOW", "CHANNEL", "USER", "MESSAGE"];
  const cells = rows.map((r) => [
    r.ts,
    r.subject_key,
    r.how,
    r.channel,
    r.user_name,
    // Line breaks and tabs as one space, other control characters escaped.
    printable(r.text.replace(/[\r\n\t]+/g, " ")),
  ]);
  return columns(head, cells);
}

/** `subjects hits`. */
export async function hitsCommand(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, HITS_HELP, io, {
    subject: { type: "string" },
    since: { type: "string" },
    limit: { type: "string" },
    offset: { type: "string" },
    count: { type: "boolean" },
    format: { type: "string" },
  });
  if (p === null) return 0;
  const format = choice(p, "format", ["table", "json", "jsonl", "csv"]);
  const limit = intFlag(p, "limit", { min: 1, default: 50 })!;
  const offset = intFlag(p, "offset", { min: 0, default: 0 })!;
  const sinceRaw = str(p, "since");
  const since = sinceRaw === undefined
    ? undefined
    : new Date(parseTimeBound(sinceRaw, "--since", Date.now())).toISOString();
  const { dataDir, quiet } = p.common;
  if (p.common.databaseUrl === undefined) await requireMessageLog(dataDir, io, quiet);
  let subject: string | undefined;
  const ref = str(p, "subject");
  if (ref !== undefined) {
    const subjects = await readSubjects(dataDir);
    const found = await resolveSubject(subjects, ref);
    if (!found) {
      throw new NotFoundError(
        `--subject: no loaded subject "${ref}" (${subjects.length} loaded; keys look like ` +
          `${subjects[0]?.key ?? "username_someuser"})`,
      );
    }
    subject = found.key;
  }
  const store = await openStore(storeConfig(p.common));
  let all: HitRow[];
  try {
    // Every hit is read (the scan finds them all anyway), so the total is exact.
    all = await readHits(store, {
      ...(subject !== undefined ? { subject } : {}),
      ...(since !== undefined ? { since } : {}),
    });
  } finally {
    await store.close();
  }
  if (p.values.count === true) {
    io.out(`${all.length}\n`);
    return 0;
  }
  const rows = all.slice(offset, offset + limit);
  if (format === "json") io.out(JSON.stringify(rows, null, 2) + "\n");
  else if (format === "jsonl") io.out(rows.map((r) => JSON.stringify(r) + "\n").join(""));
  else if (format === "csv") {
    const head = ["ts", "subject_key", "how", "channel", "message_id", "user_name", "text"];
    io.out(toCsv(head, rows.map((r) => head.map((k) => r[k as keyof typeof r]))));
  } else if (rows.length) io.out(table(rows));
  if (!quiet && format === "table" && all.length === 0) io.err("subjects: no hits\n");
  reportCut(io, { shown: rows.length, offset, total: all.length, exact: true });
  return 0;
}
