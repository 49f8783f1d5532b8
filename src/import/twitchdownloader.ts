/**
 * TwitchDownloader's chat JSON of a VOD or clip: `streamer` (`name`, `id`, newer files also
 * `login`), `video`, and `comments[]`, each with `_id` (Twitch's message id, the same as the
 * IRC `id` tag), `created_at`, `commenter` (`_id`, `name` = login, `display_name`) and
 * `message` (`body`, `fragments` whose `emoticon` marks an emote, `emoticons` ranges in older
 * files, `user_badges`, `bits_spent`, `is_action`). Streamed: `embeddedData` (images) is
 * scanned, never held; comments in the layout TwitchDownloader writes are read by
 * `twitchdownloader_layout.ts`, others by `JSON.parse`.
 *
 * @module
 */
import { normalizeLogin, parseTimestamp } from "../normalize.ts";
import type { ChatSource, MessageDraft } from "../chat/source.ts";
import { openBytes } from "./input.ts";
import { jsonArrayRecords } from "./json_stream.ts";
import { readLaidOutComment } from "./twitchdownloader_layout.ts";
import {
  at,
  type FileContext,
  fileSource,
  type ImportOptions,
  type Outcome,
  problem,
} from "./outcome.ts";

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The channel a file's `streamer` names (`login`, else `name` when it is a login). */
export function streamerChannel(streamer: unknown): string | undefined {
  const s = obj(streamer);
  if (!s) return undefined;
  for (const v of [s.login, s.name]) {
    if (typeof v !== "string") continue;
    const n = normalizeLogin(v);
    if (n.ok) return n.value;
  }
  return undefined;
}

/** Emote names from `emoticons` ranges (code-point offsets, end inclusive) over `body`. */
function emotesFromRanges(ranges: unknown[], body: string): string[] {
  const points = Array.from(body);
  const found: [number, string][] = [];
  for (const r of ranges) {
    const e = obj(r);
    const begin = e?.begin;
    const end = e?.end;
    if (typeof begin !== "number" || typeof end !== "number" || begin < 0 || end < begin) continue;
    const name = points.slice(begin, end + 1).join("");
    if (name.trim()) found.push([begin, name]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, n]) => n);
}

/**
 * One comment of a TwitchDownloader file, in `channel`. Pure.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseTwitchDownloaderComment } from "./twitchdownloader.ts";
 * const o = parseTwitchDownloaderComment({
 *   _id: "c1", created_at: "2024-01-15T12:34:56.7891234Z",
 *   commenter: { _id: "7", name: "ann", display_name: "Ann" },
 *   message: { body: "hi Kappa", fragments: [{ text: "hi " }, { text: "Kappa", emoticon: { emoticon_id: "25" } }] },
 * }, "chan");
 * deepStrictEqual(o.kind === "message" && [o.draft.ts, o.draft.emotes], ["2024-01-15T12:34:56.789Z", ["Kappa"]]);
 * ```
 */
export function parseTwitchDownloaderComment(v: unknown, channel: string): Outcome {
  const c = obj(v);
  if (!c) return problem("a comment is not a JSON object");
  const id = str(c._id);
  if (!id) return problem("_id: missing");
  const ts = parseTimestamp(c.created_at);
  if (!ts.ok) return problem(`created_at: ${ts.reason}`);
  const commenter = obj(c.commenter);
  if (!commenter) return problem("commenter: missing");
  let user = normalizeLogin(str(commenter.name) ?? "");
  if (!user.ok) {
    const fromDisplay = normalizeLogin(str(commenter.display_name) ?? "");
    if (!fromDisplay.ok) return problem(`commenter.name: ${user.reason}`);
    user = fromDisplay;
  }
  const message = obj(c.message);
  const body = str(message?.body);
  if (message === undefined || body === undefined) return problem("message.body: missing");
  const userId = commenter._id;
  const draft: MessageDraft = {
    ts: ts.value,
    channel,
    message_id: id.slice(0, 128),
    user_id: typeof userId === "string" && userId
      ? userId
      : typeof userId === "number"
      ? String(userId)
      : null,
    user_name: user.value,
    text: body,
    source: "import:twitchdownloader",
  };
  const fragments = message.fragments;
  if (Array.isArray(fragments) && fragments.length > 0) {
    const emotes: string[] = [];
    for (const f of fragments) {
      const fo = obj(f);
      const text = str(fo?.text);
      if (text && obj(fo?.emoticon) && text.trim()) emotes.push(text.trim());
    }
    draft.emotes = emotes;
  } else if (Array.isArray(message.emoticons)) {
    draft.emotes = emotesFromRanges(message.emoticons, body);
  }
  const display = str(commenter.display_name);
  if (display) draft.display_name = display;
  if (message.is_action === true) draft.action = true;
  const bits = message.bits_spent;
  if (typeof bits === "number" && Number.isSafeInteger(bits) && bits > 0) draft.bits = bits;
  if (Array.isArray(message.user_badges) && message.user_badges.length > 0) {
    const badges: string[] = [];
    for (const b of message.user_badges) {
      const bo = obj(b);
      const name = str(bo?._id);
      if (name) badges.push(`${name}/${str(bo?.version) ?? "1"}`);
    }
    if (badges.length) draft.badges = badges;
  }
  return { kind: "message", draft };
}

/** Reads one TwitchDownloader chat JSON file (gzipped or not). */
export async function* readTwitchDownloaderFile(
  path: string,
  ctx: FileContext,
): AsyncGenerator<Outcome[]> {
  const head: Record<string, unknown> = {};
  let channel: string | undefined;
  const records = jsonArrayRecords(await openBytes(path), {
    arrayKey: "comments",
    keep: ["streamer"],
    head,
    // Comments in TwitchDownloader's own layout are read without JSON.parse.
    element: readLaidOutComment,
  });
  for await (const batch of records) {
    if (channel === undefined) {
      const named = streamerChannel(head.streamer);
      if (named !== undefined) {
        ctx.channel.check(named, `${path}: streamer`);
        channel = named;
      } else channel = ctx.channel.require(path, "streamer names no Twitch login");
    }
    const ch = channel;
    const outcomes = batch.map((r) => {
      if ("error" in r) return problem(r.error, `${path}:record ${r.record}`);
      const o = parseTwitchDownloaderComment(r.value, ch);
      return o.kind === "problem" ? at(o, `${path}:record ${r.record}`) : o;
    });
    // The parsed comments are done with: let them go before the outcomes are analysed.
    batch.length = 0;
    yield outcomes;
  }
  if (channel === undefined) {
    const named = streamerChannel(head.streamer);
    if (named !== undefined) ctx.channel.check(named, `${path}: streamer`);
  }
}

/** A chat source over TwitchDownloader chat JSON files. */
export function twitchDownloaderSource(
  paths: readonly string[],
  options: ImportOptions = {},
): ChatSource {
  return fileSource(paths.map((path) => ({ path, reader: readTwitchDownloaderFile })), options);
}
