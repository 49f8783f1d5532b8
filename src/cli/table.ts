/**
 * Fixed-width tables for people (`--format table`): every column but the last padded to its
 * widest cell, two spaces apart; and cells of chat text made safe to print.
 *
 * @module
 */

/**
 * Rows under a header: all columns but the last padded, joined by two spaces, one line each.
 * With `trim`, trailing spaces are cut from every line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { columns, printable } from "./table.ts";
 * const rows = [["ann", "12", printable("hi\x1b[2Jthere", 10)], ["bartholomew", "3", ""]];
 * assert.equal(
 *   columns(["user", "n", "text"], rows, true),
 *   "user         n   text\n" +
 *     "ann          12  hi\\x1b[2J…\n" +
 *     "bartholomew  3\n",
 * );
 * ```
 */
export function columns(head: readonly string[], rows: readonly string[][], trim = false): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => {
    const l = r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]!))).join("  ");
    return (trim ? l.trimEnd() : l) + "\n";
  };
  return line(head) + rows.map(line).join("");
}

/**
 * Chat text for one table cell: control characters, which would break the table and could
 * drive a terminal, shown escaped (`\x1b`); cut to `max` characters with an ellipsis.
 */
export function printable(text: string, max = Infinity): string {
  const t = text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}
