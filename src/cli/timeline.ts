/**
 * `timeline --user X`: everything about one person in time order across every channel, under
 * every login they used. Never needs the network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { csvRow } from "../export/csv.ts";
import { parseTimeBound } from "../query/search.ts";
import { type TimelineEntry, type TimelineStream, timelineStream } from "../query/timeline.ts";
import { openStore } from "../store/store.ts";
import { choice, COMMON_HELP, intFlag, parseCommand, required, storeConfig, str } from "./args.ts";
import type { CliIO } from "./io.ts";
import { columns, printable } from "./table.ts";

const HELP = `Usage: twitch-osint timeline --user NAME|ID [--since T] [--until T] [--context N]
                         [--limit N] [--format table|json|jsonl|csv]

Everything about one person, oldest first, across every channel and every login they used:
their messages, timeouts and bans (CLEARCHAT), their deleted messages (CLEARMSG), their subs,
raids and announcements (USERNOTICE), renames, and the watchlist hits and relationship signals
their messages carry. A person is their Twitch user id when chat gave one (live chat does);
messages without an id (plain fixtures) belong to their login.

Options:
  --user NAME|ID    any login the person used (a login Twitch gave to someone else later is
                    resolved to its holder now), or their user id (123, id:123)
  --since T         from T, inclusive; --until T: before T, exclusive (ISO 8601, a date,
                    epoch ms, or relative: 30m, 2h, 7d)
  --context N       also the N messages before and after each of theirs in that channel
  --limit N         only the latest N entries (default: all)
  --format F        table (default), json (the person and the entries), jsonl (one entry a
                    line) or csv (RFC 4180, spreadsheet-safe)

${COMMON_HELP}

Examples:
  twitch-osint timeline --user someuser
  twitch-osint timeline --user id:123456 --since 7d --context 2 --format csv > someuser.csv
`;

const TEXT_CELL = 120;

const CSV_COLUMNS = [
  "ts",
  "kind",
  "channel",
  "user_name",
  "message_id",
  "text",
  "detail",
].map((name) => ({
  name,
  get: (e: TimelineEntry) => e[name as keyof TimelineEntry] ?? null,
}));

/**
 * `timeline`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./timeline.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * const said = (id: string, s: number, user: string, text: string, mentions: string[]) => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions,
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * });
 * await store.appendMessages([
 *   said("m1", 1, "ann", "hi\x1b[2J all", []),
 *   said("m2", 2, "bob", "hey @ann", ["ann"]),
 *   said("m3", 3, "cat", "hello @bob", ["bob"]),
 * ]);
 * await store.close();
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * await run(["--user", "bob", "--data-dir", dataDir, "--format", "table"], io);
 * assert.equal(
 *   out,
 *   "bob (no user id; logins: bob): 1 entries\n" +
 *     "ts                        kind     channel          user  text\n" +
 *     "2025-09-02T12:00:02.000Z  message  example_channel  bob   hey @ann\n",
 * );
 * await assert.rejects(run(["--user", "bob", "--since", "soon", "--data-dir", dataDir], io), {
 *   name: "UsageError",
 *   message: /^--since: cannot read "soon" as a time/,
 * });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, HELP, io, {
    user: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    context: { type: "string" },
    limit: { type: "string" },
    format: { type: "string" },
  });
  if (p === null) return 0;
  const user = required(p, "user");
  const format = choice(p, "format", ["table", "json", "jsonl", "csv"]);
  const now = Date.now();
  const since = str(p, "since");
  const until = str(p, "until");
  const sinceMs = since === undefined ? undefined : parseTimeBound(since, "--since", now);
  const untilMs = until === undefined ? undefined : parseTimeBound(until, "--until", now);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs > untilMs) {
    throw new UsageError("--since is after --until");
  }
  const context = intFlag(p, "context", { min: 0, max: 1000, default: 0 })!;
  const limit = intFlag(p, "limit", { min: 1 });
  const store = await openStore(storeConfig(p.common));
  try {
    // Logins and renames come from the rollups: bring them up to date when no monitor writes.
    await store.catchUp();
    const t = await timelineStream(store, {
      user,
      context,
      ...(limit !== undefined ? { limit } : {}),
      ...(sinceMs !== undefined ? { sinceMs } : {}),
      ...(untilMs !== undefined ? { untilMs } : {}),
    }, { messages: format === "json" || format === "jsonl" });
    if (t.opted_out) {
      io.err(`error: user "${t.person.login}" is on the opt-out list: nothing of it is served\n`);
      return 1;
    }
    await write(format, t, io);
  } finally {
    await store.close();
  }
  return 0;
}

/**
 * Writes a timeline as it is produced: jsonl and csv a batch at a time; json and the table
 * (whose columns fit the widest cell) once every entry is in.
 */
async function write(format: string, t: TimelineStream, io: CliIO): Promise<void> {
  switch (format) {
    case "jsonl":
      for await (const batch of t.entries) {
        io.out(batch.map((e) => JSON.stringify(e) + "\n").join(""));
      }
      return;
    case "csv":
      io.out(csvRow(CSV_COLUMNS.map((c) => c.name)));
      for await (const batch of t.entries) {
        io.out(batch.map((e) => csvRow(CSV_COLUMNS.map((c) => c.get(e)))).join(""));
      }
      return;
  }
  const entries: TimelineEntry[] = [];
  for await (const batch of t.entries) for (const e of batch) entries.push(e);
  if (format === "json") {
    io.out(JSON.stringify({ person: t.person, entries }, null, 2) + "\n");
    return;
  }
  const logins = t.person.logins.map((s) => s.login).join(", ") || t.person.login;
  const id = t.person.user_id === null ? "no user id" : `user id ${t.person.user_id}`;
  io.out(`${t.person.login} (${id}; logins: ${logins}): ${entries.length} entries\n`);
  if (entries.length === 0) return;
  io.out(columns(
    ["ts", "kind", "channel", "user", "text"],
    entries.map((e) => [
      e.ts,
      e.kind,
      e.channel ?? "",
      e.user_name ?? "",
      (e.deleted_at ? "[deleted] " : "") +
      printable(e.text.replace(/[\r\n\t]+/g, " "), TEXT_CELL),
    ]),
    true,
  ));
}
