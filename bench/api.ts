/**
 * API benchmark: `serve` under local load. Builds (once, cached under bench/.out/) a data dir of
 * N generated messages ingested by the real pipeline (`chat run --offline` over generated
 * fixtures: index, profiles, signals), starts `serve` in its own process on a loopback port,
 * and runs C concurrent clients for S seconds against each of: a typical search, a user profile,
 * a channel profile and the landing page. Prints requests/second and p50/p99 latency, beside
 * the CLI's time for the same question (a whole `deno run main.ts ...` process, start-up
 * included) measured in the same run, with the ratio.
 *
 *   deno run -A bench/api.ts [--count 200000] [--clients 50] [--seconds 20] [--rebuild]
 *     [--tree DIR] [--only NAME,...] [--build-only]
 *
 * `--tree DIR` runs `serve` and the CLI from another checkout (e.g. /work/main) over the same
 * data dir, for a baseline measured the same way; `--only` picks routes by name prefix.
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { generateChat } from "../scripts/chatgen.ts";
import { layout } from "../src/store/layout.ts";
import { DENO, measure } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "200000" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
    rebuild: { type: "boolean", default: false },
    tree: { type: "string" },
    only: { type: "string" },
    "build-only": { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const here = new URL("..", import.meta.url).pathname;
/** The checkout whose `serve` and CLI are measured (the data is always built by this one). */
const root = values.tree ?? here;
const out = join(here, "bench", ".out");
const GEN_VERSION = 1;
const CHANNELS = Array.from({ length: 40 }, (_, i) => `channel_${i}`);
const START = Date.parse("2025-09-01T00:00:00Z");

/** The data dir: generated fixtures replayed through `chat run` (cached by a stamp). */
async function ensureDataDir(): Promise<string> {
  const dir = join(out, `api-${count}`);
  const data = join(dir, "data");
  const stamp = join(dir, "stamp.json");
  const want = JSON.stringify({ v: GEN_VERSION, count });
  try {
    if (!values.rebuild && (await Deno.readTextFile(stamp)) === want) return data;
  } catch {
    // Not built yet.
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const fixtures = join(dir, "fixtures");
  await Deno.mkdir(join(fixtures, "chat"), { recursive: true });
  await Deno.copyFile(join(here, "fixtures", "emotes.json"), join(fixtures, "emotes.json"));
  const files = new Map<string, string[]>();
  for (
    const l of generateChat({
      seed: 11,
      channels: CHANNELS,
      users: 30000,
      count,
      startMs: START,
      meanGapMs: 300,
      ids: true,
      regulars: ["someuser"],
    })
  ) {
    let list = files.get(l.channel);
    if (!list) files.set(l.channel, list = []);
    list.push(JSON.stringify(l));
  }
  for (const [ch, lines] of files) {
    await Deno.writeTextFile(join(fixtures, "chat", `${ch}.jsonl`), lines.join("\n") + "\n");
  }
  const t0 = performance.now();
  const r = await measure(DENO, [
    "run",
    "-A",
    join(here, "main.ts"),
    "chat",
    "run",
    "--offline",
    "--speed",
    "0",
    "--quiet",
    "--channels",
    CHANNELS.join(","),
    "--fixtures-dir",
    fixtures,
    "--data-dir",
    data,
  ], { cwd: here });
  if (r.code !== 0) throw new Error(`chat run failed: ${r.stderr}`);
  console.log(
    `  ingested ${count.toLocaleString("en-US")} messages in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    }s (log ${((await Deno.stat(layout(data).messages)).size / 1e6).toFixed(0)} MB)`,
  );
  await Deno.writeTextFile(stamp, want);
  return data;
}

/** Starts `serve` in its own process; resolves with its URL. */
async function startServe(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(DENO, {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net",
      join(root, "main.ts"),
      "serve",
      "--port",
      "0",
      "--data-dir",
      dataDir,
    ],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/http:\/\/[^\s/]+/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve did not start: ${text}`);
    text += value;
  }
  const url = /(http:\/\/[^\s/]+)/.exec(text)![1]!;
  // Keep draining stderr so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** C clients request `path` back to back for S seconds. */
async function load(
  url: string,
  path: string,
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await fetch(url + path);
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
  };
}

async function cliMs(args: string[]): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await measure(DENO, ["run", "-A", join(root, "main.ts"), ...args], { cwd: root });
    if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
    t.push(r.wallMs);
  }
  return t.sort((a, b) => a - b)[1]!;
}

console.log(
  `api benchmark: ${
    count.toLocaleString("en-US")
  } messages, ${clients} clients, ${seconds}s per route`,
);
const dataDir = await ensureDataDir();
if (values["build-only"]) Deno.exit(0);
const server = await startServe(dataDir);
try {
  const cases: { name: string; path: string; cli: string[] | null }[] = [
    {
      name: "search (channel, 20)",
      path: "/search?by=channel&value=channel_3&limit=20",
      cli: ["search", "messages", "--by", "channel", "--value", "channel_3", "--limit", "20"],
    },
    {
      name: "search (words)",
      path: "/search?contains=dating&limit=20",
      cli: ["search", "messages", "--contains", "dating", "--limit", "20"],
    },
    {
      name: "user profile",
      path: "/profiles/users/someuser",
      cli: ["profiles", "show", "--user", "someuser"],
    },
    {
      name: "channel profile",
      path: "/profiles/channels/channel_3",
      cli: ["profiles", "show", "--channel", "channel_3"],
    },
    { name: "landing page /", path: "/", cli: null },
  ];
  const only = values.only?.split(",") ?? null;
  if (only) {
    cases.splice(
      0,
      cases.length,
      ...cases.filter((c) => only.some((o) => c.name.startsWith(o))),
    );
  }
  // Warm up: first answers build caches (profile list, index connection).
  for (const c of cases) await (await fetch(server.url + c.path)).arrayBuffer();
  console.log(
    "route".padEnd(22) + "req/s".padStart(8) + "p50 ms".padStart(9) + "p99 ms".padStart(9) +
      "errors".padStart(8) + "CLI ms".padStart(9) + "CLI/p50".padStart(9),
  );
  for (const c of cases) {
    const r = await load(server.url, c.path);
    const cli = c.cli === null ? null : await cliMs([...c.cli, "--data-dir", dataDir]);
    console.log(
      c.name.padEnd(22) + r.rps.toFixed(0).padStart(8) + r.p50.toFixed(1).padStart(9) +
        r.p99.toFixed(1).padStart(9) + String(r.errors).padStart(8) +
        (cli === null ? "—" : cli.toFixed(0)).padStart(9) +
        (cli === null ? "—" : `${(cli / r.p50).toFixed(0)}x`).padStart(9),
    );
  }
} finally {
  await server.stop();
}
