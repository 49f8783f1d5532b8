/**
 * chat-downloader's JSON output for Twitch: a list of message objects with `message_id`,
 * `message`, `timestamp` (microseconds; truncated to milliseconds here), `author` (`id`,
 * `name` = login, `display_name`, `badges` with `name` and `version`), `message_type`,
 * `emotes` (`name` and `locations`, a list or a comma-joined string of `begin-end`, code points),
 * `in_reply_to` (`message_id`, `author.name`), `bits`, `is_first_message`. Deletions
 * (`delete_message`), bans and timeouts (`ban_user`), `clear_chat` and notices that carry a
 * `system_message` become events. The records do not name the channel: `--channel` does.
 *
 * @module
 */
import type { ChatEvent } from "../schemas.ts";
import { normalizeLogin } from "../normalize.ts";
import { hashId, messageIdFor } from "../analysis/message_id.ts";
import { emoteNamesFromTag } from "../analysis/emote_ranges.ts";
import type { ChatSource, MessageDraft } from "../chat/source.ts";
import { isoFromMs } from "../normalize.ts";
import { openReusedChunks } from "./input.ts";
import { jsonArrayRecords } from "./json_stream.ts";
import {
  at,
  type FileContext,
  fileSource,
  type ImportOptions,
  type Outcome,
  problem,
  SKIP,
} from "./outcome.ts";
import { obj, str } from "./json_values.ts";

const SOURCE = "import:chat-downloader";

function idString(v: unknown): string | null {
  if (typeof v === "string" && v) return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return null;
}

/** A login from an author object: `name`, else `display_name` when it is a login. */
function authorLogin(author: Record<string, unknown> | undefined): string | undefined {
  for (const v of [author?.name, author?.display_name]) {
    if (typeof v !== "string") continue;
    const n = normalizeLogin(v);
    if (n.ok) return n.value;
  }
  return undefined;
}

/**
 * Emote names in order of position, from `emotes[].locations` (code-point offsets, as Python
 * indexes strings, end inclusive), read like Twitch's `emotes` tag; emotes without locations
 * come after, by name.
 */
function emoteNames(emotes: unknown[], text: string): string[] {
  const groups: string[] = [];
  const unplaced: string[] = [];
  for (const e of emotes) {
    const eo = obj(e);
    const loc = eo?.locations;
    const ranges = typeof loc === "string"
      ? loc
      : Array.isArray(loc)
      ? loc.filter((r) => typeof r === "string").join(",")
      : "";
    if (ranges) groups.push(`0:${ranges}`);
    else {
      const name = str(eo?.name);
      if (name) unplaced.push(name);
    }
  }
  return [...emoteNamesFromTag(groups.join("/"), text), ...unplaced];
}

/**
 * One item of a chat-downloader file, in `channel`. Pure.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseChatDownloaderItem } from "./chat_downloader.ts";
 * const o = parseChatDownloaderItem({
 *   message_id: "m1", message: "hi Kappa", timestamp: 1705322096789123,
 *   author: { id: "7", name: "ann", display_name: "Ann" }, message_type: "text_message",
 *   emotes: [{ id: "25", name: "Kappa", locations: "3-7" }],
 * }, "chan");
 * deepStrictEqual(o.kind === "message" && [o.draft.ts, o.draft.emotes], ["2024-01-15T12:34:56.789Z", ["Kappa"]]);
 * ```
 */
export function parseChatDownloaderItem(v: unknown, channel: string): Outcome {
  const o = obj(v);
  if (!o) return problem("an item is not a JSON object");
  const us = o.timestamp;
  if (typeof us !== "number" || !Number.isFinite(us) || us < 0 || us / 1000 > 8.64e15) {
    return problem("timestamp: expected microseconds since 1970");
  }
  const ts = isoFromMs(Math.floor(us / 1000));
  const type = str(o.message_type) ?? "text_message";
  const author = obj(o.author);
  if (type === "text_message") return textMessage(o, channel, ts, author);
  const event = eventOf(o, type, channel, ts, author);
  return event === null ? SKIP : event.kind === "problem" ? event : { kind: "event", event };
}

/**
 * The event an item of another `message_type` than a text message is: a deletion, a ban or a
 * clear, a notice with a system message; null for a kind of item the import does not keep.
 */
function eventOf(
  o: Record<string, unknown>,
  type: string,
  channel: string,
  ts: string,
  author: Record<string, unknown> | undefined,
): ChatEvent | Extract<Outcome, { kind: "problem" }> | null {
  switch (type) {
    case "delete_message": {
      const target = str(o.target_message_id);
      if (!target) return { kind: "problem", reason: "delete_message without target_message_id" };
      return {
        kind: "clearmsg",
        ts,
        channel,
        event_id: idString(o.message_id) ?? hashId(["clearmsg", channel, target]),
        target_message_id: target,
        user_name: authorLogin(author) ?? null,
        text: str(o.message) ?? "",
        source: SOURCE,
      };
    }
    case "ban_user":
    case "clear_chat":
      return clearChat(o, type, channel, ts);
    default: {
      const system = str(o.system_message);
      if (system === undefined) return null;
      const userName = authorLogin(author) ?? null;
      const text = str(o.message) ?? "";
      return {
        kind: "usernotice",
        ts,
        channel,
        event_id: idString(o.message_id) ??
          hashId(["usernotice", channel, ts, type, userName ?? "", text]),
        notice: type,
        user_name: userName,
        user_id: idString(author?.id),
        text,
        system_text: system,
        params: {},
        source: SOURCE,
      };
    }
  }
}

/** A `ban_user` (a timeout or a ban of one person) or `clear_chat` item as a clearchat event. */
function clearChat(
  o: Record<string, unknown>,
  type: string,
  channel: string,
  ts: string,
): ChatEvent {
  const banned = str(o.banned_user);
  const userName = type === "ban_user" && banned ? banned.trim().toLowerCase() || null : null;
  const d = o.ban_duration;
  const duration = typeof d === "number" && Number.isSafeInteger(d) ? d : null;
  return {
    kind: "clearchat",
    ts,
    channel,
    event_id: idString(o.message_id) ??
      hashId(["clearchat", channel, ts, userName ?? "", String(duration)]),
    user_name: userName,
    user_id: idString(o.target_author_id),
    duration_seconds: duration,
    source: SOURCE,
  };
}

function textMessage(
  o: Record<string, unknown>,
  channel: string,
  ts: string,
  author: Record<string, unknown> | undefined,
): Outcome {
  const user = authorLogin(author);
  if (user === undefined) return problem("author.name: not a Twitch login");
  let text = str(o.message);
  if (text === undefined) return problem("message: missing");
  // chat-downloader strips the `\x01ACTION ` of a /me but may leave its closing \x01.
  let action = false;
  if (text.endsWith("\x01")) {
    text = text.slice(0, -1);
    action = true;
  }
  const id = idString(o.message_id);
  const draft: MessageDraft = {
    ts,
    channel,
    message_id: id ? id.slice(0, 128) : messageIdFor(channel, ts, user, text),
    user_id: idString(author?.id),
    user_name: user,
    text,
    source: SOURCE,
  };
  if (Array.isArray(o.emotes)) {
    draft.emotes = emoteNames(o.emotes, text);
  }
  const display = str(author?.display_name);
  if (display) draft.display_name = display;
  if (action) draft.action = true;
  const reply = obj(o.in_reply_to);
  const replyId = str(reply?.message_id);
  if (replyId) {
    draft.reply_to = { message_id: replyId, user_name: authorLogin(obj(reply?.author)) ?? "" };
  }
  const bits = o.bits;
  if (typeof bits === "number" && Number.isSafeInteger(bits) && bits > 0) draft.bits = bits;
  const badges = author?.badges;
  if (Array.isArray(badges) && badges.length) {
    const out: string[] = [];
    for (const b of badges) {
      const bo = obj(b);
      const name = str(bo?.name);
      const version = bo?.version;
      if (name) out.push(`${name}/${version === undefined || version === null ? "1" : version}`);
    }
    if (out.length) draft.badges = out;
  }
  if (o.is_first_message === true) draft.first_msg = true;
  return { kind: "message", draft };
}

/** Reads one chat-downloader JSON file; `--channel` names its channel. */
export async function* readChatDownloaderFile(
  path: string,
  ctx: FileContext,
): AsyncGenerator<Outcome[]> {
  const channel = ctx.channel.require(path, "chat-downloader files do not name the channel");
  for await (const batch of jsonArrayRecords(await openReusedChunks(path), { arrayKey: null })) {
    yield batch.map((r) => {
      if ("error" in r) return problem(r.error, `${path}:record ${r.record}`);
      const o = parseChatDownloaderItem(r.value, channel);
      return o.kind === "problem" ? at(o, `${path}:record ${r.record}`) : o;
    });
  }
}

/** A chat source over chat-downloader JSON files. */
export function chatDownloaderSource(
  paths: readonly string[],
  options: ImportOptions = {},
): ChatSource {
  return fileSource(paths.map((path) => ({ path, reader: readChatDownloaderFile })), options);
}
