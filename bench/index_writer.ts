/**
 * The index writer alone: feeds a log written by `chat run --log-only` (cached under
 * `bench/.out/`) to the index of a fresh data dir in steps of `--step` lines, one catch-up (one
 * commit) per step as the pipeline's index worker does about once a second, and prints for each
 * tree its CPU time (user + system: the writer runs on the main thread), peak RSS and the
 * largest WAL a commit left, alternating trees run by run. `--pragma 'label=PRAGMA a=1;b=2'`
 * adds a run of this tree with those pragmas set on the index after it opens.
 *
 * Keyed by person alone, each commit of the pipeline rewrote most `person_rows` leaves at 1M
 * rows (20,000 persons, each gaining a row or two per second of chat), so the WAL a commit
 * wrote grew with the table, not with the rows committed: this bench shows that figure beside
 * the CPU. Since index version 11 the table is keyed by segment first and a commit writes only
 * the newest segment's leaves (largest WAL 99 MB against 159 at 1M; see `person_segments.ts`). What each
 * part costs, measured by dropping it from a copy of the tree (session 13, 1M lines, one run
 * each, load 5.4-7.8; two runs of the unchanged tree: 22.8 and 20.3 CPU-s): without the
 * `person_rows` copy 17.2 CPU-s (system 1.5 against 2.9-3.2, largest WAL 83 against 159 MB),
 * without FTS 18.6, without the (cid, ts) and (ts) indexes 20.8 (within noise); at 300k lines
 * each drop was within noise (0.91-0.92x against 0.93x for the unchanged tree). Committing a
 * third as often (`--step 102000`) saved only 9% (23.2 against 25.4 CPU-s) for +139 MB peak
 * RSS, and spacing the pipeline's catch-ups by the index's size gained nothing in
 * `bench/pipeline.ts`: most of the writer's cost is per row, not per commit.
 *
 *   deno run -A bench/index_writer.ts [--count 1000000] [--step 34000] [--runs 1]
 *     [--baseline /work/main] [--pragma 'mmap=mmap_size=1073741824']
 *
 * @module
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { cachedChatFixture, offlineChatRunArgs } from "./_chat_fixture.ts";
import { cliTaskFlags, cliTaskV8Flags, DENO, measure } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "1000000" },
    step: { type: "string", default: "34000" },
    baseline: { type: "string", multiple: true, default: [] },
    pragma: { type: "string", multiple: true, default: [] },
    runs: { type: "string", default: "1" },
  },
});
const n = Number(values.count);
const step = Number(values.step);
const runs = Math.max(1, Number(values.runs));
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const out = join(root, "bench", ".out");

/**
 * The child: copies the log into a fresh data dir `step` lines at a time and catches the index
 * up after each, then prints what it did as JSON. Args: tree, log, step, pragmas.
 */
const CHILD = `
import process from "node:process";
const [tree, log, stepArg, pragmas] = Deno.args;
const step = Number(stepArg);
const { DerivedWriter } = await import("file://" + tree + "/src/store/embedded/derived_writer.ts");
const dir = await Deno.makeTempDir({ prefix: "osint-ixw-" });
await Deno.mkdir(dir + "/logs");
const w = await DerivedWriter.open(dir, { profiles: false });
for (const p of pragmas.split(";").filter((x) => x.trim() !== "")) w.index.db.exec("PRAGMA " + p);
const src = await Deno.open(log);
const dst = await Deno.open(dir + "/logs/messages.jsonl", { create: true, append: true });
const buf = new Uint8Array(1 << 20);
let carry = new Uint8Array(0);
let lines = 0, indexed = 0, walMax = 0, commits = 0;
const c0 = process.cpuUsage();
const catchUp = async () => {
  indexed += (await w.catchUp()).indexed;
  commits++;
  try { walMax = Math.max(walMax, Deno.statSync(dir + "/index.sqlite-wal").size); } catch { /* none */ }
};
for (;;) {
  const got = await src.read(buf);
  if (got === null) break;
  const chunk = buf.subarray(0, got);
  let from = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] !== 10) continue;
    if (++lines % step === 0) {
      await dst.write(carry); carry = new Uint8Array(0);
      await dst.write(chunk.subarray(from, i + 1)); from = i + 1;
      await catchUp();
    }
  }
  const rest = chunk.subarray(from);
  const next = new Uint8Array(carry.length + rest.length);
  next.set(carry); next.set(rest, carry.length); carry = next;
}
await dst.write(carry);
await catchUp();
const cpu = process.cpuUsage(c0);
w.close();
await Deno.remove(dir, { recursive: true });
console.log(JSON.stringify({ indexed, commits, walMax, userMs: cpu.user / 1000, sysMs: cpu.system / 1000 }));
`;

/** One configuration: a tree and the pragmas set on its index. */
interface Config {
  label: string;
  tree: string;
  pragmas: string;
}

/** The log of `n` fixture messages, written once by this tree's `chat run --log-only`. */
async function cachedLog(): Promise<string> {
  const dataDir = join(out, `index-writer-log-${n}`);
  const log = join(dataDir, "logs", "messages.jsonl");
  try {
    await Deno.stat(join(dataDir, "done"));
    return log;
  } catch {
    // Not written yet.
  }
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  const fx = await cachedChatFixture(out, n, 4);
  const args = offlineChatRunArgs(root, await cliTaskFlags(root), fx, dataDir, ["--log-only"]);
  const r = await new Deno.Command(DENO, { args, stdout: "null", stderr: "inherit" }).output();
  if (!r.success) throw new Error("chat run --log-only failed");
  await Deno.writeTextFile(join(dataDir, "done"), "");
  return log;
}

const configs: Config[] = [];
for (const tree of values.baseline) configs.push({ label: tree, tree, pragmas: "" });
configs.push({ label: "this tree", tree: root, pragmas: "" });
for (const v of values.pragma) {
  const eq = v.indexOf("=");
  configs.push({ label: `this tree, ${v.slice(0, eq)}`, tree: root, pragmas: v.slice(eq + 1) });
}

const log = await cachedLog();
console.log(`index writer benchmark: ${n.toLocaleString("en-US")} lines, ${step} a commit`);
const cpu = new Map<string, number[]>();
for (let run = 0; run < runs; run++) {
  for (const c of configs) {
    const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
    const flags = await cliTaskV8Flags(c.tree);
    const m = await measure(DENO, ["eval", ...flags, CHILD, c.tree, log, String(step), c.pragmas]);
    if (m.code !== 0) throw new Error(`${c.label}: exit ${m.code}: ${m.stderr}`);
    const r = JSON.parse(m.stdout.trim().split("\n").at(-1) ?? "{}") as {
      indexed: number;
      commits: number;
      walMax: number;
      userMs: number;
      sysMs: number;
    };
    const total = (r.userMs + r.sysMs) / 1000;
    cpu.set(c.label, [...(cpu.get(c.label) ?? []), total]);
    console.log(
      `  ${c.label}: ${total.toFixed(1)} CPU s (user ${(r.userMs / 1000).toFixed(1)}, system ` +
        `${(r.sysMs / 1000).toFixed(1)}), ${r.indexed} rows in ${r.commits} commits, largest ` +
        `WAL ${Math.round(r.walMax / 1e6)} MB, peak RSS ${m.peakRssMb} MB (load ${load})`,
    );
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.floor(s.length / 2)] ?? 0)) / 2;
};
const ref = median(cpu.get(configs[0]!.label) ?? []);
console.log(`medians (ratio of CPU to ${configs[0]!.label}):`);
for (const c of configs) {
  const m = median(cpu.get(c.label) ?? []);
  console.log(`  ${c.label}: ${m.toFixed(1)} CPU s (${(m / ref).toFixed(2)}x)`);
}
