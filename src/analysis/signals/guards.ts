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
import {
  atSentenceStart,
  type Canon,
  chatAddressed,
  pieceAt,
  questionAfter,
  sentenceBefore,
  sentenceOf,
} from "./canonical_form.ts";
import { type Rule, SINGLE_SUBJECT_RULES } from "./rules.ts";
import type { Run } from "./target.ts";
import {
  ACTIVITY_NEXT,
  BEFORE_DATING_OTHER,
  COMMON_VERB,
  DATING_OTHER,
  OPENER,
  STATUS_NEXT,
  SUBJECT_WEIGHT,
} from "./vocabulary.ts";
import { isEmote } from "./target.ts";

// Guards over the canonical text.
export const NEGATION = /(?:^| )(?:not|never|no longer)(?= |$)/;
const MODAL =
  /(?:^| )(?:should|would|could|might|may|wants to|want to|wanna|needs to|need to|ought to)(?= |$)/;
const DENIAL =
  /(?:^| )(?:fake|fake news|lie|lies|lying|not true|untrue|false|debunked|no way|stop asking|quit asking|stop saying|do not ask|nobody cares|who cares|nobody asked|asking if|asking about|asking whether|delulu|in your dreams|as if|rumou?rs? (?:is|are) (?:fake|false))(?= |$)|(?<!no) cap(?= |$)/;
/** "he is not", "she does not", "you never": the message denies something about the streamer. */
const SUBJECT_DENIES =
  /(?:^| )(?:he|she|you|STREAMER|they) (?:(?:is|are|was|were|does|do|did|has|have) not(?! single)|never|is no longer)(?= |$)/;
const INDIRECT_QUESTION =
  /(?:^| )(?:wonder|wondering|know|knows|idk|curious|sure|unsure|tell us|ask|asked) (?:if|whether)(?= |$)/;
const HYPOTHETICAL =
  /(?:^| )(?:imagine|pretend|hope|hopefully|wish|wishes|wished|i ship|ship|shipping|would be|could be|dream|dreams|want|wants|wanted|wanna)(?= |$)/;
const IF_WORD =
  /(?:^| )(?:(?<ind>wonder|wondering|know|knows|idk|curious|tell us|ask|asked|sure|unsure|see|check) )?if(?= |$)/;
const FICTION =
  /(?:^| )(?:in (?:the )?(?:game|sim|story|rp|movie|anime|series|book|novel|lore)|ingame|npc|npcs|character|characters|waifu|husbando|stardew|sims|bg3|baldurs|baldur|persona|romanced|romance|romanceable|playthrough|save file|rp|roleplay|nopixel|gta|skyrim|mass effect|fire emblem|dragon age|witcher|cyberpunk|harvest moon|otome|visual novel|fanfic|episode|movie|anime|manga|film)(?= |$)/;
const SPONSOR =
  /(?:^| )(?:sponsor|sponsors|sponsored|sponsorship|promo|code|discount|off|download|affiliate|link in bio|ad|ads|advert|app|apps|tinder|hinge|bumble)(?= |$)/;
/** In a message, these make "with X" company rather than a partner. */
const WITH_ACTIVITY =
  /(?:^| )(?:collab|duo|duos|vc|lobby|match|squad|team|ranked|raid|event|tournament|scrim|scrims|irl stream)(?= |$)/;
/** Nouns for people that, after my/his/the..., make them the antecedent of a later "he". */
const KIN =
  /(?:^| )(?:my|his|her|ur|your|the|a|that|this|our|their) (?:brother|bro|sister|sis|friend|buddy|homie|dad|father|mom|mother|mum|cousin|uncle|aunt|roommate|coworker|boss|neighbor|neighbour|son|daughter|teammate|guy|dude|kid|nephew|niece|grandpa|grandma|classmate|colleague|mate|duo|editor|manager|mod|friends)(?= |$)/;

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
    isQuestion: Boolean(g.aux) ||
      /^(?:who|whos|is|are|does|do|did|was|were|has|will)(?= |$)/.test(before) ||
      INDIRECT_QUESTION.test(before) || questionAfter(canon, first),
    relAt,
    relEnd,
    afterRel: canon.pieces[relEnd + 1]?.w ?? "",
  };
}

// -- Who is meant.

/** "you" in a message to @someone is that person, not the streamer. */
const youIsAddressed: Guard = (m) =>
  m.second && m.canon.addressed !== null
    ? stop("addressed", `"you" here is @${m.canon.addressed}, not the streamer`)
    : null;

/** "my brother ... he is dating": the pronoun means the person named first. */
const pronounAntecedent: Guard = (m) => {
  const { s, g } = m;
  const third = s === "he" || s === "she" || s === "him" || s === "her" || s === "his" ||
    s === "bro" || g.p === "his" || g.p === "her";
  if (!third) return null;
  const kin = KIN.exec(m.before + " ");
  return kin
    ? stop("antecedent", `"${kin[0].trim()}" comes first, so the pronoun means them`)
    : null;
};

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
  const k = pieceAt(m.canon, (m.gi.t ?? [m.canon.starts[m.first]!])[0]);
  const w = m.canon.pieces[k]!.w;
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
  const here = NEGATION.exec(m.mid);
  if (here && !(m.rule.name === "status" && m.rel === "single")) {
    return stop("negation", `"${here[0].trim()}" denies it`);
  }
  const r = m.rule.name;
  if (
    (r === "partner" || r === "partner-name" || r === "name-partner" || r === "elliptic") &&
    NEGATION.test(m.before)
  ) {
    return stop("negation", "a negation comes before it");
  }
  return null;
};

/** "he's single" as a statement says there is nobody. */
const singleStatement: Guard = (m) =>
  m.rule.name === "status" && m.rel === "single" && !NEGATION.test(m.mid) && !m.isQuestion
    ? stop("denial", `"single" as a statement says there is no relationship`)
    : null;

/** Computes the message-wide guards once per message. */
function wide(run: Run): NonNullable<Run["wide"]> {
  const whole = run.canon.text;
  return run.wide ??= {
    denial: DENIAL.exec(whole)?.[0].trim() ?? null,
    fiction: FICTION.exec(whole)?.[0].trim() ?? null,
    ad: SPONSOR.exec(whole)?.[0].trim() ?? null,
  };
}

/** "that's fake", "stop asking if...". */
const denial: Guard = (m) => {
  const d = wide(m.run).denial;
  return d ? stop("denial", `"${d}" disputes or shuts down the topic`) : null;
};

/** "he is not..." elsewhere in the message. */
const subjectDenies: Guard = (m) =>
  SUBJECT_DENIES.test(m.whole)
    ? stop("denial", 'elsewhere the message says the streamer is not ("he is not"...)')
    : null;

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
  const x = HYPOTHETICAL.exec(sentenceOf(m.canon, m.first));
  return x ? stop("hypothetical", `"${x[0].trim()}" makes it imagined`) : null;
};

/** "if he dated sara" (but "wonder if he is dating sara" asks). */
const conditional: Guard = (m) => {
  const x = IF_WORD.exec(m.before);
  return x && !x.groups?.ind ? stop("hypothetical", `"if" makes it conditional`) : null;
};

// -- Other senses, fiction, ads.

const fiction: Guard = (m) => {
  const f = wide(m.run).fiction;
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
  if (rel.startsWith("propos") && afterRel && g.prep !== "to" && !NO_TARGET_END.has(afterRel)) {
    return stop("other-sense", `"${rel} ${afterRel}" proposes something else`);
  }
  if ((rel === "single" || rel === "taken") && afterRel && !STATUS_NEXT.has(afterRel)) {
    if (!isEmote(m.run, canon.pieces[m.relEnd + 1]!)) {
      return stop("other-sense", `"${rel} ${afterRel}" is not about a relationship`);
    }
  }
  if (m.rule.name === "together" || m.rule.name === "together-reverse") {
    if (rel.endsWith("together") && ACTIVITY_NEXT.has(afterRel)) {
      return stop("other-sense", `"together ${afterRel}" is an activity`);
    }
  }
  return null;
};

/** "she is dating STREAMER": the streamer is the partner, so the subject is someone else. */
const streamerIsPartner: Guard = (m) =>
  m.afterRel === "STREAMER" && SINGLE_SUBJECT_RULES.has(m.rule.name) && m.rule.name !== "status"
    ? stop("not-streamer", "the streamer is the partner here, so the subject is someone else")
    : null;

/** "he is dating nobody". */
const datingNobody: Guard = (m) =>
  /^(?:nobody|noone|no)$/.test(m.afterRel) && /^(?:dating|seeing|dated|dates|date)$/.test(m.rel)
    ? stop("negation", `"${m.rel} ${m.afterRel} ..." says there is nobody`)
    : null;

/** "with X" in a message about a collab or a duo is company. */
const withIsCompany: Guard = (m) => {
  if (m.rel !== "with" && m.rel !== "w" && m.rel !== "together with") return null;
  const x = WITH_ACTIVITY.exec(m.whole);
  return x ? stop("other-sense", `"${x[0].trim()}": "with" is company here`) : null;
};

/** The guards that run before the target is read, in order. */
export const GUARDS: readonly Guard[] = [
  youIsAddressed,
  pronounAntecedent,
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
