/**
 * Search benchmark: builds (once, cached under bench/.out/) a data dir with N realistic messages
 * (hundreds of channels, tens of thousands of users) and its index, then reports for typical
 * queries the median latency through the library (`search()` in this process) and through the
 * whole CLI process (`deno run main.ts search messages ...`, start-up included), beside
 * `grep -c` over the same JSONL as the baseline, measured in the same run, with ratios. Each
 * query's indexed answer is checked against `--scan` once. Also: a 10,000-line log end to end,
 * with and without an index.
 *
 *   deno run -A bench/search.ts [--count 1000000] [--runs 15] [--rebuild]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import type { Message } from "../src/schemas.ts";
import { buildQuery, type SearchOptions } from "../src/query/search.ts";
import { scanSearch, search } from "../src/store/embedded/message_search.ts";
import { rebuildDerived } from "../src/store/embedded/derived_writer.ts";
import { layout } from "../src/store/layout.ts";
import { DENO, measure } from "./_proc.ts";
import { MEAN_GAP_MS, START, writeMessageLog } from "./_message_log.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "1000000" },
    runs: { type: "string", default: "15" },
    rebuild: { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const root = new URL("..", import.meta.url).pathname;
const out = join(root, "bench", ".out");
const GEN_VERSION = 1;

async function ensureDataDir(
  name: string,
  n: number,
): Promise<{ dir: string; indexSecs: number | null }> {
  const dir = join(out, name);
  const stamp = join(dir, "stamp.json");
  const want = JSON.stringify({ v: GEN_VERSION, n });
  try {
    if (!values.rebuild && (await Deno.readTextFile(stamp)) === want) {
      return { dir, indexSecs: null };
    }
  } catch {
    // Not built yet.
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const t0 = performance.now();
  await writeMessageLog(layout(dir).messages, n);
  const t1 = performance.now();
  console.log(
    `  generated ${n.toLocaleString("en-US")} messages in ${((t1 - t0) / 1000).toFixed(1)}s`,
  );
  await rebuildDerived(dir, { profiles: false });
  const indexSecs = (performance.now() - t1) / 1000;
  console.log(
    `  indexed in ${indexSecs.toFixed(1)}s (${
      Math.round(n / indexSecs).toLocaleString("en-US")
    } messages/s), ` +
      `index ${((await Deno.stat(layout(dir).index)).size / 1e6).toFixed(0)} MB, log ${
        ((await Deno.stat(layout(dir).messages)).size / 1e6).toFixed(0)
      } MB`,
  );
  await Deno.writeTextFile(stamp, want);
  return { dir, indexSecs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Case {
  name: string;
  opts: SearchOptions;
  grep: string[];
}

function cliArgs(o: SearchOptions, dataDir: string, extra: string[] = []): string[] {
  const a = [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    join(root, "main.ts"),
    "search",
    "messages",
  ];
  for (const [k, v] of Object.entries(o)) if (v !== undefined) a.push(`--${k}`, String(v));
  return [...a, "--data-dir", dataDir, "--format", "jsonl", ...extra];
}

async function timeLibrary(dataDir: string, o: SearchOptions): Promise<number> {
  const q = buildQuery(o);
  await search(dataDir, q); // warm the page cache
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await search(dataDir, q);
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function timeCli(args: string[], n: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await measure(DENO, args, { cwd: root });
    if (r.code !== 0) throw new Error(`cli failed: ${r.stderr}`);
    t.push(r.wallMs);
  }
  return median(t);
}

async function timeGrep(args: string[], n: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await measure("grep", args);
    if (r.code > 1) throw new Error(`grep failed: ${r.stderr}`);
    t.push(r.wallMs);
  }
  return median(t);
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)).padStart(7) + " ms";

console.log(`search benchmark (${runs} runs per library figure, medians)`);
const big = await ensureDataDir(`search-${count}`, count);
const log = layout(big.dir).messages;
// Pick the subjects of the queries from the data: a busy user and channel, a window.
const sample = (await Deno.readTextFile(log).then((t) => t.slice(0, 2_000_000))).split("\n")
  .slice(0, 2000).filter(Boolean).map((l) => JSON.parse(l) as Message);
const counts = new Map<string, number>();
for (const m of sample) counts.set(m.user_name, (counts.get(m.user_name) ?? 0) + 1);
const busyUser = [...counts].sort((a, b) => b[1] - a[1])[5]![0];
const oneUser = sample[1234]!.user_name;
const channel = "channel_3";
const endMs = START + count * MEAN_GAP_MS;
const since = new Date(endMs - 3 * 86400_000).toISOString();
const until = new Date(endMs - 3 * 86400_000 + 3600_000).toISOString();

const cases: Case[] = [
  {
    name: "one user",
    opts: { by: "user", value: oneUser },
    grep: ["-c", `"user_name":"${oneUser}"`, log],
  },
  {
    name: "channel + 1 h window",
    opts: { by: "channel", value: channel, since, until },
    grep: ["-c", `"channel":"${channel}"`, log],
  },
  { name: "common word", opts: { contains: "speedrun" }, grep: ["-c", "-i", "speedrun", log] },
  { name: "rare word", opts: { contains: "zeppelin" }, grep: ["-c", "-i", "zeppelin", log] },
  {
    name: "user + word",
    opts: { by: "user", value: busyUser, contains: "dating" },
    grep: ["-c", `"user_name":"${busyUser}".*dating`, log],
  },
  {
    name: "two words, no filter",
    opts: { contains: "clutch insane" },
    grep: ["-c", "-i", "clutch.*insane", log],
  },
];

console.log(`\n${count.toLocaleString("en-US")} messages, 300 channels, 30,000 users (${big.dir})`);
console.log(
  "  query                     library   CLI (start-up incl.)   grep -c   grep/library  grep/CLI  results",
);
for (const c of cases) {
  const q = buildQuery(c.opts);
  const viaIndex = await search(big.dir, q);
  const viaScan = await scanSearch(big.dir, q);
  const same = JSON.stringify(viaIndex.messages) === JSON.stringify(viaScan);
  const lib = await timeLibrary(big.dir, c.opts);
  const cli = await timeCli(cliArgs(c.opts, big.dir), 5);
  const grep = await timeGrep(c.grep, 3);
  console.log(
    `  ${c.name.padEnd(24)}${fmt(lib)}  ${fmt(cli)}             ${fmt(grep)}  ${
      (grep / lib).toFixed(0).padStart(9)
    }x ${(grep / cli).toFixed(1).padStart(8)}x  ${viaIndex.messages.length} via ${viaIndex.via}${
      same ? ", = --scan" : ", DIFFERS FROM --scan"
    }`,
  );
}

// A small log: 10,000 lines, end to end through the CLI, with and without an index.
const small = await ensureDataDir("search-10000", 10000);
const smallLog = layout(small.dir).messages;
console.log(`\n10,000 messages (${small.dir}), end to end through the CLI (median of 5)`);
const smallCase: SearchOptions = { by: "channel", value: "channel_0", contains: "speedrun" };
const withIndex = await timeCli(cliArgs(smallCase, small.dir), 5);
const scan = await timeCli(cliArgs(smallCase, small.dir, ["--scan"]), 5);
const grepSmall = await timeGrep(["-c", "-i", "speedrun", smallLog], 5);
const startup = await timeCli(["run", "--allow-read", join(root, "main.ts"), "--version"], 5);
console.log(
  `  indexed ${fmt(withIndex)}   --scan ${fmt(scan)}   grep -c ${
    fmt(grepSmall)
  }   (deno start-up + main.ts --version: ${fmt(startup).trim()})`,
);
