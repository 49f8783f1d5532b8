/**
 * Reading the JSON lookup files providers depend on (`handles.json`, `sites.json`,
 * `gravatar.json`, `providers.json`), with errors that name the file and the place: the line
 * and column of a JSON syntax error, or the path of the field that breaks the schema.
 *
 * @module
 */
import type { z } from "zod";
import { InputError } from "../errors.ts";

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(Math.max(0, offset), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

/**
 * Parses JSON text; a syntax error becomes an {@link InputError} at `file:line:column` (when
 * the engine reports a position) with the engine's reason.
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // V8 says "... in JSON at position N" (sometimes followed by "(line L column C)").
    const m = /at position (\d+)/.exec(msg);
    const reason = msg.replace(/\s*\(line \d+ column \d+\)\s*$/, "").replace(
      / in JSON at position \d+/,
      "",
    );
    if (m) {
      const { line, column } = lineColumn(text, Number(m[1]));
      throw new InputError(`${file}:${line}:${column}`, `invalid JSON: ${reason}`, { cause: e });
    }
    throw new InputError(file, `invalid JSON: ${reason}`, { cause: e });
  }
}

/** A zod issue path as `a.b[2].c`, or `(root)`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else {
      const s = String(p);
      out += /^[A-Za-z_$][\w$]*$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    }
  }
  return out || "(root)";
}

/** Validates `value` against `schema`; the first issue becomes an InputError naming its path. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: string,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue ? issuePath(issue.path) : "(root)";
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : "";
  throw new InputError(file, `${where}: ${issue?.message ?? "invalid"}${more}`, {
    cause: r.error,
  });
}

/** Reads, parses and validates a JSON file. A missing file is an InputError naming it. */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "file not found" : `cannot read: ${e}`;
    throw new InputError(path, why, { cause: e });
  }
  return parseWith(schema, parseJsonText(text, path), path);
}

/** Joins a folder and a file name with `/` (every path here is built this way). */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/** `path` itself when absolute, else `path` inside `dir`. */
export function resolveIn(dir: string, path: string): string {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) ? path : joinPath(dir, path);
}
