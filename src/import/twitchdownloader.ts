/**
 * TwitchDownloader's chat JSON of a VOD or clip: `streamer` (`name`, `id`, newer files also
 * `login`), `video`, and `comments[]`, each with `_id` (Twitch's message id, the same as the
 * IRC `id` tag), `created_at`, `commenter` (`_id`, `name` = login, `display_name`) and
 * `message` (`body`, `fragments` whose `emoticon` marks an emote, `emoticons` ranges in older
 * files, `user_badges`, `bits_spent`, `is_action`). Streamed: `embeddedData` (images) is
 * scanned, never held; comments in the layout TwitchDownloader writes are read straight from
 * their text (`twitchdownloader_comment.ts`), others by `JSON.parse`.
 *
 * @module
 */
import { isNormalLogin, normalizeLogin, parseTimestamp } from "../normalize.ts";
import type { ChatSource, MessageDraft } from "../chat/source.ts";
import { openReusedChunks } from "./input.ts";
import { jsonArrayRecords } from "./json_stream.ts";
import {
  type CommentFields,
  commentFields,
  LaidOutComment,
  readLaidOutComment,
} from "./twitchdownloader_comment.ts";
import {
  at,
  type FileContext,
  fileSource,
  type ImportOptions,
  type Outcome,
  problem,
} from "./outcome.ts";
import { obj, str } from "./json_values.ts";

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

/**
 * The commenter's login: `name` (most often a login already), else the display name when that
 * normalizes to one; the problem with `name` when neither does.
 */
function commenterLogin(name: string | undefined, displayName: unknown): string | Outcome {
  if (name !== undefined && isNormalLogin(name)) return name;
  const user = normalizeLogin(name ?? "");
  if (user.ok) return user.value;
  const fromDisplay = normalizeLogin(str(displayName) ?? "");
  return fromDisplay.ok ? fromDisplay.value : problem(`commenter.name: ${user.reason}`);
}

/**
 * The outcome of a comment's fields in `channel`: a message draft, or the first problem found
 * (in the order `_id`, `created_at`, `commenter`, its name, `message.body`). Pure.
 */
export function commentOutcome(f: CommentFields, channel: string): Outcome {
  const id = str(f.id);
  if (!id) return problem("_id: missing");
  const ts = parseTimestamp(f.createdAt);
  if (!ts.ok) return problem(`created_at: ${ts.reason}`);
  if (!f.hasCommenter) return problem("commenter: missing");
  const user = commenterLogin(str(f.name), f.displayName);
  if (typeof user !== "string") return user;
  if (f.body === undefined) return problem("message.body: missing");
  const userId = f.userId;
  const draft: MessageDraft = {
    ts: ts.value,
    channel,
    message_id: id.slice(0, 128),
    user_id: typeof userId === "string" && userId
      ? userId
      : typeof userId === "number"
      ? String(userId)
      : null,
    user_name: user,
    text: f.body,
    source: "import:twitchdownloader",
  };
  if (f.emotes !== undefined) draft.emotes = f.emotes;
  const display = str(f.displayName);
  if (display) draft.display_name = display;
  if (f.isAction === true) draft.action = true;
  const bits = f.bits;
  if (typeof bits === "number" && Number.isSafeInteger(bits) && bits > 0) draft.bits = bits;
  if (f.badges !== undefined) draft.badges = f.badges;
  return { kind: "message", draft };
}

/**
 * One comment of a TwitchDownloader file (its `JSON.parse`d value), in `channel`. Pure.
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
  const fields = commentFields(v);
  return fields === undefined
    ? problem("a comment is not a JSON object")
    : commentOutcome(fields, channel);
}

/** Reads one TwitchDownloader chat JSON file (gzipped or not). */
export async function* readTwitchDownloaderFile(
  path: string,
  ctx: FileContext,
): AsyncGenerator<Outcome[]> {
  const head: Record<string, unknown> = {};
  let channel: string | undefined;
  const records = jsonArrayRecords(await openReusedChunks(path), {
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
      const o = r.value instanceof LaidOutComment
        ? commentOutcome(r.value, ch)
        : parseTwitchDownloaderComment(r.value, ch);
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
