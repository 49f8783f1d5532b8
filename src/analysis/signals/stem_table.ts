/**
 * The table behind the pre-filter's fast pass (`prefilter.ts`): from the stems (regex sources
 * that open on a literal character), which first three characters of a word may open a stem,
 * and the stems of each first character as one sticky regex to run where one may.
 *
 * The table is read off the stems themselves, so a stem added to the list needs nothing here;
 * where a stem holds a form the reading does not know, it answers "any character", so the table
 * is never too narrow (a test holds the fast pass and the regex it stands for together).
 *
 * @module
 */

/** What the fast pass reads, built once from the stems by {@link stemTable}. */
export interface StemTable {
  /** Head index of each ASCII first character (both cases), -1 where no stem opens so. */
  readonly headIndex: Int8Array;
  /** Per head index, its stems as one sticky, case-blind regex; "with" alone fills group `w`. */
  readonly headRe: readonly RegExp[];
  /**
   * Per head index, second and third character: bit `c3` of the 128-bit row at
   * `(head << 9) | (c2 << 2)` is set when some stem of that head may go on with `c2` then `c3`
   * (code 0 stands for the end of the text as well as for U+0000).
   */
  readonly next: Int32Array;
  /** The stems that open on a non-word character ("était avec"), sticky; null when none. */
  readonly nonWordHeadRe: RegExp | null;
  /** Per ASCII code: 1 when a stem opens on that non-word character. */
  readonly nonWordHead: Uint8Array;
  /** Whether a stem opens on a non-ASCII character. */
  readonly nonAsciiHead: boolean;
}

/**
 * Builds the {@link StemTable} of `stems` (case-blind regex sources, each opening on a literal
 * character) and of `withStems`, the forms of "with" that the pre-filter weighs apart: they go
 * last in the regex of "w", in a group named `w`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stemTable } from "./stem_table.ts";
 * const t = stemTable(["dat", "gf"], ["with\\b"]);
 * const bit = (first: string, second: string, third: string) => {
 *   const [h, c2, c3] = [t.headIndex[first.charCodeAt(0)]!, second.charCodeAt(0), third.charCodeAt(0)];
 *   return (t.next[(h << 9) | (c2 << 2) | (c3 >> 5)]! & (1 << (c3 & 31))) !== 0;
 * };
 * assert.equal(bit("D", "a", "t"), true);
 * assert.equal(bit("d", "o", "g"), false);
 * assert.equal(t.headIndex["x".charCodeAt(0)], -1);
 * ```
 */
export function stemTable(stems: readonly string[], withStems: readonly string[]): StemTable {
  const byHead = new Map<string, string[]>();
  const nonWord: string[] = [];
  const nonWordHead = new Uint8Array(128);
  let nonAsciiHead = false;
  for (const stem of stems) {
    const head = stem[0]!;
    if ("\\[](){}|.?*+^$".includes(head)) {
      throw new SyntaxError(`Stem "${stem}" opens on a regex token`);
    }
    const code = head.charCodeAt(0);
    if (!isAsciiWord(code)) {
      nonWord.push(stem);
      if (code < 128) nonWordHead[code] = 1;
      else nonAsciiHead = true;
    } else byHead.set(head.toLowerCase(), [...byHead.get(head.toLowerCase()) ?? [], stem]);
  }
  const withOf = new Set(withStems);
  for (const w of withStems) byHead.set(w[0]!, [...byHead.get(w[0]!) ?? [], w]);
  const headIndex = new Int8Array(128).fill(-1);
  const headRe: RegExp[] = [];
  const next = new Int32Array(byHead.size << 9);
  for (const [head, list] of byHead) {
    const h = headRe.length;
    const plain = list.filter((s) => !withOf.has(s));
    const alone = list.filter((s) => withOf.has(s));
    const alts = alone.length ? [...plain, `(?<w>${alone.join("|")})`] : plain;
    headRe.push(new RegExp(`(?:${alts.join("|")})`, "iy"));
    for (const ch of new Set([head, head.toUpperCase()])) headIndex[ch.charCodeAt(0)] = h;
    for (const stem of list) markNext(next, h, stem);
  }
  const nonWordHeadRe = nonWord.length ? new RegExp(`(?:${nonWord.join("|")})`, "iy") : null;
  return { headIndex, headRe, next, nonWordHeadRe, nonWordHead, nonAsciiHead };
}

/** Sets in `next` the second and third characters with which `stem` (of head `h`) may go on. */
function markNext(next: Int32Array, h: number, stem: string): void {
  const set = (m2: Int32Array, m3: Int32Array) => {
    for (let c2 = 0; c2 < 128; c2++) {
      if ((m2[c2 >> 5]! & (1 << (c2 & 31))) === 0) continue;
      const row = (h << 9) | (c2 << 2);
      for (let w = 0; w < 4; w++) next[row + w]! |= m3[w]!;
    }
  };
  try {
    const nodes = new StemReader(stem.slice(1)).read();
    nextTwo(nodes, [], maskOf(stem[0]!), ([m2, m3]) => set(m2!, m3!), { steps: 10_000 });
  } catch (e) {
    // A form not read here (the stem compiles: prefilter.ts checks each), or too many ways to
    // read two characters: every pair may follow, so the table stays a superset.
    if (!(e instanceof RangeError || e instanceof SyntaxError)) throw e;
    set(ALL, ALL);
  }
}

/**
 * A stem read as far as the table needs: one character out of a set (ASCII codes as a 128-bit
 * mask, computed by the regex engine itself with the stems' flags), a choice, a repeat, or an
 * assertion (a lookaround, `\B`, `^`: read as no constraint, which only widens the table; `\b`
 * is read where the characters around it are all word or all non-word characters).
 */
type Node =
  | { t: "one"; mask: Int32Array }
  | { t: "alt"; alts: Node[][] }
  | { t: "rep"; node: Node; min: number; max: number }
  | { t: "assert"; boundary?: true };

const isAsciiWord = (c: number) => c < 128 && /\w/.test(String.fromCharCode(c));

/** The ASCII characters that the one-character regex `src` matches case-blind, as a mask. */
function maskOf(src: string): Int32Array {
  const known = MASKS.get(src);
  if (known !== undefined) return known;
  const re = new RegExp(`^(?:${src})$`, "i");
  const mask = new Int32Array(4);
  for (let c = 0; c < 128; c++) if (re.test(String.fromCharCode(c))) mask[c >> 5]! |= 1 << (c & 31);
  MASKS.set(src, mask);
  return mask;
}
/** The masks read so far: the stems repeat their letters, and module load time counts. */
const MASKS = new Map<string, Int32Array>();
const ALL = new Int32Array([-1, -1, -1, -1]);
const WORD_MASK = maskOf("\\w");
const NON_WORD_MASK = maskOf("\\W");

/** Reads a regex source (the subset the stems use) into {@link Node}s; throws on the rest. */
class StemReader {
  #src: string;
  #at = 0;
  constructor(src: string) {
    this.#src = src;
  }
  read(): Node[] {
    const seq = this.#sequence();
    if (this.#at !== this.#src.length) {
      throw new SyntaxError(`Stem "${this.#src}" holds a top-level "|" or ")"`);
    }
    return seq;
  }
  #alternation(): Node[][] {
    const alts: Node[][] = [this.#sequence()];
    while (this.#src[this.#at] === "|") {
      this.#at++;
      alts.push(this.#sequence());
    }
    return alts;
  }
  #sequence(): Node[] {
    const seq: Node[] = [];
    const src = this.#src;
    while (this.#at < src.length && src[this.#at] !== "|" && src[this.#at] !== ")") {
      const node = this.#atom();
      const q = /^(?:([?*+])|\{(\d+)(,(\d*))?\})\??/.exec(src.slice(this.#at));
      if (q === null) {
        seq.push(node);
        continue;
      }
      this.#at += q[0].length;
      const min = q[1] === "+" ? 1 : q[1] !== undefined ? 0 : Number(q[2]);
      const max = q[1] === "?"
        ? 1
        : q[1] !== undefined || q[4] === ""
        ? Infinity
        : q[3] === undefined
        ? min
        : Number(q[4]);
      seq.push({ t: "rep", node, min, max });
    }
    return seq;
  }
  #atom(): Node {
    const src = this.#src;
    const c = src[this.#at]!;
    if (c === "(") {
      const open = /^\((?:\?:|\?<[A-Za-z_$][\w$]*>|(\?<?[=!]))?/.exec(src.slice(this.#at))!;
      this.#at += open[0].length;
      const alts = this.#alternation();
      if (src[this.#at++] !== ")") throw new SyntaxError(`Unbalanced group in "${src}"`);
      return open[1] !== undefined ? { t: "assert" } : { t: "alt", alts };
    }
    if (c === "^" || c === "$" || src.startsWith("\\B", this.#at)) {
      this.#at += c === "\\" ? 2 : 1;
      return { t: "assert" };
    }
    if (src.startsWith("\\b", this.#at)) {
      this.#at += 2;
      return { t: "assert", boundary: true };
    }
    const end = this.#oneEnd();
    const one = src.slice(this.#at, end);
    this.#at = end;
    return { t: "one", mask: one === "." ? ALL : maskOf(one) };
  }
  /** Where the one-character atom at the reading point ends: a character, escape or class. */
  #oneEnd(): number {
    const src = this.#src;
    const at = this.#at;
    const c = src[at]!;
    if (c === "\\") {
      const escape = /^\\(?:[wWdDsStnrfv0]|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|c[A-Za-z]|[^A-Za-z0-9])/
        .exec(src.slice(at));
      // Back references and the like: not read here.
      if (escape === null) throw new SyntaxError(`Stem "${src}" holds an escape not read here`);
      return at + escape[0].length;
    }
    if (c === "[") {
      let end = at + 1;
      while (end < src.length && src[end] !== "]") end += src[end] === "\\" ? 2 : 1;
      return end + 1;
    }
    if ("{}?*+|)".includes(c)) {
      throw new SyntaxError(`Stem "${src}" holds a "${c}" the pre-filter does not read`);
    }
    return at + 1;
  }
}

/**
 * Calls `emit` with each pair of masks that the next two characters of a match of `nodes` may
 * fall in, `prev` being the mask of the character before them (a match that ends sooner leaves
 * any character after it; `\b` after word characters wants a non-word one). `only` narrows the
 * next character (after a `\b`). `budget` bounds the walk: past it, a RangeError.
 */
function nextTwo(
  nodes: readonly Node[],
  acc: readonly Int32Array[],
  prev: Int32Array,
  emit: (pair: readonly Int32Array[]) => void,
  budget: { steps: number },
  only: Int32Array = ALL,
): void {
  if (--budget.steps < 0) throw new RangeError("Stem too wide to read");
  if (acc.length === 2) return emit(acc);
  const [n, ...rest] = nodes;
  if (n === undefined) return emit([...acc, and(ALL, only), ALL].slice(0, 2));
  if (n.t === "one") {
    const mask = and(n.mask, only);
    return nextTwo(rest, [...acc, mask], mask, emit, budget);
  }
  if (n.t === "assert") {
    // `\b`: after word characters only a non-word one (or the end, code 0) may come, and the
    // other way round; after a mix of both, anything.
    const next = !n.boundary
      ? ALL
      : within(prev, WORD_MASK)
      ? NON_WORD_MASK
      : within(prev, NON_WORD_MASK)
      ? WORD_MASK
      : ALL;
    return nextTwo(rest, acc, prev, emit, budget, and(only, next));
  }
  if (n.t === "alt") {
    for (const alt of n.alts) nextTwo([...alt, ...rest], acc, prev, emit, budget, only);
    return;
  }
  const less: Node = { t: "rep", node: n.node, min: Math.max(0, n.min - 1), max: n.max - 1 };
  if (n.min === 0) nextTwo(rest, acc, prev, emit, budget, only);
  if (n.max > 0) nextTwo([n.node, less, ...rest], acc, prev, emit, budget, only);
}

function and(a: Int32Array, b: Int32Array): Int32Array {
  return a === ALL ? b : b === ALL ? a : a.map((x, k) => x & b[k]!);
}

function within(a: Int32Array, b: Int32Array): boolean {
  return a.every((x, k) => (x & ~b[k]!) === 0);
}
