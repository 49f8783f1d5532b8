/**
 * Helpers for the benchmark scripts: run a child process and measure its wall time, CPU time
 * and peak RSS (VmHWM, sampled from /proc while it runs, as the kernel keeps it).
 */

/** What one measured child run gave. */
export interface Measured {
  wallMs: number;
  peakRssMb: number | null;
  /**
   * CPU time (user + system, sampled from /proc every 50 ms, so the last 50 ms may be missed) of
   * the child's main thread and of all its other threads (workers, GC helpers, I/O), in ms.
   */
  cpuMs: { main: number; other: number };
  /**
   * CPU time (ms) by thread name as the kernel shows it (`deno` for the main thread,
   * `worker-1`, `worker-2` for workers in the order they started, `V8 DefaultWorke` for V8's
   * helper threads, summed), sampled like `cpuMs`.
   */
  threadCpuMs: Record<string, number>;
  code: number;
  stdout: string;
  stderr: string;
}

async function vmHwmKb(pid: number): Promise<number | null> {
  try {
    const s = await Deno.readTextFile(`/proc/${pid}/status`);
    const m = /VmHWM:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Clock ticks a second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU ticks (user + system) of each thread of `pid`, added into `into` (the last seen per tid). */
async function threadTicks(
  pid: number,
  into: Map<number, number>,
  names: Map<number, string>,
): Promise<void> {
  try {
    for await (const entry of Deno.readDir(`/proc/${pid}/task`)) {
      try {
        const stat = await Deno.readTextFile(`/proc/${pid}/task/${entry.name}/stat`);
        // Fields after the command name (which may hold spaces): state is the first, utime the
        // 12th, stime the 13th.
        const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        into.set(Number(entry.name), Number(rest[11]) + Number(rest[12]));
        names.set(Number(entry.name), stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  } catch {
    // The process has ended.
  }
}

/** Runs `cmd args` and measures it. */
export async function measure(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Measured> {
  const t0 = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
  }).spawn();
  let peak: number | null = null;
  let running = true;
  const ticks = new Map<number, number>();
  const names = new Map<number, string>();
  const sampler = (async () => {
    while (running) {
      const kb = await vmHwmKb(child.pid);
      if (kb !== null) peak = Math.max(peak ?? 0, kb);
      await threadTicks(child.pid, ticks, names);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const out = await child.output();
  // Before waiting for the sampler: its 50 ms sleep would round every wall time up.
  const wallMs = performance.now() - t0;
  running = false;
  await sampler;
  let main = 0, other = 0;
  const ms = 1000 / TICKS_PER_SECOND;
  const threadCpuMs: Record<string, number> = {};
  for (const [tid, t] of ticks) {
    if (tid === child.pid) main += t;
    else other += t;
    const name = names.get(tid) ?? "?";
    threadCpuMs[name] = (threadCpuMs[name] ?? 0) + t * ms;
  }
  return {
    wallMs,
    peakRssMb: peak === null ? null : Math.round(peak / 1024),
    cpuMs: { main: main * ms, other: other * ms },
    threadCpuMs,
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** The deno executable running this script. */
export const DENO: string = Deno.execPath();

/** Formats a rate. */
export function perSecond(count: number, ms: number): string {
  return `${Math.round((count * 1000) / ms).toLocaleString("en-US")}/s`;
}

/** The words of a tree's `cli` task in its `deno.json`. */
async function cliTaskWords(tree: string): Promise<{ path: string; words: string[] }> {
  const path = `${tree.replace(/\/$/, "")}/deno.json`;
  const conf = JSON.parse(await Deno.readTextFile(path));
  return { path, words: String(conf.tasks?.cli ?? "").trim().split(/\s+/) };
}

/**
 * The `deno run` flags of a tree's `cli` task in its `deno.json` (permissions and V8 flags: what
 * `deno task cli` starts main.ts with), so that a bench measures the program as a user runs it.
 */
export async function cliTaskFlags(tree: string): Promise<string[]> {
  const { path, words } = await cliTaskWords(tree);
  const from = words.indexOf("run");
  const to = words.indexOf("main.ts");
  if (from < 0 || to < from) {
    throw new Error(`${path}: no task cli of the form "deno run ... main.ts"`);
  }
  return words.slice(from + 1, to);
}

/**
 * The environment a tree's `cli` task sets before `deno` (its leading `NAME=value` words, as
 * `deno task` reads them: glibc's malloc settings), so that a bench starts main.ts with it too.
 */
export async function cliTaskEnv(tree: string): Promise<Record<string, string>> {
  return leadingEnv((await cliTaskWords(tree)).words).env;
}

/** The leading `NAME=value` words of a command as a task writes it, and the words after them. */
function leadingEnv(words: readonly string[]): { env: Record<string, string>; rest: string[] } {
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length; i++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(words[i]!);
    if (!m) break;
    env[m[1]!] = m[2]!;
  }
  return { env, rest: words.slice(i) };
}

/** The `--v8-flags=...` among {@link cliTaskFlags} (none when the task sets no V8 flag). */
export async function cliTaskV8Flags(tree: string): Promise<string[]> {
  return (await cliTaskFlags(tree)).filter((f) => f.startsWith("--v8-flags"));
}

/** A run of a tree with other settings than its `cli` task's: see {@link parseVariant}. */
export interface Variant {
  label: string;
  /** The environment the run gets instead of the task's (glibc's malloc settings). */
  env: Record<string, string>;
  /** The `deno run` flags (`-A` first, then the variant's own, V8 flags among them). */
  flags: string[];
}

/**
 * Reads `label=WORDS`, where WORDS are written as a task writes them: leading `NAME=value` words
 * are the environment (replacing the task's, so `label=--v8-flags=...` runs without the malloc
 * settings), the rest `deno run` flags; permissions are `-A`. E.g.
 * `mmap1m=MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576 --v8-flags=--max-semi-space-size=4`.
 */
export function parseVariant(spec: string): Variant {
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new Error(`--variant ${spec}: expected label=WORDS`);
  const { env, rest } = leadingEnv(spec.slice(eq + 1).split(/\s+/).filter((w) => w !== ""));
  return { label: spec.slice(0, eq), env, flags: ["-A", ...rest] };
}
