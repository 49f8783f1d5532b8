/**
 * Import benchmark: the same generated messages written three ways (replay fixtures, one raw
 * Twitch IRC capture, one TwitchDownloader chat JSON per channel; each with the author's display
 * name, as Twitch gives it), then each stored into a fresh
 * data dir through the whole CLI: `chat run --offline --speed 0` (the baseline) beside
 * `import --format irc` and `import --format twitchdownloader`, first log-only, then with the
 * index and profiles on. Prints rates and the ratio of each import to the replay of the same
 * messages in the same run (targets: >= 100,000 msg/s log-only; within 1.2x of the replay with
 * derived state on), and the CPU each spent per message on its main thread and on the others.
 *
 *   deno run -A bench/import.ts [--count 1000000] [--channels 4] [--log-only|--derived-only] [--keep]
 *   deno run -A bench/import.ts --inputs-only DIR [--count N]   (only writes the inputs, to profile)
 *   deno run -A bench/import.ts --inputs DIR [--tree PATH]      (reuses them; runs PATH's CLI)
 */
import { benchArgs } from "./_args.ts";
import { join, resolve } from "node:path";
import { TD_TAIL, tdComment, tdHead } from "../scripts/vod_sample.ts";
import { benchChat } from "./_chat_fixture.ts";
import { DENO, measure, type Measured, perSecond } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "1000000" },
    channels: { type: "string", default: "4" },
    "log-only": { type: "boolean", default: false },
    "derived-only": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    "inputs-only": { type: "string" },
    inputs: { type: "string" },
    tree: { type: "string" },
  },
});
const count = Number(values.count);
const nChannels = Number(values.channels);
const root = new URL("..", import.meta.url).pathname;
/** The tree whose CLI is measured (another checkout, to compare in one run). */
const tree = values.tree ?? root;
const inputsOnly = values["inputs-only"];
const tmp = await Deno.makeTempDir({ prefix: "osint-import-" });
/** Where the inputs are written, or read from when they were written before. */
const inputDir = resolve(inputsOnly ?? values.inputs ?? tmp);
/** Writes the fixtures, the IRC capture and the TwitchDownloader files for `n` messages. */
async function makeInputs(n: number) {
  const fx = join(inputDir, "fixtures");
  await Deno.mkdir(join(fx, "chat"), { recursive: true });
  await Deno.copyFile(join(root, "fixtures", "emotes.json"), join(fx, "emotes.json"));
  const tdDir = join(inputDir, "twitchdownloader");
  await Deno.mkdir(tdDir, { recursive: true });
  const channels = Array.from({ length: nChannels }, (_, i) => `bench_channel_${i}`);
  const enc = new TextEncoder();
  const open = (p: string) => Deno.open(p, { write: true, create: true, truncate: true });
  const fixtures = new Map<string, Deno.FsFile>();
  const tds = new Map<string, Deno.FsFile>();
  for (const c of channels) {
    fixtures.set(c, await open(join(fx, "chat", `${c}.jsonl`)));
    const td = await open(join(tdDir, `${c}.json`));
    await td.write(enc.encode(tdHead(c)));
    tds.set(c, td);
  }
  const irc = await open(join(inputDir, "capture.irc.txt"));
  // Buffered writes: each file's pending pieces and the separator that ends each piece.
  const bufs = new Map<Deno.FsFile, { parts: string[]; sep: string }>();
  const push = async (f: Deno.FsFile, s: string, sep: string) => {
    let b = bufs.get(f);
    if (!b) bufs.set(f, b = { parts: [], sep });
    b.parts.push(s);
    if (b.parts.length >= 5000) {
      await f.write(enc.encode(b.parts.join(sep) + sep));
      b.parts.length = 0;
    }
  };
  const firstTd = new Set<string>(channels);
  for (
    const l of benchChat(channels, n)
  ) {
    // The replay's lines carry the display name the IRC tags and the TwitchDownloader comments
    // carry, so that all three store the same messages (and the profiles fold the same names).
    await push(fixtures.get(l.channel)!, JSON.stringify({ ...l, display_name: l.user_name }), "\n");
    await push(
      irc,
      `@badge-info=;badges=subscriber/12;color=#1E90FF;display-name=${l.user_name};first-msg=0;` +
        `flags=;id=${l.message_id};mod=0;room-id=9001;subscriber=1;tmi-sent-ts=${
          Date.parse(l.ts)
        };turbo=0;user-id=${l.user_id};user-type= :${l.user_name}!${l.user_name}@${l.user_name}` +
        `.tmi.twitch.tv PRIVMSG #${l.channel} :${l.text}`,
      "\r\n",
    );
    const comment = JSON.stringify(
      tdComment({ ...l, message_id: l.message_id!, user_id: l.user_id! }),
    );
    await push(tds.get(l.channel)!, firstTd.delete(l.channel) ? comment : "," + comment, "");
  }
  for (const [f, b] of bufs) {
    if (b.parts.length) await f.write(enc.encode(b.parts.join(b.sep) + b.sep));
  }
  for (const f of fixtures.values()) f.close();
  for (const td of tds.values()) {
    await td.write(enc.encode(TD_TAIL));
    td.close();
  }
  irc.close();
  const size = async (p: string) => (await Deno.stat(p)).size;
  let tdBytes = 0;
  for (const c of channels) tdBytes += await size(join(tdDir, `${c}.json`));
  return {
    fx,
    channels,
    irc: join(inputDir, "capture.irc.txt"),
    ircBytes: await size(join(inputDir, "capture.irc.txt")),
    tdDir,
    tdBytes,
  };
}

/** The inputs an earlier `--inputs-only` wrote into `inputDir`. */
async function existingInputs() {
  const channels = Array.from({ length: nChannels }, (_, i) => `bench_channel_${i}`);
  const size = async (p: string) => (await Deno.stat(p)).size;
  const tdDir = join(inputDir, "twitchdownloader");
  let tdBytes = 0;
  for (const c of channels) tdBytes += await size(join(tdDir, `${c}.json`));
  return {
    fx: join(inputDir, "fixtures"),
    channels,
    irc: join(inputDir, "capture.irc.txt"),
    ircBytes: await size(join(inputDir, "capture.irc.txt")),
    tdDir,
    tdBytes,
  };
}

async function cli(args: string[], dataDir: string, n: number): Promise<Measured> {
  // Each run starts with no writeback of earlier phases pending.
  await new Deno.Command("sync").output().catch(() => {});
  const run = await measure(DENO, [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    join(tree, "main.ts"),
    ...args,
    "--quiet",
    "--data-dir",
    dataDir,
  ], { cwd: tree });
  if (run.code !== 0) throw new Error(`${args.slice(0, 2).join(" ")} failed: ${run.stderr}`);
  const text = await Deno.readTextFile(join(dataDir, "logs", "messages.jsonl"));
  const lines = text.split("\n").length - 1;
  if (lines !== n) throw new Error(`${args.join(" ")}: expected ${n} messages, found ${lines}`);
  return run;
}

if (inputsOnly !== undefined) await Deno.mkdir(inputsOnly, { recursive: true });
const inputs = values.inputs !== undefined ? await existingInputs() : await makeInputs(count);
if (inputsOnly !== undefined) {
  console.log(`inputs for ${count} messages in ${inputsOnly}`);
  await Deno.remove(tmp, { recursive: true });
  Deno.exit(0);
}
console.log(
  `import benchmark: ${count.toLocaleString("en-US")} messages, ${nChannels} channels; ` +
    `IRC capture ${(inputs.ircBytes / 1e6).toFixed(0)} MB, TwitchDownloader JSON ${
      (inputs.tdBytes / 1e6).toFixed(0)
    } MB; CLI of ${tree}`,
);
const modes = values["log-only"] ? [true] : values["derived-only"] ? [false] : [true, false];
for (const logOnly of modes) {
  const flag = logOnly ? ["--log-only"] : [];
  const label = logOnly ? "log only" : "index and profiles on";
  const dir = (name: string) => join(tmp, `${name}-${logOnly ? "log" : "full"}`);
  const replay = await cli(
    [
      "chat",
      "run",
      "--offline",
      "--speed",
      "0",
      "--channels",
      inputs.channels.join(","),
      "--fixtures-dir",
      inputs.fx,
      ...flag,
    ],
    dir("replay"),
    count,
  );
  const irc = await cli(
    ["import", inputs.irc, "--format", "irc", "--fixtures-dir", inputs.fx, ...flag],
    dir("irc"),
    count,
  );
  const td = await cli(
    ["import", inputs.tdDir, "--format", "twitchdownloader", "--fixtures-dir", inputs.fx, ...flag],
    dir("td"),
    count,
  );
  // CPU per message, of the main thread (sources, analysis, log) and of the others (index and
  // profile writers, GC helpers): tells which side a difference in rate comes from.
  const us = (ms: number) => (ms * 1000 / count).toFixed(1);
  const line = (name: string, m: Measured) =>
    `    ${name.padEnd(44)} ${perSecond(count, m.wallMs).padStart(10)} (${
      (m.wallMs / 1000).toFixed(2)
    } s, peak RSS ${m.peakRssMb} MB, ${
      (replay.wallMs / m.wallMs).toFixed(2)
    } of the replay's rate; CPU µs/msg main ${us(m.cpuMs.main)}, other ${us(m.cpuMs.other)})`;
  console.log(
    `  ${label}:\n` +
      line("chat run --offline --speed 0 (baseline)", replay) + "\n" +
      line("import --format irc", irc) + "\n" +
      line("import --format twitchdownloader", td),
  );
}
if (!values.keep) await Deno.remove(tmp, { recursive: true });
else console.log(`kept ${tmp}`);
