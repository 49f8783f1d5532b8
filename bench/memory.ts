/**
 * Peak memory of `chat run` (log, index, profiles) against the message count: replays the
 * generated fixture of `bench/ingest.ts` (`bench/_chat_fixture.ts`: 4 channels, 20,000 users)
 * through the whole CLI at each size, started exactly as the `deno.json` task `cli` starts it
 * (its `deno run` flags, V8 flags included, and the environment it sets, glibc's malloc
 * settings: a task is what a user types), and reports peak RSS (VmHWM, as `bench/_proc.ts`
 * samples it for every bench), wall and CPU time (all threads) and the growth from the
 * smallest size to each larger one. With `--baseline <tree>` the same runs go through that
 * tree (e.g. `/work/main`, with its own task flags) too, alternating run by run, so both are
 * measured under the same load; `--variant 'label=[NAME=value ...] [deno run flags]'` adds runs of
 * this tree with that environment instead of its task's and those flags (as `bench/pipeline.ts`
 * reads them), to weigh malloc and V8 settings. Fixtures are cached under `bench/.out/` (a 2M fixture is about
 * 500 MB; `--clean` removes them at the end).
 *
 * `--heaps` says where the memory is: it adds V8's `--trace-gc` and reports, for each V8 heap
 * (the main thread and each derived worker, in the order of their first collection), the most
 * it committed and the most it held live after a full collection (the rest of the peak is
 * outside them: SQLite's page caches, the binary, buffers, the allocator's free memory).
 *
 *   deno run -A bench/memory.ts [--sizes 1000000,2000000] [--baseline /work/main] [--runs 1]
 *     [--variant 'label=MALLOC_ARENA_MAX=2 --v8-flags=...'] [--heaps] [--clean]
 *     [-- extra chat run flags]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { cachedChatFixture, lineCount, offlineChatRunArgs } from "./_chat_fixture.ts";
import { cliTaskEnv, cliTaskFlags, DENO, measure, parseVariant, perSecond } from "./_proc.ts";

const { values, positionals } = benchArgs(import.meta.url, {
  options: {
    sizes: { type: "string", default: "1000000,2000000" },
    channels: { type: "string", default: "4" },
    baseline: { type: "string" },
    runs: { type: "string", default: "1" },
    clean: { type: "boolean", default: false },
    heaps: { type: "boolean", default: false },
    variant: { type: "string", multiple: true, default: [] },
  },
  allowPositionals: true,
});
const sizes = values.sizes.split(",").map(Number);
const nChannels = Number(values.channels);
const runs = Math.max(1, Number(values.runs));
const root = new URL("..", import.meta.url).pathname;
const out = join(root, "bench", ".out");
/** One configuration to run: a tree, its `deno run` flags and its environment. */
interface Config {
  name: string;
  tree: string;
  flags: string[];
  env: Record<string, string>;
}
const fromTask = async (name: string, tree: string): Promise<Config> => ({
  name,
  tree,
  flags: await cliTaskFlags(tree),
  env: await cliTaskEnv(tree),
});
const trees: Config[] = [await fromTask("this tree", root)];
if (values.baseline) trees.unshift(await fromTask("baseline", values.baseline));
for (const spec of values.variant) {
  const v = parseVariant(spec);
  trees.push({ name: `this tree, ${v.label}`, tree: root, flags: v.flags, env: v.env });
}

function fixture(n: number): Promise<{ dir: string; channels: string[] }> {
  return cachedChatFixture(out, n, nChannels);
}

const load = async () =>
  (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");

/** The run's flags, with V8's `--trace-gc` added under `--heaps`. */
function runFlags(flags: string[]): string[] {
  if (!values.heaps) return flags;
  const at = flags.findIndex((f) => f.startsWith("--v8-flags="));
  if (at < 0) return [...flags, "--v8-flags=--trace-gc"];
  return flags.map((f, i) => (i === at ? `${f},--trace-gc` : f));
}

/**
 * Per V8 heap (by isolate, in the order of its first collection) in `--trace-gc` output: the
 * most committed, and the most live after a full (mark-compact) collection, in MB.
 */
function heapFigures(trace: string): string {
  const heaps = new Map<string, { committed: number; live: number }>();
  const line =
    /^\[\d+:(0x[0-9a-f]+)\].*?(Mark-Compact|Scavenge|Minor Mark-Sweep|Mark-Sweep)\S*\s+([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/gm;
  for (const m of trace.matchAll(line)) {
    const h = heaps.get(m[1]!) ?? { committed: 0, live: 0 };
    h.committed = Math.max(h.committed, Number(m[4]), Number(m[6]));
    if (m[2] === "Mark-Compact") h.live = Math.max(h.live, Number(m[5]));
    heaps.set(m[1]!, h);
  }
  const all = [...heaps.values()];
  const mb = (x: number) => x.toFixed(0);
  return `V8 heaps (by first collection) committed ${
    all.map((h) => mb(h.committed)).join(" / ")
  } MB at most, live after a full GC ${all.map((h) => mb(h.live)).join(" / ")} MB at most`;
}

async function chatRun(c: Config, fx: { dir: string; channels: string[] }, n: number) {
  const tree = c.tree;
  const dataDir = await Deno.makeTempDir({ dir: out, prefix: "memory-data-" });
  try {
    await new Deno.Command("sync").output().catch(() => {});
    const before = await load();
    const r = await measure(
      DENO,
      offlineChatRunArgs(tree, runFlags(c.flags), fx, dataDir, positionals),
      { cwd: tree, env: c.env },
    );
    if (r.code !== 0) throw new Error(`chat run in ${tree} failed: ${r.stderr}`);
    const lines = await lineCount(join(dataDir, "logs", "messages.jsonl"));
    if (lines !== n) throw new Error(`${tree}: expected ${n} stored messages, found ${lines}`);
    return { ...r, load: `${before} -> ${await load()}` };
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

console.log(
  `memory benchmark: chat run (index + profiles), ${nChannels} channels, 20,000 users, sizes ${
    sizes.map((n) => n.toLocaleString("en-US")).join(", ")
  }; flags of each tree's cli task: ${
    trees.map((c) =>
      `${c.name}: ${[...Object.entries(c.env).map(([k, v]) => `${k}=${v}`), ...c.flags].join(" ")}`
    ).join("; ")
  }`,
);
const peaks = new Map<string, Array<[number, number]>>(trees.map((c) => [c.name, []]));
for (const n of sizes) {
  const fx = await fixture(n);
  for (let i = 0; i < runs; i++) {
    // Alternate which tree goes first, so neither always runs after the other's writeback.
    const order = i % 2 === 0 ? trees : [...trees].reverse();
    for (const c of order) {
      const name = c.name;
      const r = await chatRun(c, fx, n);
      peaks.get(name)!.push([n, r.peakRssMb ?? 0]);
      console.log(
        `  ${n.toLocaleString("en-US")} messages, ${name}: peak RSS ${r.peakRssMb} MB, ${
          (r.wallMs / 1000).toFixed(1)
        } s (${perSecond(n, r.wallMs)}), CPU ${
          ((r.cpuMs.main + r.cpuMs.other) / 1000).toFixed(1)
        } s, load ${r.load}`,
      );
      if (values.heaps) console.log(`    ${heapFigures(r.stdout)}`);
    }
  }
}
for (const [name, xs] of peaks) {
  const bySize = sizes.map((n) => xs.filter(([m]) => m === n).map(([, mb]) => mb));
  const worst = bySize.map((mbs) => Math.max(...mbs));
  const growth = worst.slice(1).map((mb, i) =>
    `${sizes[i + 1]!.toLocaleString("en-US")}/${sizes[0]!.toLocaleString("en-US")} ${
      (mb / worst[0]!).toFixed(2)
    }x`
  );
  console.log(
    `  ${name}: highest peak by size ${
      sizes.map((n, i) => `${n.toLocaleString("en-US")}: ${worst[i]} MB`).join(", ")
    }${growth.length ? `; growth ${growth.join(", ")}` : ""}`,
  );
}
if (values.clean) {
  for (const n of sizes) {
    await Deno.remove(join(out, `memory-fx-${n}-${nChannels}`), { recursive: true });
  }
}
