/**
 * Step 5 of the relationship-signal analyzer: the guards. A rule match is a candidate; the
 * guards below run in order and the first that objects stops it, with its name and the reason
 * (which `signals explain` shows). This module holds the order and the guards on negation,
 * denial, hypotheticals and conditionals; `guards_who.ts` those on who is meant,
 * `guards_sense.ts` those on the sense of the words, `match.ts` what a match is. They cover who is meant (the person addressed, someone else
 * as the antecedent of "he", the speaker), negation and denial, hypotheticals and wishes, other
 * senses of the word (carbon dating, married to the grind, engaged in a fight), games and
 * fiction, sponsor reads, and "with X" meaning company.
 *
 * @module
 */
import { clauseSpan, pieceAt } from "./clauses.ts";
import { DENIAL, type Guard, type Match, NEGATION, stop, wide } from "./match.ts";
import { REL_WORDS } from "./vocabulary.ts";
import { checkTarget } from "./target.ts";
import {
  clippedNeedsMark,
  datingNobody,
  fiction,
  otherSense,
  sponsor,
  withIsCompany,
} from "./guards_sense.ts";
import {
  broIsKin,
  guessedSubject,
  nameIsSubject,
  pronounAntecedent,
  someoneElsesPartner,
  someoneOfStreamer,
  streamerIsPartner,
  subjectOfPair,
  youIsAddressed,
  youIsChat,
} from "./guards_who.ts";

export type { Guard, Match, Stop } from "./match.ts";
export { readMatch } from "./match.ts";
export { dislocated } from "./guards_sense.ts";
export { NEGATION, wide } from "./match.ts";

const MODAL =
  /(?:^| )(?:should|would|could|might|may|wants to|want to|wanna|needs to|need to|ought to)(?= |$)/;
/** "he is not", "she does not", "you never": the message denies something about the streamer. */
const SUBJECT_DENIES =
  /(?:^| )(?:he|she|you|STREAMER|they) (?:(?:is|are|was|were|does|do|did|has|have) not(?! (?:single|divorced|split|split up|broke up|break up)(?= |$))|never|is no longer(?! single))(?= |$)/;
const DENIAL_ALL = new RegExp(DENIAL.source, "g");
const SUBJECT_DENIES_ALL = new RegExp(SUBJECT_DENIES.source, "g");
/** "imagine", "i ship", "wants": imagined; but "my cousin wants to know" is curiosity, not a wish. */
const HYPOTHETICAL =
  /(?:^| )(?!(?:want|wants|wanted|wanna)(?: to)? know(?: |$))(?:imagine|pretend|hope|hopefully|wish|wishes|wished|i ship|ship|shipping|would be|could be|dream|dreams|want|wants|wanted|wanna)(?= |$)/;
const IF_WORD =
  /(?:^| )(?:(?<ind>wonder|wondering|know|knows|idk|curious|tell us|ask|asked|sure|unsure|see|check|who|explain)(?: (?:someone|anyone|somebody|anybody|chat|me|us))? )?if(?= |$)/;
/** "he is not dating", "not his gf". "he's not single" is a claim, read below. */
const negation: Guard = (m) => {
  if (m.afterRel === "not" || m.afterRel === "never") {
    return stop("negation", `"${m.rel} ${m.afterRel}" denies it`);
  }
  // "nicht mit kathi, sondern mit marie": the negation is what the correction corrects.
  if (m.rule.name === "correction") {
    return NEGATION.test(m.mid) ? null : stop("other-sense", `"but" here corrects nothing denied`);
  }
  const here = NEGATION.exec(m.mid);
  // "war die vroni ned seine ex?", "is sara not his gf?": a negative question asks for a yes.
  const negativeQuestion = here?.[0].trim() === "not" && m.g.aux !== undefined && m.isQuestion &&
    m.rule.name === "name-partner";
  // "they didnt break up, she was on the rail yesterday": a break-up denied says they are still
  // together, a claim (as "he's not single" is).
  const stillTogether = m.rule.name === "status" &&
    /^(?:broke up|break up|split|split up|divorced)$/.test(m.rel);
  if (
    here && !(m.rule.name === "status" && m.rel === "single") && !overNow(m) && !negativeQuestion &&
    !stillTogether
  ) {
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
  if (m.rel === "single") return false;
  if (
    BREAK_UP.test(m.whole) &&
    (NO_MORE.test(m.mid) || NO_MORE.test(m.whole) || NO_MORE.test(m.run.text.toLowerCase()))
  ) return true;
  // "shes not with will anymore", "usagi and reo arent together anymore", "is nimma mit dem basti
  // zam", "ya no está con marta", "n'est plus avec clara": a state that no longer holds is a
  // relationship that was (bound to the clause of the match).
  // "owen isnt married anymore, hes single now" names no one: a denial of the present.
  // "...not with mira anymore, never was": denied for the past too.
  if (!STATE_REL.test(m.rel) || !m.gi.t || /(?:^| )never(?= |$)/.test(m.whole)) return false;
  let k = pieceAt(m.canon, m.gi.t[0]);
  if (m.canon.pieces[k]!.art) k++;
  if (k >= m.canon.pieces.length || checkTarget(m.run, k).kind !== "name") return false;
  const [a, b] = clauseSpan(m.canon, m.first);
  const clause = m.canon.pieces.slice(a, b);
  return NO_MORE.test(clause.map((p) => p.w).join(" ")) ||
    clause.some((p) => /^(?:mais|mehr|plus)$/i.test(p.raw));
}

/** Relationship words of a state (being with, together, married), not of an event. */
const STATE_REL =
  /^(?:with|w|together|together with|dating|seeing|married|engaged|a thing|a couple|couple|in a relationship|in a relationship with|going out with)$/;

/** "he's single" as a statement says there is nobody. */
const singleStatement: Guard = (m) =>
  (m.rule.name === "status" || m.rule.name === "clipped-status") && m.rel === "single" &&
    !NEGATION.test(m.mid) && !m.isQuestion
    ? stop("denial", `"single" as a statement says there is no relationship`)
    : null;

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
  const answered = answeredNo(m);
  if (answered !== null) return stop("denial", `the question is answered "${answered}" after it`);
  if (!wide(m.run).denial) return null;
  const re = DENIAL_ALL;
  re.lastIndex = 0;
  let x: RegExpExecArray | null;
  while ((x = re.exec(m.whole)) !== null) {
    const k = pieceAt(m.canon, x.index + (x[0].startsWith(" ") ? 1 : 0));
    // "marco is her partner, stop asking": a shut-down after a claim settles it.
    const [a, b] = clauseSpan(m.canon, m.first);
    if (SHUT_DOWN.test(x[0]) && !(k >= a && k < b) && k > m.last) continue;
    // "did he marry sora or is that fake??", "sale con lena o es mentira?": the doubt is the
    // other half of the question, which still asks.
    if (m.isQuestion && ALTERNATIVE_ASKED.test(m.whole.slice(0, x.index))) continue;
    if (boundTo(m, k)) return stop("denial", `"${x[0].trim()}" disputes or shuts down the topic`);
  }
  return null;
};

/** "... or is that", "o es", "ou c'est": what closes a question's other half before a doubt. */
const ALTERNATIVE_ASKED =
  /(?:^| )or (?:is|was|it is|that is)(?: (?:that|it|this|all that))?(?: (?:just|all|only|a|all just))? ?$/;

/** Words that open a clause asked as a question. */
const ASKED_AS_ONE =
  /^(?:is|are|was|were|does|do|did|has|have|had|will|can|could|would|who|what|how|when|since|why|which|where)$/;
/** A bare "no" that answers a question. */
const BARE_NO = /^(?:no|nah|naw|nope|nop|nee|nein|nö|non|nan|not|nada|never|no way)$/;

/**
 * "dating sara? nah", "sale con lena? no jaja": the question, then a clause that is only a "no"
 * (with chat filler), is answered by the asker: a denial, not a question. The word it gave.
 */
function answeredNo(m: Match): string | null {
  const p = m.canon.pieces;
  const [a, b] = clauseSpan(m.canon, m.first);
  // "did he ever date anyone from chat? no": a question asked as one (an auxiliary or a question
  // word first) stays a question, whatever the asker guesses after it; the echo of a claim
  // ("dating sara? nah", "he's with lena? no lol") is what the "no" rejects.
  if (p[b]?.w !== "?" || ASKED_AS_ONE.test(p[a]?.w ?? "")) return null;
  let k = b;
  while (p[k]?.w === "?") k++;
  let no: string | null = null;
  for (; k < p.length; k++) {
    const w = p[k]!.w;
    if (BARE_NO.test(w) && no === null) no = p[k]!.raw || w;
    else if (!ELLIPSIS_TAIL.has(w) && w !== "." && w !== "," && w !== "!") return null;
  }
  return no;
}

/** Phrases that shut the topic down rather than deny it. */
const SHUT_DOWN =
  /^ ?(?:stop asking|quit asking|stop saying|do not ask|nobody cares|who cares|nobody asked)$/;

/** Does the guard word at piece `k` bear on the match: same clause, or a clause referring back? */
function boundTo(m: Match, k: number): boolean {
  const [a, b] = clauseSpan(m.canon, m.first);
  if (k >= a && k < b) return true;
  const [ka] = clauseSpan(m.canon, k);
  for (let i = ka; i < k; i++) {
    // "sale con lena? es fake": the subject put before a verb that had none is "it" here.
    const p = m.canon.pieces[i]!;
    if (!ANAPHORIC.has(p.w) && !(p.raw === "" && p.w === "he")) return false;
  }
  // "...engaged to mara but hes not moving to london, thats fake": "that" is what was said just
  // before (past clauses of chat filler), which must be the clause of the match.
  let end = ka - 1;
  while (end > b) {
    const [pa] = clauseSpan(m.canon, end - 1);
    let filler = true;
    for (let i = pa; i < end; i++) if (!ELLIPSIS_TAIL.has(m.canon.pieces[i]!.w)) filler = false;
    if (!filler) return false;
    end = pa - 1;
  }
  return true;
}

/**
 * "he is not..." in the clause of the match, or alone in another ("he's married? no he isnt");
 * "she has a bf but she doesnt want him on stream" denies something else.
 */
const subjectDenies: Guard = (m) => {
  if (!SUBJECT_DENIES.test(m.whole) || overNow(m) || m.rule.name === "correction") return null;
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
    const [ka, kb] = clauseSpan(m.canon, k);
    const end = pieceAt(m.canon, x.index + x[0].length - 1);
    // "..., aber die zeigt er nie": the denial has a verb of its own before it.
    let bare = true;
    for (let i = ka; i < k; i++) {
      const w = m.canon.pieces[i]!.w;
      if (!ELLIPSIS_TAIL.has(w) && !ANAPHORIC.has(w) && !/^(?:no|nah|nope|yes|yeah)$/.test(w)) {
        bare = false;
      }
    }
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
  // "is dex with bill or hope?": after "or", "and", "with", "hope" is a name.
  for (let i = 1; i < words.length; i++) {
    if (words[i] === "hope" && /^(?:or|and|with|w|\+|x|is|was)$/.test(words[i - 1]!)) {
      words[i] = "NAME";
    }
  }
  const x = HYPOTHETICAL.exec(words.join(" "));
  return x ? stop("hypothetical", `"${x[0].trim()}" makes it imagined`) : null;
};

/** "if he dated sara" (but "wonder if he is dating sara" asks). */
const conditional: Guard = (m) => {
  const x = IF_WORD.exec(m.clauseBefore);
  return x && !x.groups?.ind ? stop("hypothetical", `"if" makes it conditional`) : null;
};

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
