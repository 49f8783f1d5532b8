/**
 * Guards on who is meant: the person addressed ("you" in a message to @someone), someone named
 * first as the antecedent of "he"/"his", a brother or a mod, someone of the streamer's, one of a
 * pair, the name that must be the subject, chat as "you", the streamer as the partner, and a
 * nickname that is only guessed.
 *
 * @module
 */
import { atSentenceStart, chatAddressed, clauseSpan, pieceAt, sentenceSpan } from "./clauses.ts";
import { type Guard, type Match, type Stop, stop } from "./match.ts";
import type { Piece } from "./canonical_form.ts";
import { SINGLE_SUBJECT_RULES } from "./rules.ts";
import { dislocated } from "./guards_sense.ts";
import { LAUGHTER } from "./target.ts";
import { verbLike } from "./offered_names.ts";
import {
  COMMON_VERB,
  NO_TARGET,
  NON_PERSON,
  OPENER,
  PERSON_NOUN,
  PERSON_WORDS,
  REL_WORDS,
  SUBJECT_WEIGHT,
} from "./vocabulary.ts";

/** Nouns for people that, after my/his/the..., make them the antecedent of a later "he". */
const KIN =
  /(?:^| )(?:my|his|her|ur|your|the|a|that|this|our|their) (?:brother|bro|sister|sis|friend|buddy|homie|dad|father|mom|mother|mum|cousin|uncle|aunt|roommate|coworker|boss|neighbor|neighbour|son|daughter|teammate|guy|dude|kid|nephew|niece|grandpa|grandma|classmate|colleague|mate|duo|editor|manager|mod|friends|vato|tipo|wey|chico|gars|mec|typ|kerl|cara|gajo|menino)(?= |$)/;

/** Logins of moderators and bots. */
export const STAFF_LOGIN =
  /(?:^|_|\d)(?:mod|mods|moderator|bot)(?:_|\d|$)|^(?:nightbot|streamelements|moobot|fossabot)$/;

/**
 * "you" in a message to @someone is that person, not the streamer; unless the message asks or
 * says that they are the streamer's partner ("@mira are you and STREAMER a thing", "@mira is
 * STREAMER ur bf", "@kai tell your gf hi"), which makes the person addressed the target.
 */
export const youIsAddressed: Guard = (m: Match): Stop | null => {
  const { canon, g, gi, rule } = m;
  if (canon.addressed === null) return null;
  // "@luna_mod congrats on the wedding": a moderator or a bot is staff, not the partner.
  if (STAFF_LOGIN.test(canon.addressed)) {
    return m.second ||
        /^(?:you|ur|u)$/.test(canon.pieces[gi.t ? pieceAt(canon, gi.t[0]) : 0]?.w ?? "")
      ? stop("addressed", `@${canon.addressed} is a moderator or a bot, not the partner`)
      : null;
  }
  let tAt = gi.t ? pieceAt(canon, gi.t[0]) : -1;
  if (tAt >= 0 && canon.pieces[tAt]!.art) tAt++;
  const tWord = tAt >= 0 ? canon.pieces[tAt]?.w ?? "" : "";
  const third = m.s === "he" || m.s === "she" || m.s === "STREAMER" || g.p === "his" ||
    g.p === "her" || g.p === "STREAMER 's";
  if (third && (tWord === "you" || tWord === "ur" || tWord === "u")) {
    m.partnerAddressed = true;
    return null;
  }
  // "@sierra is he your bf", "@mira is STREAMER ur man?": the streamer as the partner of the
  // person addressed, asked or said, whose partner is then the streamer (no other name given).
  if (
    rule.name === "name-partner" && (g.p === "your" || g.p === "ur") &&
    /^(?:he|she|STREAMER|him|her)$/.test(tWord)
  ) {
    m.partnerAddressed = true;
    return null;
  }
  if (!m.second) return null;
  // "@hope congrats on the engagement!!": the person addressed is engaged, in this chat to the
  // streamer.
  // "@paulaa_g ya eres la novia del parce?": "you", the partner "of" someone: of the streamer.
  if (rule.name === "congrats" && !g.s || rule.name === "take-care" || rule.name === "partner-of") {
    m.partnerAddressed = true;
    return null;
  }
  const streamerThere = tWord === "STREAMER" ||
    (rule.name.startsWith("together") && /^(?:him|her|he|she)$/.test(tWord));
  if (streamerThere || rule.name === "together-pair") {
    m.partnerAddressed = true;
    return null;
  }
  // "@kai tell your gf hi" says the streamer is kai's gf; "@kai is your gf watching?" asks
  // about kai's own partner.
  // "@kirsty ur man is tilted again", "@lexi tell your man to stop...": what follows the partner
  // word says what they do, so the partner is the streamer.
  // "@sashabeats ur man is killing it tonight": a verb in -ing after "is" too.
  const doing = tAt >= 0 &&
    (NO_TARGET.has(tWord) || verbLike(tWord) ||
      /^\p{L}{3,}ing$/u.test(tWord) && rule.name === "partner-name");
  if ((rule.name === "partner" || rule.name === "partner-name") && (!gi.t || doing)) {
    if (m.isQuestion) return stop("addressed", `"your" here is @${canon.addressed}'s own partner`);
    m.partnerAddressed = true;
    return null;
  }
  return stop("addressed", `"you" here is @${canon.addressed}, not the streamer`);
};

/**
 * "kenji is her tour guide not her bf, hes married lol": a clause opening on the pronoun after a
 * clause of the sentence whose subject is someone named (not the streamer): the pronoun means them.
 */
function subjectBefore(m: Match): string | null {
  if (m.s !== "he" && m.s !== "she") return null;
  const p = m.canon.pieces;
  const [a] = clauseSpan(m.canon, m.first);
  const [sa] = sentenceSpan(m.canon, m.first);
  if (sa >= a || a !== m.first) return null;
  let k = sa;
  while (k < a && OPENER.has(p[k]!.w) && p[k]!.w !== "STREAMER") k++;
  const w = p[k]?.w ?? "";
  if (w === "STREAMER" || !/^(?:is|was|'s)$/.test(p[k + 1]?.w ?? "")) return null;
  if (/^(?:his|her)$/.test(p[k + 2]?.w ?? "") && REL_WORDS.has(p[k + 3]?.w ?? "")) return null;
  return /^\p{L}[\p{L}0-9_]+$/u.test(w) && !NO_TARGET.has(w) && !NOT_ANTECEDENT.has(w) &&
      !NON_PERSON.has(w)
    ? w
    : null;
}

/** "my brother ... he is dating": the pronoun means the person named first. */
export const pronounAntecedent: Guard = (m: Match): Stop | null => {
  const { s, g } = m;
  const third = s === "he" || s === "she" || s === "him" || s === "her" || s === "his" ||
    s === "bro" || g.p === "his" || g.p === "her";
  if (!third) return null;
  if (reportedSubject(m)) return null;
  const kin = KIN.exec(m.clauseBefore + " ");
  if (kin) return stop("antecedent", `"${kin[0].trim()}" comes first, so the pronoun means them`);
  // "la de la cámara es su novia", "the person filming is his gf": the subject of "is" is not
  // the one "his" points back to.
  const copula = /^(?:is|was|'s|are|were)$/.test(m.canon.pieces[m.first - 1]?.w ?? "") &&
    (m.rule.name === "partner" || m.rule.name === "partner-name");
  const named = copula ? null : namedFirst(m) ?? subjectBefore(m) ?? topicAsked(m);
  return named
    ? stop("antecedent", `"${named}" is named first in the sentence, so the pronoun means them`)
    : null;
};

/** Verbs that pass on what someone said, in the languages read (canonical or as written). */
const REPORT =
  /^(?:said|says|say|told|tells|heard|hear|knows|claims|claimed|mentioned|reckons|swears|swore|posted|wrote|confirmed|dijo|dice|dicen|dijeron|contó|conto|disse|diz|dizem|contou|falou|falaram|meinte|meint|meinen|sagt|sagte|sagen|erzählt|erzählte|dit|disent|raconte|racontait)$/;

/**
 * "a guy in the subreddit said he married élodie", "heard from a mod that he moved in with
 * kira": the person named first is the source of a report, and "he"/"she" opening the reported
 * clause is who chat talks about (the streamer), not the source. A possessive stays theirs
 * ("tarik's mod said his wife...").
 */
function reportedSubject(m: Match): boolean {
  if (m.s !== "he" && m.s !== "she") return false;
  const sAt = m.gi.s ? pieceAt(m.canon, m.gi.s[0]) : -1;
  const p = m.canon.pieces;
  if (sAt < 2) return false;
  // ("my roommate said he is dating sara": the speaker's own people speak of themselves, unless
  // the streamer was named between: "my friend who knows him says he...")
  if (
    /(?:^| )(?:my|our) /.test(m.clauseBefore) &&
    !/(?:^| )(?:him|her|STREAMER)(?= |$)/.test(m.clauseBefore)
  ) return false;
  const prev = p[sAt - 1]!.w;
  if (REPORT.test(prev)) return true;
  if (prev !== "that") return false;
  for (let k = sAt - 2; k >= Math.max(0, sAt - 6); k--) {
    const w = p[k]!.w;
    if (w === "," || w === "." || w === "?") return false;
    if (REPORT.test(w)) return true;
  }
  return false;
}

/**
 * "and kevin? he is with the ex of his friend", "y el pepe ese? está con...", "und der max? der
 * ist mit...": a question that only names someone ("and X?", "what about X?") makes them the
 * topic, and the pronoun of the next sentence means them (not the streamer).
 */
function topicAsked(m: Match): string | null {
  const p = m.canon.pieces;
  const [a] = sentenceSpan(m.canon, m.first);
  // The subject of the match opens its sentence: "he is with", "(he) está con", "the is with".
  if (a === 0 || p[a - 1]!.w !== "?" || subjectStart(m) !== a) return null;
  let b = a - 1;
  while (b > 0 && p[b - 1]!.w === "?") b--;
  // The message opens with its "?"s ("? he single"): no question before them names anyone.
  if (b === 0) return null;
  const [ta] = sentenceSpan(m.canon, b - 1);
  const words = p.slice(ta, b);
  let i = 0;
  if (words[i]?.w === "and") i++;
  else if (words[i]?.w === "what" && words[i + 1]?.w === "about") i += 2;
  if (words[i]?.art || words[i]?.w === "the") i++;
  const name = words[i];
  if (!name || !/^\p{L}[\p{L}0-9_]+$/u.test(name.w) || name.w === "STREAMER") return null;
  if (NO_TARGET.has(name.w) || NON_PERSON.has(name.w) || REL_WORDS.has(name.w)) return null;
  i++;
  if (words[i] && /^(?:that|this)$/.test(words[i]!.w)) i++;
  return i === words.length && i >= 2 ? name.w : null;
}

/** People of a stream's crew and company ("co-op partner", "sous chef", "cameraman"). */
const STAFF_NOUN = new Set(
  "partner chef cook cameraman camerawoman producer mod mods moderator editor collab coop co-op duo bodyguard assistant"
    .split(" "),
);

/** Nouns after "the" that are no one: "the breakup song is about her ex". */
const NOT_SOMEONE = new Set(
  ("breakup song video clip clips rumor rumour rumors news tweet post story vod chat stream way " +
    "thing question truth reason word tea drama lore tiktok insta ring wedding engagement " +
    "whole real only fact point " +
    // Where chat read it: "the discord leak showed her and kuro are dating".
    "discord leak leaks server subreddit reddit twitter insta instagram youtube comments comment " +
    "pic pics photo photos picture pictures vid vids podcast pod thread screenshot")
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
/** Where the subject of the match's clause starts: past openers and laughter, and past an
 * auxiliary that asks ("did the raider just say his gf left him"). */
function subjectStart(m: Match): number {
  const p = m.canon.pieces;
  const [a] = clauseSpan(m.canon, m.first);
  let k = a;
  while (
    k < m.first && (OPENER.has(p[k]!.w) && p[k]!.w !== "STREAMER" || LAUGHTER.test(p[k]!.w))
  ) k++;
  if (
    k + 3 < m.first && /^(?:did|does|is|was|has)$/.test(p[k]!.w) && p[k + 1]!.w === "the" &&
    !p[k + 1]!.art
  ) k++;
  return k;
}

function namedFirst(m: Match): string | null {
  const p = m.canon.pieces;
  const k = subjectStart(m);
  if (k >= m.first) return null;
  // "friendly reminder that marlowe is taken and his gf is sasha": the streamer, named between,
  // is the nearest one "his" can mean.
  // ("the sister of STREAMER", "STREAMER 's mod" are someone else.)
  for (let i = k; i < m.first; i++) {
    if (
      p[i]!.w === "STREAMER" && !/^(?:of|from)$/.test(p[i - 1]?.w ?? "") && p[i + 1]?.w !== "'s"
    ) return null;
  }
  const w = p[k]!.w;
  // "his cameraman bill brought his wife", "her sous chef mercy brought her boyfriend": someone
  // of the streamer's, named with the same possessive, owns the later one.
  // "her co-op partner just said his wife...", "her sous chef mercy brought her boyfriend": the
  // person named after the possessive, a word or two on.
  if ((w === "his" || w === "her") && k + 1 < m.first) {
    for (const n of [p[k + 1]!.w, k + 2 < m.first ? p[k + 2]!.w : ""]) {
      if (PERSON_WORDS.has(n) || STAFF_NOUN.has(n)) return `${w} ${n}`;
    }
  }
  // "dex's cameraman jules is here with his wife", "usagi's collab partner momo said her
  // husband...": someone of the streamer's is the subject.
  if (w === "STREAMER" && p[k + 1]?.w === "'s" && k + 2 < m.first) {
    for (const n of [p[k + 2]!.w, k + 3 < m.first ? p[k + 3]!.w : ""]) {
      if (PERSON_WORDS.has(n) || STAFF_NOUN.has(n)) return `STREAMER 's ${n}`;
    }
  }
  const tAt = m.gi.t ? pieceAt(m.canon, m.gi.t[0]) : -1;
  if (/^(?:the|a|an|my|your|ur|our|their)$/.test(w) && k + 1 < m.first) {
    const n = p[k + 1]!.w;
    // ("the girl in the tiktok said her bf...": a person who does something to "her bf", though
    // "girl" may mean a partner.)
    if (
      k + 1 === tAt || n === "STREAMER" ||
      REL_WORDS.has(n) && !(PERSON_NOUN.has(n) && verbLike(p[m.first - 1]?.w ?? "")) ||
      NON_PERSON.has(n)
    ) return null;
    return PERSON_WORDS.has(n) || !NOT_SOMEONE.has(n) ? `${w} ${n}` : null;
  }
  if (k === tAt || w === "STREAMER" || w.startsWith("@")) return null;
  if (verbOfPronoun(p, k)) return null;
  // "sara was his ex and now tess is his gf": a name said to be a partner is not who "his" means.
  if (
    /^(?:is|was|'s|are|were)$/.test(p[k + 1]?.w ?? "") && /^(?:his|her)$/.test(p[k + 2]?.w ?? "")
  ) {
    return null;
  }
  if (NO_TARGET.has(w) || NON_PERSON.has(w) || COMMON_VERB.has(w) || REL_WORDS.has(w)) return null;
  if (NOT_ANTECEDENT.has(w) || !/^\p{L}[\p{L}0-9_]+$/u.test(w)) return null;
  // The name must be followed by what it does: "tomas is here", "tarik 's mod", "max has".
  const next = p[k + 1]?.w ?? "";
  if (next === "" || next === "?" || next === "," || next === "." || next === "or") return null;
  return w;
}

/**
 * "old timer here, he met his wife at...": after "he" or "she" as written, the word at `k` is
 * their verb, no one "his" could mean ("le gars derrière", read "he", is someone).
 */
function verbOfPronoun(p: readonly Piece[], k: number): boolean {
  const pronoun = p[k - 1];
  return pronoun !== undefined && /^(?:he|she)$/.test(pronoun.w) &&
    /^(?:he|she|he's|she's|hes|shes|il|elle|er|sie|él|ella|ele|ela)$/.test(
      pronoun.raw.toLowerCase(),
    );
}

/** "my bro is dating": a brother, not the streamer. */
export const broIsKin: Guard = (m: Match): Stop | null =>
  m.s === "bro" && /(?:^| )(?:my|his|her|ur|your|the|a|that|this|our|their)$/.test(m.before)
    ? stop("antecedent", `"bro" is someone's brother here`)
    : null;

/** "my dad and his wife", "i am his gf": someone else's partner, or the speaker. */
export const someoneElsesPartner: Guard = (m: Match): Stop | null => {
  if (m.rule.name !== "partner" && m.rule.name !== "partner-name") return null;
  const prev = m.canon.pieces[m.first - 1]?.w;
  // "jake (the mod) and his wife": past an aside in brackets.
  let j = m.first - 2;
  if (m.canon.pieces[j]?.raw === ")") {
    while (j > 0 && m.canon.pieces[j]!.raw !== "(") j--;
    j--;
  }
  const prev2 = m.canon.pieces[j];
  // ("STREAMER 's ex is nate and her bf now is omar": nate is said to be someone, not a subject.)
  const predicate = /^(?:is|was|=)$/.test(m.canon.pieces[m.first - 3]?.w ?? "");
  if (
    prev === "and" && prev2 && !(prev2.w in SUBJECT_WEIGHT) && !OPENER.has(prev2.w) && !predicate
  ) {
    return stop("antecedent", `"${prev2.w} ${prev} ${m.g.p}" is someone else's partner`);
  }
  if (/(?:^| )(?:i|me|we) (?:am|is|are|was|'s|will be|would be)(?: [a-z]+){0,2}$/.test(m.before)) {
    return stop("self", "the speaker says they are the partner");
  }
  // "der kumpel vom ferdl hat seine freundin mitgebracht" (the buddy of STREAMER has his gf):
  // the clause's subject is someone of the streamer's, and "his" is theirs.
  const p = m.canon.pieces;
  const [cs] = clauseSpan(m.canon, m.first);
  let k = cs;
  while (k < m.first && OPENER.has(p[k]!.w)) k++;
  if (
    /^(?:the|a|his|her|my)$/.test(p[k]?.w ?? "") && p[k + 2]?.w === "of" &&
    (p[k + 3]?.w === "STREAMER" || p[k + 3]?.w === "the" && p[k + 4]?.w === "STREAMER") &&
    k + 4 < m.first && !REL_WORDS.has(p[k + 1]!.w)
  ) {
    return stop("not-streamer", `"${p[k + 1]!.w} of STREAMER" is the subject, and "his" is theirs`);
  }
  return null;
};

/** "la hermana de xime tiene novio", "the dog of STREAMER": someone of the streamer's. */
export const someoneOfStreamer: Guard = (m: Match): Stop | null => {
  const sAt = m.gi.s ? pieceAt(m.canon, m.gi.s[0]) : -1;
  if (
    sAt < 1 || m.canon.pieces[sAt]!.w !== "STREAMER" || m.rule.name === "take-care" ||
    m.rule.name === "pair-official"
  ) return null;
  const prev = m.canon.pieces[sAt - 1]!.w;
  // "el compa que juega con el brujo ya tiene esposa": the streamer after a preposition is its
  // object, not the subject.
  const object = SINGLE_SUBJECT_RULES.has(m.rule.name) && /^(?:with|against|for|to)$/.test(prev);
  return prev === "of" || prev === "from" || object
    ? stop("not-streamer", `"${m.canon.pieces[sAt - 2]?.w ?? ""} of STREAMER" is someone else`)
    : null;
};

/** "theo and pixel are dating": a pair; the together rules read it, with the other as target. */
export const subjectOfPair: Guard = (m: Match): Stop | null => {
  if (!SINGLE_SUBJECT_RULES.has(m.rule.name)) return null;
  const sAt = m.gi.s ? pieceAt(m.canon, m.gi.s[0]) : m.first;
  const p = m.canon.pieces;
  return p[sAt - 1]?.w === "and" && sAt >= 2 && !OPENER.has(p[sAt - 2]!.w)
    ? stop("pair", "the subject is one of a pair; the together rules read pairs")
    : null;
};

/** "X is his gf" and "X is dating him" need X first in its sentence or after the verb. */
export const nameIsSubject: Guard = (m: Match): Stop | null => {
  // "meine schwester und ihr lebensgefährte": someone's person, not a name.
  if (m.rule.name === "together-reverse" && m.gi.t) {
    const k = pieceAt(m.canon, m.gi.t[0]);
    const w = m.canon.pieces[k]!.w;
    if (
      /^(?:my|your|ur|our|his|her|their)$/.test(m.canon.pieces[k - 1]?.w ?? "") ||
      PERSON_WORDS.has(w)
    ) {
      return stop("not-subject", `"${w}" is someone's relative or friend, not a name`);
    }
  }
  if (m.rule.name !== "name-partner" && m.rule.name !== "reverse-dating") return null;
  let k = pieceAt(m.canon, (m.gi.t ?? [m.canon.starts[m.first]!])[0]);
  const w = m.canon.pieces[k]!.w;
  // "a bia é namorada dele": an article before the name.
  if (m.canon.pieces[k - 1]?.art) k--;
  // "is the tank her husband": an English "the" makes a common noun, no name.
  else if (m.g.aux && m.canon.pieces[k - 1]?.w === "the") {
    return stop("not-subject", `"the ${w}" is a common noun, not a name`);
  }
  if (!m.g.aux && !atSentenceStart(m.canon, k)) {
    return stop("not-subject", `"${w}" is not the subject of the sentence`);
  }
  // "fun fact kuro's gf is mika": an opener before the possessive is no name.
  if (!m.g.aux && m.mid === "" && OPENER.has(w)) {
    return stop("not-subject", `"${w}" opens the sentence, it names no one`);
  }
  if (!m.g.aux && m.mid === "" && COMMON_VERB.has(w)) {
    return stop("not-subject", `"${w} ${m.g.p} ..." is an instruction, not a name`);
  }
  return null;
};

/** "chat are you dating anyone": "you" is chat. */
export const youIsChat: Guard = (m: Match): Stop | null =>
  m.second && chatAddressed(m.canon, m.first)
    ? stop("addressed", `"you" here is chat, not the streamer`)
    : null;

/**
 * "she is dating STREAMER": the streamer is the partner, so the subject is someone else. After
 * "you have a gf" the streamer's name is the one asked ("hast du ne freundin bernd?").
 */
export const streamerIsPartner: Guard = (m: Match): Stop | null =>
  !m.partnerAddressed && m.afterRel === "STREAMER" && SINGLE_SUBJECT_RULES.has(m.rule.name) &&
    m.rule.name !== "status" && m.rule.name !== "verb-first" && !dislocated(m) &&
    !(m.g.p !== undefined && (m.s === "you" || m.s === "ur"))
    ? stop("not-streamer", "the streamer is the partner here, so the subject is someone else")
    : null;

/**
 * A name read as the streamer's nickname holds only as the subject of the match: "tomas is here
 * with his wife" has "his" meaning tomas, whoever tomas is.
 */
export const guessedSubject: Guard = (m: Match): Stop | null =>
  m.canon.guessed !== null && m.s !== "STREAMER" &&
    // "@ashlee_xo did u and deezy get back together": the one asked is the partner of the name.
    !(m.canon.addressed !== null && m.gi.t && m.canon.pieces[pieceAt(m.canon, m.gi.t[0])]?.guessed)
    ? stop(
      "nickname",
      `"${m.canon.guessed}" is only guessed to be the streamer; "${m.s}" may be anyone`,
    )
    : null;
