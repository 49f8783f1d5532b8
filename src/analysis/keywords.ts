/**
 * Keyword extraction for profiles: the words a person or a channel talks about, without the
 * noise of chat. Pure and allocation-light: it runs on every message at ingest.
 *
 * A keyword is a lowercased word of letters (and inner apostrophes or hyphens) that is not a
 * URL, an `@mention`, an emote, a number, a stopword (English, plus chat filler such as lol,
 * lmao, pls, xd) or laughter ("hahaha", "lolll", "kekw"...), and is 2 to 40 characters long.
 *
 * @module
 */

import { stripMarkers } from "./markers.ts";

/** English stopwords, contractions (with the apostrophe), and chat filler. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    // English function words
    "a about above after again against all am an and any are aren't as at be because been " +
    "before being below between both but by can can't cannot could couldn't did didn't do does " +
    "doesn't doing don't down during each few for from further had hadn't has hasn't have " +
    "haven't having he he'd he'll he's her here here's hers herself him himself his how how's i " +
    "i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my " +
    "myself no nor not of off on once only or other ought our ours ourselves out over own same " +
    "shan't she she'd she'll she's should shouldn't so some such than that that's the their " +
    "theirs them themselves then there there's these they they'd they'll they're they've this " +
    "those through to too under until up very was wasn't we we'd we'll we're we've were weren't " +
    "what what's when when's where where's which while who who's whom why why's with won't " +
    "would wouldn't us you you'd you'll you're you've your yours yourself yourselves also just " +
    "like get got go going gonna wanna gotta yeah yes yep nope ok okay oh ah uh um hmm well " +
    "still now really much many one thing things know think see say said make way even back " +
    "any anyone someone something anything everyone everything will shall may might must " +
    "im ive id ill youre dont cant wont isnt doesnt didnt thats whats theres hes shes its " +
    "u ur r ya yall y'all da dis dat tho thru cuz coz bc rn tbh imo imho idk idc ikr btw " +
    // chat filler
    "lol lool lmao lmfao rofl lul lulw kek kekw xd xdd pls plz plzz please ty thx thanks tyvm " +
    "np gg ggs wp glhf gl hf omg omfg wtf wth ffs smh ez pog poggers hype hi hey hello yo sup " +
    "bye cya gn gm haha hahaha hehe heh lel kk mhm ye yea yah nah naw bruh bro dude fr ngl " +
    "af asf ok okk lmk nvm wow woah whoa ayy ayo ooh ooo"
  ).split(" "),
);

// Laughter and keyboard noise in any length: hahaha, ahah, lolll, lmaooo, xdddd, kkkk, wwww.
const NOISE_RE =
  /^(?:(?:a?h+a+)+h*|(?:h+e+)+h*|l+o+l+[lo]*|l+m+a+o+|x+d+|k{3,}|w{3,}|z{3,}|e+z+|o+m+g+|a+y+o*)$/;

const HAS_DIGIT_RE = /\d/;
const HAS_LETTER_RE = /\p{L}/u;

// A word: letters (any script) with marks, optionally joined by inner ', - or _ (so a login such
// as some_user stays one word: split, its parts would read as other logins, even forgotten ones).
const WORD_RE = /[\p{L}\p{M}]+(?:['’_-][\p{L}\p{M}]+)*/gu;

/**
 * The keywords of one message's text, lowercased, in order of appearance, repeats kept (each
 * occurrence counts). `emotes` are the message's emote names: tokens equal to one of them are
 * skipped, as are `:name:` tokens.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractKeywords } from "./keywords.ts";
 * const k = extractKeywords("lol the Speedrun was insane https://x.tv @mod Kappa", ["Kappa"]);
 * assert.equal(k.join(","), "speedrun,insane");
 * ```
 */
export function extractKeywords(input: string, emotes: readonly string[] = []): string[] {
  // The program's own markers ([redacted:email], [forgotten]) are not words the chatter wrote.
  const text = stripMarkers(input);
  const out: string[] = [];
  const split = SPLIT.of(text);
  while (split.next()) {
    const start = split.start, i = split.end;
    const token = text.slice(start, i);
    if (isAsciiLetters(text, start, i)) {
      // The common case, a plain ASCII word: it cannot be a URL, a mention, a `:emote:` or a
      // number, and is one word as a whole, so the regular expressions below are not needed.
      if (emotes.length > 0 && emotes.includes(token)) continue;
      const len = i - start;
      if (len < 2 || len > 40) continue;
      const w = token.toLowerCase();
      if (STOPWORDS.has(w) || NOISE_RE.test(w)) continue;
      out.push(intern(w));
      continue;
    }
    const c0 = token.charCodeAt(0);
    if (c0 === 64 /* @ */) continue;
    if (isUrlToken(token)) continue;
    if (emotes.length > 0 && emotes.includes(token)) continue;
    if (c0 === 58 /* : */ && token.length > 2 && token.charCodeAt(token.length - 1) === 58) {
      continue;
    }
    // Digits glued to letters (e.g. "gg2", "4head") are not words about anything.
    if (HAS_DIGIT_RE.test(token) && HAS_LETTER_RE.test(token)) continue;
    for (const m of token.toLowerCase().matchAll(WORD_RE)) {
      const w = m[0].replaceAll("’", "'");
      if (w.length < 2 || w.length > 40) continue;
      if (STOPWORDS.has(w) || NOISE_RE.test(w)) continue;
      out.push(intern(w));
    }
  }
  return out;
}

/**
 * The whitespace-separated tokens of a text, one after the other, without allocating: the split
 * {@link extractKeywords} judges tokens by, shared with the rollups' keyword cache
 * (`packed_rollups.ts`) so that both see the same tokens. Markers are the caller's to strip
 * first. An instance walks one text at a time: each loop that may run inside another keeps its
 * own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenSplit } from "./keywords.ts";
 * const text = " gg\u3000wp  ez ";
 * const seen: string[] = [];
 * for (const split = new TokenSplit().of(text); split.next();) {
 *   seen.push(text.slice(split.start, split.end));
 * }
 * assert.deepEqual(seen, ["gg", "wp", "ez"]);
 * ```
 */
export class TokenSplit {
  #text = "";
  /** Where the current token starts in the text. */
  start = 0;
  /** Where the current token ends (exclusive). */
  end = 0;

  /** Starts walking `text`; returns this. */
  of(text: string): this {
    this.#text = text;
    this.start = this.end = 0;
    return this;
  }

  /** Moves to the next token; false when there is none left. */
  next(): boolean {
    const text = this.#text;
    const n = text.length;
    let i = this.end;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    this.start = start;
    this.end = i;
    return i > start;
  }
}

/** The split {@link extractKeywords} walks with (never re-entered: it calls nothing that splits). */
const SPLIT = new TokenSplit();

/** Most distinct words {@link intern} shares; later new words are returned as they are. */
const MAX_INTERNED = 200_000;
const interned = new Map<string, string>();

/**
 * One shared copy of each word: rollups keep a count map per user and channel, and without
 * this every map held its own copy of every word (~150 MB over 20,000 users). Lookups in those
 * maps also get faster, since a shared string's hash is computed once.
 */
function intern(w: string): string {
  const known = interned.get(w);
  if (known !== undefined) return known;
  if (interned.size < MAX_INTERNED) interned.set(w, w);
  return w;
}

function isUrlToken(token: string): boolean {
  const t = token.length > 12 ? token.slice(0, 12).toLowerCase() : token.toLowerCase();
  return t.startsWith("http://") || t.startsWith("https://") || t.startsWith("www.") ||
    // Bare domains such as example.com/path count as links too.
    /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/|$)/i.test(token);
}

/** True when `text[start, end)` holds only ASCII letters. */
function isAsciiLetters(text: string, start: number, end: number): boolean {
  for (let j = start; j < end; j++) {
    const c = text.charCodeAt(j) | 0x20;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000;
}
