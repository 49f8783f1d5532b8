/**
 * Extraction of mentions, URLs and emotes from chat text. Pure and allocation-light: these run
 * on every message at ingest.
 *
 * @module
 */

// `@name` not glued to a word, an email or another @ before it, and not longer than a login.
const MENTION_RE = /(?<![\w.@])@([A-Za-z0-9_]{1,25})(?![A-Za-z0-9_@])/g;

/**
 * `@name` mentions: lowercased, valid Twitch logins only, in order, without repeats.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractMentions } from "./extract.ts";
 * assert.equal(extractMentions("hey @Mod and @mod, mail a@b.com").join(), "mod");
 * ```
 */
export function extractMentions(text: string): string[] {
  if (text.indexOf("@") === -1) return [];
  const out: string[] = [];
  // exec over the one shared regex: matchAll would clone it for every message.
  MENTION_RE.lastIndex = 0;
  for (let m = MENTION_RE.exec(text); m !== null; m = MENTION_RE.exec(text)) {
    const name = m[1]!.toLowerCase();
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
// A regex literal inside a function is a new object at every call: these are made once.
const MAYBE_URL = /http|www\./i;
const IS_LINK = /^(?:https?:\/\/|www\.).*[a-z0-9]/is;
const TRAILING_PUNCT = /[.,;:!?'"*~]+$/;

function trimUrl(raw: string): string {
  let url = raw.replace(TRAILING_PUNCT, "");
  // A closing bracket ends the URL unless the URL itself opened one (wikipedia-style links).
  for (const [open, close] of [["(", ")"], ["[", "]"], ["{", "}"]] as const) {
    while (url.endsWith(close) && url.split(open).length < url.split(close).length) {
      url = url.slice(0, -1).replace(TRAILING_PUNCT, "");
    }
  }
  return url;
}

/**
 * http(s) and bare `www.` URLs, in order, without trailing punctuation; repeats kept once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractUrls } from "./extract.ts";
 * assert.equal(extractUrls("see (https://example.com/a).").join(), "https://example.com/a");
 * ```
 */
export function extractUrls(text: string): string[] {
  // Case-insensitive like URL_RE: "Www.example.com" at a sentence start is a link too.
  if (!MAYBE_URL.test(text)) return [];
  const out: string[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    // "https://" alone, or "www." with nothing after, is not a link; trimming may have eaten
    // the dot of "www..." too, so check what is left.
    if (!IS_LINK.test(url)) continue;
    if (!out.includes(url)) out.push(url);
  }
  return out;
}

/** The host of a URL (lowercase, without `www.`), or null when it has none. */
export function urlDomain(url: string): string | null {
  try {
    const host = new URL(/^https?:\/\//i.test(url) ? url : `http://${url}`).hostname.toLowerCase();
    return host.startsWith("www.") ? host.slice(4) : host || null;
  } catch {
    return null;
  }
}

/**
 * Emote names found by name when the source gave no emote ranges: whitespace-separated tokens
 * that are known emote names (case-sensitive, as Twitch emotes are), and `:name:` tokens
 * (recorded as `name`). One entry per occurrence, in order.
 */
export function extractEmoteNames(text: string, known: ReadonlySet<string>): string[] {
  const filter = filterFor(known);
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    if (i === start) break;
    const first = text.charCodeAt(start);
    const len = i - start;
    // Most words are not emotes: only slice a token whose first character and length match
    // some known emote, or that may be a :name: token.
    if (first >= 128 || len >= 64 || filter[first * 64 + len] === 1) {
      const token = text.slice(start, i);
      if (known.has(token)) {
        out.push(token);
        continue;
      }
    }
    if (first === 58 && len > 2 && text.charCodeAt(i - 1) === 58) {
      const inner = text.slice(start + 1, i - 1);
      if (/^[A-Za-z0-9_]{1,40}$/.test(inner)) out.push(inner);
    }
  }
  return out;
}

const filters = new WeakMap<ReadonlySet<string>, Uint8Array>();

/** A (first character, length) table of the known names, built once per set. */
function filterFor(known: ReadonlySet<string>): Uint8Array {
  let f = filters.get(known);
  if (!f) {
    f = new Uint8Array(128 * 64);
    for (const name of known) {
      const c = name.charCodeAt(0);
      if (c < 128 && name.length < 64) f[c * 64 + name.length] = 1;
    }
    filters.set(known, f);
  }
  return f;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000;
}
