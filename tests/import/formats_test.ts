/**
 * Each format read from its hand-written sample in tests/data/import/ (written from each tool's
 * own source: TwitchDownloader's ChatRoot, chat-downloader's Twitch remapping, justlog's and
 * rustlog's answers, Chatterino's LoggingChannel, Twitch's IRC tags). The samples tell one
 * short stream of channel example_streamer, so the same messages can be compared across them.
 */
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { join } from "node:path";
import { REPO } from "../support/cli.ts";
import type { ChatItem, MessageDraft } from "../../src/chat/source.ts";
import type { ChatEvent } from "../../src/schemas.ts";
import { InputError } from "../../src/errors.ts";
import { importSource, planImport } from "../../src/import/import_source.ts";
import { newImportStats } from "../../src/import/outcome.ts";
import { parseChatterinoLine } from "../../src/import/chatterino.ts";
import { parseJustlogTextLine } from "../../src/import/justlog.ts";

const DATA = join(REPO, "tests", "data", "import");
const TD = join(DATA, "vod_2001234567.twitchdownloader.json");
const CD = join(DATA, "chat_downloader.json");
const IRC = join(DATA, "capture.irc.txt");
const JL = join(DATA, "justlog_answer.json");
const JLT = join(DATA, "justlog_answer.txt");
const CHATTERINO = join(
  DATA,
  "Chatterino/Twitch/Channels/example_streamer/example_streamer-2024-03-10.log",
);
const id = (n: number) => `1b2c3d4e-0000-4000-8000-00000000000${n}`;

interface Read {
  messages: MessageDraft[];
  events: ChatEvent[];
  problems: string[];
  skipped: number;
}

async function read(paths: string[], channel?: string): Promise<Read> {
  const stats = newImportStats();
  const files = await planImport(paths);
  const source = importSource(files, { ...(channel ? { channel } : {}), stats });
  const out: Read = { messages: [], events: [], problems: [], skipped: 0 };
  for await (const got of source(new AbortController().signal)) {
    // Sources hand items over one by one or in batches.
    for (const item of got.kind === "batch" ? got.items : [got] as ChatItem[]) {
      if (item.kind === "message") out.messages.push(item.draft);
      else if (item.kind === "event") out.events.push(item.event);
      else if (item.kind === "problem") out.problems.push(`${item.where}: ${item.reason}`);
    }
  }
  out.skipped = stats.skipped;
  return out;
}

const byId = (r: Read) => new Map(r.messages.map((m) => [m.message_id, m]));

Deno.test("TwitchDownloader: ids, times, emotes from fragments and ranges, badges, bits, /me", async () => {
  const r = await read([TD]);
  const m = byId(r);
  assertEquals(m.get(id(1)), {
    ts: "2024-03-10T18:00:01.250Z",
    channel: "example_streamer",
    message_id: id(1),
    user_id: "1001",
    user_name: "pixel_fox",
    text: "hello chat Kappa",
    source: "import:twitchdownloader",
    emotes: ["Kappa"],
    display_name: "Pixel_Fox",
    badges: ["subscriber/12", "premium/1"],
  });
  // Seven-digit fractions are cut to milliseconds; a CJK display name is kept as it is.
  assertEquals(m.get(id(2))?.ts, "2024-03-10T18:00:02.500Z");
  assertEquals(m.get(id(2))?.display_name, "小猫");
  assertEquals(m.get(id(2))?.emotes, ["LUL"]);
  const three = m.get(id(3))!;
  assertEquals([three.action, three.bits, three.text], [true, 100, "dances Cheer100"]);
  // A one-letter login, and the older files' emote ranges (code points into the body).
  assertEquals([m.get(id(6))?.user_name, m.get(id(6))?.emotes], ["x", ["4Head"]]);
  assertEquals(r.problems.length, 1);
  assert(r.problems[0]!.includes(":record 5: created_at"), r.problems[0]);
});

Deno.test("chat-downloader: microseconds truncated, replies, first message, events", async () => {
  const r = await read([CD], "example_streamer");
  const m = byId(r);
  assertEquals(m.get(id(1))?.ts, "2024-03-10T18:00:01.250Z");
  assertEquals(m.get(id(1))?.badges, ["subscriber/12", "premium/1"]);
  const two = m.get(id(2))!;
  assertEquals(two.reply_to, { message_id: id(1), user_name: "pixel_fox" });
  assertEquals([two.first_msg, two.emotes, two.ts], [true, ["LUL"], "2024-03-10T18:00:02.500Z"]);
  const live = m.get(id(7))!;
  assertEquals([live.action, live.bits, live.text], [true, 50, "a live /me from chat-downloader"]);
  assertEquals(r.events.map((e) => e.kind), ["clearmsg", "clearchat"]);
  const del = r.events[0]!;
  assert(del.kind === "clearmsg" && del.target_message_id === id(4));
  const ban = r.events[1]!;
  assert(
    ban.kind === "clearchat" && ban.user_name === "salty_crab" && ban.duration_seconds === 600,
  );
  assertEquals(r.skipped, 1); // the room_state item
  assertEquals(r.problems.length, 2);
});

Deno.test("chat-downloader: without --channel the file is refused with the reason", async () => {
  const e = await assertRejects(() => read([CD]), InputError);
  assert(e.message.includes("do not name the channel: pass --channel"), e.message);
});

Deno.test("raw IRC: messages and events as live chat reads them; server chatter skipped", async () => {
  const r = await read([IRC]);
  const m = byId(r);
  const one = m.get(id(1))!;
  assertEquals(one.source, "import:irc");
  assertEquals([one.ts, one.emotes, one.badges], [
    "2024-03-10T18:00:01.250Z",
    ["Kappa"],
    ["subscriber/12", "premium/1"],
  ]);
  // An emoji before the emote counts as one position.
  assertEquals(m.get(id(2))?.emotes, ["LUL"]);
  assertEquals(m.get(id(2))?.reply_to, {
    message_id: id(1),
    user_name: "pixel_fox",
    user_id: "1001",
  });
  assertEquals(m.get(id(3))?.action, true);
  // Odd case in the prefix and the channel: logins are lowercased.
  assertEquals([m.get(id(5))?.user_name, m.get(id(5))?.channel], [
    "mega_ninja",
    "example_streamer",
  ]);
  assertEquals(r.events.map((e) => e.kind), ["clearmsg", "clearchat", "usernotice"]);
  assert(r.events.every((e) => e.source === "import:irc"));
  assertEquals(r.skipped, 6); // 001, CAP, JOIN, ROOMSTATE, PING, RECONNECT
  assertEquals(r.problems.map((p) => p.replace(/^.*capture\.irc\.txt:/, "")), [
    "14: not an IRC line (no tags, no prefix, no known command)",
    "15: no tmi-sent-ts tag: the time of the message is unknown",
    '16: PRIVMSG to an invalid channel "#bad-channel!"',
  ]);
});

Deno.test("raw IRC: a gzip capture reads the same as the plain one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const gz = join(dir, "channel.txt.gz");
    const file = await Deno.open(IRC);
    await Deno.writeFile(gz, file.readable.pipeThrough(new CompressionStream("gzip")));
    const plain = await read([IRC]);
    const zipped = await read([gz]);
    assertEquals(zipped.messages, plain.messages);
    assertEquals(zipped.events, plain.events);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("justlog JSON: the raw line when there is one, the fields otherwise", async () => {
  const r = await read([JL]);
  const m = byId(r);
  const one = m.get(id(1))!;
  assertEquals([one.source, one.emotes, one.user_id], ["import:justlog", ["Kappa"], "1001"]);
  const bard = m.get("9f9f9f9f-0000-4000-8000-000000000012")!;
  assertEquals(bard, {
    ts: "2024-03-10T18:00:12.345Z",
    channel: "example_streamer",
    message_id: "9f9f9f9f-0000-4000-8000-000000000012",
    user_id: "1012",
    user_name: "quiet_bard",
    text: "no raw line here, fields only",
    source: "import:justlog",
    emotes: [],
    display_name: "Quiet_Bard",
    badges: ["vip/1"],
  });
  assertEquals(r.events.map((e) => e.kind), ["clearchat"]);
});

Deno.test("justlog text: messages with hash ids; lines without a user are skipped", async () => {
  const r = await read([JLT]);
  assertEquals(r.messages.map((m) => [m.ts, m.user_name, m.text]), [
    ["2024-03-10T18:00:01.000Z", "pixel_fox", "hello chat Kappa"],
    ["2024-03-10T18:00:13.000Z", "frost_viper", "time: 18:00, all good: yes"],
  ]);
  assert(r.messages.every((m) => m.message_id.startsWith("h_")));
  assertEquals(r.skipped, 1);
  assertEquals(parseJustlogTextLine("garbage").kind, "problem");
});

Deno.test("Chatterino: channel from the path, date from the header, localized names", async () => {
  const r = await read([CHATTERINO]);
  assertEquals(r.messages.map((m) => [m.ts, m.user_name, m.display_name ?? null, m.text]), [
    ["2024-03-10T18:00:01.000Z", "pixel_fox", null, "hello chat Kappa"],
    ["2024-03-10T18:00:02.000Z", "cozy_owl", "小猫", "@pixel_fox hi 👋 LUL"],
    ["2024-03-10T18:00:14.000Z", "rapid_pilot", null, "check https://example.org/page, it's great"],
  ]);
  assert(r.messages.every((m) => m.channel === "example_streamer"));
  assertEquals(r.skipped, 4); // start, deletion notice, timeout notice, stop
  assertEquals(r.problems.length, 1);
  const again = await read([CHATTERINO]);
  assertEquals(again.messages.map((m) => m.message_id), r.messages.map((m) => m.message_id));
});

Deno.test("Chatterino: a stream log past midnight moves to the next day; an offset shifts to UTC", () => {
  const day = { dayMs: undefined as number | undefined, lastMs: 0 };
  parseChatterinoLine("# Start logging at 2024-03-10 23:59:00 CET", day, "c", 60);
  const late = parseChatterinoLine("[23:59:30] ann: late", day, "c", 60);
  const early = parseChatterinoLine("[00:00:10] ann: early", day, "c", 60);
  assert(late.kind === "message" && early.kind === "message");
  assertEquals([late.draft.ts, early.draft.ts], [
    "2024-03-10T22:59:30.000Z",
    "2024-03-10T23:00:10.000Z",
  ]);
});

Deno.test("overlaps: one Twitch message reads the same from every format that carries its id", async () => {
  const fields = (d: MessageDraft | undefined) => {
    assert(d !== undefined);
    const { source: _source, ...rest } = d;
    // Only IRC carries the reply parent's user id (reply-parent-user-id).
    if (rest.reply_to) rest.reply_to = { ...rest.reply_to, user_id: undefined };
    return JSON.parse(JSON.stringify(rest));
  };
  const td = byId(await read([TD])).get(id(1));
  const cd = byId(await read([CD], "example_streamer")).get(id(1));
  const irc = byId(await read([IRC])).get(id(1));
  const jl = byId(await read([JL])).get(id(1));
  assertEquals(fields(cd), fields(td));
  assertEquals(fields(irc), fields(td));
  assertEquals(fields(jl), fields(td));
  // The reply, read from chat-downloader and IRC (TwitchDownloader does not keep replies).
  const cd2 = byId(await read([CD], "example_streamer")).get(id(2));
  const irc2 = byId(await read([IRC])).get(id(2));
  assertEquals(fields(cd2), fields(irc2));
});

Deno.test("--channel must agree with the channel a file names", async () => {
  const e = await assertRejects(() => read([TD], "other_channel"), InputError);
  assert(e.message.includes('says channel "example_streamer"'), e.message);
  const irc = await assertRejects(() => read([IRC], "other_channel"), InputError);
  assert(irc.message.includes("capture.irc.txt:5"), irc.message);
});

Deno.test("a truncated JSON file and a corrupt gzip file are reported; the other files are read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const whole = await Deno.readTextFile(TD);
    const cut = join(dir, "a_cut.json");
    await Deno.writeTextFile(cut, whole.slice(0, whole.indexOf('"_id": "broken-1"')));
    // A gzip capture whose end (the checksum) is missing, as a copy cut short leaves it.
    const gz = join(dir, "b_cut.txt.gz");
    const file = await Deno.open(IRC);
    await Deno.writeFile(gz, file.readable.pipeThrough(new CompressionStream("gzip")));
    const bytes = await Deno.readFile(gz);
    await Deno.writeFile(gz, bytes.subarray(0, bytes.length - 6));
    const r = await read([cut, gz, IRC]);
    // Problems of whole files (without a line number).
    assertEquals(r.problems.filter((p) => !/:\d+: /.test(p) && !p.includes(":record ")), [
      `${cut}: the text ends inside the "comments" array`,
      `${gz}: corrupt gzip stream does not have a matching checksum`,
    ]);
    // The four whole comments before the cut, and the whole IRC capture after the bad file.
    assertEquals(r.messages.filter((m) => m.source === "import:twitchdownloader").length, 4);
    const irc = r.messages.filter((m) => m.source === "import:irc").map((m) => m.message_id);
    assertEquals(irc.slice(-5), (await read([IRC])).messages.map((m) => m.message_id));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("importSource(): a truncated JSON file and a corrupt gzip file are problems; the next file is read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const whole = await Deno.readTextFile(TD);
    const cut = join(dir, "a_cut.json");
    await Deno.writeTextFile(cut, whole.slice(0, whole.indexOf('"_id": "broken-1"')));
    const gz = join(dir, "b_cut.txt.gz");
    const file = await Deno.open(IRC);
    await Deno.writeFile(gz, file.readable.pipeThrough(new CompressionStream("gzip")));
    const bytes = await Deno.readFile(gz);
    await Deno.writeFile(gz, bytes.subarray(0, bytes.length - 6));
    const got = await read([cut, gz, IRC]);
    assert(
      got.problems.some((p) => p.endsWith("corrupt gzip stream does not have a matching checksum")),
      got.problems.join("\n"),
    );
    // The IRC file after the two broken ones is read whole.
    const irc = await read([IRC]);
    assertEquals(got.messages.slice(-irc.messages.length), irc.messages);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Chatterino: logs in the Whispers and Mentions folders are skipped, not imported", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const folder of ["Whispers", "Mentions"]) {
      await Deno.mkdir(join(dir, "Twitch", folder), { recursive: true });
      await Deno.writeTextFile(
        join(dir, "Twitch", folder, `${folder.toLowerCase()}-2024-03-10.log`),
        "# Start logging at 2024-03-10 17:59:00 UTC\n[18:00:01] pixel_fox: a private word\n",
      );
    }
    const r = await read([dir], "example_streamer");
    assertEquals([r.messages.length, r.problems.length, r.skipped], [0, 0, 4]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
