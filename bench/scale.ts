/**
 * Query benchmark at scale: builds (once, cached under bench/.out/) a data dir of N generated
 * messages (`bench/_message_log.ts`; 10M is about 2.5 GB of JSONL) and its index, then for each
 * shape of the query language reports the library's median (`searchMessages()` of the query
 * layer through the Store, in this process, the first page of 20), the whole CLI's median (`search messages -q ...`, start-up and the
 * "N of M shown" count included), and `grep -c` over the same log in the same run, with
 * ratios. With `--check`, each shape's indexed answer is compared with `--scan` once (a full
 * read of the log per shape: slow at 10M). Also prints the data dir's size by part.
 *
 * `--build-only` builds the data dir and stops (the build of 10M takes long: run it outside the
 * benchmark lock, and the timed part under it).
 *
 *   deno run -A bench/scale.ts [--count 1000000] [--runs 11] [--cli-runs 5] [--check] [--rebuild]
 *     [--build-only]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { Message } from "../src/schemas.ts";
import { buildQuery, searchMessages } from "../src/query/search.ts";
import { scanSearch } from "../src/store/embedded/message_search.ts";
import { openStore } from "../src/store/store.ts";
import { rebuildDerived } from "../src/store/embedded/derived_writer.ts";
import { layout } from "../src/store/layout.ts";
import { DENO, measure } from "./_proc.ts";
import { MEAN_GAP_MS, START, writeMessageLog } from "./_message_log.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "1000000" },
    runs: { type: "string", default: "11" },
    "cli-runs": { type: "string", default: "5" },
    check: { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
    "build-only": { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const cliRuns = Number(values["cli-runs"]);
const root = new URL("..", import.meta.url).pathname;
const dir = join(root, "bench", ".out", `scale-${count}`);
const GEN_VERSION = 1;

async function ensureDataDir(): Promise<void> {
  const stamp = join(dir, "stamp.json");
  const want = JSON.stringify({ v: GEN_VERSION, n: count });
  try {
    if (!values.rebuild && (await Deno.readTextFile(stamp)) === want) return;
  } catch {
    // Not built yet.
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const t0 = performance.now();
  await writeMessageLog(layout(dir).messages, count);
  const t1 = performance.now();
  console.log(`  generated in ${((t1 - t0) / 1000).toFixed(0)} s`);
  await rebuildDerived(dir, { profiles: false });
  const secs = (performance.now() - t1) / 1000;
  console.log(`  indexed in ${secs.toFixed(0)} s (${Math.round(count / secs)} messages/s)`);
  await Deno.writeTextFile(stamp, want);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)).padStart(7) + " ms";
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

console.log(`scale benchmark: ${count.toLocaleString("en-US")} messages (${dir})`);
await ensureDataDir();
if (values["build-only"]) Deno.exit(0);
const l = layout(dir);
const logBytes = await sizeOf(l.messages);
const indexBytes = (await sizeOf(l.index)) + (await sizeOf(`${l.index}-wal`));
console.log(
  `  data dir: log ${mb(logBytes)}, index ${mb(indexBytes)} (${
    (indexBytes / logBytes).toFixed(2)
  }x the log)`,
);

/** The first `n` bytes of a file as text (a 10M-message log is longer than a string can be). */
async function readHead(path: string, n: number): Promise<string> {
  const f = await Deno.open(path);
  try {
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = await f.read(buf.subarray(got));
      if (r === null) break;
      got += r;
    }
    return new TextDecoder().decode(buf.subarray(0, got));
  } finally {
    f.close();
  }
}

// Subjects of the queries, from the data: a quiet and a busy user, a channel, a day, a window.
const head = (await readHead(l.messages, 2_000_000)).split("\n")
  .slice(0, 3000).filter(Boolean).map((x) => JSON.parse(x) as Message);
const byUser = new Map<string, number>();
for (const m of head) byUser.set(m.user_name, (byUser.get(m.user_name) ?? 0) + 1);
const busyUser = [...byUser].sort((a, b) => b[1] - a[1])[5]![0];
const oneUser = head[1234]!.user_name;
const endMs = START + count * MEAN_GAP_MS;
const iso = (ms: number) => new Date(ms).toISOString();
const dayStart = Math.floor((endMs - 2 * 86400_000) / 86400_000) * 86400_000;
const window = `after:${iso(endMs - 3 * 86400_000)} before:${
  iso(endMs - 3 * 86400_000 + 3600_000)
}`;

const shapes: Array<{ name: string; q: string; grep: string[] }> = [
  { name: "one user", q: `from:${oneUser}`, grep: ["-c", `"user_name":"${oneUser}"`] },
  {
    name: "channel + 1 h window",
    q: `in:channel_3 ${window}`,
    grep: ["-c", `"channel":"channel_3"`],
  },
  { name: "rare word", q: "zeppelin", grep: ["-ci", "zeppelin"] },
  { name: "common word", q: "speedrun", grep: ["-ci", "speedrun"] },
  { name: "two words", q: "clutch insane", grep: ["-ci", "clutch.*insane"] },
  { name: "phrase", q: '"love the coffee"', grep: ["-ci", "love the coffee"] },
  { name: "negation", q: "speedrun -insane", grep: ["-ci", "speedrun"] },
  {
    name: "regex, one channel-day",
    q: `in:channel_3 after:${iso(dayStart)} before:${
      iso(dayStart + 86400_000)
    } /\\bdat(ing|e)\\b/i`,
    grep: ["-ciE", "\\bdat(ing|e)\\b"],
  },
  {
    name: "field mix",
    q: `from:${busyUser} has:link OR has:mention -kekw after:${iso(endMs - 7 * 86400_000)}`,
    grep: ["-c", `"user_name":"${busyUser}"`],
  },
];

const store = await openStore({ dataDir: dir });

async function timeLibrary(q: ReturnType<typeof buildQuery>): Promise<number> {
  await searchMessages(store, q);
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await searchMessages(store, q);
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function timeProc(cmd: string, args: string[], n: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await measure(cmd, args, { cwd: root });
    if (r.code > 1) throw new Error(`${cmd} failed: ${r.stderr}`);
    t.push(r.wallMs);
  }
  return median(t);
}

console.log(
  "  shape                    library   CLI (all incl.)   grep -c   grep/library  results (total)",
);
const rows: string[] = [];
for (const s of shapes) {
  const q = buildQuery({ query: s.q });
  const lib = await timeLibrary(q);
  const r = await searchMessages(store, q, { total: true });
  const cli = await timeProc(DENO, [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    join(root, "main.ts"),
    "search",
    "messages",
    "-q",
    s.q,
    "--data-dir",
    dir,
    "--format",
    "jsonl",
  ], cliRuns);
  const grep = await timeProc("grep", [...s.grep, l.messages], 3);
  let check = "";
  if (values.check) {
    // No time budget: the scan of a whole big log may take longer than a regex is allowed.
    const viaScan = await scanSearch(dir, q, { regexBudgetMs: Infinity });
    check = JSON.stringify(viaScan) === JSON.stringify(r.messages) ? ", = --scan" : ", DIFFERS";
  }
  const line = `  ${s.name.padEnd(23)}${fmt(lib)}  ${fmt(cli)}  ${fmt(grep)}  ${
    (grep / lib).toFixed(0).padStart(9)
  }x   ${r.messages.length} (${r.total}) via ${r.via}${check}`;
  console.log(line);
  rows.push(line);
}
const startup = await timeProc(
  DENO,
  ["run", "--allow-read", join(root, "main.ts"), "--version"],
  cliRuns,
);
console.log(`  beside them, Deno start-up + main.ts --version: ${fmt(startup).trim()}`);
await store.close();
console.log(`  queries: ${shapes.map((s) => `${s.name}: ${s.q}`).join(" | ")}`);
