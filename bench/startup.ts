/**
 * Start-up benchmark of the read commands: the whole CLI process (`deno run main.ts ...`, start-up
 * included) for `search messages`, `search events`, `profiles show/list` and `subjects hits`, run
 * alternately in this tree and in a baseline tree (`--baseline DIR`: another checkout, e.g. the
 * tree before session 3 or `main`), each on its own data dir built by its own CLI from the same
 * generated log. Prints per command the median wall time of each tree, the spread (quartiles),
 * the ratio of the medians, and whether both printed the same stdout.
 *
 * The log (N messages from `_message_log.ts`, a busy user's messages carrying a watchlist hit)
 * is generated once under bench/.out/startup-N/; each tree's data dir is rebuilt when the tree's
 * commit changes (or with `--rebuild`): `subjects load`, `index rebuild`, `profiles rebuild`.
 *
 *   flock /work/bench.lock deno run -A bench/startup.ts --baseline /work/base [--count 100000]
 *     [--runs 21] [--only search] [--rebuild]
 *
 * @module
 */
import { benchArgs } from "./_args.ts";
import { join, resolve } from "node:path";
import { writeMessageLog } from "./_message_log.ts";
import { DENO } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    baseline: { type: "string" },
    count: { type: "string", default: "100000" },
    runs: { type: "string", default: "21" },
    only: { type: "string" },
    rebuild: { type: "boolean", default: false },
  },
});
if (values.baseline === undefined) {
  console.error("usage: deno run -A bench/startup.ts --baseline DIR [--count N] [--runs N]");
  Deno.exit(2);
}
const count = Number(values.count);
const runs = Number(values.runs);
const here = resolve(new URL("..", import.meta.url).pathname);
const baseline = resolve(values.baseline);
const out = join(here, "bench", ".out", `startup-${count}`);
const log = join(out, "messages.jsonl");

/** The user whose messages carry a hit, the channel asked for, the words searched. */
const SUBJECT = "mega_fox";
const CHANNEL = "channel_3";

async function git(tree: string, ...args: string[]): Promise<string> {
  const r = await new Deno.Command("git", { args, cwd: tree, stdout: "piped", stderr: "null" })
    .output();
  return new TextDecoder().decode(r.stdout).trim();
}

/** What a tree's data dir was built from: its commit (uncommitted changes: `--rebuild`). */
async function treeStamp(tree: string): Promise<string> {
  return JSON.stringify({ count, head: await git(tree, "rev-parse", "HEAD") });
}

async function cli(tree: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const r = await new Deno.Command(DENO, {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", join(tree, "main.ts"), ...args],
    cwd: tree,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  if (r.code !== 0) {
    throw new Error(`${tree}: ${args.join(" ")} exited ${r.code}: ${dec.decode(r.stderr)}`);
  }
  return { code: r.code, stdout: dec.decode(r.stdout) };
}

async function ensureLog(): Promise<void> {
  try {
    await Deno.stat(log);
    return;
  } catch {
    // Not generated yet.
  }
  await Deno.mkdir(out, { recursive: true });
  const raw = join(out, "raw.jsonl");
  await writeMessageLog(raw, count);
  // The subject's messages carry the hit ingest would have recorded.
  const lines = (await Deno.readTextFile(raw)).split("\n").filter(Boolean).map((l) => {
    const m = JSON.parse(l);
    if (m.user_name === SUBJECT) m.hits = [{ subject_key: `username_${SUBJECT}`, how: "author" }];
    return JSON.stringify(m) + "\n";
  });
  await Deno.writeTextFile(log, lines.join(""));
  await Deno.remove(raw);
}

/** Builds `tree`'s data dir with `tree`'s own CLI, unless it is current. */
async function ensureDataDir(tree: string, name: string): Promise<string> {
  const dir = join(out, name);
  const stampFile = join(dir, "stamp.json");
  const stamp = await treeStamp(tree);
  if (!values.rebuild) {
    try {
      if ((await Deno.readTextFile(stampFile)) === stamp) return dir;
    } catch {
      // Not built yet.
    }
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  await Deno.copyFile(log, join(dir, "logs", "messages.jsonl"));
  const csv = join(out, "subjects.csv");
  await Deno.writeTextFile(csv, `type,value\nusername,${SUBJECT}\n`);
  const common = ["--data-dir", dir, "--quiet"];
  await cli(tree, ["subjects", "load", "--path", csv, "--no-enrich", ...common]);
  await cli(tree, ["index", "rebuild", ...common]);
  await cli(tree, ["profiles", "rebuild", ...common]);
  await Deno.writeTextFile(stampFile, stamp);
  return dir;
}

/** The read commands timed, each with the data dir appended. */
const COMMANDS: Array<[string, string[]]> = [
  ["--version (floor)", ["--version"]],
  ["search messages, user + word", [
    "search",
    "messages",
    "--by",
    "user",
    "--value",
    SUBJECT,
    "--contains",
    "the",
    "--format",
    "jsonl",
  ]],
  ["search messages, common word", [
    "search",
    "messages",
    "--contains",
    "speedrun",
    "--format",
    "jsonl",
  ]],
  ["search messages, channel", ["search", "messages", "--by", "channel", "--value", CHANNEL]],
  ["search events", ["search", "events", "--by", "channel", "--value", CHANNEL]],
  ["profiles show --user", ["profiles", "show", "--user", SUBJECT]],
  ["profiles show --channel", ["profiles", "show", "--channel", CHANNEL]],
  ["profiles list --channels", ["profiles", "list", "--channels"]],
  ["subjects hits --subject", ["subjects", "hits", "--subject", SUBJECT, "--format", "json"]],
];

interface Run {
  ms: number;
  stdout: string;
}

async function timed(tree: string, dir: string, args: string[]): Promise<Run> {
  const full = args[0] === "--version" ? args : [...args, "--data-dir", dir];
  const t0 = performance.now();
  const r = await new Deno.Command(DENO, {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", join(tree, "main.ts"), ...full],
    cwd: tree,
    stdout: "piped",
    stderr: "null",
  }).output();
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${tree}: ${full.join(" ")} exited ${r.code}`);
  return { ms, stdout: new TextDecoder().decode(r.stdout) };
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

function summary(xs: number[]): { med: number; q1: number; q3: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { med: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
}

const ms = (x: number) => x.toFixed(0).padStart(4);

await ensureLog();
const dirs = {
  here: await ensureDataDir(here, "this"),
  base: await ensureDataDir(baseline, "baseline"),
};
const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
console.log(
  `start-up of the read commands: ${count.toLocaleString("en-US")} messages, ${runs} runs per ` +
    `tree, alternating (load average ${load})\n  this:     ${here} (${(await git(
      here,
      "rev-parse",
      "--short",
      "HEAD",
    ))})\n  baseline: ${baseline} (${await git(baseline, "rev-parse", "--short", "HEAD")})\n`,
);
console.log(
  "  command                          this ms (q1-q3)     baseline ms (q1-q3)   this/baseline  same stdout",
);
const ratios: number[] = [];
for (const [name, args] of COMMANDS) {
  if (values.only !== undefined && !name.includes(values.only)) continue;
  // One warm-up each (page cache, V8 code cache), then alternate, swapping who goes first.
  const warmA = await timed(here, dirs.here, args);
  const warmB = await timed(baseline, dirs.base, args);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ["here", "base"] as const : ["base", "here"] as const;
    for (const who of order) {
      const r = who === "here"
        ? await timed(here, dirs.here, args)
        : await timed(baseline, dirs.base, args);
      (who === "here" ? a : b).push(r.ms);
    }
  }
  const sa = summary(a);
  const sb = summary(b);
  const ratio = sa.med / sb.med;
  if (!name.includes("floor")) ratios.push(ratio);
  console.log(
    `  ${name.padEnd(31)} ${ms(sa.med)} (${ms(sa.q1)}-${ms(sa.q3)})      ${ms(sb.med)} (${
      ms(sb.q1)
    }-${ms(sb.q3)})        ${ratio.toFixed(2).padStart(5)}x     ${
      warmA.stdout === warmB.stdout ? "yes" : "no"
    }`,
  );
}
if (ratios.length > 0) {
  const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  console.log(`\n  geometric mean of this/baseline over the read commands: ${geo.toFixed(2)}x`);
}
