/**
 * `deno task bench`: runs every benchmark in turn and prints its figures. Each benchmark prints
 * its own baseline from the same run, so the ratios hold on a shared, noisy machine. Sizes are
 * the issues' defaults; pass `--quick` for a smaller, faster pass, and `--baseline DIR` (another
 * checkout) to add the start-up of the read commands beside it.
 */
import { DENO } from "./_proc.ts";

const quick = Deno.args.includes("--quick");
const root = new URL("..", import.meta.url).pathname;
// `--baseline DIR`: also the start-up of the read commands beside another tree (bench/startup.ts).
const at = Deno.args.indexOf("--baseline");
const baseline = at >= 0 ? Deno.args[at + 1] : undefined;

const steps: Array<[string, string[]]> = [
  ["ingest (log, analysis, index, profiles)", [
    "run",
    "-A",
    "bench/ingest.ts",
    "--count",
    quick ? "100000" : "1000000",
  ]],
  ["search", ["run", "-A", "bench/search.ts", ...(quick ? ["--count", "100000"] : [])]],
  ...(baseline === undefined ? [] : [[
    `start-up of the read commands beside ${baseline}`,
    ["run", "-A", "bench/startup.ts", "--baseline", baseline, "--runs", quick ? "7" : "21"],
  ] as [string, string[]]]),
  ["IRC parser", ["bench", "-A", "bench/irc_bench.ts"]],
  ["live: flood side by side with tmi.js, dank-twitch-irc, @twurple/chat; pipeline", [
    "run",
    "-A",
    "bench/live.ts",
    "--seconds",
    quick ? "5" : "20",
    ...(quick ? ["--messages", "100000"] : []),
  ]],
  ["signals: precision/recall and cost", ["run", "-A", "bench/signals_eval.ts"]],
  ["forget", ["run", "-A", "bench/forget.ts", "--count", quick ? "20000" : "200000"]],
  ["postgres (beside the embedded store)", [
    "run",
    "-A",
    "bench/postgres.ts",
    "--count",
    quick ? "20000" : "200000",
  ]],
];

let failed = 0;
for (const [name, args] of steps) {
  console.log(`\n== ${name}: deno ${args.join(" ")}`);
  const { code } = await new Deno.Command(DENO, {
    args,
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  if (code !== 0) {
    failed++;
    console.log(`(${name} exited with ${code})`);
  }
}
Deno.exit(failed ? 1 : 0);
