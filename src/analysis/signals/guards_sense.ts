/**
 * Guards on the sense of the words: carbon dating, a dating sim, married to the grind, engaged
 * in a fight, an ex-teammate, a duo partner, games and fiction, sponsor reads, "with X" as
 * company, a clipped pair without a mark of a couple, "dating nobody".
 *
 * @module
 */
import type { Canon } from "./canonical_form.ts";
import { atSentenceStart, clauseSpan, sentenceSpan } from "./clauses.ts";
import { type Guard, type Match, NEGATION, type Stop, stop, wide } from "./match.ts";
import { isEmote, LAUGHTER } from "./target.ts";
import {
  ACTIVITY_NEXT,
  BEFORE_DATING_OTHER,
  DATING_OTHER,
  NON_PERSON,
  STATUS_NEXT,
} from "./vocabulary.ts";

/** In a message, these make "with X" company rather than a partner. */
const WITH_ACTIVITY =
  /(?:^| )(?:collab|duo|duos|vc|lobby|match|squad|team|ranked|raid|event|tournament|scrim|scrims|irl stream)(?= |$)/;

export const fiction: Guard = (m: Match): Stop | null => {
  const f = wide(m.run).fiction;
  if (f && /(?:^| )irl(?= |$)/.test(m.whole)) return null;
  // "ist kalle wirklich mit mareike zusammen oder ist das nur rp?": the story is the other
  // reading offered after "or", not what the question is about.
  if (f && fictionOffered(m, f)) return null;
  return f ? stop("fiction", `"${f}" points to a game or story`) : null;
};

export const sponsor: Guard = (m: Match): Stop | null => {
  const a = wide(m.run).ad;
  return a ? stop("sponsor", `"${a}" points to an ad or app`) : null;
};

/** Is the fiction word `f` only offered after "or", later in the sentence of the match? */
function fictionOffered(m: Match, f: string): boolean {
  const p = m.canon.pieces;
  const first = f.split(" ")[0]!;
  let or = false;
  for (let i = m.last + 1; i < p.length; i++) {
    const w = p[i]!.w;
    if (w === "." || w === "?" && !or) return false;
    if (w === "or") or = true;
    else if (w === first) return or;
  }
  return false;
}

/** "carbon dating", "dating sim", "married to the grind", "engaged in a fight"... */
export const otherSense: Guard = (m: Match): Stop | null =>
  wordSense(m) ?? partnerSense(m) ?? statusSense(m) ?? partnerIsThing(m);

/** Partner nouns a thing may be called in jest ("his gf is his awp"). */
const PARTNER_NOUNS = /^(?:gf|bf|wife|husband|fiance|partner|girl|bae|lady|man|boo)$/;
/** Words of a noun phrase before its head: determiners and the adjectives of the jest. */
const NP_LEAD =
  /^(?:the|a|an|his|her|my|your|ur|their|its|real|true|new|only|one|first|favorite|favourite|fav|beloved|precious|trusty|actual|other|'s|STREAMER)$/;

/**
 * "his gf is his awp", "the controller is his wife", "seine freundin ist die awp", "su novia es
 * la play": the other side of "is" is a thing, so the partner word is a jest.
 */
function partnerIsThing(m: Match): Stop | null {
  if (!PARTNER_NOUNS.test(m.rel) || m.g.t !== undefined) return null;
  const p = m.canon.pieces;
  // After: "his gf is (the|a|his) [adjective] THING".
  let k = m.relEnd + 1;
  if (p[k]?.w === "it") k++;
  if (/^(?:is|was|=)$/.test(p[k]?.w ?? "")) {
    k++;
    let lead = 0;
    while (p[k] && (NP_LEAD.test(p[k]!.w) || p[k]!.art)) k++, lead++;
    if (lead > 0 && p[k] && NON_PERSON.has(p[k]!.w)) {
      return stop("other-sense", `"${m.rel} is ... ${p[k]!.w}": a thing, not a partner`);
    }
  }
  // Before: "(the|his) THING is his wife".
  if (/^(?:is|was|=)$/.test(p[m.first - 1]?.w ?? "") && m.first >= 3) {
    const head = p[m.first - 2]!;
    const det = p[m.first - 3]!;
    if ((NP_LEAD.test(det.w) || det.art) && NON_PERSON.has(head.w)) {
      return stop("other-sense", `"${head.w} is ${m.rel}": a thing, not a partner`);
    }
  }
  return null;
}

/** Dating, wedding, proposal and ex words in another sense ("dating back", "married to it"). */
function wordSense(m: Match): Stop | null {
  const { rel, afterRel, canon, g } = m;
  // "jeva es como dicen...": a bare partner word as the subject is chat English.
  if (m.rule.name === "partner-subject" && canon.lang !== "en") {
    return stop("other-sense", `a bare "${rel}" as a subject is read in English chat only`);
  }
  if (rel === "dating" || rel === "dated" || rel === "date") {
    const pre = canon.pieces[m.relAt - 1]?.w ?? canon.pieces[m.first - 1]?.w ?? "";
    if (BEFORE_DATING_OTHER.has(pre)) return stop("other-sense", `"${pre} ${rel}"`);
    // "dating back to 1990" is age; "dated back in 2022" is when.
    const then = canon.pieces[m.relEnd + 2]?.w ?? "";
    if (
      DATING_OTHER.has(afterRel) &&
      !(afterRel === "back" && /^(?:in|when|then|during|before|at|[0-9]{4})$/.test(then))
    ) return stop("other-sense", `"${rel} ${afterRel}"`);
  }
  // "kai with mira is confirmed for the tournament": a line-up, not a couple.
  if (/^(?:confirmed|official|officially)$/.test(rel) && afterRel === "for") {
    return stop("other-sense", `"${rel} for ..." is a line-up, not a couple`);
  }
  if (
    rel === "married" && g.prep === "to" && !g.t && afterRelTo(canon, m.relEnd) &&
    !marriedToSomeone(canon, m.relEnd)
  ) {
    return stop(
      "other-sense",
      `"married to ${canon.pieces[m.relEnd + 2]?.w ?? ""}" is not a person`,
    );
  }
  // "casaste bem essas duas cartas": matched well, not wed.
  if ((rel === "married" || rel === "marry") && afterRel === "well") {
    return stop("other-sense", `"${rel} well" is a good match of things, not a wedding`);
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
  return relToThing(m);
}

/**
 * "vai casar com essa arma", "married to that controller", "dating his new keyboard": a
 * relationship verb whose object is a thing (past its determiners and adjectives).
 */
function relToThing(m: Match): Stop | null {
  if (!/^(?:married|marry|marrying|dating|dated|date|engaged)$/.test(m.rel)) return null;
  const p = m.canon.pieces;
  let k = m.relEnd + 1;
  if (p[k]?.w === "to" || p[k]?.w === "with") k++;
  let lead = 0;
  while (p[k] && (NP_LEAD.test(p[k]!.w) || p[k]!.art || /^(?:that|this|these)$/.test(p[k]!.w))) {
    k++, lead++;
  }
  const head = p[k]?.w ?? "";
  // ("dating the tiktok girl": the thing describes the person after it.)
  if (
    lead === 0 || !NON_PERSON.has(head) ||
    /^(?:girl|guy|boy|dude|chick|woman|lady|gal|bloke|lad)$/.test(p[k + 1]?.w ?? "")
  ) return null;
  return stop("other-sense", `"${m.rel} ... ${head}": a thing, not a person`);
}

/** "partner" in a game, a business, Twitch's program. */
function partnerSense(m: Match): Stop | null {
  const { afterRel, canon, g } = m;
  if (g.rel === "partner" || g.p === "partner") {
    const x = WITH_ACTIVITY.exec(m.whole);
    if (x) return stop("other-sense", `"${x[0].trim()}": a partner in a game`);
    const pre = canon.pieces[m.relAt - 1]?.w ?? "";
    if (/^(?:duo|twitch|business|coop|co-op|collab|trading|stream|gaming|squad|team)$/.test(pre)) {
      return stop("other-sense", `"${pre} partner" is not a partner in love`);
    }
    // "ur partner in crime", "dex's partner checkmark", "tu pareja de dobles": other partners.
    const next2 = canon.pieces[m.relEnd + 2]?.w ?? "";
    if (
      afterRel === "in" && next2 === "crime" || PARTNER_THING.has(afterRel) ||
      afterRel === "of" && /^(?:dobles|doubles|duo|baile|dance|equipo|team)$/.test(next2)
    ) {
      return stop(
        "other-sense",
        `"partner ${afterRel}${next2 ? " " + next2 : ""}" is another partner`,
      );
    }
    // "when did maya get partner?": the Twitch program, without an article.
    if (/^(?:get|got|gets|getting|hit|reach|reached|made)$/.test(pre)) {
      return stop("other-sense", `"${pre} partner" is Twitch's partner program`);
    }
  }
  return null;
}

/** Proposals of things, break-ups of teams, a status followed by chat, together in a game. */
function statusSense(m: Match): Stop | null {
  const { rel, afterRel, canon, g } = m;
  if (rel.startsWith("propos") && afterRel && g.prep !== "to" && !NO_TARGET_END.has(afterRel)) {
    return stop("other-sense", `"${rel} ${afterRel}" proposes something else`);
  }
  if (
    (rel === "broke up" || rel === "split up" || rel === "divorced") && m.rule.name === "status" &&
    /^(?:the|a|an|this|that|my|his|her|their|every|each|it|fights?|teams?|to)$/.test(afterRel)
  ) {
    return stop("other-sense", `"${rel} ${afterRel}" is not about a relationship`);
  }
  // "il est casé les gars", "léa est casée avec un mec de lyon": chat after the status, or "with".
  const after = afterRel === "the" ? canon.pieces[m.relEnd + 2]?.w ?? "" : afterRel;
  if (
    (rel === "single" || rel === "taken") && after && !STATUS_NEXT.has(after) &&
    // "ob kalle vergeben is": German puts the verb last in a clause after "ob", "dass".
    !(canon.lang === "de" && /^(?:is|was|are|were)$/.test(after)) &&
    !(rel === "taken" && after === "with") && /\p{L}/u.test(after)
  ) {
    if (!isEmote(m.run, canon.pieces[m.relEnd + 1]!)) {
      return stop("other-sense", `"${rel} ${afterRel}" is not about a relationship`);
    }
  }
  if (
    m.rule.name === "together" || m.rule.name === "together-reverse" ||
    m.rule.name === "together-pair"
  ) {
    // ("vivent ensemble à marseille": where they live is no activity.)
    if (rel.endsWith("together") && !/^liv/.test(rel) && ACTIVITY_NEXT.has(afterRel)) {
      return stop("other-sense", `"together ${afterRel}" is an activity`);
    }
    const [a, b] = clauseSpan(canon, m.first);
    const x = rel.endsWith("together") &&
      WITH_ACTIVITY.exec(canon.pieces.slice(a, b).map((p) => p.w).join(" "));
    if (x) return stop("other-sense", `"${x[0].trim()}": together in a game`);
  }
  return null;
}

/** What follows "partner" when it is Twitch's program ("partner checkmark"). */
const PARTNER_THING = new Set(
  "checkmark check badge program programme status requirements requirement plus application emotes"
    .split(" "),
);

/** "il est marié, le kev": the streamer named again after "married", not as the partner. */
export function dislocated(m: Match): boolean {
  return (m.rel === "married" || m.rel === "engaged") && !m.g.prep && m.afterRel === "STREAMER" &&
    (m.rule.name === "married" || m.rule.name === "status");
}

/** After "ex", what someone used to be other than a partner ("his ex teammate"). */
const EX_WHAT = new Set(
  ("teammate teammates team mate player pro champion champ captain mod moderator coach member " +
    "boss roommate editor manager employee coworker colleague friend bestie sub viewer " +
    "streamer org channel duo partner")
    .split(" "),
);

/** "he is dating nobody". */
export const datingNobody: Guard = (m: Match): Stop | null =>
  /^(?:nobody|noone|no)$/.test(m.afterRel) &&
    /^(?:dating|seeing|dated|dates|date|with|w)$/.test(m.rel)
    ? stop("negation", `"${m.rel} ${m.afterRel} ..." says there is nobody`)
    : null;

/** "with X" in a message about a collab or a duo is company. */
export const withIsCompany: Guard = (m: Match): Stop | null => {
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
  /(?:^| )(?:=|confirmed|official|officially|canon|real|couple|a couple|cutest|together|dating|married|engaged|wedding|[0-9]{4}|💍|💕|❤️|❤|💚|😭)(?= |$)/;

/** Marks of a couple later in the sentence of a clipped pair ("..., the cutest couple"). */
const CLIP_MARK_LATER =
  /(?:^| )(?:confirmed|official|officially|canon|couple|a couple|partner|together|dating|married|engaged|thing|💍)(?= |$)|(?:^| )(?:are|is) [^?]*\?$/;
/** The hearts and the handshake that join a clipped pair, and the "3" of a text heart "<3". */
const HEART_JOIN_RAW = /^(?:3|❤️?|♥️?|🤝|💕|💞|💘|💑|💏)$/u;

/**
 * "rexx + sienna confirmed", "dax + jess??", "sienna = gf??": clipped forms need a mark that
 * they speak of a couple (a "=", "confirmed", "?", a ring); "luna and max" alone is nothing.
 */
export const clippedNeedsMark: Guard = (m: Match): Stop | null => {
  const r = m.rule.name;
  if (r !== "clipped-pair" && r !== "clipped-pair-reverse" && r !== "clipped-name") return null;
  // "o rui e a inês?": the article is in the match, the name after it.
  const last = m.canon.pieces[m.last]!.art ? m.last + 1 : m.last;
  const next = m.canon.pieces[last + 1]?.w ?? "";
  if (r === "clipped-name") {
    if (m.g.eq === "=" || next === "?") return null;
    return stop("clipped", `"${m.g.t} ${m.rel}" without "=" or "?" says nothing`);
  }
  if (CLIP_MARK.test(m.g.tail ?? "")) return null;
  if (next === "?" && m.rel !== "and") return null;
  // "o rui e a inês? 👀", "paco y carla??": the pair alone, asked, is the question whether they
  // are one.
  if (next === "?" && pairAlone(m, last)) return null;
  // "tobi x fern 😳", "marl x sasha 100%", "lena x tobi 💍💍": a shipped pair alone on its line,
  // closed by an emoji or a figure, is the mark.
  if (m.rel !== "and" && shippedAlone(m, last)) return null;
  // "kai x mira 4ever": a word of shipping closing the pair.
  if (m.rel !== "and" && /^(?:forever|4ever|4life|otp|endgame)$/.test(next)) return null;
  // "paco ❤️ carla", "memo 🤝 ximena": the heart or the handshake is the mark.
  if (m.rel === "+" && HEART_JOIN_RAW.test(m.canon.pieces[m.relAt]!.raw)) return null;
  // "tina x max power couple", "fae + søren still a thing?": a mark a word or two later.
  if (m.rel !== "and") {
    const [, b] = sentenceSpan(m.canon, last);
    if (b - last <= 5) {
      const rest = m.canon.pieces.slice(last + 1, b + 1).map((p) => p.w).join(" ");
      if (CLIP_MARK_LATER.test(rest) && !NEGATION.test(rest)) return null;
    }
  }
  // "rober y marta, la mejor pareja de twitch": the mark in an aside after a comma.
  if (next === ",") {
    const [, b] = sentenceSpan(m.canon, last);
    const rest = m.canon.pieces.slice(last + 2, b + 1).map((p) => p.w).join(" ");
    if (CLIP_MARK_LATER.test(rest) && !NEGATION.test(rest)) return null;
  }
  return stop("clipped", `"${m.rel}" between two names without a mark of a couple`);
};

/**
 * Is the clipped pair the whole message, from its start (after openers), closed only by emoji,
 * figures or laughter ("tobi x fern 😳", "bazza + kirsty 4 life ❤️"), one of them at least?
 */
function shippedAlone(m: Match, last: number): boolean {
  const p = m.canon.pieces;
  if (!atSentenceStart(m.canon, m.first) || last + 1 >= p.length) return false;
  let mark = false;
  for (let i = last + 1; i < p.length; i++) {
    const w = p[i]!.w;
    if (!/\p{L}/u.test(w) || w === "life" && /^(?:4|for)$/.test(p[i - 1]!.w)) {
      if (w !== "?" && w !== "." && w !== ",") mark = true;
    } else if (!LAUGHTER.test(w) && !isEmote(m.run, p[i]!) && !CLIP_WORD.has(w)) return false;
  }
  return mark;
}
/** Words of chat after a shipped pair that leave it alone on its line. */
const CLIP_WORD = new Set(
  ["fr", "frfr", "4", "for", "ong", "rn", "now", "always", "forever", "4ever", "4life", "otp"],
);

/** Is the clipped pair the whole sentence, from its start (after openers) to its "?"? */
function pairAlone(m: Match, last: number): boolean {
  const p = m.canon.pieces;
  if (!atSentenceStart(m.canon, m.first)) return false;
  // Nothing but emotes, laughter and more "?" after it.
  for (let i = last + 2; i < p.length; i++) {
    const x = p[i]!;
    if (x.w !== "?" && !isEmote(m.run, x) && !LAUGHTER.test(x.w) && /\p{L}/u.test(x.w)) {
      return false;
    }
  }
  return true;
}

/** Words after "proposed" that keep the marriage sense. */
const NO_TARGET_END = new Set(
  "? . , lol lmao omg yesterday today finally already chat bro on at in last yet".split(" "),
);

/** "married to X" with X a word (not the end of the sentence, as in "who is he married to?"). */
/** A person named by what they do: "a guitarist", "un baterista", "un guitariste", "a player"
 * (no "-ian": "julian", "florian", "sebastian" are names). */
export const ROLE_PERSON =
  /^(?:\p{L}{3,}(?:ist|iste|ista|isten|istin|eur|euse|ero|ador|adora|eiro|eira)|drummer|singer|rapper|gamer|streamer|youtuber|dancer|player|teacher|lawyer|doctor|nurse|chef|cop|guy|girl|woman|man|dude|lady|billionaire|millionaire|footballer|runner|producer|pilot|soldier|firefighter|actor|actress)$/u;

/**
 * "married to a guitarist", "casada con un baterista", "mariée à un guitariste", "married to a
 * checkers player": after "a", a person named by what they do (within three words) is a
 * partner left unnamed, not a thing one is "married to".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { marriedToSomeone } from "./guards_sense.ts";
 * const c = canonicalize("she was married to a guitarist", { channel: "example_channel" });
 * const at = c.pieces.findIndex((p) => p.w === "married");
 * assert.equal(marriedToSomeone(c, at), true);
 * ```
 */
export function marriedToSomeone(canon: Canon, relEnd: number): boolean {
  const art = canon.pieces[relEnd + 2]?.w;
  if (art !== "a" && art !== "an") return false;
  for (let k = relEnd + 3; k <= relEnd + 5; k++) {
    const w = canon.pieces[k]?.w;
    if (w === undefined || w === "?" || w === "." || w === ",") return false;
    if (ROLE_PERSON.test(w)) return true;
  }
  return false;
}

function afterRelTo(canon: Canon, relEnd: number): boolean {
  const w = canon.pieces[relEnd + 2]?.w;
  return w !== undefined && w !== "?" && w !== "." && w !== ",";
}
