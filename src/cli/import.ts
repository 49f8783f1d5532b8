/**
 * `import PATH...`: reads chat that other tools saved (TwitchDownloader, chat-downloader,
 * justlog/rustlog, raw IRC, Chatterino) through the same runner, analysis, redaction, opt-out,
 * dedup and derived state as live chat.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import {
  choice,
  COMMON_HELP,
  numberFlag,
  parseCommand,
  type Parsed,
  regionFlag,
  str,
} from "./args.ts";
import { type CliIO, derivedFailure } from "./io.ts";
import { rate, StatusLine } from "./progress.ts";
import { runPipeline } from "./pipeline.ts";
import type { RunProgress, RunSummary } from "../chat/runner.ts";
import { IMPORT_FORMATS, type ImportStats, newImportStats } from "../import/outcome.ts";
import { importSource, planImport } from "../import/import_source.ts";

const HELP = `Usage: twitch-osint import PATH... [--format F] [--channel C] [options]

Imports chat saved by other tools into <data>/logs/messages.jsonl (and events.jsonl), through
the same analysis, redaction, opt-out, dedup, index and profiles as live chat. Folders are read
recursively; gzip files (.gz) are read as they are. Importing the same files again stores nothing.

Formats (detected from the content unless --format is given):
  twitchdownloader   TwitchDownloader chat JSON of a VOD or clip (.json, .json.gz)
  chat-downloader    chat-downloader JSON (a list of messages; needs --channel)
  justlog            justlog/rustlog JSON, NDJSON or text answers ("[date time] #chan user: text")
  irc                raw Twitch IRC lines (captures, justlog's raw answers and .txt.gz files)
  chatterino         Chatterino logs (Twitch/Channels/<channel>/<channel>-YYYY-MM-DD.log)

Options:
  --format F         auto (default), ${IMPORT_FORMATS.join(", ")}
  --channel C        the channel, for files that do not name it; an error if a file names another
  --utc-offset ±H:MM the logging machine's UTC offset, for Chatterino's local clock times
                     (default +00:00)
  --log-only         write only the logs; the index and profiles catch up at the next search,
                     profiles or index command (fastest for big backfills)
  --keep-pii         store emails and phone numbers as written (default: redacted)
  --region CC        region for national phone forms (env OSINT_DEFAULT_REGION, default US)
  --batch-size N     messages per durable write (default 5000)

${COMMON_HELP}

Example:
  twitch-osint import ~/Downloads/vod_123456789_chat.json
  twitch-osint import ~/justlog/logs --format irc
`;

/** Problems printed one by one before only their count is kept. */
const SHOWN_PROBLEMS = 20;

/** `+01:00`, `-5`, `+5:30` to minutes east of UTC. */
function parseUtcOffset(value: string): number {
  const m = /^([+-])?(\d{1,2})(?::?(\d{2}))?$/.exec(value.trim());
  if (!m || Number(m[2]) > 14 || Number(m[3] ?? 0) > 59) {
    throw new UsageError(`--utc-offset must look like +01:00 or -05:30, got "${value}"`);
  }
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -minutes : minutes;
}

/** A reason without the values quoted in it, to count problems by kind. */
function reasonKind(reason: string): string {
  return reason.replace(/"[^"]*"/g, "…").replace(/\(.*\)$/, "").trim();
}

function progressText(stats: ImportStats, p: RunProgress): string {
  const file = stats.file.length > 50 ? "…" + stats.file.slice(-49) : stats.file;
  return `import: ${file} (${
    stats.filesDone + 1
  }/${stats.filesTotal}) | ${stats.records} records, ` +
    `${p.written} new, ${p.duplicates} dup, ${p.rejected} rejected | ${
      rate(stats.records, p.elapsedMs)
    }`;
}

/** How the files are read: `--channel` (for formats that do not name it) and `--utc-offset`. */
function readingOptions(p: Parsed): { channel: string | undefined; utcOffsetMinutes: number } {
  const channelFlag = str(p, "channel");
  let channel: string | undefined;
  if (channelFlag !== undefined) {
    const n = normalizeLogin(channelFlag);
    if (!n.ok) throw new UsageError(`--channel: ${n.reason}`);
    channel = n.value;
  }
  const offsetFlag = str(p, "utc-offset");
  const utcOffsetMinutes = offsetFlag === undefined ? 0 : parseUtcOffset(offsetFlag);
  return { channel, utcOffsetMinutes };
}

/**
 * `import`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./import.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const dataDir = await Deno.makeTempDir();
 * const capture = `${dataDir}/capture.txt`;
 * await Deno.writeTextFile(
 *   capture,
 *   "@id=x1;tmi-sent-ts=1756814400000 :ann!ann@ann.tmi.twitch.tv PRIVMSG #example_channel :hi\n" +
 *     "not a chat line\n",
 * );
 * assert.equal(await run([capture, "--data-dir", dataDir, "--log-only"], io), 0);
 * // A line that is not chat is reported with its place, and the rest goes in.
 * assert.ok(err.startsWith(`warning: ${capture}:2: not an IRC line (no tags, no prefix, `));
 * assert.match(err, /\nimport: 2 records from 1 of 1 file\(s\) in .*: 1 new, 0 duplicate, /);
 * assert.match(err, /, 1 rejected \(1 not an IRC line\)\n/);
 * const [line] = (await Deno.readTextFile(`${dataDir}/logs/messages.jsonl`)).split("\n");
 * assert.deepEqual(
 *   [JSON.parse(line!).message_id, JSON.parse(line!).ts, JSON.parse(line!).source],
 *   ["x1", "2025-09-02T12:00:00.000Z", "import:irc"],
 * );
 * await assert.rejects(run(["--data-dir", dataDir], io), { name: "UsageError" });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, HELP, io, {
    format: { type: "string" },
    channel: { type: "string" },
    "utc-offset": { type: "string" },
    "log-only": { type: "boolean" },
    "keep-pii": { type: "boolean" },
    region: { type: "string" },
    "batch-size": { type: "string" },
  }, { positionals: true });
  if (p === null) return 0;
  if (p.positionals.length === 0) throw new UsageError("give at least one file or folder");
  const format = choice(p, "format", ["auto", ...IMPORT_FORMATS] as const);
  const { channel, utcOffsetMinutes } = readingOptions(p);
  const batchSize = Math.max(1, Math.floor(numberFlag(p, "batch-size", 5000)));
  const region = regionFlag(p, io.env);
  const { dataDir, quiet } = p.common;

  // Every file's format is known before anything is written.
  const files = await planImport(p.positionals, format);
  const stats = newImportStats(files.length);
  const logOnly = p.values["log-only"] === true;
  const source = importSource(files, {
    ...(channel !== undefined ? { channel } : {}),
    utcOffsetMinutes,
    stats,
  });

  const status = new StatusLine(io, quiet);
  const reasons = new Map<string, number>();
  let shown = 0;
  const { summary, derivedProblems } = await runPipeline(source, {
    common: p.common,
    logOnly,
    keepPii: p.values["keep-pii"] === true,
    region,
    label: "import",
    run: {
      signal: io.signal,
      batchSize,
      onProgress: (pr) => status.update(progressText(stats, pr)),
      onProblem: (where, reason) => {
        const kind = reasonKind(reason);
        reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
        if (!quiet && shown++ < SHOWN_PROBLEMS) status.line(`warning: ${where}: ${reason}`);
      },
    },
  }, io);
  status.done();
  for (const r of summary.repairs) io.err(`warning: ${r}\n`);
  if (!quiet) io.err(summaryText(summary, stats, files.length, reasons, dataDir));
  if (derivedProblems > 0) throw derivedFailure(derivedProblems);
  return 0;
}

/** The closing lines of an import on stderr. */
function summaryText(
  summary: RunSummary,
  stats: ImportStats,
  files: number,
  reasons: Map<string, number>,
  dataDir: string,
): string {
  const secs = (summary.elapsedMs / 1000).toFixed(1);
  const rejected = [...reasons].sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${n} ${r}`).join("; ");
  return `import: ${stats.records} records from ${stats.filesDone} of ${files} file(s) in ` +
    `${secs}s (${rate(stats.records, summary.elapsedMs)}): ${summary.written} new, ` +
    `${summary.duplicates} duplicate, ${stats.skipped} skipped (not chat), ` +
    `${summary.refused} refused (opted out), ${summary.rejected} rejected` +
    (rejected ? ` (${rejected})` : "") +
    (summary.events ? `; events: ${summary.eventsWritten} new of ${summary.events}` : "") +
    (summary.stoppedBy === "signal" ? "; interrupted" : "") + "\n" +
    `import: log at ${dataDir}/logs/messages.jsonl\n`;
}
