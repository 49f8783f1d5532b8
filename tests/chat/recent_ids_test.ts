import assert from "node:assert/strict";
import { RecentIds } from "../../src/chat/recent_ids.ts";

Deno.test("RecentIds.add() reports each id once within the window", () => {
  const recent = new RecentIds(1000);
  const ids = Array.from({ length: 1000 }, (_, i) => crypto.randomUUID() + i);
  for (const id of ids) assert.equal(recent.add(id), true, id);
  for (const id of ids) assert.equal(recent.add(id), false, id);
});

Deno.test("RecentIds.add() forgets ids older than twice the capacity, keeps the last capacity", () => {
  const recent = new RecentIds(100);
  for (let i = 0; i < 1000; i++) assert.equal(recent.add(`id-${i}`), true);
  for (let i = 900; i < 1000; i++) assert.equal(recent.add(`id-${i}`), false, `id-${i} kept`);
  assert.equal(recent.add("id-0"), true, "id-0 forgotten");
});

Deno.test("RecentIds.add() tells apart ids that differ in one character or in length", () => {
  const recent = new RecentIds(10_000);
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    for (const id of [`m${i}`, `m${i}\u0000`, `M${i}`]) {
      assert.equal(recent.add(id), !seen.has(id), id);
      seen.add(id);
    }
  }
});
