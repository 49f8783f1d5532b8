import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import fc from "fast-check";
import {
  type ElementReader,
  jsonArrayRecords,
  type JsonRecord,
  JsonStreamError,
} from "../../src/import/json_stream.ts";

const enc = new TextEncoder();

/** `text` cut into pieces at `cuts` (byte offsets), as a file read in chunks would be. */
function pieces(text: string, cuts: number[] = []): Uint8Array[] {
  const bytes = enc.encode(text);
  const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

async function collect(
  chunks: Uint8Array[],
  arrayKey: string | null,
  head: Record<string, unknown> = {},
  maxRecordChars?: number,
): Promise<JsonRecord[]> {
  const out: JsonRecord[] = [];
  const options = {
    arrayKey,
    keep: ["streamer"],
    head,
    ...(maxRecordChars ? { maxRecordChars } : {}),
  };
  for await (const batch of jsonArrayRecords(chunks, options)) out.push(...batch);
  return out;
}

Deno.test("jsonArrayRecords() yields the elements under the key and keeps the named members", async () => {
  const head: Record<string, unknown> = {};
  const text = JSON.stringify({
    FileInfo: { Version: { Major: 1 } },
    streamer: { name: "A", id: 1, login: "a" },
    comments: [{ x: 'a"b\\c]' }, { x: "{[" }, 3, "s"],
    embeddedData: { big: "x".repeat(10000) },
  });
  const got = await collect(pieces(text), "comments", head);
  assertEquals(got, [
    { record: 1, value: { x: 'a"b\\c]' } },
    { record: 2, value: { x: "{[" } },
    { record: 3, value: 3 },
    { record: 4, value: "s" },
  ]);
  assertEquals(head, { streamer: { name: "A", id: 1, login: "a" } });
});

Deno.test("jsonArrayRecords() gives the same records however the bytes are cut", async () => {
  const value = {
    streamer: { login: "ché_✓" },
    comments: [
      { body: 'emoji 👋 and "quotes" \\ and \u2028', n: [1, [2, { z: null }]] },
      { body: "", n: [] },
      { body: "ends with backslash \\", n: {} },
    ],
  };
  const text = JSON.stringify(value, null, 1);
  const whole = await collect(pieces(text), "comments");
  assertEquals(whole.map((r) => "value" in r ? r.value : r), value.comments);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: enc.encode(text).length }), { maxLength: 12 }),
      async (cuts) => {
        assertEquals(await collect(pieces(text, cuts), "comments"), whole);
      },
    ),
  );
});

Deno.test("jsonArrayRecords() reads a top-level array, empty or not", async () => {
  assertEquals(await collect(pieces("[]"), null), []);
  assertEquals(await collect(pieces(' [ {"a":1} ,\n {"a":2} ] '), null), [
    { record: 1, value: { a: 1 } },
    { record: 2, value: { a: 2 } },
  ]);
});

Deno.test("jsonArrayRecords() reports a malformed element by number and goes on", async () => {
  const got = await collect(pieces('[{"a":1},{"a":},{"a":3}]'), null);
  assertEquals(got.length, 3);
  assertEquals(got[0], { record: 1, value: { a: 1 } });
  assert("error" in got[1]! && got[1].record === 2 && got[1].error.startsWith("bad JSON"));
  assertEquals(got[2], { record: 3, value: { a: 3 } });
});

Deno.test("jsonArrayRecords() reports an element longer than the limit and goes on", async () => {
  const big = JSON.stringify({ t: "y".repeat(5000) });
  const chunks = pieces(`[{"a":1},${big},{"a":3}]`, [100, 1000, 2000, 3000, 4000]);
  const got = await collect(chunks, null, {}, 1000);
  assertEquals(got.map((r) => r.record), [1, 2, 3]);
  assert("error" in got[1]! && got[1].error.includes("longer than 1000"));
  assertEquals(got[2], { record: 3, value: { a: 3 } });
});

Deno.test("jsonArrayRecords() throws JsonStreamError on a truncated file or a wrong shape", async () => {
  await assertRejects(
    () => collect(pieces('{"comments":[{"a":1},{"a"'), "comments"),
    JsonStreamError,
  );
  await assertRejects(() => collect(pieces('{"comments":["abc'), "comments"), JsonStreamError);
  await assertRejects(() => collect(pieces('[{"a":1}]'), "comments"), JsonStreamError);
  await assertRejects(() => collect(pieces('{"a":1}'), null), JsonStreamError);
  await assertRejects(() => collect(pieces(""), null), JsonStreamError);
});

/** A reader of elements laid out as `{"a":N}` exactly (N an integer), as a format's would be. */
const readA: ElementReader = (text, at) => {
  const m = /\{"a":(-?\d+)\}/y;
  m.lastIndex = at;
  const r = m.exec(text);
  return r === null ? undefined : { value: { a: Number(r[1]) }, end: m.lastIndex };
};

Deno.test("jsonArrayRecords() with an element reader gives what JSON.parse gives, however the bytes are cut", async () => {
  // Readable elements, others (spaced, another member, not an object), a malformed one, and
  // an element the reader reads but followed by junk.
  const text = `{"comments":[{"a":1},{"a":2}, {"a":3} ,{"a": 4},{"a":5,"b":1},"s",{"a":},` +
    `{"a":6}x,{"a":7},{"a":${"9".repeat(60)}},{"a":8}],"streamer":{"login":"x"}}`;
  const collectWith = async (chunks: Uint8Array[], element?: ElementReader) => {
    const out: JsonRecord[] = [];
    const options = { arrayKey: "comments", ...(element ? { element } : {}) };
    for await (const batch of jsonArrayRecords(chunks, options)) out.push(...batch);
    return out;
  };
  const plain = await collectWith(pieces(text));
  assertEquals(plain.length, 11);
  assert("error" in plain[6]! && plain[6].record === 7);
  assert("error" in plain[7]! && plain[7].record === 8);
  assertEquals(plain[10], { record: 11, value: { a: 8 } });
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }),
      async (cuts) => {
        assertEquals(await collectWith(pieces(text, cuts), readA), plain);
      },
    ),
  );
});
