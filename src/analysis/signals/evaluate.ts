/**
 * One rule match, start to end: read the match, run the guards in order, read the target, and
 * build the signal (type, target, snippet, confidence) or say which guard stopped it.
 *
 * @module
 */
import type { Signal } from "../../schemas.ts";
import { dislocated, GUARDS, type Match, readMatch, type Stop } from "./guards.ts";
import { NAMING_RULES, type Rule } from "./rules.ts";
import { phraseOf } from "./snippet.ts";
import { checkTarget, isEmote, type Run } from "./target.ts";
import type { Canon, Piece } from "./canonical_form.ts";
import { nicknameLike } from "./streamer_alias.ts";
import { pieceAt, sentenceSpan } from "./clauses.ts";
import {
  ACTIVITY_NEXT,
  COMMON_VERB,
  EMOTES,
  NO_TARGET,
  NON_PERSON,
  OPENER,
  PERSON_NOUN,
  PERSON_WORDS,
  REL_WORDS,
  SEEING_OK,
  SUBJECT_WEIGHT,
} from "./vocabulary.ts";

/** What became of one rule match. */
export type Outcome =
  | { ok: true; signals: Signal[]; at: number; note: string }
  | { ok: false; guard: string; why: string };

/** The target of a match that passed the guards: a name, or null with a note why. */
interface TargetRead {
  target: string | null;
  /** More names offered in the same breath: "is he seeing @anna_k or mira". */
  more: string[];
  note: string;
}

/** Reads the target slot of a match; a Stop when what sits there shows another sense. */
function readTarget(m: Match): TargetRead | Stop {
  const { canon, rule, rel, g, mid, before } = m;
  if (m.partnerAddressed) {
    return { target: canon.addressed, more: [], note: "the person addressed is the partner" };
  }
  const tGroup = dislocated(m) ? undefined : m.gi.t ?? m.gi.t2;
  if (!tGroup) {
    if ((rel === "with" || rel === "w") && !/(?:^| )who(?= |$)/.test(before)) {
      return { guard: "other-sense", why: `"with" names nobody` };
    }
    const past = rel === "broke up" || rel === "split up" || rel === "divorced";
    // "are they together?" asks about the streamer and the one chat talks about.
    const asks = rule.name === "they-pair" && m.isQuestion;
    if (
      m.s === "they" && rule.name !== "has-partner" && rule.name !== "together-after" && !past &&
      !asks
    ) {
      return {
        guard: "plural",
        why: `"they" without a named partner likely means two other people`,
      };
    }
    return { target: null, more: [], note: "" };
  }
  // "who is he with now?": asks, and names nobody.
  if ((rel === "with" || rel === "w") && /(?:^| )who(?= |$)/.test(before)) {
    return { target: null, more: [], note: "asks who" };
  }
  let k = pieceAt(canon, tGroup[0]);
  // "namora a larissa", "hat er die kathi geheiratet": an article before a name.
  // Portuguese and German put articles before names; in Spanish and French "con la X", "avec
  // le X" is a thing ("sigue con la partida").
  // After a verb that only takes a person ("sale con la lupe", "se casó con la pau") the
  // Spanish and French article is the colloquial one before a first name too.
  const named = canon.pieces[k + 1]?.w;
  const afterName = canon.pieces[k + 2]?.w ?? "";
  if (
    canon.pieces[k]!.art && nameLike(named) &&
    !(canon.lang === "de" && /^\p{L}{4,}en$/u.test(named!)) &&
    (canon.lang === "pt" || canon.lang === "de" ||
      PERSON_REL.test(rel) && afterName !== "of" ||
      // "sigue con la cami?": a short clipped first name closing its clause.
      CLIPPED_NAME.test(named!) && /^(?:\?|\.|,|or|and|)$/.test(afterName) &&
        !NON_PERSON.has(named!))
  ) k++;
  const word = canon.pieces[k]!.w;
  if (
    rel === "married" && g.prep === "to" &&
    /^(?:the|his|her|my|this|that|a|an|their|its|your|ur)$/.test(word)
  ) {
    return { guard: "other-sense", why: `"married to ${word} ..." is not a person` };
  }
  const tc = checkTarget(m.run, k);
  if (tc.kind === "block") return { guard: tc.guard, why: tc.why };
  // "dating the floor", "going out with the boys", "sort avec son squad": a thing or a group.
  if (/^(?:the|his|her|my|your|ur|their|our)$/.test(word)) {
    const next = canon.pieces[k + 1]?.w ?? "";
    if (NON_PERSON.has(next)) {
      return { guard: "other-sense", why: `"${word} ${next}" is not a partner` };
    }
  }
  if (/^[0-9]/.test(word) && (rel === "dating" || rel === "dated" || rel === "with")) {
    return { guard: "other-sense", why: `"${rel} ${word}" is about a number, not a person` };
  }
  if (rule.name === "partner-name") {
    if (word.length > 5 && word.endsWith("ing")) {
      return { guard: "not-a-name", why: `"${g.rel} is ${word}": "${word}" is what they do` };
    }
    const linked = canon.pieces[k - 1]?.w !== g.rel;
    if (
      !linked &&
      (COMMON_VERB.has(word) || /(?:^| )(?:does|do|did|can|will|would|has)$/.test(before))
    ) {
      return {
        guard: "not-a-name",
        why: `"${g.p} ${g.rel} ${word}": "${word}" is what they do, not a name`,
      };
    }
    // "his wife sara is so sweet", "her bf max ?": a name in apposition closes its phrase or
    // carries the verb; "her husband moderates here", "his gf left him" do not.
    const next = canon.pieces[k + 1]?.w;
    if (
      !linked && next !== undefined && !APPOSITION_NEXT.test(next) && verbLike(word) &&
      !verbLike(next)
    ) {
      return {
        guard: "not-a-name",
        why: `"${g.p} ${g.rel} ${word} ${next}": "${word}" reads as what they do, not a name`,
      };
    }
    // "his missus is deadly at mario kart", "sa femme est sur son insta": a place or a manner.
    if (linked && next !== undefined && /^(?:at|sur|so|too|af|asf|on|such)$/.test(next)) {
      return { guard: "not-a-name", why: `"is ${word} ${next}": "${word}" is no name` };
    }
  }
  if (rel === "seeing" && tc.kind === "none") {
    const noun = canon.pieces[k + 1]?.w ?? "";
    const ok = SEEING_OK.has(word) &&
        (word !== "a" && word !== "some" || PERSON_NOUN.has(noun) && noun !== "one") ||
      // "seeing that girl from leeds"
      (word === "that" || word === "this") && PERSON_NOUN.has(noun) && noun !== "one";
    if (!ok) {
      return { guard: "other-sense", why: `"seeing ${word}" is looking or visiting, not dating` };
    }
  }
  let target: string | null = null;
  let note = "";
  if (tc.kind === "name") {
    if (word === "STREAMER") return { guard: "self", why: "the streamer is not their own partner" };
    target = tc.name;
    // "brooke taylor", "maría josé", "joão vítor": a second name closing the phrase.
    const second = rule.name === "name-partner" ? null : secondName(m.run, k);
    if (second) {
      target = `${target} ${second}`;
      note = `"${target}": two names`;
    }
    // "kaylas his girlfriend mate": the apostrophe of "kayla's" (is) dropped, in a statement.
    if (
      rule.name === "name-partner" && canon.lang === "en" && m.mid === "" && !m.g.aux &&
      /^\p{L}{3,}[^s]s$/u.test(target) && !m.isQuestion
    ) {
      target = target.slice(0, -1);
      note = `"${word} ${g.p} ${rel}": the "'s" of "${target}'s" is "is"`;
    }
  } else {
    note = tc.why;
    // These rules exist to name someone: without a name they say nothing reliable, except
    // "you and her together?", which still asks.
    const pronounOk = (rule.name === "together" || rule.name === "together-reverse") &&
      NO_TARGET.has(word.replace(/^@/, ""));
    if (NAMING_RULES.has(rule.name) && !pronounOk) return { guard: "no-name", why: tc.why };
  }
  const after = canon.pieces[k + 1]?.w ?? "";
  // "is sara with him": the name comes first; the guard on what follows "him" has run.
  if (rule.name === "reverse-dating") return { target, more: [], note };
  if (rel.endsWith("with") && ACTIVITY_NEXT.has(after)) {
    return { guard: "other-sense", why: `"${rel} ${word} ${after}" is an activity` };
  }
  if (rel === "with" || rel === "w" || rel === "seeing") {
    // "volvió con la ex?", "is he back with his ex": a partner, unnamed.
    if (target === null && /^(?:the|his|her)$/.test(word) && canon.pieces[k + 1]?.w === "ex") {
      return { target: null, more: [], note: `"with ${word} ex": a former partner, unnamed` };
    }
    // "still with her man", "is she still with the canadian guy": a partner, unnamed.
    if (target === null && /(?:^| )(?:still|back)(?= |$)/.test(mid)) {
      const n1 = canon.pieces[k + 1]?.w ?? "";
      const n2 = canon.pieces[k + 2]?.w ?? "";
      if (
        /^(?:his|her)$/.test(word) && UNNAMED_PARTNER.has(n1) ||
        /^(?:the|that)$/.test(word) && (PERSON_NOUN.has(n1) || PERSON_NOUN.has(n2))
      ) return { target: null, more: [], note: `"with ${word} ${n1}": a partner, unnamed` };
    }
    if (
      target === null && rel !== "seeing" && !/(?:^| )who(?= |$)/.test(before) &&
      // "ist mit dem typen aus hamburg zusammen": "together" closes it, a partner unnamed.
      !togetherLater(canon, k)
    ) {
      return { guard: "other-sense", why: `"with ${word}" is company, not a partner` };
    }
    if (ACTIVITY_NEXT.has(after)) {
      return { guard: "other-sense", why: `"${rel} ${word} ${after}" is an activity` };
    }
    // "she's with renée the pastry chef", "he's with zoë from the english branch": being with
    // a named person is a partner unless an activity or a place follows.
    const being = target !== null && /(?:^| )(?:is|are|was|were|'s|been)(?= |$)/.test(mid) &&
      !COMPANY_NEXT.test(after);
    if (
      rel !== "seeing" && !/(?:^| )(?:still|back|now|currently)(?= |$)/.test(mid) && after &&
      !WITH_NEXT.test(after) && !togetherLater(canon, k) && !being
    ) {
      return {
        guard: "other-sense",
        why: `"with ${word} ${after}" reads as company, not a partner`,
      };
    }
  }
  // "c'est hélène sa fiancée ou c'est chloé": after "X is his gf" the list goes on after "gf".
  const from = rule.name === "name-partner" ? m.last : k;
  return { target, more: target === null ? [] : moreNames(m, from), note };
}

/** After "with X", these keep X a partner: "is he with jana together?", "with sara now". */
const WITH_NEXT =
  /^(?:\?|\.|,|now|rn|still|right|tho|though|fr|or|again|lol|lmao|anymore|STREAMER|together|since|for|and|but|not|yet|already|officially|forever|married|engaged|a|years|months|non|nao|não|né|ne|oder|hein|no|right|ou|before|deadass|ngl|tbh|btw|frfr|ong|innit|fs|confirmed|irl|kekw|lul|omegalul|jaja|jajaja|kkk|kkkk|mdr|ptdr)$/;

/** After "his gf NAME": what keeps NAME a name in apposition. */
const APPOSITION_NEXT =
  /^(?:\?|\.|,|is|was|and|or|has|had|says|said|lol|lmao|kekw|lul|omegalul|btw|tho|fr|rn|now|too|also|irl|from|of|who|that|right|ngl|mdr|kkk|kkkk|jaja|jajaja|💕|❤️|❤|😍|🥰|💍|STREAMER|on|in|at|with)$/;

/** Past forms chat uses that no rule of thumb finds. */
const IRREGULAR_PAST = new Set(
  ("forgot left said went came got made told took gave brought bought thought sent ran won " +
    "lost met saw felt kept found paid put set sat stood wrote broke")
    .split(" "),
);

/** Does `w` look like a verb ("moderates", "carried", "left") rather than a name? */
function verbLike(w: string): boolean {
  return COMMON_VERB.has(w) || IRREGULAR_PAST.has(w) || /^[a-z]{3,}(?:ed|es)$/.test(w) ||
    /^[a-z]{4,}[^s'aeiou]s$/.test(w);
}

/** Partner words after "with his/her": "still with her man". */
const UNNAMED_PARTNER = new Set(["man", "girl", "gf", "bf", "wife", "husband", "boo", "lady"]);

/** After "is with X", what makes X company: a place, a time, an activity, a group. */
const COMPANY_NEXT =
  /^(?:at|in|on|to|into|tonight|today|tomorrow|later|playing|streaming|gaming|duo|duos|vc|ranked|collab|and|&|\+|irl|rn|right|for|during|watching|again)$/;

/** "mit da bärbel aus graz zam": "together" closes the clause of a German "with". */
function togetherLater(canon: Canon, k: number): boolean {
  for (let i = k + 1; i < canon.pieces.length && i <= k + 5; i++) {
    const w = canon.pieces[i]!.w;
    if (w === "together") return true;
    if (w === "," || w === "." || w === "?" || w === "and" || w === "but") return false;
  }
  return false;
}

/** A word that may be a name (the target reader has the last word). */
function nameLike(w: string | undefined): boolean {
  return w !== undefined && /^@?\p{L}[\p{L}\p{N}_]{1,24}$/u.test(w) && !NO_TARGET.has(w);
}

/**
 * Relationship words whose object can only be a person. (A German word in "-en" after an
 * article is a noun, "mit dem gitarristen", not a first name.)
 */
const PERSON_REL =
  /^(?:dating|dated|dates|date|seeing|married|engaged|marry|marrying|broke up with|split with|split from|split up with|going out with)$/;

/** A clipped first name in chat: "cami", "jime", "flor", "pau". */
const CLIPPED_NAME = /^\p{L}{3,4}$/u;

/** Words that lead from one partner to the next: "or", "then", "and now", "before", "puis". */
const NEXT_LINK = new Set(
  "or and then before after now later afterwards again , first".split(" "),
);
/** Words between the link and the next name: "and then with the", "or still", "puis avec". */
const NEXT_SKIP = /^(?:with|w|the|to|still|now|back|dating|seeing|dated|date|a|again|also)$/;
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
function moreNames(m: Match, k: number): string[] {
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
      if (p[j]!.w !== ",") linked = true;
      if (p[j]!.w === "or") or = true;
      j++;
    }
    if (!linked) break;
    let withAgain = false;
    // "dated brooke before, now its lexi": "now it is" names the next one.
    if (/^(?:now|then)$/.test(p[j - 1]?.w ?? "") && /^(?:its|it)$/.test(p[j]?.w ?? "")) {
      j += p[j]!.w === "it" && /^(?:is|was)$/.test(p[j + 1]?.w ?? "") ? 2 : 1;
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

/**
 * A clause after the match that names the partner left unnamed in it: "her name is hope",
 * "her names kayla", "sie heißt lara", "elle s'appelle inès", "se llama ana", "ela se chama
 * bia", "it's søren". The naming opens its clause; the name must read as a name.
 */
function namedLater(run: Run, last: number): { name: string; phrase: string } | null {
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
    else if (w0 === "it" && w1 === "is" && prev === ",") k = j + 2;
    else if (prev === "," && apposition(p, j)) k = j;
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
function choiceBefore(run: Run, first: number): string[] {
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
function secondName(run: Run, k: number): string | null {
  const p = run.canon.pieces;
  const n = p[k + 1];
  if (!n || p[k]!.mention || n.mention || !nicknameLike(n) || isEmote(run, n)) return null;
  const w = n.w;
  if (w.length < 3 || verbLike(w) || /ly$/.test(w) || /ing$/.test(w) || EMOTES.has(w)) return null;
  if (REL_WORDS.has(w) || PERSON_WORDS.has(w) || NON_PERSON.has(w)) return null;
  const close = p[k + 2]?.w;
  if (close !== undefined && !SECOND_CLOSE.test(close)) return null;
  // Capitals on both, an accent, or the end of the message: a name rather than a word.
  const cap = /^\p{Lu}/u.test(p[k]!.raw) && /^\p{Lu}/u.test(n.raw);
  const accent = /[^\u0000-\u007f]/.test(w);
  return cap || accent || close === undefined || close === "?" ? w : null;
}
const SECOND_CLOSE =
  /^(?:\?|\.|,|back|from|who|and|or|is|are|was|were|since|before|la|de|del|do|da|du|from)$/;

/** "who is NAME ?" or "who is NAME ," before piece `first`: the name asked about. */
function askedWhoBefore(run: Run, first: number): string | null {
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
 * "er hat ne freundin, die lisa", "il sort avec la fille du rp, la jess?": the last clause of the
 * message is a name alone after an article, set after an unnamed partner. (A bare name there
 * may call someone: "he has a gf, kai".)
 */
function apposition(p: readonly Piece[], j: number): boolean {
  const k = j + 1;
  if (!p[j]!.art || !p[k] || !nicknameLike(p[k]!)) return false;
  for (let i = k + 1; i < p.length; i++) if (p[i]!.w !== "?" && p[i]!.w !== ".") return false;
  return true;
}

/**
 * Runs the guards and the target reader over one rule match: the signals, or the guard that
 * stopped it and why.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { evaluate } from "./evaluate.ts";
 * import { RULES } from "./rules.ts";
 * const canon = canonicalize("he is not dating sara", { channel: "x_tv" });
 * const rule = RULES.find((r) => r.name === "dating")!;
 * rule.indexed.lastIndex = 0;
 * const out = evaluate(rule, rule.indexed.exec(canon.text)!, {
 *   text: "he is not dating sara",
 *   canon,
 *   emotes: new Set(),
 *   wide: undefined,
 * });
 * assert.equal(out.ok ? "fired" : out.guard, "negation");
 * ```
 */
export function evaluate(rule: Rule, re: RegExpExecArray, run: Run): Outcome {
  const m = readMatch(rule, re, run);
  for (const guard of GUARDS) {
    const s = guard(m);
    if (s) return { ok: false, guard: s.guard, why: s.why };
  }
  const t = readTarget(m);
  if ("guard" in t) return { ok: false, guard: t.guard, why: t.why };
  // The second name of a clipped pair or a "which of" question: "jake with priya or mia now?"
  if (m.gi.t && m.gi.t2 && t.target !== null) {
    const k2 = pieceAt(run.canon, m.gi.t2[0]);
    const tc = checkTarget(run, k2);
    if (tc.kind === "name" && run.canon.pieces[k2]!.w !== "STREAMER") t.more.push(tc.name);
  }
  // "he has a gf, her name is kayla", "hat ne freundin, sie heißt lara": named in a clause after.
  // "who is hope? his gf?", "whos june, is that her gf?": the name asked about before.
  if (t.target === null && m.isQuestion) {
    const who = askedWhoBefore(run, m.first);
    if (who) {
      t.target = who;
      t.note = `"who is ${who}" asked just before`;
    }
  }
  // "is it maya or chloe hes dating", "é a larissa ou a bruna a namorada do kaue?": the choice
  // offered before the question names the candidates.
  if (t.target === null && m.isQuestion) {
    const names = choiceBefore(run, m.first);
    if (names.length > 0) {
      t.target = names[0]!;
      t.more.push(...names.slice(1));
      t.note = `the choice "${names.join(" or ")}" offered before the question`;
    }
  }
  if (t.target === null && !t.note.startsWith("asks")) {
    const later = namedLater(run, m.last);
    if (later) {
      t.target = later.name;
      t.note = `named in a later clause: "${later.phrase}"`;
    }
  }
  const { g, rel } = m;
  if (g.mod && g.mod !== "new" && g.mod !== "current" && g.mod !== "secret") {
    return { ok: false, guard: "other-sense", why: `"${g.mod}" ${g.rel} is not a current partner` };
  }
  let confidence = rule.base * (SUBJECT_WEIGHT[m.s] ?? 0.9);
  if (rel === "with" || rel === "w") confidence *= 0.8;
  let from = Infinity;
  let to = 0;
  for (let i = m.first; i <= m.last; i++) {
    const p = run.canon.pieces[i]!;
    if (p.raw === "") continue;
    from = Math.min(from, p.s);
    to = Math.max(to, p.e);
  }
  if (from === Infinity) from = to = run.canon.pieces[m.first]!.s;
  const snippet = phraseOf(run.text, from, to);
  const signal = (target: string | null): Signal => ({
    kind: "relationship",
    type: m.isQuestion ? "question" : "claim",
    target,
    snippet,
    confidence: Math.round(Math.min(1, confidence) * 100) / 100,
    rule: rule.name,
  });
  const signals = [signal(t.target)];
  for (const name of t.more) if (name !== t.target) signals.push(signal(name));
  return { ok: true, at: m.first, note: t.note, signals };
}
