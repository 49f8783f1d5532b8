/**
 * Word order: phrases of the other languages and compounds rewritten into the forms the rules
 * read ("la novia de pablito" -> "STREAMER 's gf", "a namorada dele" -> "his gf"), and the
 * subject put back before a verb that opens its clause without one ("tiene novia?" -> "he has
 * gf ?").
 *
 * @module
 */
import type { Piece } from "./canonical_form.ts";
import { fold } from "./languages.ts";
import { NO_TARGET, NON_PERSON, OPENER } from "./vocabulary.ts";

/** Partner nouns, as canonical words. */
const PARTNER_NOUN = new Set(["gf", "bf", "wife", "husband", "fiance", "partner", "ex"]);
const THIRD = new Set(["him", "her", "he", "she"]);

/** A step of a phrase pattern: a word, or a test on the canonical word. */
type Step = string | ((w: string) => boolean);
/** A replacement: a canonical word, or the index of a matched piece to keep as it is. */
type Put = string | number;

const isPartner = (w: string) => PARTNER_NOUN.has(w);
/** Partner nouns and chat's slang for them ("o boy da gabi", "la chérie de loïc"). */
const isLoosePartner = (w: string) => PARTNER_NOUN.has(w) || /^(?:man|girl|bae|boo|lady)$/.test(w);
const isStreamer = (w: string) => w === "STREAMER";
const isThird = (w: string) => THIRD.has(w);
const isSubjectPronoun = (w: string) => w === "he" || w === "she";

/** Phrases rewritten after the words: foreign word order and compounds into the rules' forms. */
const PHRASES: readonly [Step[], Put[]][] = [
  // "la novia de pablito", "the gf of the STREAMER" -> "STREAMER 's gf"; "o boy da gabi" too.
  [["the", isLoosePartner, "of", "the", isStreamer], [4, "'s", 1]],
  [["the", isLoosePartner, "of", isStreamer], [3, "'s", 1]],
  [[isPartner, "of", "the", isStreamer], [3, "'s", 0]],
  [[isPartner, "of", isStreamer], [2, "'s", 0]],
  // "la blonde à gab": the colloquial French "à" of belonging.
  [["the", isPartner, "to", isStreamer], [3, "'s", 1]],
  [["the", isPartner, "of", isThird], ["his", 1]],
  [[isPartner, "of", isThird], ["his", 0]],
  // "tú y rober estáis juntos": the pair is the subject of the second person plural.
  [[isStreamer, "you", "guys", "are"], [0, "are"]],
  [["and", isNameish, "you", "guys", "are"], [0, 1, "are"]],
  // "no está soltero", "n'est pas célibataire": not single, a claim.
  [["not", "is", "single"], ["is", "not", "single"]],
  [["is", "not", "not", "single"], ["is", "not", "single"]],
  // "a namorada dele" -> "his gf"
  [["the", isPartner, "HISPOST"], ["his", 1]],
  [[isPartner, "HISPOST"], ["his", 0]],
  // "a bia é noiva dele": his fiancée ("noiva" alone reads "engaged").
  [["engaged", "HISPOST"], ["his", "fiance"]],
  // "o nome dela é lena", "son nom c'est lena": her name is.
  [["the", "name", "HISPOST"], ["her", "name"]],
  [["name", "it", "is"], ["name", "is"]],
  [["HISPOST"], ["his"]],
  // "sale con", "sort avec": "dating with X" is "dating X"
  [["dating", "with"], [0]],
  [["go", "out", "with"], ["dating"]],
  [["goes", "out", "with"], ["dating"]],
  [["went", "out", "with"], ["dated"]],
  // "geht felix mit zoé", "kalle geht mit sarah": goes out with
  [["goes", "with"], ["dating"]],
  [["goes", isStreamer, "with"], ["is", 1, "dating"]],
  [["goes", isSubjectPronoun, "with"], ["is", 1, "dating"]],
  // "noiva do caio": engaged to
  [["engaged", "of"], [0, "to"]],
  // "hat er die kathi schon geheiratet": the participle last in German
  [["has", isSubjectPronoun, "the", isNameish, "already", "married"], [
    "has",
    1,
    "already",
    "married",
    2,
    3,
  ]],
  [["has", isSubjectPronoun, "the", isNameish, "married"], ["has", 1, "married", 2, 3]],
  [["has", isStreamer, "the", isNameish, "already", "married"], [
    "has",
    1,
    "already",
    "married",
    2,
    3,
  ]],
  [["has", isStreamer, "the", isNameish, "married"], ["has", 1, "married", 2, 3]],
  [["has", isSubjectPronoun, isNameish, "married"], ["has", 1, "married", 2]],
  [["has", isStreamer, isNameish, "married"], ["has", 1, "married", 2]],
  // "lenny hat jana geheiratet", "hat die kathi gedatet": the participle last in German
  [["has", "the", isNameish, isPerfect], ["has", 3, 1, 2]],
  [["has", isNameish, isPerfect], ["has", 2, 1]],
  // "ficou noiva": got engaged
  [["seeing", "engaged"], ["got", "engaged"]],
  [["dated", "with"], [0]],
  [["seeing", "with"], [0]],
  [["married", "with"], [0, "to"]],
  [["marry", "with"], [0]],
  [["going", "a", "marry"], ["going", "to", "marry"]],
  [["going", "marry"], ["going", "to", "marry"]],
  [["engaged", "with", (w) => w !== "chat"], [0, "to", 2]],
  [["ex", (w) => PARTNER_NOUN.has(w) && w !== "ex"], [0]],
  [["is", "fiance"], [0, "engaged"]],
  [["are", "fiance"], [0, "engaged"]],
  [["in", "couple"], ["in", "a", "relationship"]],
  // "anda de novio con la flor": going out with
  [["dating", "of", isPartner, "with"], [0]],
  [["dating", "of", isPartner], [0]],
  // "está de novia con marcos": is going out with
  [["is", "of", isPartner], [0, "dating"]],
  [["are", "of", isPartner], [0, "dating"]],
  // "no ano passado", "el año pasado", "l'an dernier": last year.
  [["in", "the", "year", "last"], ["last", "year"]],
  [["in", "year", "last"], ["last", "year"]],
  [["the", "year", "last"], ["last", "year"]],
  [["year", "last"], ["last", "year"]],
  // "take care of her", "prends soin d'anaïs"
  [["take", "care", "of"], ["takecare"]],
  [["take", "care"], ["takecare"]],
  [["in", "ce", "moment"], ["now"]],
  [["in", "este", "momento"], ["now"]],
  [["in", "momento"], ["now"]],
  [["petite", "amie"], ["gf"]],
  [["petit", "ami"], ["bf"]],
  [["know", "SE"], [0, "if"]],
  // "la copine de theo c'est manon"
  [[isPartner, "it", "is"], [0, "is"]],
  [[isPartner, "it", "was"], [0, "was"]],
  // "une certaine nadia", "la tal marta", "uma tal de paula": a name follows.
  [["a", "certain", "of"], []],
  [["the", "certain", "of"], []],
  [["a", "certain"], []],
  [["the", "certain"], []],
  [["certain", "of"], []],
  [["certain"], []],
  // "in real life" in the languages read: "im echten leben", "en la vida real", "dans la vraie vie"
  [["in", "echten", "leben"], ["irl"]],
  [["in", "real", "leben"], ["irl"]],
  [["in", "the", "vida", "real"], ["irl"]],
  [["in", "vida", "real"], ["irl"]],
  [["in", "the", "vraie", "vie"], ["irl"]],
  [["in", "real", "life"], ["irl"]],
  // "il est plus avec clara": no longer
  [["is", "plus", "with"], ["is", "no longer", "with"]],
  // "ibra n'est plus célibataire": no longer single, a claim
  [["is", "plus", "single"], ["is", "no longer", "single"]],
  // "eres la novia oficial del parce", "bist du offiziell kalles freundin": "official" between
  [[isPartner, "confirmed", "of"], [0, "of"]],
  [["confirmed", isStreamer, "'s", isPartner], [1, 2, 3]],
  // "is she spoken for": taken
  [["spoken", "for"], ["taken"]],
  // "how long" in the languages read: "wie lange seid ihr zusammen", "ça fait combien de temps
  // que vous êtes ensemble", "cuánto llevan juntos", "há quanto tempo"
  [["wie", "lange"], ["how", "long"]],
  [["combien", "of", "temps"], ["how", "long"]],
  [["cuanto", "tiempo", "llevan"], ["how", "long", "you", "are"]],
  [["cuánto", "tiempo", "llevan"], ["how", "long", "you", "are"]],
  [["cuanto", "llevan"], ["how", "long", "you", "are"]],
  [["cuánto", "llevan"], ["how", "long", "you", "are"]],
  [["since", "quanto", "tempo"], ["how", "long"]],
  // "ya no está soltero", "ya no es soltera": no longer single
  [["already", "is", "not", "single"], ["is", "no longer", "single"]],
  // "karim il sort avec", "seb il est casé": the name, then its pronoun
  [[isStreamer, isSubjectPronoun], [0]],
  // "kalle hat caro für sarah verlassen": he left caro for sarah
  [["has", "the", isNameish, "for", "the", isNameish, "left"], ["left", 2, "for", 5]],
  [["has", isNameish, "for", "the", isNameish, "left"], ["left", 1, "for", 4]],
  [["has", "the", isNameish, "for", isNameish, "left"], ["left", 2, "for", 4]],
  [["has", isNameish, "for", isNameish, "left"], ["left", 1, "for", 3]],
  // "er hat sich von der sarah getrennt": he broke up with sarah
  [["has", "of", "the", isNameish, "broke", "up"], ["broke", "up", "with", 2, 3]],
  // "hat mit mara schluss gemacht", "het mit em marco schluss gmacht"
  [["has", "with", "the", isNameish, "broke", "up"], ["broke", "up", "with", 2, 3]],
  [["has", "with", isNameish, "broke", "up"], ["broke", "up", "with", 2]],
  [["has", "of", isNameish, "broke", "up"], ["broke", "up", "with", 2]],
  [["is", "of", "the", isNameish, "broke", "up"], ["broke", "up", "with", 2, 3]],
  [["is", "of", isNameish, "broke", "up"], ["broke", "up", "with", 2]],
  // "se separó del grupo", "separou do time", "s'est séparé de son équipe": left a group.
  [["broke", "up", "of", "the", isGroup], ["left", 3, 4]],
  [["broke", "up", "of", "his", isGroup], ["left", 3, 4]],
  [["broke", "up", "of", isGroup], ["left", 3]],
  // "separou da bia", "se separó de la coni": broke up with
  [["broke", "up", "of", "the", isNameish], ["broke", "up", "with", 3, 4]],
  [["broke", "up", "of", isNameish], ["broke", "up", "with", 3]],
  // Proposals: "popped the question", "le pidió la mano a lena", "pidió matrimonio", "pediu a
  // bia em casamento", "a demandé lena en mariage", "hat ihr einen antrag gemacht".
  [["popped", "the", "question"], ["proposed"]],
  [["pop", "the", "question"], ["propose"]],
  [["popping", "the", "question"], ["proposing"]],
  [["asked", "the", "mano", "a"], ["proposed", "to"]],
  [["asked", "the", "mano", "of"], ["proposed", "to"]],
  [["asked", "the", "mano", "to", "the"], ["proposed", "to"]],
  [["asked", "the", "mano"], ["proposed"]],
  [["asked", "marriage", "a"], ["proposed", "to"]],
  [["asked", "marriage"], ["proposed"]],
  [["proposed", "marriage", "a"], ["proposed", "to"]],
  [["proposed", "marriage"], ["proposed"]],
  [["asked", "the", isNameish, "in", "wedding"], ["proposed", "to", 2]],
  [["asked", isNameish, "in", "wedding"], ["proposed", "to", 1]],
  [["asked", isThird, "in", "wedding"], ["proposed", "to", "her"]],
  [["asked", "in", "wedding"], ["proposed"]],
  [["has", isSubjectPronoun, isThird, "a", "proposal"], ["has", 1, "proposed", "to", "her"]],
  [["has", isStreamer, isThird, "a", "proposal"], ["has", 1, "proposed", "to", "her"]],
  [["has", "the", isNameish, "a", "proposal"], ["proposed", "to", 2]],
  [["has", isNameish, "a", "proposal"], ["proposed", "to", 1]],
  [["has", isThird, "a", "proposal"], ["proposed", "to", "her"]],
  // "n'importe quoi": nonsense, a denial of what was just said; "para nada", "ni de broma",
  // "nada a ver", "pas du tout", "claro que não", "auf keinen fall": no way.
  [["importe", "quoi"], ["nonsense"]],
  [["para", "nothing"], ["no way"]],
  [["nada", "the", "ver"], ["no way"]],
  [["nada", "to", "ver"], ["no way"]],
  [["ni", "of", "broma"], ["no way"]],
  [["ni", "of", "coña"], ["no way"]],
  [["not", "of", "tout"], ["no way"]],
  [["clearly", "that", "not"], ["no way"]],
  [["on", "no", "fall"], ["no way"]],
  // "otra vez", "de novo": again.
  [["otra", "vez"], ["again"]],
  [["of", "novo"], ["again"]],
  // "nono = en couple??", "rui = comprometido?", "mathis = fiancé ??": the streamer "=" a
  // status is "is".
  [[isStreamer, "=", isStatus], [0, "is", 2]],
  [[isStreamer, "=", "in", "a", "relationship"], [0, "is", 2, 3, 4]],
  [[isStreamer, "=", "in", "couple"], [0, "is", "in", "a", "relationship"]],
  [["SE"], []],
];

function isStatus(w: string): boolean {
  return /^(?:taken|engaged|married|single|fiance|divorced)$/.test(w);
}

/** German participles of a relationship, put last in a perfect tense. */
function isPerfect(w: string): boolean {
  return w === "married" || w === "dated" || w === "kissed";
}

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
  "goes",
  "the",
  ...PARTNER_NOUN,
  "STREAMER",
  ...PHRASES.flatMap(([steps]) => typeof steps[0] === "string" ? [steps[0]] : []),
]);

/**
 * Applies {@link PHRASES} left to right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * // canonicalize applies the phrases: "la novia de pablito" reads "STREAMER 's gf".
 * const c = canonicalize("la novia de pablito es ana", { channel: "pablito_gg" });
 * assert.equal(c.text, "STREAMER 's gf is ana");
 * ```
 */
export function rewritePhrases(pieces: Piece[]): void {
  for (let i = 0; i < pieces.length; i++) {
    if (!PHRASE_HEADS.has(pieces[i]!.w)) continue;
    for (const [steps, puts] of PHRASES) {
      if (i + steps.length > pieces.length) continue;
      let ok = true;
      for (let k = 0; k < steps.length && ok; k++) ok = stepOk(steps[k]!, pieces[i + k]!.w);
      if (!ok) continue;
      const matched = pieces.slice(i, i + steps.length);
      const at = matched[0]!;
      // A new word takes the span of the first matched, not its marks (an article, a verb).
      // ... but a verb that may open its clause without a subject stays one ("le pidió la mano
      // a lena" -> "proposed to lena", still the streamer's verb).
      const out = puts.map((p): Piece =>
        typeof p === "number" ? matched[p]! : {
          w: p,
          s: at.s,
          e: at.e,
          raw: at.raw,
          mention: at.mention,
          ...(at.pro && { pro: true }),
        }
      );
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

/** Adverbs of negation and time before a subjectless verb: "ya no esta", "nunca tuvo". */
const NEG_ADVERB = new Set(["already", "not", "never", "still", "no longer"]);

/** Words that may come before a subjectless verb in its clause ("ya", "so", "bro"). */
const BEFORE_VERB = new Set(
  ["so", "and", "but", "already", "now", "still", "also", "bro", "ok", "before", "first"],
);

/**
 * In Spanish, Portuguese (and chat German or French), "tiene novia?", "sale con carla",
 * "ist mit kathi zusammen" have no subject: the streamer is meant. Puts a "he" before such a
 * verb when it opens its clause.
 */
export function addImpliedSubjects(pieces: Piece[]): void {
  theGuyIsHe(pieces);
  subjectsBeforeVerbs(pieces);
}

/** "el boludo tiene novia", "o gajo namora", "der bro ist vergeben", "le mec est en couple":
 * "the guy" opening a clause is the streamer. */
function theGuyIsHe(pieces: Piece[]): void {
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
}

/** A verb that opens a clause with no subject ("tiene novia?", "ya no esta con marta", "und ist
 * dann mit vivi zusammengekommen") gets the streamer as its subject. */
function subjectsBeforeVerbs(pieces: Piece[]): void {
  for (let i = 0; i < pieces.length; i++) {
    if (!pieces[i]!.pro) continue;
    // "el tiene novia?": "el" before a verb is "él".
    if (pieces[i - 1]?.art && /^el$/i.test(pieces[i - 1]!.raw)) pieces[i - 1]!.w = "he";
    // "ya no esta con marta": the subject goes before "no longer" ("he already not is...").
    let j = i - 1;
    while (j >= 0 && NEG_ADVERB.has(pieces[j]!.w)) j--;
    const pj = pieces[j]?.w;
    if (j < i - 1 && (pj === undefined || pj === "?" || pj === "." || pj === ",")) {
      const p = pieces[j + 1]!;
      pieces.splice(j + 1, 0, { w: "he", s: p.s, e: p.s, raw: "", mention: false });
      i++;
      continue;
    }
    let k = i - 1;
    // ... and a vocative or laughter: "wey neta anda con", "jajaja anda con la jime".
    while (
      k >= 0 &&
      (BEFORE_VERB.has(pieces[k]!.w) || VOCATIVE(pieces[k]!.w) || LAUGH.test(pieces[k]!.w))
    ) k--;
    const prev = pieces[k]?.w;
    // "hat er ne freundin", "tiene él novia": the subject after the verb asks; none to add.
    const after = pieces[i + 1]?.w;
    // ("der kaktus hat mit mara schluss gemacht und ist dann mit vivi zusammengekommen": German
    // drops the subject of the second verb after "und".)
    // ("alguien sabe si está pillado": an indirect question opens its clause at "if".)
    const opens = prev === undefined || prev === "?" || prev === "." || prev === "," ||
      prev === "if" ||
      prev === "but" || prev === "that" || prev === "and" && pieces[i]!.raw.toLowerCase() === "ist";
    if (opens && (after === "he" || after === "she" || after === "STREAMER")) {
      // "datet er die anna?" -> "is he dating the anna ?"
      const v = pieces[i]!;
      if (v.w === "dating" || v.w === "seeing") {
        const plain = { s: v.s, e: v.e, raw: v.raw, mention: false };
        pieces.splice(i, 2, { ...plain, w: "is" }, pieces[i + 1]!, { ...plain, w: v.w });
        i += 2;
      }
      continue;
    }
    if (opens) {
      const p = pieces[i]!;
      pieces.splice(i, 0, { w: "he", s: p.s, e: p.s, raw: "", mention: false });
      i++;
    }
  }
}

/** Who a lead-in is for: "for the new people", "para los nuevos", "pour ceux qui demandent". */
const AUDIENCE = new Set(
  ("new newcomers newbies noobs nuevos novos novatos nouveaux neuen neulinge everyone " +
    "everybody yall all those people lurkers todos tous alle gente leute ceux quienes")
    .split(" "),
);
/** Words that may follow the audience in a lead-in: "everyone asking", "those who keep asking". */
const AUDIENCE_TAIL = new Set(
  ("people ones viewers chatters here asking wondering who that keep keeps ask asks asked are " +
    "is demandent demande preguntan pregunta perguntam pergunta fragen fragt always")
    .split(" "),
);
const FOR_WORD = new Set(["for", "to", "para", "pros", "pras", "pra", "since", "because"]);

/**
 * "for the new people lena is his gf", "para los nuevos su novia es lena", "since people keep
 * asking he is with lena": a lead-in that says whom the message is for closes before the claim,
 * as a colon would ("ok so for the new people: ..."), so the name after it opens a clause.
 */
export function closeLeadIn(pieces: Piece[]): void {
  let i = 0;
  while (i < pieces.length && OPENER.has(pieces[i]!.w) && pieces[i]!.w !== "STREAMER") i++;
  if (!FOR_WORD.has(pieces[i]?.w ?? "")) return;
  let k = i + 1;
  if (pieces[k]?.w === "the" || pieces[k]?.art) k++;
  if (!AUDIENCE.has(fold(pieces[k]?.w ?? ""))) return;
  k++;
  for (let n = 0; n < 4 && AUDIENCE_TAIL.has(pieces[k]?.w ?? ""); n++) k++;
  const next = pieces[k];
  if (!next || /^(?:[,.?]|and|or|but|if|of|in|to)$/.test(next.w)) return;
  const last = pieces[k - 1]!;
  pieces.splice(k, 0, { w: ",", s: last.e, e: last.e, raw: "", mention: false });
}

/** What may follow a German demonstrative used as "he"/"they": "hat der ne freundin". */
const AFTER_DEMONSTRATIVE = new Set(
  "a still with married taken single engaged together broke already again now no longer".split(" "),
);

/**
 * German chat's demonstrative pronoun: "hat der ne freundin?", "ist der noch mit ...", "isch de
 * flo vergä", "haben die schluss gemacht?": after a verb that opens a question, "der"/"die"
 * before no noun is "he" (or "they" after a plural verb).
 */
export function germanDemonstrative(pieces: Piece[]): void {
  for (let i = 1; i + 1 < pieces.length; i++) {
    const d = pieces[i]!;
    const verb = pieces[i - 1]!.w;
    const before = pieces[i - 2]?.w;
    if (!d.art || !/^(?:der|die|de)$/i.test(d.raw)) continue;
    if (!/^(?:has|is|was|have|are|were)$/.test(verb)) continue;
    if (
      !(before === undefined || before === "?" || before === "." || before === "," ||
        OPENER.has(before))
    ) {
      continue;
    }
    if (!AFTER_DEMONSTRATIVE.has(pieces[i + 1]!.w)) continue;
    const plural = /^(?:have|are|were)$/.test(verb);
    pieces[i] = { w: plural ? "they" : "he", s: d.s, e: d.e, raw: d.raw, mention: false };
  }
}
