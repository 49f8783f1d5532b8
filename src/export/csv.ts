/**
 * CSV for spreadsheets and other tools: RFC 4180 (comma-separated, CRLF line ends, one header
 * line, a field quoted when it holds `"`, `,`, CR or LF, quotes doubled) and safe to open in a
 * spreadsheet: a text cell starting with `=`, `+`, `-`, `@`, tab or CR, which Excel, LibreOffice
 * and Google Sheets would read as a formula, is neutralised with a leading `'` (OWASP's advice).
 * Chat text is hostile input; this module is the one place every CSV export goes through
 * (`search messages`, `search events`, `subjects hits`, `timeline`, `graph export`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { toCsv } from "./csv.ts";
 * strictEqual(
 *   toCsv(["user", "text"], [["someuser", '=HYPERLINK("x")'], ["b", "a, \"b\""]]),
 *   'user,text\r\nsomeuser,"\'=HYPERLINK(""x"")"\r\nb,"a, ""b"""\r\n',
 * );
 * ```
 *
 * @module
 */

/** Characters that make a spreadsheet read a cell as a formula when they come first. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell: null and undefined are empty; numbers and booleans as written (a number is never a
 * formula); arrays joined by `;`; other objects as JSON; text neutralised and quoted as needed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { csvCell } from "./csv.ts";
 * strictEqual(csvCell("+1 555"), "'+1 555");
 * strictEqual(csvCell(-3), "-3");
 * strictEqual(csvCell(["a", "b"]), "a;b");
 * ```
 */
export function csvCell(value: unknown): string {
  let s: string;
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (typeof value === "string") s = value;
  else if (Array.isArray(value)) {
    s = value.map((v) => typeof v === "string" ? v : JSON.stringify(v)).join(";");
  } else s = JSON.stringify(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One record: cells joined by commas, ended by CRLF. */
export function csvRow(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

/** A whole file: the header line, then one line per row. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  let out = csvRow(header);
  for (const r of rows) out += csvRow(r);
  return out;
}

/** A column of a record export: its header and how to read it from a record. */
export interface CsvColumn<T> {
  name: string;
  get: (record: T) => unknown;
}

/**
 * Records as CSV through named columns.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { recordsToCsv } from "./csv.ts";
 * const cols = [{ name: "n", get: (r: { n: number }) => r.n }];
 * strictEqual(recordsToCsv(cols, [{ n: 1 }, { n: 2 }]), "n\r\n1\r\n2\r\n");
 * ```
 */
export function recordsToCsv<T>(columns: readonly CsvColumn<T>[], records: Iterable<T>): string {
  let out = csvRow(columns.map((c) => c.name));
  for (const r of records) out += csvRow(columns.map((c) => c.get(r)));
  return out;
}

/** The columns of a message export (a `search messages` result, a timeline's messages). */
export const MESSAGE_COLUMNS: readonly CsvColumn<Record<string, unknown>>[] = [
  "ts",
  "channel",
  "message_id",
  "user_id",
  "user_name",
  "display_name",
  "text",
  "mentions",
  "urls",
  "emotes",
  "source",
  "deleted_at",
].map((name) => ({ name, get: (r: Record<string, unknown>) => r[name] }));

/** The columns of an event export (`search events`): the union of the three kinds' fields. */
export const EVENT_COLUMNS: readonly CsvColumn<Record<string, unknown>>[] = [
  "ts",
  "kind",
  "channel",
  "event_id",
  "user_name",
  "user_id",
  "notice",
  "duration_seconds",
  "target_message_id",
  "system_text",
  "text",
].map((name) => ({ name, get: (r: Record<string, unknown>) => r[name] }));
