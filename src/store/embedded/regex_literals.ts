/**
 * Literals a regex's every match must contain, so that the index can narrow a regex search
 * (through its trigram index) before the regex itself runs on the few records left.
 *
 * Conservative by design: a literal is only drawn where it is certain. A regex with `|`
 * outside parentheses yields none; what is inside parentheses, character classes and escapes other than
 * escaped punctuation is skipped; a character made optional by `?`, `*` or `{` is dropped. Only
 * printable ASCII is drawn (under the `i` flag a non-ASCII letter may match characters that
 * lowercase differently, and `Σ` lowercases by context), so a record whose text matches the
 * regex always holds each literal in its folded (lowercased) text.
 *
 * @module
 */

/** Needles shorter than this narrow nothing through a trigram index. */
const MIN_LITERAL = 3;

/**
 * The folded literals every match of `/source/flags` contains (each at least 3 characters).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regexLiterals } from "./regex_literals.ts";
 * assert.deepEqual(regexLiterals("\\bDating (him|her)\\b", "i"), ["dating "]);
 * assert.deepEqual(regexLiterals("colou?r", ""), ["colo"]);
 * assert.deepEqual(regexLiterals("cat|dog", ""), []);
 * ```
 */
export function regexLiterals(source: string, _flags: string): string[] {
  if (hasAlternation(source)) return [];
  const s: Runs = { runs: [], cur: "", depth: 0 };
  for (let i = 0; i < source.length; i++) i = step(source, i, s);
  cut(s);
  return s.runs.filter((r) => r.length >= MIN_LITERAL).map((r) => r.toLowerCase());
}

/** The literal runs drawn so far, the one being read, and how deep in groups the reader is. */
interface Runs {
  runs: string[];
  cur: string;
  depth: number;
}

/** Ends the run being read (keeping it when not empty). */
function cut(s: Runs): void {
  if (s.cur.length > 0) s.runs.push(s.cur);
  s.cur = "";
}

/** Reads the token that starts at `i` into `s`; returns the index of its last character. */
function step(source: string, i: number, s: Runs): number {
  const c = source[i]!;
  if (c === "\\") return escaped(source, i, s);
  if (c === "[") {
    cut(s);
    return skipClass(source, i);
  }
  if (c === "(" || c === ")") {
    s.depth = c === "(" ? s.depth + 1 : Math.max(0, s.depth - 1);
    cut(s);
    return i;
  }
  if (c === "*" || c === "?" || c === "+" || c === "{") return quantifier(source, i, s);
  const literal = c !== "." && c !== "^" && c !== "$" && s.depth === 0 && c >= " " && c <= "~";
  // A character a quantifier other than `+` makes optional is not certain either.
  if (!literal || (quantified(source, i + 1) && source[i + 1] !== "+")) cut(s);
  else s.cur += c;
  return i;
}

/** The escape at `i`: escaped punctuation continues the run; anything else ends it. */
function escaped(source: string, i: number, s: Runs): number {
  const n = source[i + 1] ?? "";
  if (/[!-/:-@[-`{-~]/.test(n) && s.depth === 0 && !quantified(source, i + 2)) {
    s.cur += n;
    return i + 1;
  }
  // A class (\d \w \s \b), a back-reference or a code (\x41, \u{..}, \cJ, \k<n>, \p{..}).
  cut(s);
  return skipEscapeBody(source, i + 1);
}

/** A quantifier at `i`: the character before it is optional unless `+` (then it ends the run). */
function quantifier(source: string, i: number, s: Runs): number {
  const c = source[i];
  if (c !== "+") s.cur = s.cur.slice(0, -1);
  cut(s);
  if (c !== "{") return i;
  const close = source.indexOf("}", i);
  return close < 0 ? source.length : close;
}

/** True when a quantifier follows position `i`. */
function quantified(source: string, i: number): boolean {
  const n = source[i];
  return n === "*" || n === "?" || n === "+" || n === "{";
}

/** True when the regex has a `|` outside groups, escapes and character classes. */
function hasAlternation(source: string): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") i++;
    else if (c === "[") i = skipClass(source, i);
    else if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "|" && depth === 0) return true;
  }
  return false;
}

/** The index of the `]` closing the class opened at `i` (the end when unclosed). */
function skipClass(source: string, i: number): number {
  for (let j = i + 1; j < source.length; j++) {
    if (source[j] === "\\") j++;
    else if (source[j] === "]") return j;
  }
  return source.length;
}

/** The index of the last character of the escape whose letter is at `i`. */
function skipEscapeBody(source: string, i: number): number {
  const c = source[i];
  if (c === "x") return i + 2;
  if (c === "c") return i + 1;
  if (c === "u") {
    if (source[i + 1] === "{") {
      const close = source.indexOf("}", i);
      return close < 0 ? source.length : close;
    }
    return i + 4;
  }
  if (c === "k" && source[i + 1] === "<") {
    const close = source.indexOf(">", i);
    return close < 0 ? source.length : close;
  }
  if ((c === "p" || c === "P") && source[i + 1] === "{") {
    const close = source.indexOf("}", i);
    return close < 0 ? source.length : close;
  }
  let j = i;
  while (j + 1 < source.length && /[0-9]/.test(source[j + 1]!)) j++;
  return j;
}
