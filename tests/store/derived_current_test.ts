import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { derivedCurrent } from "../../src/store/embedded/derived_current.ts";
import { catchUpDerived } from "../../src/store/embedded/derived_writer.ts";
import { EmbeddedStore } from "../../src/store/embedded/embedded_store.ts";
import { layout, profileDir } from "../../src/store/layout.ts";
import { eventLog, messageLog } from "../../src/store/log/logs.ts";
import { tryWriterLock } from "../../src/store/embedded/writer_lock.ts";
import { msg, withIds } from "../support/messages.ts";
import { tempDir } from "../support/cli.ts";

async function caughtUp(dataDir: string, prefix: string, n = 3): Promise<void> {
  const log = messageLog(dataDir);
  await log.append(withIds(
    Array.from({ length: n }, (_, i) => msg({ text: `${prefix} ${i}`, user_name: `u${i}` })),
    prefix,
  ));
  assert.notEqual(await catchUpDerived(dataDir), null);
}

Deno.test("derivedCurrent() answers a catch-up's empty summary only when both logs are covered", async (t) => {
  await using dir = await tempDir();
  const dataDir = dir.path;

  await t.step("no log: not current (the writer decides)", () => {
    assert.equal(derivedCurrent(dataDir), null);
  });

  await t.step("caught up: the summary of a catch-up that found nothing", async () => {
    await caughtUp(dataDir, "a");
    const size = (await Deno.stat(layout(dataDir).messages)).size;
    assert.deepEqual(derivedCurrent(dataDir), {
      lines: 0,
      indexed: 0,
      folded: 0,
      skipped: 0,
      rebuilt: false,
      offset: size,
    });
  });

  await t.step("a message appended since: not current until caught up", async () => {
    await messageLog(dataDir).append(withIds([msg({ text: "later" })], "b"));
    assert.equal(derivedCurrent(dataDir), null);
    assert.equal(derivedCurrent(dataDir, { index: false }), null);
    assert.equal(derivedCurrent(dataDir, { profiles: false }), null);
    assert.equal((await catchUpDerived(dataDir))?.indexed, 1);
    assert.notEqual(derivedCurrent(dataDir), null);
  });

  await t.step("an event appended since: the index is not current, the rollups are", async () => {
    await eventLog(dataDir).append([{
      kind: "clearchat",
      ts: "2025-09-02T12:00:01.000Z",
      channel: "example_channel",
      event_id: "ev-1",
      user_name: "u1",
      user_id: null,
      duration_seconds: 10,
      source: "fixture",
    }]);
    assert.equal(derivedCurrent(dataDir), null);
    assert.notEqual(derivedCurrent(dataDir, { index: false }), null);
    await catchUpDerived(dataDir);
    assert.notEqual(derivedCurrent(dataDir), null);
  });

  await t.step("a torn last line: not current (the writer waits for the rest of it)", async () => {
    const path = layout(dataDir).messages;
    const before = await Deno.readFile(path);
    await Deno.writeTextFile(path, '{"ts":"2025-09-02T12:00:02.000Z","chan', { append: true });
    assert.equal(derivedCurrent(dataDir), null);
    await Deno.writeFile(path, before);
    assert.notEqual(derivedCurrent(dataDir), null);
  });

  await t.step("the log rewritten to the same size: not current", async () => {
    const path = layout(dataDir).messages;
    const before = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, before.replace("a 0", "a 9"));
    assert.equal(derivedCurrent(dataDir), null);
    await Deno.writeTextFile(path, before);
    assert.notEqual(derivedCurrent(dataDir), null);
  });

  await t.step(
    "profile files left to write, or a profile folder deleted: not current",
    async () => {
      const db = new DatabaseSync(layout(dataDir).profileState);
      db.exec("INSERT INTO profile_dirty(kind, name) VALUES (0, 'u1')");
      db.close();
      assert.equal(derivedCurrent(dataDir), null);
      assert.notEqual(derivedCurrent(dataDir, { profiles: false }), null);
      await catchUpDerived(dataDir);
      assert.notEqual(derivedCurrent(dataDir), null);
      await Deno.remove(profileDir(dataDir, "user"), { recursive: true });
      assert.equal(derivedCurrent(dataDir), null);
    },
  );
});

Deno.test("EmbeddedStore.catchUp() answers without the writer when nothing is to do, and still repairs", async () => {
  await using dir = await tempDir();
  const dataDir = dir.path;
  await caughtUp(dataDir, "a");
  const store = new EmbeddedStore(dataDir);
  // Another writer holds the lock: only the answer read without it can be non-null.
  const lock = await tryWriterLock(dataDir);
  assert.ok(lock);
  try {
    assert.equal((await store.catchUp())?.lines, 0);
    await Deno.remove(profileDir(dataDir, "user"), { recursive: true });
    assert.equal(await store.catchUp(), null);
  } finally {
    lock.close();
  }
  // The writer's own catch-up writes the deleted folder's files again.
  assert.notEqual(await store.catchUp(), null);
  const files = [];
  for await (const e of Deno.readDir(profileDir(dataDir, "user"))) files.push(e.name);
  assert.deepEqual(files.sort(), ["u0.json", "u1.json", "u2.json"]);
  assert.notEqual(derivedCurrent(dataDir), null);
  await store.close();
});
