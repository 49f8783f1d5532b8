/**
 * One rule match, start to end: read the match, run the guards in order, read the target, and
 * build the signal (type, target, snippet, confidence) or say which guard stopped it.
 *
 * @module
 */
import type { Signal } from "../../schemas.ts";
import { dislocated, GUARDS, type Match, NEGATION, readMatch, type Stop } from "./guards.ts";
import { marriedToSomeone, ROLE_PERSON } from "./guards_sense.ts";
import { NAMING_RULES, type Rule } from "./rules.ts";
import { phraseOf } from "./snippet.ts";
import { resemblesLogin } from "./streamer_alias.ts";
import { checkTarget, type Run, type TargetCheck } from "./target.ts";
import {
  askedWhoBefore,
  choiceBefore,
  moreNames,
  namedLater,
  secondName,
  verbLike,
} from "./offered_names.ts";
import type { Canon } from "./canonical_form.ts";
import { clauseSpan, pieceAt } from "./clauses.ts";
import {
  ACTIVITY_NEXT,
  COMMON_VERB,
  NO_TARGET,
  NON_PERSON,
  OPENER,
  PERSON_NOUN,
  PERSON_WORDS,
  SEEING_OK,
  SUBJECT_WEIGHT,
} from "./vocabulary.ts";

/** What became of one rule match. */
export type Outcome =
  | { ok: true; signals: Signal[]; at: number; note: string; formFirm: boolean }
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
  const { canon, rule, rel } = m;
  if (m.partnerAddressed) {
    return { target: canon.addressed, more: [], note: "the person addressed is the partner" };
  }
  const tGroup = dislocated(m) ? undefined : m.gi.t ?? m.gi.t2;
  if (!tGroup) return withoutSlot(m);
  const holder = partnerOfHolder(m);
  if (holder !== null) return holder;
  const early = slotGuards(m, tGroup);
  if (early !== null) return early;
  const k = slotPiece(m, tGroup);
  const word = canon.pieces[k]!.w;
  const unchecked = beforeCheck(m, k, word);
  if (unchecked !== null) return unchecked;
  const tc = checkTarget(m.run, k);
  if (tc.kind === "block") return { guard: tc.guard, why: tc.why };
  const shape = wordGuards(m, k, word, tc) ??
    (rule.name === "partner-name" ? partnerNameGuard(m, k, word) : null) ??
    seeingGuard(m, k, word, tc);
  if (shape !== null) return shape;
  const named = nameOf(m, k, word, tc);
  if ("guard" in named) return named;
  const { target, note } = named;
  // "dumped the spike", "dumped that route": without a name, "dumped" drops a thing.
  if (rel === "dumped" && target === null) {
    return { guard: "other-sense", why: `"dumped ${word}" drops a thing, not a partner` };
  }
  // "is sara with him": the name comes first; the guard on what follows "him" has run.
  if (rule.name === "reverse-dating") return { target, more: [], note };
  const company = companyGuard(m, k, word, target);
  if (company !== null) return company;
  // "c'est hélène sa fiancée ou c'est chloé": after "X is his gf" the list goes on after "gf".
  const from = rule.name === "name-partner" ? m.last : k;
  return { target, more: target === null ? [] : moreNames(m, from), note };
}

/**
 * "nando = namorado da lari?" in nandinho_lol's chat: the partner noun belongs to the name after
 * "of", so the two are the couple; when the name before "=" is written in the login, it is the
 * streamer, and the one after "of" is the target ("juju = mozão do drake??" in
 * mandrakezin_sp's chat keeps juju).
 */
function partnerOfHolder(m: Match): TargetRead | null {
  if (m.rule.name !== "clipped-name" || m.g.eq !== "=" || m.run.login === undefined) return null;
  const left = m.canon.pieces[pieceAt(m.canon, m.gi.t![0])]!.w.replace(/^@/, "");
  if (!resemblesLogin(left, m.run.login)) return null;
  const p = m.canon.pieces;
  let k = m.last + 1;
  if (p[k]?.w !== "of") return null;
  k++;
  if (p[k]?.art || p[k]?.w === "the") k++;
  if (!p[k] || p[k]!.w === "STREAMER") return null;
  const tc = checkTarget(m.run, k);
  if (tc.kind !== "name") return null;
  return { target: tc.name, more: [], note: `"${m.rel} of ${tc.name}": the one it belongs to` };
}

/** The match has no target slot: "is he dating?", "they broke up". */
function withoutSlot(m: Match): TargetRead | Stop {
  const { rule, rel, before } = m;
  if ((rel === "with" || rel === "w") && !/(?:^| )who(?= |$)/.test(before)) {
    return { guard: "other-sense", why: `"with" names nobody` };
  }
  const past = rel === "broke up" || rel === "break up" || rel === "split up" || rel === "split" ||
    rel === "divorced" || rel === "used to date";
  // "are they together?" asks about the streamer and the one chat talks about.
  const asks = rule.name === "they-pair" && m.isQuestion;
  // "hunter the bodybuilder? they split like 2 yrs ago": "they" is the streamer and the one
  // named in a fragment of its own just before.
  if (m.s === "they" && (past || asks)) {
    const before = fragmentName(m);
    if (before !== null) {
      return {
        target: before,
        more: [],
        note: `"they" is the streamer and ${before}, named before`,
      };
    }
    // "they did not break up, bea is just busy": still together, the partner said to be elsewhere.
    const after = NEGATION.test(m.mid) ? subjectAfter(m) : null;
    if (after !== null) {
      return { target: after, more: [], note: `"they" is the streamer and ${after}, named after` };
    }
  }
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

/** Openers of a fragment that points at someone: "is that summer in the background?". */
const POINTING = /^(?:is|was|that|it|'s|so|wait|ok|and|but|oh|omg|lol)$/;

/**
 * The name that a fragment of its own, one or two before the match, opens ("grace? the one from
 * his old vlogs? they broke up??", "willow and élodie?? are they a couple"); null when none.
 */
function fragmentName(m: Match): string | null {
  const p = m.canon.pieces;
  let end = m.first - 1;
  for (let fragments = 0; fragments < 2; fragments++) {
    if (end < 0 || !/^[?.,]$/.test(p[end]!.w)) return null;
    while (end >= 0 && /^[?.,]$/.test(p[end]!.w)) end--;
    let start = end;
    while (start > 0 && !/^[?.,]$/.test(p[start - 1]!.w)) start--;
    if (end < 0 || end - start > 7) return null;
    let k = start;
    while (k < end && POINTING.test(p[k]!.w)) k++;
    if (p[k]?.w === "STREAMER" && p[k + 1]?.w === "and") k += 2;
    if (p[k]?.art) k++;
    // The name alone, or in apposition: "hunter the bodybuilder", "daniel from the duo stream".
    const next = k + 1 <= end ? p[k + 1]!.w : "";
    if (
      k <= end && p[k]!.w !== "STREAMER" && !PERSON_WORDS.has(p[k]!.w) &&
      /^(?:|the|from|in|at|on|with|of|who|right)$/.test(next)
    ) {
      const tc = checkTarget(m.run, k);
      if (tc.kind === "name") return tc.name;
    }
    end = start - 1;
  }
  return null;
}

/**
 * "they did not break up, bea is just busy with school": the name that opens the clause right
 * after the match as its subject; null when none.
 */
function subjectAfter(m: Match): string | null {
  const p = m.canon.pieces;
  let k = m.last + 1;
  if (p[k]?.w !== ",") return null;
  k++;
  if (p[k]?.art) k++;
  if (!p[k] || !/^(?:is|was|'s)$/.test(p[k + 1]?.w ?? "") || PERSON_WORDS.has(p[k]!.w)) return null;
  const tc = checkTarget(m.run, k);
  return tc.kind === "name" && p[k]!.w !== "STREAMER" ? tc.name : null;
}

/** Before the slot is read: asked "who", a correction, an idiom, an event. */
function slotGuards(m: Match, tGroup: readonly [number, number]): TargetRead | Stop | null {
  const { canon, rule, rel, before } = m;
  // "who is he with now?": asks, and names nobody.
  if ((rel === "with" || rel === "w") && /(?:^| )who(?= |$)/.test(before)) {
    return { target: null, more: [], note: "asks who" };
  }
  // "nicht mit kathi, sondern mit marie" corrects a name; "no está con el equipo, sino con la
  // familia" corrects nothing about a partner.
  if (rule.name === "correction") {
    let c = m.relEnd + 1;
    if (canon.pieces[c]?.w === "the") c++;
    if (c >= canon.pieces.length || checkTarget(m.run, c).kind !== "name") {
      return { guard: "other-sense", why: `"${rel} ${canon.pieces[c]?.w ?? ""}" is no partner` };
    }
  }
  // "kai left mira for dead in that fight": the idiom, no partners.
  if (
    rule.name === "left-for" && m.gi.t2 && canon.pieces[pieceAt(canon, m.gi.t2[0])]?.w === "dead"
  ) {
    return { guard: "other-sense", why: `"left ... for dead" is an idiom` };
  }
  // "läuft da was zwischen dir und der sophie?", "there's something between them": asked, or said
  // to be there; "something between kai and mira happened" is an event.
  if (
    rule.name === "between" && !m.isQuestion &&
    !/(?:^| )(?:is|'s|there|has|have|got|something)$/.test(m.before)
  ) return { guard: "other-sense", why: `"something between" here is an event, not a couple` };
  // "karim il est avec qui maintenant?": "with who", asked after the verb.
  if (/^(?:who|whom)$/.test(canon.pieces[pieceAt(canon, tGroup[0])]!.w)) {
    return { target: null, more: [], note: "asks who" };
  }
  return null;
}

/** The piece of the target slot, past an article before a name. */
function slotPiece(m: Match, tGroup: readonly [number, number]): number {
  const { canon, rule, rel } = m;
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
      // "fede dejó a la flor por la cami": a short first name before "for".
      rule.name === "left-for" && CLIPPED_NAME.test(named!) && !NON_PERSON.has(named!) ||
      // "sigue con la cami?": a short clipped first name closing its clause.
      CLIPPED_NAME.test(named!) && /^(?:\?|\.|,|or|and|)$/.test(afterName) &&
        !NON_PERSON.has(named!))
  ) k++;
  return k;
}

/** What the word in the slot shows before it is checked as a name: laughter, a role, a thing. */
function beforeCheck(m: Match, k: number, word: string): TargetRead | Stop | null {
  const { canon, rule, rel, g } = m;
  // "shes married lol", "hes married chat, ring is right there": laughter or chat called, after
  // "married" with no "to", names no one.
  if (
    rule.name === "married" && !g.prep && /^(?:lol|lmao|chat|guys|bro|kekw|lul|omg)$/.test(word)
  ) {
    if (m.s === "they") {
      return { guard: "plural", why: `"they" without a named partner likely means two others` };
    }
    return { target: null, more: [], note: `"${rel} ${word}": no one named` };
  }
  // "ta pegando o baixista": after an article, a role ("baixista", "zagueiro") is no name.
  // "mit dem drummer zusammen", "with the guitarist": a role in English words too.
  if (canon.pieces[k - 1]?.art && (ROLE.test(word) || ROLE_PERSON.test(word))) {
    return { target: null, more: [], note: `"${word}" is a role, not a name` };
  }
  if (
    rel === "married" && g.prep === "to" &&
    /^(?:the|his|her|my|this|that|a|an|their|its|your|ur)$/.test(word) &&
    !marriedToSomeone(canon, m.relEnd)
  ) {
    return { guard: "other-sense", why: `"married to ${word} ..." is not a person` };
  }
  return null;
}

/** What the checked word shows: a subject put last, a thing or a group, a place, a number. */
function wordGuards(m: Match, k: number, word: string, tc: TargetCheck): Stop | TargetRead | null {
  const { canon, rule, rel, g, mid } = m;
  // "esta casado pablo?": after "is married" with no "to", a name is the subject put last.
  if (
    tc.kind === "name" && rule.name === "married" && (rel === "married" || rel === "engaged") &&
    !g.prep && /(?:^| )(?:is|are|was|were|'s)(?= |$)/.test(mid)
  ) return { target: null, more: [], note: `"is ${rel} ${word}": no partner without "to"` };
  // "dating the floor", "going out with the boys", "sort avec son squad": a thing or a group.
  if (/^(?:the|his|her|my|your|ur|their|our)$/.test(word)) {
    // "dating his new keyboard": past an adjective.
    const adj = /^(?:new|old|fav|favorite|favourite|beloved|precious|trusty)$/.test(
      canon.pieces[k + 1]?.w ?? "",
    );
    const next = canon.pieces[k + (adj ? 2 : 1)]?.w ?? "";
    // ("dating the tiktok girl": the thing describes the person after it.)
    const describes = canon.lang === "en" &&
      /^(?:girl|guy|boy|dude|chick|woman|lady|gal|bloke|lad)$/.test(
        canon.pieces[k + (adj ? 3 : 2)]?.w ?? "",
      );
    // ... or a relative, a friend, a colleague: "geht mit seinen freunden raus", "with his mom".
    if (
      NON_PERSON.has(next) && !describes || PERSON_WORDS.has(next) && !PERSON_REL.test(rel) &&
        !UNNAMED_PARTNER.has(next)
    ) {
      return { guard: "other-sense", why: `"${word} ${next}" is not a partner` };
    }
  }
  // "pablito sale en la foto": going out, or showing, somewhere.
  if (rel === "dating" && /^(?:in|at|on|to|from)$/.test(word) && canon.lang !== "en") {
    return { guard: "other-sense", why: `"${g.rel} ${word} ..." goes out or shows somewhere` };
  }
  if (
    /^[0-9]/.test(word) &&
    (rel === "dating" || rel === "dated" || rel === "with" || rel === "married")
  ) {
    return { guard: "other-sense", why: `"${rel} ${word}" is about a number, not a person` };
  }
  return null;
}

/** "his gf NAME": whether NAME is a name or what the partner does. */
function partnerNameGuard(m: Match, k: number, word: string): Stop | null {
  const { canon, g, before } = m;
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
  // "a ex namorada dele apareceu na live", "su ex novia apareció": a past tense, no name.
  if (!linked && /^\p{L}{4,}(?:eu|ou|iu|ió|ó)$/u.test(word)) {
    return { guard: "not-a-name", why: `"${word}" reads as a verb in the past, not a name` };
  }
  // "his missus is deadly at mario kart", "sa femme est sur son insta": a place or a manner.
  if (linked && next !== undefined && /^(?:at|sur|so|too|af|asf|on|such)$/.test(next)) {
    return { guard: "not-a-name", why: `"is ${word} ${next}": "${word}" is no name` };
  }
  return null;
}

/** "seeing X": dating only when X is a person. */
function seeingGuard(m: Match, k: number, word: string, tc: TargetCheck): Stop | null {
  const { canon, rel } = m;
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
  return null;
}

/** The name in the slot (with a second name), or why there is none. */
function nameOf(
  m: Match,
  k: number,
  word: string,
  tc: TargetCheck,
): { target: string | null; note: string } | Stop {
  const { canon, rule, rel, g } = m;
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
  return { target, note };
}

/** After "with X": an activity, or company rather than a partner. */
function companyGuard(
  m: Match,
  k: number,
  word: string,
  target: string | null,
): TargetRead | Stop | null {
  const { canon, rel, mid, before } = m;
  const after = canon.pieces[k + 1]?.w ?? "";
  // ("cortó con nico en navidad": a break-up has a time and a place, not an activity.)
  if (
    rel.endsWith("with") && !/^(?:broke up|split|split up) with$/.test(rel) &&
    // ("seb est avec sarah dans la vraie vie": being with someone in real life is no activity.)
    after !== "irl" && ACTIVITY_NEXT.has(after)
  ) {
    return { guard: "other-sense", why: `"${rel} ${word} ${after}" is an activity` };
  }
  if (rel !== "with" && rel !== "w" && rel !== "seeing") return null;
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
  if (ACTIVITY_NEXT.has(after) && !(after === "irl" && rel !== "seeing")) {
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
  return null;
}

/** After "with X", these keep X a partner: "is he with jana together?", "with sara now". */
const WITH_NEXT =
  /^(?:\?|\.|,|now|rn|still|right|tho|though|fr|or|again|lol|lmao|anymore|STREAMER|together|since|for|and|but|not|yet|already|officially|forever|married|engaged|a|years|months|non|nao|não|né|ne|oder|hein|no|right|ou|before|then|deadass|ngl|tbh|btw|frfr|ong|innit|fs|confirmed|irl|kekw|lul|omegalul|jaja|jajaja|kkk|kkkk|mdr|ptdr)$/;

/** After "his gf NAME": what keeps NAME a name in apposition. */
const APPOSITION_NEXT =
  /^(?:\?|\.|,|is|was|and|or|has|had|says|said|lol|lmao|kekw|lul|omegalul|btw|tho|fr|rn|now|too|also|irl|from|of|who|that|right|ngl|mdr|kkk|kkkk|jaja|jajaja|💕|❤️|❤|😍|🥰|💍|STREAMER|on|in|at|with)$/;

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

/** Nouns of a role or a trade ("baixista", "zagueiro", "jugador", "Cosplayerin", "Streamerin"). */
const ROLE = /^\p{L}{3,}(?:eiro|eira|ista|ador|adora|erin|istin|eurin)$/u;

/** A clipped first name in chat: "cami", "jime", "flor", "pau". */
const CLIPPED_NAME = /^\p{L}{3,4}$/u;

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
    const w2 = run.canon.pieces[k2]!.w;
    // "a quitté la partie pour manger": "for" and a French infinitive is a purpose, no one.
    const purpose = rule.name === "left-for" &&
      (run.canon.lang === "fr" && /^\p{L}{3,}(?:er|ir)$/u.test(w2) ||
        run.canon.lang === "en" && run.canon.pieces[k2 - 1]?.w === "the");
    if (tc.kind === "name" && w2 !== "STREAMER" && !purpose) t.more.push(tc.name);
    // "kai left mira for a sec", "a quitté inès pour aller jouer": left for no one else.
    else if (rule.name === "left-for") {
      return { ok: false, guard: "other-sense", why: `"for ${w2}" names no one chosen instead` };
    }
  }
  if (t.target === null) nameOffered(m, t);
  const { g } = m;
  if (g.mod && /^(?:future|former|old|dream)$/.test(g.mod)) {
    return { ok: false, guard: "other-sense", why: `"${g.mod}" ${g.rel} is not a current partner` };
  }
  return { ok: true, at: m.first, note: t.note, signals: signalsOf(m, t), formFirm: m.formFirm };
}

/** A name offered elsewhere in the message when the slot named nobody. */
function nameOffered(m: Match, t: TargetRead): void {
  const run = m.run;
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
    // "sort avec la meuf du dernier live, nadia": the partner described in the target slot;
    // "su ex era la streamer de valorant esa, lupe_vlr", "hes her bf, the guy who brought the
    // raid, calum": a claim that describes the partner, then names them last.
    const slot = m.gi.t ? run.canon.pieces[pieceAt(run.canon, m.gi.t[0])]?.w : undefined;
    const described = /^(?:the|a|that|this)$/.test(slot ?? "") ||
      !m.isQuestion && (/^(?:is|was|=)$/.test(run.canon.pieces[m.relEnd + 1]?.w ?? "") &&
            /^(?:the|a|an|that|this|one|STREAMER)$/.test(run.canon.pieces[m.relEnd + 2]?.w ?? "") ||
          m.rule.name === "name-partner" || subjectDescribed(m));
    const later = namedLater(run, m.last, described);
    if (later) {
      t.target = later.name;
      t.note = `named in a later clause: "${later.phrase}"`;
    }
  }
}

/**
 * "that blonde girl is his gf, tara", "la chica de rojo es su novia, lena": the subject of "is
 * his gf" is a description (a determiner opens it), so a name alone after it names her.
 */
function subjectDescribed(m: Match): boolean {
  if (m.isQuestion) return false;
  const p = m.canon.pieces;
  if (!/^(?:is|was|'s)$/.test(p[m.first - 1]?.w ?? "")) return false;
  const [a] = clauseSpan(m.canon, m.first);
  let i = a;
  while (i < m.first && OPENER.has(p[i]!.w) && p[i]!.w !== "STREAMER") i++;
  return i < m.first - 2 && /^(?:the|that|this)$/.test(p[i]!.w);
}

/** The signals of a match that passed, one per name. */
function signalsOf(m: Match, t: TargetRead): Signal[] {
  const { run, rule, rel } = m;
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
  return signals;
}
