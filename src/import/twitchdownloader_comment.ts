/**
 * What the import reads of one TwitchDownloader comment ({@link CommentFields}), taken from
 * its `JSON.parse`d value or, for a comment in the layout TwitchDownloader writes, straight from
 * its text by one regular expression.
 *
 * TwitchDownloader serializes its `ChatRoot` classes with System.Text.Json: compact (no
 * whitespace), members in declaration order, every member present (null when unset). A comment
 * in that layout is matched whole (the expression accepts only valid JSON: strings without raw
 * control characters and with valid escapes, JSON numbers), and only the members the import
 * reads become values, each as `JSON.parse` would give it: a comment of about 800 bytes costs a
 * fraction of parsing and then dropping all of it. Any other layout (indented, reordered, other
 * members) is left to `JSON.parse`.
 *
 * @module
 */
import type { ElementReader } from "./json_stream.ts";
import { obj, str } from "./json_values.ts";

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

// Over a list already matched whole: the members the import reads of the items it keeps. An
// emote is a fragment with a text and an emoticon object; a badge has an `_id`.
const EMOTE_FRAGMENT = new RegExp(String.raw`\{"text":"(${BODY})","emoticon":\{`, "g");
const NAMED_BADGE = new RegExp(
  String.raw`\{"_id":"(${BODY})","version":${CAPTURED_OR_NULL}\}`,
  "g",
);
const RANGE_PARTS = new RegExp(
  String.raw`\{"_id":${STRING_OR_NULL},"begin":(${NUMBER}),"end":(${NUMBER})\}`,
  "g",
);

/** What the import reads of one comment, however it was read. */
export interface CommentFields {
  /** `_id`. */
  id: unknown;
  /** `created_at`. */
  createdAt: unknown;
  /** `commenter` is an object (else the members of it below are undefined). */
  hasCommenter: boolean;
  /** `commenter.name`, `commenter.display_name`, `commenter._id`. */
  name: unknown;
  displayName: unknown;
  userId: unknown;
  /** `message.body`, when `message` is an object and its body a string. */
  body: string | undefined;
  /** `message.bits_spent`, `message.is_action`. */
  bits: unknown;
  isAction: unknown;
  /**
   * Emote names: the texts of `message.fragments` that are emotes when it is a non-empty
   * array, else those that `message.emoticons` ranges cover in the body; undefined when the
   * comment has neither (or no body).
   */
  emotes: string[] | undefined;
  /** `_id/version` of each of `message.user_badges` that has an `_id`; undefined when none. */
  badges: string[] | undefined;
}

/** Emote names from `emoticons` ranges (code-point offsets, end inclusive) over `body`. */
function emotesFromRanges(ranges: readonly unknown[], body: string): string[] {
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

/** The emotes of a message object with body `body` (see {@link CommentFields.emotes}). */
function emotesOf(message: Record<string, unknown>, body: string): string[] | undefined {
  const fragments = message.fragments;
  if (Array.isArray(fragments) && fragments.length > 0) {
    const emotes: string[] = [];
    for (const f of fragments) {
      const fo = obj(f);
      const text = str(fo?.text);
      if (text && obj(fo?.emoticon) && text.trim()) emotes.push(text.trim());
    }
    return emotes;
  }
  return Array.isArray(message.emoticons) ? emotesFromRanges(message.emoticons, body) : undefined;
}

function badgesOf(list: unknown): string[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const badges: string[] = [];
  for (const b of list) {
    const bo = obj(b);
    const name = str(bo?._id);
    if (name) badges.push(`${name}/${str(bo?.version) ?? "1"}`);
  }
  return badges.length ? badges : undefined;
}

/**
 * The fields of a comment's `JSON.parse`d value, or undefined when it is not an object.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { commentFields } from "./twitchdownloader_comment.ts";
 * const f = commentFields({
 *   _id: "c1", commenter: { name: "ann" },
 *   message: { body: "hi Kappa", fragments: [{ text: "hi " }, { text: "Kappa", emoticon: {} }] },
 * });
 * deepStrictEqual([f?.name, f?.emotes], ["ann", ["Kappa"]]);
 * ```
 */
export function commentFields(v: unknown): CommentFields | undefined {
  const c = obj(v);
  if (!c) return undefined;
  const commenter = obj(c.commenter);
  const message = obj(c.message);
  const body = str(message?.body);
  return {
    id: c._id,
    createdAt: c.created_at,
    hasCommenter: commenter !== undefined,
    name: commenter?.name,
    displayName: commenter?.display_name,
    userId: commenter?._id,
    body,
    bits: message?.bits_spent,
    isAction: message?.is_action,
    emotes: message !== undefined && body !== undefined ? emotesOf(message, body) : undefined,
    badges: badgesOf(message?.user_badges),
  };
}

/** The fields of a comment read from its layout (see {@link readLaidOutComment}). */
export class LaidOutComment implements CommentFields {
  readonly hasCommenter = true;
  constructor(
    readonly id: string,
    readonly createdAt: string,
    readonly name: string | null,
    readonly displayName: string | null,
    readonly userId: string | null,
    readonly body: string,
    readonly bits: number,
    readonly isAction: boolean,
    readonly emotes: string[] | undefined,
    readonly badges: string[] | undefined,
  ) {}
}

/**
 * A matched string's value: its body, unescaped by `JSON.parse` only when it has escapes, and
 * always a string of its own. A capture of 13 characters or more is a slice of the text it was
 * matched in (V8 keeps the whole 64 KiB piece alive for it): held by a pending message, every
 * piece of the file would survive the young generation and be copied by each scavenge.
 */
function text(body: string): string {
  if (body.indexOf("\\") >= 0) return JSON.parse(`"${body}"`) as string;
  return body.length < SLICE_MIN ? body : (" " + body).slice(1);
}

/** V8 makes a substring this long or longer a slice of its parent rather than a copy. */
const SLICE_MIN = 13;

function textOrNull(body: string | undefined): string | null {
  return body === undefined ? null : text(body);
}

/** The emotes of matched `fragments` and `emoticons` lists over `body`. */
function matchedEmotes(fragments: string, ranges: string, body: string): string[] | undefined {
  if (fragments.length > 2 && fragments !== "null") {
    const emotes: string[] = [];
    EMOTE_FRAGMENT.lastIndex = 0;
    for (let m = EMOTE_FRAGMENT.exec(fragments); m !== null; m = EMOTE_FRAGMENT.exec(fragments)) {
      const t = text(m[1]!).trim();
      if (t) emotes.push(t);
    }
    return emotes;
  }
  if (ranges === "null") return undefined;
  const found: { begin: number; end: number }[] = [];
  RANGE_PARTS.lastIndex = 0;
  for (let m = RANGE_PARTS.exec(ranges); m !== null; m = RANGE_PARTS.exec(ranges)) {
    found.push({ begin: Number(m[1]), end: Number(m[2]) });
  }
  return emotesFromRanges(found, body);
}

/**
 * Badge lists read before, by their JSON text (each key a copy, not a slice of the file's text):
 * chat repeats a few lists all along, and the same list gives the same (frozen) badges.
 */
const badgeLists = new Map<string, string[] | null>();
const MAX_BADGE_LISTS = 1024;

/** The badges of a matched `user_badges` list. */
function matchedBadges(list: string): string[] | undefined {
  if (list.length <= 2) return undefined; // null or []
  const known = badgeLists.get(list);
  if (known !== undefined) return known ?? undefined;
  const badges = readBadges(list);
  if (badgeLists.size >= MAX_BADGE_LISTS) badgeLists.clear();
  badgeLists.set((" " + list).slice(1), badges);
  return badges ?? undefined;
}

/** The badges of a `user_badges` list read by {@link NAMED_BADGE}; null when none. */
function readBadges(list: string): string[] | null {
  const badges: string[] = [];
  NAMED_BADGE.lastIndex = 0;
  for (let m = NAMED_BADGE.exec(list); m !== null; m = NAMED_BADGE.exec(list)) {
    const name = text(m[1]!);
    if (name) badges.push(`${name}/${m[2] === undefined ? "1" : text(m[2])}`);
  }
  // Frozen: messages of the same list share it, so none may change it.
  return badges.length ? Object.freeze(badges) as string[] : null;
}

/**
 * Reads the comment at `at` of `text` if it is in TwitchDownloader's own layout: its
 * {@link CommentFields} (a {@link LaidOutComment}), equal to those of its `JSON.parse`d value,
 * and the index just past it; undefined for any other layout.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { commentFields, readLaidOutComment } from "./twitchdownloader_comment.ts";
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
 * deepStrictEqual({ ...read?.value as object }, { ...commentFields(JSON.parse(comment)) });
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
  const body = text(m[6]!);
  const value = new LaidOutComment(
    text(m[1]!),
    text(m[2]!),
    textOrNull(m[5]),
    textOrNull(m[3]),
    textOrNull(m[4]),
    body,
    Number(m[7]),
    m[9] === "true",
    matchedEmotes(m[8]!, m[11]!, body),
    matchedBadges(m[10]!),
  );
  return { value, end: COMMENT.lastIndex };
}
