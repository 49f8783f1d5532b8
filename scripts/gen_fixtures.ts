/**
 * Regenerates the shipped chat fixtures (`deno run -A scripts/gen_fixtures.ts`). The spec's
 * three example lines open example_channel.jsonl; the rest is generated, deterministic.
 */
import { generateChat } from "./chatgen.ts";

const SPEC_LINES = [
  `{"ts":"2025-09-02T12:00:00Z","channel":"example_channel","user_name":"someuser","text":"hey @mod is he still dating sara?"}`,
  `{"ts":"2025-09-02T12:00:03Z","channel":"example_channel","user_name":"mod123","text":"@someuser lol idk"}`,
  `{"ts":"2025-09-02T12:00:05Z","channel":"example_channel","user_name":"fan88","text":"link pls https://example.com"}`,
];

// Hand-written lines that exercise what the generator does not: Twitch emote ranges with an
// emoji before the emote, a reply-like mention, personal data to redact, a subject's phone.
const HAND_LINES = [
  {
    ts: "2025-09-02T12:00:09.250Z",
    channel: "example_channel",
    user_name: "fan88",
    display_name: "Fan88",
    message_id: "7d1b6a52-2c1e-4a8e-9d3c-1f0a2b3c4d5e",
    user_id: "424242",
    text: "👉 Kappa nice one",
    emotes: "25:2-6",
  },
  {
    ts: "2025-09-02T12:00:12Z",
    channel: "example_channel",
    user_name: "mod123",
    text: "@fan88 read the rules, no links without asking",
  },
  {
    ts: "2025-09-02T12:00:20Z",
    channel: "example_channel",
    user_name: "leaky_larry",
    text: "dm me at larry.leaks@mailbox.example or call (415) 555-0188",
  },
  {
    ts: "2025-09-02T12:00:26Z",
    channel: "example_channel",
    user_name: "someuser",
    text: "ok but are they together for real? he was seeing sara at twitchcon",
  },
  {
    ts: "2025-09-02T12:00:31Z",
    channel: "example_channel",
    user_name: "gossip_gal",
    text: "someone said alice@example.com is the manager, or call 202.555.0123",
  },
];

async function write(path: string, lines: string[]) {
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

const example = [...SPEC_LINES, ...HAND_LINES.map((l) => JSON.stringify(l))];
for (
  const l of generateChat({
    seed: 7,
    channels: ["example_channel"],
    users: 60,
    count: 400,
    startMs: Date.parse("2025-09-02T12:00:40Z"),
    meanGapMs: 1500,
    regulars: ["someuser", "mod123", "fan88"],
    relationshipShare: 0.08,
  })
) example.push(JSON.stringify(l));
await write(new URL("../fixtures/chat/example_channel.jsonl", import.meta.url).pathname, example);

const dev: string[] = [];
for (
  const l of generateChat({
    seed: 11,
    channels: ["devchat"],
    users: 40,
    count: 300,
    startMs: Date.parse("2025-09-02T11:58:00Z"),
    meanGapMs: 2000,
    ids: true,
    regulars: ["someuser", "mod123"],
    relationshipShare: 0.08,
  })
) dev.push(JSON.stringify(l));
await write(new URL("../fixtures/chat/devchat.jsonl", import.meta.url).pathname, dev);
