/**
 * The rollup writer alone: replays a stored log (`messages.jsonl`) into a fresh data dir in
 * chunks of lines, catching the rollups up after each chunk and flushing profiles every
 * `--flush-every` lines and at the end, as a monitor's rollup worker does, in one thread of a
 * child process per tree (alternating trees run by run). Prints per tree the CPU seconds of the
 * catch-ups (read, parse, fold), of the flushes (persist, render, write files), the process's
 * total CPU, its peak RSS and the heap in use after the last catch-up (after a GC), with ratios
 * against the first tree.
 *
 *   deno run -A bench/rollup_writer.ts --log <messages.jsonl> [--baseline /work/main]
 *     [--runs 2] [--chunk 20000] [--flush-every 400000]
 *
 * @module
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import process from "node:process";

const { values } = benchArgs(import.meta.url, {
  options: {
    log: { type: "string" },
    baseline: { type: "string", multiple: true, default: [] },
    runs: { type: "string", default: "1" },
    chunk: { type: "string", default: "20000" },
    "flush-every": { type: "string", default: "400000" },
    child: { type: "string" },
    "data-dir": { type: "string" },
  },
});
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

interface ChildResult {
  catchUpCpuMs: number;
  flushCpuMs: number;
  totalCpuMs: number;
  heapMb: number;
  peakRssMb: number;
  folded: number;
  files: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function child(tree: string, log: string, dataDir: string): Promise<ChildResult> {
  const { DerivedWriter } = await import(join(tree, "src/store/embedded/derived_writer.ts"));
  const { layout } = await import(join(tree, "src/store/layout.ts"));
  const chunk = Number(values.chunk);
  const flushEvery = Number(values["flush-every"]);
  const text = await Deno.readTextFile(log);
  const lines = text.split("\n").filter((l) => l !== "");
  const target: string = layout(dataDir).messages;
  await Deno.mkdir(join(target, ".."), { recursive: true });
  const out = await Deno.open(target, { create: true, append: true });
  const enc = new TextEncoder();
  const w = await DerivedWriter.open(dataDir, { index: false, profiles: true });
  let catchUpCpuMs = 0;
  let flushCpuMs = 0;
  let folded = 0;
  let files = 0;
  let sinceFlush = 0;
  const t0 = cpuMs();
  for (let i = 0; i < lines.length; i += chunk) {
    const part = lines.slice(i, i + chunk);
    await out.write(enc.encode(part.join("\n") + "\n"));
    const a = cpuMs();
    folded += (await w.catchUp()).folded;
    catchUpCpuMs += cpuMs() - a;
    sinceFlush += part.length;
    if (sinceFlush >= flushEvery && i + chunk < lines.length) {
      const b = cpuMs();
      const f = w.flushProfiles(false);
      files += f.users + f.channels;
      flushCpuMs += cpuMs() - b;
      sinceFlush = 0;
    }
  }
  // deno-lint-ignore no-explicit-any -- gc exists only with --expose-gc
  (globalThis as any).gc?.();
  const heapMb = Math.round(Deno.memoryUsage().heapUsed / 1e6);
  const b = cpuMs();
  const f = w.flushProfiles(true);
  files += f.users + f.channels;
  flushCpuMs += cpuMs() - b;
  const totalCpuMs = cpuMs() - t0;
  w.close();
  out.close();
  const status = await Deno.readTextFile("/proc/self/status");
  const peakRssMb = Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024);
  return { catchUpCpuMs, flushCpuMs, totalCpuMs, heapMb, peakRssMb, folded, files };
}

if (values.child !== undefined) {
  const r = await child(values.child, values.log!, values["data-dir"]!);
  console.log(JSON.stringify(r));
  Deno.exit(0);
}

if (values.log === undefined) throw new Error("--log <messages.jsonl> is required");
const trees = [...values.baseline, root];
const results = new Map<string, ChildResult[]>(trees.map((t) => [t, []]));
const s = (ms: number) => (ms / 1000).toFixed(2);
const dataDir = join(root, "bench", ".out", "rollup-writer-data");
for (let r = 0; r < Math.max(1, Number(values.runs)); r++) {
  for (const tree of trees) {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
    const o = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc,--heap-growing-percent=50,--max-semi-space-size=4",
        new URL(import.meta.url).pathname,
        "--child",
        tree,
        "--log",
        values.log,
        "--data-dir",
        dataDir,
        "--chunk",
        values.chunk,
        "--flush-every",
        values["flush-every"],
      ],
      stderr: "inherit",
    }).output();
    if (!o.success) throw new Error(`${tree}: child failed`);
    const m: ChildResult = JSON.parse(new TextDecoder().decode(o.stdout).trim().split("\n").pop()!);
    results.get(tree)!.push(m);
    console.log(
      `  ${tree}: catch-up ${s(m.catchUpCpuMs)} CPU s, flush ${s(m.flushCpuMs)}, total ${
        s(m.totalCpuMs)
      }; heap ${m.heapMb} MB, peak RSS ${m.peakRssMb} MB; ${m.folded} folded, ${m.files} files` +
        ` (load ${load})`,
    );
  }
}
await Deno.remove(dataDir, { recursive: true }).catch(() => {});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = results.get(trees[0]!)!;
console.log(`medians (ratio to ${trees[0]}):`);
for (const t of trees) {
  const ms = results.get(t)!;
  const row = (f: (m: ChildResult) => number) => {
    const v = median(ms.map(f));
    return `${s(v)} (${(v / median(base.map(f))).toFixed(2)}x)`;
  };
  console.log(
    `  ${t}: catch-up ${row((m) => m.catchUpCpuMs)}, flush ${row((m) => m.flushCpuMs)}, total ${
      row((m) => m.totalCpuMs)
    }, heap ${median(ms.map((m) => m.heapMb))} MB, peak RSS ${
      median(ms.map((m) => m.peakRssMb))
    } MB`,
  );
}
