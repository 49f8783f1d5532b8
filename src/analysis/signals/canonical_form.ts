/**
 * Step 2 of the relationship-signal analyzer: the canonical form of a message. Words are
 * lowercased, contractions and chat spellings unified ("hes" -> "he is"), references to the
 * streamer become `STREAMER`, and a leading `@someone` who is addressed is set aside. Each
 * canonical word (a piece) keeps its span in the original text, for snippets and targets.
 *
 * @module
 */
import {
  ADDRESS_AFTER_IS,
  CONTRACTION_TAIL,
  LEAD_FILLER,
  NOT_THE_STREAMER,
  REWRITE,
  YOURE_NEXT,
} from "./vocabulary.ts";
import {
  ELISION,
  fold,
  guessLanguage,
  type Lang,
  LEXICON,
  NAME_ARTICLES,
  SUBJECTLESS,
  transliterate,
} from "./languages.ts";
import { aliasesFor, guessStreamer } from "./streamer_alias.ts";
import {
  addImpliedSubjects,
  closeLeadIn,
  germanDemonstrative,
  rewritePhrases,
} from "./word_order.ts";

/** After a name in "s" with no apostrophe, the words that make it a nickname, not a possessive. */
const NICKNAME_S_NEXT =
  /^(?:is|was|has|had|got|and|x|\+|=|&|dating|married|engaged|single|taken|still|just|really|and|w|with|broke|split|dumped|left|getting|gets|hes|shes)$/;

/** What an "ex-" makes a former partner of. */
const EX_OF = new Set(["gf", "bf", "wife", "husband", "fiance", "partner", "girl", "man", "bae"]);

/** Hearts and a handshake that join two names: "paco ❤️ carla", "memo 🤝 ximena". */
const HEART_JOIN = /^(?:❤️?|♥️?|🤝|💕|💞|💘|💑|💏)$/u;

/** A message with a link or a path, where "/" joins no pair. */
const LINKISH = /:\/\/|www\.|\.[a-z]{2,4}\/|\/\S*\//i;

/** Titles and particles of respect chat puts around a streamer's name (Filipino, Indian). */
const HONORIFIC = /^(?:kuya|didi|bhai|bhaiya|po)$/;

/** Determiners before a common noun: "the runner", "a cat", "my queen". */
const DETERMINER = /^(?:the|a|an|my|his|her|your|ur|our|their|every|some|any)$/;

/** Who the streamer is, for one message. */
export interface SignalContext {
  /** The channel login (the streamer's login); `#` and `@` are ignored, case too. */
  channel: string;
  /** More names for the streamer, such as the display name or a nickname. */
  streamerNames?: readonly string[];
  /** Emote names present in this message (e.g. from Twitch's emote tag): never targets. */
  emotes?: readonly string[];
}

export interface Piece {
  /** Canonical word. */
  w: string;
  /** Span in the original text. */
  s: number;
  e: number;
  /** The original word, as written (for emote heuristics). */
  raw: string;
  mention: boolean;
  /** A verb that may open a sentence without its subject ("tiene novia?"). */
  pro?: true;
  /** An article that may stand before a name ("a larissa", "die kathi"). */
  art?: true;
  /** A name read as the streamer's nickname ({@link guessStreamer}), not known from the login. */
  guessed?: true;
}

export interface Canon {
  pieces: Piece[];
  text: string;
  /** Start offset of each piece in `text`. */
  starts: number[];
  /** The person addressed by a leading @mention, when it is not the streamer. */
  addressed: string | null;
  /** The language the message was read in. */
  lang: Lang;
  /** The name read as the streamer's nickname, when no known reference to them was found. */
  guessed: string | null;
}

// Words are runs of anything but spaces and punctuation (cheaper than \p{L} with /u, and
// emoji stay words); "w/" is "with"; runs of ?!.;,& are punctuation.
const TOKEN =
  /w\/(?=\s|$)|@?[^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:¿¡…]+(?:['’][^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:¿¡…]+)*|[?!.;,&:…()[\]]+|[+=]/g;

/**
 * The canonical form of `text` for the channel in `ctx`: canonical words with their spans,
 * the language it was read in, and the person addressed by a leading @mention.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * assert.equal(canonicalize("¿tiene novia?", { channel: "pablito_gg" }).text, "he has gf ?");
 * const c = canonicalize("@mod is luna's bf max?", { channel: "luna_plays" });
 * assert.equal(c.text, "is STREAMER 's bf max ?");
 * assert.equal(c.addressed, "mod");
 * ```
 */
export function canonicalize(text: string, ctx: SignalContext): Canon {
  const tokens: RegExpExecArray[] = [];
  const lowered: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) {
    tokens.push(m);
    lowered.push(m[0].toLowerCase().replace(/’/g, "'"));
  }
  const lang = guessLanguage(lowered);
  const r: Reading = {
    text,
    pieces: [],
    tokens,
    lowered,
    lang,
    lexicon: lang === "en" ? null : LEXICON[lang],
    aliases: aliasesFor(ctx),
    login: ctx.channel.toLowerCase().replace(/^[#@]/, ""),
  };
  for (let ti = 0; ti < tokens.length; ti++) {
    if (readSymbol(r, ti)) continue;
    let low = lowered[ti]!;
    const mention = low.charCodeAt(0) === 64;
    if (mention) low = low.slice(1);
    if (readStreamer(r, ti, low, mention) || readSpecial(r, ti, low, mention)) continue;
    readPlain(r, tokens[ti]!, low);
  }
  const pieces = r.pieces;
  if (lang === "de") {
    germanSenses(pieces);
    germanDemonstrative(pieces);
  }
  // "vc e o brunao": no article before the streamer.
  for (let k = pieces.length - 2; k >= 0; k--) {
    if (pieces[k]!.art && pieces[k + 1]!.w === "STREAMER") pieces.splice(k, 1);
  }
  if (lang === "fr") dislocatedSubject(pieces);
  rewritePhrases(pieces);
  closeLeadIn(pieces);
  if (lang !== "en") addImpliedSubjects(pieces);
  // "your dating emmy": the common typo for "you're".
  for (let i = 0; i + 1 < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.w === "your" && YOURE_NEXT.has(pieces[i + 1]!.w)) {
      pieces.splice(i, 1, { ...p, w: "you" }, { ...p, w: "are" });
    }
  }
  return assemble(pieces, setAsideAddressed(pieces, lang), lang, null);
}

/** One message being read into pieces. */
interface Reading {
  text: string;
  pieces: Piece[];
  tokens: RegExpExecArray[];
  lowered: string[];
  lang: Lang;
  lexicon: ReadonlyMap<string, string> | null;
  aliases: { has(w: string): boolean };
  login: string;
}

function push(
  r: Reading,
  w: string,
  m: RegExpExecArray,
  mention = false,
  flag?: "pro" | "art",
): void {
  const p: Piece = { w, s: m.index, e: m.index + m[0].length, raw: m[0], mention };
  if (flag) p[flag] = true;
  r.pieces.push(p);
}

/** Looks a word up in the message's language; true when it was rewritten. */
function foreign(r: Reading, low: string, m: RegExpExecArray): boolean {
  const { lexicon, lang, pieces } = r;
  if (lexicon === null) return false;
  let key = low;
  let rw = lexicon.get(key);
  if (rw === undefined) rw = lexicon.get(key = fold(low));
  // "separaram-se", "casou-se": a Portuguese verb with its pronoun after a hyphen.
  if (rw === undefined && lang === "pt" && /-(?:se|me|te|lhe|nos)$/.test(low)) {
    rw = lexicon.get(key = low.slice(0, low.lastIndexOf("-")));
    if (rw === undefined) rw = lexicon.get(key = fold(key));
  }
  // "jevita", "noviecito", "namoradinha", "maridinho": a diminutive of a word for a partner
  // reads as the word (and only such a word: "casita" stays a little house).
  if (rw === undefined && (lang === "es" || lang === "pt")) {
    rw = partnerDiminutive(r.lexicon!, fold(low));
    if (rw !== undefined) key = low;
  }
  if (rw === undefined) return false;
  if (rw === "-") return true;
  // "puis avec marie": without its accent, "marie" is married only after a verb of being.
  if (
    key === "marie" &&
    !/^(?:is|are|was|were|not|been|be|has|have|already|still|now)$/.test(
      pieces[pieces.length - 1]?.w ?? "",
    )
  ) return false;
  const flag = SUBJECTLESS[lang as Exclude<Lang, "en">].has(low) ||
      SUBJECTLESS[lang as Exclude<Lang, "en">].has(key)
    ? "pro"
    : NAME_ARTICLES[lang as Exclude<Lang, "en">].has(key)
    ? "art"
    : undefined;
  const ws = rw.split(" ");
  ws.forEach((w, k) => push(r, w, m, false, k === 0 ? flag : undefined));
  return true;
}

/** The canonical words for a partner that a diminutive keeps ({@link partnerDiminutive}). */
const PARTNER_WORD = new Set([
  "gf",
  "bf",
  "wife",
  "husband",
  "fiance",
  "girl",
  "man",
  "bae",
  "partner",
]);
/** Spanish and Portuguese diminutive endings, with the ending of the word they shorten. */
const DIMINUTIVE_END = /(?:ecit|cit|zinh|inh|it)([ao])$/;

/**
 * The reading of a diminutive of a partner word ("jevita" -> gf, "noviecito" -> bf,
 * "namoradinha" -> gf), or undefined when the word is none.
 */
function partnerDiminutive(lexicon: ReadonlyMap<string, string>, w: string): string | undefined {
  const m = DIMINUTIVE_END.exec(w);
  if (m === null || m.index < 3) return undefined;
  const base = w.slice(0, m.index);
  for (const end of [m[1]!, "a", "o", "e", ""]) {
    const rw = lexicon.get(base + end);
    if (rw !== undefined && PARTNER_WORD.has(rw)) return rw;
  }
  return undefined;
}

/** Hearts, punctuation, "+" and "=" and a slash between words; true when the token is read. */
function readSymbol(r: Reading, ti: number): boolean {
  const m = r.tokens[ti]!;
  const { text, pieces, tokens } = r;
  const tok = m[0];
  const c0 = tok.charCodeAt(0);
  // "paco ❤️ carla": a heart or a handshake joining two words is a clipped "+".
  // "rui + inês ❤️ desde 2022": after a pair, the heart marks it.
  if (
    HEART_JOIN.test(tok) && pieces.length > 0 && /^[@\p{L}]/u.test(tokens[ti + 1]?.[0] ?? "") &&
    !/^(?:\+|and)$/.test(pieces[pieces.length - 2]?.w ?? "")
  ) {
    push(r, "+", m);
    return true;
  }
  // "kai <3 mira": the text heart joins two names too.
  if (tok === "3" && text.charCodeAt(m.index - 1) === 60 && text.charCodeAt(m.index - 2) === 32) {
    push(r, "+", m);
    return true;
  }
  if (tok === "\u{1F9E2}") {
    push(r, "cap", m);
    return true;
  }
  if (
    c0 === 63 || c0 === 33 || c0 === 46 || c0 === 59 || c0 === 44 || c0 === 38 || c0 === 58 ||
    c0 === 0x2026 || c0 === 40 || c0 === 41 || c0 === 91 || c0 === 93
  ) {
    if (tok.includes("?")) push(r, "?", m);
    else if (/[.!;:\u2026]/.test(tok)) push(r, ".", m);
    else if (/[,()[\]]/.test(tok)) push(r, ",", m);
    else push(r, "and", m);
    return true;
  }
  // "lucas/inès c'est officiel": a slash between two words joins them like "+" (not in links).
  if (
    pieces.length > 0 && text.charCodeAt(m.index - 1) === 47 &&
    tokens[ti - 1]!.index + tokens[ti - 1]![0].length === m.index - 1 &&
    /^\p{L}+$/u.test(tok) && /^\p{L}+$/u.test(tokens[ti - 1]![0]) && !LINKISH.test(text)
  ) push(r, "+", { ...m, index: m.index - 1, 0: "/" } as RegExpExecArray);
  if (c0 === 43 || c0 === 61) {
    push(r, tok[0]!, m);
    return true;
  }
  return false;
}

/** The streamer, possibly possessive: "luna", "@luna_plays", "luna's", "lunas", "the streamer". */
function readStreamer(r: Reading, ti: number, low: string, mention: boolean): boolean {
  const m = r.tokens[ti]!;
  const { pieces, lowered, lang, aliases, login } = r;
  // The streamer, possibly possessive: "luna", "@luna_plays", "luna's", "lunas".
  // "léa" in lea_joue's chat: the login has no accents; "jürgen" in juergen_kocht's, no umlauts.
  if (
    aliases.has(low) ||
    /[\u0080-\uffff]/.test(low) && (aliases.has(fold(low)) || aliases.has(transliterate(low)))
  ) {
    // "the runner he raced" in splitzrunner's chat: after a determiner, a part of the login is
    // the common noun it was made of, not the streamer.
    const prev = pieces[pieces.length - 1]?.w ?? "";
    if (!(lang === "en" && DETERMINER.test(prev) && low !== login && !mention)) {
      push(r, "STREAMER", m);
      return true;
    }
  }
  const possStem = low.endsWith("'s")
    ? low.slice(0, -2)
    : low.endsWith("s")
    ? low.slice(0, -1)
    : "";
  // "the other streamer's ex", "a streamer's gf": some streamer, not this one.
  const someStreamer = possStem === "streamer" &&
    NOT_THE_STREAMER.test(pieces[pieces.length - 1]?.w ?? "");
  if (possStem && (aliases.has(possStem) || possStem === "streamer") && !someStreamer) {
    if (possStem === "streamer") takeDeterminer(pieces);
    push(r, "STREAMER", m);
    // "lils was engaged once", "tobs is engaged": without an apostrophe and before a verb,
    // the "s" is a nickname's, not a possessive.
    const next = lowered[ti + 1] ?? "";
    if (!low.endsWith("'s") && possStem !== "streamer" && NICKNAME_S_NEXT.test(next)) return true;
    push(r, "'s", m);
    return true;
  }
  // "maelle sort avec le streamer belge": once the streamer is named, "the streamer" after is
  // another one.
  const named = pieces.some((p) => p.w === "STREAMER" && p.raw.toLowerCase() !== "streamer");
  if (low === "streamer" && !named) {
    // "the streamer", "is streamer dating": the streamer; "a streamer", "my fav streamer": not.
    const prev = pieces[pieces.length - 1]?.w ?? "";
    if (takeDeterminer(pieces) || !NOT_THE_STREAMER.test(prev)) {
      push(r, "STREAMER", m);
      return true;
    }
  }
  return false;
}

/** Mentions, "ex-", French "go", Spanish "a", foreign words, honorifics, French elisions. */
function readSpecial(r: Reading, ti: number, low: string, mention: boolean): boolean {
  const m = r.tokens[ti]!;
  const { pieces, lang, lexicon, aliases } = r;
  if (mention) {
    push(r, "@" + low, m, true);
    return true;
  }
  // "ex-wife", "ex-gf", "ex-fründin", "ex-namorada": a former partner.
  if (
    /^ex[-–]/.test(low) &&
    EX_OF.has(REWRITE.get(low.slice(3)) ?? lexicon?.get(low.slice(3)) ?? low.slice(3))
  ) {
    push(r, "ex", m);
    return true;
  }
  // "sa go", "la go de tom", "il a une go": French slang for a girlfriend, after a determiner.
  if (
    lang === "fr" && low === "go" &&
    /^(?:his|your|my|a|the)$/.test(pieces[pieces.length - 1]?.w ?? "")
  ) {
    push(r, "gf", m);
    return true;
  }
  // "dejó a luli por sol": the Spanish "a" before a person object.
  if (lang === "es" && low === "a" && pieces[pieces.length - 1]?.w === "left") return true;
  // "zeus e inés lo dejaron": "dejarlo" is to break up; its "lo" is no article.
  if (lang === "es" && low === "lo" && /^dej/.test(r.lowered[ti + 1] ?? "")) return true;
  if (foreign(r, low, m)) return true;
  // "kuya migs ... po", "priya di", "bhai": titles and particles of respect around a name.
  if (HONORIFIC.test(low) || low === "di" && pieces[pieces.length - 1]?.w === "STREAMER") {
    return true;
  }
  if (lang === "fr") {
    // "t'es", "c'est", "qu'il", "d'ambre": the elided word, then the rest.
    const apos = low.indexOf("'");
    const el = apos > 0 ? ELISION.get(low.slice(0, apos)) : undefined;
    if (el !== undefined) {
      if (el !== "-") push(r, el, m);
      const rest = low.slice(apos + 1);
      if (aliases.has(rest) || aliases.has(fold(rest))) push(r, "STREAMER", m);
      else if (!foreign(r, rest, m)) push(r, rest, m);
      return true;
    }
  }
  return false;
}

/** A word rewritten ("hes" -> "he is"), a contraction split, or the word as it is. */
function readPlain(r: Reading, m: RegExpExecArray, low: string): void {
  const rw = REWRITE.get(low);
  if (rw !== undefined) {
    for (const w of rw.split(" ")) push(r, w, m);
    return;
  }
  const here = m;
  const word = (w: string) => {
    const parts = REWRITE.get(w);
    if (parts === undefined) push(r, w, here);
    else for (const x of parts.split(" ")) push(r, x, here);
  };
  if (low.endsWith("n't")) {
    word(low.slice(0, -3));
    push(r, "not", m);
  } else if (low.endsWith("'s")) {
    word(low.slice(0, -2));
    push(r, "'s", m);
  } else {
    const apos = low.indexOf("'");
    if (apos > 0) {
      word(low.slice(0, apos));
      const tail = CONTRACTION_TAIL[low.slice(apos)];
      if (tail) push(r, tail, m);
    } else {
      push(r, low, m);
    }
  }
}

/** German: "aber" inside a clause, "der"/"die" as "he"/"she", "sein Freund" as a friend. */
function germanSenses(pieces: Piece[]): void {
  // "die story ist aber fake": "aber" inside a clause is "however", no clause boundary.
  for (let k = pieces.length - 1; k > 0; k--) {
    const prev = pieces[k - 1]!.w;
    // ("ich will nicht lästern aber er hat ne freundin": before a subject it is "but".)
    const subject = /^(?:he|she|i|you|it|they|we|STREAMER|the|that)$/.test(
      pieces[k + 1]?.w ?? "",
    );
    if (
      /^aber$/i.test(pieces[k]!.raw) && prev !== "," && prev !== "." && prev !== "?" && !subject
    ) {
      pieces.splice(k, 1);
    }
  }
  // "der ist vergeben", "die hat safe nen freund": a demonstrative opening its clause is "he"/"she".
  for (let k = 0; k + 1 < pieces.length; k++) {
    const prev = pieces[k - 1]?.w;
    if (
      pieces[k]!.art && /^(?:der|die)$/i.test(pieces[k]!.raw) &&
      /^(?:is|has|was|are)$/.test(pieces[k + 1]!.w) &&
      (prev === undefined || prev === "," || prev === "." || prev === "?" || prev === "and" ||
        prev === "but")
    ) {
      const p = pieces[k]!;
      pieces[k] = {
        w: /^der$/i.test(p.raw) ? "he" : "she",
        s: p.s,
        e: p.e,
        raw: p.raw,
        mention: false,
      };
    }
  }
  for (let k = 1; k < pieces.length; k++) {
    if (
      /^freund/i.test(pieces[k]!.raw) &&
      /^(?:sein|seinem|seinen|bester|besten|ein|einem)$/i.test(pieces[k - 1]!.raw)
    ) {
      pieces[k]!.w = /(?:en|e)$/i.test(pieces[k]!.raw) ? "friends" : "friend";
    }
    // "seid ihr zwei ein paar?", Swiss "sind ihr zwei zäme", Bavarian "seids ihr": "ihr" after
    // the verb of the second person plural is "you".
    if (
      /^ihr$/i.test(pieces[k]!.raw) &&
      /^(?:seid|seids|sind|sinds|habt|händ|hend|wart|wared|wärt|hättet)$/i.test(pieces[k - 1]!.raw)
    ) {
      pieces.splice(k, 1, { ...pieces[k]!, w: "you" }, { ...pieces[k]!, w: "guys" });
    }
  }
}

/**
 * French chat names its subject, then says it again as a pronoun: "yao il sort avec awa",
 * "maxou il est passé de clara à ines", "STREAMER elle est avec qui": the pronoun is the name
 * just said, so it goes, and the name is the subject the rules read.
 */
function dislocatedSubject(pieces: Piece[]): void {
  for (let k = 0; k + 2 < pieces.length; k++) {
    const name = pieces[k]!;
    const pro = pieces[k + 1]!;
    if (!/^(?:il|elle|y)$/i.test(pro.raw) || (pro.w !== "he" && pro.w !== "she")) continue;
    const prev = pieces[k - 1]?.w;
    if (prev !== undefined && prev !== "," && prev !== "." && prev !== "?") continue;
    const raw = name.raw.toLowerCase().replace(/^@/, "");
    // A name as written (no word of the lexicon), or the streamer.
    if (name.w !== "STREAMER" && (name.w !== raw || !/^\p{L}[\p{L}0-9_'-]+$/u.test(raw))) continue;
    if (pieces[k + 2]!.w === "," || pieces[k + 2]!.w === "?") continue;
    pieces.splice(k + 1, 1);
  }
}

/** Sets aside the person addressed by a leading @mention; returns them, or null. */
function setAsideAddressed(pieces: Piece[], lang: Lang): string | null {
  // A leading @mention (after "hey", "yo"...) addresses someone; unless it is the streamer
  // or the subject of the sentence ("@sara is dating..."), set it aside.
  let addressed: string | null = null;
  let i = 0;
  while (i < pieces.length && (LEAD_FILLER.has(pieces[i]!.w) || pieces[i]!.w === ",")) i++;
  const lead = pieces[i];
  if (lead?.mention) {
    // "@sara is dating him" has @sara as subject; "@mod is he dating sara" addresses @mod.
    const next = pieces[i + 1]?.w;
    const after = pieces[i + 2]?.w ?? "";
    const subject = next === "and" ||
      ((next === "is" || next === "'s" || next === "was") && !ADDRESS_AFTER_IS.has(after));
    if (!subject) {
      addressed = lead.w.slice(1);
      let j = i;
      while (j < pieces.length && (pieces[j]!.mention || pieces[j]!.w === ",")) j++;
      pieces.splice(i, j - i);
      // "@vale_mx son novios o no??": the pair asked of the person addressed is "you two".
      // ("@fer_glz ya son novios o q": past an adverb of time before or after the verb.)
      let v = i;
      if (/^(?:already|still|now|finally|officially|really)$/.test(pieces[v]?.w ?? "")) v++;
      let a = v + 1;
      if (/^(?:already|still|now|finally|officially|really)$/.test(pieces[a]?.w ?? "")) a++;
      if (
        pieces[v]?.w === "are" &&
        /^(?:a|together|dating|seeing|partner|partners|couple|married|engaged)$/.test(
          pieces[a]?.w ?? "",
        )
      ) {
        const p = pieces[v]!;
        const you = { s: p.s, e: p.s, raw: "", mention: false };
        pieces.splice(v + 1, 0, { ...you, w: "you" }, { ...you, w: "guys" });
      }
      // Portuguese "sua namorada" to someone addressed is "your gf".
      if (lang === "pt") {
        for (const p of pieces) if (/^(?:sua|seu|suas|seus)$/i.test(p.raw)) p.w = "your";
      }
    }
  }
  return addressed;
}

/** The canonical form of `pieces`: the text and each piece's offset in it. */
function assemble(pieces: Piece[], addressed: string | null, lang: Lang, guessed: string | null) {
  const starts: number[] = [];
  let text = "";
  for (const p of pieces) {
    if (text) text += " ";
    starts.push(text.length);
    text += p.w;
  }
  return { pieces, text, starts, addressed, lang, guessed };
}

/**
 * `canon` again with a name read as the streamer's nickname ({@link guessStreamer}), or null
 * when the message names the streamer in a known way or has no such name. The analyzer tries
 * it only when nothing fired with the known references.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize, withGuessedStreamer } from "./canonical_form.ts";
 * const c = withGuessedStreamer(canonicalize("is dex with bill or hope?", { channel: "lan_tv" }));
 * assert.equal(c?.text, "is STREAMER with bill or hope ?");
 * assert.equal(c?.guessed, "dex");
 * ```
 */
export function withGuessedStreamer(canon: Canon): Canon | null {
  const pieces = canon.pieces.map((p) => ({ ...p }));
  const name = guessStreamer(pieces, canon.addressed !== null);
  if (name === null) return null;
  // "o rui" -> "rui": no article before the streamer.
  const at = pieces.findIndex((p) => p.guessed);
  if (at > 0 && pieces[at - 1]!.art) pieces.splice(at - 1, 1);
  // "la copine de STREAMER" -> "STREAMER 's gf" now that the name is the streamer.
  rewritePhrases(pieces);
  return assemble(pieces, canon.addressed, canon.lang, name);
}

/** "the streamer" / "this streamer": drops the determiner; true when there was one. */
function takeDeterminer(pieces: Piece[]): boolean {
  const last = pieces[pieces.length - 1];
  if (last && /^(?:the|this|our|da|tha|dis)$/.test(last.w)) {
    pieces.pop();
    return true;
  }
  return false;
}
