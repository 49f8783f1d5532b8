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
 * benchmark lock, and the timed part under it). `--data-dir DIR` runs the shapes over a data
 * dir built otherwise (e.g. by `chat run` of `bench/memory.ts`'s fixture), its subjects drawn
 * from its log: the 4th channel of its first lines, its last day and hour.
 *
 * `--baseline TREE` runs each shape's CLI through that tree too (e.g. `/work/main`), over the
 * same data dir, alternating run by run with this tree's, so that both see the same load (the
 * library's figures are this tree's only: it runs in this process).
 *
 * The CLI runs with `--debug`, which says where its time went; the medians of those phases
 * (start-up until the handler runs, opening the store, the search with its count, the deleted
 * marks, writing the page) are printed under each shape.
 *
 *   deno run -A bench/scale.ts [--count 1000000] [--runs 11] [--cli-runs 5] [--check] [--rebuild]
 *     [--build-only] [--data-dir DIR] [--baseline TREE]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import type { Message } from "../src/schemas.ts";
import { buildQuery, searchMessages } from "../src/query/search.ts";
import { scanSearch } from "../src/store/embedded/message_search.ts";
import { openStore } from "../src/store/store.ts";
import { rebuildDerived } from "../src/store/embedded/derived_writer.ts";
import { layout } from "../src/store/layout.ts";
import { DENO, measure } from "./_proc.ts";
import { MEAN_GAP_MS, START, writeMessageLog } from "./_message_log.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "1000000" },
    runs: { type: "string", default: "11" },
    "cli-runs": { type: "string", default: "5" },
    check: { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
    "build-only": { type: "boolean", default: false },
    "data-dir": { type: "string" },
    baseline: { type: "string" },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const cliRuns = Number(values["cli-runs"]);
const root = new URL("..", import.meta.url).pathname;
const given = values["data-dir"];
const baseline = values.baseline;
if (baseline) {
  // A baseline of another index layout would rebuild this data dir's index on its first search.
  const ours = (await import("../src/store/embedded/message_index_schema.ts")).INDEX_VERSION;
  const theirs = (await import(join(baseline, "src/store/embedded/message_index_schema.ts")))
    .INDEX_VERSION;
  if (ours !== theirs) {
    console.error(`--baseline: index version ${theirs} there, ${ours} here: not comparable`);
    Deno.exit(2);
  }
}
const dir = given ?? join(root, "bench", ".out", `scale-${count}`);
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

console.log(
  given
    ? `scale benchmark over ${dir}`
    : `scale benchmark: ${count.toLocaleString("en-US")} messages (${dir})`,
);
if (!given) await ensureDataDir();
const loadAvg = async () =>
  (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
console.log(`  load average at the start: ${await loadAvg()}`);
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
/** The time of the log's last message (the end of its last 64 KiB). */
async function lastTs(path: string): Promise<number> {
  const f = await Deno.open(path);
  try {
    const size = (await f.stat()).size;
    const n = Math.min(size, 65536);
    await f.seek(size - n, Deno.SeekMode.Start);
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = await f.read(buf.subarray(got));
      if (r === null) break;
      got += r;
    }
    const lines = new TextDecoder().decode(buf.subarray(0, got)).trim().split("\n");
    return Date.parse((JSON.parse(lines[lines.length - 1]!) as Message).ts);
  } finally {
    f.close();
  }
}
const endMs = given ? await lastTs(l.messages) : START + count * MEAN_GAP_MS;
// A channel of middling traffic: channel_3 of the generated log, else the 4th busiest at its start.
const byChannel = new Map<string, number>();
for (const m of head) byChannel.set(m.channel, (byChannel.get(m.channel) ?? 0) + 1);
const channel = byChannel.has("channel_3")
  ? "channel_3"
  : [...byChannel].sort((a, b) => b[1] - a[1])[Math.min(3, byChannel.size - 1)]![0];
const iso = (ms: number) => new Date(ms).toISOString();
// The generated log spans a month; another data dir may span a day: its windows end near its end.
// A log shorter than that (a 1M `chat run` spans 14 hours): its first day.
const firstMs = Date.parse(head[0]!.ts);
let dayStart = Math.floor((endMs - (given ? 1 : 2) * 86400_000) / 86400_000) * 86400_000;
if (dayStart + 86400_000 <= firstMs) dayStart = Math.floor(firstMs / 86400_000) * 86400_000;
const windowFrom = given ? endMs - 2 * 3600_000 : endMs - 3 * 86400_000;
const window = `after:${iso(windowFrom)} before:${iso(windowFrom + 3600_000)}`;
// "zeppelin" is put into the generated log; chat run's fixture has no such word ("jessica" is
// about one message in 800 there).
const rare = given ? "jessica" : "zeppelin";

const shapes: Array<{ name: string; q: string; grep: string[] }> = [
  { name: "one user", q: `from:${oneUser}`, grep: ["-c", `"user_name":"${oneUser}"`] },
  {
    name: "channel + 1 h window",
    q: `in:${channel} ${window}`,
    grep: ["-c", `"channel":"${channel}"`],
  },
  { name: "rare word", q: rare, grep: ["-ci", rare] },
  { name: "common word", q: "speedrun", grep: ["-ci", "speedrun"] },
  { name: "two words", q: "clutch insane", grep: ["-ci", "clutch.*insane"] },
  { name: "phrase", q: '"love the coffee"', grep: ["-ci", "love the coffee"] },
  { name: "negation", q: "speedrun -insane", grep: ["-ci", "speedrun"] },
  {
    name: "regex, one channel-day",
    q: `in:${channel} after:${iso(dayStart)} before:${
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
  return (await runProc(cmd, args, n)).ms;
}

/** The median wall time of `n` runs, and the median of each phase a `--debug` CLI reported. */
async function runProc(
  cmd: string,
  args: string[],
  n: number,
): Promise<{ ms: number; all: number[]; phases: string }> {
  const t: number[] = [];
  const phases = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const r = await measure(cmd, args, { cwd: root });
    if (r.code > 1) throw new Error(`${cmd} failed: ${r.stderr}`);
    t.push(r.wallMs);
    const line = /^search: (start-up .*);/m.exec(r.stderr)?.[1] ?? "";
    for (const [, name, ms] of line.matchAll(/([a-z-]+) ([\d.]+) ms/g)) {
      phases.set(name!, [...(phases.get(name!) ?? []), Number(ms)]);
    }
  }
  const parts = [...phases].map(([name, xs]) => `${name} ${median(xs).toFixed(0)}`);
  return {
    ms: median(t),
    all: t,
    phases: parts.length ? `CLI phases (ms): ${parts.join(", ")}` : "",
  };
}

/** Single runs as one: the median of their times, the phases of the median run. */
function mergeRuns(rs: Array<{ ms: number; all: number[]; phases: string }>) {
  const sorted = [...rs].sort((a, b) => a.ms - b.ms);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  return { ms: mid.ms, all: rs.flatMap((r) => r.all), phases: mid.phases };
}

console.log(
  "  shape                    library   CLI (all incl.)   grep -c   grep/library  results (total)",
);
const rows: string[] = [];
for (const s of shapes) {
  const q = buildQuery({ query: s.q });
  const lib = await timeLibrary(q);
  const r = await searchMessages(store, q, { total: true });
  const cliArgs = (tree: string) => [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    join(tree, "main.ts"),
    "search",
    "messages",
    "-q",
    s.q,
    "--data-dir",
    dir,
    "--format",
    "jsonl",
    "--debug",
  ];
  // With a baseline, the two trees' runs alternate (one each, cliRuns times).
  const cliParts = [];
  const baseParts = [];
  for (let i = 0; i < (baseline ? cliRuns : 1); i++) {
    if (baseline) baseParts.push(await runProc(DENO, cliArgs(baseline), 1));
    cliParts.push(await runProc(DENO, cliArgs(root), baseline ? 1 : cliRuns));
  }
  const cli = baseline ? mergeRuns(cliParts) : cliParts[0]!;
  const base = baseline ? mergeRuns(baseParts) : null;
  const grep = await timeProc("grep", [...s.grep, l.messages], 3);
  let check = "";
  if (values.check) {
    // No time budget: the scan of a whole big log may take longer than a regex is allowed.
    const viaScan = await scanSearch(dir, q, { regexBudgetMs: Infinity });
    check = JSON.stringify(viaScan) === JSON.stringify(r.messages) ? ", = --scan" : ", DIFFERS";
  }
  const line = `  ${s.name.padEnd(23)}${fmt(lib)}  ${fmt(cli.ms)}  ${fmt(grep)}  ${
    (grep / lib).toFixed(0).padStart(9)
  }x   ${r.messages.length} (${r.total}) via ${r.via}${check}`;
  console.log(line);
  console.log(`      ${cli.phases}`);
  if (base) {
    console.log(
      `      baseline CLI ${fmt(base.ms).trim()} (this tree ${
        (cli.ms / base.ms).toFixed(2)
      }x; runs ${base.all.map((x) => x.toFixed(0)).join(", ")} against ${
        cli.all.map((x) => x.toFixed(0)).join(", ")
      }); ${base.phases}`,
    );
  }
  rows.push(line);
}
const startup = await timeProc(
  DENO,
  ["run", "--allow-read", join(root, "main.ts"), "--version"],
  cliRuns,
);
console.log(`  beside them, Deno start-up + main.ts --version: ${fmt(startup).trim()}`);
console.log(`  load average at the end: ${await loadAvg()}`);
await store.close();
console.log(`  queries: ${shapes.map((s) => `${s.name}: ${s.q}`).join(" | ")}`);
