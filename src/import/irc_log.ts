/**
 * Raw Twitch IRC lines, one per line, as captures and justlog's raw files hold them: PRIVMSG
 * becomes a message, CLEARCHAT, CLEARMSG and USERNOTICE become events, server chatter (`001`,
 * `PING`, `JOIN`, `ROOMSTATE`, ...) is skipped. The meaning of a line is exactly the live
 * client's (`chat/twitch.ts`); only the time must come from the line's `tmi-sent-ts` tag, since
 * an import has no receive time.
 *
 * @module
 */
import { parseIrcLine } from "../chat/irc.ts";
import { privmsgMeaning, type TwitchMeaning, twitchMeaning } from "../chat/twitch.ts";
import type { Source } from "../schemas.ts";
import { openBytes } from "./input.ts";
import { readLineBatches } from "../line_reader.ts";
import {
  at,
  type FileContext,
  fileSource,
  type ImportOptions,
  type Outcome,
  problem,
  SKIP,
} from "./outcome.ts";
import type { ChatSource } from "../chat/source.ts";

const NO_TIME = problem("no tmi-sent-ts tag: the time of the message is unknown");

/** Commands a line without tags or prefix may carry; anything else there is not IRC. */
const BARE_COMMANDS = new Set([
  "PING",
  "PONG",
  "CAP",
  "PASS",
  "NICK",
  "USER",
  "JOIN",
  "PART",
  "QUIT",
  "ERROR",
  "NOTICE",
  "RECONNECT",
  "PRIVMSG",
]);

/**
 * The meaning of one raw IRC line. `fallbackMs` is the time to use when the line has no
 * `tmi-sent-ts` tag (justlog's JSON gives one); without it such a line is a problem. Pure.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseIrcLogLine } from "./irc_log.ts";
 * const o = parseIrcLogLine("@id=m1;tmi-sent-ts=1700000000000 :ann!ann@ann.tmi.twitch.tv PRIVMSG #chan :hi");
 * strictEqual(o.kind === "message" && o.draft.source, "import:irc");
 * strictEqual(parseIrcLogLine("PING :tmi.twitch.tv").kind, "skip");
 * ```
 */
export function parseIrcLogLine(
  text: string,
  fallbackMs: number | null = null,
  source: Source = "import:irc",
): Outcome {
  if (text.length === 0) return SKIP;
  // A PRIVMSG in the shape Twitch sends is read in one pass, as the live client reads it (its
  // meaning equals the general path's); anything else goes through the general parser below.
  if (text.charCodeAt(0) === 64 /* @ */) {
    const tagsEnd = text.indexOf(" ");
    const timed = fallbackMs !== null ||
      (tagsEnd > 0 && text.lastIndexOf("tmi-sent-ts=", tagsEnd) > 0);
    if (timed) {
      const fast = privmsgMeaning(text, fallbackMs ?? Date.now());
      if (fast !== undefined) return fromMeaning(fast, fallbackMs, source);
    }
  }
  if (text.trim() === "") return SKIP;
  const line = parseIrcLine(text);
  if (!line.ok) return problem(`not an IRC line (${line.reason})`);
  const c = line.command;
  if (line.prefix === undefined && line.tags.raw === "" && !BARE_COMMANDS.has(c)) {
    return problem("not an IRC line (no tags, no prefix, no known command)");
  }
  if (c !== "PRIVMSG" && c !== "USERNOTICE" && c !== "CLEARMSG" && c !== "CLEARCHAT") return SKIP;
  if (fallbackMs === null && line.tags.raw.indexOf("tmi-sent-ts=") < 0) return NO_TIME;
  // The clock stands in for the receive time only as the chat time rule's "now" (a time more
  // than a day ahead of it is implausible): an import has no receive time of its own, so a line
  // whose sent time breaks the rule is refused rather than stored at the time of the import.
  const meaning = twitchMeaning(line, fallbackMs ?? Date.now());
  if (meaning === undefined) return SKIP;
  return fromMeaning(meaning, fallbackMs, source);
}

/** The outcome of a line's meaning, from `source`. */
function fromMeaning(meaning: TwitchMeaning, fallbackMs: number | null, source: Source): Outcome {
  if (meaning.kind === "invalid") return problem(meaning.reason);
  if (fallbackMs === null && meaning.warning !== undefined) {
    return problem(meaning.warning.replace(/; the receive time is used$/, ""));
  }
  if (meaning.kind === "message") {
    meaning.draft.source = source;
    return meaning;
  }
  meaning.event.source = source;
  return meaning;
}

/** Reads one file of raw IRC lines. */
export async function* readIrcFile(path: string, ctx: FileContext): AsyncGenerator<Outcome[]> {
  const given = ctx.channel.given;
  for await (const batch of readLineBatches(await openBytes(path))) {
    const out: Outcome[] = new Array(batch.length);
    for (let k = 0; k < batch.length; k++) {
      const item = batch[k]!;
      if ("error" in item) {
        out[k] = problem(item.error, `${path}:${item.line}`);
        continue;
      }
      const o = parseIrcLogLine(item.text);
      if (o.kind === "problem") out[k] = at(o, `${path}:${item.line}`);
      else {
        if (given !== undefined) {
          if (o.kind === "message") ctx.channel.check(o.draft.channel, `${path}:${item.line}`);
          else if (o.kind === "event") ctx.channel.check(o.event.channel, `${path}:${item.line}`);
        }
        out[k] = o;
      }
    }
    yield out;
  }
}

/** A chat source over files of raw IRC lines. */
export function ircSource(paths: readonly string[], options: ImportOptions = {}): ChatSource {
  return fileSource(paths.map((path) => ({ path, reader: readIrcFile })), options);
}
