/**
 * Reading the JSON lookup files providers depend on (`handles.json`, `sites.json`,
 * `gravatar.json`, `providers.json`), with errors that name the file and the place: the line
 * and column of a JSON syntax error, or the path of the field that breaks the schema.
 *
 * @module
 */
import type { z } from "zod";
import { InputError } from "../../errors.ts";

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
 * The offset of the first JSON syntax error in `text`, or -1 when it parses. Used for messages
 * only (after `JSON.parse` failed), because V8 no longer puts the position in its message.
 */
export function jsonErrorOffset(text: string): number {
  const check = new JsonCheck(text);
  try {
    check.document();
    return -1;
  } catch (at) {
    if (typeof at === "number") return at;
    throw at;
  }
}

/**
 * A recursive-descent reader of JSON that only finds where it breaks: each method reads one
 * construct from `#i` on and throws the offset of the first character that cannot be there.
 */
class JsonCheck {
  #text: string;
  #i = 0;

  constructor(text: string) {
    this.#text = text;
  }

  /** One value and nothing after it but whitespace. */
  document(): void {
    this.#value();
    this.#ws();
    if (this.#i < this.#text.length) this.#fail();
  }

  #fail(): never {
    throw this.#i;
  }

  #ws(): void {
    while (this.#i < this.#text.length && " \t\n\r".includes(this.#text[this.#i]!)) this.#i++;
  }

  #value(): void {
    this.#ws();
    const c = this.#text[this.#i];
    if (c === "{") this.#object();
    else if (c === "[") this.#array();
    else if (c === '"') this.#string();
    else if (c === "t") this.#literal("true");
    else if (c === "f") this.#literal("false");
    else if (c === "n") this.#literal("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.#number();
    else this.#fail();
  }

  #object(): void {
    const text = this.#text;
    this.#i++;
    this.#ws();
    if (text[this.#i] === "}") return void this.#i++;
    for (;;) {
      this.#ws();
      if (text[this.#i] !== '"') this.#fail();
      this.#string();
      this.#ws();
      if (text[this.#i] !== ":") this.#fail();
      this.#i++;
      this.#value();
      this.#ws();
      if (text[this.#i] === ",") this.#i++;
      else if (text[this.#i] === "}") return void this.#i++;
      else this.#fail();
    }
  }

  #array(): void {
    const text = this.#text;
    this.#i++;
    this.#ws();
    if (text[this.#i] === "]") return void this.#i++;
    for (;;) {
      this.#value();
      this.#ws();
      if (text[this.#i] === ",") this.#i++;
      else if (text[this.#i] === "]") return void this.#i++;
      else this.#fail();
    }
  }

  #literal(word: string): void {
    for (const ch of word) {
      if (this.#text[this.#i] !== ch) this.#fail();
      this.#i++;
    }
  }

  #string(): void {
    const text = this.#text;
    this.#i++; // opening quote
    for (;;) {
      if (this.#i >= text.length) this.#fail();
      const c = text.charCodeAt(this.#i);
      if (c === 34) return void this.#i++;
      if (c < 32) this.#fail();
      if (c !== 92) {
        this.#i++;
        continue;
      }
      this.#i++;
      const e = text[this.#i];
      if (e === "u") {
        for (let k = 1; k <= 4; k++) {
          if (!/[0-9a-fA-F]/.test(text[this.#i + k] ?? "")) {
            this.#i += k;
            this.#fail();
          }
        }
        this.#i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.#i++;
      else this.#fail();
    }
  }

  #number(): void {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(
      this.#text.slice(this.#i, this.#i + 400),
    );
    if (!m || m[0] === "-" || m[0] === "") this.#fail();
    this.#i += m![0].length;
  }
}

/**
 * Parses JSON text; a syntax error becomes an {@link InputError} at `file:line:column` with the
 * engine's reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonText } from "./fixture_file.ts";
 * assert.deepEqual(parseJsonText('{"a": [1]}', "sites.json"), { a: [1] });
 * assert.throws(() => parseJsonText('{\n  "a": 1,\n}', "sites.json"), {
 *   name: "InputError",
 *   where: "sites.json:3:1",
 *   message: "sites.json:3:1: invalid JSON: Expected double-quoted property name",
 * });
 * ```
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // V8's message quotes a slice of the text; keep only its first clause.
    const reason = msg.split(
      /,\s*(?:\.\.\.)?"|\s+(?:in JSON )?at position|\s+is not valid JSON/,
    )[0]!.trim();
    const at = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, at < 0 ? text.length : at);
    throw new InputError(`${file}:${line}:${column}`, `invalid JSON: ${reason}`, { cause: e });
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

/**
 * A cache of one promise per key (fixture files read once per provider instance). A rejected
 * promise is not kept: the next caller reads again and reports the error itself.
 */
export function promiseCache(): <T>(key: string, load: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return p;
  };
}
