/**
 * The comment layout TwitchDownloader writes, read by one regular expression instead of
 * `JSON.parse`. TwitchDownloader serializes its `ChatRoot` classes with System.Text.Json:
 * compact (no whitespace), members in declaration order, every member present (null when
 * unset). A comment in that layout is matched whole (the expression accepts only valid JSON:
 * strings without raw control characters and with valid escapes, JSON numbers), and only the
 * members the import reads are built, each as `JSON.parse` would give it: a comment of about
 * 800 bytes costs a fraction of parsing it all. Any other layout (indented, reordered, other
 * members) returns undefined, and the comment is parsed as JSON as before.
 *
 * @module
 */
import type { ElementReader } from "./json_stream.ts";

// JSON text pieces. A string's characters: anything but a quote, a backslash or a control
// character, and escapes.
const CHARS = String.raw`[^"\\\x00-\x1f]*`;
const ESCAPE = String.raw`\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})`;
const BODY = `${CHARS}(?:${ESCAPE}${CHARS})*`;
const STRING = `"${BODY}"`;
const NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const STRING_OR_NULL = `(?:${STRING}|null)`;
const BOOLEAN = "(?:true|false)";
/** A captured string's body (the group is undefined when the value is null). */
const CAPTURED_OR_NULL = `(?:"(${BODY})"|null)`;
/** A list of `item`s (C#'s `List<T>`, null when unset), captured whole. */
function list(item: string): string {
  return String.raw`(\[(?:${item}(?:,${item})*)?\]|null)`;
}

const FRAGMENT = String.raw`\{"text":${STRING_OR_NULL},"emoticon":(?:null|\{"emoticon_id":` +
  String.raw`${STRING_OR_NULL}(?:,"emoticon_set_id":${STRING_OR_NULL})?\})\}`;
const BADGE = String.raw`\{"_id":${STRING_OR_NULL},"version":${STRING_OR_NULL}\}`;
const RANGE = String.raw`\{"_id":${STRING_OR_NULL},"begin":${NUMBER},"end":${NUMBER}\}`;

/**
 * One comment: `Comment`'s members in order (`updated_at`, `user_notice_params` and
 * `more_replies` are left out by some versions), with the groups the import reads.
 */
const COMMENT = new RegExp(
  [
    String.raw`\{"_id":"(${BODY})"`, // 1 _id
    String.raw`,"created_at":"(${BODY})"`, // 2 created_at
    `(?:,"updated_at":${STRING_OR_NULL})?`,
    `,"channel_id":${STRING_OR_NULL},"content_type":${STRING_OR_NULL}`,
    `,"content_id":${STRING_OR_NULL},"content_offset_seconds":${NUMBER}`,
    String.raw`,"commenter":\{"display_name":${CAPTURED_OR_NULL}`, // 3 display_name
    `,"_id":${CAPTURED_OR_NULL}`, // 4 commenter._id
    `,"name":${CAPTURED_OR_NULL}`, // 5 name
    `,"type":${STRING_OR_NULL},"bio":${STRING_OR_NULL},"created_at":${STRING_OR_NULL}`,
    String.raw`,"updated_at":${STRING_OR_NULL},"logo":${STRING_OR_NULL}\}`,
    `,"source":${STRING_OR_NULL},"state":${STRING_OR_NULL}`,
    String.raw`,"message":\{"body":"(${BODY})"`, // 6 body
    `,"bits_spent":(${NUMBER})`, // 7 bits_spent
    `,"fragments":${list(FRAGMENT)}`, // 8 fragments
    `,"is_action":(true|false)`, // 9 is_action
    `,"user_badges":${list(BADGE)}`, // 10 user_badges
    `,"user_color":${STRING_OR_NULL}`,
    String.raw`(?:,"user_notice_params":(?:null|\{"msg_id":${STRING_OR_NULL}\}))?`,
    String.raw`,"emoticons":${list(RANGE)}\}`, // 11 emoticons
    String.raw`(?:,"more_replies":${BOOLEAN})?\}`,
  ].join(""),
  "y",
);

// Over a list already matched whole: each item's members the import reads, in order.
const FRAGMENT_PARTS = new RegExp(
  String.raw`\{"text":${CAPTURED_OR_NULL},"emoticon":(n|\{)`,
  "g",
);
const BADGE_PARTS = new RegExp(
  String.raw`\{"_id":${CAPTURED_OR_NULL},"version":${CAPTURED_OR_NULL}\}`,
  "g",
);
const RANGE_PARTS = new RegExp(
  String.raw`\{"_id":${STRING_OR_NULL},"begin":(${NUMBER}),"end":(${NUMBER})\}`,
  "g",
);

/** A matched string's value: its body, unescaped by `JSON.parse` only when it has escapes. */
function text(body: string): string {
  return body.indexOf("\\") < 0 ? body : JSON.parse(`"${body}"`) as string;
}

function textOrNull(body: string | undefined): string | null {
  return body === undefined ? null : text(body);
}

/** The members of each item of a matched list `raw` that `parts` captures, built by `build`. */
function items<T>(raw: string, parts: RegExp, build: (m: RegExpExecArray) => T): T[] | null {
  if (raw === "null") return null;
  const out: T[] = [];
  parts.lastIndex = 0;
  for (let m = parts.exec(raw); m !== null; m = parts.exec(raw)) out.push(build(m));
  return out;
}

const fragment = (m: RegExpExecArray) => ({
  text: textOrNull(m[1]),
  emoticon: m[2] === "n" ? null : {},
});
const badge = (m: RegExpExecArray) => ({ _id: textOrNull(m[1]), version: textOrNull(m[2]) });
const range = (m: RegExpExecArray) => ({ begin: Number(m[1]), end: Number(m[2]) });

/**
 * Reads the comment at `at` of `text` if it is in TwitchDownloader's own layout: the members the
 * import reads (`_id`, `created_at`, `commenter` `display_name`/`_id`/`name`, `message` `body`,
 * `bits_spent`, `fragments` texts and whether each is an emote, `is_action`, `user_badges`,
 * `emoticons` ranges), each equal to what `JSON.parse` gives, and the index just past it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readLaidOutComment } from "./twitchdownloader_layout.ts";
 * const comment = JSON.stringify({
 *   _id: "c1", created_at: "2024-03-10T18:00:01.25Z", channel_id: "9001", content_type: "video",
 *   content_id: "1", content_offset_seconds: 61.25,
 *   commenter: { display_name: "Ann", _id: "7", name: "ann", type: null, bio: null,
 *     created_at: "2019-05-01T10:00:00Z", updated_at: "2024-01-01T10:00:00Z", logo: null },
 *   source: "chat", state: "published",
 *   message: { body: "hi Kappa", bits_spent: 0,
 *     fragments: [{ text: "hi ", emoticon: null },
 *       { text: "Kappa", emoticon: { emoticon_id: "25", emoticon_set_id: "" } }],
 *     is_action: false, user_badges: [{ _id: "subscriber", version: "12" }], user_color: null,
 *     user_notice_params: { msg_id: null }, emoticons: [] },
 *   more_replies: false,
 * });
 * const read = readLaidOutComment(`[${comment}]`, 1);
 * deepStrictEqual(read?.end, comment.length + 1);
 * deepStrictEqual((read?.value as { message: { fragments: unknown } }).message.fragments, [
 *   { text: "hi ", emoticon: null },
 *   { text: "Kappa", emoticon: {} },
 * ]);
 * deepStrictEqual(readLaidOutComment(`[${JSON.stringify({ _id: "c1" })}]`, 1), undefined);
 * ```
 */
export function readLaidOutComment(
  s: string,
  at: number,
): ReturnType<ElementReader> {
  COMMENT.lastIndex = at;
  const m = COMMENT.exec(s);
  if (m === null) return undefined;
  const value = {
    _id: text(m[1]!),
    created_at: text(m[2]!),
    commenter: { display_name: textOrNull(m[3]), _id: textOrNull(m[4]), name: textOrNull(m[5]) },
    message: {
      body: text(m[6]!),
      bits_spent: Number(m[7]),
      fragments: items(m[8]!, FRAGMENT_PARTS, fragment),
      is_action: m[9] === "true",
      user_badges: items(m[10]!, BADGE_PARTS, badge),
      emoticons: items(m[11]!, RANGE_PARTS, range),
    },
  };
  return { value, end: COMMENT.lastIndex };
}
