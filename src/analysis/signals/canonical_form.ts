/**
 * Step 2 of the relationship-signal analyzer: the canonical form of a message. Words are
 * lowercased, contractions and chat spellings unified ("hes" -> "he is"), references to the
 * streamer become `STREAMER`, and a leading `@someone` who is addressed is set aside. Each
 * canonical word (a piece) keeps its span in the original text, for snippets and targets.
 *
 * Also here: the sentence helpers over pieces that the guards use.
 *
 * @module
 */
import {
  ADDRESS_AFTER_IS,
  CONTRACTION_TAIL,
  GENERIC_LOGIN_PARTS,
  LEAD_FILLER,
  NO_TARGET,
  NON_PERSON,
  NOT_THE_STREAMER,
  OPENER,
  PREPOSITION,
  REWRITE,
  YOURE_NEXT,
} from "./vocabulary.ts";
import {
  ELISION,
  fold,
  guessLanguage,
  isFunctionWord,
  type Lang,
  LEXICON,
  NAME_ARTICLES,
  SUBJECTLESS,
} from "./languages.ts";

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
}

// Words are runs of anything but spaces and punctuation (cheaper than \p{L} with /u, and
// emoji stay words); "w/" is "with"; runs of ?!.;,& are punctuation.
const TOKEN =
  /w\/(?=\s|$)|@?[^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:¿¡…]+(?:['’][^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:¿¡…]+)*|[?!.;,&:…()[\]]+|[+=]/g;

interface Aliases {
  has(word: string): boolean;
}

const aliasCache = new Map<string, Aliases>();

/** The words that mean the streamer in this channel. */
function aliasesFor(ctx: SignalContext): Aliases {
  const key = ctx.channel + "\u0000" + (ctx.streamerNames ?? []).join("\u0000");
  const cached = aliasCache.get(key);
  if (cached) return cached;
  const login = ctx.channel.toLowerCase().replace(/^[#@]/, "");
  const exact = new Set<string>();
  if (login) exact.add(login);
  for (const part of login.split(/[_\d]+/)) {
    if (part.length >= 3 && !GENERIC_LOGIN_PARTS.has(part)) exact.add(part);
    // A 2-letter part ("lu" of lu_live) when it is no word of any language read.
    if (
      part.length === 2 && !GENERIC_LOGIN_PARTS.has(part) && !NO_TARGET.has(part) &&
      !isFunctionWord(part) && !COMMON.has(part)
    ) exact.add(part);
  }
  // "reactwithrio", "bobandthebeast": the name after a joining word inside a login part.
  for (const part of login.split(/[_\d]+/)) {
    const m = /^([a-z]{3,}?)(?:with|and|the|its)([a-z]{3,})$/.exec(part);
    if (m && !GENERIC_LOGIN_PARTS.has(m[2]!) && !COMMON.has(m[2]!)) exact.add(m[2]!);
  }
  for (const name of ctx.streamerNames ?? []) {
    const n = name.toLowerCase().replace(/^@/, "").trim();
    if (n && !n.includes(" ")) exact.add(n);
  }
  const compact = login.replace(/[_\d]+/g, "");
  const memo = new Map<string, boolean>();
  const aliases: Aliases = {
    has: (w) => {
      let v = memo.get(w);
      if (v === undefined) {
        v = isAlias(w);
        if (memo.size < 4096) memo.set(w, v);
      }
      return v;
    },
  };
  // A bare prefix or suffix of a one-word login ("toast" for bigtoast) counts too.
  // So does a prefix or suffix of one part of it ("fang" for nightfang_tv, "rex" for rexx_valo)
  // of at least 4 letters, or 3 letters when that is most of the part.
  const parts = login.split(/[_\d]+/).filter((p) => p.length >= 4 && !GENERIC_LOGIN_PARTS.has(p));
  // A 2-letter nickname ("ju" for juzinha_tv) counts when it is no word of any language read.
  const ofPart = (w: string) =>
    parts.some((p) =>
      p.length > w.length &&
      (p.startsWith(w) && (w.length >= 3 || !isFunctionWord(w)) || p.endsWith(w) && w.length >= 4)
    );
  const plain = (w: string): boolean =>
    exact.has(w) ||
    (w.length >= 2 && !GENERIC_LOGIN_PARTS.has(w) && !NO_TARGET.has(w) && !COMMON.has(w) &&
      !isFunctionWord(w) &&
      ((w.length >= 4 && compact.length > w.length &&
        (compact.startsWith(w) || compact.endsWith(w))) || ofPart(w)));
  // "lunaa", "hoshi-chan": a drawn-out last letter, an honorific.
  const isAlias = (w: string): boolean =>
    plain(w) || plain(w.replace(/(.)\1+$/, "$1")) ||
    plain(w.replace(/-(?:chan|san|kun|sama|senpai|sensei|tan)$/, ""));
  if (aliasCache.size > 256) aliasCache.clear();
  aliasCache.set(key, aliases);
  return aliases;
}

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
  const aliases = aliasesFor(ctx);
  const pieces: Piece[] = [];
  const tokens: RegExpExecArray[] = [];
  const lowered: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) {
    tokens.push(m);
    lowered.push(m[0].toLowerCase().replace(/’/g, "'"));
  }
  const lang = guessLanguage(lowered);
  const lexicon = lang === "en" ? null : LEXICON[lang];
  const push = (w: string, m: RegExpExecArray, mention = false, flag?: "pro" | "art") => {
    const p: Piece = { w, s: m.index, e: m.index + m[0].length, raw: m[0], mention };
    if (flag) p[flag] = true;
    pieces.push(p);
  };
  /** Looks a word up in the message's language; true when it was rewritten. */
  const foreign = (low: string, m: RegExpExecArray): boolean => {
    if (lexicon === null) return false;
    let key = low;
    let rw = lexicon.get(key);
    if (rw === undefined) rw = lexicon.get(key = fold(low));
    if (rw === undefined) return false;
    if (rw === "-") return true;
    const flag = SUBJECTLESS[lang as Exclude<Lang, "en">].has(low) ||
        SUBJECTLESS[lang as Exclude<Lang, "en">].has(key)
      ? "pro"
      : NAME_ARTICLES[lang as Exclude<Lang, "en">].has(key)
      ? "art"
      : undefined;
    const ws = rw.split(" ");
    ws.forEach((w, k) => push(w, m, false, k === 0 ? flag : undefined));
    return true;
  };
  for (let ti = 0; ti < tokens.length; ti++) {
    m = tokens[ti]!;
    const tok = m[0];
    const c0 = tok.charCodeAt(0);
    if (tok === "\u{1F9E2}") {
      push("cap", m);
      continue;
    }
    if (
      c0 === 63 || c0 === 33 || c0 === 46 || c0 === 59 || c0 === 44 || c0 === 38 || c0 === 58 ||
      c0 === 0x2026 || c0 === 40 || c0 === 41 || c0 === 91 || c0 === 93
    ) {
      if (tok.includes("?")) push("?", m);
      else if (/[.!;:\u2026]/.test(tok)) push(".", m);
      else if (/[,()[\]]/.test(tok)) push(",", m);
      else push("and", m);
      continue;
    }
    if (c0 === 43 || c0 === 61) {
      push(tok[0]!, m);
      continue;
    }
    let low = lowered[ti]!;
    const mention = low.charCodeAt(0) === 64;
    if (mention) low = low.slice(1);
    // The streamer, possibly possessive: "luna", "@luna_plays", "luna's", "lunas".
    // "léa" in lea_joue's chat: the login has no accents.
    if (aliases.has(low) || /[\u0080-\uffff]/.test(low) && aliases.has(fold(low))) {
      push("STREAMER", m);
      continue;
    }
    const possStem = low.endsWith("'s")
      ? low.slice(0, -2)
      : low.endsWith("s")
      ? low.slice(0, -1)
      : "";
    if (possStem && (aliases.has(possStem) || possStem === "streamer")) {
      if (possStem === "streamer") takeDeterminer(pieces);
      push("STREAMER", m);
      push("'s", m);
      continue;
    }
    if (low === "streamer") {
      // "the streamer", "is streamer dating": the streamer; "a streamer", "my fav streamer": not.
      const prev = pieces[pieces.length - 1]?.w ?? "";
      if (takeDeterminer(pieces) || !NOT_THE_STREAMER.test(prev)) {
        push("STREAMER", m);
        continue;
      }
    }
    if (mention) {
      push("@" + low, m, true);
      continue;
    }
    if (foreign(low, m)) continue;
    if (lang === "fr") {
      // "t'es", "c'est", "qu'il", "d'ambre": the elided word, then the rest.
      const apos = low.indexOf("'");
      const el = apos > 0 ? ELISION.get(low.slice(0, apos)) : undefined;
      if (el !== undefined) {
        if (el !== "-") push(el, m);
        const rest = low.slice(apos + 1);
        if (aliases.has(rest)) push("STREAMER", m);
        else if (!foreign(rest, m)) push(rest, m);
        continue;
      }
    }
    const rw = REWRITE.get(low);
    if (rw !== undefined) {
      for (const w of rw.split(" ")) push(w, m);
      continue;
    }
    const here = m;
    const word = (w: string) => {
      const r = REWRITE.get(w);
      if (r === undefined) push(w, here);
      else for (const x of r.split(" ")) push(x, here);
    };
    if (low.endsWith("n't")) {
      word(low.slice(0, -3));
      push("not", m);
    } else if (low.endsWith("'s")) {
      word(low.slice(0, -2));
      push("'s", m);
    } else {
      const apos = low.indexOf("'");
      if (apos > 0) {
        word(low.slice(0, apos));
        const tail = CONTRACTION_TAIL[low.slice(apos)];
        if (tail) push(tail, m);
      } else {
        push(low, m);
      }
    }
  }
  // German "sein Freund" is his friend; "seine Freundin" his girlfriend.
  if (lang === "de") {
    for (let k = 1; k < pieces.length; k++) {
      if (
        /^freund/i.test(pieces[k]!.raw) &&
        /^(?:sein|seinem|seinen|bester|besten|ein|einem)$/i.test(pieces[k - 1]!.raw)
      ) {
        pieces[k]!.w = "friend";
      }
      // "seid ihr zwei ein paar?": "ihr" after "seid" is "you".
      if (/^ihr$/i.test(pieces[k]!.raw) && /^seid$/i.test(pieces[k - 1]!.raw)) {
        pieces.splice(k, 1, { ...pieces[k]!, w: "you" }, { ...pieces[k]!, w: "guys" });
      }
    }
  }
  // "vc e o brunao": no article before the streamer.
  for (let k = pieces.length - 2; k >= 0; k--) {
    if (pieces[k]!.art && pieces[k + 1]!.w === "STREAMER") pieces.splice(k, 1);
  }
  rewritePhrases(pieces);
  if (lang !== "en") addImpliedSubjects(pieces);
  // "your dating emmy": the common typo for "you're".
  for (let i = 0; i + 1 < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.w === "your" && YOURE_NEXT.has(pieces[i + 1]!.w)) {
      pieces.splice(i, 1, { ...p, w: "you" }, { ...p, w: "are" });
    }
  }
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
      // Portuguese "sua namorada" to someone addressed is "your gf".
      if (lang === "pt") {
        for (const p of pieces) if (/^(?:sua|seu|suas|seus)$/i.test(p.raw)) p.w = "your";
      }
    }
  }
  const starts: number[] = [];
  let text2 = "";
  for (const p of pieces) {
    if (text2) text2 += " ";
    starts.push(text2.length);
    text2 += p.w;
  }
  return { pieces, text: text2, starts, addressed, lang };
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

export function pieceAt(canon: Canon, offset: number): number {
  // Binary search: the last piece starting at or before `offset`.
  let lo = 0;
  let hi = canon.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (canon.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The pieces [a, b) of the sentence holding piece `i` (sentences end at "?" and "."). */
export function sentenceSpan(canon: Canon, i: number): [number, number] {
  const ends = (k: number) => canon.pieces[k]!.w === "?" || canon.pieces[k]!.w === ".";
  let a = i;
  while (a > 0 && !ends(a - 1)) a--;
  let b = i;
  while (b < canon.pieces.length && !ends(b)) b++;
  return [a, b];
}

/** Words that close a clause: guards bind to the clause of the words they guard. */
const CLAUSE_END = new Set(["?", ".", ",", "but", "though", "tho"]);

/** The pieces [a, b) of the clause holding piece `i` (clauses end at ? . , "but", "tho"). */
export function clauseSpan(canon: Canon, i: number): [number, number] {
  const ends = (k: number) => CLAUSE_END.has(canon.pieces[k]!.w);
  let a = i;
  while (a > 0 && !ends(a - 1)) a--;
  let b = i;
  while (b < canon.pieces.length && !ends(b)) b++;
  return [a, b];
}

/** The canonical words from the start of the sentence holding piece `i` up to it. */
export function sentenceBefore(canon: Canon, i: number): string {
  const [a] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, i).map((p) => p.w).join(" ");
}

/** Is chat addressed ("chat are you...", "...anyone chat?") in the sentence holding piece `i`? */
export function chatAddressed(canon: Canon, i: number): boolean {
  const [a, b] = sentenceSpan(canon, i);
  for (let k = a; k < b; k++) {
    if (canon.pieces[k]!.w !== "chat") continue;
    if (atSentenceStart(canon, k)) return true;
    const prev = canon.pieces[k - 1]?.w ?? "";
    if ((k === b - 1 || canon.pieces[k + 1]!.w === ",") && !PREPOSITION.has(prev)) return true;
  }
  return false;
}

/** The canonical words of the whole sentence holding piece `i`. */
export function sentenceOf(canon: Canon, i: number): string {
  const [a, b] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, b).map((p) => p.w).join(" ");
}

/** Is the sentence holding pieces [i, j) a question from piece i on? */
export function questionAfter(canon: Canon, i: number): boolean {
  for (let k = i; k < canon.pieces.length; k++) {
    const w = canon.pieces[k]!.w;
    if (w === "?") return true;
    if (w === ".") return false;
  }
  return false;
}

/** Only openers ("so", "wait", "lol", a vocative) before piece `k` in its sentence? */
export function atSentenceStart(canon: Canon, k: number): boolean {
  for (let i = k - 1; i >= 0; i--) {
    const w = canon.pieces[i]!.w;
    if (w === "?" || w === "." || w === "," || w === "but") return true;
    // "i think sara is his gf": the speaker's opinion opens the sentence.
    if (
      w === "i" &&
      /^(?:think|heard|guess|bet|swear|believe|feel|mean)$/.test(canon.pieces[i + 1]?.w ?? "")
    ) continue;
    if (!OPENER.has(w)) return false;
  }
  return true;
}

/** Words a login part may begin or end with that are words, not the streamer. */
const COMMON = new Set(
  "night day the and for you she his her who how why what not all one two big old new man men"
    .split(" "),
);

/** Partner nouns, as canonical words. */
const PARTNER_NOUN = new Set(["gf", "bf", "wife", "husband", "fiance", "partner", "ex"]);
const THIRD = new Set(["him", "her", "he", "she"]);

/** A step of a phrase pattern: a word, or a test on the canonical word. */
type Step = string | ((w: string) => boolean);
/** A replacement: a canonical word, or the index of a matched piece to keep as it is. */
type Put = string | number;

const isPartner = (w: string) => PARTNER_NOUN.has(w);
const isStreamer = (w: string) => w === "STREAMER";
const isThird = (w: string) => THIRD.has(w);

/** Phrases rewritten after the words: foreign word order and compounds into the rules' forms. */
const PHRASES: readonly [Step[], Put[]][] = [
  // "la novia de pablito", "the gf of the STREAMER" -> "STREAMER 's gf"
  [["the", isPartner, "of", "the", isStreamer], [4, "'s", 1]],
  [["the", isPartner, "of", isStreamer], [3, "'s", 1]],
  [[isPartner, "of", "the", isStreamer], [3, "'s", 0]],
  [[isPartner, "of", isStreamer], [2, "'s", 0]],
  [["the", isPartner, "of", isThird], ["his", 1]],
  [[isPartner, "of", isThird], ["his", 0]],
  // "a namorada dele" -> "his gf"
  [["the", isPartner, "HISPOST"], ["his", 1]],
  [[isPartner, "HISPOST"], ["his", 0]],
  [["HISPOST"], ["his"]],
  // "sale con", "sort avec": "dating with X" is "dating X"
  [["dating", "with"], [0]],
  [["dated", "with"], [0]],
  [["seeing", "with"], [0]],
  [["married", "with"], [0, "to"]],
  [["marry", "with"], [0]],
  [["going", "a", "marry"], ["going", "to", "marry"]],
  [["engaged", "with", (w) => w !== "chat"], [0, "to", 2]],
  [["ex", (w) => w === "gf" || w === "bf" || w === "wife" || w === "husband"], [0]],
  [["is", "fiance"], [0, "engaged"]],
  [["are", "fiance"], [0, "engaged"]],
  [["in", "couple"], ["in", "a", "relationship"]],
  // "está de novia con marcos": is going out with
  [["is", "of", isPartner], [0, "dating"]],
  [["are", "of", isPartner], [0, "dating"]],
  [["in", "ce", "moment"], ["now"]],
  [["in", "este", "momento"], ["now"]],
  [["in", "momento"], ["now"]],
  [["petite", "amie"], ["gf"]],
  [["petit", "ami"], ["bf"]],
  [["know", "SE"], [0, "if"]],
  // "la copine de theo c'est manon"
  [[isPartner, "it", "is"], [0, "is"]],
  // "er hat sich von der sarah getrennt": he broke up with sarah
  [["has", "of", "the", isNameish, "broke", "up"], ["broke", "up", "with", 2, 3]],
  [["has", "of", isNameish, "broke", "up"], ["broke", "up", "with", 2]],
  [["is", "of", "the", isNameish, "broke", "up"], ["broke", "up", "with", 2, 3]],
  [["is", "of", isNameish, "broke", "up"], ["broke", "up", "with", 2]],
  // "se separó del grupo", "separou do time", "s'est séparé de son équipe": left a group.
  [["broke", "up", "of", "the", isGroup], ["left", 3, 4]],
  [["broke", "up", "of", "his", isGroup], ["left", 3, 4]],
  [["broke", "up", "of", isGroup], ["left", 3]],
  [["SE"], []],
];

function isGroup(w: string): boolean {
  return WITH_GROUP.test(w);
}

/** Groups one leaves: "vom team getrennt", "de son équipe". */
const WITH_GROUP =
  /^(?:team|clan|squad|org|crew|gruppe|verein|club|grupo|time|equipo|équipe|equipe)$/;

/** A word that may be a first name (not a pronoun, a filler or a thing). */
function isNameish(w: string): boolean {
  return /^\p{L}[\p{L}\p{N}_]+$/u.test(w) && !NO_TARGET.has(w) && !NON_PERSON.has(w) &&
    !WITH_GROUP.test(w);
}

function stepOk(step: Step, w: string): boolean {
  return typeof step === "string" ? step === w : step(w);
}

/** The words a phrase may start with: a piece that is none of them is passed over at once. */
const PHRASE_HEADS = new Set<string>([
  ...PARTNER_NOUN,
  ...PHRASES.flatMap(([steps]) => typeof steps[0] === "string" ? [steps[0]] : []),
]);

/** Applies {@link PHRASES} left to right. */
function rewritePhrases(pieces: Piece[]): void {
  for (let i = 0; i < pieces.length; i++) {
    if (!PHRASE_HEADS.has(pieces[i]!.w)) continue;
    for (const [steps, puts] of PHRASES) {
      if (i + steps.length > pieces.length) continue;
      let ok = true;
      for (let k = 0; k < steps.length && ok; k++) ok = stepOk(steps[k]!, pieces[i + k]!.w);
      if (!ok) continue;
      const matched = pieces.slice(i, i + steps.length);
      const at = matched[0]!;
      const out = puts.map((p): Piece => typeof p === "number" ? matched[p]! : { ...at, w: p });
      pieces.splice(i, steps.length, ...out);
      // Look again from the piece before: "the ex gf his" -> "the ex his" -> "his ex".
      i = Math.max(-1, i - 2);
      break;
    }
  }
}

/** "the guy" in chat: with an article before it, the streamer ("o gajo", "el boludo"). */
const THE_GUY =
  /^(?:gajo|boludo|tipo|tío|tio|wey|güey|vato|bro|mano|cara|moço|gars|mec|typ|kerl)$/i;
const PREPOSITION_AFTER = /^(?:in|im|dans|du|de|do|da|del|en|no|na|from|aus|von)$/i;
/** Laughter before a subjectless verb. */
const LAUGH = /^(?:k{3,}|(?:ja|je|ha|rs)+[jhaes]?|x+d+)$/;
/** An opener word (not punctuation, not the streamer) before a subjectless verb. */
const VOCATIVE = (w: string) =>
  (OPENER.has(w) || OPENER.has(fold(w))) && w !== "," && w !== "STREAMER";

/** Words that may come before a subjectless verb in its clause ("ya", "so", "bro"). */
const BEFORE_VERB = new Set(
  ["so", "and", "but", "already", "now", "still", "also", "bro", "ok", "before", "first"],
);

/**
 * In Spanish, Portuguese (and chat German or French), "tiene novia?", "sale con carla",
 * "ist mit kathi zusammen" have no subject: the streamer is meant. Puts a "he" before such a
 * verb when it opens its clause.
 */
function addImpliedSubjects(pieces: Piece[]): void {
  // "el boludo tiene novia", "o gajo namora", "der bro ist vergeben", "le mec est en couple":
  // "the guy" opening a clause is the streamer.
  for (let i = 0; i + 1 < pieces.length; i++) {
    const prev = pieces[i - 1]?.w;
    if (
      pieces[i]!.art && pieces[i]!.w === "the" && THE_GUY.test(pieces[i + 1]!.raw) &&
      // "der typ im chat", "le gars dans le chat": someone else.
      !PREPOSITION_AFTER.test(pieces[i + 2]?.raw ?? "") &&
      (prev === undefined || prev === "?" || prev === "." || prev === "," || OPENER.has(prev) ||
        // "hat der bro a freundin?": after the verb of a question.
        /^(?:has|is|was|does)$/.test(prev) && i === 1)
    ) {
      const p = pieces[i]!;
      pieces.splice(i, 2, { w: "he", s: p.s, e: pieces[i + 1]!.e, raw: "", mention: false });
    }
  }
  for (let i = 0; i < pieces.length; i++) {
    if (!pieces[i]!.pro) continue;
    // "el tiene novia?": "el" before a verb is "él".
    if (pieces[i - 1]?.art && /^el$/i.test(pieces[i - 1]!.raw)) pieces[i - 1]!.w = "he";
    let k = i - 1;
    // ... and a vocative or laughter: "wey neta anda con", "jajaja anda con la jime".
    while (
      k >= 0 &&
      (BEFORE_VERB.has(pieces[k]!.w) || VOCATIVE(pieces[k]!.w) || LAUGH.test(pieces[k]!.w))
    ) k--;
    const prev = pieces[k]?.w;
    if (
      prev === undefined || prev === "?" || prev === "." || prev === "," || prev === "but" ||
      prev === "that"
    ) {
      const p = pieces[i]!;
      pieces.splice(i, 0, { w: "he", s: p.s, e: p.s, raw: "", mention: false });
      i++;
    }
  }
}
