/** A fake CliIO that records what a handler prints. */
import type { CliIO } from "../../src/cli/io.ts";

/** Captured output plus the io to pass. */
export function fakeIO(
  env: Record<string, string> = {},
): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    errIsTerminal: false,
    env: (n: string) => env[n],
    signal: new AbortController().signal,
  };
  return io;
}
