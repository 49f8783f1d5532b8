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
