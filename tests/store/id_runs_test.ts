import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { BlockedBloom } from "../../src/store/log/bloom.ts";
import { IdRuns, type RunEntries } from "../../src/store/log/id_runs.ts";
import { fingerprint } from "../../src/store/log/id_set.ts";
import { tempDir } from "../support/cli.ts";

function entriesOf(pairs: Array<[string, number]>): RunEntries {
  const n = pairs.length;
  const e = { hi: new Int32Array(n), lo: new Int32Array(n), off: new Float64Array(n), n };
  pairs.forEach(([id, off], i) => {
    const [h, l] = fingerprint(id);
    e.hi[i] = h;
    e.lo[i] = l;
    e.off[i] = off;
  });
  return e;
}

const mark = (offset: number) => ({ offset, head: "h", tail: `t${offset}` });

Deno.test("BlockedBloom never forgets a key and rarely claims an absent one", () => {
  const bloom = new BlockedBloom(20_000);
  for (let i = 0; i < 20_000; i++) bloom.add(...fingerprint(`in-${i}`));
  for (let i = 0; i < 20_000; i++) assert.ok(bloom.mayHave(...fingerprint(`in-${i}`)));
  let fp = 0;
  for (let i = 0; i < 20_000; i++) if (bloom.mayHave(...fingerprint(`out-${i}`))) fp++;
  assert.ok(fp < 400, `${fp} false positives in 20,000 (2% allowed, ~0.5% expected)`);
});

Deno.test("IdRuns names every offset of a fingerprint across runs, merges and a reload", async () => {
  await using dir = await tempDir();
  const runs = new IdRuns(join(dir.path, "x.ids"));
  runs.reload();
  let off = 0;
  const model = new Map<string, number[]>();
  for (let batch = 0; batch < 7; batch++) {
    const pairs: Array<[string, number]> = [];
    for (let i = 0; i < 500; i++) {
      // Some ids repeat across batches (fingerprint matches with several offsets).
      const id = i % 100 === 0 ? `shared-${i}` : `b${batch}-${i}`;
      pairs.push([id, off]);
      model.set(id, [...(model.get(id) ?? []), off]);
      off += 10;
    }
    runs.add(entriesOf(pairs), mark(off), 1);
  }
  assert.equal(runs.count, 3500);
  assert.equal(runs.runs, 3, "7 runs of one level merge into runs of levels 2, 1, 0");
  const reader = new IdRuns(join(dir.path, "x.ids"));
  assert.equal(reader.reload(), true);
  assert.deepEqual(reader.mark, mark(off));
  for (const r of [runs, reader]) {
    for (const [id, offs] of model) {
      const got = r.candidates(...fingerprint(id)).sort((a, b) => a - b);
      assert.deepEqual(got, offs, id);
    }
    assert.deepEqual(r.candidates(...fingerprint("never")), []);
  }
  // Only the manifest and the named runs remain.
  const files = [...Deno.readDirSync(join(dir.path, "x.ids"))].map((e) => e.name).sort();
  assert.equal(files.length, 4);
  assert.equal(reader.reload(), false, "nothing changed since");
  runs.close();
  reader.close();
});

Deno.test("IdRuns.add() leaves out entries below the mark it already covers", async () => {
  await using dir = await tempDir();
  const runs = new IdRuns(join(dir.path, "x.ids"));
  runs.add(entriesOf([["a", 0], ["b", 10]]), mark(20), 7);
  runs.add(entriesOf([["b", 10], ["c", 20]]), mark(30), 7);
  assert.equal(runs.count, 3);
  assert.equal(runs.ino, 7);
  runs.reset(8);
  assert.equal(runs.count, 0);
  assert.deepEqual(runs.candidates(...fingerprint("a")), []);
  assert.deepEqual([...Deno.readDirSync(join(dir.path, "x.ids"))], []);
});

Deno.test("IdRuns behaves like a map of fingerprint to offsets", async () => {
  await using dir = await tempDir();
  let k = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.string({ maxLength: 4 }), { maxLength: 40 }), { maxLength: 9 }),
      async (batches) => {
        const runs = new IdRuns(join(dir.path, `p${k++}.ids`));
        const model = new Map<string, number[]>();
        let off = 0;
        for (const b of batches) {
          const pairs: Array<[string, number]> = b.map((id) => [id, off++]);
          for (const [id, o] of pairs) model.set(id, [...(model.get(id) ?? []), o]);
          runs.add(entriesOf(pairs), mark(off), 1);
        }
        for (const [id, offs] of model) {
          assert.deepEqual(runs.candidates(...fingerprint(id)).sort((a, b) => a - b), offs);
        }
        runs.close();
        await Promise.resolve();
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("IdRuns merges and reopens runs longer than one read chunk (buffers reused)", async () => {
  await using dir = await tempDir();
  const runs = new IdRuns(join(dir.path, "x.ids"));
  runs.reload();
  // Two runs of 70,000 ids (a read chunk is 65,536 records): the merge reads each side in two
  // chunks into its own buffer, and a reload reads the merged run in three.
  const n = 70_000;
  for (let batch = 0; batch < 2; batch++) {
    const pairs: Array<[string, number]> = [];
    for (let i = 0; i < n; i++) pairs.push([`r${batch}-${i}`, (batch * n + i) * 10]);
    runs.add(entriesOf(pairs), mark((batch + 1) * n * 10), 1);
  }
  assert.equal(runs.runs, 1, "two runs of one level merge into one");
  const reader = new IdRuns(join(dir.path, "x.ids"));
  // Opening checks that the merged run is sorted throughout.
  assert.equal(reader.reload(), true);
  assert.equal(reader.count, 2 * n);
  for (const r of [runs, reader]) {
    for (let i = 0; i < n; i += 997) {
      for (let batch = 0; batch < 2; batch++) {
        assert.deepEqual(r.candidates(...fingerprint(`r${batch}-${i}`)), [(batch * n + i) * 10]);
      }
    }
  }
  runs.close();
  reader.close();
});
