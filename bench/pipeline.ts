/**
 * Where the whole pipeline's CPU goes: replays the generated fixture (`bench/_chat_fixture.ts`,
 * cached under `bench/.out/` as `bench/memory.ts` caches it) through `chat run --offline
 * --speed 0` of one or more trees, alternating run by run so that all see the same load, and
 * prints for each run its wall time, rate, peak RSS and CPU time per thread: the main thread
 * (`deno`: replay, analysis, the log), the two derived workers (`worker-1`, `worker-2`: in this
 * tree always the index writer, then the rollup writer; a tree before session 8 started them in
 * either order), V8's helper threads (GC) and the rest. With two cores, the sum bounds the wall time as much as the slowest thread does.
 *
 * Each tree runs with the flags and environment of its own `cli` task unless a variant says
 * otherwise: `--variant 'label=[NAME=value ...] [deno run flags]'` adds a run of this tree with
 * that environment instead of the task's and those `deno run` flags (permissions `-A`; see
 * `parseVariant` in `bench/_proc.ts`), to weigh malloc and V8 settings against each other.
 *
 *   deno run -A bench/pipeline.ts [--count 1000000] [--baseline /work/base] [--runs 1]
 *     [--variant 'noflags='] [--variant 'semi8=MALLOC_ARENA_MAX=2 --v8-flags=--max-semi-space-size=8']
 *
 * @module
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { cachedChatFixture, lineCount, offlineChatRunArgs } from "./_chat_fixture.ts";
import {
  cliTaskEnv,
  cliTaskFlags,
  DENO,
  measure,
  type Measured,
  parseVariant,
  perSecond,
} from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "1000000" },
    channels: { type: "string", default: "4" },
    baseline: { type: "string", multiple: true, default: [] },
    variant: { type: "string", multiple: true, default: [] },
    runs: { type: "string", default: "1" },
  },
});
const n = Number(values.count);
const nChannels = Number(values.channels);
const runs = Math.max(1, Number(values.runs));
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const out = join(root, "bench", ".out");

/** One configuration to run: a tree, its `deno run` flags and its environment. */
interface Config {
  label: string;
  tree: string;
  flags: string[];
  env: Record<string, string>;
}

function fixture(): Promise<{ dir: string; channels: string[] }> {
  return cachedChatFixture(out, n, nChannels);
}

const configs: Config[] = [];
for (const tree of values.baseline) {
  configs.push({ label: tree, tree, flags: await cliTaskFlags(tree), env: await cliTaskEnv(tree) });
}
configs.push({
  label: "this tree",
  tree: root,
  flags: await cliTaskFlags(root),
  env: await cliTaskEnv(root),
});
for (const spec of values.variant) {
  const v = parseVariant(spec);
  configs.push({ label: `this tree, ${v.label}`, tree: root, flags: v.flags, env: v.env });
}

const fx = await fixture();
const results = new Map<string, Measured[]>(configs.map((c) => [c.label, []]));
const s = (ms: number) => (ms / 1000).toFixed(1);

/** The CPU seconds of a run by thread group, as one line. */
function threadLine(m: Measured): string {
  const t = m.threadCpuMs;
  const named = ["deno", "worker-1", "worker-2", "V8 DefaultWorke"];
  const rest = Object.entries(t).filter(([k]) => !named.includes(k)).reduce((a, [, v]) => a + v, 0);
  const total = Object.values(t).reduce((a, v) => a + v, 0);
  return `CPU s: main ${s(t["deno"] ?? 0)}, worker-1 ${s(t["worker-1"] ?? 0)}, worker-2 ${
    s(t["worker-2"] ?? 0)
  }, V8 helpers ${s(t["V8 DefaultWorke"] ?? 0)}, other ${s(rest)}; total ${s(total)}`;
}

console.log(`pipeline benchmark: ${n.toLocaleString("en-US")} messages, ${nChannels} channels`);
for (let r = 0; r < runs; r++) {
  for (const c of configs) {
    const dataDir = join(out, `pipeline-data-${n}`);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await new Deno.Command("sync").output().catch(() => {});
    const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
    // The task's environment too (glibc's malloc settings), as `deno task cli` starts it.
    const m = await measure(DENO, offlineChatRunArgs(c.tree, c.flags, fx, dataDir), {
      cwd: c.tree,
      env: c.env,
    });
    if (m.code !== 0) throw new Error(`${c.label}: chat run failed: ${m.stderr}`);
    const lines = await lineCount(join(dataDir, "logs", "messages.jsonl"));
    if (lines !== n) throw new Error(`${c.label}: expected ${n} stored messages, found ${lines}`);
    results.get(c.label)!.push(m);
    console.log(
      `  ${c.label}: ${s(m.wallMs)} s wall (${
        perSecond(n, m.wallMs)
      }), peak RSS ${m.peakRssMb} MB` +
        ` (load ${load})\n    ${threadLine(m)}`,
    );
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const first = median(results.get(configs[0]!.label)!.map((m) => m.wallMs));
console.log(`medians (ratio of wall time to ${configs[0]!.label}):`);
for (const c of configs) {
  const ms = results.get(c.label)!;
  const wall = median(ms.map((m) => m.wallMs));
  const cpu = median(ms.map((m) => Object.values(m.threadCpuMs).reduce((a, v) => a + v, 0)));
  console.log(
    `  ${c.label}: ${s(wall)} s wall (${(wall / first).toFixed(2)}x), ${s(cpu)} CPU s, peak RSS ${
      median(ms.map((m) => m.peakRssMb ?? 0))
    } MB`,
  );
}
