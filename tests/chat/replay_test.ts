import assert from "node:assert/strict";
import { FakeClock } from "../support/fake_clock.ts";
import { sleep } from "../../src/chat/clock.ts";
import fc from "fast-check";
import { join } from "node:path";
import {
  availableFixtureChannels,
  fixturePath,
  isPlainFixtureLine,
  parseFixtureLine,
  type ReplayOptions,
  replaySource,
} from "../../src/chat/replay.ts";
import type { ChatItem, MessageDraft } from "../../src/chat/source.ts";
import { messageIdFor } from "../../src/analysis/message_id.ts";
import { FixtureLine } from "../../src/schemas.ts";
import { FIXTURES, tempDir, writeFixture } from "../support/cli.ts";

const W = "c.jsonl:1";

function draftOf(r: ReturnType<typeof parseFixtureLine>): MessageDraft {
  if (!("draft" in r)) throw new Error(`expected a draft, got ${r.where}: ${r.reason}`);
  return r.draft;
}

function problemOf(r: ReturnType<typeof parseFixtureLine>): string {
  if ("draft" in r) throw new Error("expected a problem, got a draft");
  return `${r.where}: ${r.reason}`;
}

Deno.test("parseFixtureLine() reads the spec's four-field form with a hash id", () => {
  const r = parseFixtureLine(
    '{"ts":"2025-09-02T12:00:00Z","channel":"example_channel","user_name":"someuser","text":"hey @mod"}',
    "example_channel",
    W,
  );
  assert.deepEqual(draftOf(r), {
    ts: "2025-09-02T12:00:00.000Z",
    channel: "example_channel",
    message_id: messageIdFor("example_channel", "2025-09-02T12:00:00.000Z", "someuser", "hey @mod"),
    user_id: null,
    user_name: "someuser",
    text: "hey @mod",
    source: "fixture",
  });
  assert.ok("ms" in r && r.ms === Date.UTC(2025, 8, 2, 12));
});

Deno.test("parseFixtureLine() keeps Twitch's id, user id, display name and emote ranges", () => {
  const d = draftOf(parseFixtureLine(
    JSON.stringify({
      ts: 1756814409250,
      channel: "#Example_Channel",
      user_name: "Fan88",
      display_name: "Fan88",
      message_id: "7d1b6a52-2c1e-4a8e-9d3c-1f0a2b3c4d5e",
      user_id: 424242,
      text: "👉 Kappa nice one",
      emotes: "25:2-6",
    }),
    "example_channel",
    W,
  ));
  assert.equal(d.ts, "2025-09-02T12:00:09.250Z");
  assert.equal(d.channel, "example_channel");
  assert.equal(d.user_name, "fan88");
  assert.equal(d.message_id, "7d1b6a52-2c1e-4a8e-9d3c-1f0a2b3c4d5e");
  assert.equal(d.user_id, "424242");
  assert.equal(d.display_name, "Fan88");
  assert.deepEqual(d.emotes, ["Kappa"]);
});

Deno.test("parseFixtureLine() names the line and field of each problem", () => {
  const base = { ts: "2025-09-02T12:00:00Z", channel: "c", user_name: "u", text: "t" };
  const line = (o: Record<string, unknown>) => JSON.stringify({ ...base, ...o });
  const cases: Array<[string, RegExp]> = [
    ["{not json", /^c\.jsonl:1: bad JSON \(/],
    ["[1,2]", /^c\.jsonl:1: line: /],
    [JSON.stringify({ ts: base.ts, channel: "c", user_name: "u" }), /^c\.jsonl:1: text: /],
    [line({ ts: "yesterday" }), /^c\.jsonl:1: ts: timestamp "yesterday"/],
    [line({ ts: "2025-02-30T00:00:00Z" }), /^c\.jsonl:1: ts: /],
    [line({ ts: true }), /^c\.jsonl:1: ts: /],
    [line({ channel: "other" }), /^c\.jsonl:1: channel: "other" does not match file c/],
    [line({ user_name: "bad name" }), /^c\.jsonl:1: user_name: login "bad name"/],
    [line({ user_name: 7 }), /^c\.jsonl:1: user_name: /],
    [
      line({ text: "x".repeat(2001) }),
      /^c\.jsonl:1: text: text of 2001 characters is longer than 2000/,
    ],
    [line({ message_id: "" }), /^c\.jsonl:1: message_id: /],
    [line({ message_id: "m".repeat(129) }), /^c\.jsonl:1: message_id: /],
    [line({ user_id: true }), /^c\.jsonl:1: user_id: /],
    [line({ emotes: 25 }), /^c\.jsonl:1: emotes: /],
  ];
  for (const [text, want] of cases) {
    const p = problemOf(parseFixtureLine(text, "c", W));
    assert.match(p, want);
    assert.ok(!p.includes("\n"), `multi-line problem: ${p}`);
  }
});

Deno.test("parseFixtureLine() rejects numbers JSON reads as Infinity (1e400)", () => {
  const text =
    '{"ts":"2025-09-02T12:00:00Z","channel":"c","user_name":"u","text":"t","user_id":1e400}';
  assert.equal(FixtureLine.safeParse(JSON.parse(text)).success, false);
  assert.match(problemOf(parseFixtureLine(text, "c", W)), /^c\.jsonl:1: user_id: /);
  assert.match(
    problemOf(parseFixtureLine('{"ts":1e400,"channel":"c","user_name":"u","text":"t"}', "c", W)),
    /^c\.jsonl:1: ts: /,
  );
});

// Values JSON.parse can produce: numbers include ±Infinity ("1e400") but never NaN.
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.string({ minLength: 120, maxLength: 140 }),
  fc.constant(""),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);
Deno.test("isPlainFixtureLine() never accepts what the FixtureLine schema rejects", () => {
  // Mostly well-typed lines with one or two odd values, so the fast path is exercised; numbers
  // include what JSON.parse makes of "1e400" and "-0".
  const mostly = (arb: fc.Arbitrary<unknown>) =>
    fc.oneof({ arbitrary: arb, weight: 4 }, { arbitrary: jsonish, weight: 1 });
  const num = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(Infinity, -Infinity, -0, 1e308));
  const line = fc.record({
    ts: mostly(fc.oneof(fc.string(), num)),
    channel: mostly(fc.string()),
    user_name: mostly(fc.string()),
    text: mostly(fc.string()),
    message_id: mostly(fc.string({ minLength: 1, maxLength: 130 })),
    user_id: mostly(fc.oneof(fc.string(), num, fc.constant(null))),
    display_name: mostly(fc.string()),
    emotes: mostly(fc.string()),
  }, { requiredKeys: ["ts", "channel", "user_name", "text"] });
  let accepted = 0;
  fc.assert(
    fc.property(
      fc.oneof({ arbitrary: line, weight: 9 }, { arbitrary: jsonish, weight: 1 }),
      (value) => {
        if (isPlainFixtureLine(value)) {
          accepted++;
          const r = FixtureLine.safeParse(value);
          assert.ok(r.success, `fast path accepted ${JSON.stringify(value)}: ${r.error?.message}`);
        }
      },
    ),
    { numRuns: 5000 },
  );
  assert.ok(accepted > 100, `the fast path accepted only ${accepted} lines`);
});

Deno.test("isPlainFixtureLine() accepts the usual shapes, so they skip the schema", () => {
  fc.assert(
    fc.property(
      fc.record({
        ts: fc.oneof(fc.string(), fc.integer({ min: 0 })),
        channel: fc.string(),
        user_name: fc.string(),
        text: fc.string(),
        message_id: fc.string({ minLength: 1, maxLength: 128 }),
        user_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        display_name: fc.string(),
        emotes: fc.string(),
      }, { requiredKeys: ["ts", "channel", "user_name", "text"] }),
      (v) => {
        assert.equal(isPlainFixtureLine(v), true);
        assert.equal(FixtureLine.safeParse(v).success, true);
      },
    ),
  );
});

/** A fake clock: sleeping advances it (plus `overshoot` ms, as a busy machine would). */
function fakeClock(overshoot = 0) {
  let t = Date.UTC(2026, 0, 1);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: (ms: number, _signal: AbortSignal) => {
      sleeps.push(ms);
      t += ms + overshoot;
      return Promise.resolve();
    },
  };
}

async function collect(options: ReplayOptions, signal = new AbortController().signal) {
  const items: ChatItem[] = [];
  for await (const item of replaySource(options)(signal)) {
    if (item.kind === "batch") items.push(...item.items);
    else items.push(item);
  }
  return items;
}

const msg = (ch: string, s: number, user = "u", text = `t${s}`) => ({
  ts: new Date(Date.UTC(2025, 8, 2, 12) + s * 1000).toISOString(),
  channel: ch,
  user_name: user,
  text,
});

Deno.test("replaySource() interleaves channels by timestamp", async () => {
  await using dir = await tempDir();
  await writeFixture(dir.path, "alpha", [
    msg("alpha", 0),
    msg("alpha", 2),
    msg("alpha", 2.5),
    msg("alpha", 9),
  ]);
  await writeFixture(dir.path, "beta", [msg("beta", 1), msg("beta", 2), msg("beta", 3)]);
  const items = await collect({ channels: ["alpha", "beta"], fixturesDir: dir.path, speed: 0 });
  const order = items.map((
    i,
  ) => (i.kind === "message" ? `${i.draft.channel}:${i.draft.text}` : i.kind));
  assert.deepEqual(order, [
    "alpha:t0",
    "beta:t1",
    "alpha:t2", // a tie goes to the first channel listed
    "beta:t2",
    "alpha:t2.5",
    "beta:t3",
    "alpha:t9",
  ]);
});

Deno.test("replaySource() reports malformed lines as file:line problems and goes on", async () => {
  await using dir = await tempDir();
  const path = await writeFixture(dir.path, "c", [
    msg("c", 0),
    "{bad json",
    JSON.stringify({ ts: "2025-09-02T12:00:01Z", channel: "c", user_name: "u" }),
    "",
    JSON.stringify({ ...msg("c", 2), ts: "not a time" }),
    msg("c", 3),
  ]);
  // A line of invalid UTF-8 and a 1 MB line, then a good last line without a newline.
  const enc = new TextEncoder();
  const f = await Deno.open(path, { append: true });
  await f.write(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d, 10]));
  await f.write(enc.encode(JSON.stringify({ ...msg("c", 4), text: "x".repeat(1 << 20) }) + "\n"));
  await f.write(enc.encode(JSON.stringify(msg("c", 5))));
  f.close();
  const items = await collect({ channels: ["c"], fixturesDir: dir.path, speed: 0 });
  const problems = items.flatMap((i) => (i.kind === "problem" ? [`${i.where}: ${i.reason}`] : []));
  const texts = items.flatMap((i) => (i.kind === "message" ? [i.draft.text] : []));
  assert.deepEqual(texts, ["t0", "t3", "t5"]);
  assert.equal(problems.length, 5);
  assert.match(problems[0]!, new RegExp(`^${path}:2: bad JSON`));
  assert.match(problems[1]!, new RegExp(`^${path}:3: text: `));
  assert.match(problems[2]!, new RegExp(`^${path}:5: ts: `));
  assert.match(problems[3]!, new RegExp(`^${path}:7: invalid UTF-8$`));
  assert.match(problems[4]!, new RegExp(`^${path}:8: line longer than \\d+ bytes$`));
});

Deno.test("replaySource() reports a missing fixture file and replays the others", async () => {
  await using dir = await tempDir();
  await writeFixture(dir.path, "here", [msg("here", 0)]);
  const items = await collect({ channels: ["gone", "here"], fixturesDir: dir.path, speed: 0 });
  assert.deepEqual(items.map((i) => i.kind), ["problem", "message"]);
  const p = items[0]!;
  assert.ok(p.kind === "problem");
  assert.equal(p.where, fixturePath(dir.path, "gone"));
  assert.equal(p.reason, "no such fixture file");
});

Deno.test("replaySource() paces by the fixture's gaps divided by speed, capped per gap", async () => {
  await using dir = await tempDir();
  // Gaps: 1 s, 0 s, 0.5 s, 60 s (capped), and a step back in time (no wait).
  await writeFixture(dir.path, "c", [
    msg("c", 0),
    msg("c", 1),
    msg("c", 1),
    msg("c", 1.5),
    msg("c", 61.5),
    msg("c", 50),
  ]);
  const at1 = fakeClock();
  await collect({ channels: ["c"], fixturesDir: dir.path, speed: 1, maxGapMs: 3000, ...at1 });
  assert.deepEqual(at1.sleeps, [1000, 500, 3000]);
  const at4 = fakeClock();
  await collect({ channels: ["c"], fixturesDir: dir.path, speed: 4, maxGapMs: 3000, ...at4 });
  assert.deepEqual(at4.sleeps, [250, 125, 3000]);
  const at0 = fakeClock();
  await collect({ channels: ["c"], fixturesDir: dir.path, speed: 0, ...at0 });
  assert.deepEqual(at0.sleeps, [], "speed 0 never sleeps");
});

Deno.test("replaySource() keeps to the schedule when sleeps overshoot", async () => {
  await using dir = await tempDir();
  await writeFixture(dir.path, "c", [msg("c", 0), msg("c", 1), msg("c", 2), msg("c", 3)]);
  const clock = fakeClock(100);
  await collect({ channels: ["c"], fixturesDir: dir.path, speed: 1, ...clock });
  // Each sleep ran 100 ms long: the next one is shortened, so the replay does not drift.
  assert.deepEqual(clock.sleeps, [1000, 900, 900]);
});

Deno.test("replaySource() stops promptly when aborted mid-sleep", async () => {
  await using dir = await tempDir();
  await writeFixture(dir.path, "c", [msg("c", 0), msg("c", 3600), msg("c", 7200)]);
  const controller = new AbortController();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const seen: ChatItem[] = [];
  const replay = (async () => {
    // The clock's sleep: a one-hour gap capped at 10 s, cut short by the abort.
    for await (
      const item of replaySource({
        channels: ["c"],
        fixturesDir: dir.path,
        speed: 1,
        maxGapMs: 10_000,
        now: () => clock.now(),
        sleep: (ms, signal) => sleep(clock, ms, signal),
      })(controller.signal)
    ) {
      if (item.kind === "batch") seen.push(...item.items);
      else seen.push(item);
    }
  })();
  await clock.waitForTimer((ms) => ms === 10_000);
  controller.abort();
  await replay; // ends without the clock moving at all
  assert.equal(seen.length, 1);
  assert.deepEqual(clock.pending, [], "the sleep's timer was cancelled");
});

Deno.test("replaySource() plays fixture time divided by the speed", async () => {
  await using dir = await tempDir();
  // 2 s of fixture time at speed 20: 100 ms of sleeping, in 20 steps.
  await writeFixture(dir.path, "c", Array.from({ length: 21 }, (_, i) => msg("c", i / 10)));
  const clock = fakeClock();
  const items = await collect({ channels: ["c"], fixturesDir: dir.path, speed: 20, ...clock });
  assert.equal(items.length, 21);
  assert.equal(clock.sleeps.length, 20);
  assert.ok(Math.abs(clock.sleeps.reduce((a, b) => a + b, 0) - 100) < 1e-6);
});

Deno.test("replaySource() gives the same ids when the same fixture is replayed", async () => {
  await using dir = await tempDir();
  await writeFixture(dir.path, "c", [
    msg("c", 0),
    msg("c", 1, "v", "same text"),
    msg("c", 1, "w", "same text"),
  ]);
  const ids = async () =>
    (await collect({ channels: ["c"], fixturesDir: dir.path, speed: 0 })).flatMap((i) =>
      i.kind === "message" ? [i.draft.message_id] : []
    );
  const first = await ids();
  assert.equal(new Set(first).size, 3);
  assert.deepEqual(await ids(), first);
});

Deno.test("the shipped fixtures replay without a single problem", async () => {
  const channels = await availableFixtureChannels(FIXTURES);
  assert.ok(channels.includes("example_channel") && channels.includes("devchat"), channels.join());
  const items = await collect({ channels, fixturesDir: FIXTURES, speed: 0 });
  const problems = items.filter((i) => i.kind === "problem");
  assert.deepEqual(problems, []);
  const messages = items.flatMap((i) => (i.kind === "message" ? [i.draft] : []));
  assert.ok(messages.length >= 300, `only ${messages.length} messages`);
  assert.equal(new Set(messages.map((m) => m.message_id)).size, messages.length);
  const sorted = messages.map((m) => m.ts);
  assert.deepEqual(sorted, [...sorted].sort(), "interleaved by timestamp");
  // The spec's three lines open example_channel.jsonl.
  const lines = (await Deno.readTextFile(join(FIXTURES, "chat", "example_channel.jsonl"))).split(
    "\n",
  );
  assert.deepEqual(lines.slice(0, 3).map((l) => JSON.parse(l)), [
    {
      ts: "2025-09-02T12:00:00Z",
      channel: "example_channel",
      user_name: "someuser",
      text: "hey @mod is he still dating sara?",
    },
    {
      ts: "2025-09-02T12:00:03Z",
      channel: "example_channel",
      user_name: "mod123",
      text: "@someuser lol idk",
    },
    {
      ts: "2025-09-02T12:00:05Z",
      channel: "example_channel",
      user_name: "fan88",
      text: "link pls https://example.com",
    },
  ]);
  // And some line carries Twitch emote ranges after an emoji.
  assert.ok(
    messages.some((m) => m.emotes?.includes("Kappa") && /^\p{Extended_Pictographic}/u.test(m.text)),
  );
});

Deno.test("availableFixtureChannels() lists .jsonl files, sorted, and none for a missing dir", async () => {
  await using dir = await tempDir();
  assert.deepEqual(await availableFixtureChannels(dir.path), []);
  await writeFixture(dir.path, "zeta", [msg("zeta", 0)]);
  await writeFixture(dir.path, "alpha", [msg("alpha", 0)]);
  await Deno.writeTextFile(join(dir.path, "chat", "notes.txt"), "");
  assert.deepEqual(await availableFixtureChannels(dir.path), ["alpha", "zeta"]);
});
