/**
 * CSV output: RFC 4180 (CRLF-free, one header), with cells that a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR) neutralised by a leading apostrophe.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toCsv } from "./csv.ts";
 * assert.equal(toCsv(["a", "b"], [["x,y", "=1+1"]]), 'a,b\n"x,y",\'=1+1\n');
 * ```
 *
 * @module
 */

/** One cell, quoted when needed and neutralised when a spreadsheet would read a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A header and rows as CSV text, each line ending in `\n`. */
export function toCsv(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [head, ...rows].map((r) => r.map(csvCell).join(",") + "\n").join("");
}
