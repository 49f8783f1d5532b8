/**
 * Twitch's `emotes` tag (`25:0-4,12-16/1902:6-10`) to emote names, in order of position.
 *
 * Offsets count Unicode code points, not UTF-16 units, so an emoji before an emote counts as
 * one position. Twitch sends known faults: ranges past the end of the text (clamped, and
 * skipped when nothing is left), ids with suffixes such as `300196486_TK` or `80481_/3` (the
 * `/` splits a bogus group, which is skipped when it does not parse), reversed ranges (skipped).
 *
 * @module
 */

/** Emote names from a Twitch `emotes` tag value and the message text. Never throws. */
export function emoteNamesFromTag(tag: string, text: string): string[] {
  if (!tag) return [];
  const found: Array<[number, string]> = [];
  let points: string[] | undefined;
  for (const group of tag.split("/")) {
    const colon = group.indexOf(":");
    if (colon <= 0) continue;
    for (const range of group.slice(colon + 1).split(",")) {
      const m = /^(\d+)-(\d+)$/.exec(range);
      if (!m) continue;
      const start = Number(m[1]);
      let end = Number(m[2]);
      points ??= Array.from(text);
      if (start > end || start >= points.length) continue;
      if (end >= points.length) end = points.length - 1;
      const name = points.slice(start, end + 1).join("");
      if (name.trim()) found.push([start, name]);
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  return found.map(([, name]) => name);
}
