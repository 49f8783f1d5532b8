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

Deno.test("extractKeywords() drops the [forgotten] marker that forget writes", () => {
  assertEquals(extractKeywords("hi @[forgotten] and [forgotten], Forgotten lore"), ["lore"]);
});
