/**
 * The other languages of the relationship-signal analyzer: Spanish, Portuguese, German and
 * French words rewritten to the canonical (English) words the rules read, so that
 * "¿tiene novia?" reads as "has gf ?" and "nico ist mit jana zusammen" as "STREAMER is with
 * jana together". Words shared between languages with different senses ("es", "e", "a",
 * "sie") are read by the language of the message, guessed from its function words.
 *
 * Only the slow path (a message that passed the pre-filter) comes here.
 *
 * @module
 */

/** A language the analyzer reads. */
export type Lang = "en" | "es" | "pt" | "de" | "fr";

const words = (s: string): string[] => s.trim().split(/\s+/);

/** Function words that point to a language; the weight is how sure a word is of it. */
const MARKERS: Record<Exclude<Lang, "en">, [number, string][]> = {
  es: [
    [
      2,
      "tiene tienes tenes tenés novia novio novios esta está estas estás sale saliendo con pero " +
      "sigue siguen casado casada soltero soltera juntos quien quién del una ya cortaron jaja " +
      "jajaja jajaj q que su sus pareja esposa esposo nadie nunca todavia todavía ahora " +
      "estan están son sos eres usted ustedes vos él ella termino terminó se separaron algo",
    ],
    [1, "el la los las de y o no un mi tu es"],
  ],
  pt: [
    [
      2,
      "tem tens namorada namorado namora namoram namorando ele ela com é ta tá tao tão juntos " +
      "vc você voce vcs vocês sao são nao não dele dela sua seu kkk kkkk kkkkk ainda agora " +
      "casada casado solteiro solteira noivo noiva quem terminaram terminou ficando mas " +
      "ninguem ninguém mulher marido já uma um pra",
    ],
    [1, "o a os as e do da de ou estás"],
  ],
  de: [
    [
      2,
      "hat hast er sie ist mit zusammen freundin freund und nicht der die das ne nen eine " +
      "einen seine sein ihre ihr verheiratet vergeben oder aber noch wer bist du seid sind " +
      "datet getrennt geschieden verlobt keine kein keinen niemand jetzt jz grad schon seit " +
      "digga alter frau mann",
    ],
    [1, "war ein"],
  ],
  fr: [
    [
      2,
      "il elle est avec sa son copine copain et pas le les une mec meuf marié mariée ensemble " +
      "qui c'est t'es t'as mais toujours sort sortait jamais personne vous etes êtes sont " +
      "mdr ptdr célibataire celibataire fiancée fiancé blonde chum pis truc voit quelqu'un " +
      "qu'il encore maintenant avant rompu séparés c'était c'etait celle celui",
    ],
    [1, "la un de du des ou ta ton es tu en"],
  ],
};

let markerMap: Map<string, [Lang, number][]> | null = null;

/**
 * The markers, and every word of the lexicons below: a word of one language only weighs 2,
 * a word shared by several weighs 1 for each (built on first use).
 */
function markers(): Map<string, [Lang, number][]> {
  if (markerMap) return markerMap;
  const m = new Map<string, [Lang, number][]>();
  for (const [lang, lists] of Object.entries(MARKERS) as [Lang, [number, string][]][]) {
    for (const [w, list] of lists) {
      for (const word of words(list)) {
        const e = m.get(word) ?? [];
        e.push([lang, w]);
        m.set(word, e);
      }
    }
  }
  const owners = new Map<string, Lang[]>();
  for (const [lang, lexicon] of Object.entries(LEXICON) as [Lang, Map<string, string>][]) {
    for (const w of lexicon.keys()) owners.set(w, [...(owners.get(w) ?? []), lang]);
  }
  for (const [w, langs] of owners) {
    if (m.has(w) || ENGLISH.has(w) || NOT_MARKER.has(w) || w.length < 3) continue;
    m.set(w, langs.map((l) => [l, langs.length === 1 ? 2 : 1]));
  }
  return markerMap = m;
}

/** Words of a lexicon that are common words of another language too ("san", "ham", "net"). */
const NOT_MARKER = new Set(words("san ham net nit din sine vos boy take will"));

/** English words that outweigh the markers ("is", "the", "he"...). */
const ENGLISH = new Set(
  words(
    "is he she the his her and with are you does has have dating gf bf wife husband not " +
      "who what that this it was were to of a an or still now so lol his married single",
  ),
);

/**
 * Guesses the language of a message from its lowercased words ("en" when nothing says).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessLanguage } from "./languages.ts";
 * assert.equal(guessLanguage(["tiene", "novia", "?"]), "es");
 * assert.equal(guessLanguage(["hat", "er", "ne", "freundin"]), "de");
 * assert.equal(guessLanguage(["is", "he", "dating", "sara"]), "en");
 * ```
 */
export function guessLanguage(lowered: readonly string[]): Lang {
  const score: Record<Lang, number> = { en: 0, es: 0, pt: 0, de: 0, fr: 0 };
  for (const w of lowered) {
    if (ENGLISH.has(w)) score.en += 1.5;
    const hits = markers().get(w);
    if (hits) { for (const [lang, n] of hits) score[lang] += n; }
  }
  let best: Lang = "en";
  for (const lang of ["es", "pt", "de", "fr"] as const) {
    if (score[lang] > score[best]) best = lang;
  }
  return score[best] >= 2 ? best : "en";
}

/** Strips accents for lookup ("está" -> "esta"); names keep theirs. */
export function fold(w: string): string {
  return w.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

/**
 * German umlauts and ß as logins write them: "jürgen" is "juergen" in juergen_kocht's login.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transliterate } from "./languages.ts";
 * assert.equal(transliterate("jürgen"), "juergen");
 * ```
 */
export function transliterate(w: string): string {
  return w.replace(/[äöüß]/g, (c) => UMLAUT[c]!);
}

const UMLAUT: Record<string, string> = { ä: "ae", ö: "oe", ü: "ue", ß: "ss" };

function table(entries: string): Map<string, string> {
  // "word word2=canonical words; ..." : each `=` entry maps every word before it.
  const m = new Map<string, string>();
  for (const entry of entries.split(";")) {
    const [left, right] = entry.split("=");
    if (left === undefined || right === undefined) continue;
    for (const w of words(left)) m.set(w, right.trim());
  }
  return m;
}

/**
 * Per language: word (accents kept; looked up as written, then without accents) -> canonical
 * words. `-` drops the word (a reflexive pronoun, a filler).
 */
export const LEXICON: Record<Exclude<Lang, "en">, Map<string, string>> = {
  es: table(
    "tiene tiene= has; tuvo tenía tenia= had; tuvieron tenían tenian= had; tienen= have; tienes tenes tenés= you have;" +
      "novia morra jeva polola enamorada= gf; novio pololo enamorado jevo= bf; churri= bae; pillado pillada= taken; chica= girl; chico= man; novios= a couple; pareja= partner; esposa mujer= wife;" +
      "esposo marido= husband; prometido prometida= fiance; exnovia exnovio= ex;" +
      "casado casada casados casadas= married; caso casó casaron= married;" +
      "comprometido comprometida comprometio comprometió= engaged;" +
      "sale salen saliendo anda andan= dating; andas andás sales salís salis= you dating; tení teni tenís= you have; volvieron volvimos= back together; casas= you marry; te= -; casar casarse= marry; va= going; salia salía salio salió anduvo andaba= dated;" +
      "sigue= is still; más= more; pololea pololean pololeando= dating; pololeaba pololeo pololeó= dated; luego= then; despues después= after; tal= certain; cierta cierto= certain; estuvo= was; ha= has; liado liada liaron= dating; enrollado enrollada= dating; rollo= something; siguen= are still; sigues= you are still;" +
      "esta está= is; estan están= are; estas estás= you are; estáis estais sois= you guys are; viven vivir viviendo= live; es= is; son= are;" +
      "sos eres= you are; tú= you; bien= well; era= was; fue= was; eran= were;" +
      "con= with; y= and; e= and; o u= or; pero= but; sino= but; no= not; nunca= never;" +
      "nadie= nobody; nada= nothing; ya= already; todavia todavía aun aún= still; ahora= now;" +
      "juntos juntas= together; soltero soltera solteros solteras= single;" +
      "él= he; ella= she; ellos= they; el la los las lo= the; un una= a;" +
      "su sus= his; tu tus= your; mi mis= my; de= of; del= of the; al= to the;" +
      "quien quién quienes= who; que qué q= that; cierto verdad= true; neta= really;" +
      "cortaron terminaron separaron= broke up; termino terminó corto cortó separo separó= broke up;" +
      "divorcio divorció divorciaron= divorced; divorciado divorciada= divorced;" +
      "algo= something; alguien= someone; se= -; usted vos= you; ustedes= you guys;" +
      "desde= since; hace= since; decinos dinos decime dime= tell us; ese esa eso aquel aquella= that; este= this; volvio volvió= is back; antes= before; primero= first; llama= called; besaron= kissed; si= if; sabe saben= know;" +
      "en= in; flaca= girl; flaco= man; ligue= bae; nueva nuevo= new; entre= between; dejaron= broke up; dejó dejo= left; por= for; muy= very; mismo misma= same; cuida cuidá= takecare; cuídala cuidala= takecare her; cuídalo cuidalo= takecare him; mucho= much; felicidades felicitaciones= congrats; noviazgo= relationship; compromiso= engagement; por= for; boda= wedding; seguro= sure; serio= seriously; claro= clearly; posta= really; cuando cuándo= when;" +
      "dos= two; año= year; años anos= years; meses mes= months; pasado pasada= last;" +
      "confirmado confirmada confirmadisimo confirmadísimo oficial= confirmed;" +
      // Denials ("sale con lena? es mentira"), a proposal ("le pidió la mano a lena").
      "mentira mentiras= lie; falso falsa= false; pidió pidio= asked; propuso= proposed; matrimonio= marriage; sí= yes; le les= -; tan= so; pal= for the; nombre= name; estai estái= you are; andai andái= you dating;" +
      // Slang for a partner across Spanish-speaking chat (Rioplatense "jermu", Caribbean "jevo",
      // "jeva"), Venezuelan "cuadrados" (going out together), and past forms of "estar".
      "jermu= wife; explica explícame explicame explíquenme expliquen= explain; pregunto= wonder; cuadrados cuadradas= together; cuadrado cuadrada= dating; estaba= was; estaban= were",
  ),
  pt: table(
    "tem= has; teve tinha= had; tiveram tinham= had; estás estas= you are; enrolado enrolada= dating; noivou noivaram= engaged; voltaram voltamos= back together; miúda miuda= girl; peguete contatinho= bae; lance= thing; entre= between; ficaram= were; será sera= wonder; primeiro primeira= first; mais= anymore; só so= just; largou deixou= left; por= for; foi= was; depois= after; entao então= then; tal= certain; certa= certain; saindo anda andam andando= dating; casal= couple; pegando= seeing; acabaram= broke up; oficializou oficializaram= confirmed; têm= have; tens= you have; namorada= gf; namorado= bf; mina= girl; boy= man; namorados= a couple;" +
      "namora namoram namorando= dating; namorava namorou andou= dated; ficando ficou fica= seeing; ficante= partner;" +
      "esposa mulher= wife; marido esposo= husband; noivo noiva noivos= engaged; ex-namorada ex-namorado= ex;" +
      "casado casada casados casadas casou casaram= married; chama chama-se= called; sim= yes; casar= marry; vai= going to; parceiro parceira= partner;" +
      "ta tá está esta= is; bem= well; vão vao= are going to; moram morar morando vive vivem viver vivendo= live; és= you are; mesmo= really; tao tão estão estao= are; é= is; sao são= are; era= was;" +
      "com= with; e= and; ou= or; mas= but; nao não= not; nunca= never; ninguem ninguém= nobody;" +
      "ainda= still; agora= now; ja já= already; juntos juntas= together;" +
      "solteiro solteira solteiros= single; ele= he; ela= she; eles= they;" +
      "o a os as= the; um uma= a; sua seu suas seus= his; dele dela= HISPOST; teu tua= your;" +
      "meu minha= my; de do da dos das= of; vc você voce tu= you; vcs vocês voces= you guys;" +
      "quem= who; que q= that; vdd verdade= true; terminaram separaram terminou separou= broke up;" +
      "divorciou divorciaram divorciado divorciada= divorced; algo= something; alguem alguém= someone;" +
      "se= SE; faz há ha= since; desde= since; antes= before; beijaram= kissed; esse essa aquele aquela= that; voltou= is back; pá epá= -;" +
      "quando= when; comprometido comprometida= taken; muito muita= very; mesma= same; deve devia= should; pode podia= can; mozão mozao mozinho= bae; cuida cuide= takecare; felicidades parabens= congrats; namoro= relationship; noivado= engagement; pelo pela= for the; casamento= wedding; certeza= sure; sério serio= seriously; claro= clearly; demais= too; ano= year; dois duas= two; sabe= know; anos= years; meses= months; passado passada= last; em no na= in;" +
      "confirmado confirmada oficial= confirmed;" +
      // Denials, a proposal ("pediu a bia em casamento"), back together ("reatou com a bia").
      "mentira mentiras= lie; falso falsa= false; pediu= asked; afinal= -; reatou= is back; reataram= back together; nome= name;" +
      // Slang for a partner: southern Brazilian "guria", "prenda", Mozambican and Angolan "dama"
      // (a lady: "tem dama?"), "companheira". Marriage by bride price ("lobolou", Mozambique).
      // The past of "estar", and pt-PT "está a namorar" (the "a" of a verb's progressive).
      "guria= girl; explica expliquem= explain; pergunto= wonder; prenda= girl; dama= lady; companheira companheiro= partner; lobolou lobolaram= married; lobolar= marry; estava esteve= was; estavam estiveram= were",
  ),
  de: table(
    "hat= has; stimmt's stimmts gell= right; het= has;" +
      // Swiss, Bavarian and Austrian chat: "hät en fründ", "hod d vroni an freind", "bisch du de
      // fründ vo de lena", "san nimmer zam", "is da wos".
      "hät hed hod hett= has; hesch häsch hosch hosd händ hend= have; scho= already; auseinander= broke up; bisch= are; san= are; ham hamm= have;" +
      "fründ freind frend= bf; fründin freindin frendin= gf; fründe= friends; ex-fründin ex-fründ= ex;" +
      "din dini dinä= your; sini sine sinä= his; vo= of; ned nöd nid nit net= not; nimma nimmer nümme nimmi= no longer;" +
      "verheirat verheirated ghürate ghürotet= married; wos öppis epps= something; dir dich= you; zwischen= between;" +
      "hatte hatten hattest= had; will willst wollen= want; neue neuen neuer neues= new; wieder= again; safe= sure; gedatet= dated; geküsst= kissed; verlobt= engaged; dieser diese dieses= the; pass passt= takecare; gut= well; e en an= a; d de= the; nur bloß bloss= just; verlassen= left; für fuer= for; gmacht= -; zusammengekommen= together; wohnen wohnt= live; sehr= very; gschpusi gspusi= gf; schatz schatzi= bae; lebensgefährtin lebensgefährte= partner; dann= then; davor= before; danach= after; erst= first; immer= -; echt= really; auch= also; mal= once; ner= a; nem= a; gewissen gewisse gewisser= certain; mehr= anymore; geht gehen= goes; paar= couple; süßeste süsseste= cutest; isch= is; heast= -; haben= have; hast= have; freundin= gf; freund= bf; partnerin partner= partner;" +
      "frau ehefrau= wife; mann ehemann= husband; verlobte verlobter= fiance; exfreundin ex-freundin exfreund ex-freund= ex;" +
      "verheiratet geheiratet= married; heiratet heiraten= marry; verlobt= engaged;" +
      "zusammen zam zsamm= together; vergeben liiert= taken; ledig solo= single; beziehung= relationship; datet daten= dating; er= he; sie= she; es= it;" +
      "du= you; ihr= her; ist= is; sind= are; seid= are; bist= are; war= was; waren= were;" +
      "mit= with; und= and; oder= or; aber= but; sondern= but; nicht= not; nie= never;" +
      "kein keine keinen= no; niemand niemandem niemanden= nobody; noch= still; jetzt jz grad gerade= now;" +
      "schon= already; seit= since; wer wem wen= who; dass das= that; der die den dem da em= the;" +
      "ne nen eine einen ein einem= a; sein seine seiner seinen seinem= his; ihre ihren ihrer= her;" +
      "dein deine deinen deiner= your; mein meine meinen meiner= my; von= of; vom= of the;" +
      "getrennt= broke up; geschieden= divorced; was= something; jemanden jemand= someone;" +
      "sich= -; stimmt= true; wirklich= really; eigentlich= -; doch= -; früher= before;" +
      "wann= when; glückwunsch glückwünsche gratuliere= congrats; verlobung= engagement; zur= to the; hochzeit= wedding; sicher= sure; ernsthaft= seriously; klar= clearly; ob= if; weiß weiss= know; jahr jahre jahren= years; monate monaten monat= months;" +
      "aus= from; im in= in; auf= on; zwei beiden beide= two; paar= couple; schluss= broke up; gemacht= -; geküsst= kissed;" +
      "letzten letzte letztes letztem= last; heißt heisst= called; bestätigt bestaetigt offiziell= confirmed;" +
      // Denials ("mit lena zusammen? quatsch"), a proposal ("hat ihr einen antrag gemacht").
      "quatsch blödsinn bloedsinn unsinn schwachsinn= nonsense; gelogen= lie; antrag heiratsantrag= proposal;" +
      // Swiss "zäme" (together), Bavarian "dei" (your), "niemals" (never).
      "zäme zäm zämä zaeme= together; dei= your; niemals= never;" +
      // Dialect spellings of function words, so they are read as words and never as names:
      // Saxon ("hat dor kalle ne freundin", "seid ihr nu zusamm odor ni"), Bavarian and
      // Austrian ("sei Gspusi is die resi", "seids es zwa zam", "des waß eh jeder"), Swiss
      // ("wär weiss", "sind ihr zwei zäme"), northern chat ("nich", "nix").
      "dor= the; odor odr oda= or; ni nich nisch nech= not; nischt nix nüscht= nothing; nu= now; zusamm zusamme zamm= together; " +
      "weeß woaß waß woas wees= know; ooch oog= also; sei= his; seids= are; zwa zwoa= two; des= that; wär= who; " +
      "hom hobn= have; mim mitm= with the; isser= is he; hatter= has he;" +
      // Northern "Deern" (a girl), youth slang "Ische", "Macker"; Kölsch ("met", "zesamme",
      // "dat") and Swabian ("hen", "zamma", "trennt", "gschieden") forms of function words.
      "ich= i; deern deeern= girl; erklärt erklär erklaer= explain; ische= girl; macker= bf; met= with; zesamme zesamm zamma zämme= together; hen hend= have; trennt= broke up; gschieden gschiede= divorced; dat= that",
  ),
  fr: table(
    "il= he; avait= had; avaient= had; nouvelle nouveau nouvel= new; entre= between; chose= something; marier= marry; va vont vais= going; es-tu t'es-tu= are you; as-tu= have you; a-tu= has; est-tu= is; y'é-tu y'est-tu yé-tu= is he; c'tu c'est-tu= is it; sont-tu= are; largué larguée= broke up with; quitté quittée plaqué plaquée= left; juste= just; apparemment= apparently; puis ensuite= then; après apres= after; d'abord dabord= first; vraiment= really; aussi= also; été= been; certaine certain= certain; cassé= broke up; lui= him; elle= she; ils elles= they; a= has; ont= have; as= have; copine meuf blonde= gf;" +
      "copain mec chum= bf; femme= wife; mari= husband; fiancé fiancée fiance fiancee= fiance;" +
      "fiancés fiancées fiances= engaged; marié mariée mariés mariées marie mariee= married;" +
      "sort sortent= dating; sors= you dating; sortait= dated; sorti sortie= dated; ensemble= together;" +
      "célibataire celibataire célibataires célib celib= single; fini finie= over; pris prise casé casée case casee= taken; couple= couple;" +
      "avec= with; et pis= and; ou= or; mais= but; pas= not; jamais= never; personne= nobody;" +
      "rien= nothing; est= is; sont= are; etes êtes= are; es= are; était etait= was;" +
      "son sa ses= his; ton ta tes= your; mon ma mes= my; de du des= of; le la les= the;" +
      "un une= a; pour= for; au aux= to the; ce cet cette= this; ces= these; qui= who; que= that; toujours encore= still; maintenant= now; déjà deja= already;" +
      "rompu= broke up; séparés séparé séparée separes separe= broke up; divorcé divorcée divorce= divorced;" +
      "truc= something; quelqu'un quelquun= someone; voit= seeing; vous= you guys; tu toi= you;" +
      "vrai= true; depuis= since; avant= before; se= -; askip= apparently; ex-copine ex-copain= ex;" +
      "année annee an= year; deux= two; à= to; appelle= called; embrassés embrassé embrassée embrassées= kissed; si= if; sait= know; ans= years; mois= months; dernier derniere dernière= last;" +
      "dans en= in; vivent habitent= live; très= very; chérie chéri cherie cheri= bae; prends prenez= take; soin= care; quand= when; félicitations felicitations= congrats; fiançailles= engagement; mariage= wedding; sérieux sérieusement= seriously; sûr= sure; clairement= clearly; franchement= honestly;" +
      "confirmé confirmée confirme officiel officielle= confirmed;" +
      // Denials ("il sort avec lena ? c'est faux"), a proposal ("il a demandé lena en mariage"),
      // back together ("il est revenu avec lena", "elle s'est remise avec son ex").
      "faux= false; mytho= lie; demandé demande= asked; revenu revenue= back; remis remise= back; astheure asteure= now; nom= name; vu= saw; pacsé pacsée pacsés pacsées pacse pacsee= married;" +
      // Slang for a partner: verlan "keum" (mec), "nana", North African "mrat" (wife) and
      // "sahba" (girlfriend); West African "doter" (to pay the dowry: to marry); "laissé X
      // pour Y" (left X for Y).
      "dyal dial= of; ben beh bah bon ouais ouai= -; keum= bf; explique expliquez= explain; regarde regardait= watching; nana= girl; mrat= wife; sahba= gf; doter doté dotée= marry; laissé laissée= left",
  ),
};

/**
 * Regular "-ar" verbs of a relationship in Spanish and Portuguese: the stem, and what its
 * present, past and infinitive forms mean ("" where a form means something else too, as "casa"
 * is a house). Every regular form of them is read, so "namoras", "namoraram", "pololeaban" and
 * "te casaste" read like the forms chat writes most.
 */
const AR_VERBS: Record<"es" | "pt", [stem: string, now: string, past: string, inf: string][]> = {
  es: [
    ["and", "dating", "dated", ""],
    ["polole", "dating", "dated", "date"],
    ["cas", "", "married", "marry"],
    ["separ", "", "broke up", ""],
    ["termin", "", "broke up", ""],
    ["divorci", "", "divorced", ""],
    ["bes", "", "kissed", ""],
    ["mud", "", "moved in", ""],
  ],
  pt: [
    ["namor", "dating", "dated", "date"],
    ["and", "dating", "dated", ""],
    ["cas", "", "married", "marry"],
    ["separ", "", "broke up", ""],
    ["termin", "", "broke up", ""],
    ["divorci", "", "divorced", ""],
    ["beij", "", "kissed", ""],
    ["mud", "", "moved in", ""],
  ],
};
/** The regular "-ar" endings: present and past, third and second person, gerund, infinitive. */
const AR_ENDINGS: Record<"es" | "pt", Record<"now" | "now2" | "past" | "past2" | "inf", string>> = {
  es: {
    now: "a an ando",
    now2: "as ás",
    past: "ó aron aba aban",
    past2: "aste abas",
    inf: "ar arse",
  },
  pt: { now: "a am ando", now2: "as", past: "ou aram ava avam", past2: "aste avas", inf: "ar" },
};

/** The forms of {@link AR_VERBS} that open a clause without a subject (third person). */
const AR_THIRD: Record<"es" | "pt", string[]> = { es: [], pt: [] };
for (const lang of ["es", "pt"] as const) {
  const lexicon = LEXICON[lang];
  const e = AR_ENDINGS[lang];
  for (const [stem, now, past, inf] of AR_VERBS[lang]) {
    const forms: [string, string, boolean][] = [
      [e.now, now, true],
      [e.now2, now && "you " + now, false],
      [e.past, past, true],
      [e.past2, past && "you " + past, false],
      [e.inf, inf, false],
    ];
    for (const [endings, meaning, third] of forms) {
      if (!meaning) continue;
      for (const end of words(endings)) {
        const w = stem + end;
        // A form the lexicon already reads (or reads otherwise) keeps its reading.
        if (lexicon.has(w) || lexicon.has(fold(w))) continue;
        lexicon.set(w, meaning);
        if (third) AR_THIRD[lang].push(w);
      }
    }
  }
}

/** Is `w` a word of one of the lexicons ("nao", "ma", "tu")? Such a word is never a name. */
export function isFunctionWord(w: string): boolean {
  for (const lexicon of Object.values(LEXICON)) if (lexicon.has(w)) return true;
  return false;
}

/** French elisions before an apostrophe: "t'es" -> "you" + "es". */
export const ELISION: ReadonlyMap<string, string> = new Map([
  ["t", "you"],
  ["c", "it"],
  ["qu", "that"],
  ["l", "the"],
  ["d", "of"],
  ["s", "-"],
  ["j", "i"],
  ["n", "-"],
  ["m", "-"],
]);

/**
 * Verbs that open a sentence without a subject in chat ("tiene novia?", "namora a carol",
 * "ist mit kathi zusammen"): the subject is the streamer, so a "he" is put before them.
 */
export const SUBJECTLESS: Record<Exclude<Lang, "en">, ReadonlySet<string>> = {
  es: new Set(
    words(
      "volvio volvió tiene sale sigue esta está es salia salía salio salió anduvo caso casó termino terminó corto cortó separo separó divorcio divorció andaba anda separaron cortaron terminaron pidió pidio propuso comprometió comprometio va",
    ).concat(AR_THIRD.es),
  ),
  pt: new Set(
    words(
      "voltou tem namora ta tá está esta é casou terminou separou namorava namorou andou divorciou terminaram separaram pediu reatou noivou vai",
    ).concat(AR_THIRD.pt),
  ),
  de: new Set(words("hat ist datet war")),
  fr: new Set(words("a est sort voit sortait")),
};

/** Articles before a name ("a larissa", "die kathi", "la tal valeria"): skipped in targets. */
export const NAME_ARTICLES: Record<Exclude<Lang, "en">, ReadonlySet<string>> = {
  es: new Set(words("la el")),
  pt: new Set(words("a o")),
  de: new Set(words("die der den dem da em d de dor dieser diese")),
  fr: new Set(words("la le")),
};
