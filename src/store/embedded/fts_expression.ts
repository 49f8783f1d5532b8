/**
 * The FTS5 expression for folded needles. The full-text index uses the trigram tokenizer with
 * `detail=none`, which cannot match phrases, so a needle is looked up as the AND of its
 * trigrams: a superset of the true matches, which are then checked exactly on the text.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ftsExpression } from "./fts_expression.ts";
 * strictEqual(ftsExpression(["abcd"]), '"abc" AND "bcd"');
 * strictEqual(ftsExpression(["ab"]), null);
 * ```
 *
 * @module
 */

/** Code points of a needle, for trigrams. */
function trigramsOf(term: string): string[] {
  const cps = [...term];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= cps.length; i++) out.add(cps[i]! + cps[i + 1]! + cps[i + 2]!);
  return [...out];
}

/** A needle FTS can narrow: 3+ code points (folded, so no NUL). */
export function ftsable(term: string): boolean {
  return [...term].length >= 3;
}

/**
 * The FTS5 expression for needles: each trigram a quoted string (`"` doubled), ANDed. User
 * text therefore never reaches FTS syntax: `*`, `NEAR`, `(`, `:` inside quotes are literal.
 */
export function ftsExpression(terms: readonly string[]): string | null {
  const grams = new Set<string>();
  for (const t of terms) if (ftsable(t)) { for (const g of trigramsOf(t)) grams.add(g); }
  if (grams.size === 0) return null;
  let list = [...grams];
  if (list.length > 24) {
    // Long needles: a spread of 24 trigrams narrows as well as all of them, for less work.
    const step = list.length / 24;
    list = Array.from({ length: 24 }, (_, i) => list[Math.floor(i * step)]!);
  }
  return list.map((g) => `"${g.replaceAll('"', '""')}"`).join(" AND ");
}
