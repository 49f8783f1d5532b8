/**
 * `search messages`: finds stored messages by user or channel, time window and text, through
 * the index (or `--scan` of the log). Never needs the network.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import { UsageError } from "../errors.ts";
import { buildQuery, search, type SearchResult } from "../search.ts";
import { privacyFilter, takeAllowed } from "../privacy.ts";
import { COMMON_HELP, parseFlags, str } from "./args.ts";
import type { CliIO } from "./io.ts";

const HELP =
  `Usage: twitch-osint search messages [--by user|channel --value NAME] [--since T] [--until T]
                                   [--contains TEXT] [--limit N] [--format json|jsonl|table] [--scan]

Searches the collected messages (<data>/logs/messages.jsonl), newest first (ties by message_id).

Options:
  --by user|channel    what --value names (without --by: every message)
  --value NAME         the user or channel (a login; @ or # and case are ignored)
  --since T            from T, inclusive; --until T: before T, exclusive. T is ISO 8601
                       (2025-09-02T12:00:00Z; no offset means UTC), a date (2025-09-02), epoch ms,
                       or relative to now: 30m, 2h, 7d, 1w
  --contains TEXT      case-insensitive substring; several words must all appear. Characters
                       are literal (quotes, *, parentheses, NEAR have no meaning)
  --limit N            at most N messages (default 20)
  --format F           json (default: a pretty JSON array), jsonl (one record per line) or table
  --scan               read the log instead of the index (same results, slower on big logs)

${COMMON_HELP}

Examples:
  twitch-osint search messages --by user --value someuser --contains dating --limit 20
  twitch-osint search messages --by channel --value example_channel --since 2025-09-02T12:00:00Z
`;

/** Renders messages as a fixed-width table for people. */
export function renderTable(messages: readonly Message[]): string {
  if (messages.length === 0) return "(no messages)\n";
  const rows = messages.map((m) => [m.ts, m.channel, m.user_name, oneLine(m.text)]);
  const head = ["ts", "channel", "user", "text"];
  const w = [0, 1, 2].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    `${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]}`.trimEnd();
  return [fmt(head), ...rows.map(fmt)].join("\n") + "\n";
}

function oneLine(text: string): string {
  // Control characters would break the table (and could drive a terminal): show them escaped.
  const t = text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return t.length > 120 ? t.slice(0, 119) + "…" : t;
}

/** `search <subcommand>`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  // Least privilege: searching never needs the network.
  await Deno.permissions.revoke({ name: "net" });
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    (sub ? io.out : io.err)(HELP);
    return sub ? 0 : 2;
  }
  if (sub !== "messages") {
    throw new UsageError(`unknown search subcommand "${sub}" (expected messages)`);
  }
  const p = parseFlags(rest, {
    by: { type: "string" },
    value: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    contains: { type: "string" },
    limit: { type: "string" },
    format: { type: "string" },
    scan: { type: "boolean" },
  }, io.env);
  if (p.help) {
    io.out(HELP);
    return 0;
  }
  if (p.positionals.length) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
  const format = str(p, "format") ?? "json";
  if (format !== "json" && format !== "jsonl" && format !== "table") {
    throw new UsageError(`--format must be json, jsonl or table, got "${format}"`);
  }
  const opt = (name: string) => {
    const v = str(p, name);
    return v === undefined ? {} : { [name]: v };
  };
  const q = buildQuery({
    ...opt("by"),
    ...opt("value"),
    ...opt("since"),
    ...opt("until"),
    ...opt("contains"),
    ...opt("limit"),
  });
  // Opted-out users and channels are never served: ask for more until `limit` allowed ones.
  const privacy = await privacyFilter(p.common.dataDir);
  let r!: SearchResult;
  const messages = await takeAllowed(
    async (limit) => {
      r = await search(p.common.dataDir, { ...q, limit }, { scan: p.values.scan === true });
      return r.messages;
    },
    q.limit,
    (m) => privacy.allows(m.user_name, m.channel),
  );
  if (p.common.debug) {
    io.err(
      `search: ${messages.length} message(s) via ${r.via}` +
        (r.via === "index" ? ` (+${r.tailBytes} unindexed bytes scanned)` : "") +
        (r.note ? `; ${r.note}` : "") + "\n",
    );
  }
  if (format === "json") io.out(JSON.stringify(messages, null, 2) + "\n");
  else if (format === "jsonl") io.out(messages.map((m) => JSON.stringify(m) + "\n").join(""));
  else io.out(renderTable(messages));
  return 0;
}
