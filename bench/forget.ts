/**
 * Forget benchmark: ingests N generated messages (`chat run --offline --speed 0`) into a data
 * dir, then times, each in its own process:
 * - baseline: `cp` of the message log (reading and writing the same bytes once), and
 *   `profiles rebuild` (the derived rebuild forget includes);
 * - `forget --user X --dry-run` (one pass over the logs, nothing written);
 * - `forget --user X` (rewrite under the lock, fresh index and profiles, whole-dir check);
 * - the second `forget --user X` (idempotent: nothing to rewrite).
 * Prints wall times and ratios to the baselines.
 *
 *   deno run -A bench/forget.ts [--count 200000]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { generateChat } from "../scripts/chatgen.ts";
import { DENO, measure } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "200000" },
    keep: { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const root = new URL("..", import.meta.url).pathname;
const tmp = await Deno.makeTempDir({ prefix: "osint-forget-" });
const fx = join(tmp, "fx");
const data = join(tmp, "data");
await Deno.mkdir(join(fx, "chat"), { recursive: true });
await Deno.copyFile(join(root, "fixtures", "emotes.json"), join(fx, "emotes.json"));

const channels = ["bench_a", "bench_b", "bench_c", "bench_d"];
const lines = new Map<string, string[]>(channels.map((c) => [c, []]));
let theirs = 0;
for (
  const l of generateChat({
    seed: 42,
    channels,
    users: 20000,
    count,
    startMs: Date.parse("2025-09-01T00:00:00.000Z"),
    meanGapMs: 200,
    ids: true,
    regulars: ["someuser", "mod123", "fan88"],
  })
) {
  if (l.user_name === "someuser") theirs++;
  lines.get(l.channel)!.push(JSON.stringify(l));
}
for (const [c, ls] of lines) {
  await Deno.writeTextFile(join(fx, "chat", `${c}.jsonl`), ls.join("\n") + "\n");
}

const cli = (args: string[]) =>
  measure(DENO, [
    "run",
    "-A",
    "--quiet",
    join(root, "main.ts"),
    ...args,
    "--data-dir",
    data,
    "--fixtures-dir",
    fx,
  ]);
const check = (m: { code: number; stderr: string }, what: string) => {
  if (m.code !== 0) throw new Error(`${what} failed: ${m.stderr}`);
};

const ingest = await cli([
  "chat",
  "run",
  "--channels",
  channels.join(","),
  "--offline",
  "--speed",
  "0",
  "--quiet",
]);
check(ingest, "ingest");
const logBytes = (await Deno.stat(join(data, "logs", "messages.jsonl"))).size;
const cp = await measure("cp", [join(data, "logs", "messages.jsonl"), join(tmp, "copy.jsonl")]);
const rebuild = await cli(["profiles", "rebuild"]);
check(rebuild, "profiles rebuild");
const dry = await cli(["forget", "--user", "someuser", "--dry-run"]);
check(dry, "forget --dry-run");
const real = await cli(["forget", "--user", "someuser"]);
check(real, "forget");
const again = await cli(["forget", "--user", "someuser"]);
check(again, "second forget");

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`messages: ${count} (${theirs} by someuser), log ${(logBytes / 1e6).toFixed(1)} MB`);
console.log(`ingest (chat run, for reference):        ${s(ingest.wallMs)}`);
console.log(`baseline cp of the log:                  ${s(cp.wallMs)}`);
console.log(`baseline profiles rebuild:               ${s(rebuild.wallMs)}`);
console.log(
  `forget --dry-run:                        ${s(dry.wallMs)}  (${
    (dry.wallMs / cp.wallMs).toFixed(1)
  }x cp)`,
);
console.log(
  `forget --user someuser:                  ${s(real.wallMs)}  (${
    (real.wallMs / rebuild.wallMs).toFixed(2)
  }x profiles rebuild, ${(real.wallMs / cp.wallMs).toFixed(1)}x cp), peak RSS ${real.peakRssMb} MB`,
);
console.log(`second forget (nothing to do):           ${s(again.wallMs)}`);
console.log(real.stdout.trimEnd().split("\n").map((l) => `  | ${l}`).join("\n"));
if (!values.keep) await Deno.remove(tmp, { recursive: true });
else console.log(`kept ${tmp}`);
