/**
 * The words of the relationship-signal analyzer: spellings rewritten to canonical words, the
 * relationship words, and the word lists that the target reader and the guards consult.
 *
 * @module
 */

/** Words rewritten to one or more canonical words. */
export const REWRITE: ReadonlyMap<string, string> = new Map(
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
    theyve: "they have",
    "they've": "they have",
    weve: "we have",
    youve: "you have",
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
    whens: "when is",
    exes: "ex",
    exs: "ex",
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
    fella: "man",
    bloke: "man",
    jowa: "partner",
    missus: "wife",
    situationship: "relationship",
    // British, Scots, Irish and Antipodean chat: "his lass", "got a bird", "hes wi kirsty",
    // "engaged tae", "used tae go oot wi"; "beau", "shawty" and "boyf" elsewhere.
    // Partner nouns of the other four languages in an English line ("does inés have a novio").
    novio: "bf",
    novia: "gf",
    namorado: "bf",
    namorada: "gf",
    freundin: "gf",
    copine: "gf",
    copain: "bf",
    esposa: "wife",
    esposo: "husband",
    lass: "girl",
    lassie: "girl",
    bird: "girl",
    beau: "bf",
    boyf: "bf",
    shawty: "girl",
    wi: "with",
    tae: "to",
    fae: "from",
    oot: "out",
    naw: "no",
    defo: "definitely",
    defs: "definitely",
    // marks of a couple in any language: "brunao + larissa confirmado"
    confirmado: "confirmed",
    confirmada: "confirmed",
    "confirmé": "confirmed",
    "confirmée": "confirmed",
    "bestätigt": "confirmed",
    offiziell: "confirmed",
    oficial: "confirmed",
    officiel: "confirmed",
    missis: "wife",
    cuffed: "taken",
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
export const REL_WORDS = new Set(
  (
    "dating dated date dates seeing with w married marry marrying engaged proposed propose " +
    "proposing single taken relationship gf bf wife husband fiance girl bae together couple " +
    "thing congrats congratulations congratz grats gratz partner ex man boo lady broke split " +
    "divorced kissed + x and break official confirmed wedding marriage takecare left leave dumped between"
  ).split(" "),
);

/**
 * Words that let the rules run without being relationship words themselves: "who" for "who is
 * reina to him", "over" for "kai and mira are over" ("c'est fini"), "first" for "first it was
 * lena then chloe".
 */
export const GATE_WORDS = new Set(["who", "over", "first"]);

/** After "your", these make it the typo for "you're". */
export const YOURE_NEXT = new Set([
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
export const GENERIC_LOGIN_PARTS = new Set([
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
  // A role-play server's streamer ("tonhao_rp"): "no rp" is the game, not the streamer.
  "rp",
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

/** Words that never are a partner's name and give a signal without a target. */
export const NO_TARGET = new Set(
  (
    "her him them you u ya ye me someone somebody anyone anybody one some a an the that this " +
    "new gg wp ez nice cute best good same wtf hot old ex guy girl man woman chick lady " +
    "vato tipo tio chico chica cara mina menina gajo miuda typ typen mädel mädchen fille gars " +
    "something nothing true really apparently HISPOST SE has have is are of en leute gente " +
    "gens jungs galera mecs chicos pessoal " +
    // vocatives, fillers and demonstratives of chat in the other languages
    "tío wey güey guey boludo boluda che nomás nomas weon weón pana parce loco mano mana " +
    "manito hermano ese esa este eso aquel aquela esse essa digga alter mort morte " +
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
    "huh hm eh hein né gell oder non nein nee nope yep yup earlier once twice very same " +
    "miúda miúdo miuda miudo moça moço rapariga rapaz chavala chaval piba pibe gata gato " +
    "celle celui ceux celles streamer streamers mate mates lads solo ça more too also either neither each both all married single taken engaged divorced dating broke split up together innit partner gf bf wife husband" +
    // Interjections and tags of chat across the world's Englishes and French: Arabic loans of
    // French chat ("wallah", "khouya"), Quebec swears, Singlish ("lah", "leh", "lor"), Nigerian
    // and South African English ("abi", "sha", "bru", "eish"), Caribbean and Spanish fillers.
    " wallah wallahi wlh starfoullah hamdoulah inshallah mashallah khouya frérot frerot wesh zin " +
    "bezzaf ostie tabarnak tabarnouche câlisse calisse lah leh lor abi sha bru eish haibo " +
    "jor abeg dey pls ayy oye órale orale chale bueno pues pue joder hostia ostia " +
    "caralho porra pô uai bah tchê tche meu mds nossa vish oxe eita " +
    // A doubt is no one's name ("il sort avec lena ou c'est faux ?": "faux" read as "false").
    "fake false lie lies cap nonsense"
  ).split(" "),
);
/** The speaker: a match naming them is about the speaker's own relationship. */
export const SELF = new Set(["i", "me", "myself", "we", "us"]);
/** Objects that show another sense of the word ("married to the grind", "seeing things"). */
export const NON_PERSON = new Set(
  (
    "chat game games grind job work stream streaming streams twitch money food pizza sleep " +
    "bed pc chair setup keyboard mouse music content career school gym sim sims app apps " +
    "show site things stuff double red stars ghosts clips clip vod vods valorant league lol " +
    "fortnite minecraft overwatch apex cod warzone wow chess poker osu rust tarkov csgo cs " +
    "dota hearthstone gta elden ranked grinding viewers subs youtube tiktok internet phone " +
    "camera mic controller it this that things everything nothing death awp fifa " +
    "sniper meta patch vandal deagle build arma waffe arme juego spiel jeu jogo saturday " +
    "sunday monday friday samedi dimanche vendredi sabado sábado domingo viernes samstag " +
    "sonntag freitag sexta boys floor squad team guys crew homies gang fam todo todos partida " +
    "fome medo sono vida equipe equipo équipe jeu juego jogo spiel runde ronda rodada game " +
    "hambre faim hunger miedo peur angst ball bola pelota balón balon ballon empate apito " +
    "whistle friends potes amis copains amigos amigas freunden freunde kumpels homies buddies family familia famille familie família genshin gacha skin skins verein klub club bomb lore " +
    // Things chat calls a partner in jest: consoles, controllers, weapons.
    "manette mando controle consola console ps5 ps4 play xbox switch gun guns rifle shotgun " +
    "pistol weapon knife sword glock timer server plushie"
  ).split(" "),
);
/** Verbs that follow "his gf" as a subject and are no name ("does ur gf watch"). */
export const COMMON_VERB = new Set(
  (
    "watch watches watching play plays playing know knows like likes love loves hate hates " +
    "used making doing getting going macht makes hace faz fait " +
    "say says said think thinks want wants do does did go goes went come comes get gets got " +
    "make makes made look looks seem seems sound sounds stream streams cook cooks live lives " +
    "work works know need needs use uses see sees saw feel feels call calls tell told ever " +
    "still also even just really always never tell say ask give send let show bring meet " +
    "kiss hug greet thank"
  ).split(" "),
);
/** Words that may open a sentence before its subject: "wait so sara is his gf". */
export const OPENER = new Set(
  (
    "so wait lol lmao omg bro yo hey ok okay and but like ngl tbh fr btw also nah yeah yes " +
    "basically anyway anyways essentially " +
    "hmm um uh then oh ah , STREAMER think heard guess bet lowkey highkey apparently " +
    "honestly pretty sure fact note newcomers fyi psa reminder obviously clearly " +
    "literally already ya digga alter oye che parce wey güey mano mermão mermao tchê wsh bon bah epa epá neta " +
    "tio tia hermano gente jungs leute ey eh pues bueno ah now then first be honest quick oe " +
    "ow aye hola hallo servus oi olá ola salut coucou moin " +
    "question serious real talk genuine genuinely fun friendly random info tea heads up update " +
    "wonder anecdote anécdota anekdote curiosidade dato curioso rappel"
  ).split(" "),
);

/** Person nouns that may carry a name: "a girl named sara", "that sara girl". */
export const PERSON_NOUN = new Set([
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
export const EMOTES = new Set(
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

/** Words after dating that mean another sense of it. */
export const DATING_OTHER = new Set(
  (
    "sim sims simulator app apps show shows site sites game games advice coach coaches " +
    "profile profiles scene life pool service services website websites back from tips " +
    "market culture stories story event events guru reality"
  ).split(" "),
);
export const BEFORE_DATING_OTHER = new Set(["carbon", "radiocarbon", "speed", "online"]);
/** After "with NAME", "seeing NAME" or "together": an activity, not a relationship. */
export const ACTIVITY_NEXT = new Set(
  (
    "at in on tonight today tomorrow later sometime next this irl playing streaming duo " +
    "duos vc ranked to into collab"
  ).split(" "),
);
/** What may follow "single" or "taken" in the relationship sense. */
export const STATUS_NEXT = new Set(
  (
    "? . , or rn now tho though fr already chat lol lmao bro btw yet anymore right too af " +
    "STREAMER yes no sorry simps ladies boys guys fellas sadly unfortunately haha xd kekw " +
    "jajaja jaja kkk kkkk mdr ptdr jungs chicas rapazes gars and but since + happily lads lad eh hein né po na " +
    "mate mates gents chaps bros asking wondering " +
    // Who is spoken to, and chat's tails ("is hank single yall", "is lina single ja oder nein").
    "yall y'all everyone everybody folks peeps fam people ja yeah yep yup ngl tbh idk ofc omg atm lmfao"
  ).split(" "),
);

/** Before "streamer", these make it some streamer rather than this channel's. */
export const NOT_THE_STREAMER =
  /^(?:a|an|another|other|any|some|every|my|your|ur|his|her|their|fav|favorite|favourite|one|no|big|small|female|male|girl|guy|new|old|best|that|fellow|same|of|to|be|being|become|becoming|as|ser|como|être|etre|sein|werden|virar|ficar)$/;

/** After "@x is", these make "is" the verb of a question to @x: "@x is he dating sara". */
export const ADDRESS_AFTER_IS = new Set(
  "he she it that this there you they ur your the a STREAMER not true".split(" "),
);

export const CONTRACTION_TAIL: Record<string, string> = {
  "'re": "are",
  "'ll": "will",
  "'d": "would",
  "'ve": "have",
  "'m": "am",
};

/** What "seeing" may take when it means dating: a name or someone unnamed. */
export const SEEING_OK = new Set([
  "someone",
  "somebody",
  "anyone",
  "anybody",
  "her",
  "him",
  "a",
  "some",
]);

/** Words after "proposed" that keep the marriage sense. */
export const NO_TARGET_END = new Set(
  "? . , lol lmao omg yesterday today finally already chat bro on at in last yet".split(" "),
);

/** Words before a leading @mention that keep it the first word ("hey @mod ..."). */
export const LEAD_FILLER = new Set([
  "hey",
  "yo",
  "ok",
  "okay",
  "so",
  "wait",
  "lol",
  "lmao",
  "omg",
  "hi",
]);
/** Prepositions: "in chat" is no vocative. */
export const PREPOSITION = new Set([
  "in",
  "to",
  "from",
  "on",
  "at",
  "with",
  "for",
  "about",
  "of",
  "by",
]);

/** How sure a rule is of who its subject means. */
export const SUBJECT_WEIGHT: Record<string, number> = {
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

/** People someone may be ("the coach", "el invitado", "der gast"), in the languages read. */
export const PERSON_WORDS = new Set(
  ("coach guest caster host player cameraman camera mod moderator editor cutter monteur " +
    "invitado invitada gast invité invitée convidado convidada vater padre pai père pere " +
    "mutter madre mãe mae mère mere bruder hermano irmao irmão frère frere schwester hermana " +
    "irmã irma soeur sœur cousin cousine primo prima kumpel amigo amiga ami amie friend homie " +
    "teammate dude guy man woman dad mom uncle aunt boss neighbor neighbour roommate teacher " +
    "tio tia onkel tante oncle brother sister father mother son daughter kid nephew niece " +
    "grandpa grandma manager duo modo camarógrafo camara kameramann cadreur juiz juez árbitro " +
    "opponent rival enemy raider runner chatter viewer neighbour " +
    "arbitro arbitre schiri schiedsrichter referee ref moderador modérateur técnico tecnico")
    .split(" "),
);

/** Words of chat that open a clause and are nobody's nickname ("mods is", "rumor has"). */
export const NOT_A_NICKNAME = new Set(
  ("everyone someone people mods mod chat streamer streamers twitch rumor rumour rumors word " +
    "news tea drama lore truth love life family friends bestie kid kids boy boys wait yep " +
    "nope honestly imagine remember maybe guess think heard said says saw thing stuff song " +
    "vod stream today yesterday tomorrow then there here what who why how when where which " +
    "this that these those hey hi hello thanks thank please sure real fake big little first " +
    "one two everything anything nothing life viewers viewer sub subs girlfriend boyfriend " +
    "pretty same wow damn dang welcome hmm bruh sis babe reddit twitter insta instagram " +
    "tiktok discord youtube clip vods lol lmao omg god jesus man men love yes ladies fellas " +
    "sorry unlucky rip gg sadly unfortunately")
    .split(" "),
);
