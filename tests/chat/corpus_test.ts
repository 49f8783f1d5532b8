/**
 * Real Twitch IRC lines from other projects' test suites. They stay outside this repository
 * (`../shared/corpus/` beside the clone, as in CI); without that folder these tests are
 * skipped and say why, except when `CI` is set: then they fail. The hand-written lines in
 * irc_test.ts and twitch_test.ts cover the same cases in a fresh clone.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { parseIrcLine, prefixNick } from "../../src/chat/irc.ts";
import { twitchMeaning } from "../../src/chat/twitch.ts";
import { ChatEvent, Message } from "../../src/schemas.ts";

const CORPUS = new URL("../../../shared/corpus/twitch-irc-lines.txt", import.meta.url);

function readCorpus(): string | undefined {
  try {
    return Deno.readTextFileSync(CORPUS);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const text = readCorpus();
// In CI the corpus must be there: its absence fails the tests instead of skipping them.
const ci = Deno.env.get("CI") !== undefined && Deno.env.get("CI") !== "";
const skip = text === undefined && !ci;
const why = skip
  ? ` (SKIPPED: ${CORPUS.pathname} is absent; the corpus is kept outside the repository)`
  : "";
const lines = (text ?? "").split("\n").filter((l) => l.length > 0 && !l.startsWith("#"));

Deno.test({
  name: "corpus: present when CI is set",
  ignore: !ci,
  fn() {
    assert(text !== undefined, `CI is set but the corpus ${CORPUS.pathname} is missing`);
  },
});

Deno.test({
  name: `corpus: every line of twitch-irc-lines.txt parses${why}`,
  ignore: skip,
  fn() {
    assert(lines.length >= 50, `expected the whole corpus, got ${lines.length} lines`);
    for (const [i, raw] of lines.entries()) {
      const line = parseIrcLine(raw);
      assert(line.ok, `line ${i + 1} fails: ${line.ok ? "" : line.reason}: ${raw.slice(0, 80)}`);
    }
  },
});

Deno.test({
  name: `corpus: messages carry the right user, channel, time and text${why}`,
  ignore: skip,
  fn() {
    let messages = 0;
    let events = 0;
    for (const raw of lines) {
      const line = parseIrcLine(raw);
      if (!line.ok) continue;
      const meaning = twitchMeaning(line, Date.now());
      if (line.command === "PRIVMSG") {
        assert(meaning?.kind === "message", `PRIVMSG becomes a message: ${raw.slice(0, 80)}`);
        const d = meaning.draft;
        messages++;
        assertEquals(d.channel, line.params[0]!.slice(1));
        assertEquals(d.user_name, prefixNick(line.prefix));
        assertEquals(d.ts, new Date(Number(line.tags.get("tmi-sent-ts"))).toISOString());
        assertEquals(d.message_id, line.tags.get("id"));
        const body = line.params[1]!;
        assertEquals(d.text, body.startsWith("\x01ACTION ") ? body.slice(8, -1) : body);
        const full = { ...d, mentions: [], urls: [], emotes: d.emotes ?? [] };
        assert(Message.safeParse(full).success, `schema-valid: ${JSON.stringify(full)}`);
      } else if (["USERNOTICE", "CLEARMSG", "CLEARCHAT"].includes(line.command)) {
        assert(meaning?.kind === "event", `${line.command} becomes an event`);
        assert(ChatEvent.safeParse(meaning.event).success, JSON.stringify(meaning.event));
        events++;
      } else {
        assertEquals(meaning, undefined, `no meaning for ${line.command}`);
      }
    }
    assert(messages >= 15 && events >= 15, `${messages} messages, ${events} events`);
  },
});

Deno.test({
  name: `corpus: emote names, actions, replies and bits of known lines${why}`,
  ignore: skip,
  fn() {
    const byId = new Map<string, ReturnType<typeof twitchMeaning>>();
    for (const raw of lines) {
      const line = parseIrcLine(raw);
      if (!line.ok || line.command !== "PRIVMSG") continue;
      const m = twitchMeaning(line, 0);
      if (m?.kind === "message") byId.set(m.draft.message_id, m);
    }
    const draft = (id: string) => {
      const m = byId.get(id);
      if (m?.kind !== "message") throw new Error(`corpus line ${id} is missing`);
      return m.draft;
    };
    // Emoji before emotes: offsets count code points.
    assertEquals(draft("3695cb46-f70a-4d6f-a71b-159d434c45b5").emotes, ["<3", "<3", "<3"]);
    assertEquals(draft("44f85d39-b5fb-475d-8555-f4244f2f7e82").emotes, ["Kappa", "Kappa"]);
    assertEquals(draft("5e5f526a-5d60-4d81-800b-3b81b8a34c2c").emotes, ["Keepo"]);
    assertEquals(draft("f9c5774b-faa7-4378-b1af-c4e08b532dc2").emotes, [
      "Kappa",
      "Keepo",
      "Kappa",
      "Kappa",
      "Keepo",
      "Keepo",
      ":)",
      ":)",
      ":P",
    ]);
    // Modified-emote id with a suffix.
    assertEquals(draft("21194e0d-f0fa-4a8f-a14f-3cbe89366ad9").emotes, ["pajaM_TK"]);
    // Twitch's known bad offsets must not crash; the ranges are clamped to the text.
    assertEquals(draft("9eb37414-0952-44cc-b177-ad8007088034").emotes?.length, 1);
    assertEquals(draft("744f9c58-b180-4f46-bd9e-b515b5ef75c1").emotes?.length, 1);
    assertEquals(draft("1ec936d3-7853-4113-9984-664ac5c42694").emotes?.length, 1);
    // /me, reply, bits, display names.
    const action = draft("d831d848-b7c7-4559-ae3a-2cb88f4dbfed");
    assertEquals([action.text, action.action], ["-tags", true]);
    assertEquals(draft("5b4f63a9-776f-4fce-bf3c-d9707f52e32d").reply_to, {
      message_id: "6b13e51b-7ecb-43b5-ba5b-2bb5288df696",
      user_name: "retoon",
      user_id: "37940952",
    });
    assertEquals(draft("405c4ccb-7d69-4a57-ac16-292e72ba288b").bits, 5000);
    assertEquals(draft("bdfa278e-11c4-484f-9491-0a61b16fab60").display_name, "테스트계정420");
    assertEquals(draft("bdfa278e-11c4-484f-9491-0a61b16fab60").user_name, "testaccount_420");
  },
});
