/**
 * Twitch's `emotes` tag (`25:0-4,12-16/1902:6-10`) to emote names, in order of position.
 *
 * Offsets count Unicode code points, not UTF-16 units, so an emoji before an emote counts as
 * one position. Twitch sends known faults, tolerated here: a range that runs past the end of the
 * text (Twitch's off-by-one after some characters) is shifted back to end at the last character,
 * so `LUL` comes out rather than `UL`; ids with suffixes such as `300196486_TK` or `80481_/3`
 * (the `/` splits a bogus group, which is skipped when it does not parse); reversed or empty
 * ranges are skipped. A position holds one emote: a range repeated in the tag (a hostile server
 * can send `25:0-4,0-4,...` thousands of times) counts once, and at most {@link MAX_EMOTES}
 * names are kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emoteNamesFromTag } from "./emote_ranges.ts";
 * assert.deepEqual(emoteNamesFromTag("25:0-4,0-4,12-16", "Kappa hello Kappa"), ["Kappa", "Kappa"]);
 * ```
 *
 * @module
 */

/** Twitch caps a message at 500 characters, so 250 emotes is more than any real message holds. */
export const MAX_EMOTES = 250;

/** True when `text[i]` and `text[i + 1]` are a surrogate pair: one code point, two units. */
function pairAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}

/**
 * Code points of a text, as the string iterator counts them (a lone surrogate is one), and the
 * UTF-16 offset of a code point, found by walking on from the last one asked for (ranges mostly
 * come in order), so that no table of offsets is built.
 */
class CodePoints {
  readonly text: string;
  /** Whether some code point takes two units. */
  readonly astral: boolean;
  /** The number of code points. */
  readonly length: number;
  #point = 0;
  #unit = 0;

  constructor(text: string) {
    this.text = text;
    let pairs = 0;
    for (let i = 0; i < text.length; i++) {
      if (pairAt(text, i)) {
        pairs++;
        i++;
      }
    }
    this.astral = pairs > 0;
    this.length = text.length - pairs;
  }

  /** The UTF-16 offset of code point `point` (0 to `length`). */
  unit(point: number): number {
    if (!this.astral) return point;
    if (point < this.#point) this.#point = this.#unit = 0;
    const text = this.text;
    while (this.#point < point) {
      this.#unit += pairAt(text, this.#unit) ? 2 : 1;
      this.#point++;
    }
    return this.#unit;
  }

  /** Code points `s` to `e`, clamped to the end. */
  cut(s: number, e: number): string {
    const from = this.unit(s);
    return this.text.slice(from, this.unit(e + 1 < this.length ? e + 1 : this.length));
  }
}

/** `Number(tag.slice(from, to))`, without the slice for plain digits. */
function numberIn(tag: string, from: number, to: number): number {
  if (to > from && to - from <= 9) {
    let n = 0;
    let i = from;
    for (; i < to; i++) {
      const c = tag.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    if (i === to) return n;
  }
  return Number(tag.slice(from, to));
}

/** Emote names from a Twitch `emotes` tag value and the message text. Never throws. */
export function emoteNamesFromTag(tag: string, text: string): string[] {
  if (!tag) return [];
  // Found emotes, kept sorted by their start (in code points); one per start. Scratch arrays
  // (this function never re-enters), so that only the result is allocated.
  const names = foundNames;
  let count = 0;
  // Offsets in the tag count code points (read only once a range needs them).
  let points: CodePoints | undefined;
  const n = tag.length;
  // Groups end at `/`; a group is `id:ranges`, ranges end at `,`, a range is `start-end`.
  for (let group = 0; group < n && count < MAX_EMOTES;) {
    let groupEnd = tag.indexOf("/", group);
    if (groupEnd < 0) groupEnd = n;
    const colon = tag.indexOf(":", group);
    if (colon > group && colon < groupEnd) {
      for (let range = colon + 1; range <= groupEnd;) {
        let rangeEnd = tag.indexOf(",", range);
        if (rangeEnd < 0 || rangeEnd > groupEnd) rangeEnd = groupEnd;
        const dash = tag.indexOf("-", range);
        if (dash > range && dash < rangeEnd) {
          const start0 = numberIn(tag, range, dash);
          const end0 = numberIn(tag, dash + 1, rangeEnd);
          if (
            Number.isInteger(start0) && Number.isInteger(end0) && start0 >= 0 && start0 <= end0
          ) {
            points ??= new CodePoints(text);
            const start = emoteStart(points, start0, end0);
            if (start >= 0) count = insertFound(start, foundName, count);
            if (count >= MAX_EMOTES) break;
          }
        }
        range = rangeEnd + 1;
      }
    }
    group = groupEnd + 1;
  }
  const result = names.slice(0, count);
  names.fill("", 0, count); // keeps no text alive
  foundName = "";
  return result;
}

const foundStarts: number[] = [];
const foundNames: string[] = [];
/** The name {@link emoteStart} found (a scratch slot, so that no pair is allocated). */
let foundName = "";

/**
 * Where the emote of the tag's range `start0-end0` starts, in code points, with its name left in
 * `foundName`; -1 when the range is past the text or names only spaces. Corrects Twitch's
 * off-by-one: a range that runs a position or two past the end is the same length, earlier.
 */
function emoteStart(points: CodePoints, start0: number, end0: number): number {
  const length = points.length;
  if (start0 >= length) return -1;
  let start = start0;
  let name = points.cut(start0, end0);
  const over = end0 - (length - 1);
  if (over > 0 && over <= 2 && start0 - over >= 0) {
    const shifted = points.cut(start0 - over, end0 - over);
    if (shifted.trim() === shifted) {
      start = start0 - over;
      name = shifted;
    }
  }
  if (!name.trim()) return -1;
  foundName = name;
  return start;
}

/**
 * Inserts an emote into the found ones (`foundStarts`/`foundNames`, sorted by start, one per
 * start); returns the new count. Ranges mostly come in order, so this is mostly a push.
 */
function insertFound(start: number, name: string, count: number): number {
  const starts = foundStarts;
  const names = foundNames;
  let at = count;
  while (at > 0 && starts[at - 1]! > start) at--;
  if (at !== 0 && starts[at - 1] === start) return count;
  for (let k = count; k > at; k--) {
    starts[k] = starts[k - 1]!;
    names[k] = names[k - 1]!;
  }
  starts[at] = start;
  names[at] = name;
  return count + 1;
}
