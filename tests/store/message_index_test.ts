import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fold } from "../../src/normalize.ts";
import { ftsExpression } from "../../src/store/embedded/fts_expression.ts";
import { MessageIndex } from "../../src/store/embedded/message_index.ts";
import { INDEX_VERSION } from "../../src/store/embedded/message_index_schema.ts";
import { markHolds, markOf } from "../../src/store/log/log_mark.ts";
import { parseLogRecord } from "../../src/store/log/log_record.ts";
import { catchUpDerived, DerivedWriter } from "../../src/store/embedded/derived_writer.ts";
import { tryWriterLock } from "../../src/store/embedded/writer_lock.ts";
import { layout } from "../../src/store/layout.ts";
import { messageLog } from "../../src/store/log/logs.ts";
import { buildQuery } from "../../src/query/search.ts";
import { search } from "../../src/store/embedded/message_search.ts";
import { msg, withIds } from "../support/messages.ts";
import { tempDir } from "../support/cli.ts";

Deno.test("ftsExpression() quotes every trigram, so FTS syntax in needles is literal", () => {
  assert.equal(ftsExpression(["ab"]), null);
  assert.equal(ftsExpression(['a"b']), '"a""b"');
  assert.equal(ftsExpression(["near*"]), '"nea" AND "ear" AND "ar*"');
  assert.equal(ftsExpression(["(x)", "😀😀😀"]), '"(x)" AND "😀😀😀"');
  const long = ftsExpression(["abcdefghijklmnopqrstuvwxyz0123456789"])!;
  assert.equal(long.split(" AND ").length, 24);
});

Deno.test("fold() lowercases and makes text storable", () => {
  assert.equal(fold("Straße İ DATING"), "straße i̇ dating");
  assert.equal(fold("a\0b\ud800"), "a\uFFFDb\uFFFD");
});

Deno.test("parseLogRecord() accepts message records and rejects anything else", () => {
  const m = msg({ text: "hi" });
  assert.deepEqual(parseLogRecord(JSON.stringify(m)), m);
  for (
    const bad of [
      "",
      "{",
      "[]",
      "null",
      JSON.stringify({ ...m, ts: "2025-09-02T12:00:00Z" }),
      JSON.stringify({ ...m, text: 5 }),
      JSON.stringify({ ...m, mentions: "x" }),
    ]
  ) assert.equal(parseLogRecord(bad), null, bad);
});

Deno.test("markHolds() notices a log that was cut, replaced or rewritten before the mark", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "log");
  const line = (i: number) => `{"n":${i},"pad":"${"x".repeat(100)}"}\n`;
  await Deno.writeTextFile(path, Array.from({ length: 100 }, (_, i) => line(i)).join(""));
  const check = <T>(fn: (f: Deno.FsFile, size: number) => T): T => {
    const f = Deno.openSync(path);
    try {
      return fn(f, f.statSync().size);
    } finally {
      f.close();
    }
  };
  const mark = check((f, size) => markOf(f, size));
  assert.ok(check((f, size) => markHolds(f, size, mark)));
  await Deno.writeTextFile(path, line(100), { append: true }); // growth keeps the mark
  assert.ok(check((f, size) => markHolds(f, size, mark)));
  // A line removed from the middle (forget), then growth to the same size or more.
  const lines = Array.from({ length: 101 }, (_, i) => line(i));
  lines.splice(50, 1);
  await Deno.writeTextFile(path, lines.join("") + line(101) + line(102));
  assert.ok(!check((f, size) => markHolds(f, size, mark)));
  await Deno.writeTextFile(path, line(0)); // cut
  assert.ok(!check((f, size) => markHolds(f, size, mark)));
});

Deno.test("the index catches up with growth and rebuilds after a rewrite; deleting it loses nothing", async () => {
  await using dir = await tempDir();
  const log = messageLog(dir.path);
  const all = withIds(
    Array.from({ length: 50 }, (_, i) =>
      msg({
        ts: new Date(Date.UTC(2025, 8, 2, 12, 0, i)).toISOString(),
        text: `word${i} common`,
      })),
  );
  await log.append(all.slice(0, 30));
  let r = await catchUpDerived(dir.path);
  assert.equal(r?.indexed, 30);
  await log.append(all.slice(30));
  r = await catchUpDerived(dir.path);
  assert.equal(r?.indexed, 20);
  assert.equal(r?.rebuilt, false);
  // Rewrite (as forget does): drop the first 10 lines.
  const l = layout(dir.path);
  const text = await Deno.readTextFile(l.messages);
  await Deno.writeTextFile(l.messages + ".tmp", text.split("\n").slice(10).join("\n"));
  await Deno.rename(l.messages + ".tmp", l.messages);
  r = await catchUpDerived(dir.path);
  assert.equal(r?.rebuilt, true);
  assert.equal(r?.indexed, 40);
  const ix = MessageIndex.open(l.index, { readOnly: true });
  assert.equal(ix.count(), 40);
  ix.close();
  // Deleting the index: the next search still answers, by scan or by a new index.
  await Deno.remove(l.index);
  const s = await search(dir.path, buildQuery({ contains: "word4", limit: "50" }));
  assert.deepEqual(s.messages.map((m) => m.text).sort(), [
    "word40 common",
    "word41 common",
    "word42 common",
    "word43 common",
    "word44 common",
    "word45 common",
    "word46 common",
    "word47 common",
    "word48 common",
    "word49 common",
  ]);
});

Deno.test({
  name: "a rebuild after a rewrite leaves no byte of the dropped lines in the index files",
  // The permissions of `chat run`: node:sqlite refuses ATTACH (so VACUUM) without all of them.
  permissions: { read: true, write: true, env: true, net: true },
}, async () => {
  await using dir = await tempDir();
  const log = messageLog(dir.path);
  const secret = withIds(
    Array.from({ length: 40 }, (_, i) =>
      msg({
        ts: new Date(Date.UTC(2025, 8, 2, 12, 0, i)).toISOString(),
        user_name: "secretuser",
        text: `zebracorn sighting number ${i}`,
      })),
  );
  const kept = withIds([msg({ text: "nothing to see" })]);
  await log.append([...secret, ...kept]);
  // A long-lived writer (as a monitor holds), so the old pages sit in its WAL and free list.
  const lock = await tryWriterLock(dir.path);
  assert.ok(lock);
  const w = await DerivedWriter.open(dir.path);
  try {
    await w.catchUp();
    w.flushProfiles(true);
    const l = layout(dir.path);
    const text = await Deno.readTextFile(l.messages);
    await Deno.writeTextFile(l.messages + ".tmp", text.split("\n").slice(40).join("\n"));
    await Deno.rename(l.messages + ".tmp", l.messages);
    const r = await w.catchUp();
    assert.equal(r.rebuilt, true);
    w.flushProfiles(true);
    for (const db of [l.index, l.profileState]) {
      for (const suffix of ["", "-wal", "-shm"]) {
        const bytes = await Deno.readFile(db + suffix).catch(() => new Uint8Array());
        const raw = new TextDecoder("latin1").decode(bytes).toLowerCase();
        assert.ok(!raw.includes("zebracorn"), `${db}${suffix} still holds the text`);
        assert.ok(!raw.includes("secretuser"), `${db}${suffix} still holds the user`);
      }
    }
  } finally {
    w.close();
    lock.close();
  }
});

Deno.test("a search reads while the writer holds an open write transaction (WAL)", async () => {
  await using dir = await tempDir();
  const log = messageLog(dir.path);
  await log.append(withIds([msg({ text: "before the write" })]));
  const lock = await tryWriterLock(dir.path);
  assert.ok(lock);
  // Only one writer: a second lock attempt fails at once instead of waiting.
  assert.equal(await tryWriterLock(dir.path), null);
  const w = await DerivedWriter.open(dir.path);
  try {
    await w.catchUp();
    // The writer empties the index inside a transaction it has not committed.
    const tx = w.index!.begin();
    w.index!.clear();
    const r = await search(dir.path, buildQuery({ contains: "before" }));
    assert.equal(r.via, "index");
    assert.equal(r.messages.length, 1);
    tx.rollback();
  } finally {
    w.close();
    lock.close();
  }
});

Deno.test("MessageIndex.optimize() merges the full-text index without changing any answer", async () => {
  await using dir = await tempDir();
  const ix = MessageIndex.open(join(dir.path, "index.sqlite"));
  try {
    const words = ["dating", "speedrun", "clutch", "insane", "zeppelin", "boss"];
    let offset = 0;
    // Many small batches: one FTS segment each, as a monitor leaves them.
    for (let b = 0; b < 40; b++) {
      const rows = Array.from({ length: 25 }, (_, i) => {
        const n = b * 25 + i;
        const text = `${words[n % 6]} and ${words[Math.floor(n / 6) % 6]} #${n}`;
        const row = {
          ts: Date.parse("2025-09-02T12:00:00.000Z") + n * 1000,
          user: `user${n % 9}`,
          person: `user${n % 9}`,
          channel: `chan${n % 3}`,
          mid: `m${String(n).padStart(5, "0")}`,
          addressed: null,
          text,
          offset,
          length: text.length,
        };
        offset += text.length + 1;
        return row;
      });
      ix.transaction(() => ix.append(rows, { offset, head: "h", tail: "t" }));
    }
    const queries = [
      { terms: ["dating"], limit: 20 },
      { terms: ["zeppelin", "insane"], limit: 5 },
      { user: "user3", terms: ["clutch"], limit: 50 },
      { channel: "chan1", terms: ["boss"], limit: 2000 },
      { terms: ["#99"], limit: 3 },
    ];
    const before = queries.map((q) => ix.candidates(q));
    const segments = () => ix.stats().ftsDataRows;
    const dataRowsBefore = segments();
    ix.optimize();
    assert.ok(segments() < dataRowsBefore, "optimize left the FTS data as it was");
    assert.deepEqual(queries.map((q) => ix.candidates(q)), before);
    assert.ok(before.every((c) => c.length > 0));
  } finally {
    ix.close();
  }
});

Deno.test("an index of an older layout is replaced by a new file, not emptied in place", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "index.sqlite");
  // A file left by an older program (made here with its own SQL, as that program did).
  const old = new DatabaseSync(path);
  old.exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL");
  old.exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID");
  old.exec("INSERT INTO meta VALUES ('version', '5')");
  old.exec("CREATE TABLE profile_state(name TEXT, state TEXT)");
  old.exec("INSERT INTO profile_state VALUES ('oldsecretuser', 'x')");
  old.close();
  const ix = MessageIndex.open(path);
  try {
    assert.equal(ix.meta("version"), INDEX_VERSION);
    assert.equal(ix.stats().pageSize, 8192);
    assert.equal(ix.count(), 0);
  } finally {
    ix.close();
  }
  for (const suffix of ["", "-wal"]) {
    const bytes = await Deno.readFile(path + suffix).catch(() => new Uint8Array());
    assert.ok(!new TextDecoder("latin1").decode(bytes).includes("oldsecretuser"), suffix);
  }
});
