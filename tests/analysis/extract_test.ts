import assert from "node:assert/strict";
import fc from "fast-check";
import {
  extractEmoteNames,
  extractMentions,
  extractUrls,
  urlDomain,
} from "../../src/analysis/extract.ts";
import { emoteNamesFromTag } from "../../src/analysis/emote_ranges.ts";
import { analyzeMessage } from "../../src/analysis/analyze.ts";
import type { MessageDraft } from "../../src/chat/source.ts";
import { Message } from "../../src/schemas.ts";

Deno.test("extractMentions() finds @logins, lowercased, in order, without repeats", () => {
  assert.deepEqual(extractMentions("hey @mod is he still dating sara?"), ["mod"]);
  assert.deepEqual(extractMentions("@Bob @alice @BOB @x_1"), ["bob", "alice", "x_1"]);
  assert.deepEqual(extractMentions("(@paren) @comma, @dot. @bang! @q? @apos's"), [
    "paren",
    "comma",
    "dot",
    "bang",
    "q",
    "apos",
  ]);
  assert.deepEqual(extractMentions("no mentions here"), []);
  assert.deepEqual(extractMentions(`@${"a".repeat(25)}`), ["a".repeat(25)]);
});

Deno.test("extractMentions() ignores emails, glued @, over-long names and lone @", () => {
  assert.deepEqual(extractMentions("mail me at alice@example.com or bob.smith@x.org"), []);
  assert.deepEqual(extractMentions("word@name and x@y"), []);
  assert.deepEqual(extractMentions("@@double"), []);
  assert.deepEqual(extractMentions("@name@host"), []);
  assert.deepEqual(extractMentions(`@${"a".repeat(26)}`), []);
  assert.deepEqual(extractMentions("@ alone and @-dash @"), []);
  assert.deepEqual(extractMentions("email a@b.com then @real"), ["real"]);
});

Deno.test("extractMentions() yields only valid logins and only names written after an @", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => {
      const found = extractMentions(text);
      assert.equal(new Set(found).size, found.length);
      for (const m of found) {
        assert.match(m, /^[a-z0-9_]{1,25}$/);
        assert.ok(text.toLowerCase().includes(`@${m}`), `${m} not after an @ in ${text}`);
      }
    }),
  );
});

Deno.test("extractUrls() finds http(s) and bare www. links without trailing punctuation", () => {
  assert.deepEqual(extractUrls("link pls https://example.com"), ["https://example.com"]);
  assert.deepEqual(extractUrls("see https://example.com/a?b=1&c=2#x."), [
    "https://example.com/a?b=1&c=2#x",
  ]);
  assert.deepEqual(extractUrls("go to www.example.com/schedule, now!"), [
    "www.example.com/schedule",
  ]);
  assert.deepEqual(extractUrls("wow http://a.io!!! and https://b.io?"), [
    "http://a.io",
    "https://b.io",
  ]);
  assert.deepEqual(extractUrls('"https://quoted.example/x"'), ["https://quoted.example/x"]);
  assert.deepEqual(extractUrls("<https://angle.example>"), ["https://angle.example"]);
  assert.deepEqual(extractUrls("same https://x.io and https://x.io again"), ["https://x.io"]);
});

Deno.test("extractUrls() keeps balanced brackets and drops a closing one it did not open", () => {
  assert.deepEqual(extractUrls("(see https://example.com/a)."), ["https://example.com/a"]);
  assert.deepEqual(extractUrls("wiki https://en.wikipedia.org/wiki/Foo_(bar) ok"), [
    "https://en.wikipedia.org/wiki/Foo_(bar)",
  ]);
  assert.deepEqual(extractUrls("(https://en.wikipedia.org/wiki/Foo_(bar))"), [
    "https://en.wikipedia.org/wiki/Foo_(bar)",
  ]);
  assert.deepEqual(extractUrls("[https://example.com/x]"), ["https://example.com/x"]);
});

Deno.test("extractUrls() ignores schemes and www. with nothing after, and glued words", () => {
  assert.deepEqual(extractUrls("https:// is not a link, nor is www."), []);
  assert.deepEqual(extractUrls("awww.that is cute"), []);
  assert.deepEqual(extractUrls("xhttps://example.com"), []);
  assert.deepEqual(extractUrls("ftp://example.com"), []);
  assert.deepEqual(extractUrls("www... hmm (www.) https://..."), []);
});

Deno.test("extractUrls() matches any letter case, as the pattern is case-insensitive", () => {
  // A phone capitalizes the first word of a message: "Www.example.com" is a link too.
  assert.deepEqual(extractUrls("Www.example.com has the vod"), ["Www.example.com"]);
  assert.deepEqual(extractUrls("Http://Example.com/A"), ["Http://Example.com/A"]);
  assert.deepEqual(extractUrls("HTTPS://EXAMPLE.COM."), ["HTTPS://EXAMPLE.COM"]);
  assert.deepEqual(extractUrls("WWW.EXAMPLE.COM"), ["WWW.EXAMPLE.COM"]);
});

Deno.test("extractUrls() results never end in punctuation and are substrings of the text", () => {
  const piece = fc.constantFrom(
    "https://",
    "http://",
    "www.",
    "Www.",
    "example.com",
    "/path",
    "(x)",
    ")",
    "(",
    ".",
    ",",
    "!",
    "?",
    " ",
    "a",
    "'",
    '"',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const text = parts.join("");
      const urls = extractUrls(text);
      assert.equal(new Set(urls).size, urls.length);
      for (const u of urls) {
        assert.ok(text.includes(u), `${u} not in ${text}`);
        assert.doesNotMatch(u, /[.,;:!?'"*~]$/);
        assert.doesNotMatch(u, /\s/);
        assert.match(u, /^(?:https?:\/\/|www\.)/i);
      }
      // Every http(s) link with a host is found.
      if (/(?:^|\s)https:\/\/example\.com/.test(text)) {
        assert.ok(urls.some((u) => u.startsWith("https://example.com")), text);
      }
    }),
  );
});

Deno.test("urlDomain() gives the lowercase host without www.", () => {
  assert.equal(urlDomain("https://WWW.Example.com/a"), "example.com");
  assert.equal(urlDomain("www.youtube.com/watch?v=1"), "youtube.com");
  assert.equal(urlDomain("http://clips.twitch.tv/x"), "clips.twitch.tv");
  assert.equal(urlDomain("https://[::1"), null);
});

const KNOWN = new Set(["Kappa", "LUL", "PogChamp", "KEKW", "catJAM", "ÄÖemote", "x".repeat(70)]);

Deno.test("extractEmoteNames() finds known names as whole tokens, case-sensitive, each time", () => {
  assert.deepEqual(extractEmoteNames("Kappa nice one Kappa", KNOWN), ["Kappa", "Kappa"]);
  assert.deepEqual(extractEmoteNames("catJAM LUL catJAM", KNOWN), ["catJAM", "LUL", "catJAM"]);
  assert.deepEqual(extractEmoteNames("kappa KAPPA Kappa, xKappa", KNOWN), []);
  assert.deepEqual(extractEmoteNames("\tKappa\nLUL\u00a0KEKW\u3000PogChamp", KNOWN), [
    "Kappa",
    "LUL",
    "KEKW",
    "PogChamp",
  ]);
  assert.deepEqual(extractEmoteNames("ÄÖemote and " + "x".repeat(70), KNOWN), [
    "ÄÖemote",
    "x".repeat(70),
  ]);
  assert.deepEqual(extractEmoteNames("", KNOWN), []);
});

Deno.test("extractEmoteNames() records :name: tokens without the colons", () => {
  assert.deepEqual(extractEmoteNames("hi :smile: and :heart_eyes: :: :a b: :bad-name:", KNOWN), [
    "smile",
    "heart_eyes",
  ]);
});

Deno.test("extractEmoteNames() agrees with a plain token scan for any known set", () => {
  const word = fc.constantFrom("Kappa", "LUL", "Lul", "KEKW", "K", "hi", ":wave:", "é", "Kap");
  fc.assert(
    fc.property(
      fc.array(word, { maxLength: 10 }),
      fc.uniqueArray(word, { maxLength: 4 }),
      (words, known) => {
        const set = new Set(known);
        const expected: string[] = [];
        for (const w of words) {
          if (set.has(w)) expected.push(w);
          else if (/^:[A-Za-z0-9_]{1,40}:$/.test(w)) expected.push(w.slice(1, -1));
        }
        assert.deepEqual(extractEmoteNames(words.join("  "), set), expected);
      },
    ),
  );
});

Deno.test("emote ranges find an emote after an emoji, where UTF-16 offsets would not", () => {
  const text = "👉 Kappa nice one";
  // Twitch counts code points: 👉 is one position, so Kappa spans 2-6.
  assert.deepEqual(emoteNamesFromTag("25:2-6", text), ["Kappa"]);
  // The UTF-16 reading would cut the emote wrong:
  assert.notEqual(text.slice(2, 7), "Kappa");
});

function draft(text: string, extra: Partial<MessageDraft> = {}): MessageDraft {
  return {
    ts: "2025-09-02T12:00:00.000Z",
    channel: "example_channel",
    message_id: "m1",
    user_id: null,
    user_name: "someuser",
    text,
    source: "fixture",
    ...extra,
  };
}

Deno.test("analyzeMessage() fills mentions, urls and emotes and satisfies the Message schema", () => {
  const m = analyzeMessage(
    draft("hey @Mod check www.example.com. Kappa :wave:"),
    { knownEmotes: KNOWN },
  );
  assert.deepEqual(m.mentions, ["mod"]);
  assert.deepEqual(m.urls, ["www.example.com"]);
  assert.deepEqual(m.emotes, ["Kappa", "wave"]);
  assert.equal(Message.safeParse(m).success, true);
  // Key order is the schema's: the same input is always the same bytes.
  assert.deepEqual(Object.keys(m), [
    "ts",
    "channel",
    "message_id",
    "user_id",
    "user_name",
    "text",
    "mentions",
    "urls",
    "emotes",
    "source",
  ]);
});

Deno.test("analyzeMessage() prefers the source's exact emotes over name matching", () => {
  const text = "👉 Kappa LUL";
  const exact = analyzeMessage(
    draft(text, { emotes: emoteNamesFromTag("25:2-6", text), display_name: "SomeUser" }),
    { knownEmotes: KNOWN },
  );
  assert.deepEqual(exact.emotes, ["Kappa"]);
  assert.equal(exact.display_name, "SomeUser");
  const byName = analyzeMessage(draft(text), { knownEmotes: KNOWN });
  assert.deepEqual(byName.emotes, ["Kappa", "LUL"]);
  assert.equal("display_name" in byName, false);
});
