/**
 * The reader of TwitchDownloader's own comment layout against `JSON.parse`: whatever it accepts
 * is valid JSON and becomes the same outcome, and it accepts TwitchDownloader's layout however
 * odd the values in it.
 */
import { assert, assertEquals } from "../support/assert.ts";
import fc from "fast-check";
import { join } from "node:path";
import { REPO } from "../support/cli.ts";
import { readLaidOutComment } from "../../src/import/twitchdownloader_comment.ts";
import {
  commentOutcome,
  parseTwitchDownloaderComment,
  readTwitchDownloaderFile,
} from "../../src/import/twitchdownloader.ts";
import type { CommentFields } from "../../src/import/twitchdownloader_comment.ts";
import { ChannelRule, type Outcome } from "../../src/import/outcome.ts";

/** Any text: every code point, control characters and lone surrogates included. */
const anyText = fc.string({ unit: "binary", maxLength: 12 });
const text = fc.oneof(anyText, fc.constantFrom("", "Kappa", " ", 'a"b\\c', "小猫 👋"));
const orNull = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const login = fc.oneof(fc.constantFrom("ann", "Bob_1", "", "x".repeat(26)), anyText);
const time = fc.oneof(
  fc.integer({ min: 0, max: 4102444800000 }).map((ms) => new Date(ms).toISOString()),
  fc.constantFrom("2024-03-10T18:00:01.25Z", "2024-03-10T18:00:02.5000000Z", "2025-02-29T00:00Z"),
  anyText,
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** A comment with TwitchDownloader's members in its order (optional ones present or not). */
const comment = fc.record({
  _id: text,
  created_at: time,
  updated_at: fc.option(orNull(time), { nil: undefined }),
  channel_id: orNull(text),
  content_type: orNull(text),
  content_id: orNull(text),
  content_offset_seconds: number,
  commenter: fc.record({
    display_name: orNull(login),
    _id: orNull(text),
    name: orNull(login),
    type: orNull(text),
    bio: orNull(text),
    created_at: orNull(time),
    updated_at: orNull(time),
    logo: orNull(text),
  }),
  source: orNull(text),
  state: orNull(text),
  message: fc.record({
    body: text,
    bits_spent: fc.oneof(fc.integer({ min: -5, max: 1000 }), number),
    fragments: orNull(fc.array(
      fc.record({
        text: orNull(text),
        emoticon: orNull(fc.oneof(
          fc.record({ emoticon_id: orNull(text), emoticon_set_id: orNull(text) }),
          fc.record({ emoticon_id: orNull(text) }),
        )),
      }),
      { maxLength: 4 },
    )),
    is_action: fc.boolean(),
    user_badges: orNull(
      fc.array(fc.record({ _id: orNull(text), version: orNull(text) }), { maxLength: 3 }),
    ),
    user_color: orNull(text),
    user_notice_params: fc.option(orNull(fc.record({ msg_id: orNull(text) })), {
      nil: undefined,
    }),
    emoticons: orNull(fc.array(
      fc.record({
        _id: orNull(text),
        begin: fc.integer({ min: -1, max: 12 }),
        end: fc.integer({ min: -1, max: 12 }),
      }),
      { maxLength: 3 },
    )),
  }),
  more_replies: fc.option(fc.boolean(), { nil: undefined }),
}).map((c) => JSON.stringify(c)); // members left undefined are left out, as in older files

/** The outcome of the comment at `at` of `s` as the import reads it, through the layout reader. */
function viaReader(s: string, at: number): { outcome: Outcome; end: number } | undefined {
  const read = readLaidOutComment(s, at);
  if (read === undefined) return undefined;
  return { outcome: commentOutcome(read.value as CommentFields, "chan"), end: read.end };
}

Deno.test("readLaidOutComment() reads every comment in TwitchDownloader's layout as JSON.parse does", () => {
  fc.assert(
    fc.property(comment, fc.constantFrom("", "[", '{"comments":['), (c, before) => {
      const got = viaReader(`${before}${c},`, before.length);
      assert(got !== undefined, `not read: ${c}`);
      assertEquals(got.end, before.length + c.length);
      assertEquals(got.outcome, parseTwitchDownloaderComment(JSON.parse(c), "chan"));
    }),
    { numRuns: 500 },
  );
});

Deno.test("readLaidOutComment() accepts only valid JSON, read as JSON.parse reads it", () => {
  const breakers = ['"', "\\", ",", "}", "{", "]", ":", "\n", "\u0001", "x", "0", "-", " "];
  fc.assert(
    fc.property(
      comment,
      fc.nat(),
      fc.constantFrom(...breakers),
      fc.boolean(),
      (c, pos, ch, insert) => {
        const p = pos % c.length;
        const mutated = c.slice(0, p) + ch + c.slice(insert ? p : p + 1);
        const got = viaReader(`[${mutated}]`, 1);
        if (got === undefined) return;
        const element = mutated.slice(0, got.end - 1);
        assertEquals(got.outcome, parseTwitchDownloaderComment(JSON.parse(element), "chan"));
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("readLaidOutComment() leaves other layouts to JSON.parse", () => {
  const c = {
    _id: "c1",
    created_at: "2024-03-10T18:00:01.25Z",
    channel_id: "9001",
    content_type: "video",
    content_id: "1",
    content_offset_seconds: 1,
    commenter: {
      display_name: "Ann",
      _id: "7",
      name: "ann",
      type: null,
      bio: null,
      created_at: null,
      updated_at: null,
      logo: null,
    },
    source: "chat",
    state: "published",
    message: {
      body: "hi",
      bits_spent: 0,
      fragments: [],
      is_action: false,
      user_badges: [],
      user_color: null,
      emoticons: [],
    },
  };
  assert(readLaidOutComment(JSON.stringify(c), 0) !== undefined);
  const { channel_id: _, ...reordered } = { ...c, channel_id: "9001" };
  for (
    const other of [
      JSON.stringify(c, null, 2), // indented
      JSON.stringify({ ...reordered, channel_id: "9001" }), // a member moved
      JSON.stringify({ ...c, extra: 1 }), // a member TwitchDownloader does not write
      JSON.stringify({ ...c, message: { ...c.message, body: 5 } }), // a body that is no string
      JSON.stringify(c).slice(0, -1), // cut short
    ]
  ) {
    assertEquals(readLaidOutComment(other, 0), undefined, other);
  }
});

/** Every outcome of a TwitchDownloader file. */
async function outcomes(path: string): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const ctx = { channel: new ChannelRule(undefined), utcOffsetMinutes: 0 };
  for await (const batch of readTwitchDownloaderFile(path, ctx)) out.push(...batch);
  return out;
}

Deno.test("readTwitchDownloaderFile() reads the compact file TwitchDownloader writes as the indented one", async () => {
  const indented = join(REPO, "tests", "data", "import", "vod_2001234567.twitchdownloader.json");
  const dir = await Deno.makeTempDir();
  try {
    const compact = join(dir, "vod.json");
    await Deno.writeTextFile(
      compact,
      JSON.stringify(JSON.parse(await Deno.readTextFile(indented))),
    );
    const got = await outcomes(compact);
    const want = await outcomes(indented);
    assertEquals(
      got.map((o) => o.kind === "problem" ? o.reason : o),
      want.map((o) => o.kind === "problem" ? o.reason : o),
    );
    assert(got.some((o) => o.kind === "message"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
