/**
 * `chat run`: monitor channels live (Twitch chat over WebSocket) or replay fixtures offline,
 * into the message log, the index and the profiles.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import {
  COMMON_HELP,
  numberFlag,
  parseCommand,
  type Parsed,
  regionFlag,
  required,
  str,
  subcommandHelp,
} from "./args.ts";
import { type CliIO, derivedFailure } from "./io.ts";
import { rate, StatusLine } from "./progress.ts";
import { runPipeline } from "./pipeline.ts";
import type { RunProgress, RunSummary } from "../chat/runner.ts";
import { availableFixtureChannels, replaySource } from "../chat/replay.ts";
import type { ChatSource } from "../chat/source.ts";

const HELP =
  `Usage: twitch-osint chat run --channels c1,c2 [--duration-seconds N] [--offline] [options]

Monitors Twitch channels and appends every new message to <data>/logs/messages.jsonl.

Options:
  --channels LIST          channels to watch, comma-separated (required)
  --duration-seconds N     stop after N seconds (default: until the fixtures end, or Ctrl-C live)
  --offline                replay <fixtures>/chat/<channel>.jsonl instead of connecting
  --speed X                replay pace: 1 real time, 10 ten times faster, 0 no delay (default 1)
  --server URL             live server (env TWITCH_IRC_SERVER, default wss://irc-ws.chat.twitch.tv:443)
  --batch-size N           messages per durable write (default 5000)
  --flush-ms N             longest wait before pending messages are written (default 200)
  --keep-pii               store emails and phone numbers found in chat as written (default:
                           replaced by [redacted:email] / [redacted:phone] unless a subject's)
  --region CC              region for national phone forms (env OSINT_DEFAULT_REGION, default US)
  --log-only               write only the log; the index and profiles catch up later (the next
                           search, profiles or index command does it), for bulk imports

Live credentials come from the environment or .env: TWITCH_OAUTH_TOKEN and TWITCH_NICK. Without
them the monitor logs in anonymously, read-only, which is enough for public chat.

${COMMON_HELP}

Example:
  twitch-osint chat run --channels example_channel,devchat --duration-seconds 15 --offline
`;

/** Parses `--channels`: comma-separated logins, normalized, without repeats. */
function parseChannels(list: string): string[] {
  const out: string[] = [];
  for (const raw of list.split(",")) {
    if (raw.trim() === "") continue;
    const n = normalizeLogin(raw);
    if (!n.ok) throw new UsageError(`--channels: ${n.reason}`);
    if (!out.includes(n.value)) out.push(n.value);
  }
  if (out.length === 0) throw new UsageError("--channels needs at least one channel");
  return out;
}

function progressText(p: RunProgress): string {
  const channels = Object.entries(p.perChannel)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([c, n]) => `${c} ${n}`)
    .join(", ");
  return `chat: ${p.received} messages (${p.written} new, ${p.duplicates} dup, ` +
    `${p.rejected} rejected, ${p.refused} refused) ` +
    `${rate(p.received, p.elapsedMs)}${channels ? ` | ${channels}` : ""}`;
}

/**
 * `chat <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./chat.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const dataDir = await Deno.makeTempDir();
 * const fixturesDir = await Deno.makeTempDir();
 * await Deno.mkdir(`${fixturesDir}/chat`);
 * const line = (ts: string, user_name: string, text: string) =>
 *   JSON.stringify({ ts, channel: "example_channel", user_name, text }) + "\n";
 * await Deno.writeTextFile(
 *   `${fixturesDir}/chat/example_channel.jsonl`,
 *   line("2025-09-02T12:00:00Z", "ann", "call 212-555-0123") +
 *     line("2025-09-02T12:00:01Z", "bob", "hi @ann"),
 * );
 * const replay = ["run", "--offline", "--channels", "example_channel", "--speed", "0"];
 * const dirs = ["--data-dir", dataDir, "--fixtures-dir", fixturesDir];
 * assert.equal(await run([...replay, ...dirs], io), 0);
 * assert.match(err, /^chat: 2 messages from 1 channel\(s\) in .*: 2 new, 0 duplicate, /);
 * // Phone numbers are redacted before storing; a second replay stores nothing again.
 * const log = await Deno.readTextFile(`${dataDir}/logs/messages.jsonl`);
 * assert.match(log, /"text":"call \[redacted:phone\]"/);
 * err = "";
 * await run([...replay, ...dirs], io);
 * assert.match(err, /: 0 new, 2 duplicate, 0 rejected, 0 refused \(opted out\); stopped: end/);
 * await assert.rejects(run(["run", ...dirs], io), {
 *   name: "UsageError",
 *   message: "--channels is required",
 * });
 * await Deno.remove(dataDir, { recursive: true });
 * await Deno.remove(fixturesDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  if (sub !== "run") throw new UsageError(`unknown chat subcommand "${sub}" (expected run)`);
  const p = parseCommand(rest, HELP, io, {
    channels: { type: "string" },
    "duration-seconds": { type: "string" },
    offline: { type: "boolean" },
    speed: { type: "string" },
    server: { type: "string" },
    "batch-size": { type: "string" },
    "flush-ms": { type: "string" },
    "keep-pii": { type: "boolean" },
    region: { type: "string" },
    "log-only": { type: "boolean" },
  });
  if (p === null) return 0;
  const channels = parseChannels(required(p, "channels"));
  const durationRaw = str(p, "duration-seconds");
  const duration = durationRaw === undefined ? undefined : numberFlag(p, "duration-seconds", 0);
  const speed = numberFlag(p, "speed", 1);
  const batchSize = Math.max(1, Math.floor(numberFlag(p, "batch-size", 5000)));
  const flushMs = numberFlag(p, "flush-ms", 200);
  const region = regionFlag(p, io.env);
  const { dataDir, quiet } = p.common;
  const status = new StatusLine(io, quiet);

  const source = await chatSource(p, channels, speed, io);
  const { summary, derivedProblems } = await runPipeline(source, {
    common: p.common,
    logOnly: p.values["log-only"] === true,
    keepPii: p.values["keep-pii"] === true,
    region,
    label: "chat",
    privacyRefreshMs: 2000,
    run: {
      ...(duration !== undefined ? { durationSeconds: duration } : {}),
      signal: io.signal,
      batchSize,
      flushIntervalMs: flushMs,
      onProgress: (pr) => status.update(progressText(pr)),
      onProblem: (where, reason) => {
        if (!quiet) status.line(`warning: ${where}: ${reason}`);
      },
      onWarning: (where, reason) => {
        if (!quiet) status.line(`warning: ${where}: ${reason}`);
      },
      onStatus: (text) => {
        if (!quiet) status.line(`chat: ${text}`);
      },
    },
  }, io);
  status.done();
  for (const r of summary.repairs) io.err(`warning: ${r}\n`);
  if (!quiet) io.err(summaryText(summary, channels.length, dataDir));
  if (derivedProblems > 0) throw derivedFailure(derivedProblems);
  return 0;
}

/** The source of a run: the fixtures replayed (`--offline`), or live Twitch chat. */
async function chatSource(
  p: Parsed,
  channels: string[],
  speed: number,
  io: CliIO,
): Promise<ChatSource> {
  const { fixturesDir } = p.common;
  if (p.values.offline === true) {
    // Least privilege: a replay never needs the network (but a PostgreSQL store does).
    if (p.common.databaseUrl === undefined) await Deno.permissions.revoke({ name: "net" });
    const available = await availableFixtureChannels(fixturesDir);
    const missing = channels.filter((c) => !available.includes(c));
    if (missing.length === channels.length) {
      throw new UsageError(
        `no fixture for ${missing.join(", ")} in ${fixturesDir}/chat (available: ${
          available.join(", ") || "none"
        })`,
      );
    }
    return replaySource({ channels, fixturesDir, speed });
  }
  const { liveSource } = await import("../chat/live.ts");
  const server = str(p, "server") ?? io.env("TWITCH_IRC_SERVER");
  const token = io.env("TWITCH_OAUTH_TOKEN");
  const nick = io.env("TWITCH_NICK");
  if (token && !nick) throw new UsageError("TWITCH_OAUTH_TOKEN is set but TWITCH_NICK is not");
  return liveSource({
    channels,
    ...(server ? { server } : {}),
    ...(token ? { token } : {}),
    ...(nick ? { nick } : {}),
  });
}

/** The closing lines of a run on stderr. */
function summaryText(summary: RunSummary, channels: number, dataDir: string): string {
  const secs = (summary.elapsedMs / 1000).toFixed(1);
  const why = summary.stoppedBy === "end"
    ? "end of input"
    : summary.stoppedBy === "duration"
    ? "duration reached"
    : "interrupted";
  return `chat: ${summary.received} messages from ${channels} channel(s) in ${secs}s ` +
    `(${rate(summary.received, summary.elapsedMs)}): ${summary.written} new, ` +
    `${summary.duplicates} duplicate, ${summary.rejected} rejected, ` +
    `${summary.refused} refused (opted out)` +
    (summary.shed ? `, ${summary.shed} shed (the pipeline fell behind the server)` : "") +
    (summary.events ? `, ${summary.eventsWritten} new events` : "") +
    `; stopped: ${why}\n` +
    `chat: log at ${dataDir}/logs/messages.jsonl\n`;
}
