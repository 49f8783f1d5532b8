import fc from "fast-check";
import { assert, assertEquals } from "../support/assert.ts";
import {
  type IrcLine,
  parseIrcLine,
  prefixNick,
  TagPicker,
  unescapeTagValue,
} from "../../src/chat/irc.ts";
import { escapeTag } from "../support/fake_twitch.ts";

function parsed(text: string): IrcLine {
  const line = parseIrcLine(text);
  if (!line.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${line.reason}`);
  return line;
}

Deno.test("parseIrcLine() reads tags, prefix, command and params", () => {
  const line = parsed(
    "@badges=moderator/1,subscriber/6;display-name=Mod\\sPerson;id=abc;emotes= " +
      ":modperson!modperson@modperson.tmi.twitch.tv PRIVMSG #somechannel :hello: there  friend",
  );
  assertEquals(line.prefix, "modperson!modperson@modperson.tmi.twitch.tv");
  assertEquals(line.command, "PRIVMSG");
  assertEquals(line.params, ["#somechannel", "hello: there  friend"]);
  assertEquals(line.tags.get("display-name"), "Mod Person");
  assertEquals(line.tags.get("emotes"), "");
  assertEquals(line.tags.get("badges"), "moderator/1,subscriber/6");
  assertEquals(line.tags.get("missing"), undefined);
  assertEquals(line.tags.size, 4);
});

Deno.test("parseIrcLine() handles lines without tags or prefix, numerics and odd spacing", async (t) => {
  const cases: Array<[string, string | undefined, string, string[]]> = [
    ["PING :tmi.twitch.tv", undefined, "PING", ["tmi.twitch.tv"]],
    [":tmi.twitch.tv RECONNECT", "tmi.twitch.tv", "RECONNECT", []],
    [":tmi.twitch.tv 001 justinfan1 :Welcome, GLHF!", "tmi.twitch.tv", "001", [
      "justinfan1",
      "Welcome, GLHF!",
    ]],
    [":a!a@a PRIVMSG #c :", "a!a@a", "PRIVMSG", ["#c", ""]],
    [":tmi.twitch.tv CLEARMSG #chan sup", "tmi.twitch.tv", "CLEARMSG", ["#chan", "sup"]],
    [":srv   NOTICE   *   :spaced out", "srv", "NOTICE", ["*", "spaced out"]],
    ["privmsg #c :lower", undefined, "PRIVMSG", ["#c", "lower"]],
    [":a JOIN #c\r\n", "a", "JOIN", ["#c"]],
    ["CAP * ACK :twitch.tv/tags twitch.tv/commands", undefined, "CAP", [
      "*",
      "ACK",
      "twitch.tv/tags twitch.tv/commands",
    ]],
  ];
  for (const [text, prefix, command, params] of cases) {
    await t.step(JSON.stringify(text), () => {
      const line = parsed(text);
      assertEquals([line.prefix, line.command, line.params], [prefix, command, params]);
    });
  }
});

Deno.test("parseIrcLine() reports malformed lines without throwing", async (t) => {
  const cases: Array<[string, RegExp]> = [
    ["", /empty/],
    ["   ", /empty/],
    ["\r\n", /empty/],
    ["@a=b", /tags without a command/],
    ["@a=b  ", /tags without a command/],
    [":prefix.only", /prefix without a command/],
    ["@a=b :prefix ", /prefix without a command/],
    ["12 x", /invalid command/],
    ["PRIV-MSG #c :x", /invalid command/],
    ["\u00e9t\u00e9 x", /invalid command/],
  ];
  for (const [text, reason] of cases) {
    await t.step(JSON.stringify(text), () => {
      const line = parseIrcLine(text);
      assert(!line.ok, "expected a failure");
      assert(reason.test(line.reason), `${line.reason} should match ${reason}`);
    });
  }
});

Deno.test("unescapeTagValue() undoes Twitch's tag escaping", () => {
  assertEquals(unescapeTagValue("a\\sb\\:c\\\\d\\re\\nf"), "a b;c\\d\re\nf");
  assertEquals(unescapeTagValue("unknown\\xescape"), "unknownxescape");
  assertEquals(unescapeTagValue("trailing\\"), "trailing");
  assertEquals(unescapeTagValue("\\s\\s"), "  ");
  assertEquals(unescapeTagValue("no escapes"), "no escapes");
});

Deno.test("IrcTags: repeated names keep the last value, tags without = are empty", () => {
  const line = parsed("@a=1;flag;a=2;;=novalue;+client/x=y PING");
  assertEquals([...line.tags.entries()], [["a", "2"], ["flag", ""], ["+client/x", "y"]]);
});

Deno.test("prefixNick() takes the nick of a user prefix and a server name whole", () => {
  assertEquals(prefixNick("ann!ann@ann.tmi.twitch.tv"), "ann");
  assertEquals(prefixNick("ann@host"), "ann");
  assertEquals(prefixNick("tmi.twitch.tv"), "tmi.twitch.tv");
  assertEquals(prefixNick(undefined), undefined);
});

Deno.test("parseIrcLine() never throws on any string", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
      const line = parseIrcLine(text);
      if (line.ok) {
        // Reading tags must not throw either.
        for (const _ of line.tags.entries()) { /* consume */ }
        assert(line.command.length > 0);
      } else {
        assert(line.reason.length > 0);
      }
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom("@", ":", " ", ";", "=", "\\", "\r", "\n", "a", "#", "1"), {
        maxLength: 40,
      }),
      (chars) => {
        const line = parseIrcLine(chars.join(""));
        if (line.ok) { for (const _ of line.tags.entries()) { /* consume */ } }
      },
    ),
    { numRuns: 2000 },
  );
});

const tagName = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/);
const tagValue = fc.string({ unit: "grapheme", maxLength: 20 });
const middle = fc.stringMatching(/^[#a-z0-9_][#a-z0-9_.!@:-]{0,10}$/);

Deno.test("parseIrcLine() reads back what an IRC writer wrote (escaped tags, params)", () => {
  fc.assert(
    fc.property(
      fc.dictionary(tagName, tagValue, { maxKeys: 8 }),
      fc.option(fc.stringMatching(/^[a-z0-9_]{1,10}![a-z0-9_]{1,10}@[a-z.]{1,15}$/), {
        nil: undefined,
      }),
      fc.stringMatching(/^[A-Z]{1,10}$/),
      fc.array(middle, { maxLength: 3 }),
      fc.option(
        fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, "")),
        {
          nil: undefined,
        },
      ),
      (tags, prefix, command, middles, trailing) => {
        const tagText = Object.entries(tags).map(([k, v]) => `${k}=${escapeTag(v)}`).join(";");
        const text = (tagText ? `@${tagText} ` : "") + (prefix ? `:${prefix} ` : "") + command +
          middles.map((m) => ` ${m}`).join("") + (trailing !== undefined ? ` :${trailing}` : "");
        const line = parsed(text);
        assertEquals(line.command, command);
        assertEquals(line.prefix, prefix);
        assertEquals(line.params, trailing !== undefined ? [...middles, trailing] : middles);
        assertEquals(Object.fromEntries(line.tags.entries()), { ...tags });
        const names = Object.keys(tags);
        const picked = new TagPicker([...names, "absent-tag"]).pick(line.tags);
        assertEquals(picked, [...names.map((n) => tags[n]), undefined]);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("TagPicker.pick() matches whole names only", () => {
  const line = parsed("@user-id-x=1;user=2;user-id=3;id=4;idx=5 PING");
  const [userId, id, user, missing] = new TagPicker(["user-id", "id", "user", "mod"]).pick(
    line.tags,
  );
  assertEquals([userId, id, user, missing], ["3", "4", "2", undefined]);
});
