/**
 * Relationship signals: does a chat message ask about or assert a romantic relationship of the
 * STREAMER (the channel's owner), and whom does it name as the partner?
 *
 * How it works, cheapest first:
 * 1. A pre-filter: one precompiled regular expression over the raw text looks for relationship
 *    stems (dating, gf, wife, married, together...). About 99% of chat has none and costs one
 *    regex test, nothing more.
 * 2. A canonical form: words are lowercased, contractions and chat spellings unified ("hes" ->
 *    "he is", "gurlfriend" -> "gf", "r u" -> "are you"), references to the streamer (channel
 *    login, `@login`, parts of the login such as "luna" for `luna_plays`, "the streamer", given
 *    names) become `STREAMER`, and a leading `@someone` who is addressed is set aside.
 * 3. Rules: patterns over the canonical words that tie a relationship word to a streamer
 *    reference (`is he (still) dating X`, `X is his gf`, `you and X together`, `does he have a
 *    gf`...). Each match then passes guards that stop it: negation and denial, hypotheticals and
 *    wishes, other senses of the word (carbon dating, married to the grind, engaged in a fight),
 *    games and fiction, sponsor reads, the speaker's own relationships, someone else being the
 *    antecedent of "he", and "you" meaning the person addressed rather than the streamer.
 * 4. Targets: the named partner, lowercased without `@`; pronouns, indefinites and emotes give a
 *    signal without a target; the streamer, the speaker and the addressed person never are one.
 *
 * The rules favour precision: a wrong claim about a person is worse than a missed one.
 *
 * @module
 */
import type { Signal } from "../schemas.ts";

/** Who the streamer is, for one message. */
export interface SignalContext {
  /** The channel login (the streamer's login); `#` and `@` are ignored, case too. */
  channel: string;
  /** More names for the streamer, such as the display name or a nickname. */
  streamerNames?: readonly string[];
  /** Emote names present in this message (e.g. from Twitch's emote tag): never targets. */
  emotes?: readonly string[];
}

/** What {@link explainSignals} found: the signals, and the reasoning step by step. */
export interface Explanation {
  fired: Signal[];
  /** Human-readable: the rule, the span, the target, or which guard stopped it. */
  steps: string[];
}

// ---------------------------------------------------------------------------------------------
// 1. Pre-filter: one case-blind regex of word-initial stems. It accepts a superset of the
// spellings the rules know (a test checks each one). "with" is common, so a message whose
// only stem is "with" passes only when a subject-like word stands right before it.
// (Measured: a char-code scanner in JS costs about three times as much as this regex.)

const STEMS =
  /\b(?:dat|[gb]f|bae|girl|going out|[gb]\w{0,4}fr|fianc|wif|hu[sb]b|marr|maried|merri|enga|propos|purpos|tog|taken|a thing|2ge|coupl|seein|singl|relations|con?grat|grat|(?<w>with\b|w\/|w\b))/i;
const STEMS_NO_WITH =
  /\b(?:dat|[gb]f|bae|girl|going out|[gb]\w{0,4}fr|fianc|wif|hu[sb]b|marr|maried|merri|enga|propos|purpos|tog|taken|a thing|2ge|coupl|seein|singl|relations|con?grat|grat)/i;
const WITH_AFTER_SUBJECT =
  /(?:\b(?:he|she|hes|shes|is|u|you|ur|are|r|still|back|now|currently|been|was|were|literally|actually|really|def|prob|probably|totally|lowkey|officially|secretly|apparently|already|like|just|so|also|fr)|['’]s) w(?:ith\b|\/|\b)/i;

/**
 * The pre-filter: false when `text` certainly holds no relationship talk, so that the ~99% of
 * chat without it costs one regex scan and nothing else.
 */
export function mayMentionRelationship(text: string): boolean {
  const m = STEMS.exec(text);
  if (m === null) return false;
  if (m.groups?.w === undefined) return true;
  return STEMS_NO_WITH.test(text) || WITH_AFTER_SUBJECT.test(text);
}

// ---------------------------------------------------------------------------------------------
// 2. Vocabulary.

/** Words rewritten to one or more canonical words. */
const REWRITE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // contractions and their chat spellings
    "he's": "he is",
    hes: "he is",
    "she's": "she is",
    shes: "she is",
    "it's": "it is",
    "that's": "that is",
    thats: "that is",
    "who's": "who is",
    whos: "who is",
    "you're": "you are",
    youre: "you are",
    ure: "you are",
    "u're": "you are",
    "they're": "they are",
    theyre: "they are",
    "i'm": "i am",
    im: "i am",
    "we're": "we are",
    "he'd": "he would",
    "she'd": "she would",
    "he'll": "he will",
    "she'll": "she will",
    isnt: "is not",
    aint: "is not",
    "ain't": "is not",
    arent: "are not",
    wasnt: "was not",
    werent: "were not",
    doesnt: "does not",
    dosent: "does not",
    doesn: "does not",
    dont: "do not",
    didnt: "did not",
    hasnt: "has not",
    havent: "have not",
    wont: "will not",
    cant: "can not",
    wouldnt: "would not",
    shouldnt: "should not",
    couldnt: "could not",
    // chat shorthand
    u: "you",
    r: "are",
    ru: "are you",
    n: "and",
    "&": "and",
    "w/": "with",
    abt: "about",
    // relationship words and their misspellings
    datin: "dating",
    dateing: "dating",
    datting: "dating",
    datng: "dating",
    gfs: "gf",
    girlfriend: "gf",
    girlfriends: "gf",
    girlfrend: "gf",
    gurlfriend: "gf",
    grlfriend: "gf",
    gilfriend: "gf",
    girlfried: "gf",
    girlfreind: "gf",
    gfriend: "gf",
    girlfren: "gf",
    gurlfren: "gf",
    gurlfrend: "gf",
    bfs: "bf",
    boyfriend: "bf",
    boyfriends: "bf",
    boyfrend: "bf",
    boyfreind: "bf",
    bofriend: "bf",
    boyfren: "bf",
    boifriend: "bf",
    boyfried: "bf",
    wifey: "wife",
    wify: "wife",
    hubby: "husband",
    hubbie: "husband",
    husbnd: "husband",
    husbund: "husband",
    husbamd: "husband",
    "fiancé": "fiance",
    fiancee: "fiance",
    "fiancée": "fiance",
    marryed: "married",
    marrid: "married",
    maried: "married",
    merried: "married",
    marryd: "married",
    marries: "marry",
    marrys: "marry",
    engagd: "engaged",
    engadged: "engaged",
    enganged: "engaged",
    purposed: "proposed",
    proposd: "proposed",
    togther: "together",
    togeather: "together",
    togeter: "together",
    togehter: "together",
    "2gether": "together",
    seein: "seeing",
    relationshp: "relationship",
  }),
);

/** The canonical words every rule needs one of: a cheap second gate after normalizing. */
const REL_WORDS = new Set(
  (
    "dating dated date dates seeing with w married marry marrying engaged proposed propose " +
    "proposing single taken relationship gf bf wife husband fiance girl bae together couple " +
    "thing congrats congratulations congratz grats gratz"
  ).split(" "),
);

/** After "your", these make it the typo for "you're". */
const YOURE_NEXT = new Set([
  "dating",
  "seeing",
  "married",
  "engaged",
  "single",
  "taken",
  "together",
  "still",
  "not",
  "with",
  "going",
  "gonna",
  "in",
]);

/** Parts of a login that say nothing about who it is. */
const GENERIC_LOGIN_PARTS = new Set([
  "the",
  "its",
  "mr",
  "mrs",
  "miss",
  "real",
  "official",
  "tv",
  "ttv",
  "yt",
  "live",
  "plays",
  "play",
  "playz",
  "gaming",
  "games",
  "game",
  "gg",
  "streams",
  "stream",
  "streamer",
  "channel",
  "clips",
  "vods",
  "irl",
  "hd",
  "pro",
  "xo",
  "lol",
  "big",
  "lil",
  "little",
  "king",
  "queen",
  "daddy",
  "mommy",
  "girl",
  "boy",
  "guy",
  "man",
  "dude",
  "bro",
  "cat",
  "dog",
  "is",
  "and",
]);

/** Words that may sit between a subject and its relationship word. */
const MID_WORDS =
  "is|are|was|were|am|'s|been|be|has|have|had|do|does|did|still|currently|now|def|definitely|defo|deff|prob|probably|prolly|totally|lowkey|highkey|low key|high key|literally|actually|really|secretly|officially|apparently|already|like|just|so|also|fr|deadass|clearly|obviously|kinda|sorta|finally|ever|even|not|never|no longer|back|rumored to be|said to be|supposedly|allegedly|reportedly|gonna|going to|will|should|would|could|might|may|wants to|want to|wanna|needs to|need to|ought to|got|get|gets|getting|used to|always|for sure|for real";
/** What may sit between "X" and "his gf": "X is still his gf", "is X really his gf". */
const LINK_MID =
  "still|now|currently|really|actually|literally|def|definitely|prob|probably|totally|not|never|no longer|officially|like|lowkey|so";
const MID = `(?<mid>(?: (?:${MID_WORDS}))*)`;
const NEGATION = /(?:^| )(?:not|never|no longer)(?= |$)/;
const MODAL =
  /(?:^| )(?:should|would|could|might|may|wants to|want to|wanna|needs to|need to|ought to)(?= |$)/;

/** Words that stand for the streamer as a subject. */
const SUBJ = "he|she|STREAMER|you|ur|they|bro";
const AUXQ = "is|are|was|were|does|do|did|has|have|will|can";
const TGT = "(?<t>@?[a-z0-9_]+)";
const PARTNER = "gf|bf|wife|husband|fiance";
const PARTNER_LOOSE = "gf|bf|wife|husband|fiance|girl|bae";
const POSS = "his|her|ur|your|STREAMER 's";
const MOD = "(?: (?<mod>new|current|secret|future|ex|former|old|dream))?";

/** Words that never are a partner's name and give a signal without a target. */
const NO_TARGET = new Set(
  (
    "her him them you u ya ye me someone somebody anyone anybody one some a an the that this " +
    "these those his hers ur your yours their it its another other who whom what which " +
    "again now rn anymore yet already still lately recently too tho though btw fr frfr lol " +
    "lmao lmfao xd omg bro bruh dude chat guys right or and but so since for from in on at " +
    "to with by of as like just nobody noone everyone everybody people girls guys women men " +
    "irl online idk tbh ngl imo smh pls plz ok okay yes yeah yea nah no not never ever " +
    "anyway anyways atm today tonight currently secretly officially literally actually " +
    "really lowkey highkey my our back is are was were be been being am do does did has " +
    "have had will would could should can may might must gonna wanna then than there here " +
    "when where why how if because cuz cause bc until till after before during about " +
    "next last long years months weeks days forever haha hahaha lul kek w l he she they it " +
    "trust confirmed ong icl istg fs tbf af asf lowkey highkey deadass ig prob probably maybe " +
    "too also either neither each both all"
  ).split(" "),
);
/** The speaker: a match naming them is about the speaker's own relationship. */
const SELF = new Set(["i", "me", "myself", "we", "us"]);
/** Objects that show another sense of the word ("married to the grind", "seeing things"). */
const NON_PERSON = new Set(
  (
    "chat game games grind job work stream streaming streams twitch money food pizza sleep " +
    "bed pc chair setup keyboard mouse music content career school gym sim sims app apps " +
    "show site things stuff double red stars ghosts clips clip vod vods valorant league lol " +
    "fortnite minecraft overwatch apex cod warzone wow chess poker osu rust tarkov csgo cs " +
    "dota hearthstone gta elden ranked grinding viewers subs youtube tiktok internet phone " +
    "camera mic controller it this that these those things everything nothing death"
  ).split(" "),
);
/** Verbs that follow "his gf" as a subject and are no name ("does ur gf watch"). */
const COMMON_VERB = new Set(
  (
    "watch watches watching play plays playing know knows like likes love loves hate hates " +
    "say says said think thinks want wants do does did go goes went come comes get gets got " +
    "make makes made look looks seem seems sound sounds stream streams cook cooks live lives " +
    "work works know need needs use uses see sees saw feel feels call calls tell told ever " +
    "still also even just really always never tell say ask give send let show bring meet " +
    "kiss hug greet thank"
  ).split(" "),
);
/** Words that may open a sentence before its subject: "wait so sara is his gf". */
const OPENER = new Set(
  (
    "so wait lol lmao omg bro yo hey ok okay and but like ngl tbh fr btw also nah yeah yes " +
    "hmm um uh then oh ah , STREAMER"
  ).split(" "),
);

/** Nouns for people that, after my/his/the..., make them the antecedent of a later "he". */
const KIN =
  /(?:^| )(?:my|his|her|ur|your|the|a|that|this|our|their) (?:brother|bro|sister|sis|friend|buddy|homie|dad|father|mom|mother|mum|cousin|uncle|aunt|roommate|coworker|boss|neighbor|neighbour|son|daughter|teammate|guy|dude|kid|nephew|niece|grandpa|grandma|classmate|colleague|mate|duo|editor|manager|mod|friends)(?= |$)/;
/** Person nouns that may carry a name: "a girl named sara", "that sara girl". */
const PERSON_NOUN = new Set([
  "girl",
  "guy",
  "woman",
  "man",
  "chick",
  "dude",
  "lady",
  "one",
  "streamer",
  "model",
]);

/** Twitch, BTTV and 7TV emotes that chat writes as words. */
const EMOTES = new Set(
  (
    "kappa lul kekw pogchamp omegalul pog pogu pogs sadge monkas monkaw monkahmm pepehands " +
    "pepelaugh 4head 5head 3head lulw residentsleeper biblethump kreygasm trihard cmonbruh " +
    "wutface feelsbadman feelsgoodman feelsstrongman pepega jebaited seemsgood heyguys " +
    "notlikethis ez clap catjam widepeepohappy peepohappy peepoclap copium hopium aware " +
    "icant xdd kekl kekw hypers poggers pausechamp weirdchamp booba stare susge clueless " +
    "deadge bedge okayge madge gigachad chatting wokege kappapride minglee dansgame swiftrage " +
    "babyrage pjsalt coolstorybob vohiyo komodohype lulw forsene pepeds pepega peeposhy " +
    "ratirl gachi gachigasm pepesmile smilew yep nope"
  ).split(" "),
);

// Sentence-wide guards, over the canonical text.
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
/** Words after dating that mean another sense of it. */
const DATING_OTHER = new Set(
  (
    "sim sims simulator app apps show shows site sites game games advice coach coaches " +
    "profile profiles scene life pool service services website websites back from tips " +
    "market culture stories story event events guru reality"
  ).split(" "),
);
const BEFORE_DATING_OTHER = new Set(["carbon", "radiocarbon", "speed", "online"]);
/** After "with NAME", "seeing NAME" or "together": an activity, not a relationship. */
const ACTIVITY_NEXT = new Set(
  (
    "at in on tonight today tomorrow later sometime next this irl playing streaming duo " +
    "duos vc ranked to into collab"
  ).split(" "),
);
/** In a message, these make "with X" company rather than a partner. */
const WITH_ACTIVITY =
  /(?:^| )(?:collab|duo|duos|vc|lobby|match|squad|team|ranked|raid|event|tournament|scrim|scrims|irl stream)(?= |$)/;
/** What may follow "single" or "taken" in the relationship sense. */
const STATUS_NEXT = new Set(
  (
    "? . , or rn now tho though fr already chat lol lmao bro btw yet anymore right too af " +
    "STREAMER yes no"
  ).split(" "),
);

// ---------------------------------------------------------------------------------------------
// 3. Rules over the canonical text. Every rule names the streamer reference `s` (or uses a
// possessive `p`), the relationship word `rel`, and optionally a target `t`.

type RuleName =
  | "dating"
  | "date-verb"
  | "married"
  | "status"
  | "has-partner"
  | "partner-name"
  | "name-partner"
  | "partner"
  | "together"
  | "together-pair"
  | "together-reverse"
  | "together-after"
  | "reverse-dating"
  | "elliptic"
  | "congrats";

interface Rule {
  name: RuleName;
  /** Finds matches; `indexed` re-reads a match with group offsets (the `d` flag costs). */
  re: RegExp;
  indexed: RegExp;
  /** Base confidence before subject and word adjustments. */
  base: number;
  /** Canonical words of which the rule needs one; it is skipped when none is present. */
  needs: ReadonlySet<string>;
}

const START = "(?<=^| )";
const rule = (name: RuleName, base: number, needs: string, source: string): Rule => ({
  name,
  base,
  needs: new Set(needs.split(" ")),
  re: new RegExp(source, "g"),
  indexed: new RegExp(source, "gd"),
});
const PARTNER_WORDS = "gf bf wife husband fiance";
const PAIR_WORDS = "together couple dating thing married engaged";

const RULES: readonly Rule[] = [
  rule(
    "dating",
    0.85,
    "dating seeing with w relationship together",
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>dating|seeing|going out with|in a relationship with|together with|with|w)(?: ${TGT})?(?= |$)`,
  ),
  rule(
    "date-verb",
    0.75,
    "dated dates date",
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>dated|dates|date) ${TGT}(?= |$)`,
  ),
  rule(
    "married",
    0.85,
    "married engaged proposed propose marry marrying proposing",
    `${START}(?:(?<aux>${AUXQ}|when is)(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>married|engaged|proposed|propose|marry|marrying|proposing)(?: (?<prep>to|with))?(?: ${TGT})?(?= |$)`,
  ),
  rule(
    "status",
    0.7,
    "single taken relationship",
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>single|taken|in a relationship)(?= |$)`,
  ),
  rule(
    "has-partner",
    0.8,
    PARTNER_WORDS,
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>has|have|got|had|gets|get)(?: a| an)?(?: new| secret)? (?<p>${PARTNER})(?: (?:named|called) ${TGT})?(?= |$)`,
  ),
  rule(
    "partner-name",
    0.85,
    PARTNER_WORDS + " girl bae",
    `${START}(?<p>${POSS})${MOD} (?<rel>${PARTNER_LOOSE})(?: (?:is|=|named|called|aka))? ${TGT}(?= |$)`,
  ),
  rule(
    "name-partner",
    0.85,
    PARTNER_WORDS + " girl bae",
    `${START}(?:(?<aux>is|was)(?: not)? )?${TGT}(?<mid>(?: (?:is|'s|was|be|=|${LINK_MID}))*) (?<p>${POSS}|the STREAMER 's)${MOD} (?<rel>${PARTNER_LOOSE})(?= |$)`,
  ),
  rule("partner", 0.55, PARTNER_WORDS, `${START}(?<p>${POSS})${MOD} (?<rel>${PARTNER})(?= |$)`),
  rule(
    "together",
    0.8,
    PAIR_WORDS,
    `${START}(?:(?<aux>are|were|is)(?: not)? )?(?<s>you|ur|he|she|STREAMER|him|her) (?:and|with) ${TGT}${MID} (?<rel>together|a couple|dating|a thing|married|engaged|(?:so |really )?(?:cute|adorable|perfect|good) together)(?= |$)`,
  ),
  rule(
    "together-reverse",
    0.75,
    PAIR_WORDS,
    `${START}(?:(?<aux>are|were|is)(?: not)? )?${TGT} and (?<s>you|he|she|STREAMER|him|her|ur)${MID} (?<rel>together|a couple|dating|a thing|married|engaged|(?:so |really )?(?:cute|adorable|perfect|good) together)(?= |$)`,
  ),
  rule(
    "together-pair",
    0.7,
    PAIR_WORDS,
    `${START}(?:(?<aux>are|were)(?: not)? )?(?<s>you|ur) (?:two|2|guys|both)${MID} (?<rel>together|a couple|dating|a thing|married|engaged)(?= |$)`,
  ),
  rule(
    "together-after",
    0.75,
    PAIR_WORDS,
    `${START}(?<aux>are|were) they${MID} (?<rel>together|a couple|dating|a thing|married|engaged)(?: [?.,])* (?:(?<s>STREAMER|him|her|he|she) and ${TGT}|(?<t2>@?[a-z0-9_]+) and (?<s2>STREAMER|him|her|he|she))(?= |$)`,
  ),
  rule(
    "reverse-dating",
    0.65,
    "dating married engaged with relationship",
    `${START}(?:(?<aux>is|was|does|did)(?: not)? )?${TGT}${MID} (?<rel>dating|married to|engaged to|going out with|in a relationship with) (?<s>STREAMER|you)(?= |$)`,
  ),
  rule("elliptic", 0.5, "dating", `(?<=^|[?.,] )(?:still )?(?<rel>dating) ${TGT} \\?`),
  rule(
    "congrats",
    0.7,
    "congrats congratulations congratz grats gratz",
    `${START}(?:congrats|congratulations|congratz|grats|gratz)(?: on (?:the|your|ur) (?<rel>engagement|wedding|marriage)| (?:to )?(?<s>you|STREAMER) and ${TGT})(?= |$)`,
  ),
];

// ---------------------------------------------------------------------------------------------
// Canonical form.

interface Piece {
  /** Canonical word. */
  w: string;
  /** Span in the original text. */
  s: number;
  e: number;
  /** The original word, as written (for emote heuristics). */
  raw: string;
  mention: boolean;
}

interface Canon {
  pieces: Piece[];
  text: string;
  /** Start offset of each piece in `text`. */
  starts: number[];
  /** The person addressed by a leading @mention, when it is not the streamer. */
  addressed: string | null;
}

// Words are runs of anything but spaces and punctuation (cheaper than \p{L} with /u, and
// emoji stay words); "w/" is "with"; runs of ?!.;,& are punctuation.
const TOKEN =
  /w\/(?=\s|$)|@?[^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:]+(?:['’][^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:]+)*|[?!.;,&]+/g;
const LEAD_FILLER = new Set(["hey", "yo", "ok", "okay", "so", "wait", "lol", "lmao", "omg", "hi"]);

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
  const isAlias = (w: string): boolean =>
    exact.has(w) ||
    (w.length >= 4 && compact.length > w.length && !GENERIC_LOGIN_PARTS.has(w) &&
      !NO_TARGET.has(w) && (compact.startsWith(w) || compact.endsWith(w)));
  if (aliasCache.size > 256) aliasCache.clear();
  aliasCache.set(key, aliases);
  return aliases;
}

function canonicalize(text: string, ctx: SignalContext): Canon {
  const aliases = aliasesFor(ctx);
  const pieces: Piece[] = [];
  const push = (w: string, m: RegExpExecArray, mention = false) =>
    pieces.push({ w, s: m.index, e: m.index + m[0].length, raw: m[0], mention });
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) {
    const tok = m[0];
    const c0 = tok.charCodeAt(0);
    if (tok === "\u{1F9E2}") {
      push("cap", m);
      continue;
    }
    if (c0 === 63 || c0 === 33 || c0 === 46 || c0 === 59 || c0 === 44 || c0 === 38) {
      if (tok.includes("?")) push("?", m);
      else if (/[.!;]/.test(tok)) push(".", m);
      else if (tok.includes(",")) push(",", m);
      else push("and", m);
      continue;
    }
    let low = tok.toLowerCase().replace(/’/g, "'");
    const mention = low.charCodeAt(0) === 64;
    if (mention) low = low.slice(1);
    // The streamer, possibly possessive: "luna", "@luna_plays", "luna's", "lunas".
    if (aliases.has(low)) {
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
    }
  }
  const starts: number[] = [];
  let text2 = "";
  for (const p of pieces) {
    if (text2) text2 += " ";
    starts.push(text2.length);
    text2 += p.w;
  }
  return { pieces, text: text2, starts, addressed };
}

/** Before "streamer", these make it some streamer rather than this channel's. */
const NOT_THE_STREAMER =
  /^(?:a|an|another|other|any|some|every|my|your|ur|his|her|their|fav|favorite|favourite|one|no|big|small|female|male|girl|guy|new|old|best|that|fellow|same)$/;

/** After "@x is", these make "is" the verb of a question to @x: "@x is he dating sara". */
const ADDRESS_AFTER_IS = new Set(
  "he she it that this there you they ur your the a STREAMER not".split(" "),
);

const CONTRACTION_TAIL: Record<string, string> = {
  "'re": "are",
  "'ll": "will",
  "'d": "would",
  "'ve": "have",
  "'m": "am",
};

/** "the streamer" / "this streamer": drops the determiner; true when there was one. */
function takeDeterminer(pieces: Piece[]): boolean {
  const last = pieces[pieces.length - 1];
  if (last && /^(?:the|this|our|da|tha|dis)$/.test(last.w)) {
    pieces.pop();
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Evaluation of one rule match.

type Outcome =
  | { ok: true; signal: Signal; at: number; note: string }
  | { ok: false; guard: string; why: string };

interface Run {
  text: string;
  canon: Canon;
  emotes: ReadonlySet<string>;
  /** Message-wide guards, computed on first use: the matched words, or null. */
  wide: { denial: string | null; fiction: string | null; ad: string | null } | undefined;
}

function pieceAt(canon: Canon, offset: number): number {
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
function sentenceSpan(canon: Canon, i: number): [number, number] {
  const ends = (k: number) => canon.pieces[k]!.w === "?" || canon.pieces[k]!.w === ".";
  let a = i;
  while (a > 0 && !ends(a - 1)) a--;
  let b = i;
  while (b < canon.pieces.length && !ends(b)) b++;
  return [a, b];
}

/** The canonical words from the start of the sentence holding piece `i` up to it. */
function sentenceBefore(canon: Canon, i: number): string {
  const [a] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, i).map((p) => p.w).join(" ");
}

/** Is chat addressed ("chat are you...", "...anyone chat?") in the sentence holding piece `i`? */
function chatAddressed(canon: Canon, i: number): boolean {
  const [a, b] = sentenceSpan(canon, i);
  for (let k = a; k < b; k++) {
    if (canon.pieces[k]!.w !== "chat") continue;
    if (atSentenceStart(canon, k)) return true;
    const prev = canon.pieces[k - 1]?.w ?? "";
    if ((k === b - 1 || canon.pieces[k + 1]!.w === ",") && !PREPOSITION.has(prev)) return true;
  }
  return false;
}
const PREPOSITION = new Set(["in", "to", "from", "on", "at", "with", "for", "about", "of", "by"]);

/** The canonical words of the whole sentence holding piece `i`. */
function sentenceOf(canon: Canon, i: number): string {
  const [a, b] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, b).map((p) => p.w).join(" ");
}

/** Is the sentence holding pieces [i, j) a question from piece i on? */
function questionAfter(canon: Canon, i: number): boolean {
  for (let k = i; k < canon.pieces.length; k++) {
    const w = canon.pieces[k]!.w;
    if (w === "?") return true;
    if (w === ".") return false;
  }
  return false;
}

/** Only openers ("so", "wait", "lol", a vocative) before piece `k` in its sentence? */
function atSentenceStart(canon: Canon, k: number): boolean {
  for (let i = k - 1; i >= 0; i--) {
    const w = canon.pieces[i]!.w;
    if (w === "?" || w === ".") return true;
    if (!OPENER.has(w)) return false;
  }
  return true;
}

type TargetCheck =
  | { kind: "name"; name: string; note?: string }
  | { kind: "none"; why: string }
  | { kind: "block"; guard: string; why: string };

/** Decides what the word in the target slot is. `k` is its piece index. */
function checkTarget(run: Run, k: number): TargetCheck {
  const { canon } = run;
  const p = canon.pieces[k]!;
  const word = p.w.startsWith("@") ? p.w.slice(1) : p.w;
  const next = canon.pieces[k + 1]?.w;
  if (SELF.has(word)) return { kind: "block", guard: "self", why: `"${word}" is the speaker` };
  if (next === "'s" && !p.mention) {
    return { kind: "none", why: `"${word}'s ..." names someone else's person` };
  }
  if (word === "a" || word === "some" || word === "that" || word === "this") {
    // "a girl named sara", "that sara girl"
    const n1 = canon.pieces[k + 1]?.w;
    const n2 = canon.pieces[k + 2]?.w;
    const n3 = canon.pieces[k + 3];
    if (n1 && PERSON_NOUN.has(n1) && (n2 === "named" || n2 === "called") && n3) {
      const sub = checkTarget(run, k + 3);
      if (sub.kind === "name") return sub;
    }
    if (n1 && n2 && PERSON_NOUN.has(n2) && (word === "that" || word === "this")) {
      const sub = checkTarget(run, k + 1);
      if (sub.kind === "name") return sub;
    }
    return { kind: "none", why: `"${word} ..." is not a name` };
  }
  if (NON_PERSON.has(word)) {
    return { kind: "block", guard: "other-sense", why: `"${word}" is not a person` };
  }
  if (NO_TARGET.has(word)) return { kind: "none", why: `"${word}" is a pronoun or filler` };
  if (run.canon.addressed === word) {
    return { kind: "none", why: `"${word}" is the person addressed` };
  }
  if (isEmote(run, p)) return { kind: "none", why: `"${p.raw}" is an emote` };
  if (!/^[a-z][a-z0-9_]{1,24}$/.test(word) && !(p.mention && /^[a-z0-9_]{2,25}$/.test(word))) {
    return { kind: "none", why: `"${word}" does not look like a name` };
  }
  return { kind: "name", name: word };
}

function isEmote(run: Run, p: Piece): boolean {
  if (p.mention) return false;
  const raw = p.raw.replace(/^@/, "");
  const low = raw.toLowerCase();
  if (EMOTES.has(low) || run.emotes.has(low)) return true;
  // Emote names are often camelCase (monkaS, catJAM, peepoHappy); names are not. Shouting a
  // name in capitals is common, so all-caps words count as emotes only when known.
  return /[a-z][A-Z]/.test(raw);
}

const SUBJECT_WEIGHT: Record<string, number> = {
  STREAMER: 1,
  you: 0.95,
  ur: 0.95,
  he: 0.9,
  she: 0.9,
  him: 0.85,
  her: 0.85,
  bro: 0.8,
  they: 0.75,
};

function evaluate(rule: Rule, m: RegExpExecArray, run: Run): Outcome {
  const { canon } = run;
  const g = m.groups ?? {};
  const gi = m.indices?.groups ?? {};
  const lead = m[0].startsWith(" ") ? 1 : 0;
  const first = pieceAt(canon, m.index + lead);
  const last = pieceAt(canon, m.index + m[0].length - 1);
  const rel = g.rel ?? "";
  const s = g.s ?? g.s2 ?? (g.p === "STREAMER 's" ? "STREAMER" : g.p) ?? "";
  const mid = g.mid ?? "";
  const before = sentenceBefore(canon, first);
  const whole = canon.text;
  const no = (guard: string, why: string): Outcome => ({ ok: false, guard, why });

  // -- who is meant
  const second = s === "you" || s === "ur" || g.p === "ur" || g.p === "your" ||
    rule.name === "elliptic" || (rule.name === "congrats" && !g.s);
  if (second && canon.addressed !== null) {
    return no("addressed", `"you" here is @${canon.addressed}, not the streamer`);
  }
  const third = s === "he" || s === "she" || s === "him" || s === "her" || s === "his" ||
    s === "bro" || g.p === "his" || g.p === "her";
  if (third && KIN.test(before + " ")) {
    const k = KIN.exec(before + " ")![0].trim();
    return no("antecedent", `"${k}" comes first, so the pronoun means them`);
  }
  if (s === "bro" && /(?:^| )(?:my|his|her|ur|your|the|a|that|this|our|their)$/.test(before)) {
    return no("antecedent", `"bro" is someone's brother here`);
  }
  if (rule.name === "partner" || rule.name === "partner-name") {
    const prev = canon.pieces[first - 1]?.w;
    const prev2 = canon.pieces[first - 2];
    if (prev === "and" && prev2 && !(prev2.w in SUBJECT_WEIGHT) && !OPENER.has(prev2.w)) {
      return no("antecedent", `"${prev2.w} ${prev} ${g.p}" is someone else's partner`);
    }
    if (/(?:^| )(?:i|me|we) (?:am|is|are|was|'s|will be|would be)(?: [a-z]+){0,2}$/.test(before)) {
      return no("self", "the speaker says they are the partner");
    }
  }

  // A subject joined to someone else ("theo and pixel are dating") is a pair: the together
  // rules read it, with the other person as the target.
  if (SINGLE_SUBJECT_RULES.has(rule.name)) {
    const sAt = gi.s ? pieceAt(canon, gi.s[0]) : first;
    if (canon.pieces[sAt - 1]?.w === "and" && sAt >= 2 && !OPENER.has(canon.pieces[sAt - 2]!.w)) {
      return no("pair", "the subject is one of a pair; the together rules read pairs");
    }
  }
  // "X is his gf" and "X is dating him" need X to be the subject: first in its sentence or
  // after the question's verb; "tell ur gf" or "nice seeing you" are not.
  if (rule.name === "name-partner" || rule.name === "reverse-dating") {
    const k = pieceAt(canon, (gi.t ?? [m.index])[0]);
    if (!g.aux && !atSentenceStart(canon, k)) {
      return no("not-subject", `"${canon.pieces[k]!.w}" is not the subject of the sentence`);
    }
    if (!g.aux && mid === "" && COMMON_VERB.has(canon.pieces[k]!.w)) {
      return no("not-subject", `"${canon.pieces[k]!.w} ${g.p} ..." is an instruction, not a name`);
    }
  }

  // -- negation, denial, hypotheticals
  const isQuestion = Boolean(g.aux) ||
    /^(?:who|whos|is|are|does|do|did|was|were|has|will)(?= |$)/.test(before) ||
    INDIRECT_QUESTION.test(before) || questionAfter(canon, first);
  const negHere = NEGATION.exec(mid);
  if (negHere && rule.name === "status" && rel === "single") {
    // "he's not single": a claim that there is someone. Handled below as a claim.
  } else if (negHere) return no("negation", `"${negHere[0].trim()}" denies it`);
  if (
    (rule.name === "partner" || rule.name === "partner-name" || rule.name === "name-partner" ||
      rule.name === "elliptic") && NEGATION.test(before)
  ) {
    return no("negation", "a negation comes before it");
  }
  if (rule.name === "status" && rel === "single" && !negHere && !isQuestion) {
    return no("denial", `"single" as a statement says there is no relationship`);
  }
  run.wide ??= {
    denial: DENIAL.exec(whole)?.[0].trim() ?? null,
    fiction: FICTION.exec(whole)?.[0].trim() ?? null,
    ad: SPONSOR.exec(whole)?.[0].trim() ?? null,
  };
  const { denial, fiction, ad } = run.wide;
  if (denial) return no("denial", `"${denial}" disputes or shuts down the topic`);
  if (SUBJECT_DENIES.test(whole)) {
    return no("denial", 'elsewhere the message says the streamer is not ("he is not"...)');
  }
  if (second && chatAddressed(canon, first)) {
    return no("addressed", `"you" here is chat, not the streamer`);
  }
  const modal = MODAL.exec(mid);
  if (modal) return no("hypothetical", `"${modal[0].trim()}" makes it a wish, not a fact`);
  const hypo = HYPOTHETICAL.exec(sentenceOf(canon, first));
  if (hypo) return no("hypothetical", `"${hypo[0].trim()}" makes it imagined`);
  const ifw = IF_WORD.exec(before);
  if (ifw && !ifw.groups?.ind) return no("hypothetical", `"if" makes it conditional`);

  // -- other senses, fiction, ads
  if (fiction) return no("fiction", `"${fiction}" points to a game or story`);
  if (ad) return no("sponsor", `"${ad}" points to an ad or app`);
  const prevWord = canon.pieces[first - 1]?.w ?? "";
  const relAt = gi.rel ? pieceAt(canon, gi.rel[0]) : first;
  const relEnd = gi.rel ? pieceAt(canon, gi.rel[1] - 1) : last;
  const afterRel = canon.pieces[relEnd + 1]?.w ?? "";
  if (rel === "dating" || rel === "dated" || rel === "date") {
    const pre = canon.pieces[relAt - 1]?.w ?? prevWord;
    if (BEFORE_DATING_OTHER.has(pre)) return no("other-sense", `"${pre} ${rel}"`);
    if (DATING_OTHER.has(afterRel)) return no("other-sense", `"${rel} ${afterRel}"`);
  }
  if (rel === "married" && g.prep === "to" && !g.t && afterRelTo(canon, relEnd)) {
    return no("other-sense", `"married to ${canon.pieces[relEnd + 2]?.w ?? ""}" is not a person`);
  }
  if (rel === "engaged" && /^(?:in|with|by|af|as|on|into)$/.test(afterRel)) {
    return no("other-sense", `"engaged ${afterRel}" is not about a fiancé`);
  }
  if (rel.startsWith("propos") && afterRel && g.prep !== "to" && !NO_TARGET_END.has(afterRel)) {
    return no("other-sense", `"${rel} ${afterRel}" proposes something else`);
  }
  if ((rel === "single" || rel === "taken") && afterRel && !STATUS_NEXT.has(afterRel)) {
    if (!isEmote(run, canon.pieces[relEnd + 1]!)) {
      return no("other-sense", `"${rel} ${afterRel}" is not about a relationship`);
    }
  }
  if (rule.name === "together" || rule.name === "together-reverse") {
    if (rel.endsWith("together") && ACTIVITY_NEXT.has(afterRel)) {
      return no("other-sense", `"together ${afterRel}" is an activity`);
    }
  }

  if (afterRel === "STREAMER" && SINGLE_SUBJECT_RULES.has(rule.name) && rule.name !== "status") {
    return no("not-streamer", "the streamer is the partner here, so the subject is someone else");
  }
  if (/^(?:nobody|noone|no)$/.test(afterRel) && /^(?:dating|seeing|dated|dates|date)$/.test(rel)) {
    return no("negation", `"${rel} ${afterRel} ..." says there is nobody`);
  }
  if ((rel === "with" || rel === "w" || rel === "together with") && WITH_ACTIVITY.test(whole)) {
    return no("other-sense", `"${WITH_ACTIVITY.exec(whole)![0].trim()}": "with" is company here`);
  }

  // -- the target
  let target: string | null = null;
  let note = "";
  const tGroup = gi.t ?? gi.t2;
  if (tGroup) {
    const k = pieceAt(canon, tGroup[0]);
    const word = canon.pieces[k]!.w;
    if (
      rel === "married" && g.prep === "to" &&
      /^(?:the|his|her|my|this|that|a|an|their|its|your|ur)$/.test(word)
    ) {
      return no("other-sense", `"married to ${word} ..." is not a person`);
    }
    const tc = checkTarget(run, k);
    if (tc.kind === "block") return no(tc.guard, tc.why);
    if (rule.name === "partner-name") {
      const linked = canon.pieces[k - 1]?.w !== g.rel;
      if (
        !linked &&
        (COMMON_VERB.has(word) || /(?:^| )(?:does|do|did|can|will|would|has)$/.test(before))
      ) {
        return no("not-a-name", `"${g.p} ${g.rel} ${word}": "${word}" is what they do, not a name`);
      }
    }
    if (rel === "seeing" && tc.kind === "none") {
      const noun = canon.pieces[k + 1]?.w ?? "";
      const ok = SEEING_OK.has(word) &&
        (word !== "a" && word !== "some" || PERSON_NOUN.has(noun) && noun !== "one");
      if (!ok) return no("other-sense", `"seeing ${word}" is looking or visiting, not dating`);
    }
    if (tc.kind === "name") {
      if (canon.pieces[k]!.w === "STREAMER") {
        return no("self", "the streamer is not their own partner");
      }
      target = tc.name;
    } else {
      note = tc.why;
      // These rules exist to name someone: without a name they say nothing reliable, except
      // "you and her together?", which still asks.
      const pronounOk = (rule.name === "together" || rule.name === "together-reverse") &&
        NO_TARGET.has(word.replace(/^@/, ""));
      if (NAMING_RULES.has(rule.name) && !pronounOk) return no("no-name", tc.why);
    }
    const after = canon.pieces[k + 1]?.w ?? "";
    if (rel.endsWith("with") && ACTIVITY_NEXT.has(after)) {
      return no("other-sense", `"${rel} ${word} ${after}" is an activity`);
    }
    if (rel === "with" || rel === "w" || rel === "seeing") {
      if (target === null && rel !== "seeing") {
        return no("other-sense", `"with ${word}" is company, not a partner`);
      }
      if (ACTIVITY_NEXT.has(after)) {
        return no("other-sense", `"${rel} ${word} ${after}" is an activity`);
      }
      if (
        rel !== "seeing" && !/(?:^| )(?:still|back|now|currently)(?= |$)/.test(mid) &&
        after &&
        !/^(?:\?|\.|,|now|rn|still|right|tho|though|fr|or|again|lol|lmao|anymore|STREAMER)$/.test(
          after,
        )
      ) {
        return no("other-sense", `"with ${word} ${after}" reads as company, not a partner`);
      }
    }
  } else if (rel === "with" || rel === "w") {
    return no("other-sense", `"with" names nobody`);
  } else if (s === "they" && rule.name !== "has-partner" && rule.name !== "together-after") {
    return no("plural", `"they" without a named partner likely means two other people`);
  }

  // -- the signal
  let confidence = rule.base * (SUBJECT_WEIGHT[s] ?? 0.9);
  if (rel === "with" || rel === "w") confidence *= 0.8;
  if (g.mod && g.mod !== "new" && g.mod !== "current" && g.mod !== "secret") {
    return no("other-sense", `"${g.mod}" ${g.rel} is not a current partner`);
  }
  const from = canon.pieces[first]!;
  const to = canon.pieces[last]!;
  return {
    ok: true,
    at: first,
    note,
    signal: {
      kind: "relationship",
      type: isQuestion ? "question" : "claim",
      target,
      snippet: snippetAround(run.text, from.s, to.e),
      confidence: Math.round(Math.min(1, confidence) * 100) / 100,
      rule: rule.name,
    },
  };
}

/** What "seeing" may take when it means dating: a name or someone unnamed. */
const SEEING_OK = new Set(["someone", "somebody", "anyone", "anybody", "her", "him", "a", "some"]);

/** "married to X" with X a word (not the end of the sentence, as in "who is he married to?"). */
function afterRelTo(canon: Canon, relEnd: number): boolean {
  const w = canon.pieces[relEnd + 2]?.w;
  return w !== undefined && w !== "?" && w !== "." && w !== ",";
}

/** Rules whose subject is the streamer alone. */
const SINGLE_SUBJECT_RULES = new Set<RuleName>([
  "dating",
  "date-verb",
  "married",
  "status",
  "has-partner",
]);

const NO_EMOTES: ReadonlySet<string> = new Set();

/** Rules that only fire with a named partner. */
const NAMING_RULES = new Set<RuleName>([
  "partner-name",
  "together",
  "together-reverse",
  "together-after",
  "reverse-dating",
  "elliptic",
  "congrats",
]);

/** Words after "proposed" that keep the marriage sense. */
const NO_TARGET_END = new Set(
  "? . , lol lmao omg yesterday today finally already chat bro on at in last yet".split(" "),
);

/** The words around [start, end) of `text`, at most `max` characters, cut at spaces. */
export function snippetAround(text: string, start: number, end: number, max = 80): string {
  // Collapse whitespace runs (newlines included) to one space, moving the span with them.
  let flat = "";
  let fs = 0;
  let fe = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === start) fs = flat.length;
    if (i === end) fe = flat.length;
    if (i === text.length) break;
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (!flat.endsWith(" ")) flat += " ";
    } else flat += c;
  }
  if (flat.trim().length <= max) return flat.trim();
  if (fe - fs >= max - 1) return flat.slice(fs, fs + max - 1).trimEnd() + "…";
  const room = max - 2 - (fe - fs);
  let a = Math.max(0, fs - (room >> 1));
  let b = Math.min(flat.length, fe + (room - (fs - a)));
  a = Math.max(0, Math.min(a, b - (max - 2)));
  if (a > 0) {
    const sp = flat.indexOf(" ", a);
    if (sp !== -1 && sp < fs) a = sp + 1;
  }
  if (b < flat.length) {
    const sp = flat.lastIndexOf(" ", b);
    if (sp >= fe) b = sp;
  }
  return (a > 0 ? "…" : "") + flat.slice(a, b).trim() + (b < flat.length ? "…" : "");
}

// ---------------------------------------------------------------------------------------------
// Entry points.

function analyze(text: string, ctx: SignalContext, trace: string[] | null): Signal[] {
  if (!mayMentionRelationship(text)) {
    trace?.push("prefilter: no relationship word, nothing else runs");
    return [];
  }
  trace?.push("prefilter: a relationship word may be present, rules run");
  const canon = canonicalize(text, ctx);
  const present = new Set<string>();
  for (const p of canon.pieces) if (REL_WORDS.has(p.w)) present.add(p.w);
  if (present.size === 0) {
    trace?.push(`canonical: ${canon.text}`);
    trace?.push('no relationship word after normalizing (e.g. "update", "data"): nothing fires');
    return [];
  }
  const run: Run = {
    text,
    canon,
    emotes: ctx.emotes?.length ? new Set(ctx.emotes.map((e) => e.toLowerCase())) : NO_EMOTES,
    wide: undefined,
  };
  trace?.push(`canonical: ${canon.text}`);
  if (canon.addressed !== null) {
    trace?.push(`addressed: @${canon.addressed} (so "you" means them, and they are no target)`);
  }
  const found: { at: number; signal: Signal }[] = [];
  let matched = 0;
  for (const r of RULES) {
    let needed = false;
    for (const w of present) if (r.needs.has(w)) needed = true;
    if (!needed) continue;
    r.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = r.re.exec(canon.text)) !== null) {
      matched++;
      r.indexed.lastIndex = m.index;
      const out = evaluate(r, r.indexed.exec(canon.text) ?? m, run);
      const span = m[0].trim();
      if (out.ok) {
        found.push({ at: out.at, signal: out.signal });
        if (trace) {
          const t = out.signal.target === null ? "no target" : `target ${out.signal.target}`;
          trace.push(
            `rule ${r.name}: "${span}" -> ${out.signal.type}, ${t}, confidence ${out.signal.confidence}` +
              (out.note ? ` (${out.note})` : ""),
          );
        }
      } else {
        trace?.push(`rule ${r.name}: "${span}" stopped by guard ${out.guard}: ${out.why}`);
      }
    }
  }
  if (matched === 0) {
    trace?.push(
      "no rule matched: no relationship word is tied to the streamer (he/she/you/the streamer/" +
        `${ctx.channel}) in a known pattern`,
    );
  }
  return dedupe(found);
}

/** One signal per (type, target); null targets only when nothing named anyone. */
function dedupe(found: { at: number; signal: Signal }[]): Signal[] {
  if (found.length === 0) return [];
  found.sort((a, b) => a.at - b.at);
  const named = found.some((f) => f.signal.target !== null);
  const best = new Map<string, Signal>();
  for (const { signal } of found) {
    if (named && signal.target === null) continue;
    const key = `${signal.type}\u0000${signal.target ?? ""}`;
    const prev = best.get(key);
    if (!prev || signal.confidence > prev.confidence) best.set(key, signal);
  }
  // A target asked about and asserted in one message: keep the stronger one only.
  const byTarget = new Map<string, Signal>();
  for (const s of best.values()) {
    const key = s.target ?? "";
    const prev = byTarget.get(key);
    if (!prev || s.confidence > prev.confidence) byTarget.set(key, s);
  }
  return [...byTarget.values()];
}

/**
 * The relationship signals in one chat message about the channel's streamer.
 *
 * @example
 * ```ts
 * import { detectSignals } from "./signals.ts";
 * const [s] = detectSignals("hey @mod is he still dating sara?", { channel: "example_channel" });
 * if (s?.target !== "sara" || s.type !== "question") throw new Error("unexpected");
 * ```
 */
export function detectSignals(text: string, ctx: SignalContext): Signal[] {
  return analyze(text, ctx, null);
}

/**
 * Like {@link detectSignals}, with the reasoning: which rule matched which words, the target,
 * or which guard stopped it.
 *
 * @example
 * ```ts
 * import { explainSignals } from "./signals.ts";
 * const e = explainSignals("he's not dating sara", { channel: "example_channel" });
 * if (e.fired.length !== 0 || !e.steps.some((s) => s.includes("negation"))) throw new Error();
 * ```
 */
export function explainSignals(text: string, ctx: SignalContext): Explanation {
  const steps: string[] = [];
  const fired = analyze(text, ctx, steps);
  return { fired, steps };
}
