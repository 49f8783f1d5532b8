import assert from "node:assert/strict";
import fc from "fast-check";
import { emoteNamesFromTag, MAX_EMOTES } from "../../src/analysis/emote_ranges.ts";

Deno.test("emoteNamesFromTag() reads ranges of several emotes, ordered by position", () => {
  const text = "Kappa PogChamp Kappa";
  assert.deepEqual(emoteNamesFromTag("25:0-4,15-19/88:6-13", text), ["Kappa", "PogChamp", "Kappa"]);
  assert.deepEqual(emoteNamesFromTag("88:6-13/25:15-19,0-4", text), ["Kappa", "PogChamp", "Kappa"]);
});

Deno.test("emoteNamesFromTag() counts code points, so emoji before an emote do not shift it", () => {
  assert.deepEqual(emoteNamesFromTag("25:2-6", "👉 Kappa nice one"), ["Kappa"]);
  assert.deepEqual(emoteNamesFromTag("25:6-10", "👨‍👩‍👧 Kappa"), ["Kappa"]); // ZWJ family: 5 code points
  assert.deepEqual(emoteNamesFromTag("1:0-1,3-4", "🐸🐸 🐸🐸"), ["🐸🐸", "🐸🐸"]);
});

Deno.test("emoteNamesFromTag() survives Twitch's known faults", async (t) => {
  await t.step("empty tag and empty text", () => {
    assert.deepEqual(emoteNamesFromTag("", "Kappa"), []);
    assert.deepEqual(emoteNamesFromTag("25:0-4", ""), []);
  });
  await t.step("range past the end is clamped; a range starting past it is skipped", () => {
    assert.deepEqual(emoteNamesFromTag("25:0-40", "Kappa"), ["Kappa"]);
    assert.deepEqual(emoteNamesFromTag("25:10-14", "Kappa"), []);
  });
  await t.step("ids with suffixes, and a `/` inside an id splitting a bogus group", () => {
    assert.deepEqual(emoteNamesFromTag("300196486_TK:0-4", "Kappa"), ["Kappa"]);
    assert.deepEqual(emoteNamesFromTag("80481_/3:0-4", "Kappa"), ["Kappa"]);
  });
  await t.step("reversed, malformed and whitespace-only ranges are skipped", () => {
    assert.deepEqual(emoteNamesFromTag("25:4-0", "Kappa"), []);
    assert.deepEqual(emoteNamesFromTag("25:a-b,1,-3,2-", "Kappa"), []);
    assert.deepEqual(emoteNamesFromTag("25:5-5,0-4", "Kappa  "), ["Kappa"]);
    assert.deepEqual(emoteNamesFromTag(":0-4/25", "Kappa"), []);
  });
});

Deno.test("emoteNamesFromTag() never throws and returns pieces of the text in order", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 20, unit: "grapheme" }),
      (tag, text) => {
        const names = emoteNamesFromTag(tag, text);
        for (const n of names) assert.ok(text.includes(n));
      },
    ),
  );
});

Deno.test("emoteNamesFromTag() inverts a tag built from known positions", () => {
  const word = fc.constantFrom("Kappa", "LUL", "🐸", "héllo", "👉", "x");
  fc.assert(
    fc.property(
      fc.array(word, { minLength: 1, maxLength: 8 }),
      fc.array(fc.boolean()),
      (words, pick) => {
        let pos = 0;
        const ranges: string[] = [];
        const expected: string[] = [];
        words.forEach((w, i) => {
          const len = Array.from(w).length;
          if (pick[i]) {
            ranges.push(`${pos}-${pos + len - 1}`);
            expected.push(w);
          }
          pos += len + 1;
        });
        const tag = ranges.length ? `1:${ranges.reverse().join(",")}` : "";
        assert.deepEqual(emoteNamesFromTag(tag, words.join(" ")), expected);
      },
    ),
  );
});

Deno.test("emoteNamesFromTag(): a repeated range counts once and the list is capped", () => {
  const text = "Kappa " + "x ".repeat(400);
  assert.deepEqual(emoteNamesFromTag("25:" + Array(5000).fill("0-4").join(","), text), ["Kappa"]);
  const many = Array.from({ length: 400 }, (_, i) => `${6 + 2 * i}-${6 + 2 * i}`).join(",");
  assert.equal(emoteNamesFromTag(`1:${many}`, text).length, MAX_EMOTES);
});

/** The straightforward reading of the tag (split, Array.from, sort), which the fast one must equal. */
function reference(tag: string, text: string): string[] {
  if (!tag) return [];
  const found: Array<[number, string]> = [];
  const starts = new Set<number>();
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
      points ??= /[\ud800-\udbff]/.test(text) ? Array.from(text) : null;
      const length = points ? points.length : text.length;
      if (start0 >= length) continue;
      const cut = (s: number, e: number) =>
        points ? points.slice(s, e + 1).join("") : text.slice(s, e + 1);
      let start = start0;
      let name = cut(start0, end0);
      const over = end0 - (length - 1);
      if (over > 0 && over <= 2 && start0 - over >= 0) {
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

Deno.test("emoteNamesFromTag() equals the straightforward reading of any tag over any text", () => {
  const junk = fc.constantFrom("", " ", "+", "x", "1e1", "0x2", "-", ":", "/", ",", "1.5");
  const bound = fc.oneof(fc.nat({ max: 14 }).map(String), junk);
  const range = fc.oneof(fc.tuple(bound, bound).map(([a, b]) => `${a}-${b}`), junk);
  const group = fc.tuple(
    fc.constantFrom("25", "1", "300196486_TK", "", "80481_"),
    fc.array(range, { minLength: 1, maxLength: 5 }),
  ).map(([id, ranges]) => `${id}:${ranges.join(",")}`);
  const tag = fc.array(fc.oneof(group, junk), { maxLength: 4 }).map((g) => g.join("/"));
  const text = fc.array(
    fc.oneof(
      fc.constantFrom("Kappa", " ", "🐸", "👨‍👩‍👧", "\ud800", "\udc00", "é", "LUL"),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 8 },
  ).map((parts) => parts.join(""));
  fc.assert(
    fc.property(tag, text, (t, x) => {
      assert.deepEqual(emoteNamesFromTag(t, x), reference(t, x));
    }),
    { numRuns: 5000 },
  );
  const many = Array.from({ length: 400 }, (_, i) => `${i}-${i}`).join(",");
  const long = "x".repeat(400);
  assert.deepEqual(emoteNamesFromTag(`1:${many}`, long), reference(`1:${many}`, long));
});
