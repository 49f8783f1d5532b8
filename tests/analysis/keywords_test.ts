import { deepStrictEqual as assertEquals } from "node:assert/strict";
import fc from "fast-check";
import { extractKeywords, STOPWORDS } from "../../src/analysis/keywords.ts";

Deno.test("extractKeywords() keeps lowercased topic words in order, repeats included", () => {
  assertEquals(extractKeywords("Speedrun SPEEDRUN practice"), ["speedrun", "speedrun", "practice"]);
});

Deno.test("extractKeywords() drops URLs, mentions, emotes and :emotes:", () => {
  assertEquals(
    extractKeywords(
      "check https://Example.com/Tour www.clips.tv/x example.org/a @Mod Kappa :catJAM: tour",
      ["Kappa"],
    ),
    ["check", "tour"],
  );
});

Deno.test("extractKeywords() drops numbers, stopwords and chat filler", () => {
  assertEquals(extractKeywords("the 2 of us lol lmao pls xd LMAOOO hahaha kekw gg 1v1 42"), []);
  assertEquals(extractKeywords("is he still dating sara?"), ["dating", "sara"]);
});

Deno.test("extractKeywords() strips punctuation and keeps inner apostrophes and other scripts", () => {
  assertEquals(extractKeywords("(boss)... rock'n'roll! Straße 日本語"), [
    "boss",
    "rock'n'roll",
    "straße",
    "日本語",
  ]);
});

Deno.test("extractKeywords() emotes are matched case-sensitively, as Twitch does", () => {
  assertEquals(extractKeywords("Kappa kappa", ["Kappa"]), ["kappa"]);
});

Deno.test("extractKeywords() never yields stopwords, digits, @, or URLs, whatever the text", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
      for (const k of extractKeywords(text)) {
        if (STOPWORDS.has(k) || /\d|@|:\/\/|\s/.test(k) || k !== k.toLowerCase()) return false;
        if (k.length < 2 || k.length > 40) return false;
      }
      return true;
    }),
  );
});

Deno.test("extractKeywords() drops the [forgotten] marker that forget writes, not the word", () => {
  assertEquals(extractKeywords("hi @[forgotten] and [forgotten], Forgotten lore"), [
    "forgotten",
    "lore",
  ]);
});

/** The general path of extractKeywords (regular expressions on every token), as a reference. */
function referenceKeywords(text: string, emotes: readonly string[]): string[] {
  const noise =
    /^(?:(?:a?h+a+)+h*|(?:h+e+)+h*|l+o+l+[lo]*|l+m+a+o+|x+d+|k{3,}|w{3,}|z{3,}|e+z+|o+m+g+|a+y+o*)$/;
  const out: string[] = [];
  for (const token of text.split(/[ \t\n\v\f\r\u00a0\u3000]+/)) {
    if (token === "" || token.startsWith("@")) continue;
    const t = token.slice(0, 12).toLowerCase();
    if (
      t.startsWith("http://") || t.startsWith("https://") || t.startsWith("www.") ||
      /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/|$)/i.test(token)
    ) continue;
    if (emotes.includes(token)) continue;
    if (token.length > 2 && token.startsWith(":") && token.endsWith(":")) continue;
    if (/\d/.test(token) && /\p{L}/u.test(token)) continue;
    for (const m of token.toLowerCase().matchAll(/[\p{L}\p{M}]+(?:['’_-][\p{L}\p{M}]+)*/gu)) {
      const w = m[0].replaceAll("’", "'");
      if (w.length < 2 || w.length > 40 || STOPWORDS.has(w) || noise.test(w)) continue;
      out.push(w);
    }
  }
  return out;
}

Deno.test("extractKeywords() fast path for ASCII words agrees with the general rules", () => {
  const token = fc.oneof(
    fc.stringMatching(/^[A-Za-z]{0,45}$/),
    fc.constantFrom("lol", "Kappa", "hahaha", "the", "LMAO", "x.com", "www.a.b", "4head", "é"),
    fc.string({ unit: "grapheme", maxLength: 8 }),
    fc.stringMatching(/^[A-Za-z'’.,!:@-]{1,12}$/),
  );
  const sep = fc.constantFrom(" ", "  ", "\t", "\n", "\u00a0", "\u3000");
  fc.assert(
    fc.property(
      fc.array(fc.tuple(token, sep), { maxLength: 12 }),
      fc.array(fc.constantFrom("Kappa", "lol", "PogChamp", "LUL"), { maxLength: 2 }),
      (parts, emotes) => {
        const text = parts.map(([t, s]) => t + s).join("");
        assertEquals(extractKeywords(text, emotes), referenceKeywords(text, emotes));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("extractKeywords() skips the program's markers: [redacted:KIND] and [forgotten]", () => {
  assertEquals(
    extractKeywords(
      "mail me at [redacted:email] or call [redacted:phone], ask @[forgotten] about speedrun",
    ),
    ["mail", "call", "ask", "speedrun"],
  );
  assertEquals(extractKeywords("forgotten memories"), ["forgotten", "memories"]);
});
