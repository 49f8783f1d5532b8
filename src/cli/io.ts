/**
 * What a subcommand handler may touch of the outside world: its output streams, whether they
 * are terminals, and the environment. `main.ts` passes the real ones; tests pass fakes and read
 * back what was printed.
 *
 * @module
 */
import type { Env } from "../config.ts";
import { OsintError } from "../errors.ts";

/** The I/O a handler uses. */
export interface CliIO {
  /** Writes to standard output (the command's result). */
  out(text: string): void;
  /** Writes to standard error (progress, warnings, errors). */
  err(text: string): void;
  /** True when stderr is a terminal: live progress lines are shown only then. */
  errIsTerminal: boolean;
  env: Env;
  /** Aborted on SIGINT/SIGTERM: long commands flush and return. */
  signal: AbortSignal;
  /**
   * Asks the person at the terminal a yes/no question; absent when standard input is not a
   * terminal (piped, CI), where commands that need consent want a flag (`--yes`) instead.
   */
  confirm?: (question: string) => Promise<boolean>;
}

/** A subcommand handler: argv after the subcommand name in, exit code out. */
export type Handler = (args: string[], io: CliIO) => Promise<number>;

/**
 * Encodes and writes synchronously, so output is never lost at exit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writerFor } from "./io.ts";
 * // A stream that takes at most 4 bytes a call, as a pipe may.
 * const taken: number[] = [];
 * const write = writerFor({
 *   writeSync(p: Uint8Array) {
 *     const n = Math.min(4, p.length);
 *     taken.push(...p.subarray(0, n));
 *     return n;
 *   },
 * });
 * write("héllo wörld\n");
 * assert.equal(new TextDecoder().decode(new Uint8Array(taken)), "héllo wörld\n");
 * ```
 */
export function writerFor(fd: { writeSync(p: Uint8Array): number }): (text: string) => void {
  const enc = new TextEncoder();
  return (text) => {
    let bytes = enc.encode(text);
    while (bytes.length > 0) {
      const n = fd.writeSync(bytes);
      bytes = bytes.subarray(n);
    }
  };
}

/**
 * The error that ends a run whose log is complete but whose index or profiles could not be
 * written (a full disk): the run fails (exit 1), and the state left stale is repaired by the
 * next command that opens the data dir for writing (or `index rebuild`, `profiles rebuild`).
 */
export function derivedFailure(problems: number): OsintError {
  return new OsintError(
    `the index or profiles could not be written (${problems} problem(s), see the warnings ` +
      `above); the log is complete, and the next command repairs them`,
  );
}
