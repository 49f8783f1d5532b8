/**
 * Chatterino's text logs: `<base>/Twitch/Channels/<channel>/<channel>-YYYY-MM-DD.log` (or
 * `<channel>-<stream id>.log`), opened by `# Start logging at YYYY-MM-DD HH:MM:SS ZONE` and
 * holding lines `[HH:MM:SS] login: text` or `[HH:MM:SS] LocalizedName login: text` (a display
 * name that is not the login, e.g. in CJK). Lines without `login: ` are system messages and are
 * skipped. The date comes from the last `# Start logging at` line, else the file name; a clock
 * that goes backwards means midnight passed. Times are the logging machine's local time: read
 * as UTC unless `--utc-offset` says otherwise. No ids: each message gets the deterministic hash
 * id, so importing the same log twice stores it once. Logs in the `Whispers`, `Mentions`, `Live`
 * and `AutoMod` folders are not a channel's chat and are skipped.
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { normalizeLogin } from "../normalize.ts";
import { messageIdFor } from "../analysis/message_id.ts";
import { isoFromMs } from "../normalize.ts";
import type { ChatSource } from "../chat/source.ts";
import { readLineBatches } from "../line_reader.ts";
import { openBytes } from "./input.ts";
import {
  at,
  type FileContext,
  fileSource,
  type ImportOptions,
  type Outcome,
  problem,
  SKIP,
} from "./outcome.ts";

const START = /^# Start logging at (\d{4})-(\d{2})-(\d{2}) \d{2}:\d{2}:\d{2}/;
const LINE = /^\[(\d{1,2}):(\d{2}):(\d{2})\] (.*)$/;
const USER = /^(?:(\S+) )?([A-Za-z0-9_]{1,25}): /;
const FILE_DATE = /-(\d{4})-(\d{2})-(\d{2})\.log(?:\.gz)?$/;
const FILE_CHANNEL = /^([A-Za-z0-9_]{1,25})-.+\.log(?:\.gz)?$/;
const DAY_MS = 86_400_000;
const SPECIAL_FOLDERS = new Set(["Whispers", "Mentions", "Live", "AutoMod"]);

/** The channel a Chatterino log's path names: its `Channels/<channel>` folder or file name. */
export function chatterinoChannel(path: string): string | undefined {
  const dir = dirname(path);
  if (basename(dirname(dir)) === "Channels") {
    const n = normalizeLogin(basename(dir));
    if (n.ok) return n.value;
  }
  const m = FILE_CHANNEL.exec(basename(path));
  if (m) {
    const n = normalizeLogin(m[1]!);
    if (n.ok) return n.value;
  }
  return undefined;
}

/** Epoch ms of a UTC midnight, from the date in a log's file name; undefined when it has none. */
export function chatterinoFileDay(path: string): number | undefined {
  const m = FILE_DATE.exec(basename(path));
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? ms : undefined;
}

/** The reading state of one log: the day lines belong to and the last clock time seen. */
export interface ChatterinoDay {
  /** Epoch ms of the current day's midnight (local clock, as if UTC); undefined: unknown yet. */
  dayMs: number | undefined;
  /** Milliseconds into the day of the previous line. */
  lastMs: number;
}

/**
 * One line of a Chatterino log, given the reading state (updated in place). Pure apart from
 * that state.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseChatterinoLine } from "./chatterino.ts";
 * const day = { dayMs: undefined, lastMs: 0 };
 * parseChatterinoLine("# Start logging at 2024-01-15 12:00:00 UTC", day, "chan", 0);
 * const o = parseChatterinoLine("[12:34:56] ann: hi", day, "chan", 0);
 * strictEqual(o.kind === "message" && o.draft.ts, "2024-01-15T12:34:56.000Z");
 * ```
 */
export function parseChatterinoLine(
  text: string,
  day: ChatterinoDay,
  channel: string,
  utcOffsetMinutes: number,
): Outcome {
  if (text.trim() === "") return SKIP;
  if (text.charCodeAt(0) === 35 /* # */) {
    const s = START.exec(text);
    if (s) {
      day.dayMs = Date.UTC(Number(s[1]), Number(s[2]) - 1, Number(s[3]));
      day.lastMs = 0;
    }
    return SKIP;
  }
  const m = LINE.exec(text);
  if (!m) return problem("not a Chatterino log line ([HH:MM:SS] user: text)");
  const h = Number(m[1]), mi = Number(m[2]), s = Number(m[3]);
  if (h > 23 || mi > 59 || s > 59) {
    return problem(`time [${m[1]}:${m[2]}:${m[3]}] is not a clock time`);
  }
  if (day.dayMs === undefined) {
    return problem("no date: neither a '# Start logging at' line nor a date in the file name");
  }
  const inDay = ((h * 60 + mi) * 60 + s) * 1000;
  // A stream log spans midnight: the clock going back by more than an hour means a new day.
  if (inDay + 3_600_000 < day.lastMs) day.dayMs += DAY_MS;
  day.lastMs = inDay;
  const rest = m[4]!;
  const u = USER.exec(rest);
  if (!u) return SKIP;
  const user = normalizeLogin(u[2]!);
  if (!user.ok) return problem(`user: ${user.reason}`);
  const body = rest.slice(u[0].length);
  const ts = isoFromMs(day.dayMs + inDay - utcOffsetMinutes * 60_000);
  const draft = {
    ts,
    channel,
    message_id: messageIdFor(channel, ts, user.value, body),
    user_id: null,
    user_name: user.value,
    text: body,
    source: "import:chatterino" as const,
  };
  return {
    kind: "message",
    draft: u[1] !== undefined ? { ...draft, display_name: u[1] } : draft,
  };
}

/** Reads one Chatterino log. */
export async function* readChatterinoFile(
  path: string,
  ctx: FileContext,
): AsyncGenerator<Outcome[]> {
  // Whispers, mentions, live and AutoMod logs are not a channel's chat (mentions repeat lines
  // of the channel logs): their lines are skipped.
  if (SPECIAL_FOLDERS.has(basename(dirname(path)))) {
    for await (const batch of readLineBatches(await openBytes(path))) {
      yield batch.map(() => SKIP);
    }
    return;
  }
  const named = chatterinoChannel(path);
  let channel: string;
  if (named !== undefined) {
    ctx.channel.check(named, path);
    channel = named;
  } else {
    channel = ctx.channel.require(path, "the path names no channel (Channels/<channel>/)");
  }
  const day: ChatterinoDay = { dayMs: chatterinoFileDay(path), lastMs: 0 };
  for await (const batch of readLineBatches(await openBytes(path))) {
    const out: Outcome[] = [];
    for (const item of batch) {
      if ("error" in item) {
        out.push(problem(item.error, `${path}:${item.line}`));
        continue;
      }
      const o = parseChatterinoLine(item.text, day, channel, ctx.utcOffsetMinutes);
      out.push(o.kind === "problem" ? at(o, `${path}:${item.line}`) : o);
    }
    yield out;
  }
}

/** A chat source over Chatterino logs. */
export function chatterinoSource(
  paths: readonly string[],
  options: ImportOptions = {},
): ChatSource {
  return fileSource(paths.map((path) => ({ path, reader: readChatterinoFile })), options);
}
