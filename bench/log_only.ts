/**
 * The log-only path (`chat run --offline --speed 0 --log-only`: parse, analysis, dedup,
 * redaction, JSONL append) of this tree beside a baseline tree, in the same run: the trees
 * alternate over the same fixture, and each run gives its wall time, the CPU time of its main
 * thread and that of all its threads (read from /proc while it runs: on a machine shared with
 * other work, the wall time swings with the load, the CPU times much less). The logs the trees write must be
 * the same bytes, or the bench fails. Each run also gives the CPU time of its worker threads
 * (the analysis) and of V8's helper threads (mostly the garbage collector), and the load.
 * `--source irc|twitchdownloader` runs `import --log-only` instead, over the inputs
 * `bench/import.ts --inputs-only DIR` wrote (the same messages).
 *
 *   deno run -A bench/log_only.ts [--count 333333] [--repeat 3] [--baseline /path/to/tree]
 *   deno run -A bench/log_only.ts --source irc|twitchdownloader --inputs DIR [--repeat 3] [--baseline ...]
 */
import { benchArgs } from "./_args.ts";
import { join, resolve } from "node:path";
import { lineCount, offlineChatRunArgs, writeChatFixture } from "./_chat_fixture.ts";
import { cliTaskEnv, cliTaskFlags, DENO, perSecond } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "333333" },
    repeat: { type: "string", default: "3" },
    baseline: { type: "string" },
    channels: { type: "string", default: "4" },
    source: { type: "string", default: "replay" },
    inputs: { type: "string" },
  },
});
const source = values.source;
if (source !== "replay" && source !== "irc" && source !== "twitchdownloader") {
  throw new Error(`--source must be replay, irc or twitchdownloader, got ${source}`);
}
if (source !== "replay" && values.inputs === undefined) {
  throw new Error(`--source ${source} reads the inputs of bench/import.ts --inputs-only DIR`);
}
/** Messages a run stores (for an import: counted in the first log written). */
let count = Number(values.count);
const repeat = Math.max(1, Number(values.repeat));
const here = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const trees = values.baseline ? [values.baseline.replace(/\/$/, ""), here] : [here];
const tmp = await Deno.makeTempDir({ prefix: "osint-log-only-" });

/** CPU seconds (user + system) of a task, from its /proc stat line; null once it is gone. */
function cpuSeconds(path: string): number | null {
  try {
    const s = Deno.readTextFileSync(path);
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (USER_HZ is 100 on Linux)
  } catch {
    return null;
  }
}

interface Sample {
  wallS: number;
  mainCpuS: number;
  /** The worker threads' (`worker-N`: the analysis), added up. */
  workerCpuS: number;
  /** V8's helper threads' (`V8 DefaultWorker`: mostly the garbage collector's), added up. */
  v8CpuS: number;
  /** Every thread of the process (main, workers, V8's helpers). */
  totalCpuS: number;
}

/** The last CPU seconds read of each thread of `pid` (threads that ended keep their last). */
function sampleThreads(pid: number, seen: Map<string, { name: string; cpuS: number }>): void {
  try {
    for (const e of Deno.readDirSync(`/proc/${pid}/task`)) {
      const path = `/proc/${pid}/task/${e.name}/stat`;
      const cpuS = cpuSeconds(path);
      if (cpuS === null) continue;
      const prior = seen.get(e.name);
      if (prior) prior.cpuS = cpuS;
      else {
        const stat = Deno.readTextFileSync(path);
        seen.set(e.name, { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), cpuS });
      }
    }
  } catch {
    // The process ended between two reads.
  }
}

async function runOnce(tree: string, dataDir: string): Promise<Sample> {
  await new Deno.Command("sync").output().catch(() => {});
  const flags = await cliTaskFlags(tree);
  const args = source === "replay"
    ? offlineChatRunArgs(tree, flags, fx, dataDir, ["--log-only"])
    : importArgs(tree, flags, dataDir);
  const t0 = performance.now();
  const env = await cliTaskEnv(tree); // the task's malloc settings, as `deno task cli` runs it
  const child = new Deno.Command(DENO, { args, cwd: tree, env, stdout: "null", stderr: "piped" })
    .spawn();
  let main = 0;
  let total = 0;
  const threads = new Map<string, { name: string; cpuS: number }>();
  let running = true;
  const sampler = (async () => {
    while (running) {
      main = cpuSeconds(`/proc/${child.pid}/task/${child.pid}/stat`) ?? main;
      total = cpuSeconds(`/proc/${child.pid}/stat`) ?? total;
      sampleThreads(child.pid, threads);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const out = await child.output();
  const wallS = (performance.now() - t0) / 1000;
  running = false;
  await sampler;
  if (out.code !== 0) {
    throw new Error(
      `${source === "replay" ? "chat run" : "import"} in ${tree} failed: ${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
  const sum = (prefix: string) =>
    [...threads.values()].filter((t) => t.name.startsWith(prefix))
      .reduce((a, t) => a + t.cpuS, 0);
  return {
    wallS,
    mainCpuS: main,
    workerCpuS: sum("worker-"),
    v8CpuS: sum("V8 "),
    totalCpuS: total,
  };
}

/** `import --log-only` of the `--inputs` in `--source`'s format, with the tree's task flags. */
function importArgs(tree: string, flags: string[], dataDir: string): string[] {
  const dir = resolve(values.inputs!);
  const path = source === "irc" ? join(dir, "capture.irc.txt") : join(dir, "twitchdownloader");
  return [
    "run",
    ...flags,
    join(tree, "main.ts"),
    "import",
    path,
    "--format",
    source,
    "--fixtures-dir",
    join(dir, "fixtures"),
    "--log-only",
    "--quiet",
    "--data-dir",
    dataDir,
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const fx = source === "replay"
  ? await writeChatFixture(join(tmp, "fx"), count, Number(values.channels))
  : { dir: "", channels: [] };
/** The load averages (1, 5, 15 minutes). */
function loadNow(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
}
const load = loadNow();
console.log(
  source === "replay"
    ? `log-only chat run, ${count.toLocaleString("en-US")} messages (load ${load})`
    : `log-only import --format ${source} of ${values.inputs} (load ${load})`,
);
const samples = new Map<string, Sample[]>(trees.map((t) => [t, []]));
for (let r = 0; r < repeat; r++) {
  for (const [i, tree] of trees.entries()) {
    const dataDir = join(tmp, `data-${i}`);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    const s = await runOnce(tree, dataDir);
    if (source !== "replay" && r === 0 && i === 0) {
      count = await lineCount(join(dataDir, "logs", "messages.jsonl"));
    }
    samples.get(tree)!.push(s);
    console.log(
      `  ${tree}: ${perSecond(count, s.wallS * 1000)} (${s.wallS.toFixed(2)} s wall, ` +
        `main thread ${s.mainCpuS.toFixed(2)} s CPU, workers ${s.workerCpuS.toFixed(2)}, ` +
        `V8 helpers ${s.v8CpuS.toFixed(2)}, all threads ${s.totalCpuS.toFixed(2)} s; ` +
        `load ${loadNow()})`,
    );
  }
}
if (trees.length === 2) {
  const [a, b] = [0, 1].map((i) => join(tmp, `data-${i}`, "logs", "messages.jsonl"));
  const same = await new Deno.Command("cmp", { args: ["-s", a!, b!] }).output();
  if (same.code !== 0) throw new Error(`the two trees wrote different logs: cmp ${a} ${b}`);
  const bytes = (await Deno.stat(b!)).size;
  console.log(`  the logs are the same bytes (${bytes.toLocaleString("en-US")} bytes, cmp)`);
}
const base = samples.get(trees[0]!)!;
for (const tree of trees) {
  const s = samples.get(tree)!;
  const wall = median(s.map((x) => x.wallS));
  const cpu = median(s.map((x) => x.mainCpuS));
  const all = median(s.map((x) => x.totalCpuS));
  console.log(
    `  median ${tree}: ${perSecond(count, wall * 1000)} wall, main thread ${cpu.toFixed(2)} s ` +
      `CPU, all threads ${all.toFixed(2)} s` +
      (tree === trees[0]
        ? ""
        : `; against the baseline: wall ${
          (median(base.map((x) => x.wallS)) / wall).toFixed(2)
        }x, main thread ${(median(base.map((x) => x.mainCpuS)) / cpu).toFixed(2)}x, ` +
          `all threads ${(median(base.map((x) => x.totalCpuS)) / all).toFixed(2)}x`),
  );
}
const after = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
console.log(`  load after: ${after}`);
await Deno.remove(tmp, { recursive: true });
