import assert from "node:assert/strict";
import { DerivedLoop, tryWriterLock } from "../../src/store/derived.ts";
import { layout, messageLog } from "../../src/store/layout.ts";
import { MessageIndex } from "../../src/store/message_index.ts";
import { msg, withIds } from "../support/messages.ts";
import { tempDir } from "../support/cli.ts";

const INDEX_ONLY = { index: true, profiles: false };

function batch(prefix: string, n: number) {
  return withIds(
    Array.from({ length: n }, (_, i) => msg({ text: `${prefix} line ${i}` })),
    prefix,
  );
}

function indexed(dataDir: string): number {
  const ix = MessageIndex.open(layout(dataDir).index, { readOnly: true });
  try {
    return ix.count();
  } finally {
    ix.close();
  }
}

Deno.test("the index writer spaces catch-ups while appends keep coming, but not a lone one or close()", async () => {
  await using dir = await tempDir();
  const lock = await tryWriterLock(dir.path);
  assert.ok(lock);
  const log = messageLog(dir.path);
  // The spacing a worker uses (inline it is off, since the monitor awaits each catch-up).
  const loop = new DerivedLoop(dir.path, 0, INDEX_ONLY, "inline", 1000);
  try {
    // A lone append is indexed at once.
    await log.append(batch("a", 5));
    let t0 = performance.now();
    await loop.poke();
    assert.ok(performance.now() - t0 < 800, "a lone append waited");
    assert.equal(indexed(dir.path), 5);

    // Appends that keep coming: rounds start 1 s apart.
    await log.append(batch("b", 5));
    await log.append(batch("c", 5));
    await loop.poke();
    assert.ok(performance.now() - t0 >= 900, "back-to-back rounds were not spaced");
    assert.equal(indexed(dir.path), 15);

    // close() cuts the spacing short and still indexes everything.
    await log.append(batch("d", 5));
    const again = loop.poke();
    await log.append(batch("e", 5));
    void loop.poke();
    t0 = performance.now();
    const summary = await loop.close();
    assert.ok(performance.now() - t0 < 800, "close() waited for the spacing");
    await again;
    assert.deepEqual(summary.problems, []);
    assert.equal(summary.indexed, 25);
    assert.equal(indexed(dir.path), 25);
  } finally {
    lock.close();
  }
});
