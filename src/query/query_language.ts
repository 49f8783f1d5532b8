/**
 * The query language of `search messages --query` (and `q=` on the API), in the style chat
 * analysts know from Chatterino's search:
 *
 * | form                    | means                                                          |
 * |-------------------------|----------------------------------------------------------------|
 * | `word`                  | the text contains it (case-insensitive substring, as --contains) |
 * | `"a phrase"`            | the text contains the phrase (`\"` and `\\` inside quotes)     |
 * | `a b`                   | both (terms are AND'ed)                                        |
 * | `a OR b`                | either (OR binds tighter than the implicit AND)                |
 * | `-term`                 | not (any term or field)                                        |
 * | `from:user`             | written by this user (as `--by user --value`)                  |
 * | `in:channel`            | in this channel (as `--by channel --value`)                    |
 * | `mentions:user`         | @-mentions this user                                           |
 * | `has:link\|emote\|mention\|signal\|hit` | has a URL, an emote, a mention, a signal, a subject hit |
 * | `is:deleted\|action\|first` | deleted by a moderator, a /me action, the user's first message |
 * | `after:T`, `before:T`   | from T (inclusive), before T (exclusive): the forms of --since  |
 * | `/regex/i`              | a JavaScript regular expression over the text (flags i, m, s)  |
 *
 * `a b OR c -d` reads `a AND (b OR c) AND NOT d`. There are no parentheses: a clause is an OR
 * of terms, and the query is the AND of its clauses. A word of the form `name:` whose name is
 * not a field is an error (quote it to search for it: `"lol:D"`), except URL-like words
 * (`https://...`). `after:` and `before:` bound the time and cannot be negated or OR'ed.
 *
 * Malformed queries throw {@link QuerySyntaxError}, a usage error (exit 2) naming the line and
 * column: `--query: 1:6: 'from:' needs a value`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { fold } from "../normalize.ts";
import { parseTimeBound } from "./search.ts";
import {
  EVENT_FIELDS,
  HAS_VALUES,
  IS_VALUES,
  type Literal,
  type QueryFilter,
  type Term,
} from "../store/message_query.ts";

/** A malformed query: a usage error that names where (1-based line and column). */
export class QuerySyntaxError extends UsageError {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(label: string, line: number, column: number, reason: string) {
    super(`${label}: ${line}:${column}: ${reason}`);
    this.name = "QuerySyntaxError";
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** Options of {@link parseQuery}. */
export interface ParseQueryOptions {
  /** What the query is called in errors. @default "--query" */
  label?: string;
  /** What the query searches: events accept only text, phrases, regexes, from:, in: and time. @default "messages" */
  target?: "messages" | "events";
  /** The clock that relative times (`after:2h`) count back from. @default Date.now() */
  now?: number;
}

/** The fields of the language, in the order the help lists them. */
export const FIELDS = ["from", "in", "mentions", "has", "is", "after", "before"] as const;
type FieldName = typeof FIELDS[number];

const REGEX_FLAGS = new Set(["i", "m", "s"]);

/**
 * Parses a query of the language into a {@link QueryFilter}. Throws {@link QuerySyntaxError}
 * pointing at the column of the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseQuery } from "./query_language.ts";
 * assert.deepEqual(parseQuery("from:Fan88 dating OR sara -lol"), {
 *   clauses: [
 *     [{ negated: false, term: { field: "from", value: "fan88" } }],
 *     [
 *       { negated: false, term: { field: "text", value: "dating" } },
 *       { negated: false, term: { field: "text", value: "sara" } },
 *     ],
 *     [{ negated: true, term: { field: "text", value: "lol" } }],
 *   ],
 * });
 * assert.throws(() => parseQuery("from: x"), /--query: 1:6: 'from:' needs a value/);
 * ```
 */
export function parseQuery(text: string, options: ParseQueryOptions = {}): QueryFilter {
  return new Parser(text, options).parse();
}

type Token =
  | { kind: "or"; at: number }
  | { kind: "literal"; at: number; literal: Literal }
  | { kind: "time"; at: number; field: "after" | "before"; ms: number; negated: boolean };

class Parser {
  readonly #s: string;
  readonly #label: string;
  readonly #target: "messages" | "events";
  readonly #now: number;
  #i = 0;

  constructor(text: string, o: ParseQueryOptions) {
    this.#s = text;
    this.#label = o.label ?? "--query";
    this.#target = o.target ?? "messages";
    this.#now = o.now ?? Date.now();
  }

  #fail(at: number, reason: string): never {
    const before = this.#s.slice(0, at);
    const lineStart = before.lastIndexOf("\n") + 1;
    const line = before.split("\n").length;
    const column = [...this.#s.slice(lineStart, at)].length + 1;
    throw new QuerySyntaxError(this.#label, line, column, reason);
  }

  #atSpace(i: number): boolean {
    return i >= this.#s.length || /\s/.test(this.#s[i]!);
  }

  parse(): QueryFilter {
    const tokens: Token[] = [];
    for (;;) {
      while (this.#i < this.#s.length && /\s/.test(this.#s[this.#i]!)) this.#i++;
      if (this.#i >= this.#s.length) break;
      tokens.push(this.#token());
    }
    if (tokens.length === 0) this.#fail(0, "the query is empty");
    const q: QueryFilter = { clauses: [] };
    let open: Literal[] | null = null;
    let pendingOr: Token | null = null;
    let since: { at: number; ms: number } | null = null;
    let until: { at: number; ms: number } | null = null;
    for (const [n, t] of tokens.entries()) {
      if (t.kind === "or") {
        if (open === null || pendingOr !== null) this.#fail(t.at, "'OR' needs a term before it");
        pendingOr = t;
        continue;
      }
      if (t.kind === "time") {
        const next = tokens[n + 1];
        if (pendingOr !== null || next?.kind === "or") {
          this.#fail(t.at, `'${t.field}:' bounds the time and cannot be OR'ed`);
        }
        if (t.negated) this.#fail(t.at, `'${t.field}:' bounds the time and cannot be negated`);
        if (t.field === "after") {
          if (since === null || t.ms > since.ms) since = { at: t.at, ms: t.ms };
        } else if (until === null || t.ms < until.ms) until = { at: t.at, ms: t.ms };
        open = null;
        continue;
      }
      if (pendingOr !== null && open !== null) {
        open.push(t.literal);
        pendingOr = null;
      } else {
        open = [t.literal];
        q.clauses.push(open);
      }
    }
    if (pendingOr !== null) this.#fail(pendingOr.at, "'OR' needs a term after it");
    if (since !== null) q.sinceMs = since.ms;
    if (until !== null) q.untilMs = until.ms;
    if (since !== null && until !== null && since.ms > until.ms) {
      this.#fail(
        since.at,
        `'after:' (${new Date(since.ms).toISOString()}) is later than 'before:' (${
          new Date(until.ms).toISOString()
        })`,
      );
    }
    return q;
  }

  #token(): Token {
    const start = this.#i;
    const s = this.#s;
    let negated = false;
    if (s[this.#i] === "-") {
      if (this.#atSpace(this.#i + 1)) this.#fail(start, "'-' needs a term right after it");
      negated = true;
      this.#i++;
    }
    const at = this.#i;
    const c = s[at]!;
    if (c === '"') {
      const value = this.#quoted();
      if (value === "") this.#fail(at, "empty phrase");
      return this.#literal(start, negated, { field: "text", value: fold(value) });
    }
    if (c === "/") return this.#literal(start, negated, this.#regex());
    const word = this.#bareWord();
    if (word === "OR" && !negated) return { kind: "or", at };
    const field = /^([A-Za-z]+):/.exec(word);
    if (field && !word.startsWith("//", field[0].length)) {
      const name = field[1]!.toLowerCase();
      if (!(FIELDS as readonly string[]).includes(name)) {
        this.#fail(
          at,
          `unknown field '${field[1]}:' (fields: ${FIELDS.join(", ")}; ` +
            `quote it to search for the text: "${word}")`,
        );
      }
      return this.#field(start, at, name as FieldName, negated, word.length > field[0].length);
    }
    return this.#literal(start, negated, { field: "text", value: fold(word) });
  }

  #literal(at: number, negated: boolean, term: Term): Token {
    if (this.#target === "events" && !EVENT_FIELDS.has(term.field)) {
      this.#fail(at + (negated ? 1 : 0), `'${term.field}:' does not apply to events`);
    }
    return { kind: "literal", at, literal: { negated, term } };
  }

  /** A run of non-space characters from the cursor. */
  #bareWord(): string {
    const from = this.#i;
    while (!this.#atSpace(this.#i)) this.#i++;
    return this.#s.slice(from, this.#i);
  }

  /** A double-quoted string at the cursor (`\"` and `\\` escape); must end before a space. */
  #quoted(): string {
    const open = this.#i;
    const s = this.#s;
    let out = "";
    this.#i++;
    for (;;) {
      if (this.#i >= s.length) this.#fail(open, 'unterminated phrase (no closing ")');
      const c = s[this.#i]!;
      if (c === "\\" && (s[this.#i + 1] === '"' || s[this.#i + 1] === "\\")) {
        out += s[this.#i + 1];
        this.#i += 2;
      } else if (c === '"') {
        this.#i++;
        break;
      } else {
        out += c;
        this.#i++;
      }
    }
    if (!this.#atSpace(this.#i)) this.#fail(this.#i, "expected a space after the closing quote");
    return out;
  }

  #regex(): Term {
    const open = this.#i;
    const s = this.#s;
    let i = open + 1;
    let inClass = false;
    for (;; i++) {
      if (i >= s.length) {
        this.#fail(open, 'unterminated /regex/ (quote a word that starts with a slash: "/me")');
      }
      const c = s[i]!;
      if (c === "\\") i++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
    }
    const source = s.slice(open + 1, i);
    if (source === "") this.#fail(open, "empty /regex/");
    i++;
    let flags = "";
    while (!this.#atSpace(i)) {
      const f = s[i]!;
      if (!REGEX_FLAGS.has(f) || flags.includes(f)) {
        this.#fail(i, `regex flag '${f}' is not one of i, m, s (each at most once)`);
      }
      flags += f;
      i++;
    }
    this.#i = i;
    try {
      new RegExp(source, flags);
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, "") : e;
      this.#fail(open, `invalid /regex/: ${why}`);
    }
    return { field: "regex", source, flags };
  }

  #field(start: number, at: number, name: FieldName, negated: boolean, hasValue: boolean): Token {
    const valueAt = at + name.length + 1;
    this.#i = valueAt;
    if (!hasValue) this.#fail(valueAt, `'${name}:' needs a value`);
    const value = this.#s[valueAt] === '"' ? this.#quoted() : this.#bareWord();
    switch (name) {
      case "from":
      case "in":
      case "mentions": {
        const n = normalizeLogin(value);
        if (!n.ok) this.#fail(valueAt, `'${name}:' needs a login: ${n.reason}`);
        return this.#literal(start, negated, { field: name, value: n.value });
      }
      case "has":
      case "is": {
        const allowed: readonly string[] = name === "has" ? HAS_VALUES : IS_VALUES;
        const v = value.toLowerCase();
        if (!allowed.includes(v)) {
          this.#fail(
            valueAt,
            `'${name}:' takes ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}, ` +
              `got '${value}'`,
          );
        }
        return this.#literal(start, negated, { field: name, value: v } as Term);
      }
      case "after":
      case "before": {
        let ms: number;
        try {
          ms = parseTimeBound(value, `'${name}:'`, this.#now);
        } catch (e) {
          this.#fail(valueAt, e instanceof Error ? e.message : String(e));
        }
        return { kind: "time", at: start, field: name, ms, negated };
      }
    }
  }
}

/**
 * Writes a query back in the language (canonical form: lowercase fields, phrases quoted when
 * they hold a space or a quote). `parseQuery(formatQuery(q))` equals `q` for any parsed `q`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatQuery, parseQuery } from "./query_language.ts";
 * assert.equal(formatQuery(parseQuery('FROM:fan88  "Is He" OR /x+/i')), 'from:fan88 "is he" OR /x+/i');
 * ```
 */
export function formatQuery(q: QueryFilter): string {
  const parts: string[] = [];
  for (const clause of q.clauses) {
    parts.push(clause.map((l) => (l.negated ? "-" : "") + formatTerm(l.term)).join(" OR "));
  }
  if (q.sinceMs !== undefined) parts.push(`after:${new Date(q.sinceMs).toISOString()}`);
  if (q.untilMs !== undefined) parts.push(`before:${new Date(q.untilMs).toISOString()}`);
  return parts.join(" ");
}

function formatTerm(t: Term): string {
  switch (t.field) {
    case "text": {
      const plain = t.value !== "OR" && /^[^\s"/\-][^\s]*$/.test(t.value) &&
        !/^[A-Za-z]+:(?!\/\/)/.test(t.value);
      return plain ? t.value : `"${t.value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
    }
    case "regex":
      return `/${escapeSlashes(t.source)}/${t.flags}`;
    default:
      return `${t.field}:${t.value}`;
  }
}

/** A regex source with its unescaped slashes outside classes escaped (`a/b` -> `a\\/b`). */
function escapeSlashes(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      out += c + (source[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    out += c === "/" && !inClass ? "\\/" : c;
  }
  return out;
}
