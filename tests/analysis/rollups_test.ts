import assert from "node:assert/strict";
import fc from "fast-check";
import {
  channelProfile,
  type ChannelState,
  decodeChannelState,
  decodeUserState,
  encodeChannelState,
  encodeUserState,
  facetsOf,
  foldChannel,
  foldUser,
  MAX_EVIDENCE,
  newChannelState,
  newUserState,
  topCounted,
  userProfile,
  type UserState,
} from "../../src/analysis/rollups.ts";
import { ChannelProfile, type Message, UserProfile } from "../../src/schemas.ts";
import { messageArb, msg, relSignal, withIds } from "../support/messages.ts";

function rollUser(ms: Message[], name = "someuser"): UserState {
  const s = newUserState(name);
  for (const m of ms) if (m.user_name === name) foldUser(s, m, facetsOf(m));
  return s;
}

function rollChannel(ms: Message[], name = "example_channel"): ChannelState {
  const s = newChannelState(name);
  for (const m of ms) if (m.channel === name) foldChannel(s, m, facetsOf(m));
  return s;
}

Deno.test("userProfile() reports counts, channels, seen times, activity and top lists", () => {
  const ms = [
    msg({ ts: "2025-09-02T12:00:00.000Z", text: "speedrun tonight", mentions: ["mod"] }),
    msg({
      ts: "2025-09-02T13:30:00.000Z",
      channel: "devchat",
      text: "speedrun route https://www.Example.com/a Kappa",
      urls: ["https://www.Example.com/a"],
      emotes: ["Kappa"],
      user_id: "42",
      display_name: "SomeUser",
    }),
    msg({ ts: "2025-09-01T23:59:59.999Z", text: "route route", user_id: "41" }),
  ];
  const p = userProfile(rollUser(ms));
  assert.equal(p.message_count, 3);
  assert.equal(p.user_id, "42"); // the latest non-null id
  assert.equal(p.display_name, "SomeUser");
  assert.deepEqual(p.channels_participated, ["devchat", "example_channel"]);
  assert.deepEqual(p.per_channel, { devchat: 1, example_channel: 2 });
  assert.equal(p.first_seen, "2025-09-01T23:59:59.999Z");
  assert.equal(p.last_seen, "2025-09-02T13:30:00.000Z");
  // route 3, speedrun 2: count first; ties by name
  assert.deepEqual(p.keyword_counts.slice(0, 2), [{ name: "route", count: 3 }, {
    name: "speedrun",
    count: 2,
  }]);
  assert.deepEqual(p.top_keywords.slice(0, 3), ["route", "speedrun", "tonight"]);
  assert.deepEqual(p.top_mentions, [{ name: "mod", count: 1 }]);
  assert.deepEqual(p.top_emotes, [{ name: "Kappa", count: 1 }]);
  assert.deepEqual(p.url_domains, [{ name: "example.com", count: 1 }]);
  assert.equal(p.activity.by_hour[12], 1);
  assert.equal(p.activity.by_hour[13], 1);
  assert.equal(p.activity.by_hour[23], 1);
  assert.deepEqual(p.activity.by_day, { "2025-09-01": 1, "2025-09-02": 2 });
  assert.deepEqual(p.facts, {
    asked_about_streamer_relationship: false,
    suspected_relationship_targets: [],
    evidence: [],
  });
  UserProfile.parse(p);
});

Deno.test("userProfile() facts come from relationship signals, with evidence newest first", () => {
  const ms = withIds([
    msg({
      ts: "2025-09-02T12:00:00.000Z",
      text: "does he have a gf",
      signals: [relSignal(null, "does he have a gf")],
    }),
    msg({
      ts: "2025-09-02T12:01:00.000Z",
      text: "is he still dating sara?",
      signals: [relSignal("sara", "still dating sara")],
    }),
    msg({
      ts: "2025-09-02T12:02:00.000Z",
      text: "or mike",
      signals: [relSignal("mike", "or mike"), relSignal("sara", "x")],
    }),
    msg({
      ts: "2025-09-02T12:03:00.000Z",
      text: "dating sara",
      signals: [relSignal("sara", "dating sara")],
    }),
  ]);
  const f = userProfile(rollUser(ms)).facts;
  assert.equal(f.asked_about_streamer_relationship, true);
  assert.deepEqual(f.suspected_relationship_targets, ["sara", "mike"]);
  assert.deepEqual(f.evidence.map((e) => e.snippet), [
    "dating sara",
    "or mike", // one evidence item per message
    "still dating sara",
    "does he have a gf",
  ]);
  assert.deepEqual(f.evidence[0], {
    ts: "2025-09-02T12:03:00.000Z",
    channel: "example_channel",
    message_id: "m00003",
    snippet: "dating sara",
  });
});

Deno.test("userProfile() keeps only the latest MAX_EVIDENCE evidence items", () => {
  const ms = withIds(Array.from({ length: MAX_EVIDENCE + 5 }, (_, i) =>
    msg({
      ts: new Date(Date.UTC(2025, 8, 2, 12, i)).toISOString(),
      text: "dating sara",
      signals: [relSignal("sara", `s${i}`)],
    })));
  const ev = userProfile(rollUser(ms)).facts.evidence;
  assert.equal(ev.length, MAX_EVIDENCE);
  assert.equal(ev[0]!.snippet, `s${MAX_EVIDENCE + 4}`);
});

Deno.test("channelProfile() counts users and relationship mentions per target, sorted by count", () => {
  const ms = withIds([
    msg({ user_name: "a1", text: "x", signals: [relSignal("sara", "dating sara")] }),
    msg({
      user_name: "a2",
      ts: "2025-09-02T12:05:00.000Z",
      text: "x",
      signals: [relSignal("sara", "dating sara")],
    }),
    msg({
      user_name: "a1",
      ts: "2025-09-02T12:06:00.000Z",
      text: "x",
      signals: [relSignal("sara", "with sara now")],
    }),
    msg({
      user_name: "a3",
      text: "x",
      signals: [relSignal("mike", "dating mike"), relSignal(null, "gf?")],
    }),
    msg({ user_name: "a3", channel: "devchat", text: "x", signals: [relSignal("zed", "zed")] }),
  ]);
  const p = channelProfile(rollChannel(ms));
  assert.equal(p.message_count, 4);
  assert.equal(p.unique_users, 3);
  assert.deepEqual(p.top_users, ["a1", "a2", "a3"]); // a2 and a3 tie at 1: by name
  assert.deepEqual(p.streamer_signals.relationship_mentions, [
    {
      target: "sara",
      evidence_count: 3,
      distinct_users: 2,
      first_seen: "2025-09-02T12:00:00.000Z",
      last_seen: "2025-09-02T12:06:00.000Z",
      examples: ["with sara now", "dating sara"], // distinct snippets, latest first
    },
    {
      target: "mike",
      evidence_count: 1,
      distinct_users: 1,
      first_seen: "2025-09-02T12:00:00.000Z",
      last_seen: "2025-09-02T12:00:00.000Z",
      examples: ["dating mike"],
    },
  ]);
  ChannelProfile.parse(p);
});

Deno.test("topCounted() breaks count ties by name, deterministically", () => {
  assert.deepEqual(topCounted(new Map([["b", 2], ["a", 2], ["c", 3], ["d", 1]]), 3), [
    { name: "c", count: 3 },
    { name: "a", count: 2 },
    { name: "b", count: 2 },
  ]);
});

const usersOf = (ms: Message[]) => [...new Set(ms.map((m) => m.user_name))];
const channelsOf = (ms: Message[]) => [...new Set(ms.map((m) => m.channel))];

Deno.test("profiles do not depend on the order messages are folded in", () => {
  fc.assert(
    fc.property(
      fc.array(messageArb, { maxLength: 40 }).map((ms) => withIds(ms)),
      fc.integer(),
      (ms, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(ms, { minLength: ms.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        for (const u of usersOf(ms)) {
          assert.equal(
            JSON.stringify(userProfile(rollUser(ms, u))),
            JSON.stringify(userProfile(rollUser(shuffled, u))),
          );
        }
        for (const c of channelsOf(ms)) {
          assert.equal(
            JSON.stringify(channelProfile(rollChannel(ms, c))),
            JSON.stringify(channelProfile(rollChannel(shuffled, c))),
          );
        }
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("encoded rollups decode to states that keep folding to the same profiles", () => {
  fc.assert(
    fc.property(
      fc.array(messageArb, { maxLength: 30 }).map((ms) => withIds(ms)),
      fc.nat(),
      (ms, cutRaw) => {
        const cut = ms.length ? cutRaw % (ms.length + 1) : 0;
        for (const u of usersOf(ms)) {
          const whole = rollUser(ms, u);
          const part = decodeUserState(encodeUserState(rollUser(ms.slice(0, cut), u)));
          for (const m of ms.slice(cut)) if (m.user_name === u) foldUser(part, m, facetsOf(m));
          assert.equal(JSON.stringify(userProfile(part)), JSON.stringify(userProfile(whole)));
          UserProfile.parse(userProfile(whole));
        }
        for (const c of channelsOf(ms.slice(0, cut))) {
          const whole = rollChannel(ms, c);
          const part = decodeChannelState(encodeChannelState(rollChannel(ms.slice(0, cut), c)));
          for (const m of ms.slice(cut)) if (m.channel === c) foldChannel(part, m, facetsOf(m));
          assert.equal(JSON.stringify(channelProfile(part)), JSON.stringify(channelProfile(whole)));
          ChannelProfile.parse(channelProfile(whole));
        }
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("userProfile() asked is true only for a question; a claim is evidence and a target", () => {
  const claim = withIds([
    msg({
      ts: "2025-09-02T12:00:00.000Z",
      text: "i think he's dating jessica now",
      signals: [relSignal("jessica", "dating jessica now", "claim")],
    }),
  ]);
  const f = userProfile(rollUser(claim)).facts;
  assert.equal(f.asked_about_streamer_relationship, false);
  assert.deepEqual(f.suspected_relationship_targets, ["jessica"]);
  assert.deepEqual(f.evidence.map((e) => e.snippet), ["dating jessica now"]);
  const asked = withIds([
    ...claim,
    msg({
      ts: "2025-09-02T12:01:00.000Z",
      text: "is he dating jessica?",
      signals: [relSignal("jessica", "is he dating jessica?")],
    }),
  ]);
  assert.equal(userProfile(rollUser(asked)).facts.asked_about_streamer_relationship, true);
});
