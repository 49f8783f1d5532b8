/**
 * Progress on a terminal: one status line rewritten in place, with counts and rate. Piped or
 * `--quiet`, nothing is drawn.
 *
 * @module
 */
import type { CliIO } from "./io.ts";

/**
 * A status line that redraws itself on a terminal and is silent otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rate, StatusLine } from "./progress.ts";
 * let err = "";
 * const io = {
 *   out: () => {},
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: true,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const status = new StatusLine(io, false);
 * status.update(`1200 messages, ${rate(1200, 800)}`);
 * status.line("warning: a torn line was set aside");
 * status.done();
 * assert.equal(err, "\r\x1b[2K1200 messages, 1.5k/s\r\x1b[2Kwarning: a torn line was set aside\n");
 * // Piped (or --quiet): only whole lines, never a redrawn one.
 * err = "";
 * const piped = new StatusLine({ ...io, errIsTerminal: false }, false);
 * piped.update("1200 messages");
 * piped.line("done");
 * assert.equal(err, "done\n");
 * ```
 */
export class StatusLine {
  #io: CliIO;
  #enabled: boolean;
  #shown = false;

  constructor(io: CliIO, quiet: boolean) {
    this.#io = io;
    this.#enabled = io.errIsTerminal && !quiet;
  }

  /** Redraws the line (terminal only). */
  update(text: string): void {
    if (!this.#enabled) return;
    const cols = 120;
    this.#io.err(`\r\x1b[2K${text.length > cols ? text.slice(0, cols - 1) + "…" : text}`);
    this.#shown = true;
  }

  /** Prints a whole line above the status line (warnings), on any stream. */
  line(text: string): void {
    if (this.#shown) this.#io.err("\r\x1b[2K");
    this.#io.err(text + "\n");
    this.#shown = false;
  }

  /** Clears the status line. */
  done(): void {
    if (this.#shown) this.#io.err("\r\x1b[2K");
    this.#shown = false;
  }
}

/** Messages per second, rounded for display. */
export function rate(count: number, elapsedMs: number): string {
  if (elapsedMs <= 0) return "0/s";
  const r = (count * 1000) / elapsedMs;
  return r >= 1000 ? `${(r / 1000).toFixed(1)}k/s` : `${r.toFixed(r < 10 ? 1 : 0)}/s`;
}
