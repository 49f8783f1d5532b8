/**
 * Sentences and clauses over the pieces of a canonical form: where the one holding a word
 * starts and ends, what comes before a word in it, whether chat is addressed in it. The guards
 * bind to the clause of the words they guard.
 *
 * @module
 */
import type { Canon } from "./canonical_form.ts";
import { OPENER, PREPOSITION } from "./vocabulary.ts";

/** The piece holding `offset` of the canonical text. */
export function pieceAt(canon: Canon, offset: number): number {
  // Binary search: the last piece starting at or before `offset`.
  let lo = 0;
  let hi = canon.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (canon.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The pieces [a, b) of the sentence holding piece `i` (sentences end at "?" and "."). */
export function sentenceSpan(canon: Canon, i: number): [number, number] {
  const ends = (k: number) => canon.pieces[k]!.w === "?" || canon.pieces[k]!.w === ".";
  let a = i;
  while (a > 0 && !ends(a - 1)) a--;
  let b = i;
  while (b < canon.pieces.length && !ends(b)) b++;
  return [a, b];
}

/** Words that close a clause: guards bind to the clause of the words they guard. */
const CLAUSE_END = new Set(["?", ".", ",", "but", "though", "tho"]);

/**
 * The pieces [a, b) of the clause holding piece `i` (clauses end at ? . , "but", "tho").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { clauseSpan } from "./clauses.ts";
 * const c = canonicalize("hes with sara, the rumor is fake", { channel: "x_tv" });
 * const [a, b] = clauseSpan(c, 0);
 * assert.equal(c.pieces.slice(a, b).map((p) => p.w).join(" "), "he is with sara");
 * ```
 */
export function clauseSpan(canon: Canon, i: number): [number, number] {
  const ends = (k: number) => CLAUSE_END.has(canon.pieces[k]!.w);
  let a = i;
  while (a > 0 && !ends(a - 1)) a--;
  let b = i;
  while (b < canon.pieces.length && !ends(b)) b++;
  return [a, b];
}

/** The canonical words from the start of the sentence holding piece `i` up to it. */
export function sentenceBefore(canon: Canon, i: number): string {
  const [a] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, i).map((p) => p.w).join(" ");
}

/** Is chat addressed ("chat are you...", "...anyone chat?") in the sentence holding piece `i`? */
export function chatAddressed(canon: Canon, i: number): boolean {
  const [a, b] = sentenceSpan(canon, i);
  for (let k = a; k < b; k++) {
    if (canon.pieces[k]!.w !== "chat") continue;
    if (atSentenceStart(canon, k)) return true;
    const prev = canon.pieces[k - 1]?.w ?? "";
    if ((k === b - 1 || canon.pieces[k + 1]!.w === ",") && !PREPOSITION.has(prev)) return true;
  }
  return false;
}

/** The canonical words of the whole sentence holding piece `i`. */
export function sentenceOf(canon: Canon, i: number): string {
  const [a, b] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, b).map((p) => p.w).join(" ");
}

/** Is the sentence holding pieces [i, j) a question from piece i on? */
export function questionAfter(canon: Canon, i: number): boolean {
  for (let k = i; k < canon.pieces.length; k++) {
    const w = canon.pieces[k]!.w;
    if (w === "?") return true;
    if (w === ".") return false;
  }
  return false;
}

/** Only openers ("so", "wait", "lol", a vocative) before piece `k` in its sentence? */
export function atSentenceStart(canon: Canon, k: number): boolean {
  for (let i = k - 1; i >= 0; i--) {
    const w = canon.pieces[i]!.w;
    if (w === "?" || w === "." || w === "," || w === "but") return true;
    // "sara was his ex and now tess is his gf": "and" after a relationship word opens a clause.
    if (w === "and" && REL_CLOSE.has(canon.pieces[i - 1]?.w ?? "")) return true;
    // "i think sara is his gf": the speaker's opinion opens the sentence.
    if (
      w === "i" &&
      /^(?:think|heard|guess|bet|swear|believe|feel|mean)$/.test(canon.pieces[i + 1]?.w ?? "")
    ) continue;
    // "i can confirm aiko is his gf", "people say split is dating mina", "dicen que...": what is
    // said or known opens a clause of its own.
    if (SAYS.has(w) && SAYER.has(canon.pieces[i - 1]?.w ?? "")) return true;
    if (
      w === "that" && (SAYS.has(canon.pieces[i - 1]?.w ?? "") || canon.pieces[i - 1]?.w === "true")
    ) {
      return true;
    }
    if (!OPENER.has(w)) return false;
  }
  return true;
}

/** Relationship words that close a clause before "and". */
const REL_CLOSE = new Set(
  "gf bf wife husband fiance partner ex girl man together married engaged single taken dating"
    .split(" "),
);

/** Verbs of saying and knowing whose complement is a clause of its own. */
const SAYS = new Set(
  ("say says said confirm confirmed think thought heard know knew swear bet guess believe " +
    "reckon promise dice dicen dijo dizem disse diz dit disent sagt sagen sagte meinte " +
    "weiß weiss sais sait sabe saben")
    .split(" "),
);
/** Who may say it: the speaker, people in general, chat ("i can confirm", "people say"). */
const SAYER = new Set(
  ("i can could we people ppl everyone everybody they chat others some folks mods discord " +
    "reddit twitter gente todos leute alle on tout")
    .split(" "),
);
