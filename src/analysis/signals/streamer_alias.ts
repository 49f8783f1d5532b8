/**
 * Who the streamer is in one channel's chat: the words that stand for them (the login, its
 * parts, prefixes and suffixes of them, names given in the context), and, when a message names
 * none of these, a name used as the subject of a relationship statement, read as a nickname
 * ({@link guessStreamer}).
 *
 * @module
 */
import type { Piece, SignalContext } from "./canonical_form.ts";
import {
  BEFORE_DATING_OTHER,
  COMMON_VERB,
  EMOTES,
  GENERIC_LOGIN_PARTS,
  NO_TARGET,
  NON_PERSON,
  NOT_A_NICKNAME,
  OPENER,
  PERSON_NOUN,
  PERSON_WORDS,
  REL_WORDS,
  SELF,
} from "./vocabulary.ts";
import { LAUGHTER } from "./target.ts";
import { fold, isFunctionWord, transliterate } from "./languages.ts";

export interface Aliases {
  has(word: string): boolean;
}

const aliasCache = new Map<string, Aliases>();

/** The words that mean the streamer in this channel. */
export function aliasesFor(ctx: SignalContext): Aliases {
  const key = ctx.channel + "\u0000" + (ctx.streamerNames ?? []).join("\u0000");
  const cached = aliasCache.get(key);
  if (cached) return cached;
  const login = ctx.channel.toLowerCase().replace(/^[#@]/, "");
  const isAlias = aliasTest(login, exactAliases(login, ctx));
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
  if (aliasCache.size > 256) aliasCache.clear();
  aliasCache.set(key, aliases);
  return aliases;
}

/** The names that are the streamer as they stand: the login, its parts, the names given. */
function exactAliases(login: string, ctx: SignalContext): Set<string> {
  const exact = new Set<string>();
  if (login) exact.add(login);
  for (const part of login.split(/[_\d]+/)) {
    if (part.length >= 3 && !GENERIC_LOGIN_PARTS.has(part) && !isFunctionWord(part)) {
      exact.add(part);
    }
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
  // "gocha" for gochita_vzla, "rita" for ritinha_porto, "tonho" for tonhao_rp: the base of a
  // login part that is itself a diminutive or an augmentative, as chat says the name plainly.
  for (const part of login.split(/[_\d]+/)) {
    for (const base of bareForms(part)) exact.add(base);
  }
  for (const name of ctx.streamerNames ?? []) {
    const n = name.toLowerCase().replace(/^@/, "").trim();
    if (n && !n.includes(" ")) exact.add(n);
  }
  return exact;
}

/** Whether a word is the streamer: one of `exact`, or a shortening or a form of the login. */
function aliasTest(login: string, exact: ReadonlySet<string>): (w: string) => boolean {
  // "maxx" of schwabenmaxx is "max": a drawn-out last letter of the login set aside.
  const compact = login.replace(/[_\d]+/g, "").replace(/([b-df-hj-np-tv-z])\1+$/, "$1");
  // A bare prefix or suffix of a one-word login ("toast" for bigtoast) counts too.
  // So does a prefix or suffix of one part of it ("fang" for nightfang_tv, "rex" for rexx_valo)
  // of at least 4 letters, or 3 letters when that is most of the part.
  const parts = login.split(/[_\d]+/).filter((p) => p.length >= 4 && !GENERIC_LOGIN_PARTS.has(p));
  // "djmarlowe", "elbrujofn", "mrbeastly": a title or an article glued before the name.
  for (const p of [...parts]) {
    const m = LEADING_TITLE.exec(p);
    if (m && p.length - m[0].length >= 4) parts.push(p.slice(m[0].length));
  }
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
        (compact.startsWith(w) || compact.endsWith(w))) ||
        ofPart(w) ||
        // "joe" for dreadnightjoe: a name of three letters closing the login.
        w.length === 3 && compact.length > 6 && compact.endsWith(w) && !EMOTES.has(w) &&
          !SELF.has(w) && !REL_WORDS.has(w)));
  // "lunaa", "hoshi-chan": a drawn-out last letter, an honorific.
  // "forky" for knightfork, "migsy": a diminutive of a part of the login.
  // "kiki" for kiravlr: the first syllable said twice.
  const isAlias = (w: string): boolean =>
    plain(w) || plain(w.replace(/(.)\1+$/, "$1")) ||
    plain(w.replace(/-(?:chan|san|kun|sama|senpai|sensei|tan)$/, "")) ||
    w.length >= 5 && /(?:y|ie)$/.test(w) && plain(w.replace(/(?:y|ie)$/, "")) ||
    /^([a-z]{2})\1$/.test(w) && startsPart(w.slice(0, 2)) && !EMOTES.has(w) ||
    // "maxle", "ritinha", "gochita": a diminutive of a name of the streamer.
    // Only a base that is the login's own part or end: "single" is no "sing" of mirelle_sings.
    w.length >= 5 && !COMMON.has(w) && !REL_WORDS.has(w) && !NO_TARGET.has(w) &&
      bareForms(w).some((b) => exact.has(b) || compact.startsWith(b) || compact.endsWith(b)) ||
    // "beardo" for thrallbeard, "robbo": British and Australian "-o" on the login's last name
    // (its end only: "hello" is no "hell" of hellfire_tv).
    w.length >= 5 && w.endsWith("o") && !COMMON.has(w) && !REL_WORDS.has(w) &&
      !NO_TARGET.has(w) && !isFunctionWord(w) && ((b: string) =>
        b.length >= 4 && (exact.has(b) || compact.length > b.length && compact.endsWith(b)))(
          w.slice(0, -1).replace(/([b-df-hj-np-tv-z])\1$/, "$1"),
        );
  const startsPart = (stem: string) =>
    !COMMON.has(stem) && parts.some((p) => p.length >= stem.length + 2 && p.startsWith(stem));
  return isAlias;
}

/**
 * Whether a name read as the streamer's nickname ({@link guessStreamer}) is written in the
 * login, as chat shortens it: inside it ("vale" in lachinavaleria, 4 letters or more), or
 * opening one of its parts with the same three letters ("reno" for ruhrpott_rene), accents
 * and umlauts set aside. Then a question or a claim without a partner named is about the
 * streamer too ("la vale tiene novio?"), where a name the login does not hold may be anyone's
 * ("is magnus married?").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resemblesLogin } from "./streamer_alias.ts";
 * assert.equal(resemblesLogin("vale", "lachinavaleria"), true);
 * assert.equal(resemblesLogin("magnus", "chess_hikaru"), false);
 * ```
 */
export function resemblesLogin(name: string, login: string): boolean {
  const forms = new Set([name, fold(name), transliterate(name)]);
  const compact = login.replace(/[_\d]+/g, "");
  const parts = login.split(/[_\d]+/).filter((p) => p.length >= 3);
  for (const n of forms) {
    if (n.length < 3 || COMMON.has(n) || isFunctionWord(n)) continue;
    if (n.length >= 4 && compact.includes(n)) return true;
    if (parts.some((p) => p.slice(0, 3) === n.slice(0, 3) && Math.abs(p.length - n.length) <= 2)) {
      return true;
    }
    // "dex" for riverdex_poker, "gen" for ptitegen_qc, "miranda" for mirandinha_cs: a part
    // that ends with the name, or opens with four letters of it or more.
    if (
      parts.some((p) =>
        p.endsWith(n) || n.length >= 4 && p.startsWith(n.slice(0, Math.max(4, n.length - 1)))
      )
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Why a word read as the streamer is a form of the login that chat derives from it (for
 * `signals explain`): the plain form of a diminutive in the login ("gocha" for gochita_vzla),
 * a diminutive of a name in the login ("maxle" for schwabenmaxx), or a British "-o" on it
 * ("beardo" for thrallbeard); null when the word is none of these.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { derivedAliasWhy } from "./streamer_alias.ts";
 * assert.match(derivedAliasWhy("gocha", "gochita_vzla") ?? "", /gochita/);
 * assert.equal(derivedAliasWhy("sara", "gochita_vzla"), null);
 * ```
 */
export function derivedAliasWhy(word: string, login: string): string | null {
  const w = fold(word.toLowerCase().replace(/^@/, "").replace(/['’]s$/, ""));
  // "maxles frau": the German genitive "-s" on the name.
  return w.endsWith("s") && w.length > 4
    ? derivedWhy(w, login) ?? derivedWhy(w.slice(0, -1), login)
    : derivedWhy(w, login);
}

function derivedWhy(w: string, login: string): string | null {
  const parts = login.toLowerCase().split(/[_\d]+/).filter((p) => p.length >= 3);
  const compact = parts.join("").replace(/([b-df-hj-np-tv-z])\1+$/, "$1");
  for (const part of parts) {
    if (bareForms(part).includes(w)) {
      return `"${w}" is the plain form of "${part}" in the login (a diminutive said plainly)`;
    }
  }
  for (const b of bareForms(w)) {
    if (parts.includes(b) || compact.startsWith(b) || compact.endsWith(b)) {
      return `"${w}" is a diminutive of "${b}" in the login`;
    }
  }
  const o = w.endsWith("o") ? w.slice(0, -1).replace(/([b-df-hj-np-tv-z])\1$/, "$1") : "";
  if (o.length >= 4 && compact.length > o.length && compact.endsWith(o)) {
    return `"${w}" is "${o}" of the login with chat's "-o"`;
  }
  return null;
}

/**
 * Diminutive and augmentative endings of names in the five languages (Spanish "-ita",
 * Portuguese "-inha", "-ão", Swabian and Bavarian "-le", "-erl", German "-chen"), longest first.
 */
const DIMINUTIVE = /(?:cit[ao]|zinh[ao]|inh[ao]|ichen|chen|ill[ao]|it[ao]|[aã]o|erl|le|li)$/;

/**
 * The plain forms of a name that may be a diminutive or an augmentative: its base with each
 * closing vowel chat puts back ("gochita" -> "gocha", "gocho"; "ritinha" -> "rita";
 * "tonhao" -> "tonho"; "maxle" -> "max"), or nothing when no such ending leaves three letters.
 */
function bareForms(name: string): string[] {
  const w = fold(name);
  const m = DIMINUTIVE.exec(w);
  if (m === null) return [];
  const base = w.slice(0, m.index);
  if (base.length < 3 || COMMON.has(base) || isFunctionWord(base)) return [];
  const forms = [base + "a", base + "o", base + "e"];
  if (/[^aeiou]$/.test(base) && !/[aeiou]{2}$/.test(base)) forms.push(base);
  return forms.filter((f) => !COMMON.has(f) && !isFunctionWord(f) && !NO_TARGET.has(f));
}

/** Titles and articles chat logins glue before a name ("dj", "mr", "el", "la", "its"). */
const LEADING_TITLE = /^(?:dj|mc|mr|mrs|ms|dr|sir|lil|el|la|le|lo|its|iam|im|the|xx)/;

/** Words a login part may begin or end with that are words, not the streamer. */
const COMMON = new Set(
  "night day the and for you she his her who how why what not all one two big old new man men"
    .split(" "),
);

/** After a name read as the streamer: the words of a relationship statement about them. */
const AFTER_NICKNAME = new Set(
  ("is was 's has had have and + x = with w dating dated date dates married engaged broke " +
    "split divorced still really also never not used got gets single taken proposed kissed " +
    "are were left leave dumped already going")
    .split(" "),
);
/** Verbs of saying and knowing before "that" opens a clause: "i saw on twitter that dex...". */
const SAYS =
  /^(?:saw|seen|heard|said|says|say|think|thought|know|knew|sure|true|read|guess|bet|twitter|insta|reddit|tiktok|podcast|stream|discord|disse|dijo|dice|dit|sagt|meinte|garante|jura|juró|contou|contó|falou|confirmed|confirm|swear|sabendo|soube|ouvi|escuché|escuche|oí|gehört|gehoert|entendu|claims|reckons|dicen|dizem|disent|sagen|meinen|dizer|decir|dire)$/;
/** Partner nouns before "of NAME". */
const PARTNER_OF = new Set(["gf", "bf", "wife", "husband", "fiance", "partner"]);
/** An auxiliary that asks before its subject: "does theo have a gf", "hat jürgen ne freundin". */
const AUX_FIRST = /^(?:is|was|does|did|has|have|are|were|can|will)$/;

/** The shape of a noun of a role or a thing in the languages read ("zagueiro", "técnico"). */
export const ROLE_NOUN =
  /^\p{L}{3,}(?:eiro|eira|ador|adora|ista|ico|ica|ero|era|eur|euse|eau|ier|ière|iste|ente|ante|ter|ner|ler)$/u;

/**
 * Could piece `p` be a first name or a login (not a word of chat, a pronoun, an emote)?
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nicknameLike } from "./streamer_alias.ts";
 * const piece = (w: string) => ({ w, s: 0, e: w.length, raw: w, mention: false });
 * assert.equal(nicknameLike(piece("lisa")), true);
 * assert.equal(nicknameLike(piece("chat")), false);
 * ```
 */
export function nicknameLike(p: Piece): boolean {
  const w = p.w;
  // "theo's gf": the possessive is split off the name.
  const raw = p.raw.toLowerCase().replace(/’/g, "'").replace(/'s$/, "");
  if (p.mention || p.raw === "" || raw !== w) return false;
  if (!/^\p{L}[\p{L}\p{N}_-]{1,20}$/u.test(w) || /[a-z][A-Z]/.test(p.raw)) return false;
  return !NO_TARGET.has(w) && !SELF.has(w) && !NON_PERSON.has(w) && !OPENER.has(w) &&
    !COMMON_VERB.has(w) && !REL_WORDS.has(w) && !EMOTES.has(w) && !PERSON_NOUN.has(w) &&
    !PERSON_WORDS.has(w) && !NOT_A_NICKNAME.has(w) && !BEFORE_DATING_OTHER.has(w) &&
    !isFunctionWord(w) && !LAUGHTER.test(w);
}

/**
 * Chat calls the streamer by nicknames that no login shows ("dex" in lanparty_live's chat,
 * "vale" in morra_beats'). When a message names the streamer in no known way, the first name
 * that opens its clause as the subject of a relationship statement ("dex x bill??", "nico anda
 * con sol", "does theo have a gf") is read as them: the piece becomes `STREAMER`, marked
 * `guessed`. Returns the name, or null when there is none (or the streamer is already named).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { guessStreamer } from "./streamer_alias.ts";
 * const { pieces } = canonicalize("nico anda con sol", { channel: "elche_gtarp" });
 * assert.equal(guessStreamer(pieces, false), "nico");
 * assert.equal(pieces[0]!.w, "STREAMER");
 * ```
 */
export function guessStreamer(pieces: Piece[], addressed: boolean): string | null {
  for (const p of pieces) if (p.w === "STREAMER") return null;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (!nicknameLike(p)) continue;
    let k = i - 1;
    if (addressed && streamerOfAddressed(pieces, i)) return markGuessed(pieces, i);
    // "o rui namora a inês", "der jürgen hat a freundin", "el nico anda con sol": chat in these
    // languages puts an article before a first name.
    // A role ("o zagueiro", "el técnico", "le poteau") is no first name.
    if (k >= 0 && pieces[k]!.art) {
      if (ROLE_NOUN.test(p.w) || PERSON_WORDS.has(p.w)) continue;
      k--;
    }
    // "geralt's girlfriend is yen" is someone's; "deezy's dating jade" is "deezy is".
    if (
      /'s$/i.test(p.raw.replace(/’/g, "'")) &&
      !/^(?:dating|seeing|with|married|engaged|single|taken|together)$/.test(pieces[i + 2]?.w ?? "")
    ) continue;
    // "wasnt marcus married to leanne": the auxiliary, then "not".
    if (k >= 1 && pieces[k]!.w === "not" && AUX_FIRST.test(pieces[k - 1]!.w)) k--;
    const aux = k >= 0 && AUX_FIRST.test(pieces[k]!.w);
    if (aux) k--;
    while (
      k >= 0 && (OPENER.has(pieces[k]!.w) && pieces[k]!.w !== "," || LAUGHTER.test(pieces[k]!.w))
    ) k--;
    const prev = pieces[k]?.w;
    // "i saw on twitter that dex and hope are a thing": "that" opens a clause too.
    // "ok dont kill me but dex and bill are together": "but" opens a clause too.
    // "people in the discord say split is dating mina", "hab gehört jonas datet mia": so does a
    // verb of saying or hearing without "that".
    if (
      prev !== undefined && prev !== "?" && prev !== "." && prev !== "," && prev !== "but" &&
      !(prev === "that" && !aux && SAYS.test(pieces[k - 1]?.w ?? "")) &&
      !(!aux && SAYS.test(prev) &&
        !/^(?:twitter|insta|reddit|tiktok|podcast|stream|discord|sure|true)$/.test(prev))
    ) continue;
    if (!aux && !AFTER_NICKNAME.has(pieces[i + 1]?.w ?? "")) continue;
    return markGuessed(pieces, i);
  }
  return null;
}

/** The piece at `i` becomes the guessed streamer; its word is returned. */
function markGuessed(pieces: Piece[], i: number): string {
  const p = pieces[i]!;
  pieces[i] = { ...p, w: "STREAMER", guessed: true };
  return p.w;
}

/** Whether the name at `i`, in a line addressed to someone, is the streamer: "@sol sos la novia
 * de nico?" (a partner noun "of" the name), "@ashlee_xo did u and deezy get back together",
 * "@ines_costa ainda namoras o rui?" (the one paired with "you"). */
function streamerOfAddressed(pieces: Piece[], i: number): boolean {
  const k = i - 1;
  if (
    pieces[k]?.w === "of" && PARTNER_OF.has(pieces[k - 1]?.w ?? "") ||
    pieces[i + 1]?.w === "'s" && PARTNER_OF.has(pieces[i + 2]?.w ?? "")
  ) return true;
  const b = k >= 0 && pieces[k]!.art ? k - 1 : k;
  const w1 = pieces[b]?.w ?? "";
  return w1 === "and" && /^(?:you|ur)$/.test(pieces[b - 1]?.w ?? "") ||
    /^(?:dating|with|married|engaged|seeing)$/.test(w1) &&
      /^(?:you|ur)$/.test(pieces[b - 1]?.w ?? pieces[b - 2]?.w ?? "");
}
