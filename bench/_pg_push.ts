/**
 * One monitor process of `bench/postgres.ts` (its steps 1 and 2): pushes one data dir's log
 * into the database at `--url` with the PostgreSQL store of this tree or of `--tree DIR`, then
 * compacts, and prints `{"secs": ..., "written": ...}`. A script of its own, importing only
 * the store's write path, so that each monitor process starts as a monitor does (the
 * benchmark's own modules, the embedded store and the search layer are not loaded: they cost
 * about 0.35 CPU-s and 0.7 s of start per process, which at 100k messages was a tenth of a
 * two-monitor run).
 *
 *   deno run -A bench/_pg_push.ts --push DIR --url URL [--tree DIR]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";

const { values } = parseArgs({
  args: Deno.args,
  options: { push: { type: "string" }, url: { type: "string" }, tree: { type: "string" } },
});
if (values.push === undefined || values.url === undefined) {
  throw new Error("usage: _pg_push.ts --push DIR --url URL [--tree DIR]");
}
const root = values.tree ?? new URL("..", import.meta.url).pathname;
const d = await import(join(root, "src/store/postgres/database.ts"));
const j = await import(join(root, "src/store/postgres/journal.ts"));
const db = await d.PgDatabase.open(values.url);
const t0 = performance.now();
const r = await j.pushJournal(values.push, db);
if ("compact" in db) await db.compact();
console.log(JSON.stringify({ secs: (performance.now() - t0) / 1000, written: r?.written ?? 0 }));
await db.close();
