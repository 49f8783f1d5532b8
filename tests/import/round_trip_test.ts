/**
 * Round trip: our stored records written as raw Twitch IRC lines (with the tags Twitch sends),
 * imported back through the IRC importer and the same analysis, come out equal.
 */
import { assertEquals } from "../support/assert.ts";
import fc from "fast-check";
import type { Message } from "../../src/schemas.ts";
import type { MessageDraft } from "../../src/chat/source.ts";
import { analyzeMessage } from "../../src/analysis/analyze.ts";
import { parseIrcLogLine } from "../../src/import/irc_log.ts";

const EMOTES = ["Kappa", "LUL", "4Head", "PogChamp", "catJAM"];

/** IRCv3 tag escaping. */
function escapeTag(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\:").replace(/ /g, "\\s")
    .replace(/\r/g, "\\r").replace(/\n/g, "\\n");
}

/** A stored message as the PRIVMSG line Twitch would have sent for it. */
function toIrcLine(m: Message): string {
  const points = Array.from(m.text);
  // Emote ranges in code points, as Twitch's `emotes` tag counts them.
  const ranges = new Map<string, string[]>();
  let searchFrom = 0;
  for (const name of m.emotes) {
    const len = Array.from(name).length;
    for (let i = searchFrom; i + len <= points.length; i++) {
      if (points.slice(i, i + len).join("") === name) {
        ranges.set(name, [...(ranges.get(name) ?? []), `${i}-${i + len - 1}`]);
        searchFrom = i + len;
        break;
      }
    }
  }
  const tags: [string, string][] = [
    ["badges", (m.badges ?? []).join(",")],
    ...(m.bits ? [["bits", String(m.bits)] as [string, string]] : []),
    ["display-name", m.display_name ?? ""],
    [
      "emotes",
      [...ranges].map(([name, r]) => `${EMOTES.indexOf(name) + 1}:${r.join(",")}`).join("/"),
    ],
    ["first-msg", m.first_msg ? "1" : "0"],
    ["id", m.message_id],
    ...(m.reply_to
      ? [
        ["reply-parent-msg-id", m.reply_to.message_id] as [string, string],
        ["reply-parent-user-login", m.reply_to.user_name] as [string, string],
      ]
      : []),
    ["tmi-sent-ts", String(Date.parse(m.ts))],
    ["user-id", m.user_id ?? ""],
  ];
  const body = m.action ? `\x01ACTION ${m.text}\x01` : m.text;
  return `@${tags.map(([k, v]) => `${k}=${escapeTag(v)}`).join(";")} ` +
    `:${m.user_name}!${m.user_name}@${m.user_name}.tmi.twitch.tv PRIVMSG #${m.channel} :${body}`;
}

const login = fc.stringMatching(/^[a-z0-9_]{1,25}$/);
const word = fc.oneof(
  fc.constantFrom(...EMOTES),
  // deno-lint-ignore no-control-regex -- chat text never holds control characters
  fc.stringMatching(/^[^\s\x00-\x1f\x7f]{1,12}$/u),
  fc.constantFrom("👋", "🇫🇷", "é", "@someone", "https://example.org/x", "a;b\\c"),
);
const draft: fc.Arbitrary<MessageDraft> = fc.record({
  // Times a chat can hold: 2007 on, never more than a day ahead of the clock (chat_time.ts).
  ts: fc.integer({ min: Date.UTC(2016, 0, 1), max: Date.UTC(2026, 0, 1) })
    .map((ms) => new Date(ms).toISOString()),
  channel: login,
  message_id: fc.uuid(),
  user_id: fc.option(fc.stringMatching(/^[1-9][0-9]{0,9}$/), { nil: null }),
  user_name: login,
  words: fc.array(word, { maxLength: 12 }),
  // deno-lint-ignore no-control-regex -- display names never hold control characters
  display_name: fc.option(fc.stringMatching(/^[^\x00-\x1f\x7f]{1,25}$/u), { nil: undefined }),
  action: fc.boolean(),
  reply: fc.option(fc.record({ message_id: fc.uuid(), user_name: login }), { nil: undefined }),
  bits: fc.option(fc.integer({ min: 1, max: 100000 }), { nil: undefined }),
  badges: fc.array(fc.stringMatching(/^[a-z_-]{1,12}\/[0-9]{1,4}$/), { maxLength: 3 }),
  first: fc.boolean(),
}).map((g) => {
  const text = g.words.join(" ");
  const d: MessageDraft = {
    ts: g.ts,
    channel: g.channel,
    message_id: g.message_id,
    user_id: g.user_id,
    user_name: g.user_name,
    text,
    emotes: g.words.filter((w) => EMOTES.includes(w)),
    source: "twitch-irc",
  };
  if (g.display_name?.trim()) d.display_name = g.display_name;
  if (g.action) d.action = true;
  if (g.reply) d.reply_to = { message_id: g.reply.message_id, user_name: g.reply.user_name };
  if (g.bits) d.bits = g.bits;
  if (g.badges.length) d.badges = g.badges;
  if (g.first) d.first_msg = true;
  return d;
});

// Without redaction: a redacted record's text no longer holds what was redacted, so its
// `redacted` list cannot come back from the text (redaction is one-way by design).
const ctx = { knownEmotes: new Set(EMOTES), redact: false };

Deno.test("records written as raw IRC and imported back are equal", () => {
  fc.assert(
    fc.property(draft, (d) => {
      const ours = analyzeMessage(d, ctx);
      const line = toIrcLine(ours);
      const back = parseIrcLogLine(line);
      if (back.kind !== "message") throw new Error(`${line}: ${JSON.stringify(back)}`);
      assertEquals(analyzeMessage(back.draft, ctx), { ...ours, source: "import:irc" });
    }),
    { numRuns: 500 },
  );
});
