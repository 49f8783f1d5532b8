/**
 * Disk use of a data dir by part, as ratios of the message log: the log's id runs, the search
 * index by table and B-tree (SQLite's `dbstat`), the rollup state, and the profile files (bytes
 * and the 4 KiB blocks they occupy). Read-only.
 *
 *   deno run -A bench/disk.ts DATA_DIR
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { layout } from "../src/store/layout.ts";

const USAGE = "usage: deno run -A bench/disk.ts DATA_DIR";
const dataDir = Deno.args[0];
if (!dataDir || dataDir === "--help" || dataDir === "-h") {
  console.error(USAGE);
  Deno.exit(dataDir ? 0 : 2);
}
const l = layout(dataDir);
// A mistyped path would print a table of zeros and NaN ratios: say what is missing instead.
try {
  Deno.statSync(l.messages);
} catch {
  console.error(`disk: ${l.messages}: no message log in this data dir`);
  Deno.exit(1);
}

function size(path: string): { bytes: number; blocks: number; files: number } {
  let st: Deno.FileInfo;
  try {
    st = Deno.statSync(path);
  } catch {
    return { bytes: 0, blocks: 0, files: 0 };
  }
  if (!st.isDirectory) return { bytes: st.size, blocks: (st.blocks ?? 0) * 512, files: 1 };
  const out = { bytes: 0, blocks: 0, files: 0 };
  for (const e of Deno.readDirSync(path)) {
    const s = size(join(path, e.name));
    out.bytes += s.bytes;
    out.blocks += s.blocks;
    out.files += s.files;
  }
  return out;
}

function tables(path: string): Array<{ name: string; bytes: number }> {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return (db.prepare(
        "SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC",
      ).all() as Array<{ name: string; bytes: number }>).map((r) => ({
        name: r.name,
        bytes: Number(r.bytes),
      }));
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

const log = size(l.messages).bytes;
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const ratio = (b: number) => `${(b / log).toFixed(3)}x`;
const row = (what: string, b: number, note = "") =>
  console.log(`  ${what.padEnd(34)} ${mb(b).padStart(10)} ${ratio(b).padStart(8)}${note}`);

console.log(`data dir ${dataDir}: by part, as a share of the message log`);
row("logs/messages.jsonl", log);
const ids = size(`${l.messages}.ids`);
row("logs/messages.jsonl.ids/ (dedup)", ids.bytes, `  (${ids.files} files)`);
const events = size(l.events).bytes + size(`${l.events}.ids`).bytes;
row("logs/events.jsonl (+ ids)", events);
const index = size(l.index).bytes;
const wal = size(`${l.index}-wal`).bytes;
row("index.sqlite", index);
for (const t of tables(l.index)) if (t.bytes >= index / 200) row(`  ${t.name}`, t.bytes);
if (wal) row("index.sqlite-wal", wal);
const state = size(l.profileState).bytes + size(`${l.profileState}-wal`).bytes;
row("profiles.sqlite (+ wal)", state);
for (const t of tables(l.profileState)) if (t.bytes >= state / 20) row(`  ${t.name}`, t.bytes);
const profiles = size(join(dataDir, "profiles"));
row(
  "profiles/ (files)",
  profiles.bytes,
  `  (${profiles.files} files, ${mb(profiles.blocks)} in blocks)`,
);
const total = size(dataDir);
row("data dir in all (bytes)", total.bytes);
row("data dir in all (blocks, as du)", total.blocks);
