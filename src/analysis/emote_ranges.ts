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

/**
 * UTF-16 offsets of the code points of `text` (one more entry: the end), as the string iterator
 * counts them (a lone surrogate is one code point); null when every code point is one unit.
 */
function codePointOffsets(text: string): number[] | null {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) break;
    i++;
  }
  if (i === n) return null;
  const offsets: number[] = [];
  let k = 0;
  for (i = 0; i < n; k++) {
    offsets[k] = i;
    const c = text.charCodeAt(i);
    const low = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    i += c >= 0xd800 && c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
  }
  offsets[k] = n;
  return offsets;
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

/** Code points `s` to `e` (clamped to `length`) of `text`. */
function cut(
  text: string,
  offsets: number[] | null,
  length: number,
  s: number,
  e: number,
): string {
  const end = e + 1 < length ? e + 1 : length;
  return offsets ? text.slice(offsets[s]!, offsets[end]!) : text.slice(s, end);
}

/** Emote names from a Twitch `emotes` tag value and the message text. Never throws. */
export function emoteNamesFromTag(tag: string, text: string): string[] {
  if (!tag) return [];
  // Found emotes, kept sorted by their start (in code points); one per start.
  const starts: number[] = [];
  const names: string[] = [];
  // Without surrogate pairs, code-point offsets are string offsets.
  let offsets: number[] | null | undefined;
  let length = 0;
  const n = tag.length;
  // Groups end at `/`; a group is `id:ranges`, ranges end at `,`, a range is `start-end`.
  for (let group = 0; group < n && names.length < MAX_EMOTES;) {
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
            if (offsets === undefined) {
              offsets = codePointOffsets(text);
              length = offsets ? offsets.length - 1 : text.length;
            }
            if (start0 < length) {
              let start = start0;
              let name = cut(text, offsets, length, start0, end0);
              const over = end0 - (length - 1);
              if (over > 0 && over <= 2 && start0 - over >= 0) {
                // Twitch's off-by-one: the emote is the same length, a position or two earlier.
                const shifted = cut(text, offsets, length, start0 - over, end0 - over);
                if (shifted.trim() === shifted) {
                  start = start0 - over;
                  name = shifted;
                }
              }
              if (name.trim()) {
                let at = starts.length;
                while (at > 0 && starts[at - 1]! > start) at--;
                if (at === 0 || starts[at - 1] !== start) {
                  starts.splice(at, 0, start);
                  names.splice(at, 0, name);
                  if (names.length >= MAX_EMOTES) break;
                }
              }
            }
          }
        }
        range = rangeEnd + 1;
      }
    }
    group = groupEnd + 1;
  }
  return names;
}
