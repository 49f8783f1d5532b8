/**
 * Live benchmark. This process runs the scripted Twitch-like server on loopback; every client
 * runs in a child process of its own, so its CPU and memory are its own. Two parts:
 *
 * **Flood** (side by side, same server, same lines, same run): the server pushes `--messages`
 * (500k) tagged PRIVMSG lines of about 300 characters over 8 channels as fast as the socket
 * takes them (the server waits only on its own send buffer), and each client counts them:
 *
 * 1. baseline: a bare Deno `WebSocket` that only counts lines (the ceiling of the transport);
 * 2. liveSource: parse, Twitch meaning, dedup, bounded batch hand-over (shed items counted);
 * 3. tmi.js, 4. dank-twitch-irc, 5. @twurple/chat: the peer clients, anonymous, counting their
 *    message events.
 *
 * The rate is messages over the time from the first send to the last message counted; the peak
 * RSS is the kernel's high-water mark (VmHWM) of the client process. The liveSource (and the
 * pipeline's `chat run`) run with the V8 flags of the `cli` task in `deno.json`, as a user's
 * `deno task cli chat run` does; the peers with Deno's defaults.
 *
 * **Pipeline**: `main.ts chat run --server ws://...` into a temporary data dir (analysis, log,
 * index, profiles: everything a user runs), stopped with SIGINT, its log checked for loss and
 * duplicates. The server keeps at most `--window` messages ahead of what the log holds, so the
 * rate printed is what the pipeline sustains.
 *
 *   deno run -A bench/live.ts [--messages 500000] [--seconds 20] [--channels 8] [--window 20000]
 *   deno run -A bench/live.ts --only flood       # the side-by-side comparison alone
 *   deno run -A bench/live.ts --only pipeline --seconds 300   # the 5-minute memory run
 *   deno run -A bench/live.ts --only flood --source-tree /work/main  # + that tree's liveSource
 *
 * On a shared machine the rate follows the CPU share a client got, so beside msg/s each client's
 * messages per CPU-second (user + system time of its process, from /proc/<pid>/stat, over the
 * same span) and the load average during its run are printed: that figure does not depend on the
 * load. `--source-tree DIR` adds the liveSource of another checkout (e.g. the tree before a
 * change) to the same run, so the two are compared under the same load.
 *
 * @twurple/chat takes no port for a WebSocket (it assumes 80/443): the bench sets the port on
 * its connection target before connecting, the one place it reaches into a peer's internals.
 */
import { benchArgs } from "./_args.ts";
import { Duplex } from "node:stream";
import { join } from "node:path";
import { FakeTwitch } from "../tests/support/fake_twitch.ts";
import { FakeChat } from "../tests/support/fake_chat.ts";
import { cliTaskV8Flags } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    messages: { type: "string", default: "500000" },
    seconds: { type: "string", default: "20" },
    channels: { type: "string", default: "8" },
    window: { type: "string", default: "20000" },
    only: { type: "string" },
    clients: { type: "string", default: "baseline,source,tmi,dank,twurple" },
    client: { type: "string" },
    url: { type: "string" },
    expect: { type: "string", default: "0" },
    "source-tree": { type: "string" },
  },
});

const CHANNELS = Array.from({ length: Number(values.channels) }, (_, i) => `bench_channel_${i}`);
const encoder = new TextEncoder();

// --- client modes (run in the child) ------------------------------------------------------

/** Prints the count every 50 ms, and at once when `expect` messages are in. */
function reporter(expect: number): { add(n: number, shed?: number): void } {
  let count = 0;
  let shed = 0;
  let done = false;
  const print = () => Deno.stdout.writeSync(encoder.encode(`consumed ${count} shed ${shed}\n`));
  setInterval(print, 50);
  return {
    add(n, s = 0) {
      count += n;
      shed += s;
      if (!done && expect > 0 && count + shed >= expect) {
        done = true;
        print();
      }
    },
  };
}

async function rawClient(url: string, channels: string[], r: ReturnType<typeof reporter>) {
  const ws = new WebSocket(url);
  ws.onopen = () => {
    ws.send("CAP REQ :twitch.tv/tags twitch.tv/commands\r\nNICK justinfan4242\r\n");
    for (const c of channels) ws.send(`JOIN #${c}\r\n`);
  };
  ws.onmessage = (event) => {
    const text = event.data as string;
    let n = 0;
    let from = 0;
    while (true) {
      const i = text.indexOf(" PRIVMSG #", from);
      if (i < 0) break;
      n++;
      from = i + 10;
    }
    r.add(n);
  };
  await new Promise((resolve) => (ws.onclose = resolve));
}

async function sourceClient(url: string, channels: string[], r: ReturnType<typeof reporter>) {
  const tree = values["source-tree"];
  const { liveSource } = tree
    ? await import(
      `file://${join(tree, "src/chat/live.ts")}`
    ) as typeof import("../src/chat/live.ts")
    : await import("../src/chat/live.ts");
  const controller = new AbortController();
  Deno.addSignalListener("SIGTERM", () => controller.abort());
  for await (const item of liveSource({ channels, server: url })(controller.signal)) {
    const items = item.kind === "batch" ? item.items : [item];
    let n = 0;
    let shed = 0;
    for (const i of items) {
      if (i.kind === "message") n++;
      else if (i.kind === "warning") shed += Number(/^(\d+) item/.exec(i.reason)?.[1] ?? 0);
    }
    r.add(n, shed);
  }
}

async function tmiClient(url: string, channels: string[], r: ReturnType<typeof reporter>) {
  const { default: tmi } = await import("tmi.js");
  const u = new URL(url);
  const client = new tmi.Client({
    options: { joinInterval: 300, skipMembership: true, skipUpdatingEmotesets: true },
    connection: { server: u.hostname, port: Number(u.port), secure: false, reconnect: false },
    channels,
    logger: { info() {}, warn() {}, error() {} },
  });
  client.on("message", () => r.add(1));
  client.on("cheer", () => r.add(1)); // a PRIVMSG with bits is a "cheer", not a "message"
  await client.connect();
  await new Promise(() => {});
}

async function dankClient(url: string, channels: string[], r: ReturnType<typeof reporter>) {
  const { ChatClient } = await import("dank-twitch-irc");
  // dank's own WebSocket transport (simple-websocket) cannot connect under Deno; its duplex
  // transport over Deno's native WebSocket (the one liveSource uses) measures the same client.
  const client = new ChatClient({ connection: { type: "duplex", stream: () => wsDuplex(url) } });
  client.on("PRIVMSG", () => r.add(1));
  client.on("error", () => {});
  client.connect();
  await client.joinAll(channels);
  await new Promise(() => {});
}

/** A node stream over Deno's native WebSocket: text frames in, written strings out. */
function wsDuplex(url: string): Duplex {
  const ws = new WebSocket(url);
  const early: string[] = [];
  const stream = new Duplex({
    decodeStrings: false,
    objectMode: true,
    read() {},
    write(chunk: unknown, _encoding: string, done: (error?: Error | null) => void) {
      if (ws.readyState === WebSocket.OPEN) ws.send(String(chunk));
      else early.push(String(chunk));
      done();
    },
  });
  ws.onopen = () => early.splice(0).forEach((line) => ws.send(line));
  ws.onmessage = (event) => stream.push(event.data as string);
  ws.onclose = () => stream.push(null);
  return stream;
}

async function twurpleClient(url: string, channels: string[], r: ReturnType<typeof reporter>) {
  const { ChatClient } = await import("@twurple/chat");
  const u = new URL(url);
  const client = new ChatClient({
    channels,
    hostName: u.hostname,
    ssl: false,
    webSocket: true,
    logger: { minLevel: "critical" },
  });
  // deno-lint-ignore no-explicit-any -- the port is not an option of @twurple/chat (see above)
  (client as any)._ircClient._connection._target.port = Number(u.port);
  client.onMessage(() => r.add(1));
  client.onAction(() => r.add(1)); // a `/me` line is an action here, not a message
  client.connect();
  await new Promise(() => {});
}

if (values.client) {
  const url = values.url!;
  const r = reporter(Number(values.expect));
  const clients: Record<string, typeof rawClient> = {
    raw: rawClient,
    source: sourceClient,
    tmi: tmiClient,
    dank: dankClient,
    twurple: twurpleClient,
  };
  await clients[values.client]!(url, CHANNELS, r);
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

/** The 1-minute load average of the machine. */
function loadAverage(): number {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return NaN;
  }
}

/** Peak RSS (VmHWM) of a process in MB. */
function peakRssMb(pid: number): number | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return undefined;
  }
}

interface FloodResult {
  name: string;
  /** Load average (1 min) at the start and the end of this client's run. */
  load: [number, number];
  sent: number;
  consumed: number;
  shed: number;
  seconds: number;
  rate: number;
  cpuPercent: number;
  peakRssMb: number;
  note: string;
}

/** One client under the flood: `total` messages as fast as the socket takes them. */
async function flood(
  name: string,
  kind: string,
  total: number,
  tree?: string,
): Promise<FloodResult> {
  await using server = await FakeTwitch.start();
  const pool = linePool();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      // The liveSource runs with the V8 flags `deno task cli` gives `chat run` (its tree's).
      ...(kind === "source" ? await cliTaskV8Flags(tree ?? root) : []),
      self,
      "--client",
      kind,
      "--url",
      server.url,
      "--channels",
      values.channels!,
      "--expect",
      String(total),
      ...(tree ? ["--source-tree", tree] : []),
    ],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let consumed = 0;
  let shed = 0;
  let reachedAt = 0;
  let t0 = 0;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const l of lines) {
        const m = /^consumed (\d+) shed (\d+)$/.exec(l);
        if (!m) continue;
        consumed = Number(m[1]);
        shed = Number(m[2]);
        if (!reachedAt && t0 && consumed + shed >= total) reachedAt = performance.now();
      }
    }
  })();
  const stderr = new Response(child.stderr).text();
  let note = "";
  try {
    await server.waitFor(
      () => server.connections.some((c) => c.joined.size === CHANNELS.length),
      60_000,
      `${kind}: every channel joined`,
    );
    const conn = server.connections.find((c) => c.joined.size === CHANNELS.length)!;
    const ticks0 = procStat(child.pid)?.ticks ?? 0;
    const load0 = loadAverage();
    t0 = performance.now();
    let sent = 0;
    let seq = 0;
    while (sent < total && conn.open) {
      if (conn.socket.bufferedAmount > 4_000_000) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      let batch = "";
      const n = Math.min(200, total - sent);
      for (let i = 0; i < n; i++) {
        const [before, after] = pool[seq % pool.length]!;
        batch += `${before}b${(++seq).toString(36)}${after}\r\n`;
      }
      conn.socket.send(batch);
      sent += n;
      if (sent % 2000 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    // Wait for the client to count everything; give up when it stops moving for 10 s.
    let last = -1;
    let still = performance.now();
    while (!reachedAt) {
      await new Promise((r) => setTimeout(r, 20));
      if (consumed + shed !== last) {
        last = consumed + shed;
        still = performance.now();
      } else if (performance.now() - still > 10_000) {
        note = `stalled at ${consumed + shed} of ${total}`;
        break;
      }
    }
    const end = reachedAt || performance.now();
    const seconds = (end - t0) / 1000;
    const ticks = (procStat(child.pid)?.ticks ?? ticks0) - ticks0;
    const peak = peakRssMb(child.pid) ?? NaN;
    return {
      name,
      load: [load0, loadAverage()],
      sent,
      consumed,
      shed,
      seconds,
      rate: consumed / seconds,
      cpuPercent: (ticks / TICKS_PER_SECOND / seconds) * 100,
      peakRssMb: peak,
      note,
    };
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Gone already.
    }
    await child.status;
    await reading;
    const err = (await stderr).trim();
    if (err) console.error(`${kind} stderr: ${err.slice(0, 400)}`);
  }
}

const self = new URL(import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;
const window = Number(values.window);
const results: PhaseResult[] = [];
const floods: FloodResult[] = [];
const only = values.only;
const total = Number(values.messages);

const CLIENTS: Record<string, string> = {
  baseline: "baseline: bare Deno WebSocket, count lines",
  source: "liveSource: parse + Twitch meaning + dedup + bounded hand-over",
  tmi: "tmi.js 1.8.5",
  dank: "dank-twitch-irc 4.3.0",
  twurple: "@twurple/chat 8.2.0",
};
if (!only || only === "flood") {
  for (const kind of values.clients!.split(",")) {
    const name = CLIENTS[kind];
    if (!name) throw new Error(`unknown client ${kind} (expected ${Object.keys(CLIENTS)})`);
    const tree = values["source-tree"];
    if (kind === "source" && tree) {
      floods.push(await flood(`liveSource @ ${tree}`, "source", total, tree));
    }
    floods.push(await flood(name, kind === "baseline" ? "raw" : kind, total));
    // Printed as they come, so a long run shows progress (the table follows at the end).
    const f = floods[floods.length - 1]!;
    // deno-lint-ignore no-console -- a benchmark prints its figures
    console.error(`${f.name}: ${Math.round(f.rate)} msg/s, ${f.peakRssMb.toFixed(0)} MB`);
  }
}
if (!only || only === "pipeline") {
  const v8Flags = await cliTaskV8Flags(root);
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
          ...v8Flags,
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
if (floods.length) {
  out.push(
    `flood: ${fmt(total)} tagged PRIVMSG lines over ${CHANNELS.length} channels, as fast as the ` +
      `socket takes them; each client in a child process`,
  );
  const base = floods.find((f) => f.name.startsWith("baseline"));
  const source = floods.find((f) => f.name.startsWith("liveSource:"));
  // On a shared machine the rate follows the CPU share the client got; this figure does not.
  const perCpu = (f: FloodResult) => f.rate / Math.max(f.cpuPercent / 100, 0.001);
  for (const f of floods) {
    const lost = f.sent - f.consumed;
    const ratios = [
      base && f !== base ? `${(f.rate / base.rate).toFixed(2)}x baseline` : "",
      source && f !== source ? `${(f.rate / source.rate).toFixed(2)}x liveSource` : "",
    ].filter(Boolean).join(", ");
    const cpuRatio = source && f !== source
      ? ` (${(perCpu(f) / perCpu(source)).toFixed(2)}x liveSource)`
      : "";
    out.push(
      `  ${f.name}\n    ${fmt(f.rate)} msg/s${ratios ? ` (${ratios})` : ""}; ` +
        `${fmt(perCpu(f))} msg per CPU-second${cpuRatio}; CPU ${f.cpuPercent.toFixed(0)}% ` +
        `of a core over ${f.seconds.toFixed(1)} s; peak RSS ${f.peakRssMb.toFixed(0)} MB; ` +
        `load ${f.load[0].toFixed(1)} -> ${f.load[1].toFixed(1)}; ` +
        (lost === 0 ? "no loss" : `${fmt(lost)} not counted (${fmt(f.shed)} shed)`) +
        (f.note ? `; ${f.note}` : ""),
    );
  }
}
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
// deno-lint-ignore no-console -- a benchmark prints its figures
console.log(out.join("\n"));
