import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import {
  bigChunks,
  type LineItem,
  MAX_LINE_BYTES,
  openLineBatches,
  openLines,
  readLineBatches,
  readLines,
} from "../src/line_reader.ts";
import { tempDir } from "./support/cli.ts";

const enc = new TextEncoder();

/** A stream that delivers `bytes` cut at the given positions. */
function streamOf(bytes: Uint8Array, cuts: number[] = []): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => Math.min(bytes.length, Math.max(0, c))))]
    .sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    if (p > prev) chunks.push(bytes.slice(prev, p));
    prev = p;
  }
  return ReadableStream.from(chunks);
}

/** The obvious, slow line reader the real one must agree with. */
function reference(bytes: Uint8Array, max: number, startOffset = 0): LineItem[] {
  const out: LineItem[] = [];
  const dec = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(10, start);
    const partial = nl === -1;
    const end = partial ? bytes.length : nl;
    const size = end - start;
    const item = {
      line: ++line,
      offset: startOffset + start,
      bytes: size + (partial ? 0 : 1),
      ...(partial ? { partial: true as const } : {}),
    };
    if (size > max) {
      out.push({ ...item, error: `line longer than ${max} bytes` });
    } else {
      try {
        let text = dec.decode(bytes.subarray(start, end));
        if (text.endsWith("\r")) text = text.slice(0, -1);
        out.push({ ...item, text });
      } catch {
        out.push({ ...item, error: "invalid UTF-8" });
      }
    }
    start = end + 1;
  }
  return out;
}

/** Normalizes key order so deepEqual compares content only. */
const canon = (items: LineItem[]) =>
  items.map((i) => JSON.parse(JSON.stringify(i, Object.keys(i).sort())));

async function all(stream: ReadableStream<Uint8Array>, max?: number, startOffset?: number) {
  const out: LineItem[] = [];
  const opts = { ...(max ? { maxLineBytes: max } : {}), ...(startOffset ? { startOffset } : {}) };
  for await (const batch of readLineBatches(stream, opts)) {
    assert.ok(batch.length > 0, "empty batch yielded");
    out.push(...batch);
  }
  return out;
}

Deno.test("readLines() yields text, line numbers, offsets and byte counts", async () => {
  const bytes = enc.encode('{"a":1}\r\n\nhé 👉\npartial');
  const items: LineItem[] = [];
  for await (const item of readLines(streamOf(bytes))) items.push(item);
  assert.deepEqual(items, [
    { line: 1, text: '{"a":1}', offset: 0, bytes: 9 },
    { line: 2, text: "", offset: 9, bytes: 1 },
    { line: 3, text: "hé 👉", offset: 10, bytes: 9 },
    { line: 4, text: "partial", offset: 19, bytes: 7, partial: true },
  ]);
});

Deno.test("readLineBatches() reports invalid UTF-8 and over-long lines per line", async () => {
  const bytes = new Uint8Array([
    ...enc.encode("ok\n"),
    0xff,
    0xfe,
    10,
    ...enc.encode("x".repeat(20) + "\nfine\n"),
  ]);
  const items = await all(streamOf(bytes), 10);
  assert.deepEqual(items, [
    { line: 1, text: "ok", offset: 0, bytes: 3 },
    { line: 2, error: "invalid UTF-8", offset: 3, bytes: 3 },
    { line: 3, error: "line longer than 10 bytes", offset: 6, bytes: 21 },
    { line: 4, text: "fine", offset: 27, bytes: 5 },
  ]);
});

Deno.test("readLineBatches() skips a 1 MB line with the default limit and goes on", async () => {
  const big = "y".repeat(1 << 20);
  const bytes = enc.encode(`first\n${big}\nlast\n`);
  const items = await all(streamOf(bytes, [100, 70000, 500000]));
  assert.deepEqual(items, [
    { line: 1, text: "first", offset: 0, bytes: 6 },
    {
      line: 2,
      error: `line longer than ${MAX_LINE_BYTES} bytes`,
      offset: 6,
      bytes: big.length + 1,
    },
    { line: 3, text: "last", offset: big.length + 7, bytes: 5 },
  ]);
});

Deno.test("readLineBatches() marks an over-long or invalid last line without newline as partial", async () => {
  assert.deepEqual(await all(streamOf(enc.encode("a\n" + "z".repeat(12))), 8), [
    { line: 1, text: "a", offset: 0, bytes: 2 },
    { line: 2, error: "line longer than 8 bytes", offset: 2, bytes: 12, partial: true },
  ]);
  assert.deepEqual(await all(streamOf(new Uint8Array([97, 10, 0xc3]))), [
    { line: 1, text: "a", offset: 0, bytes: 2 },
    { line: 2, error: "invalid UTF-8", offset: 2, bytes: 1, partial: true },
  ]);
});

Deno.test("readLineBatches() joins a multi-byte character split across chunks", async () => {
  const bytes = enc.encode("€uro\n👉x\n");
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(
      canon(await all(streamOf(bytes, [cut]))),
      canon(reference(bytes, MAX_LINE_BYTES)),
      `cut at ${cut}`,
    );
  }
});

Deno.test("readLineBatches() agrees with a reference reader for any bytes and any chunking", async () => {
  // Pieces chosen to hit both the bulk path (whole valid chunks) and the slow path (carries,
  // invalid bytes, over-long lines), with a small limit so long lines are common.
  const piece = fc.oneof(
    fc.constantFrom("\n", "\r\n", "ab", "é", "👉", '{"k":1}', "\r", "xxxxxxxxxxxx"),
    fc.constant(new Uint8Array([0xff])),
    fc.constant(new Uint8Array([0xe2, 0x82])), // a truncated character
    fc.uint8Array({ maxLength: 4 }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(piece, { maxLength: 40 }),
      fc.array(fc.nat(400), { maxLength: 8 }),
      fc.integer({ min: 4, max: 24 }),
      fc.nat(1000),
      async (pieces, cuts, max, startOffset) => {
        const parts = pieces.map((p) => (typeof p === "string" ? enc.encode(p) : p));
        const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          bytes.set(p, at);
          at += p.length;
        }
        const got = await all(streamOf(bytes, cuts), max, startOffset);
        assert.deepEqual(canon(got), canon(reference(bytes, max, startOffset)));
        // Offsets and byte counts tile the input exactly.
        let next = startOffset;
        for (const item of got) {
          assert.equal(item.offset, next);
          next += item.bytes;
        }
        assert.equal(next, startOffset + bytes.length);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("readLineBatches() stays linear when a bad line ends a large chunk", async () => {
  // One invalid line at the end of a 1 MiB chunk of good lines: each good line must not cost
  // a rescan of the rest of the chunk (that took seconds).
  const line = enc.encode(
    JSON.stringify({ ts: "2025-09-02T12:00:00.000Z", text: "x".repeat(120) }) + "\n",
  );
  const n = Math.floor((1 << 20) / line.length) - 1;
  const bytes = new Uint8Array(n * line.length + 2);
  for (let i = 0; i < n; i++) bytes.set(line, i * line.length);
  bytes.set([0xff, 10], n * line.length);
  for (const bad of ["utf8", "long"] as const) {
    const input = bad === "utf8" ? bytes : new Uint8Array([
      ...bytes.subarray(0, n * line.length),
      ...new Uint8Array(70000).fill(97),
      10,
    ]);
    const t0 = performance.now();
    const items = await all(streamOf(input));
    const ms = performance.now() - t0;
    assert.equal(items.length, n + 1);
    assert.equal("error" in items[n]!, true);
    assert.ok(ms < 1000, `${bad}: ${n} lines took ${ms.toFixed(0)} ms`);
  }
});

Deno.test("openLines() and openLineBatches() read a file from an offset", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "f.jsonl");
  await Deno.writeTextFile(path, "one\ntwo\nthree\n");
  const from4: LineItem[] = [];
  for await (const item of await openLines(path, { start: 4 })) from4.push(item);
  assert.deepEqual(from4, [
    { line: 1, text: "two", offset: 4, bytes: 4 },
    { line: 2, text: "three", offset: 8, bytes: 6 },
  ]);
  const batched: LineItem[] = [];
  for await (const batch of await openLineBatches(path, { start: 8 })) batched.push(...batch);
  assert.deepEqual(batched, [{ line: 1, text: "three", offset: 8, bytes: 6 }]);
});

Deno.test("bigChunks() delivers the whole file in large pieces and closes it", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "big.bin");
  const data = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => i % 251);
  await Deno.writeFile(path, data);
  const file = await Deno.open(path);
  const sizes: number[] = [];
  const got = new Uint8Array(data.length);
  let at = 0;
  for await (const chunk of bigChunks(file)) {
    sizes.push(chunk.length);
    got.set(chunk, at);
    at += chunk.length;
  }
  assert.deepEqual(sizes, [1 << 20, 1 << 20, 1 << 20, 17]);
  assert.deepEqual(got, data);
  // The file was closed at the end: closing again throws.
  assert.throws(() => file.close(), Deno.errors.BadResource);
});

Deno.test("bigChunks() can be cancelled after it read the end, while the last chunk waits", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "six.bin");
  await Deno.writeFile(path, new Uint8Array([1, 2, 3, 4, 5, 6]));
  const file = await Deno.open(path);
  const reader = bigChunks(file, 4).getReader();
  assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2, 3, 4]));
  // The stream reads ahead: the last two bytes get queued and the file closed at its end.
  const isClosed = () => file.stat().then(() => false, (e) => e instanceof Deno.errors.BadResource);
  while (!(await isClosed())) await new Promise((r) => setTimeout(r, 0));
  // The reader stops before taking them, as a replay stopped by SIGINT does: no error.
  await reader.cancel();
});
