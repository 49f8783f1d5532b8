import assert from "node:assert/strict";
import { join } from "node:path";
import { MAX_STATEMENTS, SOFT_HEAP_LIMIT, SqliteFile } from "../../src/store/embedded/sqlite.ts";
import { tempDir } from "../support/cli.ts";

const SCHEMA = "CREATE TABLE IF NOT EXISTS t(x INTEGER);";

Deno.test("SqliteFile.stmt() keeps at most MAX_STATEMENTS, the oldest going first", async () => {
  await using dir = await tempDir();
  const file = SqliteFile.open(join(dir.path, "a.sqlite"), { version: "1", schema: SCHEMA });
  try {
    const first = file.stmt("SELECT 0 AS n");
    assert.equal(file.stmt("SELECT 0 AS n"), first);
    for (let i = 1; i <= MAX_STATEMENTS; i++) file.stmt(`SELECT ${i} AS n`);
    const again = file.stmt("SELECT 0 AS n");
    assert.notEqual(again, first);
    assert.deepEqual({ ...again.get() as object }, { n: 0 });
    // A statement a caller still holds keeps working after it left the cache.
    assert.deepEqual({ ...first.get() as object }, { n: 0 });
  } finally {
    file.close();
  }
});

Deno.test("SqliteFile.open() sets SQLite's soft heap limit for a writer", async () => {
  await using dir = await tempDir();
  const file = SqliteFile.open(join(dir.path, "b.sqlite"), { version: "1", schema: SCHEMA });
  try {
    const row = file.db.prepare("PRAGMA soft_heap_limit").get() as { soft_heap_limit: number };
    assert.equal(row.soft_heap_limit, SOFT_HEAP_LIMIT);
  } finally {
    file.close();
  }
});
