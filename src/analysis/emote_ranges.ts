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

/** True when the text has a surrogate pair, i.e. code points and UTF-16 units differ. */
function hasAstral(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) return true;
  }
  return false;
}

/** Emote names from a Twitch `emotes` tag value and the message text. Never throws. */
export function emoteNamesFromTag(tag: string, text: string): string[] {
  if (!tag) return [];
  const found: Array<[number, string]> = [];
  const starts = new Set<number>();
  // Without surrogate pairs, code-point offsets are string offsets: no array of code points.
  let points: string[] | null | undefined;
  for (const group of tag.split("/")) {
    const colon = group.indexOf(":");
    if (colon <= 0) continue;
    for (const range of group.slice(colon + 1).split(",")) {
      const dash = range.indexOf("-");
      if (dash <= 0) continue;
      const start0 = Number(range.slice(0, dash));
      const end0 = Number(range.slice(dash + 1));
      if (!Number.isInteger(start0) || !Number.isInteger(end0) || start0 < 0 || start0 > end0) {
        continue;
      }
      if (points === undefined) points = hasAstral(text) ? Array.from(text) : null;
      const length = points ? points.length : text.length;
      if (start0 >= length) continue;
      const cut = (s: number, e: number) =>
        points ? points.slice(s, e + 1).join("") : text.slice(s, e + 1);
      let start = start0;
      let name = cut(start0, end0);
      const over = end0 - (length - 1);
      if (over > 0 && over <= 2 && start0 - over >= 0) {
        // Twitch's off-by-one: the emote is the same length, a position or two earlier.
        const shifted = cut(start0 - over, end0 - over);
        if (shifted.trim() === shifted) {
          start = start0 - over;
          name = shifted;
        }
      }
      if (name.trim() && !starts.has(start)) {
        starts.add(start);
        found.push([start, name]);
        if (found.length >= MAX_EMOTES) break;
      }
    }
    if (found.length >= MAX_EMOTES) break;
  }
  found.sort((a, b) => a[0] - b[0]);
  return found.map(([, name]) => name);
}
