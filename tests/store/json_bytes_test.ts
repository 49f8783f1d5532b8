import assert from "node:assert/strict";
import fc from "fast-check";
import { JsonBytes } from "../../src/store/log/json_bytes.ts";

const encoder = new TextEncoder();

/** What the log wrote before: JSON.stringify, then UTF-8. */
function expected(v: unknown): Uint8Array {
  const s = JSON.stringify(v);
  return s === undefined ? new Uint8Array(0) : encoder.encode(s);
}

function written(v: unknown, start = 1): Uint8Array {
  const out = new JsonBytes(new Uint8Array(start));
  out.value(v);
  return out.bytes.slice();
}

// Strings of any UTF-16 units: lone surrogates, controls, quotes, backslashes, astral pairs.
const anyString = fc.string({ unit: "binary" });
const odd = fc.constantFrom<unknown>(
  undefined,
  () => 1,
  Symbol("s"),
  NaN,
  Infinity,
  -0,
  1e21,
  5e-7,
  new Date(0),
  new String("boxed"),
  { toJSON: (key: string) => `key:${key}` },
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    anyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    odd,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(anyString, fc.nat().map(String)), tie("value"), { maxKeys: 6 }),
  ),
}));

Deno.test("JsonBytes.value() writes the bytes of JSON.stringify for any value", () => {
  fc.assert(
    fc.property(value, fc.integer({ min: 1, max: 64 }), (v, start) => {
      assert.deepEqual(written(v, start), expected(v));
    }),
    { numRuns: 3000 },
  );
});

Deno.test("JsonBytes.value() escapes as JSON.stringify does, character by character", () => {
  for (let c = 0; c < 0x10000; c++) {
    const s = `a${String.fromCharCode(c)}b`;
    assert.deepEqual(written({ [s]: s }), expected({ [s]: s }), `U+${c.toString(16)}`);
  }
  const pairs = ["\ud83d\ude00", "\ud800", "\udc00\ud800", "x\udbff", "\udfff"];
  for (const s of pairs) assert.deepEqual(written([s]), expected([s]));
});

Deno.test("JsonBytes.value() hands a toJSON method its key, as JSON.stringify does", () => {
  const v = { when: { toJSON: (key: string) => `at ${key}` }, list: [new Date(0)] };
  assert.deepEqual(written(v), expected(v));
});

Deno.test("JsonBytes.value() throws as JSON.stringify does on a bigint or a cycle", () => {
  assert.throws(() => written({ n: 1n }), TypeError);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(() => written(cycle), TypeError);
});

Deno.test("JsonBytes writes lines one after another, growing its buffer", () => {
  const out = new JsonBytes(new Uint8Array(2));
  const records = Array.from({ length: 100 }, (_, i) => ({ id: `m${i}`, text: "é".repeat(i) }));
  for (const r of records) {
    out.value(r);
    out.byte(10);
  }
  const text = records.map((r) => JSON.stringify(r) + "\n").join("");
  assert.deepEqual(out.bytes, encoder.encode(text));
  out.clear();
  assert.equal(out.length, 0);
});
