/**
 * Step 1 of the relationship-signal analyzer: the pre-filter. A case-blind regex of word-initial
 * stems over the raw text defines it; one pass over the characters with a table of the stems'
 * first three characters answers the same, faster. About 99% of chat has no stem and costs that
 * one pass.
 *
 * @module
 */
import { type StemTable, stemTable } from "./stem_table.ts";

// The stems cover English, Spanish, Portuguese, German and French: a superset of the spellings
// the rules know (a test checks each one). They are grouped by first letter into one regex
// (`\b(?:d(?:at|ivor)|g(?:f|irl)...)`), which V8 scans about twice as fast as a flat list.
// "with" is common, so a message whose only stem is "with" passes only when a subject-like
// word stands right before it. The regex built here defines the pre-filter; the pass that
// answers faster (below) reads the same list.
const STEM_LIST = [
  // English
  "dat|gf|bf|bae|girl|going out|pop\\w* the question|g\\w{0,4}fr|b\\w{0,4}fr|fianc|wif|husb|hubb|lady|marr|maried|" +
  "merri|enga|propos|purpos|tog|taken|a thing|2ge|coupl|seein|singl|relations|congrat|cograt|" +
  "grat|between|hook\\w* up|le[af]\\w* \\S+ for\\b|dumped|take care|cuida|cuída|prends soin|felicidades|felicitaciones|parab[ée]ns|glückw|gratulier|f[ée]licitations|break up|breakup|wedding|moved in|mudaste|mudó|mudou|mudaram|mudaron|her man\\b|his man\\b|a man\\b|your man\\b|ur man\\b|ur fella|your fella|a fella\\b|her fella|his fella|a bloke\\b|her bloke|his bloke|spoken for|ex\\b|exe?s\\b|broke|split|divor|used to|partner|kiss|official|confirm|canon|situationsh",
  // Spanish, Portuguese
  "novi|flac[ao]|ligue|peguete|contatinho|entre|estuv[oei]\\w* con|cort[oó] con|saindo com|pegando|tem boy\\b|o boy d|casal\\b|casais\\b|casamento|oficial|boda\\b|namor|casar|casaste|casaron|casaram|algo com|voit quelqu|chica|chico|morra|jeva|polol|enamorad|mina|cuffed|missus|missis|casad|caso\\b|casó|te casas|casou|solte|noiv|prometid|compromet|junt|espos|mujer|mulher|" +
  "marid|parej|parceir|sale\\b|salen\\b|salia\\b|salio\\b|salí|salió|salien|anduv|andou|ficando|separ|" +
  "cortaron|termin|algo con|bes[oa]ron|beij|esta con|está con|estas con|estás con|estan con|" +
  "están con|sigue con|sigues con|siguen con|anda con|andas con|andás con|andaba con|ta com|tá com|tao com|" +
  "tão com|esta com|está com|ainda com|ficante|ficou com|fica com|anda com|andava com|andou com|" +
  "dej[oó] |largou|deixou \\S+ (?:\\S+ )?p[oe]|" +
  // The lexicon's words that the stems above missed (a test holds the two together).
  "exnovi|andan\\b|andaba|andó|andaron|andam\\b|andava|andaram|liad[oa]|liaron|enrollad|cortó|" +
  "dejaron|cuidá|cuide\\b|casaba|casava|besó|besaba|lance\\b|acabaram|moz[ãa]o|mozinho|" +
  // Second persons and pairs back together ("sales con", "estás com", "voltaram"), pt-PT "miúda".
  "sales con|salís con|estás com|estas com|voltaram|voltamos|volvieron|volvimos|mi[úu]da|jevo|churri|pillad|enrolad|" +
  // Back together ("volvió con lena", "voltou com a bia", "reatou"), a proposal ("pidió la mano").
  "volvi[oó] con|voltou com|reat[oa]u|reataram|pidi[oó] la mano|matrimonio|propuso|pediu|" +
  // With whom, asked in the four languages ("con quién anda", "com quem é que ele anda").
  "con qui[ée]n\\b|com quem\\b|avec qui\\b|mit wem\\b|" +
  // Slang for a partner and marriage by bride price or dowry (issue 13, session 13), and the
  // diminutives of the partner words ("jevita", "maridito", "namoradinha", "esposinha").
  "jev|jermu|cuadrad[oa]s?\\b|guria|prenda\\b|dama\\b|companheir|lobol|mujercit",
  // German
  "freund|gedatet|zwischen|passt? (?:gut )?auf|lebensgef|fr[üu]nd|freind|gs(?:ch)?pusi|hochzeit|offiziell|mann\\b|paar\\b|heirat|geheirat|verheirat|vergeben|zusamm|frau|ehefrau|ehemann|verlob|datet|" +
  "verlassen|getrennt|geschied|schluss|was mit|küss|geküss|liiert|ledig|beziehung|zamm?\\b|zsamm|antrag|heiratsantrag|" +
  // The lexicon's words that the stems above missed (a test holds the two together).
  "frend|ghürate|ghürotet|schatz|exfreund|best[äa]e?tigt|auseinander|zäm|zaeme|" +
  // Northern "Deern", youth slang, Kölsch and Swabian forms.
  "deern|deeern|ische\\b|macker|zesamm|zamma|zämme|trennt|gschied",
  // French
  "copin|ch[ée]rie?\\b|officiel|mariage|copain|mari\\b|petit ami|petite amie|ensemble|mari[ée]|femme|meuf|mec\\b|blonde|chum\\b|" +
  "célibat|celibat|casé|casee|sort\\b|sors\\b|sortait|sortent|sorti\\b|sépar|rompu|truc|embrass|est avec|es avec|" +
  "toujours avec|encore avec|était avec|etait avec|a [ée]t[ée] avec|quitt[ée]|plaqu[ée]|largu[ée]|" +
  "cassé|sortie\\b|c[ée]lib\\b|c'est fini|cest fini|" +
  // Back together ("il est revenu avec lena", "elle s'est remise avec son ex").
  "revenue? avec|remise? avec|remis ensemble|pacs[ée]|" +
  // Verlan, North and West African French; "laissé X pour Y".
  "keum|nana\\b|mrat\\b|sahba|dot[ée]|doter|laiss[ée]e? \\S+ pour\\b",
  // British, Scots and Irish chat ("his lass", "got a bird"), and elsewhere.
  "lass\\b|lassie|bird\\b|beau\\b|boyf\\b|shawty",
].join("|").split("|");

/** `\b(?:a(?:x|y)|b(?:...))`: the stems grouped by their first character. */
function grouped(stems: readonly string[]): string {
  const by = new Map<string, string[]>();
  for (const s of stems) {
    const head = s[0]!;
    const list = by.get(head) ?? [];
    list.push(s.slice(1));
    by.set(head, list);
  }
  const parts: string[] = [];
  for (const [head, tails] of by) {
    parts.push(tails.length === 1 ? head + tails[0] : `${head}(?:${tails.join("|")})`);
  }
  return `\\b(?:${parts.join("|")})`;
}

// Each stem is split on "|" above, so a stem must hold no alternation of its own: a stem like
// "hook(?:ing|ed)" would be cut in two and break the whole pre-filter. Compiling each alone
// throws on such a stem when the module loads.
for (const stem of STEM_LIST) new RegExp(stem);
/**
 * Phrases with no relationship word, in the same scan as the stems (each opens on a literal
 * letter and may hold alternations of its own): what a named person is to the streamer ("who is
 * reina to him", "c'est qui chloé pour toi"), partners in turn ("first it was lena then chloe").
 */
const TO_WHOM =
  " \\S+ (?:to|pour|para|pra|für) (?:him|her|you|u|lui|elle|toi|[ée]l|ella|ti|vos|ele|ela|voc[êe]|vc|ihn|sie|dich)\\b";
const IN_TURN =
  " (?:\\S+ ){0,3}\\S+,? (?:and |y |e |und |et )?(?:then|now|ahora|agora|jetzt|dann|maintenant|puis|luego|despu[ée]s|depois)\\b";
const PHRASES = [
  `who(?:'?s| is| was)${TO_WHOM}`,
  `qui(?:[ée]n es)?${TO_WHOM}`,
  `quem [ée]${TO_WHOM}`,
  `wer ist${TO_WHOM}`,
  `first${IN_TURN}`,
  `primeiro${IN_TURN}`,
  `primero${IN_TURN}`,
  `erst${IN_TURN}`,
  `d'abord${IN_TURN}`,
];
for (const phrase of PHRASES) new RegExp(phrase);
/** "with" alone ("he's with lena", "still w/ her"): it passes only in {@link WITH_AFTER_SUBJECT}. */
const WITH = ["with\\b", "w\\/", "w\\b", "wi\\b"];
const CORE = grouped([...STEM_LIST, ...PHRASES]);
const STEMS = new RegExp(`${CORE}|\\b(?<w>${WITH.join("|")})`, "i");
const STEMS_NO_WITH = new RegExp(CORE, "i");
/** "geht nina mit dem bassisten?", "is er mit der jördis": German "with" after its verb. */
const GERMAN_WITH = /\b(?:geht|gehst|ist|is|isch|bist|war)(?: \S+){0,2} mit\b/i;
/** Any of the hearts or the handshake of {@link HEART_PAIR}, by substring (cheaper than a scan). */
function mayHoldHeart(text: string): boolean {
  return text.includes("\u2764") || text.includes("\u2665") ||
    text.includes("\uD83D") && HEART_SURROGATE.test(text) || text.includes("\uD83E\uDD1D");
}
const HEART_SURROGATE = /\uD83D[\uDC95\uDC9E\uDC98\uDC91\uDC8F]/;
/** "paco ❤️ carla?", "memo 🤝 ximena": a heart or a handshake between two words. */
const HEART_PAIR = /\S (?:❤️?|♥️?|🤝|💕|💞|💘|💑|💏) \S/u;
/** "o rui e a inês? 👀", "paco y carla??": a pair alone, asked (the rules decide the rest). */
const PAIR_ASKED = /^\s*(?:\S+\s+){0,2}(?:and|e|y|et|und|n|&)\s+(?:\S+\s+)?[^\s?]+\s*\?/i;
/**
 * In one scan (several substring tests cost more on the 99% of chat that has no stem): a text
 * heart between two names ("kai <3 mira"), a pair set right after a comma ("kalle und jana,
 * nicht kalle und nina"), French slang for a girlfriend after a determiner ("sa go").
 */
const RARE_FORMS =
  / <3 |, (?:not|nicht|no|não|nao|pas) \S+ (?:and|und|y|e|et|pis|&|x) \S|\b(?:sa|ta|une|la|ma) go\b/i;
/** "lucas/inès c'est officiel": two words joined by a slash, and a mark after. */
const SLASH_PAIR =
  /\p{L}\/\p{L}+ (?:\S+ )?(?:c'est |is |é |es |ist )?(?:offici|oficial|confirm|real|canon|💍|❤)/iu;
const CLIPPED_X =
  / [x&] \S+ ?(?:\?|=|real\b|irl\b|forever|4ever|otp\b|endgame|offici|confirm|canon|\p{Extended_Pictographic}|[0-9])/iu;
const WITH_AFTER_SUBJECT =
  /(?:\b(?:he|she|hes|shes|is|u|you|ur|are|r|not|isnt|arent|wasnt|still|back|now|currently|been|was|were|literally|actually|really|def|prob|probably|totally|lowkey|officially|secretly|apparently|already|like|just|so|also|fr|clearly|obviously|definitely|defo|deff|kinda|sorta|highkey|prolly|always|even|out|oot)|['’]s) w(?:ith\b|i\b|\/|\b)|\bwith (?:him|her)\b|\b(?:is|was|isnt|wasnt) \S+ w(?:ith\b|i\b|\/|\b)|\bw(?:ith|i|\/)? \S+ or \S|\bw(?:ith|i|\/)? \S+(?: now| still| rn)? ?\?/i;

/**
 * The pre-filter as one regex scan: the definition that {@link mayMentionRelationship} computes
 * faster (a test holds the two together on the labelled sets and on random text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayMentionRelationshipByRegex } from "./prefilter.ts";
 * assert.equal(mayMentionRelationshipByRegex("is he dating sara?"), true);
 * assert.equal(mayMentionRelationshipByRegex("gg wp"), false);
 * ```
 */
export function mayMentionRelationshipByRegex(text: string): boolean {
  const m = STEMS.exec(text);
  if (m === null) {
    // The clipped forms "rexx + sienna", "ambre x hugo real??" (cheap checks first).
    // German "with" and a heart between two words: rare, so a cheap test of a substring first.
    return text.includes(" + ") ||
      (text.includes(" x ") || text.includes(" & ")) && CLIPPED_X.test(text) ||
      text.includes(" mit ") && GERMAN_WITH.test(text) ||
      mayHoldHeart(text) && HEART_PAIR.test(text) ||
      text.includes("?") && PAIR_ASKED.test(text) || text.includes("/") && SLASH_PAIR.test(text) ||
      RARE_FORMS.test(text);
  }
  if (m.groups?.w === undefined) return true;
  return STEMS_NO_WITH.test(text) || WITH_AFTER_SUBJECT.test(text);
}

// ---------------------------------------------------------------------------------------------
// The same answer in one pass over the characters. Measured on the ingest benchmark's mix, the
// regex scan above spends ~210 ns a message on the stems (irregexp tries every alternative at
// every word start) and ~350 ns more on the rare forms' substring tests and regexes, which run
// on every message without a stem. The pass below looks up each word's first three characters
// in a table read off the stems (`stem_table.ts`) and runs the stems of that first character
// (one sticky regex) only where some stem may open so; on the way it notes the characters each
// rare form needs (" + ", "?", "/", a heart...) and runs only the rare forms whose characters
// are there.

/** Bits of {@link CHAR_CLASS}: a word character of `\b`, and what each rare form needs. */
const WORD = 1;
const PLUS = 2; // " + "
const CLIP = 4; // " x ", " & " of CLIPPED_X
const MIT = 8; // " mit " of GERMAN_WITH
const HEART = 16; // a heart or the handshake of HEART_PAIR (all at or above U+2665)
const QUESTION = 32; // PAIR_ASKED
const SLASH = 64; // SLASH_PAIR
const RARE = 128; // " <3 ", ", not", " go" of RARE_FORMS
/** Per ASCII code: {@link WORD} for [A-Za-z0-9_] (`\b` without the u flag), else a rare form's mark. */
const CHAR_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (/\w/.test(String.fromCharCode(c))) CHAR_CLASS[c] = WORD;
}
CHAR_CLASS[0x2b] = PLUS; // +
CHAR_CLASS[0x26] = CLIP; // &
CHAR_CLASS[0x3f] = QUESTION; // ?
CHAR_CLASS[0x2f] = SLASH; // /
CHAR_CLASS[0x3c] = RARE; // <
CHAR_CLASS[0x2c] = RARE; // ,

/** Built on first use: reading the stems takes ~10 ms, which commands without chat skip. */
let table: StemTable | null = null;

/** The rare forms whose marks `seen` holds, each behind the substring test it needs. */
function rareForm(text: string, seen: number): boolean {
  return (seen & PLUS) !== 0 && text.includes(" + ") ||
    (seen & CLIP) !== 0 && (text.includes(" x ") || text.includes(" & ")) && CLIPPED_X.test(text) ||
    (seen & MIT) !== 0 && text.includes(" mit ") && GERMAN_WITH.test(text) ||
    (seen & HEART) !== 0 && mayHoldHeart(text) && HEART_PAIR.test(text) ||
    (seen & QUESTION) !== 0 && PAIR_ASKED.test(text) ||
    (seen & SLASH) !== 0 && SLASH_PAIR.test(text) ||
    (seen & RARE) !== 0 && RARE_FORMS.test(text);
}

/**
 * The pre-filter: false when `text` certainly holds no relationship talk, so that the ~99% of
 * chat without it costs one pass over its characters and nothing else. The same answer as
 * {@link mayMentionRelationshipByRegex}, faster.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayMentionRelationship } from "./prefilter.ts";
 * assert.equal(mayMentionRelationship("is he dating sara?"), true);
 * assert.equal(mayMentionRelationship("¿tiene novia?"), true);
 * assert.equal(mayMentionRelationship("gg wp"), false);
 * ```
 */
export function mayMentionRelationship(text: string): boolean {
  const t = table ??= stemTable([...STEM_LIST, ...PHRASES], WITH);
  const { headIndex, headRe, next, nonWordHead, nonWordHeadRe, nonAsciiHead } = t;
  const n = text.length;
  let seen = 0;
  let withSeen = false;
  let prevWord = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      if (c >= 0x2665) seen |= HEART;
      if (prevWord && nonAsciiHead && nonWordHeadRe !== null) {
        nonWordHeadRe.lastIndex = i;
        if (nonWordHeadRe.test(text)) return true;
      }
      prevWord = false;
      continue;
    }
    const k = CHAR_CLASS[c]!;
    if ((k & WORD) === 0) {
      seen |= k;
      if (prevWord && nonWordHead[c] === 1 && nonWordHeadRe !== null) {
        nonWordHeadRe.lastIndex = i;
        if (nonWordHeadRe.test(text)) return true;
      }
      prevWord = false;
      continue;
    }
    if (prevWord) continue;
    prevWord = true;
    // A word starts here (`\b` holds): its next two characters say whether a stem may open.
    const c2 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (c === 0x78) seen |= CLIP; // " x "
    else if (c === 0x6d && c2 === 0x69) seen |= MIT; // " mit "
    else if ((c | 0x20) === 0x67 && (c2 | 0x20) === 0x6f) seen |= RARE; // " go"
    const h = headIndex[c]!;
    if (h < 0) continue;
    const c3 = i + 2 < n ? text.charCodeAt(i + 2) : 0;
    if ((c2 | c3) < 128 && (next[(h << 9) | (c2 << 2) | (c3 >> 5)]! & (1 << (c3 & 31))) === 0) {
      continue;
    }
    const re = headRe[h]!;
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) continue;
    if (m.groups?.w === undefined) return true;
    withSeen = true;
  }
  // No stem but "with": it passes only after a subject ("he's with", "is she w/").
  if (withSeen) return WITH_AFTER_SUBJECT.test(text);
  return seen !== 0 && rareForm(text, seen);
}
