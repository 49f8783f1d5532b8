/**
 * The evidence of a signal: the short phrase of the message that carries the fact.
 *
 * @module
 */

/**
 * The phrase [start, end) of `text` that carries the fact ("is he still dating sara?"), with
 * a "?" or "!" run right after it, whitespace collapsed, at most `max` characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { phraseOf } from "./snippet.ts";
 * const text = "hey @mod is he still dating sara? lol";
 * assert.equal(phraseOf(text, 9, 32), "is he still dating sara?");
 * ```
 */
export function phraseOf(text: string, start: number, end: number, max = 80): string {
  let e = end;
  while (e < text.length && (text[e] === "?" || text[e] === "!")) e++;
  const flat = text.slice(start, e).replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  return flat.slice(0, max - 1).trimEnd() + "…";
}

/** The words around [start, end) of `text`, at most `max` characters, cut at spaces. */
export function snippetAround(text: string, start: number, end: number, max = 80): string {
  // Collapse whitespace runs (newlines included) to one space, moving the span with them.
  let flat = "";
  let fs = 0;
  let fe = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === start) fs = flat.length;
    if (i === end) fe = flat.length;
    if (i === text.length) break;
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (!flat.endsWith(" ")) flat += " ";
    } else flat += c;
  }
  if (flat.trim().length <= max) return flat.trim();
  if (fe - fs >= max - 1) return flat.slice(fs, fs + max - 1).trimEnd() + "…";
  const room = max - 2 - (fe - fs);
  let a = Math.max(0, fs - (room >> 1));
  let b = Math.min(flat.length, fe + (room - (fs - a)));
  a = Math.max(0, Math.min(a, b - (max - 2)));
  if (a > 0) {
    const sp = flat.indexOf(" ", a);
    if (sp !== -1 && sp < fs) a = sp + 1;
  }
  if (b < flat.length) {
    const sp = flat.lastIndexOf(" ", b);
    if (sp >= fe) b = sp;
  }
  return (a > 0 ? "…" : "") + flat.slice(a, b).trim() + (b < flat.length ? "…" : "");
}
