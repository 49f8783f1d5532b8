/**
 * Step 5 of the relationship-signal analyzer: the guards. A rule match is a candidate; the
 * guards below run in order and the first that objects stops it, with its name and the reason
 * (which `signals explain` shows). They cover who is meant (the person addressed, someone else
 * as the antecedent of "he", the speaker), negation and denial, hypotheticals and wishes, other
 * senses of the word (carbon dating, married to the grind, engaged in a fight), games and
 * fiction, sponsor reads, and "with X" meaning company.
 *
 * @module
 */
import type { Canon } from "./canonical_form.ts";
import {
  atSentenceStart,
  chatAddressed,
  clauseSpan,
  pieceAt,
  sentenceBefore,
  sentenceSpan,
} from "./clauses.ts";
import { type Rule, SINGLE_SUBJECT_RULES } from "./rules.ts";
import type { Run } from "./target.ts";
import {
  ACTIVITY_NEXT,
  BEFORE_DATING_OTHER,
  COMMON_VERB,
  DATING_OTHER,
  NO_TARGET,
  NON_PERSON,
  OPENER,
  PERSON_WORDS,
  REL_WORDS,
  STATUS_NEXT,
  SUBJECT_WEIGHT,
} from "./vocabulary.ts";
import { isEmote, LAUGHTER } from "./target.ts";

// Guards over the canonical text.
export const NEGATION = /(?:^| )(?:not|never|no longer)(?= |$)/;
const MODAL =
  /(?:^| )(?:should|would|could|might|may|wants to|want to|wanna|needs to|need to|ought to)(?= |$)/;
const DENIAL =
  /(?:^| )(?:fake|fake news|lie|lies|lying|not true|untrue|false|debunked|no way|stop asking|quit asking|stop saying|do not ask|nobody cares|who cares|nobody asked|asking if|asking about|asking whether|delulu|in your dreams|in his dreams|in her dreams|he wishes|she wishes|as if|rumou?rs? (?:is|are) (?:fake|false))(?= |$)|(?<!no) cap(?= |$)/;
/** "he is not", "she does not", "you never": the message denies something about the streamer. */
const SUBJECT_DENIES =
  /(?:^| )(?:he|she|you|STREAMER|they) (?:(?:is|are|was|were|does|do|did|has|have) not(?! single)|never|is no longer)(?= |$)/;
const DENIAL_ALL = new RegExp(DENIAL.source, "g");
const SUBJECT_DENIES_ALL = new RegExp(SUBJECT_DENIES.source, "g");
const INDIRECT_QUESTION =
  /(?:^| )(?:(?:wonder|wondering|know|knows|idk|curious|sure|unsure|tell us|ask|asked)(?: (?:who|someone|anyone|somebody|anybody|chat))? (?:if|whether)|true (?:it )?that)(?= |$)/;
/** A question word before the match in its sentence: "who is his gf", "since when is he". */
const WH =
  /(?:^| )(?<!(?:from|by|of|for|to) )(?:who|whom|whos|which|when|how|why|where|what)(?= |$)/;
/** "..., or not?", "o no", "ou pas", "oder was": a question tag after the match. */
const OR_TAG =
  / or (?:(?:still )?(?:not|nah|no|what|that|quoi|something|nothing)|(?:is|are|was|has|does) (?:he|she|STREAMER|you))(?= |$)/;
const HYPOTHETICAL =
  /(?:^| )(?:imagine|pretend|hope|hopefully|wish|wishes|wished|i ship|ship|shipping|would be|could be|dream|dreams|want|wants|wanted|wanna)(?= |$)/;
const IF_WORD =
  /(?:^| )(?:(?<ind>wonder|wondering|know|knows|idk|curious|tell us|ask|asked|sure|unsure|see|check|who)(?: (?:someone|anyone|somebody|anybody|chat))? )?if(?= |$)/;
const FICTION =
  /(?:^| )(?:in (?:the )?(?:game|sim|story|rp|movie|anime|series|book|novel|lore)|ingame|npc|npcs|character|characters|waifu|husbando|stardew|sims|bg3|baldurs|baldur|persona|personaje|personagem|personnage|romanced|romance|romanceable|playthrough|save file|rp|roleplay|nopixel|gta|skyrim|mass effect|fire emblem|dragon age|witcher|cyberpunk|harvest moon|otome|visual novel|fanfic|episode|movie|anime|manga|film)(?= |$)/;
const SPONSOR =
  /(?:^| )(?:sponsor|sponsors|sponsored|sponsorship|promo|code|discount|[0-9]+ off|download|affiliate|link in bio|ad|ads|advert|app|apps|tinder|hinge|bumble)(?= |$)/;
/** In a message, these make "with X" company rather than a partner. */
const WITH_ACTIVITY =
  /(?:^| )(?:collab|duo|duos|vc|lobby|match|squad|team|ranked|raid|event|tournament|scrim|scrims|irl stream)(?= |$)/;
/** Nouns for people that, after my/his/the..., make them the antecedent of a later "he". */
const KIN =
  /(?:^| )(?:my|his|her|ur|your|the|a|that|this|our|their) (?:brother|bro|sister|sis|friend|buddy|homie|dad|father|mom|mother|mum|cousin|uncle|aunt|roommate|coworker|boss|neighbor|neighbour|son|daughter|teammate|guy|dude|kid|nephew|niece|grandpa|grandma|classmate|colleague|mate|duo|editor|manager|mod|friends|vato|tipo|wey|chico|gars|mec|typ|kerl|cara|gajo|menino)(?= |$)/;

/** One rule match under the guards: the groups, and what the guards derive from them. */
export interface Match {
  rule: Rule;
  run: Run;
  canon: Canon;
  /** The named groups, and their [start, end) offsets in the canonical text. */
  g: Record<string, string | undefined>;
  gi: Record<string, [number, number] | undefined>;
  /** The first and last piece of the match. */
  first: number;
  last: number;
  /** The relationship word, the streamer reference, and the words between them. */
  rel: string;
  s: string;
  mid: string;
  /** The canonical words of the sentence before the match, and of the whole message. */
  before: string;
  whole: string;
  /** "you" (or "your") stands for the streamer in this match. */
  second: boolean;
  /** The match is a question (an auxiliary first, a wh-word, "?" after it...). */
  isQuestion: boolean;
  /** The piece of the relationship word, its last piece, and the word after it. */
  relAt: number;
  relEnd: number;
  afterRel: string;
  /** The canonical words of the clause (split at ? . , "but") before the match. */
  clauseBefore: string;
  /** The person addressed by a leading @mention is the partner ("@mira are you his gf"). */
  partnerAddressed: boolean;
}

/** Why a guard stopped a match. */
export interface Stop {
  guard: string;
  why: string;
}

/** A guard: null when it has nothing against the match. */
export type Guard = (m: Match) => Stop | null;

const stop = (guard: string, why: string): Stop => ({ guard, why });

/** Reads a rule's regex match into a {@link Match}. */
export function readMatch(rule: Rule, re: RegExpExecArray, run: Run): Match {
  const { canon } = run;
  const g = re.groups ?? {};
  const gi = (re.indices?.groups ?? {}) as Record<string, [number, number] | undefined>;
  const lead = re[0].startsWith(" ") ? 1 : 0;
  const first = pieceAt(canon, re.index + lead);
  const last = pieceAt(canon, re.index + re[0].length - 1);
  const s = g.s ?? g.s2 ?? (g.p === "STREAMER 's" ? "STREAMER" : g.p) ?? "";
  const before = sentenceBefore(canon, first);
  const relAt = gi.rel ? pieceAt(canon, gi.rel[0]) : first;
  const relEnd = gi.rel ? pieceAt(canon, gi.rel[1] - 1) : last;
  const [ca] = clauseSpan(canon, first);
  const clauseBefore = canon.pieces.slice(ca, first).map((p) => p.w).join(" ");
  const tWord = gi.t ? canon.pieces[pieceAt(canon, gi.t[0])]!.w : "";
  return {
    rule,
    run,
    canon,
    g,
    gi,
    first,
    last,
    rel: g.rel ?? "",
    s,
    mid: g.mid ?? "",
    before,
    whole: canon.text,
    second: s === "you" || s === "ur" || g.p === "ur" || g.p === "your" ||
      rule.name === "elliptic" || (rule.name === "congrats" && !g.s),
    isQuestion: isQuestion(canon, first, last, before, Boolean(g.aux), tWord),
    relAt,
    relEnd,
    afterRel: canon.pieces[relEnd + 1]?.w ?? "",
    clauseBefore,
    partnerAddressed: false,
  };
}

/** Pieces that make "X now??" a surprised claim rather than a question. */
const NOW = new Set(["now", "rn", "already"]);

/**
 * Is the match a question? An auxiliary that opens its clause ("is he dating"), a question
 * word ("who is his gf"), an indirect question ("anyone know if"), a tag ("or not?"), or a
 * "?" closing a statement ("sigue con marta?"), except the surprised "he's dating her now??".
 */
function isQuestion(
  canon: Canon,
  first: number,
  last: number,
  before: string,
  aux: boolean,
  target: string,
): boolean {
  // "rio do u have a bf": the streamer's name calls them before the question.
  const vocative = before === "STREAMER" || /^@\S+$/.test(before);
  if (aux && (atSentenceStart(canon, first) || vocative || WH.test(before))) return true;
  if (/^(?:is|are|does|do|did|was|were|has|have|will|can)(?= |$)/.test(before)) return true;
  if (WH.test(before) || INDIRECT_QUESTION.test(before)) return true;
  if (target === "who" || target === "whos" || target === "which") return true;
  const [, b] = sentenceSpan(canon, first);
  const p = canon.pieces;
  const rest = p.slice(last + 1, b).map((x) => x.w).join(" ");
  if (OR_TAG.test(" " + rest)) return true;
  if (p[b]?.w !== "?") return false;
  // "lea ist mit dem typen zusammen, oder?", "..., no?": a bare tag asks.
  if (/(?:^| )(?:or|not|no|nah|hein|né|ne|nee)$/.test(rest) && p[b - 2]?.w === ",") return true;
  // "hes dating sienna now?? since when": surprise, not a question.
  let now = false;
  for (let i = first; i < b; i++) if (NOW.has(p[i]!.w)) now = true;
  const surprised = p[b]!.raw.length >= 2 && now;
  // "lena's husband is the editor right?": a tag asks to agree with a statement.
  const tagged = /^(?:right|innit|ye|yeah|no cap|isnt he|isnt she|is not he|is not she)$/.test(
    p[b - 1]?.w ?? "",
  );
  // "sale con la vale y nadie dijo nada??": the "?" is an outcry at a second clause.
  const outcry = /(?:^| )and (?:.* )?(?:nobody|never|nothing|not)(?= |$)/.test(rest);
  return !surprised && !tagged && !outcry;
}

// -- Who is meant.

/**
 * "you" in a message to @someone is that person, not the streamer; unless the message asks or
 * says that they are the streamer's partner ("@mira are you and STREAMER a thing", "@mira is
 * STREAMER ur bf", "@kai tell your gf hi"), which makes the person addressed the target.
 */
const youIsAddressed: Guard = (m) => {
  const { canon, g, gi, rule } = m;
  if (canon.addressed === null) return null;
  let tAt = gi.t ? pieceAt(canon, gi.t[0]) : -1;
  if (tAt >= 0 && canon.pieces[tAt]!.art) tAt++;
  const tWord = tAt >= 0 ? canon.pieces[tAt]?.w ?? "" : "";
  const third = m.s === "he" || m.s === "she" || m.s === "STREAMER" || g.p === "his" ||
    g.p === "her" || g.p === "STREAMER 's";
  if (third && (tWord === "you" || tWord === "ur" || tWord === "u")) {
    m.partnerAddressed = true;
    return null;
  }
  if (!m.second) return null;
  const streamerThere = tWord === "STREAMER" ||
    (rule.name.startsWith("together") && /^(?:him|her|he|she)$/.test(tWord));
  if (streamerThere || rule.name === "together-pair") {
    m.partnerAddressed = true;
    return null;
  }
  // "@kai tell your gf hi" says the streamer is kai's gf; "@kai is your gf watching?" asks
  // about kai's own partner.
  if ((rule.name === "partner" || rule.name === "partner-name") && !gi.t) {
    if (m.isQuestion) return stop("addressed", `"your" here is @${canon.addressed}'s own partner`);
    m.partnerAddressed = true;
    return null;
  }
  return stop("addressed", `"you" here is @${canon.addressed}, not the streamer`);
};

/** "my brother ... he is dating": the pronoun means the person named first. */
const pronounAntecedent: Guard = (m) => {
  const { s, g } = m;
  const third = s === "he" || s === "she" || s === "him" || s === "her" || s === "his" ||
    s === "bro" || g.p === "his" || g.p === "her";
  if (!third) return null;
  const kin = KIN.exec(m.clauseBefore + " ");
  if (kin) return stop("antecedent", `"${kin[0].trim()}" comes first, so the pronoun means them`);
  const named = namedFirst(m);
  return named
    ? stop("antecedent", `"${named}" is named first in the sentence, so the pronoun means them`)
    : null;
};

/** Nouns after "the" that are no one: "the breakup song is about her ex". */
const NOT_SOMEONE = new Set(
  ("breakup song video clip clips rumor rumour rumors news tweet post story vod chat stream way " +
    "thing question truth reason word tea drama lore tiktok insta ring wedding engagement " +
    "whole real only fact point")
    .split(" "),
);

/** Words that open a sentence and name no one. */
const NOT_ANTECEDENT = new Set(
  "rumor rumour rumors word news chat mods everyone people someone somebody idk imagine yes no true"
    .split(" "),
);

/**
 * "tomas is here with his wife", "the coach brought his wife", "tarik's mod said his wife...":
 * the sentence opens with someone other than the streamer, so "he"/"his" means them.
 */
function namedFirst(m: Match): string | null {
  const p = m.canon.pieces;
  const [a] = clauseSpan(m.canon, m.first);
  let k = a;
  while (
    k < m.first && (OPENER.has(p[k]!.w) && p[k]!.w !== "STREAMER" || LAUGHTER.test(p[k]!.w))
  ) k++;
  if (k >= m.first) return null;
  const w = p[k]!.w;
  const tAt = m.gi.t ? pieceAt(m.canon, m.gi.t[0]) : -1;
  if (/^(?:the|a|an|my|your|ur|our|their)$/.test(w) && k + 1 < m.first) {
    const n = p[k + 1]!.w;
    if (k + 1 === tAt || n === "STREAMER" || REL_WORDS.has(n) || NON_PERSON.has(n)) return null;
    return PERSON_WORDS.has(n) || !NOT_SOMEONE.has(n) ? `${w} ${n}` : null;
  }
  if (k === tAt || w === "STREAMER" || w.startsWith("@")) return null;
  if (NO_TARGET.has(w) || NON_PERSON.has(w) || COMMON_VERB.has(w) || REL_WORDS.has(w)) return null;
  if (NOT_ANTECEDENT.has(w) || !/^\p{L}[\p{L}0-9_]+$/u.test(w)) return null;
  // The name must be followed by what it does: "tomas is here", "tarik 's mod", "max has".
  const next = p[k + 1]?.w ?? "";
  if (next === "" || next === "?" || next === "," || next === "." || next === "or") return null;
  return w;
}

/** "my bro is dating": a brother, not the streamer. */
const broIsKin: Guard = (m) =>
  m.s === "bro" && /(?:^| )(?:my|his|her|ur|your|the|a|that|this|our|their)$/.test(m.before)
    ? stop("antecedent", `"bro" is someone's brother here`)
    : null;

/** "my dad and his wife", "i am his gf": someone else's partner, or the speaker. */
const someoneElsesPartner: Guard = (m) => {
  if (m.rule.name !== "partner" && m.rule.name !== "partner-name") return null;
  const prev = m.canon.pieces[m.first - 1]?.w;
  const prev2 = m.canon.pieces[m.first - 2];
  if (prev === "and" && prev2 && !(prev2.w in SUBJECT_WEIGHT) && !OPENER.has(prev2.w)) {
    return stop("antecedent", `"${prev2.w} ${prev} ${m.g.p}" is someone else's partner`);
  }
  if (/(?:^| )(?:i|me|we) (?:am|is|are|was|'s|will be|would be)(?: [a-z]+){0,2}$/.test(m.before)) {
    return stop("self", "the speaker says they are the partner");
  }
  return null;
};

/** "la hermana de xime tiene novio", "the dog of STREAMER": someone of the streamer's. */
const someoneOfStreamer: Guard = (m) => {
  const sAt = m.gi.s ? pieceAt(m.canon, m.gi.s[0]) : -1;
  if (sAt < 1 || m.canon.pieces[sAt]!.w !== "STREAMER") return null;
  const prev = m.canon.pieces[sAt - 1]!.w;
  return prev === "of" || prev === "from"
    ? stop("not-streamer", `"${m.canon.pieces[sAt - 2]?.w ?? ""} of STREAMER" is someone else`)
    : null;
};

/** "theo and pixel are dating": a pair; the together rules read it, with the other as target. */
const subjectOfPair: Guard = (m) => {
  if (!SINGLE_SUBJECT_RULES.has(m.rule.name)) return null;
  const sAt = m.gi.s ? pieceAt(m.canon, m.gi.s[0]) : m.first;
  const p = m.canon.pieces;
  return p[sAt - 1]?.w === "and" && sAt >= 2 && !OPENER.has(p[sAt - 2]!.w)
    ? stop("pair", "the subject is one of a pair; the together rules read pairs")
    : null;
};

/** "X is his gf" and "X is dating him" need X first in its sentence or after the verb. */
const nameIsSubject: Guard = (m) => {
  if (m.rule.name !== "name-partner" && m.rule.name !== "reverse-dating") return null;
  let k = pieceAt(m.canon, (m.gi.t ?? [m.canon.starts[m.first]!])[0]);
  const w = m.canon.pieces[k]!.w;
  // "a bia é namorada dele": an article before the name.
  if (m.canon.pieces[k - 1]?.art) k--;
  if (!m.g.aux && !atSentenceStart(m.canon, k)) {
    return stop("not-subject", `"${w}" is not the subject of the sentence`);
  }
  if (!m.g.aux && m.mid === "" && COMMON_VERB.has(w)) {
    return stop("not-subject", `"${w} ${m.g.p} ..." is an instruction, not a name`);
  }
  return null;
};

// -- Negation, denial, hypotheticals.

/** "he is not dating", "not his gf". "he's not single" is a claim, read below. */
const negation: Guard = (m) => {
  if (m.afterRel === "not" || m.afterRel === "never") {
    return stop("negation", `"${m.rel} ${m.afterRel}" denies it`);
  }
  const here = NEGATION.exec(m.mid);
  if (here && !(m.rule.name === "status" && m.rel === "single") && !overNow(m)) {
    return stop("negation", `"${here[0].trim()}" denies it`);
  }
  const r = m.rule.name;
  if (
    (r === "partner" || r === "partner-name" || r === "name-partner" || r === "elliptic") &&
    NEGATION.test(m.clauseBefore)
  ) {
    return stop("negation", "a negation comes before it");
  }
  return null;
};

/** A break-up in the message: "they broke up", "cortaron", "schluss gemacht", "his ex". */
const BREAK_UP = /(?:^| )(?:broke up|split|split up|divorced|ex)(?= |$)/;
/** "no longer", "not ... anymore", "ya no", "não ... mais", "nicht mehr": it was, and is over. */
const NO_MORE =
  /(?:^| )(?:no longer|already not|anymore)(?= |$)|(?:^|\s)(?:mais|mehr|plus)(?=\s|$)/;

/**
 * "he's not with megan anymore, they broke up", "ya no esta con marta, cortaron": a past
 * relationship, so the name is a former partner (a claim), not a denial.
 */
function overNow(m: Match): boolean {
  return m.rel !== "single" && BREAK_UP.test(m.whole) &&
    (NO_MORE.test(m.mid) || NO_MORE.test(m.whole) || NO_MORE.test(m.run.text.toLowerCase()));
}

/** "he's single" as a statement says there is nobody. */
const singleStatement: Guard = (m) =>
  m.rule.name === "status" && m.rel === "single" && !NEGATION.test(m.mid) && !m.isQuestion
    ? stop("denial", `"single" as a statement says there is no relationship`)
    : null;

/** Computes the message-wide guards once per message. */
export function wide(run: Run): NonNullable<Run["wide"]> {
  const whole = run.canon.text;
  return run.wide ??= {
    denial: DENIAL.exec(whole)?.[0].trim() ?? null,
    fiction: FICTION.exec(whole)?.[0].trim() ?? null,
    ad: SPONSOR.exec(whole)?.[0].trim() ?? null,
  };
}

/** Words that make a clause refer back to what was said before ("that's fake", "lies"). */
const ANAPHORIC = new Set(
  "that it this is 's all lol lmao bro so and but ok nah no yeah its thats total complete pure"
    .split(" "),
);

/**
 * "that's fake", "no way he's dating sara", "stop asking if...": a denial in the clause of the
 * match, or one that refers back to it ("...? that's fake"). A denial of something else in
 * another clause ("hes with sienna, the engagement rumor is fake tho") does not count.
 */
const denial: Guard = (m) => {
  if (!wide(m.run).denial) return null;
  const re = DENIAL_ALL;
  re.lastIndex = 0;
  let x: RegExpExecArray | null;
  while ((x = re.exec(m.whole)) !== null) {
    const k = pieceAt(m.canon, x.index + (x[0].startsWith(" ") ? 1 : 0));
    // "marco is her partner, stop asking": a shut-down after a claim settles it.
    const [a, b] = clauseSpan(m.canon, m.first);
    if (SHUT_DOWN.test(x[0]) && !(k >= a && k < b) && k > m.last) continue;
    if (boundTo(m, k)) return stop("denial", `"${x[0].trim()}" disputes or shuts down the topic`);
  }
  return null;
};

/** Phrases that shut the topic down rather than deny it. */
const SHUT_DOWN =
  /^ ?(?:stop asking|quit asking|stop saying|do not ask|nobody cares|who cares|nobody asked)$/;

/** Does the guard word at piece `k` bear on the match: same clause, or a clause referring back? */
function boundTo(m: Match, k: number): boolean {
  const [a, b] = clauseSpan(m.canon, m.first);
  if (k >= a && k < b) return true;
  const [ka] = clauseSpan(m.canon, k);
  for (let i = ka; i < k; i++) if (!ANAPHORIC.has(m.canon.pieces[i]!.w)) return false;
  return true;
}

/**
 * "he is not..." in the clause of the match, or alone in another ("he's married? no he isnt");
 * "she has a bf but she doesnt want him on stream" denies something else.
 */
const subjectDenies: Guard = (m) => {
  if (!SUBJECT_DENIES.test(m.whole)) return null;
  const re = SUBJECT_DENIES_ALL;
  re.lastIndex = 0;
  let x: RegExpExecArray | null;
  const [a, b] = clauseSpan(m.canon, m.first);
  while ((x = re.exec(m.whole)) !== null) {
    const k = pieceAt(m.canon, x.index + (x[0].startsWith(" ") ? 1 : 0));
    if (k >= a && k < b) {
      // "she's dating him? she is not": the denial bears on a relationship word, or on nothing
      // ("he's married? no he isnt"); "...her ex, that's why she doesnt talk about him" does not.
      const end = pieceAt(m.canon, x.index + x[0].length - 1);
      let bears = true;
      for (let i = end + 1; i < b; i++) {
        const w = m.canon.pieces[i]!.w;
        if (REL_WORDS.has(w)) break;
        if (!ELLIPSIS_TAIL.has(w)) bears = false;
      }
      if (bears) return stop("denial", 'the clause says the streamer is not ("he is not")');
      continue;
    }
    const [, kb] = clauseSpan(m.canon, k);
    const end = pieceAt(m.canon, x.index + x[0].length - 1);
    let bare = true;
    for (let i = end + 1; i < kb; i++) {
      if (!ELLIPSIS_TAIL.has(m.canon.pieces[i]!.w)) bare = false;
    }
    if (bare) return stop("denial", 'another clause says the streamer is not ("no he isnt")');
  }
  return null;
};
const ELLIPSIS_TAIL = new Set(
  "lol lmao bro chat tho though dude man smh kekw omegalul lul xd haha".split(" "),
);

/** "chat are you dating anyone": "you" is chat. */
const youIsChat: Guard = (m) =>
  m.second && chatAddressed(m.canon, m.first)
    ? stop("addressed", `"you" here is chat, not the streamer`)
    : null;

/** "he should date sara". */
const modal: Guard = (m) => {
  const x = MODAL.exec(m.mid);
  return x ? stop("hypothetical", `"${x[0].trim()}" makes it a wish, not a fact`) : null;
};

/** "imagine if he dated sara", "i ship them". */
const hypothetical: Guard = (m) => {
  const [a, b] = clauseSpan(m.canon, m.first);
  const names = new Set([m.gi.t, m.gi.t2].flatMap((g) => g ? [pieceAt(m.canon, g[0])] : []));
  const words = m.canon.pieces.slice(a, b).map((p, i) => names.has(a + i) ? "NAME" : p.w);
  const x = HYPOTHETICAL.exec(words.join(" "));
  return x ? stop("hypothetical", `"${x[0].trim()}" makes it imagined`) : null;
};

/** "if he dated sara" (but "wonder if he is dating sara" asks). */
const conditional: Guard = (m) => {
  const x = IF_WORD.exec(m.clauseBefore);
  return x && !x.groups?.ind ? stop("hypothetical", `"if" makes it conditional`) : null;
};

// -- Other senses, fiction, ads.

const fiction: Guard = (m) => {
  const f = wide(m.run).fiction;
  if (f && /(?:^| )irl(?= |$)/.test(m.whole)) return null;
  return f ? stop("fiction", `"${f}" points to a game or story`) : null;
};

const sponsor: Guard = (m) => {
  const a = wide(m.run).ad;
  return a ? stop("sponsor", `"${a}" points to an ad or app`) : null;
};

/** "carbon dating", "dating sim", "married to the grind", "engaged in a fight"... */
const otherSense: Guard = (m) => {
  const { rel, afterRel, canon, g } = m;
  if (rel === "dating" || rel === "dated" || rel === "date") {
    const pre = canon.pieces[m.relAt - 1]?.w ?? canon.pieces[m.first - 1]?.w ?? "";
    if (BEFORE_DATING_OTHER.has(pre)) return stop("other-sense", `"${pre} ${rel}"`);
    if (DATING_OTHER.has(afterRel)) return stop("other-sense", `"${rel} ${afterRel}"`);
  }
  if (rel === "married" && g.prep === "to" && !g.t && afterRelTo(canon, m.relEnd)) {
    return stop(
      "other-sense",
      `"married to ${canon.pieces[m.relEnd + 2]?.w ?? ""}" is not a person`,
    );
  }
  if (rel === "engaged" && /^(?:in|with|by|af|as|on|into)$/.test(afterRel)) {
    return stop("other-sense", `"engaged ${afterRel}" is not about a fiancé`);
  }
  if (
    rel.startsWith("propos") && g.prep === "to" &&
    /^(?:the|a|an|my|this|that|every|each)$/.test(canon.pieces[m.relEnd + 2]?.w ?? "")
  ) {
    return stop("other-sense", `"${rel} to ${canon.pieces[m.relEnd + 2]!.w} ..." is not a person`);
  }
  if (rel === "ex" && EX_WHAT.has(afterRel)) {
    return stop("other-sense", `"ex ${afterRel}" is a former ${afterRel}, not a partner`);
  }
  if (g.rel === "partner" || g.p === "partner") {
    const x = WITH_ACTIVITY.exec(m.whole);
    if (x) return stop("other-sense", `"${x[0].trim()}": a partner in a game`);
    const pre = canon.pieces[m.relAt - 1]?.w ?? "";
    if (/^(?:duo|twitch|business|coop|trading|stream|gaming|squad|team)$/.test(pre)) {
      return stop("other-sense", `"${pre} partner" is not a partner in love`);
    }
  }
  if (rel.startsWith("propos") && afterRel && g.prep !== "to" && !NO_TARGET_END.has(afterRel)) {
    return stop("other-sense", `"${rel} ${afterRel}" proposes something else`);
  }
  if (
    (rel === "broke up" || rel === "split up" || rel === "divorced") && m.rule.name === "status" &&
    /^(?:the|a|an|this|that|my|his|her|their|every|each|it|fights?|teams?)$/.test(afterRel)
  ) {
    return stop("other-sense", `"${rel} ${afterRel}" is not about a relationship`);
  }
  if (
    (rel === "single" || rel === "taken") && afterRel && !STATUS_NEXT.has(afterRel) &&
    /\p{L}/u.test(afterRel)
  ) {
    if (!isEmote(m.run, canon.pieces[m.relEnd + 1]!)) {
      return stop("other-sense", `"${rel} ${afterRel}" is not about a relationship`);
    }
  }
  if (
    m.rule.name === "together" || m.rule.name === "together-reverse" ||
    m.rule.name === "together-pair"
  ) {
    if (rel.endsWith("together") && ACTIVITY_NEXT.has(afterRel)) {
      return stop("other-sense", `"together ${afterRel}" is an activity`);
    }
    const [a, b] = clauseSpan(canon, m.first);
    const x = rel.endsWith("together") &&
      WITH_ACTIVITY.exec(canon.pieces.slice(a, b).map((p) => p.w).join(" "));
    if (x) return stop("other-sense", `"${x[0].trim()}": together in a game`);
  }
  return null;
};

/** "she is dating STREAMER": the streamer is the partner, so the subject is someone else. */
const streamerIsPartner: Guard = (m) =>
  !m.partnerAddressed && m.afterRel === "STREAMER" && SINGLE_SUBJECT_RULES.has(m.rule.name) &&
    m.rule.name !== "status" && !dislocated(m)
    ? stop("not-streamer", "the streamer is the partner here, so the subject is someone else")
    : null;

/** "il est marié, le kev": the streamer named again after "married", not as the partner. */
export function dislocated(m: Match): boolean {
  return (m.rel === "married" || m.rel === "engaged") && !m.g.prep && m.afterRel === "STREAMER";
}

/** After "ex", what someone used to be other than a partner ("his ex teammate"). */
const EX_WHAT = new Set(
  ("teammate teammates team mate player pro champion champ captain mod moderator coach member " +
    "boss roommate editor manager employee coworker colleague friend bestie sub viewer " +
    "streamer org channel duo partner")
    .split(" "),
);

/** "he is dating nobody". */
const datingNobody: Guard = (m) =>
  /^(?:nobody|noone|no)$/.test(m.afterRel) &&
    /^(?:dating|seeing|dated|dates|date|with|w)$/.test(m.rel)
    ? stop("negation", `"${m.rel} ${m.afterRel} ..." says there is nobody`)
    : null;

/** "with X" in a message about a collab or a duo is company. */
const withIsCompany: Guard = (m) => {
  // "is sara with him?" asks; "sara is with him at the lan", "...with him rn in vc" do not.
  if (m.rule.name === "reverse-dating" && m.rel === "with") {
    const next = m.canon.pieces[m.last + 1]?.w ?? "";
    if (
      next &&
      !/^(?:\?|\.|,|now|rn|still|right|tho|though|fr|or|again|lol|lmao|anymore|officially|together)$/
        .test(next)
    ) {
      return stop("other-sense", `"with ${m.s} ${next}" reads as company, not a partner`);
    }
  }
  if (m.rel !== "with" && m.rel !== "w" && m.rel !== "together with") return null;
  const x = WITH_ACTIVITY.exec(m.whole);
  return x ? stop("other-sense", `"${x[0].trim()}": "with" is company here`) : null;
};

/** Words that make a clipped pair a claim or a question: "confirmed", "real", "💍". */
const CLIP_MARK =
  /(?:^| )(?:=|confirmed|official|officially|canon|real|couple|a couple|cutest|together|dating|married|engaged|[0-9]{4}|💍|💕|❤️|❤|💚|😭)(?= |$)/;

/** Marks of a couple later in the sentence of a clipped pair ("..., the cutest couple"). */
const CLIP_MARK_LATER =
  /(?:^| )(?:confirmed|official|officially|canon|couple|a couple|partner|together|dating|married|engaged|thing|💍)(?= |$)|(?:^| )(?:are|is) [^?]*\?$/;
const HEART_JOIN_RAW = /^(?:❤️?|♥️?|🤝|💕|💞|💘|💑|💏)$/u;

/**
 * "rexx + sienna confirmed", "dax + jess??", "sienna = gf??": clipped forms need a mark that
 * they speak of a couple (a "=", "confirmed", "?", a ring); "luna and max" alone is nothing.
 */
const clippedNeedsMark: Guard = (m) => {
  const r = m.rule.name;
  if (r !== "clipped-pair" && r !== "clipped-pair-reverse" && r !== "clipped-name") return null;
  const next = m.canon.pieces[m.last + 1]?.w ?? "";
  if (r === "clipped-name") {
    if (m.g.eq === "=" || next === "?") return null;
    return stop("clipped", `"${m.g.t} ${m.rel}" without "=" or "?" says nothing`);
  }
  if (CLIP_MARK.test(m.g.tail ?? "")) return null;
  if (next === "?" && m.rel !== "and") return null;
  // "paco ❤️ carla", "memo 🤝 ximena": the heart or the handshake is the mark.
  if (m.rel === "+" && HEART_JOIN_RAW.test(m.canon.pieces[m.relAt]!.raw)) return null;
  // "tina x max power couple", "fae + søren still a thing?": a mark a word or two later.
  if (m.rel !== "and") {
    const [, b] = sentenceSpan(m.canon, m.last);
    if (b - m.last <= 4) {
      const rest = m.canon.pieces.slice(m.last + 1, b + 1).map((p) => p.w).join(" ");
      if (CLIP_MARK_LATER.test(rest) && !NEGATION.test(rest)) return null;
    }
  }
  // "rober y marta, la mejor pareja de twitch": the mark in an aside after a comma.
  if (next === ",") {
    const [, b] = sentenceSpan(m.canon, m.last);
    const rest = m.canon.pieces.slice(m.last + 2, b + 1).map((p) => p.w).join(" ");
    if (CLIP_MARK_LATER.test(rest) && !NEGATION.test(rest)) return null;
  }
  return stop("clipped", `"${m.rel}" between two names without a mark of a couple`);
};

/**
 * A name read as the streamer's nickname holds only as the subject of the match: "tomas is here
 * with his wife" has "his" meaning tomas, whoever tomas is.
 */
const guessedSubject: Guard = (m) =>
  m.canon.guessed !== null && m.s !== "STREAMER"
    ? stop(
      "nickname",
      `"${m.canon.guessed}" is only guessed to be the streamer; "${m.s}" may be anyone`,
    )
    : null;

/** The guards that run before the target is read, in order. */
export const GUARDS: readonly Guard[] = [
  guessedSubject,
  clippedNeedsMark,
  youIsAddressed,
  pronounAntecedent,
  someoneOfStreamer,
  broIsKin,
  someoneElsesPartner,
  subjectOfPair,
  nameIsSubject,
  negation,
  singleStatement,
  denial,
  subjectDenies,
  youIsChat,
  modal,
  hypothetical,
  conditional,
  fiction,
  sponsor,
  otherSense,
  streamerIsPartner,
  datingNobody,
  withIsCompany,
];

/** Words after "proposed" that keep the marriage sense. */
const NO_TARGET_END = new Set(
  "? . , lol lmao omg yesterday today finally already chat bro on at in last yet".split(" "),
);

/** "married to X" with X a word (not the end of the sentence, as in "who is he married to?"). */
function afterRelTo(canon: Canon, relEnd: number): boolean {
  const w = canon.pieces[relEnd + 2]?.w;
  return w !== undefined && w !== "?" && w !== "." && w !== ",";
}
