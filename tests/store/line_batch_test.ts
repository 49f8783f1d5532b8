import assert from "node:assert/strict";
import { LineBatch } from "../../src/store/log/line_batch.ts";

type Rec = { id: string; text: string };

/** The bytes and ends of `records` encoded one line at a time, as the batch must give them. */
function expected(records: Rec[], serialize: (r: Rec) => string) {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const ends: number[] = [];
  let n = 0;
  for (const r of records) {
    const b = enc.encode(serialize(r) + "\n");
    parts.push(b);
    ends.push(n += b.length);
  }
  const bytes = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, ends };
}

Deno.test("LineBatch.add() with serialize gives the bytes and ends of one line at a time", async (t) => {
  const cases: Array<[string, (i: number) => string, (r: Rec) => string]> = [
    ["ASCII", (i) => `hello ${i}`, JSON.stringify],
    [
      "non-ASCII in some lines",
      (i) => (i % 7 === 3 ? `héllo ❤ ${i} 😀` : `hi ${i}`),
      JSON.stringify,
    ],
    ["a lone surrogate", (i) => (i === 300 ? "a\ud800b" : `x${i}`), JSON.stringify],
    // A serialize that is not JSON.stringify and puts a newline inside a line.
    [
      "a newline inside a line",
      (i) => `t${i}`,
      (r) => (r.id === "r5" ? `${r.id}\n${r.text}` : r.text),
    ],
  ];
  for (const [name, text, serialize] of cases) {
    await t.step(name, () => {
      const records = Array.from({ length: 700 }, (_, i) => ({ id: `r${i}`, text: text(i) }));
      const batch = new LineBatch<Rec>((r) => r.id, { serialize, buffer: new Uint8Array(16) });
      for (const r of records.slice(0, 300)) batch.add(r);
      // Read in the middle (lines waiting to be encoded are encoded first), then add more.
      assert.equal(batch.length, 300);
      assert.equal(batch.ends.length, 300);
      for (const r of records.slice(300)) batch.add(r);
      const want = expected(records, serialize);
      assert.deepEqual(batch.bytes, want.bytes);
      assert.deepEqual(batch.ends, want.ends);
      assert.deepEqual(batch.ids, records.map((r) => r.id));
    });
  }
});

Deno.test("LineBatch.take() and addEncoded() keep the lines in order", () => {
  const a = new LineBatch<Rec>((r) => r.id, { serialize: JSON.stringify });
  const b = new LineBatch<Rec>((r) => r.id, { serialize: JSON.stringify });
  const records = Array.from({ length: 600 }, (_, i) => ({ id: `r${i}`, text: `é${i}` }));
  for (const r of records.slice(0, 10)) b.add(r);
  for (const r of records.slice(10, 400)) a.add(r);
  b.addEncoded(a.take());
  assert.equal(a.length, 0);
  for (const r of records.slice(400)) b.add(r);
  const want = expected(records, JSON.stringify);
  assert.deepEqual(b.bytes, want.bytes);
  assert.deepEqual(b.ends, want.ends);
});
