/**
 * Peak memory of a long `chat run` (log, index, profiles), taken in pieces over one data dir: the
 * generated fixture of `bench/ingest.ts` (`bench/_chat_fixture.ts`: 4 channels, 20,000 users) of
 * `--total` messages is cut into `--pieces` consecutive runs of equal size, and each piece is a
 * fresh `chat run` of the tree (started with its `cli` task's flags and environment, as
 * `bench/memory.ts` does)
 * into the same data dir, so the last piece works on the index and profiles of the whole total.
 * Each piece reports its peak RSS (VmHWM), its wall time, and where the memory was at the highest
 * RSS seen (sampled every 100 ms): the V8 heaps (committed, from `--trace-gc`, as last collected
 * before that moment), glibc's per-thread arenas (the 64 MiB-aligned heaps of `malloc`, whose
 * resident part holds SQLite's page caches and ArrayBuffers among others), the main arena
 * (`[heap]`), the other anonymous mappings (V8's pages, large `malloc`s, stacks) and files (the
 * binary), with the thread count.
 *
 * With `--lock FILE` each piece takes an exclusive lock on FILE (as `flock` does) while it runs,
 * so that a long run does not hold a shared benchmark lock between pieces; `--piece K` runs only
 * piece K (0-based). The piece fixtures are written once under `bench/.out/pieces-N-P/`;
 * `--clean` removes them and the data dir at the end.
 *
 *   deno run -A bench/memory_pieces.ts --data-dir bench/.out/pieces-data [--total 10000000]
 *     [--pieces 5] [--piece K] [--tree /work/main] [--lock /work/bench.lock] [--clean]
 *     [-- extra chat run flags]
 */
import { benchArgs } from "./_args.ts";
import { join, resolve } from "node:path";
import { benchChat, lineCount, offlineChatRunArgs } from "./_chat_fixture.ts";
import { cliTaskEnv, cliTaskFlags, DENO, perSecond } from "./_proc.ts";

const { values, positionals } = benchArgs(import.meta.url, {
  options: {
    total: { type: "string", default: "10000000" },
    pieces: { type: "string", default: "5" },
    piece: { type: "string" },
    tree: { type: "string" },
    "data-dir": { type: "string" },
    lock: { type: "string" },
    clean: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const total = Number(values.total);
const nPieces = Number(values.pieces);
const perPiece = Math.floor(total / nPieces);
const N_CHANNELS = 4;
const root = new URL("..", import.meta.url).pathname;
const out = join(root, "bench", ".out");
const tree = values.tree ?? root;
if (!values["data-dir"]) throw new Error("--data-dir is required");
const dataDir = resolve(values["data-dir"]);
const fxRoot = join(out, `pieces-${total}-${nPieces}`);
const channels = Array.from({ length: N_CHANNELS }, (_, i) => `bench_channel_${i}`);

/** Writes the piece fixtures (once: a stamp says they are complete). */
async function pieceFixtures(): Promise<string[]> {
  const dirs = Array.from({ length: nPieces }, (_, k) => join(fxRoot, `piece-${k}`));
  const stamp = join(fxRoot, "stamp.json");
  const want = JSON.stringify({ v: 1, total, nPieces });
  try {
    if ((await Deno.readTextFile(stamp)) === want) return dirs;
  } catch {
    // Not written yet.
  }
  await Deno.remove(fxRoot, { recursive: true }).catch(() => {});
  const enc = new TextEncoder();
  let files = new Map<string, Deno.FsFile>();
  let bufs = new Map<string, string[]>();
  const flush = async (c: string) => {
    const b = bufs.get(c)!;
    if (b.length) await files.get(c)!.write(enc.encode(b.join("\n") + "\n"));
    b.length = 0;
  };
  const closeAll = async () => {
    for (const c of files.keys()) {
      await flush(c);
      files.get(c)!.close();
    }
  };
  let i = 0;
  for (const l of benchChat(channels, perPiece * nPieces)) {
    if (i % perPiece === 0) {
      await closeAll();
      const dir = dirs[i / perPiece]!;
      await Deno.mkdir(join(dir, "chat"), { recursive: true });
      await Deno.copyFile(join(root, "fixtures", "emotes.json"), join(dir, "emotes.json"));
      files = new Map();
      bufs = new Map(channels.map((c) => [c, []]));
      for (const c of channels) {
        files.set(
          c,
          await Deno.open(join(dir, "chat", `${c}.jsonl`), { write: true, create: true }),
        );
      }
    }
    const b = bufs.get(l.channel)!;
    b.push(JSON.stringify(l));
    if (b.length >= 10000) await flush(l.channel);
    i++;
  }
  await closeAll();
  await Deno.writeTextFile(stamp, want);
  return dirs;
}

/** The task's flags with V8's `--trace-gc` added (the heaps' committed sizes). */
async function runFlags(): Promise<string[]> {
  const flags = await cliTaskFlags(tree);
  const at = flags.findIndex((f) => f.startsWith("--v8-flags="));
  if (at < 0) return [...flags, "--v8-flags=--trace-gc"];
  return flags.map((f, i) => (i === at ? `${f},--trace-gc` : f));
}

/** Where the resident memory is, in KiB by class, at one moment. */
interface Snapshot {
  rssKb: number;
  threads: number;
  classes: Record<string, number>;
  arenas: number;
  /** Resident KiB of each glibc arena heap, largest first. */
  arenaKb: number[];
  /** When it was taken, in ms since the start. */
  atMs: number;
  /** Committed MB of each V8 heap (by isolate) as last reported by a collection. */
  heapsMb: number[];
}

const TRACE =
  /^\[\d+:(0x[0-9a-f]+)\].*?(?:Mark-Compact|Scavenge|Minor Mark-Sweep|Mark-Sweep)\S*\s+[\d.]+ \(([\d.]+)\) -> [\d.]+ \(([\d.]+)\) MB/;

const ARENA = 64 * 1024 * 1024;

/** Classifies the mappings of `/proc/PID/smaps` by what holds them. */
function classify(
  smaps: string,
): { classes: Record<string, number>; arenas: number; arenaKb: number[] } {
  const classes: Record<string, number> = {};
  const add = (k: string, kb: number) => (classes[k] = (classes[k] ?? 0) + kb);
  const maps: Array<{ start: number; end: number; perms: string; path: string; rss: number }> = [];
  let cur: (typeof maps)[number] | null = null;
  for (const line of smaps.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = {
        start: parseInt(head[1]!, 16),
        end: parseInt(head[2]!, 16),
        perms: head[3]!,
        path: head[4]!,
        rss: 0,
      };
      maps.push(cur);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && cur) cur.rss = Number(rss[1]);
  }
  // A glibc arena heap: a 64 MiB-aligned anonymous region, read-write then reserved (---p), of
  // 64 MiB in all.
  const arenaParts = new Set<number>();
  const arenaKb: number[] = [];
  let arenas = 0;
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i]!;
    if (m.path !== "" || m.start % ARENA !== 0 || !m.perms.startsWith("rw")) continue;
    let end = m.end;
    const parts = [i];
    for (let j = i + 1; j < maps.length && maps[j]!.start === end && end - m.start < ARENA; j++) {
      if (maps[j]!.path !== "") break;
      end = maps[j]!.end;
      parts.push(j);
    }
    if (end - m.start === ARENA) {
      arenas++;
      for (const p of parts) arenaParts.add(p);
      arenaKb.push(parts.reduce((sum, p) => sum + maps[p]!.rss, 0));
    }
  }
  maps.forEach((m, i) => {
    if (arenaParts.has(i)) add("glibc arenas", m.rss);
    else if (m.path === "[heap]") add("main arena [heap]", m.rss);
    else if (m.path.startsWith("/")) add("files", m.rss);
    else if (m.path === "") add("other anonymous", m.rss);
    else add(m.path, m.rss);
  });
  return { classes, arenas, arenaKb: arenaKb.sort((a, b) => b - a) };
}

async function snapshot(
  pid: number,
  heaps: Map<string, number>,
  t0: number,
): Promise<Snapshot | null> {
  try {
    const smaps = await Deno.readTextFile(`/proc/${pid}/smaps`);
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return {
      rssKb,
      threads,
      ...classify(smaps),
      heapsMb: [...heaps.values()],
      atMs: performance.now() - t0,
    };
  } catch {
    return null;
  }
}

async function statusKb(pid: number, field: string): Promise<number | null> {
  try {
    const s = await Deno.readTextFile(`/proc/${pid}/status`);
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(s);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU ticks (user + system, all threads) of `pid` so far, or 0 once it has ended. */
async function processTicks(pid: number): Promise<number> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

const load = async () =>
  (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");

/** Runs one piece and reports it. */
async function runPiece(k: number, fxDir: string): Promise<void> {
  const t0 = performance.now();
  const before = await load();
  const child = new Deno.Command(DENO, {
    args: offlineChatRunArgs(
      tree,
      await runFlags(),
      { dir: fxDir, channels },
      dataDir,
      positionals,
    ),
    cwd: tree,
    env: await cliTaskEnv(tree),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const heaps = new Map<string, number>();
  const readTrace = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const l of lines) {
        const m = TRACE.exec(l);
        if (m) heaps.set(m[1]!, Number(m[3]));
      }
    }
  })();
  const stderr = new Response(child.stderr).text();
  let running = true;
  let best: Snapshot | null = null;
  let hwm = 0;
  let cpuTicks = 0;
  const sampler = (async () => {
    while (running) {
      cpuTicks = Math.max(cpuTicks, await processTicks(child.pid));
      const rss = await statusKb(child.pid, "VmRSS");
      hwm = Math.max(hwm, (await statusKb(child.pid, "VmHWM")) ?? 0);
      if (rss !== null && rss > (best?.rssKb ?? 0) + 2048) {
        const s = await snapshot(child.pid, heaps, t0);
        if (s && s.rssKb > (best?.rssKb ?? 0)) best = s;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const status = await child.status;
  const wallMs = performance.now() - t0;
  running = false;
  await sampler;
  await readTrace;
  if (!status.success) throw new Error(`piece ${k} failed: ${await stderr}`);
  const lines = await lineCount(join(dataDir, "logs", "messages.jsonl"));
  const mb = (kb: number) => Math.round(kb / 1024);
  console.log(
    `piece ${k + 1}/${nPieces} (to ${(lines / 1e6).toFixed(1)}M messages): peak RSS ${
      mb(hwm)
    } MB, ${(wallMs / 1000).toFixed(1)} s, CPU ${(cpuTicks / 100).toFixed(1)} s (${
      perSecond(perPiece, wallMs)
    }), load ${before} -> ${await load()}`,
  );
  const b = best as Snapshot | null;
  if (b) {
    const classes = Object.entries(b.classes).sort((x, y) => y[1] - x[1])
      .filter(([, kb]) => kb >= 1024).map(([c, kb]) => `${c} ${mb(kb)}`).join(", ");
    console.log(
      `  at the highest RSS sampled (${mb(b.rssKb)} MB at ${
        (b.atMs / 1000).toFixed(0)
      } s, ${b.threads} threads): ${classes} MB; ${b.arenas} glibc arenas (${
        b.arenaKb.map(mb).join(" ")
      } MB); V8 heaps committed ${b.heapsMb.map((x) => x.toFixed(0)).join(" / ")} MB`,
    );
  }
}

const dirs = await pieceFixtures();
const ks = values.piece !== undefined ? [Number(values.piece)] : dirs.map((_, k) => k);
console.log(
  `memory in pieces: ${
    total.toLocaleString("en-US")
  } messages in ${nPieces} pieces, tree ${tree} (${
    [
      ...Object.entries(await cliTaskEnv(tree)).map(([k, v]) => `${k}=${v}`),
      ...await cliTaskFlags(tree),
    ].join(" ")
  }), data dir ${dataDir}`,
);
for (const k of ks) {
  let lock: Deno.FsFile | null = null;
  if (values.lock) {
    lock = await Deno.open(values.lock, { read: true, write: true, create: true });
    await lock.lock(true);
  }
  try {
    await runPiece(k, dirs[k]!);
  } finally {
    lock?.close();
  }
}
if (values.clean) {
  await Deno.remove(fxRoot, { recursive: true });
  await Deno.remove(dataDir, { recursive: true });
}
