/**
 * Identity benchmark: a log of N generated messages (hundreds of channels, tens of thousands of
 * users with Twitch-like ids, Zipf-like activity, @mentions) in which 1% of the users, the
 * busiest among them, rename themselves halfway through. Reports, beside `grep -c` of the same
 * log measured in the same run:
 * - the timeline of the busiest person (all their logins) through the library, median of runs;
 * - an export of the whole interaction graph in each format, end to end (build, then the file
 *   written as it is made);
 * - that profiles written incrementally (the log appended in chunks, the derived state caught
 *   up after each) are byte-identical to `profiles rebuild` of the same log.
 *
 *   deno run -A bench/identity.ts [--count 1000000] [--runs 9] [--rebuild] [--skip-verify]
 *     [--prepare (only generate the log and build the derived state)] [--only timeline|graph]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { generateChat, stableUserId, userName } from "../scripts/chatgen.ts";
import { extractEmoteNames, extractMentions, extractUrls } from "../src/analysis/extract.ts";
import type { Message } from "../src/schemas.ts";
import { timeline, timelineStream } from "../src/query/timeline.ts";
import { personIndexRead } from "../src/store/embedded/person_rows.ts";
import { interactionGraph } from "../src/query/graph.ts";
import { GRAPH_FORMATS, graphChunks } from "../src/export/graph_formats.ts";
import { writeChunksAtomic } from "../src/store/atomic.ts";
import { openStore } from "../src/store/store.ts";
import process from "node:process";
import { layout } from "../src/store/layout.ts";
import { measure } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "1000000" },
    runs: { type: "string", default: "9" },
    rebuild: { type: "boolean", default: false },
    "skip-verify": { type: "boolean", default: false },
    prepare: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const root = new URL("..", import.meta.url).pathname;
const out = join(root, "bench", ".out");
const GEN_VERSION = 1;
const START = Date.parse("2025-09-01T00:00:00Z");
const USERS = 30000;
const EMOTES = new Set(["Kappa", "LUL", "PogChamp", "KEKW", "monkaS", "Sadge", "catJAM"]);

/** Users who rename halfway: about 1 in 100, and user 0 (the busiest). */
const renames = (login: string, i: number) =>
  i >= count / 2 && (login === userName(0) || Number(stableUserId(login)) % 100 === 0);

function* messages(n: number): Generator<Message> {
  let i = 0;
  for (
    const l of generateChat({
      seed: 11,
      channels: Array.from({ length: 300 }, (_, k) => `channel_${k}`),
      users: USERS,
      count: n,
      startMs: START,
      meanGapMs: 300,
      ids: true,
    })
  ) {
    const userId = stableUserId(l.user_name);
    const login = renames(l.user_name, i) ? `${l.user_name}_v2`.slice(0, 25) : l.user_name;
    yield {
      ts: l.ts,
      channel: l.channel,
      message_id: l.message_id!,
      user_id: userId,
      user_name: login,
      text: l.text,
      mentions: extractMentions(l.text),
      urls: extractUrls(l.text),
      emotes: extractEmoteNames(l.text, EMOTES),
      source: "twitch-irc",
    };
    i++;
  }
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const f = await Deno.open(path, { write: true, create: true, append: true });
  const enc = new TextEncoder();
  let buf: string[] = [];
  for (const l of lines) {
    buf.push(l);
    if (buf.length >= 20000) {
      await f.write(enc.encode(buf.join("\n") + "\n"));
      buf = [];
    }
  }
  if (buf.length) await f.write(enc.encode(buf.join("\n") + "\n"));
  f.close();
}

function* jsonLines(n: number): Generator<string> {
  for (const m of messages(n)) yield JSON.stringify(m);
}

async function ensureDataDir(): Promise<string> {
  const dir = join(out, `identity-${count}`);
  const stamp = join(dir, "stamp.json");
  const want = JSON.stringify({ v: GEN_VERSION, n: count });
  try {
    if (!values.rebuild && (await Deno.readTextFile(stamp)) === want) {
      // Derived state of an older layout is rebuilt by a catch-up.
      const s = await openStore({ dataDir: dir });
      await s.catchUp().finally(() => s.close());
      return dir;
    }
  } catch {
    // Not built yet.
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  const t0 = performance.now();
  await writeLines(layout(dir).messages, jsonLines(count));
  const t1 = performance.now();
  console.log(`  generated ${count.toLocaleString("en-US")} messages in ${secs(t1 - t0)}`);
  const s = await openStore({ dataDir: dir });
  try {
    await s.rebuild();
  } finally {
    await s.close();
  }
  console.log(`  index and profiles rebuilt in ${secs(performance.now() - t1)}`);
  await Deno.writeTextFile(stamp, want);
  return dir;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function grepMs(args: string[]): Promise<{ ms: number; out: string }> {
  const t: number[] = [];
  let outText = "";
  for (let i = 0; i < 3; i++) {
    const r = await measure("grep", args);
    if (r.code > 1) throw new Error(`grep failed: ${r.stderr}`);
    t.push(r.wallMs);
    outText = r.stdout.trim();
  }
  return { ms: median(t), out: outText };
}

async function readTree(dir: string, prefix = ""): Promise<Map<string, string>> {
  const outMap = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) {
      for (const [k, v] of await readTree(p, `${prefix}${e.name}/`)) outMap.set(k, v);
    } else outMap.set(prefix + e.name, await Deno.readTextFile(p));
  }
  return outMap;
}

console.log(`identity benchmark over ${count.toLocaleString("en-US")} messages`);
const dir = await ensureDataDir();
if (values.prepare) Deno.exit(0);
const log = layout(dir).messages;

// The busiest person: user 0 of the generator (renamed halfway).
const busiest = "id:" + stableUserId(userName(0));

const store = await openStore({ dataDir: dir });

/** Median wall and CPU (user + system) ms of `runs` calls, after one warm-up call. */
async function timed<T>(f: () => Promise<T>): Promise<{ wall: number; cpu: number; last: T }> {
  let last = await f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = await f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), last };
}

const part = (name: string) => values.only === undefined || values.only === name;

// ---- timeline ----
if (part("timeline")) {
  /** Every entry of the stream consumed: the library's time to produce the whole timeline. */
  const streamAll = async (messages: boolean): Promise<{ entries: number; own: number }> => {
    const s = await timelineStream(store, { user: busiest }, { messages });
    let entries = 0;
    let own = 0;
    for await (const batch of s.entries) {
      entries += batch.length;
      for (const e of batch) if (e.kind === "message") own++;
    }
    return { entries, own };
  };
  const keys = (await timeline(store, { user: busiest, limit: 1 })).person.keys;
  const floor = await timed(() => personIndexRead(dir, { persons: keys }));
  const stream = await timed(() => streamAll(false));
  const withRecords = await timed(() => streamAll(true));
  const page = await timed(() => timeline(store, { user: busiest, limit: 200 }));
  const t = page.last;
  const { entries, own } = stream.last;
  const gT = await grepMs(["-c", `"user_id":"${busiest.slice(3)}"`, log]);
  console.log(
    `timeline of the busiest person (${busiest}, logins ${
      t.person.logins.map((s) => s.login).join(" -> ")
    }): ${entries} entries, ${own} messages; grep -c of their id ${
      gT.ms.toFixed(0)
    } ms (${gT.out} lines)`,
  );
  const line = (label: string, r: { wall: number; cpu: number }, target: boolean) =>
    console.log(
      `  ${label}: median ${r.wall.toFixed(1)} ms wall, ${r.cpu.toFixed(1)} ms CPU (${
        (gT.ms / r.wall).toFixed(1)
      }x faster than grep)${
        target ? `; target <= 50 ms: ${r.wall <= 50 ? "met" : "NOT met"}` : ""
      }`,
    );
  line("floor: the person index read alone (rows as arrays)", floor, false);
  line("whole timeline, every entry (timelineStream)", stream, true);
  line("whole timeline with whole records from the log (--format json)", withRecords, false);
  line("latest 200 entries with records (--limit 200)", page, true);
  if (Number(gT.out) !== own) console.log(`  MISMATCH: grep counts ${gT.out}, timeline ${own}`);
}

// ---- graph export ----
if (part("graph")) {
  const gG = await grepMs(["-c", `"mentions":\\["`, log]);
  console.log(
    `graph export of the whole log, end to end per format (build from the store, write the ` +
      `file as it is made); grep -c of lines with mentions ${gG.ms.toFixed(0)} ms (${gG.out})`,
  );
  for (const format of GRAPH_FORMATS) {
    const file = join(out, `identity.${format}`);
    const c0 = process.cpuUsage();
    const g0 = performance.now();
    const g = await interactionGraph(store, {});
    const g1 = performance.now();
    await writeChunksAtomic(file, graphChunks(format, g));
    const g2 = performance.now();
    const c = process.cpuUsage(c0);
    const bytes = (await Deno.stat(file)).size;
    console.log(
      `  ${format}: ${g.nodes.length} persons, ${g.edges.length} edges from ${g.messages} ` +
        `messages, ${(bytes / 1e6).toFixed(1)} MB: ${secs(g2 - g0)} wall, ${
          secs((c.user + c.system) / 1000)
        } CPU (build ${secs(g1 - g0)}, write ${secs(g2 - g1)}); ${
          ((g2 - g0) / gG.ms).toFixed(1)
        }x grep; target <= 10 s: ${g2 - g0 <= 10_000 ? "met" : "NOT met"}`,
    );
    await Deno.remove(file);
  }
}
await store.close();

// ---- profiles: incremental == rebuild ----
if (!values["skip-verify"] && values.only === undefined) {
  const inc = join(out, `identity-${count}-incremental`);
  await Deno.remove(inc, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(inc, "logs"), { recursive: true });
  const chunks = 10;
  const text = await Deno.readTextFile(log);
  const lines = text.split("\n").filter(Boolean);
  const per = Math.ceil(lines.length / chunks);
  const i0 = performance.now();
  const incStore = await openStore({ dataDir: inc });
  for (let c = 0; c < chunks; c++) {
    await writeLines(layout(inc).messages, lines.slice(c * per, (c + 1) * per));
    const r = await incStore.catchUp();
    if (r === null) throw new Error("derived writer busy");
  }
  await incStore.close();
  const i1 = performance.now();
  // `profiles rebuild` of the same log with this code (the data dir's may be older).
  const full = await openStore({ dataDir: dir });
  try {
    await full.rebuild({ index: false, profiles: true });
  } finally {
    await full.close();
  }
  const i2 = performance.now();
  const a = await readTree(join(dir, "profiles"));
  const b = await readTree(join(inc, "profiles"));
  let diff = 0;
  for (const [k, v] of a) if (b.get(k) !== v) diff++;
  for (const k of b.keys()) if (!a.has(k)) diff++;
  console.log(
    `profiles: incremental (${chunks} chunks, ${secs(i1 - i0)}) vs rebuild (${
      secs(i2 - i1)
    }): ${a.size} files, ${diff} differ: ${diff === 0 ? "byte-identical" : "NOT identical"}`,
  );
  await Deno.remove(inc, { recursive: true });
}
