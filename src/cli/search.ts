/**
 * `search messages`: finds stored messages by user or channel, time window and text, through
 * the index (or `--scan` of the log). Never needs the network.
 *
 * @module
 */
import type { ChatEvent } from "../schemas.ts";
import { deletions, markDeleted, searchEvents, type ShownMessage } from "../query/events.ts";
import { openStore, type Store } from "../store/store.ts";
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
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
import { EVENT_COLUMNS, MESSAGE_COLUMNS, recordsToCsv } from "../export/csv.ts";
import { personClause, personEventClause, personOptedOut, resolvePerson } from "../query/person.ts";
import { privacyFilter } from "../query/privacy_filter.ts";
import type { CliIO } from "./io.ts";
import { columns, printable } from "./table.ts";
import { reportCut, requireMessageLog } from "./totals.ts";

const HELP =
  `Usage: twitch-osint search messages [--query Q] [--by user|channel --value NAME] [--since T]
                                   [--until T] [--contains TEXT] [--limit N] [--offset N]
                                   [--count] [--format json|jsonl|table|csv] [--scan]
       twitch-osint search events [--kind usernotice|clearmsg|clearchat] [same filters]

Searches the collected messages (<data>/logs/messages.jsonl), newest first (ties by message_id).
A message a moderator deleted in chat stays in the log and comes out with "deleted_at".
"search events" searches subs, raids and announcements (usernotice), deleted messages (clearmsg:
the user is the deleted message's author) and timeouts, bans and clears (clearchat).
When the results are cut, stderr says so: "20 of 408 shown (use --limit or --offset)".

Options:
  --query Q, -q Q      a query (AND'ed with the flags below):
                         word "a phrase"     the text contains it (case-insensitive)
                         a b   a OR b   -a   both, either, not (OR binds tighter than AND)
                         from:USER in:CHANNEL mentions:USER
                         has:link|emote|mention|signal|hit   is:deleted|action|first
                         after:T before:T    as --since and --until
                         /regex/i            a JavaScript regex over the text (flags i, m, s)
                       events take words, phrases, regexes, from:, in:, after: and before:
  --by user|channel    what --value names (without --by: every message); same as from:/in:
  --value NAME         the user or channel (a login; @ or # and case are ignored)
  --since T            from T, inclusive; --until T: before T, exclusive. T is ISO 8601
                       (2025-09-02T12:00:00Z; no offset means UTC), a date (2025-09-02), epoch ms,
                       or relative to now: 30m, 2h, 7d, 1w
  --contains TEXT      case-insensitive substring; several words must all appear. Characters
                       are literal (quotes, *, parentheses, NEAR have no meaning)
  --limit N            at most N results (default 20)
  --offset N           skip the first N results (the next page: --offset 20)
  --count              print only the number of matches
  --format F           json (default: a pretty JSON array), jsonl (one record per line) or table
  --scan               read the log instead of the index (same results, slower on big logs)

${COMMON_HELP.replace("--quiet, -q ", "--quiet     ")}

Examples:
  twitch-osint search messages -q 'from:someuser dating OR sara -lol' --limit 50
  twitch-osint search messages -q 'in:example_channel after:2025-09-02 has:link'
  twitch-osint search messages -q '/\\bis (he|she) dating\\b/i in:example_channel' --count
  twitch-osint search messages --by user --value someuser --contains dating --limit 20
  twitch-osint search events --kind clearchat --by channel --value example_channel
  twitch-osint search events -q 'raid from:fan88 after:7d'
`;

/**
 * Where a search's time went, for `--debug`: the process's start-up until the handler ran
 * (`performance.now()` counts from the process's start), then each phase since the last.
 */
class Phases {
  #last: number;
  #parts: string[];

  constructor(handlerStarted: number) {
    this.#last = handlerStarted;
    this.#parts = [`start-up ${handlerStarted.toFixed(1)} ms`];
  }

  /** Ends the phase `name` now. */
  mark(name: string): void {
    const now = performance.now();
    this.#parts.push(`${name} ${(now - this.#last).toFixed(1)} ms`);
    this.#last = now;
  }

  toString(): string {
    return `${this.#parts.join(", ")}; ${performance.now().toFixed(1)} ms since the process began`;
  }
}

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

/**
 * Time spent counting matches beyond the page, for the "N of M shown" line. Counting is the
 * index's own `count(*)` in passes of 1k, 10k, ... matches, each run only when it should end
 * within this budget: a thousand or so matches are counted exactly at a few milliseconds' cost,
 * a common word says "at least 1000" (the index answered the page before; `--count` counts
 * them all). 150 ms counted further but made a common word's search 1.5x slower than before
 * the totals existed (issue 11's benchmark clause).
 */
const COUNT_BUDGET_MS = 40;

/**
 * `search <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./search.ts";
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
 * await run(["messages", "--data-dir", dataDir, "--limit", "2", "--format", "table"], io);
 * assert.equal(
 *   out,
 *   "ts                        channel          user  text\n" +
 *     "2025-09-02T12:00:03.000Z  example_channel  cat   hello @bob\n" +
 *     "2025-09-02T12:00:02.000Z  example_channel  bob   hey @ann\n",
 * );
 * assert.equal(err, "2 of 3 shown (use --limit or --offset)\n");
 * // Chat text never drives the terminal: control characters are shown escaped.
 * out = "";
 * const byAnn = ["--by", "user", "--value", "@Ann", "--format", "table"];
 * await run(["messages", "--data-dir", dataDir, ...byAnn], io);
 * assert.match(out, /ann   hi\\x1b\[2J all\n$/);
 * await assert.rejects(run(["messages", "--data-dir", dataDir, "--format", "xml"], io), {
 *   name: "UsageError",
 *   message: '--format must be json, jsonl, table or csv, got "xml"',
 * });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const started = performance.now();
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  if (sub !== "messages" && sub !== "events") {
    throw new UsageError(`unknown search subcommand "${sub}" (expected messages or events)`);
  }
  const p = parseCommand(rest, HELP, io, {
    query: { type: "string", short: "q" },
    // -q is --query here; --quiet is spelt out.
    quiet: { type: "boolean" },
    by: { type: "string" },
    value: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    contains: { type: "string" },
    limit: { type: "string" },
    offset: { type: "string" },
    count: { type: "boolean" },
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
  const q = buildQuery(
    {
      ...opt("by"),
      // A user id (`id:123`) is not a login: the person is resolved below.
      ...(str(p, "value") === undefined ? {} : { value: str(p, "value")!.replace(/^id:/i, "") }),
      ...opt("since"),
      ...opt("until"),
      ...opt("contains"),
      ...opt("query"),
      ...opt("limit"),
      ...opt("offset"),
    },
    Date.now(),
    sub,
  );
  const { dataDir, quiet } = p.common;
  const phases = new Phases(started);
  if (p.common.databaseUrl === undefined) await requireMessageLog(dataDir, io, quiet);
  const store = await openStore(storeConfig(p.common));
  phases.mark("open");
  try {
    const asked = str(p, "by") === "user" ? await personQuery(store, str(p, "value")!, q, sub) : q;
    await answer(store, sub, p, asked, format, io, phases);
  } finally {
    await store.close();
  }
  if (p.common.debug) io.err(`search: ${phases}\n`);
  return 0;
}

/** Runs the search and writes it: the page on stdout, what was cut on stderr. */
async function answer(
  store: Store,
  sub: "messages" | "events",
  p: Parsed,
  q: SearchQuery,
  format: "json" | "jsonl" | "table" | "csv",
  io: CliIO,
  phases: Phases,
): Promise<void> {
  const countOnly = p.values.count === true;
  const offset = q.offset ?? 0;
  if (sub === "events") {
    const kind = str(p, "kind");
    if (
      kind !== undefined && kind !== "usernotice" && kind !== "clearmsg" && kind !== "clearchat"
    ) {
      throw new UsageError(`--kind must be usernotice, clearmsg or clearchat, got "${kind}"`);
    }
    // Opted-out users and channels are neither served nor counted (the query layer leaves them out).
    const { events, total } = await searchEvents(store, { ...q, ...(kind ? { kind } : {}) });
    if (countOnly) return io.out(`${total}\n`);
    if (format === "json") io.out(JSON.stringify(events, null, 2) + "\n");
    else if (format === "jsonl") io.out(events.map((e) => JSON.stringify(e) + "\n").join(""));
    else if (format === "csv") io.out(recordsToCsv(EVENT_COLUMNS, events));
    else io.out(renderEventTable(events));
    reportCut(io, { shown: events.length, offset, total, exact: true });
    return;
  }
  if (str(p, "kind") !== undefined) throw new UsageError("--kind applies to search events only");
  const r = await searchMessages(store, countOnly ? { ...q, limit: 1, offset: 0 } : q, {
    scan: p.values.scan === true,
    total: countOnly ? true : { budgetMs: COUNT_BUDGET_MS },
  });
  phases.mark("search");
  if (p.common.debug) {
    io.err(
      `search: ${r.messages.length} message(s) of ${r.total} via ${r.via}` +
        (r.via === "index" ? ` (+${r.tailBytes} unindexed bytes scanned)` : "") +
        (r.note ? `; ${r.note}` : "") + "\n",
    );
  }
  if (!r.complete) io.err(`warning: ${r.note}\n`);
  if (countOnly) return io.out(`${r.total}\n`);
  const shown = markDeleted(r.messages, await deletions(store));
  phases.mark("deletions");
  if (format === "json") io.out(JSON.stringify(shown, null, 2) + "\n");
  else if (format === "jsonl") io.out(shown.map((m) => JSON.stringify(m) + "\n").join(""));
  else if (format === "csv") io.out(recordsToCsv(MESSAGE_COLUMNS, shown));
  else io.out(renderTable(shown));
  phases.mark("write");
  reportCut(io, {
    shown: shown.length,
    offset,
    total: r.total ?? shown.length,
    exact: r.totalExact ?? true,
    why: "counting stopped early to answer fast",
  });
}

/**
 * `--by user`: the person any of their logins or their Twitch id names, all their messages (or
 * events) under every login, through the store's index by person (a recycled login's other
 * holder is left out); a person opted out through any of their logins matches nothing; a login
 * never seen searches as the query says.
 */
async function personQuery(
  store: Store,
  value: string,
  q: SearchQuery,
  target: "messages" | "events",
): Promise<SearchQuery> {
  const person = await resolvePerson(store, value);
  const privacy = await privacyFilter(store);
  const isFrom = (c: SearchQuery["clauses"][number]) =>
    c.length === 1 && !c[0]!.negated && c[0]!.term.field === "from";
  if (personOptedOut(person, privacy)) {
    // Nobody may be served: a literal no login can match.
    const none = [{ negated: false, term: { field: "from" as const, value: "\u0000" } }];
    return { ...q, clauses: [...q.clauses.filter((c) => !isFrom(c)), none] };
  }
  if (person.logins.length === 0) return q;
  // The literal --by user made (of a login, or of the id's digits) and the person's logins.
  const asked = normalizeLogin(value.replace(/^id:/i, ""));
  const logins = new Set([person.login, ...person.logins.map((s) => s.login)]);
  if (asked.ok) logins.add(asked.value);
  // Their from: literal gives way to the person: one literal per key of theirs.
  const others = q.clauses.filter((c) => {
    const t = c[0]?.term;
    return !(isFrom(c) && t?.field === "from" && logins.has(t.value));
  });
  const clause = target === "messages" ? personClause(person) : personEventClause(person);
  return { ...q, clauses: [clause, ...others] };
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
