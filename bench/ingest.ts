/**
 * Ingest benchmark: generates N realistic messages into a fixture and replays them through the
 * whole CLI (`chat run --offline --speed 0`) into a fresh data dir, beside a baseline process
 * that only reads and JSON-parses the same file, and beside the same CLI run with the index
 * and profiles off (`chat run --log-only`, the bulk-import mode). Prints rates, ratios, and
 * peak RSS at three sizes (to show whether memory stays flat as the count grows).
 *
 * The pipeline run repeats `--repeat` times per size (median reported). Each size also times
 * creating as many files as the run writes profiles (20,000 users, ~4.5 KB each, temporary file
 * + rename) in a fresh folder: the final profile flush does exactly that, and on this shared
 * machine its cost swings several-fold with the state of the filesystem, so it is shown beside.
 *
 *   deno run -A bench/ingest.ts [--count 1000000] [--channels 4] [--repeat 1] [-- chat run flags]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import {
  type ChatFixture,
  lineCount,
  offlineChatRunArgs,
  writeChatFixture,
} from "./_chat_fixture.ts";
import { cliTaskEnv, cliTaskFlags, DENO, measure, perSecond } from "./_proc.ts";

const { values, positionals } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "1000000" },
    channels: { type: "string", default: "4" },
    keep: { type: "boolean", default: false },
    repeat: { type: "string", default: "1" },
  },
  allowPositionals: true,
});
const count = Number(values.count);
const repeat = Math.max(1, Number(values.repeat));
const nChannels = Number(values.channels);
const extra = positionals;
const root = new URL("..", import.meta.url).pathname;
const tmp = await Deno.makeTempDir({ prefix: "osint-ingest-" });

function makeFixture(n: number): Promise<ChatFixture> {
  return writeChatFixture(join(tmp, `fx-${n}`), n, nChannels);
}

const BASELINE = `
const dir = Deno.args[0];
let n = 0;
for await (const e of Deno.readDir(dir + "/chat")) {
  const f = await Deno.open(dir + "/chat/" + e.name);
  let carry = "";
  for await (const chunk of f.readable.pipeThrough(new TextDecoderStream())) {
    const parts = (carry + chunk).split("\\n");
    carry = parts.pop() ?? "";
    for (const p of parts) if (p) { JSON.parse(p); n++; }
  }
  if (carry) { JSON.parse(carry); n++; }
}
console.log(n);
`;

async function runOnce(n: number) {
  const fx = await makeFixture(n);
  const bytes =
    (await Promise.all(fx.channels.map((c) => Deno.stat(join(fx.dir, "chat", `${c}.jsonl`)))))
      .reduce((s, st) => s + st.size, 0);
  const base = await measure(DENO, ["eval", BASELINE, fx.dir]);
  const logOnly = await chatRun(fx, join(tmp, `log-only-${n}`), n, true);
  const files = fileBaseline(join(tmp, `files-${n}`));
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    runs.push(await chatRun(fx, join(tmp, `data-${n}-${i}`), n, false));
  }
  const run = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
  return { n, bytes, base, logOnly, files, runs, run };
}

/** Seconds to create 20,000 profile-sized files as the profile flush does (tmp + rename). */
function fileBaseline(dir: string): number {
  Deno.mkdirSync(dir, { recursive: true });
  const text = "x".repeat(4500);
  const t0 = performance.now();
  for (let i = 0; i < 20000; i++) {
    const path = join(dir, `user_${i}.json`);
    Deno.writeTextFileSync(`${path}.tmp`, text);
    Deno.renameSync(`${path}.tmp`, path);
  }
  return (performance.now() - t0) / 1000;
}

async function chatRun(
  fx: { dir: string; channels: string[] },
  dataDir: string,
  n: number,
  logOnly: boolean,
) {
  // Each run starts with no writeback of earlier phases pending (the fixture, the other run).
  await new Deno.Command("sync").output().catch(() => {});
  const run = await measure(
    DENO,
    // As `deno task cli` runs it (its V8 flags shape the peak RSS this bench reports).
    offlineChatRunArgs(root, await cliTaskFlags(root), fx, dataDir, [
      ...(logOnly ? ["--log-only"] : []),
      ...extra,
    ]),
    { cwd: root, env: await cliTaskEnv(root) },
  );
  if (run.code !== 0) throw new Error(`chat run failed: ${run.stderr}`);
  const lines = await lineCount(join(dataDir, "logs", "messages.jsonl"));
  if (lines !== n) throw new Error(`expected ${n} stored messages, found ${lines}`);
  if (!logOnly) {
    const users = [...Deno.readDirSync(join(dataDir, "profiles", "users"))].length;
    if (users === 0) throw new Error("no user profile written");
  }
  // Data dirs are removed at the end, not here: ext4 skips inodes freed in the last minute
  // when it allocates new ones, so deleting 20,000 profile files here made the next run's
  // profile files several times slower to create (perf: ext4_create -> recently_deleted).
  return run;
}

const sizes = count >= 100000 ? [Math.round(count / 10), Math.round(count / 3), count] : [count];
console.log(`ingest benchmark: ${nChannels} channels, sizes ${sizes.join(", ")}`);
const peaks: Array<[number, number | null]> = [];
for (const n of sizes) {
  const r = await runOnce(n);
  console.log(
    `  ${n.toLocaleString("en-US")} messages (${(r.bytes / 1e6).toFixed(0)} MB fixture):\n` +
      `    baseline read+JSON.parse: ${perSecond(n, r.base.wallMs)} (${
        (r.base.wallMs / 1000).toFixed(2)
      }s, peak RSS ${r.base.peakRssMb} MB)\n` +
      `    chat run --log-only: ${perSecond(n, r.logOnly.wallMs)} (${
        (r.logOnly.wallMs / 1000).toFixed(2)
      }s, peak RSS ${r.logOnly.peakRssMb} MB)\n` +
      `    chat run --offline --speed 0 ${extra.join(" ")}: ${perSecond(n, r.run.wallMs)} (${
        (r.run.wallMs / 1000).toFixed(2)
      }s, peak RSS ${r.run.peakRssMb} MB${
        r.runs.length > 1
          ? `; median of ${r.runs.length}: ${
            r.runs.map((x) => (x.wallMs / 1000).toFixed(1)).join(", ")
          } s`
          : ""
      })\n` +
      `    beside it, creating 20,000 profile-sized files: ${r.files.toFixed(2)}s\n` +
      `    ratio pipeline/baseline: ${(r.base.wallMs / r.run.wallMs).toFixed(2)}, ` +
      `pipeline/log only: ${(r.logOnly.wallMs / r.run.wallMs).toFixed(2)}`,
  );
  peaks.push([n, r.run.peakRssMb]);
}
console.log(
  `  peak RSS by size (index + profiles): ${
    peaks.map(([n, mb]) => `${n.toLocaleString("en-US")}: ${mb} MB`).join(", ")
  }`,
);
if (!values.keep) await Deno.remove(tmp, { recursive: true });
else console.log(`kept ${tmp}`);
