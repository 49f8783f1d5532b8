/**
 * Subjects: reading `subjects.csv` (`type,value`), normalizing each value, and merging the result
 * into `data/subjects.json`. Parsing is pure ({@link parseSubjectsCsv}); file I/O is in
 * {@link loadSubjectsFile}. Reading and finding the loaded subjects is `subject_list.ts`
 * (re-exported here), which the readers import without this module's CSV parser.
 *
 * @module
 */
import { parse } from "csv-parse/sync";
import { createHash } from "node:crypto";
import { type Normalized, normalizeEmail, normalizeLogin } from "../normalize.ts";
import { normalizePhone } from "../phone.ts";
import { type Subject, SubjectType } from "../schemas.ts";
import { InputError } from "../errors.ts";
import { readSubjects, sortSubjects, writeSubjects } from "./subject_list.ts";

/**
 * The file-system-safe, deterministic key of a subject: `type_value` with every character
 * outside `[a-z0-9._+@-]` percent-encoded (UTF-8), so it is injective, never contains a path
 * separator and cannot be `.` or `..`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subjectKey } from "./loading.ts";
 * assert.equal(subjectKey("email", "a/b@example.com"), "email_a%2Fb@example.com");
 * ```
 */
export function subjectKey(type: SubjectType, value: string): string {
  let out = `${type}_`;
  for (const byte of new TextEncoder().encode(value)) {
    const c = String.fromCharCode(byte);
    out += /[a-z0-9._+@-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  // File names stop at 255 bytes: shorten long keys, keeping them unique with a hash. "%%"
  // never occurs in the encoding above, so it marks a shortened key.
  if (out.length > 200) {
    out = `${out.slice(0, 180)}%%${createHash("sha256").update(out).digest("hex").slice(0, 16)}`;
  }
  return out;
}

/** Normalizes one value of the given type. */
export function normalizeSubjectValue(
  type: SubjectType,
  value: string,
  region?: string,
): Normalized {
  switch (type) {
    case "email":
      return normalizeEmail(value);
    case "username":
      return normalizeLogin(value);
    case "phone":
      return normalizePhone(value, region);
  }
}

/** The outcome of parsing a CSV: subjects in file order, and one problem per bad row. */
export interface ParsedSubjects {
  subjects: Subject[];
  problems: InputError[];
}

/**
 * The 1-based line of the first quoted field that does not close on the line it opened on, or
 * null. A subject value never holds a line break, so such a quote is a mistake, and csv-parse
 * would read on to the next quote, or the end of the file, swallowing the rows between. Follows
 * RFC 4180 as csv-parse does with `relax_quotes`: a quote opens a field only at the start of a
 * field, `""` inside it is a literal quote, and a quote elsewhere is a character.
 */
export function unterminatedQuoteLine(text: string): number | null {
  let line = 1;
  let inQuote = false;
  let openedAt = 0;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuote = false;
      } else if (c === "\n") return openedAt;
      continue;
    }
    if (c === '"' && fieldStart) {
      inQuote = true;
      openedAt = line;
    } else if (c === "\n") line++;
    fieldStart = c === "," || c === "\n" || (c === "\r" && text[i + 1] === "\n");
  }
  return inQuote ? openedAt : null;
}

/**
 * Parses subjects CSV bytes. `name` is used in problem locations (`name:LINE: reason`). Never
 * throws on content: a missing header, an unknown type, an empty or invalid value, extra
 * columns and invalid UTF-8 are each a problem, and good rows still come out.
 */
export function parseSubjectsCsv(
  bytes: Uint8Array,
  name: string,
  options: { region?: string } = {},
): ParsedSubjects {
  const problems: InputError[] = [];
  const subjects: Subject[] = [];
  const { text, utf8Ok } = decodeCsv(bytes);
  const records = readCsvRecords(blankUnterminatedQuotes(text, name, problems), name, problems);
  if (records === null) return { subjects, problems };
  const columns = csvColumns(records, name, problems);
  for (let i = columns.start; i < records.length; i++) {
    const { record, info } = records[i]!;
    if (record.every((c) => c.trim() === "")) continue;
    const where = `${name}:${info.lines}`;
    const row = subjectOfRow(record, columns, utf8Ok, options.region);
    if (typeof row === "string") problems.push(new InputError(where, row));
    else subjects.push(row);
  }
  return { subjects, problems };
}

/** The text of CSV bytes (a byte order mark dropped), and whether it was valid UTF-8. */
function decodeCsv(bytes: Uint8Array): { text: string; utf8Ok: boolean } {
  let text: string;
  let utf8Ok = true;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    utf8Ok = false;
    text = new TextDecoder("utf-8").decode(bytes);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, utf8Ok };
}

/**
 * A quote left open would swallow the rows after it (csv-parse reads on to the next quote or
 * the end of the file, then names the last line). Names the line where it opened, blanks that
 * line, and returns the text to read.
 */
function blankUnterminatedQuotes(text: string, name: string, problems: InputError[]): string {
  for (let open = unterminatedQuoteLine(text); open !== null; open = unterminatedQuoteLine(text)) {
    problems.push(
      new InputError(
        `${name}:${open}`,
        "unterminated quote: the quoted value does not close on this line (row skipped)",
      ),
    );
    const lines = text.split("\n");
    lines[open - 1] = "";
    text = lines.join("\n");
  }
  return text;
}

type CsvRecord = { record: string[]; info: { lines: number } };

/** The CSV records with their line numbers, or null (a problem added) when unreadable. */
function readCsvRecords(text: string, name: string, problems: InputError[]): CsvRecord[] | null {
  try {
    return parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      relax_quotes: true,
      // An unreadable record (an unterminated quote runs to the end of the file) is reported;
      // the rows before it still load.
      skip_records_with_error: true,
      on_skip: (e) => {
        const line = (e as { lines?: number } | undefined)?.lines ?? 1;
        problems.push(new InputError(`${name}:${line}`, `unreadable CSV (${e?.message})`));
        return undefined;
      },
    }) as unknown as CsvRecord[];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    problems.push(new InputError(`${name}:${line}`, `unreadable CSV (${(e as Error).message})`));
    return null;
  }
}

/** Where the type and value are, how many columns a row may have, and the first data row. */
interface CsvColumns {
  typeCol: number;
  valueCol: number;
  width: number;
  start: number;
}

/** The columns from the header, or `type,value` (a problem added) when there is none. */
function csvColumns(records: CsvRecord[], name: string, problems: InputError[]): CsvColumns {
  const first = records[0]?.record.map((c) => c.trim().toLowerCase());
  if (first && first.includes("type") && first.includes("value")) {
    return {
      typeCol: first.indexOf("type"),
      valueCol: first.indexOf("value"),
      width: first.length,
      start: 1,
    };
  }
  if (records.length > 0) {
    problems.push(
      new InputError(`${name}:1`, 'missing header "type,value" (rows read as type,value)'),
    );
  }
  return { typeCol: 0, valueCol: 1, width: 2, start: 0 };
}

/** The subject of one non-empty row, or the reason it is refused. */
function subjectOfRow(
  record: string[],
  columns: CsvColumns,
  utf8Ok: boolean,
  region: string | undefined,
): Subject | string {
  if (!utf8Ok && record.some((c) => c.includes("\uFFFD"))) return "invalid UTF-8";
  if (record.length > columns.width) {
    return `${record.length} fields, expected ${columns.width} (quote values that contain commas)`;
  }
  const rawType = (record[columns.typeCol] ?? "").trim().toLowerCase();
  const rawValue = record[columns.valueCol] ?? "";
  const type = SubjectType.safeParse(rawType);
  if (!type.success) {
    return rawType === ""
      ? "empty type (expected email, username or phone)"
      : `unknown type "${rawType}" (expected email, username or phone)`;
  }
  if (rawValue.trim() === "") return `empty value for ${type.data}`;
  const norm = normalizeSubjectValue(type.data, rawValue, region);
  if (!norm.ok) return `value: ${norm.reason}`;
  const subject: Subject = {
    key: subjectKey(type.data, norm.value),
    type: type.data,
    value: norm.value,
  };
  if (rawValue.trim() !== norm.value) subject.raw = rawValue.trim();
  return subject;
}

/** What merging loaded subjects into the existing set did. */
export interface MergeResult {
  subjects: Subject[];
  /** Subjects that were not there before, or whose record changed. */
  added: Subject[];
  /** Subjects that were already there unchanged. */
  unchanged: number;
}

/** Merges `incoming` into `existing` keyed by (type, value); `replace` drops the old set. */
export function mergeSubjects(
  existing: Subject[],
  incoming: Subject[],
  replace = false,
): MergeResult {
  const byKey = new Map<string, Subject>();
  if (!replace) { for (const s of existing) byKey.set(s.key, s); }
  const before = new Map(existing.map((s) => [s.key, JSON.stringify(s)]));
  const added: Subject[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const s of incoming) {
    if (seen.has(s.key)) continue;
    seen.add(s.key);
    const prev = byKey.get(s.key);
    // The first spelling seen for a subject is kept: merging must not churn the file.
    const next = prev ?? s;
    byKey.set(s.key, next);
    if (before.get(s.key) === JSON.stringify(next)) unchanged++;
    else added.push(next);
  }
  return { subjects: sortSubjects([...byKey.values()]), added, unchanged };
}

export {
  readSubjects,
  resolveSubject,
  sortSubjects,
  subjectsPath,
  writeSubjects,
} from "./subject_list.ts";

/** The outcome of `subjects load`. */
export interface LoadResult extends MergeResult {
  problems: InputError[];
  /** Good rows read from the CSV. */
  read: number;
}

/** Loads a CSV file into the data dir's subjects.json (merge, or replace). */
export async function loadSubjectsFile(
  csvPath: string,
  dataDir: string,
  options: { replace?: boolean; region?: string; displayName?: string } = {},
): Promise<LoadResult> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(csvPath);
  } catch (e) {
    throw new InputError(csvPath, `cannot read (${(e as Error).message})`, { cause: e });
  }
  const name = options.displayName ?? csvPath;
  const parsed = parseSubjectsCsv(bytes, name, options.region ? { region: options.region } : {});
  if (parsed.subjects.length === 0) {
    return { subjects: [], added: [], unchanged: 0, problems: parsed.problems, read: 0 };
  }
  const existing = await readSubjects(dataDir);
  const merged = mergeSubjects(existing, parsed.subjects, options.replace ?? false);
  await writeSubjects(dataDir, merged.subjects);
  return { ...merged, problems: parsed.problems, read: parsed.subjects.length };
}
