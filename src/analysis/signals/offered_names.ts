/**
 * The names offered around a rule match besides the one in its target slot: the next partners
 * of a list ("dated rina then aiko"), a choice offered before a question ("is it X or Y"), a
 * name asked about just before ("who is hope? his gf?"), a name given in a later clause ("her
 * name is hope", "sie heißt lara", ", die lisa"), and a second name ("brooke taylor").
 *
 * @module
 */
import type { Piece } from "./canonical_form.ts";
import { sentenceSpan } from "./clauses.ts";
import type { Match } from "./match.ts";
import { nicknameLike } from "./streamer_alias.ts";
import { checkTarget, isEmote, type Run } from "./target.ts";
import { COMMON_VERB, EMOTES, NON_PERSON, OPENER, PERSON_WORDS, REL_WORDS } from "./vocabulary.ts";

/** Past forms chat uses that no rule of thumb finds. */
const IRREGULAR_PAST = new Set(
  ("forgot left said went came got made told took gave brought bought thought sent ran won " +
    "lost met saw felt kept found paid put set sat stood wrote broke")
    .split(" "),
);

/** Does `w` look like a verb ("moderates", "carried", "left") rather than a name? */
export function verbLike(w: string): boolean {
  // "apareceu", "falou", "saiu": a Portuguese past.
  return COMMON_VERB.has(w) || IRREGULAR_PAST.has(w) || /^[a-z]{3,}(?:ed|es)$/.test(w) ||
    /^[a-z]{4,}[^s'aeiou]s$/.test(w) || /^\p{L}{3,}(?:eu|ou|iu)$/u.test(w);
}

/** Words that lead from one partner to the next: "or", "then", "and now", "before", "puis". */
const NEXT_LINK = new Set(
  "or and then before after now later afterwards again , first".split(" "),
);
/** Words between the link and the next name: "and then with the", "or still", "puis avec". */
const NEXT_SKIP =
  /^(?:with|w|the|to|still|now|back|dating|seeing|dated|date|a|again|also|his|her)$/;
/** After "or" only: "is he with X or is he with Y". */
const NEXT_SKIP_OR = /^(?:is|was|he|she|it|STREAMER)$/;
/** Words after "before"/"then" that are times or things, not partners. */
const NOT_A_PARTNER = new Set(
  ("debut worlds christmas covid college school uni lockdown summer winter spring fall " +
    "marathon tournament stream streaming twitch youtube year years month months week weeks " +
    "primo prima cousin brother sister friend amigo amiga ami amie bruder schwester caster")
    .split(" "),
);
/** What may close the name of a list: the end, punctuation, another link, chat filler. */
const NAME_CLOSE =
  /^(?:\?|\.|,|now|rn|too|also|tho|though|fr|ngl|iirc|lol|lmao|kekw|lul|omegalul|mdr|ptdr|kkk|kkkk|jaja|jajaja|xd|haha|both|again|before|after|then|or|and|irl|right|together)$/;

/**
 * The other partners named in a list after the target: "X or Y", "dated rina then aiko",
 * "mit der sarah und davor mit der nina", "sortie avec jess puis avec marie", "is she with max
 * now or still daniel". Each name must close its phrase, so "with sara and then jake said hi"
 * names only sara.
 */
export function moreNames(m: Match, k: number): string[] {
  const p = m.canon.pieces;
  const out: string[] = [];
  let i = k + 1;
  for (;;) {
    let j = i;
    let linked = false;
    let or = false;
    // "mit der resi zusammen und dann mit der vroni": the pair word closes the first name.
    if (p[j]?.w === "together") j++;
    while (p[j] && NEXT_LINK.has(p[j]!.w)) {
      // "mira, jess and lena": a comma links a list that goes on with "and" or "or".
      if (p[j]!.w !== "," || listCloses(p, j + 1)) linked = true;
      if (p[j]!.w === "or") or = true;
      j++;
    }
    // "he's with maya, others say zoë", "jonas datet mia, andere sagen anja", "max est avec
    // julie, d'autres disent kim": another rumour offers another name, as "or" would.
    const others = othersSay(p, j);
    if (others > j) {
      linked = true;
      or = true;
      j = others;
    }
    if (!linked) break;
    let withAgain = false;
    // "dated brooke before, now its lexi": "now it is" names the next one.
    if (/^(?:now|then)$/.test(p[j - 1]?.w ?? "") && /^(?:its|it)$/.test(p[j]?.w ?? "")) {
      j += p[j]!.w === "it" && /^(?:is|was)$/.test(p[j + 1]?.w ?? "") ? 2 : 1;
    }
    // "is tash with ollie or did she go back to will"
    if (or && p[j]?.w === "did") {
      const k = /^(?:he|she|STREAMER)$/.test(p[j + 1]?.w ?? "") ? j + 2 : j + 1;
      if (p[k]?.w === "go" && p[k + 1]?.w === "back" && p[k + 2]?.w === "to") j = k + 3;
    }
    while (p[j] && (NEXT_SKIP.test(p[j]!.w) || p[j]!.art || or && NEXT_SKIP_OR.test(p[j]!.w))) {
      if (p[j]!.w === "with") withAgain = true;
      j++;
    }
    if (!p[j]) break;
    const tc = checkTarget(m.run, j);
    if (
      tc.kind !== "name" || p[j]!.w === "STREAMER" || NOT_A_PARTNER.has(p[j]!.w) ||
      PERSON_WORDS.has(p[j]!.w)
    ) break;
    // "X or Y" and "with X and with Y" offer a second name; "then Y" must close its phrase.
    const after = p[j + 1]?.w;
    if (!or && !withAgain && after !== undefined && !NAME_CLOSE.test(after)) break;
    out.push(tc.name);
    i = j + 1;
  }
  return out;
}

/** Who else says: "others", "some", "andere", "otros", "outros", "(d')autres". */
const OTHERS = /^(?:others|some|andere|otros|otras|outros|outras|autres|algunos|alguns)$/;
/** Saying, in the languages read (canonical or as written). */
const SAY = /^(?:say|says|said|think|reckon|sagen|meinen|dicen|dizem|disent|pensent)$/;

/** Past "others say" at piece `j` ("of" before "autres" is the elided "d'"), or `j`. */
function othersSay(p: readonly Piece[], j: number): number {
  let k = j;
  if (p[k]?.w === "of" && p[k + 1]?.w === "autres") k++;
  if (!OTHERS.test(p[k]?.w ?? "") || !SAY.test(p[k + 1]?.w ?? "")) return j;
  k += 2;
  if (p[k]?.w === "that" || p[k]?.w === "it" && /^(?:is|was)$/.test(p[k + 1]?.w ?? "")) {
    k += p[k]!.w === "it" ? 2 : 1;
  }
  return k;
}

/**
 * "mira, jess and lena": from piece `j`, names joined by commas, then "and"/"or" and a last name
 * that closes its phrase ("mossy is with theo, birch and clover are a thing" goes on instead).
 */
function listCloses(p: readonly Piece[], j: number): boolean {
  let joined = false;
  let i = j;
  while (i + 1 < p.length) {
    const link = p[i + 1]!.w;
    if (link === "and" || link === "or") joined = true;
    else if (link !== ",") return joined && NAME_CLOSE.test(link);
    i += 2;
    // "..., lena and now sara"
    while (i < p.length && /^(?:now|then|also|later)$/.test(p[i]!.w)) i++;
  }
  return joined;
}

/**
 * A clause after the match that names the partner left unnamed in it: "her name is hope",
 * "her names kayla", "sie heißt lara", "elle s'appelle inès", "se llama ana", "ela se chama
 * bia", "it's søren". The naming opens its clause; the name must read as a name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { namedLater } from "./offered_names.ts";
 * const text = "ja er hat eine freundin, sie heißt lara";
 * const canon = canonicalize(text, { channel: "lenny_zockt" });
 * const run = { text, canon, emotes: new Set<string>(), wide: undefined };
 * assert.equal(namedLater(run, 4)?.name, "lara");
 * ```
 */
export function namedLater(
  run: Run,
  last: number,
  described = false,
): { name: string; phrase: string } | null {
  const p = run.canon.pieces;
  for (let i = last + 1; i < p.length; i++) {
    const prev = p[i - 1]!.w;
    if (prev !== "," && prev !== "." && prev !== "and" && prev !== "?") continue;
    let j = i;
    if (p[j]?.w === "yes" || p[j]?.w === "and") j++;
    const w0 = p[j]?.w ?? "";
    const w1 = p[j + 1]?.w ?? "";
    const w2 = p[j + 2]?.w ?? "";
    let k = -1;
    if ((w0 === "her" || w0 === "his") && w1 === "name" && (w2 === "is" || w2 === "'s")) k = j + 3;
    else if ((w0 === "her" || w0 === "his") && w1 === "names") k = j + 2;
    else if ((w0 === "she" || w0 === "he") && w1 === "is" && w2 === "called") k = j + 3;
    else if ((w0 === "she" || w0 === "he") && w1 === "called") k = j + 2;
    else if (w0 === "called" || w0 === "named") k = j + 1;
    else if (w0 === "it" && w1 === "is" && (prev === "," || prev === "and")) k = j + 2;
    // "zack has a gf and its jess"
    else if (w0 === "its" && (prev === "," || prev === "and")) k = j + 1;
    // "o kaue tem namorada e é a duda": "and is" the name.
    else if (w0 === "is" && prev === "and" && p[j + 1]?.art) k = j + 1;
    // "rene hat ne freundin und die heißt sophie": a demonstrative is "she".
    else if (p[j]?.art && w0 === "the" && w1 === "called") k = j + 2;
    else if (prev === "," && (apposition(p, j) || described && lastWord(p, j))) k = j;
    if (k < 0 || !p[k]) continue;
    if (p[k]!.art) k++;
    // The name closes its clause: "it's søren, mods have it pinned", not "it's so cute".
    const after = p[k + 1]?.w;
    if (after !== undefined && !/^(?:\?|\.|,|and|lol|btw|tho|fr|now|irl)$/.test(after)) continue;
    const tc = checkTarget(run, k);
    if (tc.kind !== "name" || p[k]!.w === "STREAMER") continue;
    const phrase = p.slice(j, k + 1).filter((x) => x.raw !== "").map((x) => x.raw).join(" ");
    return { name: tc.name, phrase };
  }
  return null;
}

/**
 * "is it X or Y", "X or Y" opening the sentence of piece `first` or the one before it, the
 * names closing there (at "?", ",", or the words of the question): the names offered.
 */
export function choiceBefore(run: Run, first: number): string[] {
  const p = run.canon.pieces;
  const [a] = sentenceSpan(run.canon, first);
  const [pa] = a > 0 ? sentenceSpan(run.canon, a - 1) : [a];
  for (const start of pa < a ? [pa, a] : [a]) {
    let i = start;
    while (i < first && (OPENER.has(p[i]!.w) && p[i]!.w !== "STREAMER")) i++;
    // "is it", "it is", "c'est", "é" (read "he is")
    if (/^(?:is|he)$/.test(p[i]?.w ?? "") && /^(?:it|is)$/.test(p[i + 1]?.w ?? "")) i += 2;
    const one = (k: number): [string, number] | null => {
      if (p[k]?.art) k++;
      if (k >= first || !p[k]) return null;
      const tc = checkTarget(run, k);
      return tc.kind === "name" && p[k]!.w !== "STREAMER" ? [tc.name, k + 1] : null;
    };
    const x = one(i);
    if (!x || p[x[1]]?.w !== "or") continue;
    const y = one(x[1] + 1);
    if (!y) continue;
    const close = p[y[1]]?.w ?? "";
    if (!/^(?:\?|,|\.|he|she|STREAMER|who|the|his|her)$/.test(close) && y[1] !== first) continue;
    return [x[0], y[0]];
  }
  return [];
}

/**
 * The second of two names ("brooke taylor??", "maría josé", "joão vítor estão juntos"): a
 * name-like word right after the name at `k` that no list knows as a word, not a verb or an
 * adverb, and that closes the phrase.
 */
export function secondName(run: Run, k: number): string | null {
  const p = run.canon.pieces;
  const n = p[k + 1];
  if (!n || p[k]!.mention || n.mention || !nicknameLike(n) || isEmote(run, n)) return null;
  const w = n.w;
  // A surname is letters ("taylor", "vítor"), not a login or a figure ("a00").
  if (!/^\p{L}+(?:-\p{L}+)*$/u.test(w)) return null;
  if (w.length < 3 || verbLike(w) || /ly$/.test(w) || /ing$/.test(w) || EMOTES.has(w)) return null;
  if (REL_WORDS.has(w) || PERSON_WORDS.has(w) || NON_PERSON.has(w)) return null;
  const close = p[k + 2]?.w;
  // "with mary jane now", "his gf is mary jane lol": only chat filler after the two names, to
  // the end of the clause, closes them as the end of the message would.
  let i = k + 2;
  while (i < p.length && FILLER_CLOSE.test(p[i]!.w)) i++;
  const ends = i > k + 2 && (i >= p.length || p[i]!.w === "?");
  if (close !== undefined && !SECOND_CLOSE.test(close) && !ends) return null;
  // Capitals on both, an accent, or the end of the message: a name rather than a word.
  const cap = /^\p{Lu}/u.test(p[k]!.raw) && /^\p{Lu}/u.test(n.raw);
  const accent = /[^a-z0-9_]/.test(w);
  return cap || accent || close === undefined || close === "?" || ends ? w : null;
}
/** Chat filler that may follow a name to the end of its clause. */
const FILLER_CLOSE = new RegExp(
  `^(?:now|rn|too|also|tho|though|fr|ngl|iirc|lol|lmao|kekw|lul|omegalul|mdr|ptdr|kkk|kkkk|jaja|jajaja|xd|haha|again|irl|right|already|!|` +
    // A hedge closing the name in any of the five languages ("su jevo es josé ángel creo").
    `i|think|guess|imo|tbh|maybe|probably|prob|creo|acho|glaub|glaube|crois|pense)$`,
);
const SECOND_CLOSE =
  /^(?:\?|\.|,|back|from|who|and|or|is|are|was|were|since|before|la|de|del|do|da|du|from)$/;

/** "who is NAME ?" or "who is NAME ," before piece `first`: the name asked about. */
export function askedWhoBefore(run: Run, first: number): string | null {
  const p = run.canon.pieces;
  for (let i = 0; i + 3 < first + 1 && i + 3 < p.length; i++) {
    if (p[i]!.w !== "who" || p[i + 1]!.w !== "is") continue;
    let k = i + 2;
    if (p[k]!.art) k++;
    const close = p[k + 1]?.w;
    if (k + 1 >= first || (close !== "?" && close !== ",")) continue;
    const tc = checkTarget(run, k);
    if (tc.kind === "name" && p[k]!.w !== "STREAMER") return tc.name;
  }
  return null;
}

/**
 * "karim sort avec la meuf du dernier live, nadia": after a partner described, not named, a
 * name alone closing the message names them.
 */
function lastWord(p: readonly Piece[], j: number): boolean {
  if (!p[j] || !nicknameLike(p[j])) return false;
  for (let i = j + 1; i < p.length; i++) if (p[i]!.w !== "?" && p[i]!.w !== ".") return false;
  return true;
}

/**
 * "er hat ne freundin, die lisa", "il sort avec la fille du rp, la jess?": the last clause of the
 * message is a name alone after an article, set after an unnamed partner. (A bare name there
 * may call someone: "he has a gf, kai".)
 */
function apposition(p: readonly Piece[], j: number): boolean {
  const k = j + 1;
  if (!p[j]?.art || !p[k] || !nicknameLike(p[k]!)) return false;
  // "jonas het e fründin, d mia, die streamt au": the name closes its clause.
  if (p[k + 1]?.w === ",") return true;
  for (let i = k + 1; i < p.length; i++) if (p[i]!.w !== "?" && p[i]!.w !== ".") return false;
  return true;
}
