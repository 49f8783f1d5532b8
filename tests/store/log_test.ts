import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { JsonlLog } from "../../src/store/log/log.ts";
import { LineBatch } from "../../src/store/log/line_batch.ts";
import { idFromLine } from "../../src/store/log/log_lines.ts";
import { StoreError } from "../../src/errors.ts";
import { tempDir } from "../support/cli.ts";

interface Rec {
  id: string;
  text: string;
}

const openLog = (path: string, windowIds?: number) =>
  new JsonlLog<Rec>(path, {
    idKey: "id",
    idOf: (r) => r.id,
    serialize: (r) => JSON.stringify({ id: r.id, text: r.text }),
    ...(windowIds !== undefined ? { windowIds } : {}),
  });

/** Records with multi-byte and long texts, so that byte offsets differ from string indexes. */
function recs(from: number, to: number): Rec[] {
  const out: Rec[] = [];
  for (let i = from; i < to; i++) {
    const text = i % 7 === 0 ? "é👉".repeat(1500 + i) : `msg ${i} héllo 👉 ${"x".repeat(i % 50)}`;
    out.push({ id: `id-${i}`, text });
  }
  return out;
}

async function linesOf(path: string): Promise<Rec[]> {
  const text = await Deno.readTextFile(path);
  assert.ok(text === "" || text.endsWith("\n"), "log ends with a newline");
  return text === "" ? [] : text.slice(0, -1).split("\n").map((l) => JSON.parse(l) as Rec);
}

const ids = (rs: Rec[]) => rs.map((r) => r.id);

Deno.test("JsonlLog.append() writes new records as lines and drops repeats in the batch", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "logs", "m.jsonl");
  const log = openLog(path);
  const batch = recs(0, 10);
  const r = await log.append([...batch, batch[3]!, batch[0]!]);
  assert.deepEqual(ids(r.written), ids(batch));
  assert.equal(r.duplicates, 2);
  assert.deepEqual(r.repairs, []);
  assert.deepEqual(await linesOf(path), batch);
  assert.equal(log.size, 10);
});

Deno.test("JsonlLog.append() is idempotent in the same instance and in a new one", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const first = openLog(path);
  await first.append(recs(0, 30));
  const again = await first.append(recs(0, 30));
  assert.deepEqual(again.written, []);
  assert.equal(again.duplicates, 30);

  // A new instance (as after a restart) learns the ids by reading the file, and confirms
  // each fingerprint match by reading the line at its recorded byte offset.
  const restarted = openLog(path);
  const r = await restarted.append(recs(20, 40));
  assert.deepEqual(ids(r.written), ids(recs(30, 40)));
  assert.equal(r.duplicates, 10);
  assert.deepEqual(ids(await linesOf(path)), ids(recs(0, 40)));
  assert.equal(restarted.size, 40);
});

Deno.test("JsonlLog sees what another writer appended since its last look", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const a = openLog(path), b = openLog(path);
  await a.append(recs(0, 5));
  assert.deepEqual(ids((await b.append(recs(3, 8))).written), ["id-5", "id-6", "id-7"]);
  assert.deepEqual(ids((await a.append(recs(6, 10))).written), ["id-8", "id-9"]);
  assert.deepEqual(ids((await b.append(recs(0, 12))).written), ["id-10", "id-11"]);
  assert.deepEqual(ids(await linesOf(path)), ids(recs(0, 12)));
});

Deno.test("JsonlLog appends from concurrent writers never duplicate or interleave", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const writers = [openLog(path), openLog(path), openLog(path)];
  const all = recs(0, 120);
  // Each writer sends overlapping batches at the same time.
  const results = await Promise.all(
    writers.flatMap((w, k) =>
      [0, 1, 2, 3].map((j) =>
        w.append(all.slice((k * 10 + j * 25) % 100, (k * 10 + j * 25) % 100 + 30))
      )
    ),
  );
  const stored = await linesOf(path);
  const storedIds = ids(stored);
  assert.equal(new Set(storedIds).size, storedIds.length, "an id was written twice");
  const written = results.reduce((n, r) => n + r.written.length, 0);
  assert.equal(written, storedIds.length);
  const expected = new Set(
    writers.flatMap((_, k) =>
      [0, 1, 2, 3].flatMap((j) =>
        ids(all.slice((k * 10 + j * 25) % 100, (k * 10 + j * 25) % 100 + 30))
      )
    ),
  );
  assert.deepEqual(new Set(storedIds), expected);
  for (const r of stored) assert.deepEqual(r, all[Number(r.id.slice(3))]);
});

Deno.test("JsonlLog sets a torn last line aside into .corrupt and never counts it", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const good = recs(0, 3);
  const torn = '{"id":"id-3","text":"half a li';
  await Deno.writeTextFile(path, good.map((r) => JSON.stringify(r)).join("\n") + "\n" + torn);
  const log = openLog(path);
  const r = await log.append(recs(2, 5));
  assert.equal(r.repairs.length, 1);
  assert.match(
    r.repairs[0]!,
    /torn last line \(\d+ bytes at offset \d+\) moved to .*m\.jsonl\.corrupt/,
  );
  // id-3 was only in the torn line, so it is new.
  assert.deepEqual(ids(r.written), ["id-3", "id-4"]);
  assert.equal(r.duplicates, 1);
  assert.deepEqual(await linesOf(path), recs(0, 5));
  const corrupt = await Deno.readTextFile(`${path}.corrupt`);
  assert.ok(corrupt.includes(torn), "the torn bytes are kept");
  assert.match(corrupt, /^# torn line set aside from offset \d+ at \d{4}-/);
  // Nothing left to repair.
  assert.deepEqual(await openLog(path).refresh(), []);
});

Deno.test("JsonlLog.refresh() repairs a torn tail holding multi-byte text and invalid bytes", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const head = new TextEncoder().encode(JSON.stringify(recs(0, 1)[0]) + "\n");
  const tail = new Uint8Array([...new TextEncoder().encode('{"id":"x","text":"👉'), 0xf0, 0x9f]);
  await Deno.writeFile(path, new Uint8Array([...head, ...tail]));
  const log = openLog(path);
  const repairs = await log.refresh();
  assert.equal(repairs.length, 1);
  assert.equal(log.size, 1);
  assert.deepEqual(await Deno.readFile(path), head);
  const corrupt = await Deno.readFile(`${path}.corrupt`);
  const at = corrupt.indexOf(10) + 1;
  assert.deepEqual(corrupt.subarray(at, at + tail.length), tail);
});

Deno.test("JsonlLog skips unreadable whole lines but keeps reading past them", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const enc = new TextEncoder();
  await Deno.writeFile(
    path,
    new Uint8Array([
      ...enc.encode('{"id":"a","text":"1"}\nnot json\n'),
      0xff,
      10,
      ...enc.encode('{"id":"b","text":"2"}\n'),
    ]),
  );
  const r = await openLog(path).append([{ id: "a", text: "1" }, { id: "b", text: "2" }, {
    id: "c",
    text: "3",
  }]);
  assert.deepEqual(ids(r.written), ["c"]);
  assert.deepEqual(r.repairs, []);
});

Deno.test("JsonlLog starts over when the file is replaced or cut", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const log = openLog(path);
  await log.append(recs(0, 10));
  // A rewrite (as `forget` would do): a new file renamed over the log, without id-0..id-4.
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, recs(5, 10).map((r) => JSON.stringify(r)).join("\n") + "\n");
  await Deno.rename(tmp, path);
  const r = await log.append(recs(0, 10));
  assert.deepEqual(ids(r.written), ids(recs(0, 5)));
  // Cut in place (same inode, smaller).
  await Deno.truncate(path, 0);
  const r2 = await log.append(recs(0, 2));
  assert.deepEqual(ids(r2.written), ["id-0", "id-1"]);
  assert.deepEqual(ids(await linesOf(path)), ["id-0", "id-1"]);
});

Deno.test("JsonlLog.append() wraps file-system failures in StoreError", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(join(dir.path, "file"), "");
  const log = openLog(join(dir.path, "file", "m.jsonl"));
  await assert.rejects(log.append(recs(0, 1)), StoreError);
});

Deno.test("idFromLine() reads the id, with or without escapes, and null otherwise", () => {
  assert.equal(idFromLine('{"ts":"x","message_id":"abc","text":"t"}', "message_id"), "abc");
  assert.equal(idFromLine('{"message_id":"a\\"b"}', "message_id"), 'a"b');
  assert.equal(idFromLine('{"message_id":"a\\\\b"}', "message_id"), "a\\b");
  assert.equal(idFromLine('{"message_id":"\\u00e9"}', "message_id"), "é");
  assert.equal(idFromLine('{"message_id":7}', "message_id"), null);
  assert.equal(idFromLine('{"other":"x"}', "message_id"), null);
  assert.equal(idFromLine("not json", "message_id"), null);
  assert.equal(idFromLine('{"target_message_id":"t","event_id":"e"}', "event_id"), "e");
});

Deno.test("idFromLine() finds the top-level id whatever the other string fields hold", () => {
  fc.assert(
    fc.property(
      fc.string(),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.string()),
      fc.nat(),
      (id, others, pos) => {
        delete others.message_id;
        // Values may hold "message_id":"... themselves; the id key may come anywhere.
        const entries: Array<[string, string]> = Object.entries(others).map((
          [k, v],
        ) => [k, v + '"message_id":"fake']);
        entries.splice(pos % (entries.length + 1), 0, ["message_id", id]);
        const line = JSON.stringify(Object.fromEntries(entries));
        assert.equal(idFromLine(line, "message_id"), id);
      },
    ),
  );
});

Deno.test("JsonlLog catches a repeat whose id left the in-memory window, before and after a restart", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const log = openLog(path, 4);
  for (let i = 0; i < 40; i += 5) await log.append(recs(i, i + 5));
  const stats = log.idStats;
  assert.ok(stats.inMemory < 4, `window holds ${stats.inMemory} ids`);
  assert.equal(stats.onDisk + stats.inMemory, 40);
  assert.ok(stats.runs <= 4, `${stats.runs} runs for 40 ids (they merge)`);
  const again = await log.append(recs(0, 45));
  assert.deepEqual(ids(again.written), ids(recs(40, 45)));
  assert.equal(again.duplicates, 40);
  // A new instance reads the runs from disk and only the log's tail from the file.
  const restarted = openLog(path, 4);
  const r = await restarted.append([...recs(0, 50), ...recs(3, 4)]);
  assert.deepEqual(ids(r.written), ids(recs(45, 50)));
  assert.deepEqual(ids(await linesOf(path)), ids(recs(0, 50)));
  assert.equal(restarted.size, 50);
});

Deno.test("JsonlLog stays exact when its id runs are behind the log, missing, or unreadable", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  await openLog(path, 4).append(recs(0, 20));
  // Lines appended by a writer that kept no runs (an older version): the runs cover a prefix.
  await Deno.writeTextFile(
    path,
    recs(20, 30).map((r) => JSON.stringify(r)).join("\n") + "\n",
    { append: true },
  );
  const behind = await openLog(path, 4).append(recs(0, 32));
  assert.deepEqual(ids(behind.written), ["id-30", "id-31"]);
  // No runs at all: rebuilt from the log.
  await Deno.remove(`${path}.ids`, { recursive: true });
  const missing = await openLog(path, 4).append(recs(0, 33));
  assert.deepEqual(ids(missing.written), ["id-32"]);
  // A manifest that cannot be read counts as none; a run cut short too.
  await Deno.writeTextFile(join(`${path}.ids`, "manifest.json"), "{not json");
  const garbled = await openLog(path, 4).append(recs(0, 34));
  assert.deepEqual(ids(garbled.written), ["id-33"]);
  const runFile = [...Deno.readDirSync(`${path}.ids`)].find((e) => e.name.endsWith(".ids"))!;
  await Deno.truncate(join(`${path}.ids`, runFile.name), 16);
  const cut = await openLog(path, 4).append(recs(0, 35));
  assert.deepEqual(ids(cut.written), ["id-34"]);
  assert.deepEqual(ids(await linesOf(path)), ids(recs(0, 35)));
});

Deno.test("JsonlLog drops the id runs of a log that was replaced", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "m.jsonl");
  const log = openLog(path, 3);
  await log.append(recs(0, 20));
  // Rewritten without id-0..id-9 (as forget does), while the runs still name them.
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, recs(10, 20).map((r) => JSON.stringify(r)).join("\n") + "\n");
  await Deno.rename(tmp, path);
  for (const w of [log, openLog(path, 3)]) {
    const r = await w.append(recs(0, 20));
    assert.ok(r.written.length === 10 || r.written.length === 0);
  }
  assert.deepEqual(
    ids(await linesOf(path)).sort(),
    [...ids(recs(10, 20)), ...ids(recs(0, 10))].sort(),
  );
});

Deno.test("JsonlLog with small windows: concurrent writers and restarts store each id once", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.tuple(fc.nat(2), fc.array(fc.nat(60), { maxLength: 15 }), fc.boolean()),
        { maxLength: 12 },
      ),
      fc.integer({ min: 1, max: 6 }),
      async (steps, windowIds) => {
        await using dir = await tempDir();
        const path = join(dir.path, "m.jsonl");
        const all = recs(0, 61);
        const writers = [openLog(path, windowIds), openLog(path, windowIds), openLog(path, 2)];
        const seen = new Set<string>();
        await Promise.all(steps.map(async ([w, batch, restart], k) => {
          if (restart) writers[w] = openLog(path, windowIds);
          const r = await writers[w]!.append(batch.map((i) => all[i]!));
          for (const x of r.written) seen.add(x.id);
          return k;
        }));
        const stored = steps.some(([, b]) => b.length > 0) ? ids(await linesOf(path)) : [];
        assert.equal(new Set(stored).size, stored.length, "an id was written twice");
        assert.deepEqual(
          new Set(stored),
          new Set(steps.flatMap(([, b]) => b.map((i) => `id-${i}`))),
        );
        assert.deepEqual(new Set(stored), seen);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("JsonlLog dedups a line over 64 KiB already in an old log, after a restart too", async () => {
  // Issue 11, item 15: a log written before the one length rule can hold lines longer than the
  // readers' 64 KiB limit. Dedup must still know their ids, whatever the readers skip.
  await using dir = await tempDir();
  const path = join(dir.path, "logs", "m.jsonl");
  await Deno.mkdir(join(dir.path, "logs"), { recursive: true });
  const long = { id: "long-1", text: "y".repeat(70 * 1024) };
  await Deno.writeTextFile(
    path,
    [long, ...recs(0, 5)].map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  const first = await openLog(path).append([long, ...recs(3, 8)]);
  assert.deepEqual(ids(first.written), ["id-5", "id-6", "id-7"]);
  assert.equal(first.duplicates, 3);
  // A restarted writer whose window holds one id: the long line's id is in the runs on disk.
  const again = await openLog(path, 1).append([long, ...recs(0, 8)]);
  assert.deepEqual(ids(again.written), []);
  assert.equal(again.duplicates, 9);
  assert.equal((await linesOf(path)).filter((r) => r.id === "long-1").length, 1);
});

Deno.test("JsonlLog.append() keeps the first of each id within and across batches, as a set of ids would", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 80 }), { maxLength: 5 }),
      async (batches) => {
        await using dir = await tempDir();
        const log = openLog(join(dir.path, "x.jsonl"), 16);
        const seen = new Set<string>();
        for (const batch of batches) {
          const records = batch.map((n) => ({ id: `id-${n}`, text: `é ${n}` }));
          const expected = records.filter((r) => !seen.has(r.id) && seen.add(r.id) !== undefined);
          const r = await log.append(records);
          assert.deepEqual(r.written.map((x) => x.id), expected.map((x) => x.id));
          assert.equal(r.duplicates, records.length - expected.length);
        }
        const lines = (await Deno.readTextFile(join(dir.path, "x.jsonl")).catch(() => ""))
          .split("\n").filter((l) => l !== "");
        assert.deepEqual(lines.map((l) => idFromLine(l, "id")), [...seen]);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("JsonlLog.appendLines() writes the bytes append() writes, mixing both, with repeats within and across batches", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.tuple(fc.boolean(), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 80 })),
        { maxLength: 5 },
      ),
      async (batches) => {
        await using dir = await tempDir();
        const byRecords = openLog(join(dir.path, "a.jsonl"), 16);
        const byLines = openLog(join(dir.path, "b.jsonl"), 16);
        const structured = new JsonlLog<Rec>(join(dir.path, "c.jsonl"), {
          idKey: "id",
          idOf: (r) => r.id,
          windowIds: 16,
        });
        // Lines encoded elsewhere (as a worker thread does), seven records a chunk, then added.
        const encoded = new JsonlLog<Rec>(join(dir.path, "d.jsonl"), {
          idKey: "id",
          idOf: (r) => r.id,
          windowIds: 16,
        });
        const elsewhere = new LineBatch<Rec>((r) => r.id, { buffer: new Uint8Array(16) });
        for (const [mixed, batch] of batches) {
          // Multi-byte text, so that a dropped line moves the bytes after it by other than its
          // length in characters.
          const records = batch.map((n) => ({ id: `id-${n}`, text: `é👉 ${"x".repeat(n)}` }));
          const want = await byRecords.append(records);
          for (const log of [byLines, structured]) {
            if (mixed) {
              const r = await log.append(records);
              assert.deepEqual(r.written, want.written);
              continue;
            }
            const lines = log.lines();
            for (const r of records) lines.add(r);
            const r = await log.appendLines(lines);
            assert.equal(r.written, want.written.length);
            assert.equal(r.duplicates, want.duplicates);
          }
          const lines = encoded.lines();
          for (let k = 0; k < records.length; k += 7) {
            for (const r of records.slice(k, k + 7)) elsewhere.add(r);
            lines.addEncoded(elsewhere.take());
            assert.equal(elsewhere.length, 0);
          }
          const r = await encoded.appendLines(lines);
          assert.equal(r.written, want.written.length);
          assert.equal(r.duplicates, want.duplicates);
        }
        const bytes = (name: string) => Deno.readFile(join(dir.path, name)).catch(() => null);
        const a = await bytes("a.jsonl");
        assert.deepEqual(await bytes("b.jsonl"), a);
        // Without `serialize`: the records as JSON.stringify writes them (the same here).
        assert.deepEqual(await bytes("c.jsonl"), a);
        assert.deepEqual(await bytes("d.jsonl"), a);
        assert.equal(encoded.size, byRecords.size);
        assert.equal(byLines.size, byRecords.size);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("JsonlLog.appendLines() takes only a batch of lines()", async () => {
  await using dir = await tempDir();
  const log = openLog(join(dir.path, "x.jsonl"));
  await assert.rejects(
    () => log.appendLines({ length: 0 } as unknown as ReturnType<typeof log.lines>),
    TypeError,
  );
});
