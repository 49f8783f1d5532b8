/**
 * Which trigrams of a needle the full-text index is asked for. FTS5 pays for every trigram of
 * an AND (each one's doclist is read, and read backwards for the newest matches), while the
 * exact check on the text is done anyway: so a needle is narrowed by a few of its rarest
 * trigrams, one from each of its rarest words (words of a phrase are what make it rare: in
 * "love the coffee" the four trigrams of "coffee" all say the same thing), and not by all of
 * them. Over 8M rows, the newest 64 matches of "love the coffee" took 41 ms as the AND of its
 * 13 trigrams and 1.4 ms as `"cof" AND "lov"` (the same 11,968 rows); of "speedrun", 11 ms
 * as six trigrams and 1.0 ms as two.
 *
 * How rare a trigram is comes from one cheap probe: the rowid span of its first 64 matches
 * (FTS reads its doclists forwards), remembered per index.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MessageIndex } from "./message_index.ts";
 * import { narrowingExpression } from "./trigram_choice.ts";
 * const ix = MessageIndex.open(`${await Deno.makeTempDir()}/index.sqlite`);
 * strictEqual(narrowingExpression(ix, ["ab"]), null);
 * strictEqual(narrowingExpression(ix, ["abc"]), '"abc"');
 * ix.close();
 * ```
 *
 * @module
 */
import { ftsExpression } from "./fts_expression.ts";
import type { MessageIndex } from "./message_index.ts";

/** Matches a probe reads to estimate a trigram's density. */
const PROBE = 64;
/** The most trigrams of one needle probed (a spread of them when it has more). */
const MAX_PROBED = 12;
/** Trigrams kept of a needle of several words, and of a needle of one word. */
const KEEP_WORDS = 3;
const KEEP_ONE_WORD = 2;
/** Densities remembered per index before the memory is cleared. */
const MEMO_SIZE = 4096;

const memo = new WeakMap<MessageIndex, Map<string, number>>();

/** The share of rows holding trigram `g` (an estimate; tiny when it has few matches). */
function density(ix: MessageIndex, g: string): number {
  let m = memo.get(ix);
  if (m === undefined) memo.set(ix, m = new Map());
  const known = m.get(g);
  if (known !== undefined) return known;
  const rows = ix.file.stmt(`SELECT rowid AS r FROM fts WHERE fts MATCH ? LIMIT ${PROBE}`).all(
    quote(g),
  ) as Array<{ r: number }>;
  // Fewer matches than the probe asks for: rarer than any trigram that fills it.
  const d = rows.length < PROBE
    ? rows.length / 1e12
    : PROBE / (Number(rows[PROBE - 1]!.r) - Number(rows[0]!.r) + 1);
  if (m.size >= MEMO_SIZE) m.clear();
  m.set(g, d);
  return d;
}

function quote(g: string): string {
  return `"${g.replaceAll('"', '""')}"`;
}

interface Gram {
  text: string;
  /** Code point position in the needle. */
  at: number;
  /** Which whitespace-separated word of the needle it lies in. */
  word: number;
}

/** The trigrams of a needle that lie within one word, each at its first position. */
function wordGrams(term: string): Gram[] {
  const cps = [...term];
  const out: Gram[] = [];
  const seen = new Set<string>();
  let word = 0;
  for (let i = 0; i < cps.length; i++) {
    if (/\s/u.test(cps[i]!)) {
      if (i > 0 && !/\s/u.test(cps[i - 1]!)) word++;
      continue;
    }
    if (i + 3 > cps.length) continue;
    const text = cps[i]! + cps[i + 1]! + cps[i + 2]!;
    if (/\s/u.test(text) || seen.has(text)) continue;
    seen.add(text);
    out.push({ text, at: i, word });
  }
  return out;
}

/** The trigrams a needle is narrowed by (see the module's note). */
function chosenGrams(ix: MessageIndex, term: string): string[] | null {
  let grams = wordGrams(term);
  if (grams.length === 0) return null;
  if (grams.length > MAX_PROBED) {
    const step = grams.length / MAX_PROBED;
    grams = Array.from({ length: MAX_PROBED }, (_, i) => grams[Math.floor(i * step)]!);
  }
  const ranked = grams.map((g) => ({ g, d: density(ix, g.text) })).sort((a, b) => a.d - b.d);
  const words = new Set(grams.map((g) => g.word)).size;
  const keep = words > 1 ? KEEP_WORDS : KEEP_ONE_WORD;
  const picked: Gram[] = [];
  // The rarest trigram of each word, rarest words first; then, for a word alone, the next
  // rarest that does not overlap those picked.
  for (const { g } of ranked) {
    if (picked.length >= keep) break;
    if (!picked.some((p) => p.word === g.word)) picked.push(g);
  }
  for (const { g } of ranked) {
    if (picked.length >= keep) break;
    if (!picked.some((p) => p === g || Math.abs(p.at - g.at) < 3)) picked.push(g);
  }
  return picked.map((g) => g.text);
}

/**
 * The FTS5 expression that narrows needles: a few rare trigrams of each (each quoted, `"`
 * doubled, so user text never reaches FTS syntax), ANDed; null when no needle has 3+ code
 * points. A needle whose trigrams all cross a space (`"a b c"`) is narrowed by all of them.
 * Matches are a superset of the needles' matches: the caller checks the text.
 */
export function narrowingExpression(ix: MessageIndex, terms: readonly string[]): string | null {
  const out = new Set<string>();
  for (const t of terms) {
    if ([...t].length < 3) continue;
    const grams = chosenGrams(ix, t);
    if (grams === null) {
      const all = ftsExpression([t]);
      if (all !== null) out.add(all);
      continue;
    }
    for (const g of grams) out.add(quote(g));
  }
  return out.size === 0 ? null : [...out].join(" AND ");
}
