/**
 * Test helpers for stored messages: a builder, a fast-check arbitrary of plausible (and
 * awkward) records, and writing them to a data dir's log as the monitor would.
 *
 * @module
 */
import fc from "fast-check";
import type { Message, Signal } from "../../src/schemas.ts";
import { messageLog } from "../../src/store/log/logs.ts";
import { filesUnder } from "./grep_tree.ts";

/** A message with defaults for what a test does not care about. */
export function msg(over: Partial<Message> & { text: string }): Message {
  const m: Message = {
    ts: over.ts ?? "2025-09-02T12:00:00.000Z",
    channel: over.channel ?? "example_channel",
    message_id: over.message_id ?? crypto.randomUUID(),
    user_id: over.user_id ?? null,
    user_name: over.user_name ?? "someuser",
    text: over.text,
    mentions: over.mentions ?? [],
    urls: over.urls ?? [],
    emotes: over.emotes ?? [],
    source: over.source ?? "fixture",
  };
  if (over.display_name !== undefined) m.display_name = over.display_name;
  if (over.signals !== undefined) m.signals = over.signals;
  return m;
}

/** A relationship signal as the analyzer would attach it (a question unless told). */
export function relSignal(
  target: string | null,
  snippet: string,
  type: Signal["type"] = "question",
): Signal {
  return { kind: "relationship", type, target, snippet, confidence: 0.8, rule: "test" };
}

const USERS = ["someuser", "fan88", "mod123", "pixel_fox", "a", "x_1"];
const CHANNELS = ["example_channel", "devchat", "c3"];
const WORDS = [
  "dating",
  "Dating",
  "DATING",
  "sara",
  "stream",
  "speedrun",
  "is",
  "he",
  "still",
  "lol",
  "KEKW",
  "Kappa",
  "@mod",
  "https://example.com/x",
  "www.clips.tv",
  '"quoted"',
  "(paren)",
  "NEAR",
  "a*",
  "ü",
  "Straße",
  "İstanbul",
  "日本語",
  "😀",
  "x",
  "ab",
  "42",
  "'",
  "\\",
  "\u0000",
];

/** A text: words from a small vocabulary (so needles hit), or arbitrary unicode. */
export const textArb: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 8 }).map((w) => w.join(" ")),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);

/** A needle for --contains: pieces of the vocabulary, or arbitrary text. */
export const needleArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...WORDS, "dat", "ating", "at", "a", "SARA", "still dating", '"', "*", "( )"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 4 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 4 }),
).filter((s) => s.trim() !== "");

const BASE = Date.parse("2025-09-02T12:00:00.000Z");

/** A plausible message (timestamps within a few minutes so ties happen). */
export const messageArb: fc.Arbitrary<Message> = fc.record({
  t: fc.integer({ min: 0, max: 60 }),
  channel: fc.constantFrom(...CHANNELS),
  user: fc.constantFrom(...USERS),
  text: textArb,
  mentions: fc.subarray(["mod", "sara", "fan88"]),
  urls: fc.subarray(["https://example.com/x", "www.clips.tv/a", "http://[bad"]),
  emotes: fc.subarray(["Kappa", "KEKW"]),
  userId: fc.option(fc.constantFrom("1", "2"), { nil: null }),
  display: fc.option(fc.constantFrom("SomeUser", "Fan88"), { nil: undefined }),
  signals: fc.option(
    fc.array(
      fc.record({
        target: fc.option(fc.constantFrom("sara", "jessica", "mike"), { nil: null }),
        snippet: fc.constantFrom(
          "is he still dating sara?",
          "does he have a gf",
          "he is with mike",
          "dating sara",
          "gf?",
          "married to jessica",
          "sara and him",
        ),
      }),
      { maxLength: 2 },
    ),
    { nil: undefined },
  ),
}).map((r) => {
  const m = msg({
    ts: new Date(BASE + r.t * 1000).toISOString(),
    channel: r.channel,
    user_name: r.user,
    text: r.text,
    mentions: r.mentions,
    urls: r.urls,
    emotes: r.emotes,
    user_id: r.userId,
  });
  if (r.display !== undefined) m.display_name = r.display;
  if (r.signals !== undefined) m.signals = r.signals.map((s) => relSignal(s.target, s.snippet));
  return m;
});

/**
 * Distinct ids for a list of messages (the log drops repeats): `m0000`, `m0001`... in order, or
 * with `scramble`, ids whose order differs from the log's (ties by id then test more).
 */
export function withIds(messages: Message[], prefix = "m", scramble = false): Message[] {
  return messages.map((m, i) => ({
    ...m,
    message_id: `${prefix}${String(scramble ? (i * 7919) % 10007 : i).padStart(5, "0")}`,
  }));
}

/** Appends messages to a data dir's log in the given batches (as the runner does). */
export async function appendBatches(dataDir: string, batches: Message[][]): Promise<void> {
  const log = messageLog(dataDir);
  for (const b of batches) await log.append(b);
}

/** Splits a list at the given cut points (sorted, deduplicated by the caller or not). */
export function splitAt<T>(items: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(items.length, c))))].sort(
    (a, b) => a - b,
  );
  const out: T[][] = [];
  let prev = 0;
  for (const p of points) {
    out.push(items.slice(prev, p));
    prev = p;
  }
  out.push(items.slice(prev));
  return out.filter((b) => b.length > 0);
}

/** Reads every file under a folder as `relative path -> bytes as text`. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const { path, rel } of filesUnder(dir)) out.set(rel, await Deno.readTextFile(path));
  return out;
}
