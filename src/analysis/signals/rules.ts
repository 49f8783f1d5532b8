/**
 * Step 3 of the relationship-signal analyzer: the rules. Patterns over the canonical text that
 * tie a relationship word to a streamer reference (`is he (still) dating X`, `X is his gf`,
 * `you and X together`, `does he have a gf`...). Every rule names the streamer reference `s`
 * (or uses a possessive `p`), the relationship word `rel`, and optionally a target `t`. A match
 * is only a candidate: the guards (`guards.ts`) decide whether it stands.
 *
 * @module
 */

/** Words that may sit between a subject and its relationship word. */
const MID_WORDS =
  "is|are|was|were|am|'s|been|be|has|have|had|do|does|did|still|again|currently|now|def|definitely|defo|deff|prob|probably|prolly|totally|lowkey|highkey|low key|high key|literally|actually|really|secretly|officially|confirmed|apparently|already|like|just|so|also|fr|deadass|clearly|obviously|kinda|sorta|finally|ever|even|not|never|no longer|back|rumored to be|said to be|supposedly|allegedly|reportedly|gonna|going to|will|should|would|could|might|may|wants to|want to|wanna|needs to|need to|ought to|got|get|gets|getting|used to|always|for sure|for real|since [0-9]+ (?:years|months|weeks)|for [0-9]+ (?:years|months|weeks)|since (?:last |the |a )?[^ ?.,]+|in [0-9]{4}|[0-9]{4}|before|first|once|irl|anymore|also|too";
/** What may sit between "X" and "his gf": "X is still his gf", "is X really his gf". */
const LINK_MID =
  "still|now|currently|really|actually|literally|def|definitely|prob|probably|totally|not|never|no longer|officially|like|lowkey|so";
const MID = `(?<mid>(?: (?:${MID_WORDS}))*)`;

/** Words that stand for the streamer as a subject. */
const SUBJ = "he|she|STREAMER|you|ur|they|bro";
const AUXQ = "is|are|was|were|does|do|did|has|have|will|can";
/** A target slot: one word of whatever kind; the target reader decides what it is. */
const TGT = "(?<t>@?[^ ?.,'+=]+)";
const TGT2 = "(?<t2>@?[^ ?.,'+=]+)";
const PARTNER = "gf|bf|wife|husband|fiance|partner|ex";
const PARTNER_LOOSE = "gf|bf|wife|husband|fiance|partner|ex|girl|bae|man|lady|boo";
/** What two people are, or were: "together", "a couple", "broke up". */
const PAIR =
  "together|a couple|the couple|couple|(?:live|lives|living) (?:already |still |now )?together|marry|marrying|seeing each other|seeing|going to marry|gonna marry|getting married|get married|partner|partners|used to date|used to be together|dated|dating|a thing|married|engaged|in a relationship|broke up|break up|split up|split|divorced|kissed|official|confirmed|officially together|moved in together|living together|live together|(?:so |really )?(?:cute|adorable|perfect|good) together|over(?! there| here)";
/** Words between a pair and what they are: "are still", "have been together for 2 years". */
const PAIR_MID =
  `(?<mid>(?: (?:${MID_WORDS}|it|they|have|has|had|were|both|each other|start|started|starting|begin|began|last|month|year|week|[0-9]+|years|months|weeks|ago|since|for|already|officially|last|the last|(?:in|on|at) (?:the )?[^ ?.,]+))*)`;
/** Words that close a clipped pair: "rexx + sienna confirmed", "ambre x hugo real??". */
const CLIP_TAIL =
  "(?<tail>(?: (?:=|confirmed|official|officially|canon|real|couple|a couple|cutest|together|dating|married|engaged|wedding|since|still|now|rn|fr|irl|forever|4ever|otp|endgame|[0-9]{4}|💍|💕|❤️|❤|💚|😭))*)";
const POSS = "his|her|ur|your|STREAMER 's";
const MOD =
  "(?: (?<mod>new|current|secret|future|former|old|dream|second|third|first|actual|real))?";
/** Openers before a clipped form. */
const CLIP_START =
  "(?<=^|[?.,] |(?:^| )(?:but|that|with) )(?:(?:so|wait|lol|omg|ok|bro|chat|and|yo|fun fact|apparently) )*";

export type RuleName =
  | "dating"
  | "bare-partner"
  | "date-verb"
  | "married"
  | "status"
  | "has-partner"
  | "partner-name"
  | "name-partner"
  | "partner"
  | "together"
  | "together-pair"
  | "pair-they"
  | "together-reverse"
  | "together-after"
  | "reverse-dating"
  | "elliptic"
  | "has-partner-inverted"
  | "has-partner-final"
  | "clipped-pair"
  | "clipped-pair-reverse"
  | "clipped-name"
  | "clipped-status-pair"
  | "with-whom"
  | "which-of"
  | "congrats"
  | "partner-subject"
  | "take-care"
  | "they-pair"
  | "left-for"
  | "pair-official"
  | "between"
  | "wedding-when"
  | "is-that-partner"
  | "verb-first"
  | "clipped-status"
  | "pair-after-verb"
  | "correction"
  | "pair-correction"
  | "partner-of"
  | "who-to"
  | "serial";

export interface Rule {
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
const PARTNER_WORDS = "gf bf wife husband fiance partner ex";
const PAIR_WORDS =
  "marry seeing together confirmed couple dating thing married engaged relationship broke break split divorced kissed " +
  "date dated partner official over";

export const RULES: readonly Rule[] = [
  rule(
    "dating",
    0.85,
    "dating seeing with w relationship together",
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>dating|seeing|going out with|moved in with|in a relationship with|together with|a thing with|a thing w|something with|something w|a something with|hooking up with|with|w)(?: (?:now|still|already|rn|currently|really|irl|also))?(?: with)?(?: ${TGT})?(?= |$)`,
  ),
  rule(
    "date-verb",
    0.75,
    "dated dates date divorced broke split dumped",
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>dated|dates|date|divorced from|divorced|dumped|broke up with|split with|split from|split up with)(?: (?:now|still|already|rn|currently))? ${TGT}(?= |$)`,
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
    "single taken relationship divorced broke break split",
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>single|taken|in a relationship|divorced|broke up|(?<=not )break up|split up|used to date|split(?! (?:the|it|that|this|them|him|her|my|his|their|our|your|a|an|in half|evenly|into|between|screen|second|seconds|push|pushing|map|damage|dmg|xp|loot|bill|check|pot|team|squad|up)(?= |$)))(?= |$)`,
  ),
  rule(
    "has-partner",
    0.8,
    PARTNER_WORDS + " man boo girl bae lady",
    `${START}(?:(?<aux>${AUXQ})(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>has|have|got|had|gets|get)(?: (?:since|for) (?:last )?[^ ?.,]+(?: years| months)?)?(?: a| an)?(?: new| secret)? (?<p>${PARTNER}|man|boo|girl|bae|lady)(?:(?: yes)?(?: ,)? (?:named|called|(?:her|his) name is) ${TGT})?(?= |$)`,
  ),
  // "hat er ne freundin", "has STREAMER a gf": the verb first, then the subject.
  rule(
    "has-partner-inverted",
    0.8,
    // "hett fiete 'ne deern?": slang for a partner after "a", as "has-partner" reads it.
    PARTNER_WORDS + " man boo girl bae",
    `${START}(?<aux>has|have) (?<s>${SUBJ})${MID}(?: a| an)?(?: new| secret)? (?<p>${PARTNER})(?= |$)|${START}(?<aux>has|have) (?<s>${SUBJ})${MID} (?:a|an)(?: new| secret)? (?<p>man|boo|girl|bae)(?= |$)`,
  ),
  // "ob hanno ne freundin hat": the verb last.
  rule(
    "has-partner-final",
    0.7,
    PARTNER_WORDS,
    `${START}(?<s>he|she|STREAMER)(?: a| an)? (?<p>gf|bf|wife|husband|partner) (?<rel>has)(?= |$)`,
  ),
  rule(
    "partner-name",
    0.85,
    PARTNER_WORDS + " girl bae lady man boo",
    `${START}(?<p>${POSS})${MOD} (?<rel>${PARTNER_LOOSE})(?: (?:now|still|currently)(?= (?:is|=) ))?(?: (?:is called|is named|is|=|named|called|aka|(?:are|\\.)(?= [^ ?.,]+ (?:,|and) ))| was(?= (?:the )?[^ ]+(?: [?.,]| of| from|$)))? ${TGT}(?= |$)`,
  ),
  rule(
    "name-partner",
    0.85,
    PARTNER_WORDS + " girl bae lady man boo",
    `${START}(?:(?<aux>is|was|are|were)(?: not)? (?:the )?)?${TGT}(?<mid>(?: (?:is|'s|was|be|are|were|=|,|it|[0-9]+|${LINK_MID}))*) (?<p>${POSS}|the STREAMER 's)${MOD} (?<rel>${PARTNER_LOOSE})(?= |$)`,
  ),
  rule("partner", 0.55, PARTNER_WORDS, `${START}(?<p>${POSS})${MOD} (?<rel>${PARTNER})(?= |$)`),
  rule(
    "together",
    0.8,
    PAIR_WORDS,
    `${START}(?:(?<aux>are|were|is|did|do|have|had)(?: not)? )?(?<s>you|ur|he|she|STREAMER|him|her) (?:and|with)(?: the)? ${TGT}${PAIR_MID} (?<rel>${PAIR})(?= |$)`,
  ),
  rule(
    "together-reverse",
    0.75,
    PAIR_WORDS,
    `${START}(?:(?<aux>are|were|is)(?: not)? )?${TGT} and (?<s>you|he|she|STREAMER|him|her|ur)${PAIR_MID} (?<rel>${PAIR})(?= |$)`,
  ),
  // "anaïs et hugo sont trop cute, ils sont ensemble depuis...": the pair, then "they" are.
  rule(
    "pair-they",
    0.7,
    PAIR_WORDS,
    `${START}(?<s>STREAMER) and ${TGT}(?: [^ ?.]+){1,6} , they(?: are| were| have| had)?(?: (?:been|already|still|really|officially|so))* (?<rel>together|a couple|dating|married|engaged|broke up|split up|divorced)(?= |$)`,
  ),
  rule(
    "together-pair",
    0.7,
    PAIR_WORDS + " seeing",
    `${START}(?:(?<aux>are|were)(?: not)? )?(?<s>you|ur)(?: (?:two|2|guys|both))+${MID} (?<rel>together|a couple|couple|partner|partners|dating|seeing|a thing|married|engaged|in a relationship)(?= |$)`,
  ),
  // "how long have you been together, you and max", "wie lange seid ihr schon zusammen, du und
  // nina", "cuánto llevan juntos vos y la flor": the pair named after "together".
  rule(
    "together-pair",
    0.7,
    PAIR_WORDS,
    `(?<=^|[?.,] |(?:^| )(?:when|how long|since when)(?: that)?(?: (?:have|are|were|did))? )(?<s>you|ur)(?: (?:two|2|guys|both))*(?: (?:are|were|have|been|already|still|now|really))* (?<rel>together|a couple|married|engaged)(?: how long)?(?: ,)? you and (?:the )?${TGT}(?= |$)`,
  ),
  rule(
    "together-after",
    0.75,
    PAIR_WORDS,
    `${START}(?:(?<aux>are|were) they|(?:they|the two) (?:are|were))${MID} (?<rel>together|a couple|dating|a thing|married|engaged)(?: [?.,])* (?:(?<s>STREAMER|him|her|he|she) and ${TGT}|(?<t2>@?[a-z0-9_]+) and (?<s2>STREAMER|him|her|he|she))(?= |$)`,
  ),
  rule(
    "reverse-dating",
    0.65,
    "dating married engaged with relationship dumped",
    `${START}(?:(?<aux>is|was|does|did)(?: not)? )?${TGT}${MID} (?<rel>dating|married to|engaged to|going out with|in a relationship with|with|dumped|left) (?<s>STREAMER|you|him|her)(?= |$)`,
  ),
  rule(
    "elliptic",
    0.5,
    "dating with",
    `(?<=^|[?.,] )(?:still )?(?<rel>dating|(?<=still )with) ${TGT}(?: together)? \\?`,
  ),
  // "gf?", "novia?? 👀", "namorada?? kkkk": the whole line asks whether there is a partner.
  rule(
    "bare-partner",
    0.45,
    "gf bf wife husband married single taken engaged",
    `^(?<rel>gf|bf|wife|husband|married|single|taken|engaged) \\?(?: [^ ]+){0,2}$`,
  ),
  // "hubby just walked past the cam", "the gf said hi chat", "wifey cooking in the back": a
  // partner word opening the sentence, doing something, is the streamer's partner.
  rule(
    "partner-subject",
    0.45,
    "gf bf wife husband fiance bae boo",
    `(?<=^|[?.!,] )(?:(?:so|lol|omg|oh|aww|awww|and|wait|yo) )*(?:the )?(?<rel>gf|bf|wife|husband|fiance|bae|boo) (?<v>is|was|just|said|says|has|had|made|makes|came|comes|left|sent|texted|called|here|cooking|making|walked|walking|snoring|laughing|yelling|talking|singing|sleeping|watching|joined|joins|popped|appeared|did|does)(?= |$)`,
  ),
  // "are they together?", "did they break up??": the streamer and the one chat talks about,
  // asked (a statement with "they" and no name may be about any two people).
  rule(
    "they-pair",
    0.55,
    PAIR_WORDS + " break broke split",
    `${START}(?<aux>are|were|did|do|have|is)(?: not)? (?<s>they)${MID} (?<rel>together|a thing|a couple|dating|married|engaged|break up|broke up|split up|split)(?= |$)`,
  ),
  // "@caio cuida bem da lari", "@hugo prends soin d'anaïs", "@marco take care of luna": asked
  // of the person addressed, who is then the partner.
  rule(
    "take-care",
    0.6,
    "takecare",
    `(?<=^|[?.,] )(?:(?:pls|please|and|so) )*(?<rel>takecare)(?: (?:good|well|bem|much|bien|real))?(?: (?:of|to|a|of the|on))? (?<s>STREAMER|our (?:queen|king|girl|boy|man)|(?:him|her|his)(?= (?:much|well|good|a lot|please|pls|eh|ok|lol|bro|[?.,])(?= |$)|$))(?= |$)`,
  ),
  // "zack gf?", "rio bf??": the streamer's name and a partner word, asked.
  rule(
    "bare-partner",
    0.5,
    "gf bf wife husband",
    `${CLIP_START}(?<s>STREAMER) (?<rel>gf|bf|wife|husband) \\?`,
  ),
  // "rexx + sienna confirmed", "ambre x hugo real??", "jake with priya or mia now?"
  rule(
    "clipped-pair",
    0.7,
    "+ x w with and",
    `${CLIP_START}(?<s>STREAMER|him|her|he|she) (?<rel>\\+|x|w|with|and) ${TGT}(?: or ${TGT2})?${CLIP_TAIL}(?= |$)`,
  ),
  // "vale + memo confirmado", "yuki & ren 💍??": the name first.
  rule(
    "clipped-pair-reverse",
    0.7,
    "+ x and",
    `${CLIP_START}${TGT} (?<rel>\\+|x|and) (?<s>STREAMER|him|he)${CLIP_TAIL}(?= |$)`,
  ),
  // "¿con quién sale?", "mit wem ist er zusammen?", "avec qui il sort?"
  rule(
    "with-whom",
    0.6,
    "dating together married seeing",
    `(?<=^|[?.,] |(?:^| )(?:know|knows|wonder|idk) )(?<aux>with who|of who)(?: (?:is|are|was|he|she|STREAMER|you|now|still|currently|really|rn))* (?<rel>dating|together|married|seeing)(?= |$)`,
  ),
  // "desde cuándo andan fede y la cami?", "namoram o rui e a mariana?": the verb, then the pair.
  rule(
    "pair-after-verb",
    0.65,
    "dating together married engaged couple seeing",
    `(?<=^|[?.,] |(?:^| )(?:when|how long|since when|who) )(?:(?<aux>are|were|is) )?(?<rel>dating|together|married|engaged|a couple|seeing) (?<s>STREAMER) and (?:the )?${TGT}(?= |$)`,
  ),
  // "dex = taken", "max = casé", "charro = casado?": the streamer's status, clipped.
  rule(
    "clipped-status",
    0.65,
    "married taken single engaged divorced",
    `${CLIP_START}(?<s>STREAMER) = (?<rel>married|taken|single|engaged|divorced)(?= |$)`,
  ),
  // "¿se casó pablito?", "tiene novia el rober?", "est célibataire, lucas ?": the verb first, the
  // streamer after it (Spanish, Portuguese and chat put the subject last).
  rule(
    "verb-first",
    0.6,
    "married engaged divorced single taken gf bf wife husband partner",
    `(?<=^|[?.,] )(?:(?:already|still|finally) )?(?<rel>married|engaged|divorced|single|taken|has(?= (?:a )?(?:gf|bf|wife|husband|partner) ))(?: (?:a )?(?<p>gf|bf|wife|husband|partner))?(?: (?:already|still|now))? (?:the )?(?<s>STREAMER)(?= \\?| or | [.,]|$)`,
  ),
  // "whens the wedding leon", "¿cuándo es la boda?", "wann ist die hochzeit?": asked.
  rule(
    "wedding-when",
    0.5,
    "wedding",
    `(?<=^|[?.,] )(?:(?:so|and|ok|wait|bro|chat) )*(?<aux>when)(?: is| 's| will be)?(?: the| your| ur| his| her| STREAMER 's)? (?<rel>wedding|marriage)(?= [?.,]| STREAMER| chat| lol| bro|$)`,
  ),
  // "is that his gf?", "is that the gf texting u", "c'tu sa blonde la fille dans la story?": a
  // person pointed at, asked about as the partner.
  rule(
    "is-that-partner",
    0.55,
    PARTNER_WORDS + " girl man",
    `(?<=^|[?.,] )(?:(?:so|and|ok|wait|bro|chat|lol|omg|yo) )*(?<aux>is|was) (?:that|this|it)(?: (?:really|actually|just|maybe|prob|probably|now))? (?:the (?=(?:gf|bf|wife|husband|fiance) )|his |her |STREAMER 's )(?<rel>gf|bf|wife|husband|fiance|partner|girl|man)(?! 's)(?= |$)`,
  ),
  // "läuft da was zwischen dir und der sophie?", "hay algo entre tú y carla?", "is there
  // something between him and mira": a pair named around "between".
  rule(
    "between",
    0.6,
    "between",
    `${START}(?<rel>something|a thing)(?: (?:going on|there))? between (?:(?<s>you|STREAMER|him|her) and (?:the )?${TGT}|(?:the )?${TGT2} and (?<s2>you|STREAMER|him|her))(?= |$)`,
  ),
  // "das mit tobi und jana ist längst offiziell", "lo de rober con marta es oficial ya", "o lance
  // do zé com a duda já é oficial": the thing of the streamer with someone, said to be official.
  rule(
    "pair-official",
    0.65,
    "confirmed official",
    `(?<=^|[?.,] |but )(?:that |the )?(?:thing |of |thing of )?(?:with )?(?<s>STREAMER) (?:with|and|\\+) (?:the )?${TGT}(?: thing)?(?: (?:already|now|long))? (?:is|are|was|were)(?: [^ ?.,]+)? (?<rel>confirmed|official|officially|canon)(?= |$)`,
  ),
  // "married?? him and kai???"
  rule(
    "clipped-status-pair",
    0.6,
    "married dating together engaged couple thing",
    `(?<=^|[?.,] )(?<rel>married|dating|together|engaged|a couple|a thing) \\? (?<s>STREAMER|him|her|he|she) (?:and|\\+|x|&) ${TGT}(?= |$)`,
  ),
  // "sienna = gf??", "aiko gf?", "brenda = wife PogChamp"
  rule(
    "clipped-name",
    0.65,
    PARTNER_WORDS + " girl bae man lady boo",
    `${CLIP_START}${TGT}(?: (?<eq>=|is))?(?: the)?(?: new)? (?<rel>${PARTNER_LOOSE})(?= |$)`,
  ),
  // "tim oder lukas, wer ist sophies freund", "leo or étienne whos her man"
  rule(
    "which-of",
    0.7,
    PARTNER_WORDS + " girl bae man lady boo",
    `(?<=^|[?.,] )(?:is it )?${TGT} or ${TGT2}(?: ,)? (?<aux>who|which one|which) is (?<p>${POSS}|the STREAMER 's)${MOD} (?<rel>${PARTNER_LOOSE})(?= |$)`,
  ),
  // "did marlowe leave sasha for dana?", "nico dejó a luli por sol", "o rui largou a carol pela
  // sara", "seb a largué caro pour sarah", "kalle hat caro für sarah verlassen": the one left
  // and the one chosen were both partners.
  rule(
    "left-for",
    0.7,
    "left leave dumped broke",
    `${START}(?:(?<aux>did|has|had)(?: not)? )?(?<s>${SUBJ})${MID} (?<rel>left|leave|dumped|broke up with) (?<t>(?:the )?@?[^ ?.,'+=]+) for (?:the )?${TGT2}(?= |$)`,
  ),
  // "er ist nicht mit kathi zusammen, sondern mit marie": the name after the correction.
  rule(
    "correction",
    0.7,
    "with dating together",
    `${START}(?<s>${SUBJ})${MID} (?<rel>with|dating|together with) (?:the )?[^ ?.,]+(?: together)? , but (?:with |dating )?(?:the )?${TGT}(?= |$)`,
  ),
  // "kalle und jana, nicht kalle und nina", "luzma y tavo, no luzma y beto": the pair said right.
  rule(
    "pair-correction",
    0.7,
    "and + x",
    `(?<=^|[?.,] )(?:the )?(?<s>STREAMER) (?<rel>and|\\+|x) (?:the )?${TGT} , not (?:the )?(?:STREAMER|he|she) (?:and|\\+|x) [^ ?.,]+(?= |$)`,
  ),
  // "vale = polola del seba?", "léa = meuf de hugo??", "sos novia de martin?": the streamer is
  // the partner of the one named after "of".
  rule(
    "partner-of",
    0.65,
    PARTNER_WORDS + " girl man",
    `${START}(?<s>STREAMER|you|he|she)(?: (?:=|is|are|was|were)|(?<=he|she) 's)?(?: (?:still|now|really|actually|the))* (?<rel>gf|bf|wife|husband|fiance|partner|ex|girl|man) of (?:the )?(?!(?:my|his|her|your|ur|their|our|a|an|this|that|some|someone)(?= |$))${TGT}(?= |$)`,
  ),
  // "who is reina to him", "c'est qui chloé pour toi?", "quién es vale para ti": what a named
  // person is to the streamer, asked.
  rule(
    "who-to",
    0.55,
    "who",
    `(?<=^|[?.,] )(?:(?:so|and|ok|wait|bro|chat|but|it is|'s) )*(?<aux>who)(?: (?:is|'s|was|it is|exactly|really))* (?:the )?${TGT} (?<rel>to|for) (?<s>him|her|you|STREAMER)(?= [?.,]| fr| tho| lol| exactly| really| now| then|$)`,
  ),
  // "first it was lena then chloe now priya", "primero fue rosa, despues luz y ahora paz", "erst
  // kathi und jetzt marie": partners in turn, with no relationship word; the list goes on after
  // the first name (offered_names.ts).
  rule(
    "serial",
    0.55,
    "first",
    `(?<=^|[?.,] )(?:(?:so|lol|bro|chat|and|ok) )*(?<rel>first)(?: (?:it was|it is|its|was|is|with|the|dated|dating|STREAMER))* ${TGT}(?= (?:, )?(?:and )?(?:then|now|after|later|afterwards) (?:(?:it was|it is|its|is|was|with|the) )*[^ ?.,]+(?: (?:[?.,]|and|then|now|after|lol|lmao|kekw|ptdr|mdr|jaja|jajaja|kkk|kkkk|xd|haha)(?= |$)|$| [^ ?.,]+ (?:moves|gets|collects)))`,
  ),
  rule(
    "congrats",
    0.7,
    "congrats congratulations congratz grats gratz",
    `${START}(?:congrats|congratulations|congratz|grats|gratz)(?: (?:on|for|to) (?:the|your|ur) (?<rel>engagement|wedding|marriage|relationship)| (?:to )?(?<s>you|STREAMER) and ${TGT})(?= |$)`,
  ),
];

/** Rules whose subject is the streamer alone. */
export const SINGLE_SUBJECT_RULES = new Set<RuleName>([
  "verb-first",
  "dating",
  "date-verb",
  "married",
  "status",
  "has-partner",
  "has-partner-inverted",
  "has-partner-final",
]);

/** Rules that only fire with a named partner. */
export const NAMING_RULES = new Set<RuleName>([
  "partner-name",
  "left-for",
  "pair-official",
  "between",
  "pair-after-verb",
  "correction",
  "pair-correction",
  "together",
  "together-reverse",
  "together-after",
  "pair-they",
  "reverse-dating",
  "elliptic",
  "congrats",
  "take-care",
  "clipped-pair",
  "clipped-pair-reverse",
  "clipped-name",
  "clipped-status-pair",
  "which-of",
  "serial",
  "partner-of",
  "who-to",
]);
