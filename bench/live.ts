/**
 * Live throughput benchmark. This process runs the scripted Twitch-like server on loopback and
 * pushes generated chat (about 300-character PRIVMSG lines with tags, over several channels) as
 * fast as the client takes it; the client runs in a child process so its CPU and memory are its
 * own. Three clients, one after the other, same server, same lines:
 *
 * 1. baseline: a bare `WebSocket` that only counts lines (the ceiling of the transport);
 * 2. source: `liveSource` (parse, Twitch meaning, dedup) with the items counted;
 * 3. pipeline: `main.ts chat run --server ws://...` into a temporary data dir (analysis, log,
 *    everything a user runs), stopped with SIGINT; its log is counted for loss and duplicates.
 *
 * Flow control: the server keeps at most `--window` messages ahead of what the client has
 * consumed (reported on its stdout, or lines in the pipeline's log), so buffers stay bounded and
 * the rate printed is what the client sustains. CPU (utime+stime) and RSS come from /proc.
 *
 *   deno run -A bench/live.ts [--seconds 20] [--phase-seconds 5] [--channels 8] [--window 40000]
 *   deno run -A bench/live.ts --seconds 300      # the 5-minute memory run
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { FakeTwitch } from "../tests/support/fake_twitch.ts";
import { FakeChat } from "../tests/support/fake_chat.ts";
import { liveSource } from "../src/chat/live.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "20" },
    "phase-seconds": { type: "string", default: "5" },
    channels: { type: "string", default: "8" },
    window: { type: "string", default: "40000" },
    only: { type: "string" },
    client: { type: "string" },
    url: { type: "string" },
  },
});

const CHANNELS = Array.from({ length: Number(values.channels) }, (_, i) => `bench_channel_${i}`);
const encoder = new TextEncoder();

// --- client modes (run in the child) ------------------------------------------------------

async function rawClient(url: string, channels: string[]): Promise<void> {
  let count = 0;
  const ws = new WebSocket(url);
  ws.onopen = () => {
    ws.send("CAP REQ :twitch.tv/tags twitch.tv/commands\r\nNICK justinfan4242\r\n");
    for (const c of channels) ws.send(`JOIN #${c}\r\n`);
  };
  ws.onmessage = (event) => {
    const text = event.data as string;
    let from = 0;
    while (true) {
      const i = text.indexOf(" PRIVMSG #", from);
      if (i < 0) break;
      count++;
      from = i + 10;
    }
  };
  report(() => count);
  await new Promise((r) => (ws.onclose = r));
}

async function sourceClient(url: string, channels: string[]): Promise<void> {
  let count = 0;
  report(() => count);
  const controller = new AbortController();
  Deno.addSignalListener("SIGTERM", () => controller.abort());
  for await (const item of liveSource({ channels, server: url })(controller.signal)) {
    if (item.kind === "batch") {
      for (const i of item.items) if (i.kind === "message") count++;
    } else if (item.kind === "message") count++;
  }
}

function report(count: () => number): void {
  setInterval(() => Deno.stdout.writeSync(encoder.encode(`consumed ${count()}\n`)), 50);
}

if (values.client) {
  const url = values.url!;
  if (values.client === "raw") await rawClient(url, CHANNELS);
  else await sourceClient(url, CHANNELS);
  Deno.exit(0);
}

// --- the server and the measurements (this process) ---------------------------------------

interface Sample {
  t: number;
  consumed: number;
  cpuTicks: number;
  rssMb: number;
}

function procStat(pid: number): { ticks: number; rssMb: number } | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    return { ticks, rssMb: rss };
  } catch {
    return undefined;
  }
}

const TICKS_PER_SECOND = 100;

/** Messages sent in the running phase (read by the pipeline's log check). */
let sentCount: () => number = () => 0;

/** Streams the log: lines, distinct bench ids (bitmap over the send sequence), others. */
async function checkLog(
  path: string,
  sent: number,
): Promise<{ total: number; distinct: number; foreign: number }> {
  const seen = new Uint8Array(sent + 1);
  let total = 0;
  let distinct = 0;
  let foreign = 0;
  const decoder = new TextDecoder();
  let pending = "";
  const key = '"message_id":"b';
  const take = (line: string) => {
    if (!line) return;
    total++;
    const at = line.indexOf(key);
    const end = at < 0 ? -1 : line.indexOf('"', at + key.length);
    const seq = end < 0 ? NaN : parseInt(line.slice(at + key.length, end), 36);
    if (!(seq >= 1 && seq <= sent)) {
      foreign++;
    } else if (seen[seq] === 0) {
      seen[seq] = 1;
      distinct++;
    }
  };
  try {
    using file = await Deno.open(path, { read: true });
    for await (const chunk of file.readable) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) take(line);
    }
    take(pending);
  } catch {
    // No log: nothing was written.
  }
  return { total, distinct, foreign };
}

/** Pre-generated lines split around the id, so every message sent gets a fresh id cheaply. */
function linePool(): Array<[string, string]> {
  const chat = new FakeChat(7);
  const start = Date.UTC(2025, 8, 2, 12);
  return Array.from({ length: 4000 }, (_, i) => {
    const l = chat.line(CHANNELS[i % CHANNELS.length]!, start + i * 11);
    const at = l.line.indexOf(`;id=${l.id};`) + 4;
    return [l.line.slice(0, at), l.line.slice(at + l.id.length)];
  });
}

interface PhaseResult {
  name: string;
  seconds: number;
  sent: number;
  consumed: number;
  rate: number;
  cpuPercent: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  samples: Sample[];
  note: string;
}

async function phase(
  name: string,
  seconds: number,
  window: number,
  start: (
    url: string,
  ) => { child: Deno.ChildProcess; consumed: () => number; stop: () => Promise<string> },
): Promise<PhaseResult> {
  await using server = await FakeTwitch.start();
  const pool = linePool();
  const { child, consumed, stop } = start(server.url);
  await server.waitFor(() => server.joinTimes.length >= CHANNELS.length, 30_000, "client joins");
  const conn = server.connections.find((c) => c.joined.size > 0)!;

  let sent = 0;
  sentCount = () => sent;
  let running = true;
  const samples: Sample[] = [];
  const t0 = performance.now();
  const first = procStat(child.pid);
  samples.push({ t: 0, consumed: 0, cpuTicks: first?.ticks ?? 0, rssMb: first?.rssMb ?? 0 });
  const sampler = setInterval(() => {
    const s = procStat(child.pid);
    if (s) {
      samples.push({
        t: (performance.now() - t0) / 1000,
        consumed: consumed(),
        cpuTicks: s.ticks,
        rssMb: s.rssMb,
      });
    }
  }, 1000);
  const stopTimer = setTimeout(() => (running = false), seconds * 1000);

  let seq = 0;
  while (running && conn.open) {
    if (sent - consumed() > window || conn.socket.bufferedAmount > 8_000_000) {
      await new Promise((r) => setTimeout(r, 2));
      continue;
    }
    let batch = "";
    for (let i = 0; i < 200; i++) {
      const [before, after] = pool[seq % pool.length]!;
      batch += `${before}b${(++seq).toString(36)}${after}\r\n`;
    }
    conn.socket.send(batch);
    sent += 200;
    // Let the socket and the timers run.
    if (seq % 2000 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  clearTimeout(stopTimer);
  // Drain: wait until the client has consumed everything (or give up after 20 s).
  const drainStart = performance.now();
  while (consumed() < sent && performance.now() - drainStart < 20_000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const end = procStat(child.pid);
  clearInterval(sampler);
  const elapsed = (performance.now() - t0) / 1000;
  if (end) {
    samples.push({ t: elapsed, consumed: consumed(), cpuTicks: end.ticks, rssMb: end.rssMb });
  }
  const note = await stop();
  const last = samples[samples.length - 1]!;
  const rss = samples.map((s) => s.rssMb).filter((r) => r > 0);
  return {
    name,
    seconds: elapsed,
    sent,
    consumed: consumed(),
    rate: consumed() / elapsed,
    cpuPercent: ((last.cpuTicks - samples[0]!.cpuTicks) / TICKS_PER_SECOND / elapsed) * 100,
    rssStartMb: rss[1] ?? rss[0] ?? 0,
    rssEndMb: rss[rss.length - 1] ?? 0,
    rssMaxMb: Math.max(...rss),
    samples,
    note,
  };
}

function childWithCounter(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  let count = 0;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const l of lines) if (l.startsWith("consumed ")) count = Number(l.slice(9));
    }
  })();
  return {
    child,
    consumed: () => count,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await reading;
      return "";
    },
  };
}

const self = new URL(import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;
const phaseSeconds = Number(values["phase-seconds"]);
const window = Number(values.window);
const results: PhaseResult[] = [];
const only = values.only;

// The first two phases run this script again as a bare client of one kind.
const selfClient = (kind: string) => (url: string) =>
  childWithCounter([
    "run",
    "-A",
    self,
    "--client",
    kind,
    "--url",
    url,
    "--channels",
    values.channels!,
  ]);
if (!only || only === "baseline") {
  results.push(
    await phase("baseline: bare WebSocket, count lines", phaseSeconds, window, selfClient("raw")),
  );
}
if (!only || only === "source") {
  results.push(
    await phase(
      "liveSource: parse + Twitch meaning + dedup",
      phaseSeconds,
      window,
      selfClient("source"),
    ),
  );
}
if (!only || only === "pipeline") {
  const dataDir = await Deno.makeTempDir({ prefix: "osint-live-bench-" });
  const logPath = join(dataDir, "logs", "messages.jsonl");
  const result = await phase(
    "pipeline: main.ts chat run (analysis + log)",
    Number(values.seconds),
    window,
    (url) => {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          join(root, "main.ts"),
          "chat",
          "run",
          "--server",
          url,
          "--channels",
          CHANNELS.join(","),
          "--data-dir",
          dataDir,
        ],
        cwd: root,
        stdout: "null",
        stderr: "piped",
        stdin: "null",
      }).spawn();
      // Consumption = whole lines in the log, read incrementally.
      let offset = 0;
      let lines = 0;
      const buffer = new Uint8Array(1 << 20);
      let file: Deno.FsFile | undefined;
      const consumed = () => {
        try {
          file ??= Deno.openSync(logPath, { read: true });
          file.seekSync(offset, Deno.SeekMode.Start);
          while (true) {
            const n = file.readSync(buffer);
            if (n === null || n === 0) break;
            for (let i = 0; i < n; i++) if (buffer[i] === 10) lines++;
            offset += n;
          }
        } catch {
          // Not created yet.
        }
        return lines;
      };
      return {
        child,
        consumed,
        stop: async () => {
          child.kill("SIGINT");
          const out = await child.output();
          file?.close();
          const stderr = new TextDecoder().decode(out.stderr);
          const summary = stderr.split("\n").filter((l) =>
            l.startsWith("chat: ") && l.includes("messages from")
          ).pop() ?? "";
          // Loss and duplicates: every id in the log once. Ids are "b" + the send sequence in
          // base 36, so a bitmap over the sequence checks millions of lines in little memory.
          const { total, distinct, foreign } = await checkLog(logPath, sentCount());
          await Deno.remove(dataDir, { recursive: true });
          return `log: ${total} lines, ${distinct} distinct ids, ${foreign} not sent by the bench; exit ${out.code}; ${
            summary.replace(/^chat: /, "")
          }`;
        },
      };
    },
  );
  results.push(result);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const out: string[] = [];
out.push(
  `channels: ${CHANNELS.length}, window: ${
    fmt(window)
  } messages in flight, client in a child process`,
);
for (const r of results) {
  out.push(
    `${r.name}\n  ${fmt(r.rate)} msg/s over ${r.seconds.toFixed(1)} s; sent ${
      fmt(r.sent)
    }, consumed ${fmt(r.consumed)} ` +
      `(${r.sent === r.consumed ? "no loss" : `LOST ${fmt(r.sent - r.consumed)}`}); client CPU ${
        r.cpuPercent.toFixed(0)
      }% of one core; ` +
      `RSS ${r.rssStartMb.toFixed(0)} MB after 1 s -> ${r.rssEndMb.toFixed(0)} MB at the end (max ${
        r.rssMaxMb.toFixed(0)
      } MB)` +
      (r.note ? `\n  ${r.note}` : ""),
  );
  if (r.samples.length > 8) {
    const every = Math.ceil(r.samples.length / 10);
    const picked = r.samples.filter((_, i) => i % every === 0 || i === r.samples.length - 1);
    out.push(
      `  RSS over time (s: MB): ${
        picked.map((s) => `${s.t.toFixed(0)}: ${s.rssMb.toFixed(0)}`).join(", ")
      }`,
    );
  }
}
const base = results.find((r) => r.name.startsWith("baseline"));
if (base) {
  for (const r of results) {
    if (r !== base) {
      out.push(`${r.name.split(":")[0]}: ${(r.rate / base.rate).toFixed(2)}x the baseline rate`);
    }
  }
}
// deno-lint-ignore no-console -- a benchmark prints its figures
console.log(out.join("\n"));
