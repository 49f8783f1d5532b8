/**
 * Step 1 of the relationship-signal analyzer: the pre-filter. One precompiled, case-blind regex
 * of word-initial stems over the raw text; about 99% of chat has none and costs this one scan.
 *
 * @module
 */

// The stems cover English, Spanish, Portuguese, German and French: a superset of the spellings
// the rules know (a test checks each one). They are grouped by first letter into one regex
// (`\b(?:d(?:at|ivor)|g(?:f|irl)...)`), which V8 scans about twice as fast as a flat list.
// "with" is common, so a message whose only stem is "with" passes only when a subject-like
// word stands right before it. (Measured: a char-code scanner in JS costs about three times
// as much as the regex.)
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
  "con qui[ée]n\\b|com quem\\b|avec qui\\b|mit wem\\b",
  // German
  "freund|gedatet|zwischen|passt? (?:gut )?auf|lebensgef|fr[üu]nd|freind|gs(?:ch)?pusi|hochzeit|offiziell|mann\\b|paar\\b|heirat|geheirat|verheirat|vergeben|zusamm|frau|ehefrau|ehemann|verlob|datet|" +
  "verlassen|getrennt|geschied|schluss|was mit|küss|geküss|liiert|ledig|beziehung|zamm?\\b|zsamm|antrag|heiratsantrag|" +
  // The lexicon's words that the stems above missed (a test holds the two together).
  "frend|ghürate|ghürotet|schatz|exfreund|best[äa]e?tigt|auseinander|zäm|zaeme",
  // French
  "copin|ch[ée]rie?\\b|officiel|mariage|copain|mari\\b|petit ami|petite amie|ensemble|mari[ée]|femme|meuf|mec\\b|blonde|chum\\b|" +
  "célibat|celibat|casé|casee|sort\\b|sors\\b|sortait|sortent|sorti\\b|sépar|rompu|truc|embrass|est avec|es avec|" +
  "toujours avec|encore avec|était avec|etait avec|a [ée]t[ée] avec|quitt[ée]|plaqu[ée]|largu[ée]|" +
  "cassé|sortie\\b|c[ée]lib\\b|c'est fini|cest fini|" +
  // Back together ("il est revenu avec lena", "elle s'est remise avec son ex").
  "revenue? avec|remise? avec|remis ensemble|pacs[ée]",
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
const CORE = grouped([...STEM_LIST, ...PHRASES]);
const STEMS = new RegExp(`${CORE}|\\b(?<w>with\\b|w\\/|w\\b)`, "i");
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
  / [x&] \S+ ?(?:\?|=|real\b|offici|confirm|canon|\p{Extended_Pictographic}|[0-9])/iu;
const WITH_AFTER_SUBJECT =
  /(?:\b(?:he|she|hes|shes|is|u|you|ur|are|r|not|isnt|arent|wasnt|still|back|now|currently|been|was|were|literally|actually|really|def|prob|probably|totally|lowkey|officially|secretly|apparently|already|like|just|so|also|fr|clearly|obviously|definitely|defo|deff|kinda|sorta|highkey|prolly|always|even|out)|['’]s) w(?:ith\b|\/|\b)|\bwith (?:him|her)\b|\b(?:is|was|isnt|wasnt) \S+ w(?:ith\b|\/|\b)|\bw(?:ith|\/)? \S+ or \S|\bw(?:ith|\/)? \S+(?: now| still| rn)? ?\?/i;

/**
 * The pre-filter: false when `text` certainly holds no relationship talk, so that the ~99% of
 * chat without it costs one regex scan and nothing else.
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
