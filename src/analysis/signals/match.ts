/**
 * One rule match as the guards read it: the named groups, the relationship word, the streamer
 * reference, the sentence and clause around it, and whether it asks (an auxiliary or a question
 * word opening its clause, an indirect question, a tag, a "?" closing a statement, but not the
 * surprised "he's dating her now??" or a confirming "right?").
 *
 * @module
 */
import type { Canon } from "./canonical_form.ts";
import { atSentenceStart, clauseSpan, pieceAt, sentenceBefore, sentenceSpan } from "./clauses.ts";
import type { Rule } from "./rules.ts";
import type { Run } from "./target.ts";

const INDIRECT_QUESTION =
  /(?:^| )(?:(?:wonder|wondering|know|knows|idk|curious|sure|unsure|tell us|ask|asked|explain)(?: (?:who|someone|anyone|somebody|anybody|chat|me|us))? (?:if|whether)|true (?:it )?that|wonder that)(?= |$)/;
/** A question word before the match in its sentence: "who is his gf", "since when is he". */
const WH =
  /(?:^| )(?<!(?:from|by|of|for|to) )(?:who|whom|whos|which|when|how|why|where|what)(?= |$)/;
/** "..., or not?", "o no", "ou pas", "oder was": a question tag after the match. */
const OR_TAG =
  / or (?:(?:still )?(?:not|nah|no|what|that|quoi|something|nothing|nein|non|nao|não)|(?:is|are|was|has|does) (?:he|she|STREAMER|you))(?= |$)/;
/**
 * "..., or just friends", "o nomás amigos", "oder ist das nur rp?", "ou célibataire?": another
 * reading offered after "or" asks which it is.
 */
const OR_ALTERNATIVE =
  / or (?:just|only|nomás|nomas|merely|simply|simplement|is it just|it is just|was that|is that|that is|it is|is it|is that just|single|taken|married|friends|a friend)(?= |$)/;
/** Words German fronts before its verb in a statement ("jetzt", "dann", "schon", "seitdem"). */
const FRONTED = new Set(["now", "then", "already", "since", "before", "after", "also", "so"]);

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
  /**
   * The rules read the form firmly: a question, or a statement that a "?" closes but a tag, a
   * surprise or an outcry makes a statement ("tiene novio verdad?", "dating her now??"). A
   * statement with no "?" and no such word is read as a statement by default only.
   */
  formFirm: boolean;
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

/** A stop by `guard`, saying why. */
export const stop = (guard: string, why: string): Stop => ({ guard, why });

/**
 * Reads a rule's regex match into a {@link Match}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { readMatch } from "./match.ts";
 * import { RULES } from "./rules.ts";
 * const canon = canonicalize("is he dating sara", { channel: "x_tv" });
 * const rule = RULES.find((r) => r.name === "dating")!;
 * rule.indexed.lastIndex = 0;
 * const run = { text: "is he dating sara", canon, emotes: new Set<string>(), wide: undefined };
 * const m = readMatch(rule, rule.indexed.exec(canon.text)!, run);
 * assert.equal(m.isQuestion, true);
 * assert.equal(m.rel, "dating");
 * ```
 */
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
  const form = formOf(canon, first, last, before, Boolean(g.aux), tWord);
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
      rule.name === "elliptic" || (rule.name === "congrats" && !g.s) || rule.name === "take-care",
    // "alguien sabe con quién sale pablito": "with whom" asks, said straight or reported.
    isQuestion: rule.name === "with-whom" || form === "asks",
    formFirm: rule.name === "with-whom" || form !== "states",
    relAt,
    relEnd,
    afterRel: canon.pieces[relEnd + 1]?.w ?? "",
    clauseBefore,
    partnerAddressed: false,
  };
}

/** Question words as canonical pieces. */
const WH_WORD = new Set(["who", "whom", "whos", "which", "when", "how", "why", "where", "what"]);
/** Before a question word, these keep it asking: "with who", "since when", "i wonder who". */
const WH_LEAD = new Set(
  "with of since wonder wondering know knows curious ask asking tell sure".split(" "),
);

/**
 * Does a question word in the clause before piece `first` ask? It does where it opens its
 * clause ("wait who is marco?") or follows "with", "since", "wonder"...; after a noun it is a
 * relative pronoun ("pour les nouveaux qui demandent..., anaïs est mariée avec hugo", "le gars
 * qui prend les photos c'est yann"), and asks nothing.
 */
function whAsks(canon: Canon, first: number): boolean {
  const [a] = clauseSpan(canon, first);
  for (let j = first - 1; j >= a; j--) {
    if (!WH_WORD.has(canon.pieces[j]!.w)) continue;
    if (atSentenceStart(canon, j) || WH_LEAD.has(canon.pieces[j - 1]?.w ?? "")) return true;
  }
  return false;
}

/** Pieces that make "X now??" a surprised claim rather than a question. */
const NOW = new Set(["now", "rn", "already"]);

/**
 * Is the match a question? An auxiliary that opens its clause ("is he dating"), a question
 * word ("who is his gf"), an indirect question ("anyone know if"), a tag ("or not?"), or a
 * "?" closing a statement ("sigue con marta?"), except the surprised "he's dating her now??":
 * "asks"; a statement with no "?": "states"; a "?" that a tag, a surprise or an outcry makes a
 * statement: "tagged".
 */
function formOf(
  canon: Canon,
  first: number,
  last: number,
  before: string,
  aux: boolean,
  target: string,
): "asks" | "states" | "tagged" {
  // "rio do u have a bf": the streamer's name calls them before the question.
  const vocative = before === "STREAMER" || /^@\S+$/.test(before);
  const wh = WH.test(before) && whAsks(canon, first);
  // "jetzt ist er mit jana zusammen": German puts its verb second after a fronted word; without
  // a "?" that is a statement.
  const v2 = canon.lang === "de" && aux && FRONTED.has(canon.pieces[first - 1]?.w ?? "") &&
    canon.pieces[sentenceSpan(canon, first)[1]]?.w !== "?";
  if (aux && !v2 && (atSentenceStart(canon, first) || vocative || wh)) return "asks";
  if (/^(?:is|are|does|do|did|was|were|has|have|will|can)(?= |$)/.test(before)) return "asks";
  // "idk if yall know but rae is engaged": the indirect question binds to its own clause.
  if (wh || INDIRECT_QUESTION.test(before.replace(/^.*(?:^| )(?:but|,)(?= |$)/, ""))) return "asks";
  if (target === "who" || target === "whos" || target === "which") return "asks";
  const [, b] = sentenceSpan(canon, first);
  const p = canon.pieces;
  const rest = p.slice(last + 1, b).map((x) => x.w).join(" ");
  if (OR_TAG.test(" " + rest) || OR_ALTERNATIVE.test(" " + rest)) return "asks";
  // "hoshi w ren or kaito tho": two names offered as a choice ask which.
  if (/^or [^ ]+(?: (?:tho|though|now|rn|lol|lmao))*$/.test(rest) && target !== "") return "asks";
  if (p[b]?.w !== "?") return "states";
  // "lea ist mit dem typen zusammen, oder?", "..., no?": a bare tag asks; "..., né?" and
  // "..., hein?" ask to agree with a statement (below).
  if (/(?:^| )(?:or|not|no|nah|ne|nee)$/.test(rest) && p[b - 2]?.w === ",") return "asks";
  // "hes dating sienna now?? since when": surprise, not a question.
  let now = false;
  for (let i = first; i < b; i++) if (NOW.has(p[i]!.w)) now = true;
  const surprised = p[b]!.raw.length >= 2 && now;
  // "lena's husband is the editor right?": a tag asks to agree with a statement.
  // "tiene novio verdad?", "namora com a inês, certo?": the same tag in the other languages.
  // "o pedro é o namorado da bia né?", "hugo c'est le copain de math, hein?": the same.
  const tagged =
    /^(?:right|innit|ye|yeah|no cap|isnt he|isnt she|is not he|is not she|né|hein)$/.test(
      p[b - 1]?.w ?? "",
    ) || p[b - 1]?.w === "ça" && p[b - 2]?.w === "is" ||
    canon.addressed === null && /^(?:true|certo|certain)$/.test(p[b - 1]?.w ?? "") &&
      !/^(?:is|it|that|this|'s|was|for|not)$/.test(p[b - 2]?.w ?? "");
  // "sale con la vale y nadie dijo nada??": the "?" is an outcry at a second clause.
  const outcry = /(?:^| )and (?:.* )?(?:nobody|never|nothing|not)(?= |$)/.test(rest);
  return surprised || tagged || outcry ? "tagged" : "asks";
}

// Guard words over the canonical text.
/** Negation words. */
export const NEGATION = /(?:^| )(?:not|never|no longer)(?= |$)/;
/** Words that dispute a claim or shut the topic down. */
export const DENIAL =
  /(?:^| )(?<!(?:not gonna|not going to|no|will not|wont|i will not) )(?:fake|fake news|lie|lies|lying|not true|untrue|false|debunked|no way|stop asking|quit asking|stop saying|do not ask|nobody cares|who cares|nobody asked|asking if|asking about|asking whether|nonsense|bs|bullshit|delulu|in your dreams|in his dreams|in her dreams|he wishes|she wishes|as if|rumou?rs? (?:is|are) (?:fake|false))(?= |$)|(?<!no) cap(?= |$)/;
/** Words that point to a game or a story. */
const FICTION =
  /(?:^| )(?:in (?:the )?(?:game|sim|story|rp|movie|anime|series|book|novel|lore)|ingame|npc|npcs|character|characters|waifu|husbando|stardew|sims|bg3|baldurs|baldur|persona|personaje|personagem|personnage|romanced|romance|romanceable|playthrough|save file|rp|roleplay|nopixel|gta|skyrim|mass effect|fire emblem|dragon age|witcher|cyberpunk|harvest moon|otome|visual novel|fanfic|episode|movie|anime|manga|film)(?= |$)/;
/** Words that point to an ad or an app. */
const SPONSOR =
  /(?:^| )(?:sponsor|sponsors|sponsored|sponsorship|promo|code|discount|[0-9]+ off|download|affiliate|link in bio|ad|ads|advert|app|apps|tinder|hinge|bumble)(?= |$)/;

/** Computes the message-wide guards once per message. */
export function wide(run: Run): NonNullable<Run["wide"]> {
  const whole = run.canon.text;
  return run.wide ??= {
    denial: DENIAL.exec(whole)?.[0].trim() ?? null,
    fiction: FICTION.exec(whole)?.[0].trim() ?? null,
    ad: SPONSOR.exec(whole)?.[0].trim() ?? null,
  };
}
