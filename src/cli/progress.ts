/**
 * Progress on a terminal: one status line rewritten in place, with counts and rate. Piped or
 * `--quiet`, nothing is drawn.
 *
 * @module
 */
import type { CliIO } from "./io.ts";

/** A status line that redraws itself on a terminal and is silent otherwise. */
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
