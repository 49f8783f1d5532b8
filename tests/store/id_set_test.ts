import assert from "node:assert/strict";
import fc from "fast-check";
import { fingerprint, IdSet } from "../../src/store/log/id_set.ts";

Deno.test("fingerprint() is deterministic, two 32-bit halves, sensitive to every character", () => {
  const [h, l] = fingerprint("h_0123456789abcdef");
  assert.deepEqual(fingerprint("h_0123456789abcdef"), [h, l]);
  for (const x of [h, l]) assert.ok(Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31);
  assert.notDeepEqual(fingerprint("h_0123456789abcdeg"), [h, l]);
  assert.notDeepEqual(fingerprint("ab"), fingerprint("ba"));
  assert.notDeepEqual(fingerprint(""), fingerprint("\0"));
});

Deno.test("IdSet knows every id added, at its offset, across growth", () => {
  const set = new IdSet(16);
  const n = 50_000;
  for (let i = 0; i < n; i++) set.add(`id-${i}`, i * 100);
  assert.equal(set.size, n);
  for (let i = 0; i < n; i++) {
    assert.ok(set.mayHave(`id-${i}`));
    assert.deepEqual(set.candidates(`id-${i}`), [i * 100]);
  }
  let falsePositives = 0;
  for (let i = n; i < 2 * n; i++) if (set.mayHave(`id-${i}`)) falsePositives++;
  assert.equal(falsePositives, 0);
  assert.deepEqual(set.candidates("never-added"), []);
});

Deno.test("IdSet.candidates() lists every offset with the same fingerprint", () => {
  const set = new IdSet();
  set.add("dup", 0);
  set.add("other", 10);
  set.add("dup", 20);
  set.add("dup", 2 ** 40); // offsets past 4 GiB stay exact
  assert.deepEqual(set.candidates("dup").sort((a, b) => a - b), [0, 20, 2 ** 40]);
  assert.equal(set.size, 4);
});

Deno.test("IdSet.clear() forgets everything and the set is reusable", () => {
  const set = new IdSet(16);
  for (let i = 0; i < 100; i++) set.add(String(i), i);
  set.clear();
  assert.equal(set.size, 0);
  for (let i = 0; i < 100; i++) assert.equal(set.mayHave(String(i)), false);
  set.add("5", 7);
  assert.deepEqual(set.candidates("5"), [7]);
});

Deno.test("IdSet behaves like a Map of id to offsets", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.nat()), { maxLength: 200 }),
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 50 }),
      (adds, probes) => {
        const set = new IdSet(16);
        const model = new Map<string, number[]>();
        for (const [id, off] of adds) {
          set.add(id, off);
          model.set(id, [...(model.get(id) ?? []), off]);
        }
        assert.equal(set.size, adds.length);
        for (const id of [...model.keys(), ...probes]) {
          const want = (model.get(id) ?? []).sort((a, b) => a - b);
          assert.equal(set.mayHave(id), want.length > 0);
          assert.deepEqual(set.candidates(id).sort((a, b) => a - b), want);
        }
      },
    ),
  );
});
