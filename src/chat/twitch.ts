/**
 * The Twitch meaning of a parsed IRC line: a chat message (PRIVMSG) or a moderation/notice
 * event (USERNOTICE, CLEARMSG, CLEARCHAT). Everything else (PING, JOIN, ROOMSTATE, NOTICE,
 * numerics, unknown commands) has no meaning here and yields `undefined`; the connection
 * (`live_session.ts`) handles the few it needs itself. Unknown tags are ignored.
 *
 * Without Twitch's tags (a plain IRC server, or a server that refused the capability) a
 * PRIVMSG still becomes a message: the time is the receive time and the id a deterministic
 * hash (`messageIdFor`), so a message delivered twice gets the same id.
 *
 * @module
 */
import type { ChatEvent } from "../schemas.ts";
import { emoteNamesFromTag } from "../analysis/emote_ranges.ts";
import { hashId, messageIdFor } from "../analysis/message_id.ts";
import type { MessageDraft } from "./source.ts";
import { type IrcLine, prefixNick, TagPicker } from "./irc.ts";
import { sentTimeMs } from "./chat_time.ts";
import { oversizedDraft, oversizedEvent } from "./draft_limits.ts";

/** What a line means to a chat monitor, or why a line that should mean something cannot be used. */
export type TwitchMeaning =
  | { kind: "message"; draft: MessageDraft; warning?: string }
  | { kind: "event"; event: ChatEvent; warning?: string }
  | { kind: "invalid"; reason: string };

const PRIVMSG_TAGS = new TagPicker([
  "id",
  "tmi-sent-ts",
  "user-id",
  "display-name",
  "emotes",
  "badges",
  "bits",
  "first-msg",
  "reply-parent-msg-id",
  "reply-parent-user-login",
  "reply-parent-user-id",
]);

const ACTION_START = "\x01ACTION ";

/**
 * The meaning of one parsed line; `receivedAtMs` (epoch ms) stands in for the send time when
 * the line has no `tmi-sent-ts` tag, or one that breaks the chat time rule (`chat_time.ts`: then
 * with a `warning`). A record over the length rule (`draft_limits.ts`) is invalid. Never throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIrcLine } from "./irc.ts";
 * import { twitchMeaning } from "./twitch.ts";
 * const line = parseIrcLine("@id=m1;tmi-sent-ts=1700000000000 :ann!ann@ann.tmi.twitch.tv PRIVMSG #Chan :hello");
 * const meaning = line.ok ? twitchMeaning(line, Date.now()) : undefined;
 * assert.ok(meaning?.kind === "message" && meaning.draft.channel === "chan");
 * ```
 */
export function twitchMeaning(line: IrcLine, receivedAtMs: number): TwitchMeaning | undefined {
  switch (line.command) {
    case "PRIVMSG":
      return privmsg(line, receivedAtMs);
    case "USERNOTICE":
      return usernotice(line, receivedAtMs);
    case "CLEARMSG":
      return clearmsg(line, receivedAtMs);
    case "CLEARCHAT":
      return clearchat(line, receivedAtMs);
    default:
      return undefined;
  }
}

function invalid(reason: string): TwitchMeaning {
  return { kind: "invalid", reason };
}

function privmsg(line: IrcLine, receivedAtMs: number): TwitchMeaning {
  const channel = channelOf(line.params[0]);
  if (channel === undefined) {
    return invalid(`PRIVMSG to an invalid channel ${quote(line.params[0])}`);
  }
  const nick = prefixNick(line.prefix);
  const userName = nick === undefined ? undefined : loginOf(nick);
  if (userName === undefined) return invalid(`PRIVMSG from an invalid user ${quote(line.prefix)}`);
  const raw = line.params.length > 1 ? line.params[line.params.length - 1]! : "";
  PRIVMSG_TAGS.pickInto(line.tags.raw, 0, line.tags.raw.length, picked);
  return privmsgDraft(channel, userName, raw, receivedAtMs);
}

/** The values of {@link PRIVMSG_TAGS} of the line being read (filled, then read at once). */
const picked: (string | undefined)[] = [];

const PRIVMSG_AT = " PRIVMSG #";

/**
 * The meaning of a raw line (without its `\r\n`) when it is a PRIVMSG in the shape Twitch sends,
 * `@tags :nick!user@host PRIVMSG #channel :text`, read in one pass without building an
 * {@link IrcLine}: the live hot path. Undefined for any other line or shape (no tags, odd
 * spacing, a lower-case command, an invalid channel or user...), which `parseIrcLine` and
 * {@link twitchMeaning} then read. For every line it accepts, the meaning equals theirs (a
 * property test holds the two paths equal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { privmsgMeaning } from "./twitch.ts";
 * const line = "@id=m1;tmi-sent-ts=1700000000000 :ann!ann@ann.tmi.twitch.tv PRIVMSG #chan :hi";
 * const meaning = privmsgMeaning(line, Date.now());
 * assert.ok(meaning?.kind === "message" && meaning.draft.text === "hi");
 * assert.equal(privmsgMeaning("PING :tmi.twitch.tv", Date.now()), undefined);
 * ```
 */
export function privmsgMeaning(raw: string, receivedAtMs: number): TwitchMeaning | undefined {
  const n = raw.length;
  if (n === 0 || raw.charCodeAt(0) !== 64) return undefined; // '@'
  const last = raw.charCodeAt(n - 1);
  if (last === 10 || last === 13) return undefined;
  const tagsEnd = raw.indexOf(" ", 1);
  if (tagsEnd < 2 || raw.charCodeAt(tagsEnd + 1) !== 58) return undefined; // ' :'
  const prefixStart = tagsEnd + 2;
  const prefixEnd = raw.indexOf(" ", prefixStart);
  if (prefixEnd <= prefixStart || !raw.startsWith(PRIVMSG_AT, prefixEnd)) return undefined;
  const channelStart = prefixEnd + PRIVMSG_AT.length;
  const channelEnd = raw.indexOf(" ", channelStart);
  if (channelEnd < 0 || raw.charCodeAt(channelEnd + 1) !== 58) return undefined;
  const channel = loginIn(raw, channelStart, channelEnd);
  // The nick ends at the prefix's `!`, else at its `@`, else with the prefix.
  let nickEnd = raw.indexOf("!", prefixStart);
  if (nickEnd < 0 || nickEnd > prefixEnd) {
    nickEnd = raw.indexOf("@", prefixStart);
    if (nickEnd < 0 || nickEnd > prefixEnd) nickEnd = prefixEnd;
  }
  const userName = loginIn(raw, prefixStart, nickEnd);
  if (channel === undefined || userName === undefined) return undefined;
  PRIVMSG_TAGS.pickInto(raw, 1, tagsEnd, picked);
  return privmsgDraft(channel, userName, raw.slice(channelEnd + 2), receivedAtMs);
}

/** The message of a PRIVMSG whose tags are in {@link picked}. */
function privmsgDraft(
  channel: string,
  userName: string,
  raw: string,
  receivedAtMs: number,
): TwitchMeaning {
  const emptyAction = raw === "\x01ACTION\x01";
  const action = emptyAction || raw.startsWith(ACTION_START);
  const text = emptyAction ? "" : stripAction(raw);

  const [id, sentTs, userId, , emotes] = picked;
  const ts = sentTime(sentTs, receivedAtMs);
  const warning = timeWarning;
  const messageId = id ? id.slice(0, 128) : messageIdFor(channel, ts, userName, text);
  // Keys in the order of the Message schema, which is the order they are written to disk.
  const draft: MessageDraft = emotes === undefined
    ? {
      ts,
      channel,
      message_id: messageId,
      user_id: userId || null,
      user_name: userName,
      text,
      source: "twitch-irc",
    }
    : {
      ts,
      channel,
      message_id: messageId,
      user_id: userId || null,
      user_name: userName,
      text,
      emotes: emoteNamesFromTag(emotes, text),
      source: "twitch-irc",
    };
  addTagFields(draft, action);
  const tooLong = oversizedDraft(draft);
  if (tooLong !== undefined) return invalid(`PRIVMSG ${tooLong}: dropped`);
  return warning === undefined ? { kind: "message", draft } : { kind: "message", draft, warning };
}

/**
 * The draft's optional fields from the PRIVMSG's tags in {@link picked} (and `/me`), in the
 * order of the Message schema, which is the order they are written to disk.
 */
function addTagFields(draft: MessageDraft, action: boolean): void {
  const [, , , displayName, , badges, bits, firstMsg, replyId, replyLogin, replyUserId] = picked;
  if (displayName) draft.display_name = displayName;
  if (action) draft.action = true;
  if (replyId) {
    draft.reply_to = { message_id: replyId, user_name: replyLogin?.toLowerCase() ?? "" };
    if (replyUserId) draft.reply_to.user_id = replyUserId;
  }
  if (bits) {
    const n = Number(bits);
    if (Number.isSafeInteger(n) && n > 0) draft.bits = n;
  }
  if (badges) draft.badges = badgeList(badges);
  if (firstMsg === "1") draft.first_msg = true;
}

function usernotice(line: IrcLine, receivedAtMs: number): TwitchMeaning {
  const channel = channelOf(line.params[0]);
  if (channel === undefined) {
    return invalid(`USERNOTICE to an invalid channel ${quote(line.params[0])}`);
  }
  const tags = line.tags;
  const ts = sentTime(tags.get("tmi-sent-ts"), receivedAtMs);
  const warning = timeWarning;
  const notice = tags.get("msg-id") ?? "";
  const login = tags.get("login");
  const userName = login ? login.toLowerCase() : null;
  const text = stripAction(line.params[1] ?? "");
  const params: Record<string, string> = {};
  for (const [name, value] of tags.entries()) {
    if (name.startsWith("msg-param-")) params[name.slice("msg-param-".length)] = value;
  }
  return eventMeaning(warning, {
    kind: "usernotice",
    ts,
    channel,
    event_id: tags.get("id") ||
      hashId(["usernotice", channel, ts, notice, userName ?? "", text]),
    notice,
    user_name: userName,
    user_id: tags.get("user-id") || null,
    text,
    system_text: tags.get("system-msg") ?? "",
    params,
    source: "twitch-irc",
  });
}

function clearmsg(line: IrcLine, receivedAtMs: number): TwitchMeaning {
  const channel = channelOf(line.params[0]);
  if (channel === undefined) {
    return invalid(`CLEARMSG in an invalid channel ${quote(line.params[0])}`);
  }
  const tags = line.tags;
  const target = tags.get("target-msg-id");
  if (!target) return invalid("CLEARMSG without a target-msg-id tag");
  const login = tags.get("login");
  const ts = sentTime(tags.get("tmi-sent-ts"), receivedAtMs);
  return eventMeaning(timeWarning, {
    kind: "clearmsg",
    ts,
    channel,
    // One message is deleted once: its id names the deletion, however often it is delivered.
    event_id: tags.get("id") || hashId(["clearmsg", channel, target]),
    target_message_id: target,
    user_name: login ? login.toLowerCase() : null,
    text: stripAction(line.params[1] ?? ""),
    source: "twitch-irc",
  });
}

function clearchat(line: IrcLine, receivedAtMs: number): TwitchMeaning {
  const channel = channelOf(line.params[0]);
  if (channel === undefined) {
    return invalid(`CLEARCHAT in an invalid channel ${quote(line.params[0])}`);
  }
  const tags = line.tags;
  const ts = sentTime(tags.get("tmi-sent-ts"), receivedAtMs);
  const warning = timeWarning;
  const target = line.params[1];
  const userName = target ? target.trim().toLowerCase() || null : null;
  const duration = tags.get("ban-duration");
  const seconds = duration ? Number(duration) : NaN;
  const durationSeconds = Number.isSafeInteger(seconds) ? seconds : null;
  return eventMeaning(warning, {
    kind: "clearchat",
    ts,
    channel,
    event_id: tags.get("id") ||
      hashId(["clearchat", channel, ts, userName ?? "", String(durationSeconds)]),
    user_name: userName,
    user_id: tags.get("target-user-id") || null,
    duration_seconds: durationSeconds,
    source: "twitch-irc",
  });
}

function eventMeaning(warning: string | undefined, event: ChatEvent): TwitchMeaning {
  const tooLong = oversizedEvent(event);
  if (tooLong !== undefined) return invalid(`${event.kind.toUpperCase()} ${tooLong}: dropped`);
  return warning === undefined ? { kind: "event", event } : { kind: "event", event, warning };
}

/** `#Some_Channel` to `some_channel`; undefined when it is not a Twitch login. */
export function channelOf(param: string | undefined): string | undefined {
  if (param === undefined) return undefined;
  return loginOf(param.charCodeAt(0) === 35 ? param.slice(1) : param);
}

/** Lowercased `name` when it is a Twitch login (1-25 of a-z, 0-9, _), else undefined. */
function loginOf(name: string): string | undefined {
  return loginIn(name, 0, name.length);
}

/** {@link loginOf} of `text.slice(from, to)`, checked before it is sliced. */
function loginIn(text: string, from: number, to: number): string | undefined {
  const n = to - from;
  if (n <= 0 || n > 25) return undefined;
  let lower = true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95) continue;
    if (c >= 65 && c <= 90) {
      lower = false;
      continue;
    }
    return undefined;
  }
  const name = from === 0 && to === text.length ? text : text.slice(from, to);
  return lower ? name : name.toLowerCase();
}

/** The badges of a `badges` tag (`subscriber/24,premium/1`), without empty ones. */
function badgeList(tag: string): string[] {
  // By hand, into an array of the exact size: String#split goes through the runtime, and a
  // growing array allocates room for 17; both show under a flood.
  let count = 0;
  for (let from = 0; from < tag.length;) {
    let comma = tag.indexOf(",", from);
    if (comma < 0) comma = tag.length;
    if (comma > from) count++;
    from = comma + 1;
  }
  const list = new Array<string>(count);
  count = 0;
  for (let from = 0; from < tag.length;) {
    let comma = tag.indexOf(",", from);
    if (comma < 0) comma = tag.length;
    if (comma > from) list[count++] = tag.slice(from, comma);
    from = comma + 1;
  }
  return list;
}

function stripAction(text: string): string {
  if (!text.startsWith(ACTION_START)) return text;
  return text.slice(ACTION_START.length, text.endsWith("\x01") ? -1 : text.length);
}

// Twitch's tmi-sent-ts is epoch milliseconds; when it is absent the receive time stands in,
// and when it breaks the chat time rule (garbage, before 2007, a day ahead) as well, with a
// warning, rather than dropping the message.
const MAX_MS = 8.64e15;
const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
let dayStart = NaN;
let dayPrefix = "";

/** Why the last {@link sentTime} did not use the sent time; undefined when it did. */
let timeWarning: string | undefined;

/**
 * The stored form of a line's time; sets {@link timeWarning} (read it at once) to why the sent
 * time was not used, when it was not.
 */
function sentTime(sentTs: string | undefined, receivedAtMs: number): string {
  let ms = Number.isFinite(receivedAtMs) && receivedAtMs >= 0 && receivedAtMs <= MAX_MS
    ? Math.floor(receivedAtMs)
    : Date.now();
  timeWarning = undefined;
  if (sentTs) {
    const sent = sentTimeMs(sentTs, ms);
    if (typeof sent === "number") ms = sent;
    else timeWarning = `${sent}; the receive time is used`;
  }
  return isoTime(ms);
}

let secondStart = NaN;
let secondPrefix = "";
/** `000Z` to `999Z`. */
const MILLIS_Z = PAD3.map((ms) => `${ms}Z`);

function isoTime(ms: number): string {
  // Date#toISOString costs about half a microsecond, as much as parsing the whole line; lines
  // of one second share all but the milliseconds, lines of one day the date.
  const inSecond = ms - secondStart;
  if (inSecond >= 0 && inSecond < 1000) return secondPrefix + MILLIS_Z[inSecond]!;
  let rest = ms - dayStart;
  if (!(rest >= 0 && rest < DAY_MS)) {
    dayStart = ms - (ms % DAY_MS);
    dayPrefix = new Date(dayStart).toISOString().slice(0, 11);
    rest = ms - dayStart;
  }
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor(rest / 60_000) % 60;
  const s = Math.floor(rest / 1000) % 60;
  secondStart = ms - (rest % 1000);
  secondPrefix = `${dayPrefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.`;
  return secondPrefix + MILLIS_Z[rest % 1000]!;
}

function quote(value: string | undefined): string {
  return value === undefined ? "(none)" : JSON.stringify(value.slice(0, 60));
}
