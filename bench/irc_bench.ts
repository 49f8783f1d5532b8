/**
 * Parser benchmark: `parseIrcLine`, the Twitch meaning, and the live hot path that reads a
 * PRIVMSG in one pass (`privmsgMeaning`), over 1,000 generated Twitch PRIVMSG lines (tags, emotes
 * with emoji, replies, actions, cheers; about 300 characters on average), beside baselines
 * measured in the same run: `line.split(" ")` and `JSON.parse` of the same fields as a JSON line.
 * Each iteration handles all 1,000 lines, so ms/iter reads as µs/line.
 *
 *   deno bench --allow-read bench/irc_bench.ts
 */
import { parseIrcLine } from "../src/chat/irc.ts";
import { privmsgMeaning, twitchMeaning } from "../src/chat/twitch.ts";
import { FakeChat } from "../tests/support/fake_chat.ts";

const chat = new FakeChat(42);
const start = Date.UTC(2025, 8, 2, 12);
const lines = Array.from(
  { length: 1000 },
  (_, i) => chat.line(`channel_${i % 5}`, start + i * 37).line,
);
// The same content as JSON (what a JSON-lines feed of these messages would hold).
const jsonLines = lines.map((line) => {
  const parsed = parseIrcLine(line);
  if (!parsed.ok) throw new Error(parsed.reason);
  return JSON.stringify({
    tags: Object.fromEntries(parsed.tags.entries()),
    prefix: parsed.prefix,
    command: parsed.command,
    params: parsed.params,
  });
});
const average = lines.reduce((n, l) => n + l.length, 0) / lines.length;
const share = (re: RegExp) =>
  Math.round((100 * lines.filter((l) => re.test(l)).length) / lines.length);
// deno-lint-ignore no-console -- a benchmark prints what it measured over
console.log(
  `1000 lines, ${average.toFixed(0)} chars on average; emotes in ${share(/emotes=\d/)}%, ` +
    `replies ${share(/reply-parent-msg-id/)}%, actions ${
      share(new RegExp(":\u0001ACTION "))
    }%; ms/iter = µs/line`,
);

let sink = 0;

Deno.bench('baseline: line.split(" ")', { group: "line", baseline: true }, () => {
  for (const line of lines) sink += line.split(" ").length;
});

Deno.bench("baseline: JSON.parse of the same line as JSON", { group: "line" }, () => {
  for (const line of jsonLines) sink += (JSON.parse(line) as { params: string[] }).params.length;
});

Deno.bench("parseIrcLine (tags read lazily)", { group: "line" }, () => {
  for (const line of lines) {
    const parsed = parseIrcLine(line);
    if (parsed.ok) sink += parsed.params.length;
  }
});

Deno.bench("parseIrcLine + every tag unescaped into a Map", { group: "line" }, () => {
  for (const line of lines) {
    const parsed = parseIrcLine(line);
    if (parsed.ok) sink += parsed.tags.size;
  }
});

Deno.bench("parseIrcLine + twitchMeaning (full message draft)", { group: "line" }, () => {
  for (const line of lines) {
    const parsed = parseIrcLine(line);
    if (parsed.ok) sink += twitchMeaning(parsed, start) === undefined ? 0 : 1;
  }
});

Deno.bench("privmsgMeaning (the live hot path: full message draft in one pass)", {
  group: "line",
}, () => {
  for (const line of lines) sink += privmsgMeaning(line, start) === undefined ? 0 : 1;
});

addEventListener("unload", () => {
  if (sink === -1) throw new Error("unreachable: keeps the results alive");
});
