/**
 * Helpers for the benchmark scripts: run a child process and measure its wall time, CPU time
 * and peak RSS (VmHWM, sampled from /proc while it runs, as the kernel keeps it).
 */

/** What one measured child run gave. */
export interface Measured {
  wallMs: number;
  peakRssMb: number | null;
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
  const sampler = (async () => {
    while (running) {
      const kb = await vmHwmKb(child.pid);
      if (kb !== null) peak = Math.max(peak ?? 0, kb);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const out = await child.output();
  // Before waiting for the sampler: its 50 ms sleep would round every wall time up.
  const wallMs = performance.now() - t0;
  running = false;
  await sampler;
  return {
    wallMs,
    peakRssMb: peak === null ? null : Math.round(peak / 1024),
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

/**
 * The `deno run` flags of a tree's `cli` task in its `deno.json` (permissions and V8 flags: what
 * `deno task cli` starts main.ts with), so that a bench measures the program as a user runs it.
 */
export async function cliTaskFlags(tree: string): Promise<string[]> {
  const path = `${tree.replace(/\/$/, "")}/deno.json`;
  const conf = JSON.parse(await Deno.readTextFile(path));
  const words = String(conf.tasks?.cli ?? "").split(/\s+/);
  const from = words.indexOf("run");
  const to = words.indexOf("main.ts");
  if (from < 0 || to < from) {
    throw new Error(`${path}: no task cli of the form "deno run ... main.ts"`);
  }
  return words.slice(from + 1, to);
}

/** The `--v8-flags=...` among {@link cliTaskFlags} (none when the task sets no V8 flag). */
export async function cliTaskV8Flags(tree: string): Promise<string[]> {
  return (await cliTaskFlags(tree)).filter((f) => f.startsWith("--v8-flags"));
}
