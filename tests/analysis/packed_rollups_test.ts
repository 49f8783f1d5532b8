import assert from "node:assert/strict";
import fc from "fast-check";
import {
  channelProfile,
  decodeChannelState,
  decodeUserState,
  facetsOf,
  foldChannel,
  foldUser,
  loginSpans,
  newChannelState,
  newUserState,
  userProfile,
} from "../../src/analysis/rollups.ts";
import {
  encodePackedChannel,
  encodePackedUser,
  packedChannelProfile,
  packedLoginSpans,
  packedUserProfile,
} from "../../src/analysis/packed_profiles.ts";
import {
  foldPacked,
  Interner,
  newPackedChannel,
  newPackedUser,
  packChannelState,
  PackedFacets,
  packUserState,
  toChannelState,
  toUserState,
} from "../../src/analysis/packed_rollups.ts";
import { personKey } from "../../src/analysis/identity.ts";
import { extractKeywords } from "../../src/analysis/keywords.ts";
import type { Message } from "../../src/schemas.ts";
import { messageArb, msg, withIds } from "../support/messages.ts";

/** Folds `all` plainly and packed (through `names`), by person and by channel. */
function foldBoth(all: readonly Message[], names: Interner) {
  const facets = new PackedFacets(names);
  const plainUsers = new Map<string, ReturnType<typeof newUserState>>();
  const plainChannels = new Map<string, ReturnType<typeof newChannelState>>();
  const users = new Map<string, ReturnType<typeof newPackedUser>>();
  const channels = new Map<string, ReturnType<typeof newPackedChannel>>();
  for (const m of all) {
    const k = personKey(m);
    if (!plainUsers.has(k)) {
      plainUsers.set(k, newUserState(k));
      users.set(k, newPackedUser(k));
    }
    if (!plainChannels.has(m.channel)) {
      plainChannels.set(m.channel, newChannelState(m.channel));
      channels.set(m.channel, newPackedChannel(m.channel));
    }
    const f = facetsOf(m);
    foldUser(plainUsers.get(k)!, m, f);
    foldChannel(plainChannels.get(m.channel)!, m, f);
    foldPacked(users.get(k)!, channels.get(m.channel)!, m, facets.of(m));
  }
  return { plainUsers, plainChannels, users, channels };
}

Deno.test("packed rollups render, encode and convert as the plain ones, for any messages", () => {
  fc.assert(
    fc.property(fc.array(messageArb, { maxLength: 60 }), (raw) => {
      const names = new Interner();
      const { plainUsers, plainChannels, users, channels } = foldBoth(withIds(raw), names);
      for (const [k, plain] of plainUsers) {
        const packed = users.get(k)!;
        assert.deepEqual(toUserState(packed, names), plain);
        assert.equal(
          JSON.stringify(packedUserProfile(packed, names)),
          JSON.stringify(userProfile(plain)),
        );
        assert.deepEqual(packedLoginSpans(packed), loginSpans(plain));
        assert.deepEqual(decodeUserState(encodePackedUser(packed, names)), plain);
        assert.deepEqual(toUserState(packUserState(plain, names), names), plain);
      }
      for (const [c, plain] of plainChannels) {
        const packed = channels.get(c)!;
        assert.deepEqual(toChannelState(packed, names), plain);
        assert.equal(
          JSON.stringify(packedChannelProfile(packed, names)),
          JSON.stringify(channelProfile(plain)),
        );
        assert.deepEqual(decodeChannelState(encodePackedChannel(packed, names)), plain);
        assert.deepEqual(toChannelState(packChannelState(plain, names), names), plain);
      }
    }),
  );
});

Deno.test("packed rollups keep exact counts over many names (the count table grows)", () => {
  const names = new Interner();
  const all: Message[] = [];
  // Digit-only channel names sort as strings in the profile, as in the plain form.
  for (let i = 0; i < 3000; i++) {
    all.push(msg({
      ts: `2025-09-0${1 + (i % 9)}T${String(i % 24).padStart(2, "0")}:00:00.000Z`,
      channel: i % 3 === 0 ? "123" : i % 3 === 1 ? "45" : "chan",
      user_name: `user${i % 7}`,
      user_id: i % 5 === 0 ? null : String(i % 7),
      text: `word${i % 401} word${i % 13} again`,
      mentions: [`friend${i % 97}`],
    }));
  }
  const { plainUsers, plainChannels, users, channels } = foldBoth(withIds(all), names);
  for (const [k, plain] of plainUsers) {
    assert.equal(
      JSON.stringify(packedUserProfile(users.get(k)!, names)),
      JSON.stringify(userProfile(plain)),
    );
    assert.deepEqual(toUserState(users.get(k)!, names), plain);
  }
  for (const [c, plain] of plainChannels) {
    assert.equal(
      JSON.stringify(packedChannelProfile(channels.get(c)!, names)),
      JSON.stringify(channelProfile(plain)),
    );
  }
});

Deno.test("PackedFacets.of() keys the keywords extractKeywords() finds, cache cold or warm", () => {
  // Tokens that take each path of extractKeywords: plain words in any case, stopwords, noise,
  // emotes, mentions, URLs, `:emote:`, digits, non-ASCII words, joined words, markers.
  const piece = fc.constantFrom(
    "Speedrun",
    "speedrun",
    "SPEEDRUN",
    "the",
    "lolll",
    "Kappa",
    "@mod",
    "https://x.tv/a",
    "example.com/x",
    ":smile:",
    "gg2",
    "42",
    "Café",
    "naïve-ish",
    "it’s",
    "some_user",
    "x",
    "[redacted:email]",
    "a[forgotten]b",
    "überlang".repeat(6),
    "wörd,other",
    "\u00a0",
    "\t",
  );
  const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 12 })
    .map((parts) => parts.join(" "));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(text, fc.subarray(["Kappa", "Speedrun", "Café"])), { maxLength: 20 }),
      (texts) => {
        const names = new Interner();
        const facets = new PackedFacets(names);
        for (const [t, emotes] of texts) {
          const m = msg({ text: t, emotes });
          const f = facets.of(m);
          const keys = [...f.keys.subarray(0, f.n)];
          const expected = extractKeywords(t, emotes).map((w) => keyOfWord(names, w));
          assert.deepEqual(keys.slice(0, expected.length), expected);
        }
      },
    ),
  );
});

/** The table key of a keyword (as `keyOf` in `packed_rollups.ts` makes it). */
function keyOfWord(names: Interner, w: string): number {
  return ((names.id(w) + 1) << 3) | 0;
}
