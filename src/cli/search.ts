/**
 * `search messages`: finds stored messages by user or channel, time window and text, through
 * the index (or `--scan` of the log). Never needs the network.
 *
 * @module
 */
import type { ChatEvent, Message } from "../schemas.ts";
import { deletions, markDeleted, searchEvents, type ShownMessage } from "../query/events.ts";
import { openStore, type Store } from "../store/store.ts";
import { UsageError } from "../errors.ts";
import { buildQuery, searchMessages, type SearchQuery } from "../query/search.ts";
import {
  choice,
  COMMON_HELP,
  parseCommand,
  type Parsed,
  storeConfig,
  str,
  subcommandHelp,
} from "./args.ts";
import type { CliIO } from "./io.ts";
import { reportCut, requireMessageLog } from "./totals.ts";
import { columns, printable } from "./table.ts";
import { EVENT_COLUMNS, MESSAGE_COLUMNS, recordsToCsv } from "../export/csv.ts";
import { personMessages, personOptedOut, resolvePerson } from "../query/person.ts";
import { privacyFilter, takeAllowed } from "../query/privacy_filter.ts";

const HELP =
  `Usage: twitch-osint search messages [--by user|channel --value NAME] [--since T] [--until T]
                                   [--contains TEXT] [--limit N] [--format json|jsonl|table|csv] [--scan]
       twitch-osint search events [--kind usernotice|clearmsg|clearchat] [same filters]

Searches the collected messages (<data>/logs/messages.jsonl), newest first (ties by message_id).
A message a moderator deleted in chat stays in the log and comes out with "deleted_at".
"search events" searches subs, raids and announcements (usernotice), deleted messages (clearmsg:
the user is the deleted message's author) and timeouts, bans and clears (clearchat).

Options:
  --by user|channel    what --value names (without --by: every message)
  --value NAME         the user or channel (a login; @ or # and case are ignored). A user is a
                       person: whichever login they used, or their Twitch user id (123 or id:123),
                       finds their messages under every login
  --since T            from T, inclusive; --until T: before T, exclusive. T is ISO 8601
                       (2025-09-02T12:00:00Z; no offset means UTC), a date (2025-09-02), epoch ms,
                       or relative to now: 30m, 2h, 7d, 1w
  --contains TEXT      case-insensitive substring; several words must all appear. Characters
                       are literal (quotes, *, parentheses, NEAR have no meaning)
  --limit N            at most N messages (default 20)
  --format F           json (default: a pretty JSON array), jsonl (one record per line), table,
                       or csv (RFC 4180; cells a spreadsheet would run as formulas neutralised)
  --scan               read the log instead of the index (same results, slower on big logs)

${COMMON_HELP}

Examples:
  twitch-osint search messages --by user --value someuser --contains dating --limit 20
  twitch-osint search events --kind clearchat --by channel --value example_channel
  twitch-osint search messages --by channel --value example_channel --since 2025-09-02T12:00:00Z
`;

/** Renders messages as a fixed-width table for people. */
function renderTable(messages: readonly ShownMessage[]): string {
  if (messages.length === 0) return "(no messages)\n";
  const rows = messages.map((m) => [
    m.ts,
    m.channel,
    m.user_name,
    (m.deleted_at ? "[deleted] " : "") + printable(m.text, TEXT_CELL),
  ]);
  return columns(["ts", "channel", "user", "text"], rows, true);
}

/** Longest text shown in a table cell. */
const TEXT_CELL = 120;

/** `search <subcommand>`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  if (sub !== "messages" && sub !== "events") {
    throw new UsageError(`unknown search subcommand "${sub}" (expected messages or events)`);
  }
  const p = parseCommand(rest, HELP, io, {
    by: { type: "string" },
    value: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    contains: { type: "string" },
    limit: { type: "string" },
    format: { type: "string" },
    scan: { type: "boolean" },
    kind: { type: "string" },
  });
  if (p === null) return 0;
  const format = choice(p, "format", ["json", "jsonl", "table", "csv"]);
  const opt = (name: string) => {
    const v = str(p, name);
    return v === undefined ? {} : { [name]: v };
  };
  // A user id (`id:123`) is not a login: the person is resolved in answer(), the query takes a
  // login.
  const rawValue = str(p, "value");
  const q = buildQuery({
    ...opt("by"),
    ...(rawValue === undefined ? {} : { value: rawValue.replace(/^id:/i, "") }),
    ...opt("since"),
    ...opt("until"),
    ...opt("contains"),
    ...opt("limit"),
  });
  // A wrong --data-dir is an error naming it, not an empty answer (a database has no log here).
  if (p.common.databaseUrl === undefined) {
    await requireMessageLog(p.common.dataDir, io, p.common.quiet);
  }
  const store = await openStore(storeConfig(p.common));
  try {
    io.out(await answer(store, sub, p, q, format, io));
  } finally {
    await store.close();
  }
  return 0;
}

/** Runs the search and renders it. */
async function answer(
  store: Store,
  sub: "messages" | "events",
  p: Parsed,
  q: SearchQuery,
  format: "json" | "jsonl" | "table" | "csv",
  io: CliIO,
): Promise<string> {
  if (sub === "events") {
    const kind = str(p, "kind");
    if (
      kind !== undefined && kind !== "usernotice" && kind !== "clearmsg" && kind !== "clearchat"
    ) {
      throw new UsageError(`--kind must be usernotice, clearmsg or clearchat, got "${kind}"`);
    }
    // One more than asked tells whether the page was cut; the event log is small, so the
    // exact total is read the same way.
    const all = await searchEvents(store, {
      ...q,
      limit: Number.MAX_SAFE_INTEGER,
      ...(kind ? { kind } : {}),
    });
    const events = all.slice(0, q.limit);
    reportCut(io, { shown: events.length, offset: 0, total: all.length, exact: true });
    if (format === "json") return JSON.stringify(events, null, 2) + "\n";
    if (format === "jsonl") return events.map((e) => JSON.stringify(e) + "\n").join("");
    if (format === "csv") return recordsToCsv(EVENT_COLUMNS, events);
    return renderEventTable(events);
  }
  if (str(p, "kind") !== undefined) throw new UsageError("--kind applies to search events only");
  // Opted-out users and channels are never served (the query layer leaves them out).
  const r = q.by?.kind === "user" && p.values.scan !== true
    ? await personSearch(store, str(p, "value")!, q)
    : await searchMessages(store, q, { scan: p.values.scan === true, total: true });
  const messages = r.messages;
  if ("total" in r && r.total !== undefined) {
    reportCut(io, { shown: messages.length, offset: 0, total: r.total, exact: true });
  } else if (messages.length === q.limit) {
    // A person's messages come page by page: one more tells whether there are more.
    io.err(`${messages.length} shown; there may be more (use --limit)\n`);
  }
  if (p.common.debug) {
    io.err(
      `search: ${messages.length} message(s) via ${r.via}` +
        (r.via === "index" ? ` (+${r.tailBytes} unindexed bytes scanned)` : "") +
        (r.note ? `; ${r.note}` : "") + "\n",
    );
  }
  const shown = markDeleted(messages, await deletions(store));
  if (format === "json") return JSON.stringify(shown, null, 2) + "\n";
  if (format === "jsonl") return shown.map((m) => JSON.stringify(m) + "\n").join("");
  if (format === "csv") return recordsToCsv(MESSAGE_COLUMNS, shown);
  return renderTable(shown);
}

/**
 * `--by user`: the person any of their logins or their id names, all their messages under every
 * login (a login never seen with an id searches as before).
 */
async function personSearch(
  store: Store,
  value: string,
  q: SearchQuery,
): Promise<{ messages: Message[]; via: "index"; tailBytes: number; note?: string }> {
  const privacy = await privacyFilter(store);
  const person = await resolvePerson(store, value);
  // Opted out through any of their logins: served as if nothing of them were stored.
  if (personOptedOut(person, privacy)) return { messages: [], via: "index", tailBytes: 0 };
  if (person.logins.length === 0) {
    const r = await searchMessages(store, q, { privacy });
    return { messages: r.messages, via: "index", tailBytes: r.tailBytes };
  }
  const { by: _by, ...rest } = q;
  const messages = await takeAllowed(
    (limit) => personMessages(store, person, { ...rest, limit }),
    q.limit,
    (m) => privacy.allows(m.user_name, m.channel),
  );
  return { messages, via: "index", tailBytes: 0, note: `person ${person.key}` };
}

/** Renders events as a fixed-width table for people. */
function renderEventTable(events: readonly ChatEvent[]): string {
  if (events.length === 0) return "(no events)\n";
  const rows = events.map((e) => [
    e.ts,
    e.channel,
    e.kind === "usernotice" ? e.notice : e.kind,
    e.user_name ?? "(everyone)",
    printable(
      e.kind === "usernotice"
        ? [e.system_text, e.text].filter(Boolean).join(" | ")
        : e.kind === "clearmsg"
        ? `deleted: ${e.text}`
        : e.duration_seconds === null
        ? (e.user_name ? "banned" : "chat cleared")
        : `timed out for ${e.duration_seconds}s`,
      TEXT_CELL,
    ),
  ]);
  return columns(["ts", "channel", "kind", "user", "detail"], rows, true);
}
