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
  const runs: string[] = [];
  let cur = "";
  let depth = 0;
  const cut = () => {
    if (cur.length > 0) runs.push(cur);
    cur = "";
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const n = source[i + 1] ?? "";
      i++;
      if (/[!-/:-@[-`{-~]/.test(n) && depth === 0 && !quantified(source, i + 1)) {
        cur += n;
        continue;
      }
      // A class (\d \w \s \b), a back-reference or a code (\x41, \u{..}, \cJ, \k<n>, \p{..}).
      i = skipEscapeBody(source, i);
      cut();
      continue;
    }
    if (c === "[") {
      i = skipClass(source, i);
      cut();
      continue;
    }
    if (c === "(") {
      depth++;
      cut();
      continue;
    }
    if (c === ")") {
      depth = Math.max(0, depth - 1);
      cut();
      continue;
    }
    if (c === "*" || c === "?" || c === "+" || c === "{") {
      // A quantifier: the character before it is optional unless `+` (then it ends the run).
      if (c !== "+") cur = cur.slice(0, -1);
      cut();
      if (c === "{") {
        const close = source.indexOf("}", i);
        i = close < 0 ? source.length : close;
      }
      continue;
    }
    if (c === "." || c === "^" || c === "$" || depth > 0) {
      cut();
      continue;
    }
    if (c < " " || c > "~") {
      cut();
      continue;
    }
    if (quantified(source, i + 1) && source[i + 1] !== "+") {
      cut();
      continue;
    }
    cur += c;
  }
  cut();
  return runs.filter((r) => r.length >= MIN_LITERAL).map((r) => r.toLowerCase());
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
