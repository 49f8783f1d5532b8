import assert from "node:assert/strict";
import fc from "fast-check";
import {
  detectSignals,
  detectSignalsWith,
  explainSignals,
  mayMentionRelationship,
  shippedSecondOpinion,
  type SignalContext,
  snippetAround,
} from "../../src/analysis/signals.ts";
import { TAGGER_BUCKETS } from "../../src/analysis/signals/target_tagger.ts";
import { LEXICON } from "../../src/analysis/signals/languages.ts";
import { REL_WORDS } from "../../src/analysis/signals/vocabulary.ts";
import { BUCKETS } from "../../src/analysis/signals/ngram_model.ts";
import { Signal } from "../../src/schemas.ts";
import { evaluateSet, type Labelled, loadLabelled } from "../../bench/_signals_metrics.ts";

const CH: SignalContext = { channel: "example_channel" };
const targets = (text: string, ctx: SignalContext = CH) =>
  detectSignals(text, ctx).map((s) => s.target);
const fires = (text: string, ctx: SignalContext = CH) => detectSignals(text, ctx).length > 0;

Deno.test("detectSignals() reads the spec's fixture line: target sara, a question, not mod", () => {
  const s = detectSignals("hey @mod is he still dating sara?", CH);
  assert.equal(s.length, 1);
  assert.equal(s[0]!.target, "sara");
  assert.equal(s[0]!.type, "question");
  assert.equal(s[0]!.kind, "relationship");
  assert.equal(s[0]!.rule, "dating");
  assert.ok(s[0]!.confidence > 0 && s[0]!.confidence <= 1);
});

Deno.test("detectSignals() finds the streamer's relationship in many forms", async (t) => {
  const cases: [string, string, string | null, "question" | "claim"][] = [
    ["he's dating sara", "example_channel", "sara", "claim"],
    ["hes datin sara lol", "example_channel", "sara", "claim"],
    ["sara is his gf", "example_channel", "sara", "claim"],
    ["is sara his gurlfriend", "example_channel", "sara", "question"],
    ["his wife sara is so sweet", "example_channel", "sara", "claim"],
    ["r u and sara together", "example_channel", "sara", "question"],
    ["he got engaged to @Sara_XO omg", "example_channel", "sara_xo", "claim"],
    ["he marryed sara in 2021", "example_channel", "sara", "claim"],
    ["is luna dating max", "luna_plays", "max", "question"],
    ["@luna_plays is max ur bf", "luna_plays", "max", "question"],
    ["max is luna's fiance", "luna_plays", "max", "claim"],
    ["the streamer is dating jess btw", "bigtoast", "jess", "claim"],
    ["jess is toasts gf", "bigtoast", "jess", "claim"],
    ["she has a gf named rae", "kittycat_gg", "rae", "claim"],
    ["congrats to you and dylan <3", "kittycat_gg", "dylan", "claim"],
  ];
  for (const [text, channel, target, type] of cases) {
    await t.step(text, () => {
      const s = detectSignals(text, { channel });
      assert.equal(s.length, 1, JSON.stringify(s));
      assert.equal(s[0]!.target, target);
      assert.equal(s[0]!.type, type);
    });
  }
});

Deno.test("detectSignals() gives a question without a target when nobody is named", async (t) => {
  for (
    const text of [
      "is he single?",
      "does he have a gf",
      "r u married",
      "who is he dating",
      "is he seeing anyone",
      "is that ur gf in the background",
      "does the streamer have a wife",
    ]
  ) {
    await t.step(text, () => {
      const s = detectSignals(text, CH);
      assert.equal(s.length, 1, JSON.stringify(s));
      assert.equal(s[0]!.target, null);
      assert.equal(s[0]!.type, "question");
    });
  }
});

Deno.test("detectSignals() fires nothing for the issue's hard negatives", async (t) => {
  const kinds: Record<string, string[]> = {
    negation: ["he's not dating sara", "she never dated mike", "he doesnt have a gf"],
    denial: ["he's dating sara? that's fake", "no way he's dating sara", "he's single"],
    "other people's relationships": ["my brother is dating sara", "my dad and his wife lol"],
    "the speaker's own": ["i'm dating sara lol", "my gf is watching with me", "im his wife"],
    "carbon dating": ["carbon dating says that meme is ancient"],
    "dating sim": ["he's playing a dating sim LUL"],
    "up to date": ["is he up to date on the patch"],
    "save the date": ["save the date: subathon starts friday"],
    "married to the grind": ["he's married to the grind", "she's married to her job"],
    "sponsor read": ["today's sponsor is a dating app, link in bio"],
    fiction: ["in stardew he married abigail", "she's dating shadowheart in bg3"],
    hypothetical: ["he should date sara tbh", "imagine if he dated sara LUL"],
    "you is someone else": ["@jess_fan are you dating anyone", "you dating anyone chat?"],
    "he is someone else": ["my roommate said he is dating sara", "my dad and his wife lol"],
    "other senses": ["he's engaged in a 1v3", "are you seeing this chat", "gg gf"],
    "shut down": ["stop asking if he's dating sara", "nobody cares who he's dating"],
  };
  for (const [kind, texts] of Object.entries(kinds)) {
    await t.step(kind, () => {
      for (const text of texts) assert.deepEqual(detectSignals(text, CH), [], text);
    });
  }
});

Deno.test("detectSignals() never names the person addressed", () => {
  assert.deepEqual(targets("@mod is he still dating sara?"), ["sara"]);
  // ...unless the message asks them whether they are the partner: then they are the target.
  assert.deepEqual(targets("@sara is he dating you"), ["sara"]);
  assert.deepEqual(targets("@jess_fan he's dating jess tho", { channel: "bigtoast" }), ["jess"]);
  // "you" in a message to @someone is that person, not the streamer.
  assert.equal(
    fires("@mike_d you and sara still together? luna asked", { channel: "luna_plays" }),
    false,
  );
  // ...and when the streamer is named in no known way, the one paired with "you" is read as the
  // streamer's nickname: the independent writers label "@ashlee_xo did u and deezy get back
  // together" (kickdrama_tv) as asking ashlee whether she is the streamer's partner.
  assert.deepEqual(
    targets("@ashlee_xo did u and deezy get back together", { channel: "kickdrama_tv" }),
    ["ashlee_xo"],
  );
  // ...but a message to the streamer keeps "you" as the streamer.
  assert.deepEqual(targets("@example_channel are you dating sara"), ["sara"]);
});

Deno.test("detectSignals() never takes a pronoun, emote, stopword or the streamer as target", () => {
  assert.deepEqual(targets("is he dating her"), [null]);
  assert.deepEqual(targets("he is dating someone from the discord"), [null]);
  assert.deepEqual(targets("he's dating Kappa"), [null]);
  assert.deepEqual(targets("is he dating KEKW"), [null]);
  assert.deepEqual(targets("he is dating catJAM"), [null]);
  assert.deepEqual(targets("he's dating again lol"), [null]);
  // An emote the analyzer does not know, named by the message's emote tag.
  assert.deepEqual(targets("he's dating sadcat"), ["sadcat"]);
  assert.deepEqual(targets("he's dating sadcat", { ...CH, emotes: ["sadCat"] }), [null]);
  // "does max know he's dating luna": the streamer is the partner, "he" is max.
  assert.equal(fires("does max know he's dating luna lol", { channel: "luna_plays" }), false);
});

Deno.test("detectSignals() reads extra streamer names from the context", () => {
  const known = explainSignals("is felix dating sara", {
    channel: "xqcow",
    streamerNames: ["Felix"],
  });
  assert.deepEqual(known.fired.map((s) => s.target), ["sara"]);
  assert.ok(!known.steps.some((s) => s.startsWith("nickname")), known.steps.join("\n"));
});

Deno.test("detectSignals() reads a name as the streamer's nickname only as the subject", () => {
  // Nothing names the streamer in a known way: "felix", subject of "dating", is read as them.
  const guessed = explainSignals("is felix dating sara", { channel: "xqcow" });
  assert.deepEqual(guessed.fired.map((s) => s.target), ["sara"]);
  assert.ok(guessed.steps.some((s) => s.startsWith("nickname")), guessed.steps.join("\n"));
  assert.deepEqual(targets("dex x bill??", { channel: "lanparty_live" }), ["bill"]);
  assert.deepEqual(targets("nico anda con sol desde marzo", { channel: "elche_gtarp" }), ["sol"]);
  // ...never as the antecedent of "his", and never without a named partner.
  assert.deepEqual(detectSignals("tomas is here with his wife lol", CH), []);
  assert.deepEqual(detectSignals("is magnus married?", CH), []);
  assert.deepEqual(detectSignals("carbon dating says that meme is ancient", CH), []);
});

Deno.test("detectSignals() lowercases targets and drops the @", () => {
  assert.deepEqual(targets("HE IS DATING SARA"), ["sara"]);
  assert.deepEqual(targets("is he dating @Jess_TV ?"), ["jess_tv"]);
});

Deno.test("detectSignals() keeps the snippet to the phrase that carries the fact", () => {
  const long = "so anyway chat ".repeat(10) + "i heard he is dating sara from the other stream " +
    "and honestly that explains a lot about the last few weeks of streams";
  const [s] = detectSignals(long, CH);
  assert.ok(s, "a signal");
  assert.ok(s.snippet.length <= 80, `${s.snippet.length}: ${s.snippet}`);
  assert.match(s.snippet, /he is dating sara/);
  assert.equal(detectSignals("is he dating sara", CH)[0]!.snippet, "is he dating sara");
  assert.equal(
    detectSignals("ok so apparently he is still dating sara lol, crazy", CH)[0]!.snippet,
    "he is still dating sara",
  );
  assert.equal(
    detectSignals("hey @mod is he still dating sara?", CH)[0]!.snippet,
    "is he still dating sara?",
  );
});

Deno.test("snippetAround() stays within max and keeps the span whole", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 300 }),
      fc.nat(),
      fc.nat(),
      (text, a, b) => {
        const start = text.length ? a % text.length : 0;
        const end = Math.min(text.length, start + (b % 60));
        const s = snippetAround(text, start, end);
        assert.ok(s.length <= 80, `${s.length}`);
        const span = text.slice(start, end).replace(/\s+/g, " ").trim();
        assert.ok(s.includes(span), `${JSON.stringify(s)} lacks ${JSON.stringify(span)}`);
      },
    ),
  );
});

Deno.test("detectSignals() reads a message that opens with its question marks", () => {
  // Found by the property below: the topic of an earlier question was looked for before the
  // first piece ("? he single" threw a TypeError).
  assert.deepEqual(detectSignals("? he single", CH), []);
  assert.deepEqual(detectSignals("??? he single", CH), []);
  const s = detectSignals("?? he is dating sara", CH);
  assert.deepEqual(s.map((x) => x.target), ["sara"]);
});

Deno.test("detectSignals() returns schema-valid signals for any text", () => {
  const words = fc.constantFrom(
    "he",
    "she",
    "is",
    "dating",
    "sara",
    "@mod",
    "gf",
    "his",
    "not",
    "?",
    "you",
    "and",
    "together",
    "married",
    "to",
    "the",
    "grind",
    "KEKW",
    "single",
    "with",
    "lol",
    "my",
    "u",
  );
  fc.assert(
    fc.property(fc.array(words, { maxLength: 12 }), fc.string({ maxLength: 20 }), (ws, noise) => {
      const text = ws.join(" ") + noise;
      for (const s of detectSignals(text, CH)) {
        assert.ok(Signal.safeParse(s).success, JSON.stringify(s));
        assert.ok(s.snippet.length <= 80);
        // A name, or a first name and a surname ("brooke taylor"), lowercased.
        if (s.target !== null) {
          assert.match(s.target, /^[\p{Ll}\p{Lo}\p{N}_-]+(?: [\p{Ll}\p{Lo}-]+)?$/u);
        }
      }
    }),
  );
});

Deno.test("detectSignals() survives the counterexamples fast-check found", () => {
  // "(n" reads ", and": a clause after the match with nothing after "and" (it threw).
  assert.deepEqual(targets("he married(N"), [null]);
  // A surname is letters: "A00" is no second name. (fast-check found it with "heb", which the
  // target tagger, retrained in session 7, now takes back as no likely name: the rule's reading
  // is what this guards, so a name the tagger keeps stands in.)
  assert.deepEqual(targets("he married sara A00"), ["sara"]);
});

Deno.test("detectSignals() finds the question after unrelated digits", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9 ]{0,40}$/), (noise) => {
      assert.deepEqual(targets(`${noise}. is he dating sara?`), ["sara"]);
    }),
  );
});

Deno.test("mayMentionRelationship() lets every spelling the rules know through", () => {
  const spellings = [
    "dating",
    "DATING",
    "Datin",
    "dateing",
    "datting",
    "dated",
    "date",
    "gf",
    "GF",
    "gfs",
    "girlfriend",
    "girlfrend",
    "gurlfriend",
    "grlfriend",
    "gilfriend",
    "girlfreind",
    "gfriend",
    "girlfren",
    "gurlfren",
    "bf",
    "boyfriend",
    "boyfrend",
    "bofriend",
    "boyfreind",
    "boifriend",
    "wife",
    "wifey",
    "wify",
    "husband",
    "hubby",
    "hubbie",
    "husbnd",
    "fiance",
    "fiancé",
    "fiancee",
    "married",
    "marryed",
    "marrid",
    "maried",
    "merried",
    "marry",
    "marrying",
    "engaged",
    "engagd",
    "engadged",
    "proposed",
    "purposed",
    "propose",
    "together",
    "togther",
    "togeather",
    "2gether",
    "couple",
    "a thing",
    "seeing",
    "seein",
    "single",
    "taken",
    "relationship",
    "relationshp",
    "girl",
    "bae",
    "congrats",
    "grats",
    "going out with",
    "he's with",
    "hes with",
    "still w/",
    "still w",
    "is he with",
    "u with",
    "she’s with",
  ];
  for (const w of spellings) {
    assert.ok(mayMentionRelationship(`so ${w} x`), w);
    assert.ok(mayMentionRelationship(w.toUpperCase()), w.toUpperCase());
  }
  for (const w of ["lol", "gg wp", "KEKW KEKW", "what rank is he", "playing with friends"]) {
    assert.equal(mayMentionRelationship(w), false, w);
  }
});

Deno.test("mayMentionRelationship() lets through every word the lexicons read as a relationship word", () => {
  // Everyday words of their language ("anda" walks, "fica" stays, "pris" taken as in "took",
  // "passt" fits, "solo" only): the rules read them only beside another relationship word
  // ("anda con", "fica com", "passt auf", "voit quelqu'un"), which the stems catch.
  const everyday = new Set([
    "anda",
    "andando",
    "corto",
    "deixou",
    // "laissé" (left) counts only before "X pour Y", which its stem catches.
    "laissé",
    "laissée",
    "saindo",
    "boy",
    "ficou",
    "fica",
    "pass",
    "passt",
    "solo",
    "pris",
    "prise",
    "case",
    "voit",
  ]);
  const holes: string[] = [];
  for (const [lang, words] of Object.entries(LEXICON)) {
    for (const [w, meaning] of words) {
      const head = meaning.split(" ")[0]!;
      if (!REL_WORDS.has(head) || ["and", "with", "w", "x"].includes(head)) continue;
      if (everyday.has(w)) continue;
      if (!mayMentionRelationship(`so ${w} x`)) holes.push(`${lang} ${w} (${meaning})`);
    }
  }
  // Blind sets 1-9 lost lines to these holes ("gab pis justine ont cassé", "bia = mozão do
  // leo?", "desde cuándo andan fede y la cami?").
  assert.deepEqual(holes, []);
});

Deno.test("explainSignals() names the rule that fired, or the guard that stopped it", () => {
  const yes = explainSignals("is he still dating sara?", CH);
  assert.equal(yes.fired[0]!.target, "sara");
  assert.ok(yes.steps.some((s) => s.includes("rule dating") && s.includes("target sara")));
  const neg = explainSignals("he's not dating sara", CH);
  assert.deepEqual(neg.fired, []);
  assert.ok(neg.steps.some((s) => s.includes("guard negation")), neg.steps.join("\n"));
  const grind = explainSignals("he's married to the grind", CH);
  assert.ok(grind.steps.some((s) => s.includes("guard other-sense")), grind.steps.join("\n"));
  const none = explainSignals("gg wp", CH);
  assert.ok(none.steps[0]!.startsWith("prefilter: no relationship word"));
  assert.deepEqual(
    explainSignals("is he dating sara", CH).fired,
    detectSignals("is he dating sara", CH),
  );
});

Deno.test("detectSignals() says whether a message asks or states: asked means asked", async (t) => {
  const cases: [string, "question" | "claim"][] = [
    ["i think he's dating jessica now", "claim"],
    ["is he dating jessica", "question"],
    ["he's dating sara now??", "claim"],
    ["he's dating sara?", "question"],
    ["his wife is the editor right? she's in the credits", "claim"],
    ["he dating jess or nah", "question"],
    ["rumor is he's dating jess", "claim"],
    ["who is his gf", "question"],
    ["anyone know if he has a gf", "question"],
    ["sorry if this is rude but is she married", "question"],
  ];
  for (const [text, type] of cases) {
    await t.step(text, () => {
      const s = detectSignals(text, CH);
      assert.ok(s.length > 0, "fires");
      assert.deepEqual([...new Set(s.map((x) => x.type))], [type]);
    });
  }
});

Deno.test("detectSignals() reads Spanish, Portuguese, German and French", async (t) => {
  const cases: [string, string, string | null, "question" | "claim"][] = [
    ["¿tiene novia?", "pablito_gg", null, "question"],
    ["pablito sale con marta desde hace un año", "pablito_gg", "marta", "claim"],
    ["su novia es valeria la streamer de valo", "donkarlos", "valeria", "claim"],
    ["es cierto q sale con carla?", "pablito_gg", "carla", "question"],
    ["ele ainda ta com a larissa?", "brunao_gamer", "larissa", "question"],
    ["brunao namora a larissa faz 2 anos", "brunao_gamer", "larissa", "claim"],
    ["hat nico ne freundin?", "nico_zockt", null, "question"],
    ["ist er noch mit jana zusammen?", "nico_zockt", "jana", "question"],
    ["nicos freundin ist jana", "nico_zockt", "jana", "claim"],
    ["il a une copine?", "theo_stream", null, "question"],
    ["theo est avec manon depuis 2 ans", "theo_stream", "manon", "claim"],
    ["la copine de theo c'est manon", "theo_stream", "manon", "claim"],
  ];
  for (const [text, channel, target, type] of cases) {
    await t.step(text, () => {
      const s = detectSignals(text, { channel });
      assert.equal(s.length, 1, JSON.stringify(s));
      assert.equal(s[0]!.target, target);
      assert.equal(s[0]!.type, type);
    });
  }
  for (
    const [text, channel] of [
      ["mi novia me dice q quite el stream jaja", "pablito_gg"],
      ["estoy casado con este juego ya 2000 horas", "pablito_gg"],
      ["er zockt heute mit seinem besten freund tim", "nico_zockt"],
      ["meine freundin sagt ich soll den stream ausmachen", "nico_zockt"],
      ["il sort pas avec manon, ils sont juste potes", "theo_stream"],
      ["la hermana de xime tiene novio nuevo", "xime_plays"],
      ["a ju nao tem namorado, parem de perguntar", "juzinha_tv"],
    ] as const
  ) {
    await t.step(`nothing: ${text}`, () => assert.deepEqual(detectSignals(text, { channel }), []));
  }
});

Deno.test("detectSignals() reads the issue's classes of phrasing", async (t) => {
  const cases: [string, string[]][] = [
    // past relationships
    ["kaylee is his ex lmao", ["kaylee"]],
    ["him and kaylee broke up like last year", ["kaylee"]],
    ["he divorced carla in 2022 its public", ["carla"]],
    // names: accents, several, lead-ins, possessives, bracketed asides
    ["is she dating joaquín from the podcast", ["joaquín"]],
    ["is he seeing @anna_k or mira", ["anna_k", "mira"]],
    ["quick note for newcomers: lina is his girlfriend", ["lina"]],
    ["mira's his girlfriend??", ["mira"]],
    ["kai (her boyfriend) edits the videos", ["kai"]],
    // the @partner
    ["@mira_b are you and him still a thing", ["mira_b"]],
    ["@sienna_gg r u his gf", ["sienna_gg"]],
    // clipped forms
    ["lina = gf??", ["lina"]],
    ["him + tess official???", ["tess"]],
    ["married?? him and kai???", ["kai"]],
    ["tess is his lady", ["tess"]],
    // a guard in another clause does not veto the claim
    ["hes with sienna, the engagement rumor is fake tho", ["sienna"]],
    ["hes dating aiko but he's not moving to japan chill", ["aiko"]],
  ];
  for (const [text, want] of cases) {
    await t.step(text, () => assert.deepEqual(targets(text).sort(), [...want].sort()));
  }
  // ...but a denial that refers back, or in the same clause, still does.
  assert.deepEqual(detectSignals("he's dating sara? that's fake", CH), []);
  assert.deepEqual(detectSignals("no way he's dating sara", CH), []);
  // "he" meaning someone just named; "your gf" asked of a viewer is the viewer's own.
  assert.deepEqual(detectSignals("tomas is here with his wife lol", CH), []);
  assert.deepEqual(detectSignals("the coach brought his wife on stage", CH), []);
  assert.deepEqual(detectSignals("@modmatt ur wife watching worlds too?", CH), []);
});

Deno.test("detectSignals() reads the general mechanisms of session 4", async (t) => {
  const cases: [string, string, string[]][] = [
    // a heart or a handshake joins a clipped pair; a mark in an aside after it
    ["paco ❤️ carla?", "paco_cocina", ["carla"]],
    ["memo 🤝 ximena, ya es oficial", "futbolero_mx", ["ximena"]],
    ["rober y marta, la mejor pareja de twitch", "tio_rober", ["marta"]],
    // a past relationship: "no longer ... broke up" names the ex
    ["he's not with megan anymore, they broke up in croatia", "nomad_nate", ["megan"]],
    ["ya no esta con marta, cortaron hace dos semanas", "tio_rober", ["marta"]],
    // "in real life" in the other languages lifts the fiction guard
    ["kalle ist auch im echten leben mit sarah zusammen, nicht nur im rp", "gta_kalle", ["sarah"]],
    // a list of partners after the first
    ["nina dated tyler then jake iirc", "ninalive", ["tyler", "jake"]],
    ["er war mit der sarah und davor mit der nina zusammen", "ranked_rudi", ["sarah", "nina"]],
    // being with a named person, whatever follows but a place or an activity
    ["she's with renée the pastry chef, they soft launched", "saucy_paula", ["renée"]],
    // a shut-down after a claim settles it
    ["for newcomers: marco is her partner, stop asking", "saucy_paula", ["marco"]],
  ];
  for (const [text, channel, want] of cases) {
    await t.step(text, () => assert.deepEqual(targets(text, { channel }).sort(), [...want].sort()));
  }
  // A relative "qui" asks nothing: a claim.
  const [s] = detectSignals("ok pour les nouveaux qui demandent, anaïs est mariée avec hugo", {
    channel: "anais_chante",
  });
  assert.equal(s?.type, "claim");
  // A verb in apposition is no name.
  assert.deepEqual(targets("sage is married, her husband moderates here sometimes"), [null]);
});

Deno.test("detectSignals() reads the mechanisms of round 4", async (t) => {
  const cases: [string, string, "question" | "claim" | null, (string | null)[]][] = [
    // a nickname after an article; every regular form of a relationship verb; living together
    ["o davi ainda namora a carol?", "davizin_tv", "question", ["carol"]],
    ["namoras a carol, davi?", "davizin_tv", "question", ["carol"]],
    ["el tito y la jime ya viven juntos", "tito_gamer", "claim", ["jime"]],
    // a later clause names the partner left unnamed
    ["yes he has a gf, her name is olivia", "rex_plays", "claim", ["olivia"]],
    ["er hat eine freundin, sie heißt mona", "rex_plays", "claim", ["mona"]],
    ["il a une copine, elle s'appelle chloé", "rex_plays", "claim", ["chloé"]],
    // clipped: a slash, a pair alone asked
    ["rex/olivia c'est officiel", "rex_plays", "claim", ["olivia"]],
    ["o rex e a bia? 👀", "rex_plays", "question", ["bia"]],
    // the verb before its subject asks; a yes-or-no tag
    ["hat er ne freundin ja oder nein", "rex_plays", "question", [null]],
    // a choice or a name asked about before the question; two names as one
    ["is it olivia or mona hes dating", "rex_plays", "question", ["mona", "olivia"]],
    ["who is olivia? his gf?", "rex_plays", "question", ["olivia"]],
    ["is he back with mary jane??", "rex_plays", "question", ["mary jane"]],
    // the person addressed as the partner
    ["@olivia_x congrats on the engagement!!", "rex_plays", "claim", ["olivia_x"]],
    ["@olivia_x your man is tilted again lol", "rex_plays", "claim", ["olivia_x"]],
    ["@olivia_x take care of rex", "rex_plays", "claim", ["olivia_x"]],
    // "they" asked; a German demonstrative; a diminutive of the login; a hyphenated pronoun
    ["are they still together?", "rex_plays", "question", [null]],
    ["der ist vergeben, sorry", "rex_plays", "claim", [null]],
    ["is forky married to olivia?", "knightfork", "question", ["olivia"]],
    ["a rita separou-se do joão", "rita_portuguesa", "claim", ["joão"]],
    ["lucas dated mona before, now its olivia", "lucas_plays", "claim", ["mona", "olivia"]],
    // precision: a moderator, a common noun made of the login, a role and a thing
    ["@rex_mod congrats on the wedding!!", "rex_plays", null, []],
    ["the runner brought his wife", "splitzrunner", null, []],
    ["o zagueiro casou com a bola", "rex_plays", null, []],
  ];
  for (const [text, channel, type, want] of cases) {
    await t.step(text, () => {
      const got = detectSignals(text, { channel });
      assert.deepEqual(got.map((s) => s.target).sort(), [...want].sort());
      if (type) assert.ok(got.every((s) => s.type === type), JSON.stringify(got));
    });
  }
});

Deno.test("detectSignals() reads the mechanisms of round 10", async (t) => {
  const cases: [string, string, "question" | "claim" | null, (string | null)[]][] = [
    // the streamer, partner "of" someone named
    ["rex = polola del seba?", "rex_plays", "question", ["seba"]],
    ["léa = meuf de hugo??", "chezlea", "question", ["hugo"]],
    ["sos novia de martin?", "rex_plays", "question", ["martin"]],
    ["@paula_g ya eres la novia del rex o qué", "rex_plays", "question", ["paula_g"]],
    // what a named person is to the streamer, asked
    ["who is reina to him fr", "rex_plays", "question", ["reina"]],
    ["c'est qui chloé pour toi?", "rex_plays", "question", ["chloé"]],
    // "they": the streamer and the one a fragment just named
    ["hunter the bodybuilder? they split like 2 yrs ago", "rex_plays", "claim", ["hunter"]],
    ["grace? the one from his old vlogs? they broke up??", "rex_plays", "question", ["grace"]],
    ["rex and élodie?? are they a couple", "rex_plays", "question", ["élodie"]],
    // second persons, a pair back together or over, the streamer named last
    ["@sofia_r sales con rex?", "rex_plays", "question", ["sofia_r"]],
    ["@ines_p estás com o rex?", "rex_plays", "question", ["ines_p"]],
    ["a rex e o caio voltaram?", "rex_plays", "question", ["caio"]],
    ["rex e inés lo dejaron hace dos meses", "rex_plays", "claim", ["inés"]],
    ["rex et margaux c'est fini depuis un mois", "rex_plays", "claim", ["margaux"]],
    ["hast du ne freundin rex?", "rex_plays", "question", [null]],
    ["rex il est célib?", "rex_plays", "question", [null]],
    ["o rex tem miúda?", "rex_plays", "question", [null]],
    // a break-up denied: still together
    ["they did not break up, bea is just busy with school", "rex_plays", "claim", ["bea"]],
    ["no they're not divorced, kyle is literally on cam rn", "rex_plays", "claim", ["kyle"]],
    ["he will break up with her", "rex_plays", null, []],
    // partners in turn, with no relationship word
    ["first it was lena then chloe now priya, man gets around", "rex_plays", "claim", [
      "chloe",
      "lena",
      "priya",
    ]],
    ["erst kathi und jetzt marie lol", "rex_plays", "claim", ["kathi", "marie"]],
    ["primero fue rosa, despues luz y ahora paz", "rex_plays", "claim", ["luz", "paz", "rosa"]],
    ["first game then we eat", "rex_plays", null, []],
    // a claim that describes the partner, then names them last; a confirming "né?"
    ["su ex era la streamer de valorant esa, lupe_vlr", "sebas_tv", "claim", ["lupe_vlr"]],
    ["hes her bf, the guy who brought the raid last week, calum", "mags_tv", "claim", ["calum"]],
    ["mermão ele tá enrolado com a paty, né?", "rex_plays", "claim", ["paty"]],
    // precision: the partner of someone's brother, a fragment that names no one, splitting loot,
    // a name called after an opinion, "c'est mort"
    ["his gf is cute, kai", "rex_plays", "claim", [null]],
    ["rex et chloé ils ont rompu, c'est mort", "rex_plays", "claim", ["chloé"]],
    ["@lena are you the gf of my brother?", "rex_plays", null, []],
    ["ok weird question, are they together irl", "rex_plays", "question", [null]],
    ["gg? they split the loot", "rex_plays", null, []],
  ];
  for (const [text, channel, type, want] of cases) {
    await t.step(text, () => {
      const got = detectSignalsWith(text, { channel }, null);
      assert.deepEqual(got.map((s) => s.target).sort(), [...want].sort());
      if (type) assert.ok(got.every((s) => s.type === type), JSON.stringify(got));
    });
  }
  // The tagger never adds the person addressed where a rule read a message that does not speak
  // to them, nor a moderator.
  const sure = constantTagger(0.99);
  const asked = explainSignals("@kev_22 hat rex ne freundin?", { channel: "rex_plays" });
  assert.ok(asked.fired.every((s) => s.target !== "kev_22"), JSON.stringify(asked.fired));
  assert.deepEqual(
    detectSignalsWith("@kev_22 hat rex ne freundin?", { channel: "rex_plays" }, sure).map((s) =>
      s.target
    ),
    [null],
  );
  assert.ok(
    detectSignalsWith("@basti_mod does he have a gf?", CH, sure).every((s) =>
      s.target !== "basti_mod"
    ),
  );
});

Deno.test("detectSignals() reads the mechanisms of round 11", async (t) => {
  const cases: [string, string, "question" | "claim" | null, (string | null)[]][] = [
    // a proposal in five languages
    ["he popped the question to lena last night", "rex_plays", "claim", ["lena"]],
    ["le pidió la mano a lena", "rex_plays", "claim", ["lena"]],
    ["ele pediu a lena em casamento", "rex_plays", "claim", ["lena"]],
    ["il a demandé lena en mariage", "rex_plays", "claim", ["lena"]],
    ["er hat lena einen antrag gemacht", "rex_plays", "claim", ["lena"]],
    ["a lena é noiva dele", "rex_plays", "claim", ["lena"]],
    // back together
    ["il s'est remis avec lena", "rex_plays", "claim", ["lena"]],
    ["elle est revenue avec jonas", "rex_plays", "claim", ["jonas"]],
    ["volvió con lena", "rex_plays", "claim", ["lena"]],
    ["voltou com a lena?", "rex_plays", "question", ["lena"]],
    ["il est revenu avec des frites", "rex_plays", null, []],
    // the echo of a claim, then its denial; a question asked as one stays one
    ["dating sara? nah", "rex_plays", null, []],
    ["sale con lena? es mentira", "rex_plays", null, []],
    ["namora a lena? nada a ver", "rex_plays", null, []],
    ["il sort avec lena ? n'importe quoi", "rex_plays", null, []],
    ["er ist mit lena zusammen? quatsch", "rex_plays", null, []],
    ["did he ever date anyone from chat? no", "rex_plays", "question", [null]],
    // a question that only names someone makes them the next pronoun's antecedent
    ["and tomas? he is dating his coworker now", "rex_plays", null, []],
    ["y el nacho? sale con la prima de juan", "rex_plays", null, []],
    ["und der felix? der ist mit der ex von jonas zusammen", "rex_plays", null, []],
    // a lead-in that says whom the message is for
    ["for the new people lena is his gf", "rex_plays", "claim", ["lena"]],
    ["para los nuevos su novia es lena", "rex_plays", "claim", ["lena"]],
    ["since people keep asking lena is his gf", "rex_plays", "claim", ["lena"]],
    // a partner described as the subject, then named alone; an opinion, then a name, stays
    ["that blonde girl is his girlfriend, tara", "rex_plays", "claim", ["tara"]],
    ["la chica de rojo es su novia, lena", "rex_plays", "claim", ["lena"]],
    ["his gf is cute, kai", "rex_plays", "claim", [null]],
    // two names closed by chat filler; a word that describes before "girl"
    ["he's with mary jane now", "rex_plays", "claim", ["mary jane"]],
    ["his gf is mary jane lol", "rex_plays", "claim", ["mary jane"]],
    ["is he with yuki or the osaka girl", "rex_plays", "question", ["yuki"]],
    ["he is dating the tiktok girl", "rex_plays", "claim", [null]],
    // a partner word said of a thing
    ["his real gf is his awp", "rex_plays", null, []],
    ["the controller is his wife lol", "rex_plays", null, []],
    ["seine freundin ist die awp", "rex_plays", null, []],
    ["his gf is the girl in red", "rex_plays", "claim", [null]],
    // the streamer "=" a status; German chat's demonstrative; "if" opens a clause
    ["rex = en couple??", "rex_plays", "question", [null]],
    ["hat der ne freundin?", "rex_plays", "question", [null]],
    ["haben die schluss gemacht?", "rex_plays", "question", [null]],
    ["is the single out yet", "rex_plays", null, []],
    ["alguien sabe si está pillado", "rex_plays", "question", [null]],
    ["qqn sait si rex est pacsé", "rex_plays", "question", [null]],
    ["jonas isch mit de anaïs zäme", "jonas_zh", "claim", ["anaïs"]],
  ];
  for (const [text, channel, type, want] of cases) {
    await t.step(text, () => {
      const got = detectSignalsWith(text, { channel }, null);
      assert.deepEqual(got.map((s) => s.target).sort(), [...want].sort());
      if (type) assert.ok(got.every((s) => s.type === type), JSON.stringify(got));
    });
  }
  // The form model leaves a statement as read when the "?" closes another sentence before it.
  const sure = explainSignals("wait what? he is dating lena", CH);
  assert.deepEqual(sure.fired.map((s) => [s.type, s.target]), [["claim", "lena"]]);
});

Deno.test("detectSignals() reads the mechanisms of round 13", async (t) => {
  const cases: [string, string, "question" | "claim" | null, (string | null)[]][] = [
    // a nickname that is the plain form of a diminutive in the login, or a diminutive of it
    ["la paquita tiene novio?", "paquitita_mx", "question", [null]],
    ["o joão tem namorada?", "joaozinho_br", "question", [null]],
    ["is robbo still with kate", "fatrobb_tv", "question", ["kate"]],
    ["the single player is goated", "mirelle_sings", null, []],
    // slang for a partner, and diminutives of the partner words; their other senses stay apart
    ["hes got a new bird, saw her on his story", "gav_plays", "claim", [null]],
    ["angry birds speedrun next", "gav_plays", null, []],
    ["he's still wi jenna", "gav_plays", "claim", ["jenna"]],
    ["she has a novio now", "ana_streams", "claim", [null]],
    ["su noviecito es pedro", "ana_streams", "claim", ["pedro"]],
    ["a namoradinha dele é a bia", "leo_joga", "claim", ["bia"]],
    ["casita nueva, que linda", "ana_streams", null, []],
    ["nelson tem dama?", "nelson_mz", "question", [null]],
    ["la dama se come al caballo", "renzo_chess", null, []],
    ["léa elle a un keum?", "lea_mrs", "question", [null]],
    // the streamer as the partner of the person addressed; their own partner is no one's target
    ["@mira is he your bf?", "kai_plays", "question", ["mira"]],
    ["@mira is your bf watching?", "kai_plays", null, []],
    // chat's tails, a doubt that is the other half of the question, initials that name no one
    ["is kai single yall", "kai_plays", "question", [null]],
    ["is kai married or is that fake", "kai_plays", "question", [null]],
    ["is kai married? thats fake", "kai_plays", null, []],
    ["sale con lena o es mentira?", "kai_plays", "question", ["lena"]],
    ["il sort avec lena ou c'est faux ?", "kai_plays", "question", ["lena"]],
    ["sale con lena? es mentira", "kai_plays", null, []],
    ["kiki ist mit dem bvb verheiratet", "kiki_fc", null, []],
    ["kai x mira irl??", "kai_plays", "question", ["mira"]],
    // indirect questions: German verb-final after "ob", "explain if"
    ["weiß jemand ob kai vergeben ist", "kai_plays", "question", [null]],
    ["alguien me explica si kai sigue con lena", "kai_plays", "question", ["lena"]],
    // after "he" as written, the next word is his verb, not someone "his" could mean
    ["old timer here, he met his wife at a lan in 2014", "kai_plays", "claim", [null]],
    ["le gars derrière avec sa go ils s'engueulent", "kai_plays", null, []],
    // how a wedding was done; "rp" in a login is the role-play server, not the streamer
    ["o kai casou escondido", "kai_plays", "claim", [null]],
    ["no rp o dudu casou com a filha do prefeito", "cidade_rp_dudu", null, []],
  ];
  for (const [text, channel, type, want] of cases) {
    await t.step(text, () => {
      const got = detectSignalsWith(text, { channel }, null);
      assert.deepEqual(got.map((s) => s.target).sort(), [...want].sort());
      if (type) assert.ok(got.every((s) => s.type === type), JSON.stringify(got));
    });
  }
  // explain says why a word chat derives from the login is the streamer.
  const e = explainSignals("la gocha tiene su jevita", { channel: "gochita_vzla" });
  assert.ok(
    e.steps.some((s) => s.startsWith("streamer:") && s.includes("gochita")),
    e.steps.join("\n"),
  );
});

Deno.test("detectSignals() asks the n-gram second opinion only where no rule matched", () => {
  const e = explainSignals("bro got a gf fr?? who is she", CH);
  assert.ok(e.steps.some((s) => s.includes("second opinion")) || e.fired.length > 0);
  // A guard that stopped a rule silences the model: the denial stands.
  const d = explainSignals("he does not have a girlfriend", CH);
  assert.deepEqual(d.fired, []);
  assert.ok(d.steps.some((s) => s.includes("second opinion: not asked")), d.steps.join("\n"));
  // Without a model, the rules alone.
  assert.deepEqual(detectSignalsWith("gg wp", CH, null), []);
});

/** The shipped second opinion with a tagger that gives every candidate probability `p`. */
function constantTagger(p: number, alone = 0) {
  const bias = Math.log(p / (1 - p));
  return {
    ...shippedSecondOpinion(),
    targets: {
      model: { w: new Float32Array(TAGGER_BUCKETS), bias },
      add: 0.7,
      drop: 0.2,
      alone,
      overrule: 0.9,
    },
  };
}

Deno.test("the target tagger overrules a guard of the words' sense when sure, never a negation", () => {
  const text = "shes with haru_desu, their collab chemistry is too real";
  const ch = { channel: "kitsune_aoi" };
  // At 0.8 the "collab" guard (other-sense) stands for the name (the n-gram model, sure the
  // message states a relationship, may still speak without one); the shipped tagger, sure of
  // haru_desu (and of no other word), overrules it.
  assert.deepEqual(detectSignalsWith(text, ch, constantTagger(0.8)).map((s) => s.target), [null]);
  const e = explainSignals(text, ch);
  assert.deepEqual(e.fired.map((s) => [s.type, s.target, s.rule]), [
    ["claim", "haru_desu", "target-tagger"],
  ]);
  assert.ok(e.steps.some((x) => x.includes("at 0.9 it overrules")), e.steps.join("\n"));
  // A negation, a denial or the person addressed judge whether and of whom: they stand.
  assert.deepEqual(detectSignalsWith("he's not dating sara", CH, constantTagger(0.99)), []);
  assert.deepEqual(
    detectSignalsWith("stop asking if he's dating sara", CH, constantTagger(0.99)),
    [],
  );
  assert.deepEqual(
    detectSignalsWith(
      "@jess_fan are you dating anyone",
      { channel: "bigtoast" },
      constantTagger(0.99),
    ),
    [],
  );
});

Deno.test("the target tagger adds a likely partner the rules missed, with its score in explain", () => {
  const sure = constantTagger(0.9);
  // The rules name sara; the tagger adds mira, with the rules' type.
  const both = detectSignalsWith("is he dating sara? mira maybe", CH, sure);
  assert.deepEqual(both.map((s) => [s.type, s.target]).sort(), [
    ["question", "mira"],
    ["question", "sara"],
  ]);
  assert.equal(both.find((s) => s.target === "mira")?.rule, "target-tagger");
  // With the shipped model: Portuguese "tá com o dudu" that no rule reads.
  const e = explainSignals("a mari tá com o dudu?", { channel: "mari_jogando" });
  assert.deepEqual(e.fired.map((s) => [s.type, s.target, s.rule]), [
    ["question", "dudu", "target-tagger"],
  ]);
  assert.ok(
    e.steps.some((s) => /^target tagger: adds dudu \(0\.\d\d >= 0\.7\)/.test(s)),
    e.steps.join("\n"),
  );
  // A guard that stopped a rule silences the tagger too: the denial stands.
  assert.deepEqual(detectSignalsWith("he's not dating sara", CH, sure), []);
});

/** The shipped models with a form model of constant `p`, and n-gram models that find asking `asks` as likely as stating. */
function constantForm(p: number, asks = 1) {
  const logit = (x: number) => Math.log(x / (1 - x));
  const constant = (x: number) => ({ w: new Float32Array(BUCKETS), bias: logit(x) });
  return {
    ...shippedSecondOpinion(),
    asked: constant(0.5 * asks),
    claim: constant(0.5),
    form: { model: constant(p), ask: 0.5 },
  };
}

Deno.test("the form model turns a claim into a question unless a rule read the form firmly", () => {
  const asks = constantForm(0.9);
  // "he has a gf" with no "?": the rules read a statement by default; the form model decides.
  assert.deepEqual(detectSignalsWith("he has a gf", CH, asks).map((s) => s.type), ["question"]);
  assert.deepEqual(detectSignalsWith("he has a gf", CH, constantForm(0.1)).map((s) => s.type), [
    "claim",
  ]);
  // ...and only when the n-gram models find asking at least as likely as stating.
  const doubt = explainSignals("he has a gf", CH, constantForm(0.9, 0.5));
  assert.deepEqual(doubt.fired.map((s) => s.type), ["claim"]);
  assert.ok(doubt.steps.some((x) => x.includes("the type stays")), doubt.steps.join("\n"));
  // A confirming tag or a surprised "now??" is read firmly by the rules: the claim stays.
  const tagged = explainSignals("lauri tiene novio verdad?", { channel: "lauriita_asmr" }, asks);
  assert.deepEqual(tagged.fired.map((s) => s.type), ["claim"]);
  assert.ok(
    tagged.steps.some((x) => x.includes("a rule read the form firmly")),
    tagged.steps.join("\n"),
  );
  assert.deepEqual(detectSignalsWith("hes dating sara now??", CH, asks).map((s) => s.type), [
    "claim",
  ]);
  // With the shipped model: a tag the rules do not know ("o sigue single") asks.
  const e = explainSignals("ferchu tiene gf o sigue single", { channel: "ferchu_lol" });
  assert.deepEqual(e.fired.map((s) => s.type), ["question"]);
  assert.ok(e.steps.some((x) => /^form model: .* -> question$/.test(x)), e.steps.join("\n"));
});

Deno.test("the target tagger takes back a target it finds unlikely; the signal stays", () => {
  const doubt = constantTagger(0.1);
  const s = detectSignalsWith("he is dating sara", CH, doubt);
  assert.deepEqual(s.map((x) => [x.type, x.target]), [["claim", null]]);
  const e = explainSignals("he is dating sara", CH, doubt);
  assert.ok(e.steps.some((x) => x.includes("takes back sara (0.10 < 0.2)")), e.steps.join("\n"));
  // A name a rule read in a question stays.
  assert.deepEqual(detectSignalsWith("is he dating sara?", CH, doubt).map((x) => x.target), [
    "sara",
  ]);
  // ...unless the n-gram model finds the message neither asks nor states: then it goes too.
  const silent = { w: new Float32Array(BUCKETS), bias: -9 };
  const deaf = { ...constantTagger(0.1, 0.3), asked: silent, claim: silent };
  const gone = explainSignals("he is dating sara", CH, deaf);
  assert.deepEqual(gone.fired, []);
  assert.ok(
    gone.steps.some((x) => x.includes("the signal goes with its target")),
    gone.steps.join("\n"),
  );
  // A target the canonical form translated ("safe" read as "sure") is not written: taken back.
  const safe = explainSignals("die ist safe seine gf", { channel: "lukas_zockt" });
  assert.deepEqual(safe.fired.map((x) => x.target), [null]);
  assert.ok(
    safe.steps.some((x) => x.includes("takes back sure (not written")),
    safe.steps.join("\n"),
  );
  // Where no rule fired, the tagger adds only when the n-gram model finds the message on topic.
  const offTopic = detectSignalsWith("gg mira and sara carried", CH, constantTagger(0.9, 0.99));
  assert.deepEqual(offTopic, []);
});

Deno.test("signals explain names the guard bound to the clause", () => {
  const e = explainSignals("he's dating sara, but he is not streaming tomorrow", CH);
  assert.deepEqual(e.fired.map((s) => s.target), ["sara"]);
  const d = explainSignals("he's married? no he isnt", CH);
  assert.deepEqual(d.fired, []);
  assert.ok(d.steps.some((s) => s.includes("guard denial")), d.steps.join("\n"));
});

/** The dev sets: every labelled file in tests/data/. */
async function devSets(): Promise<Labelled[]> {
  const dir = new URL("../data/", import.meta.url);
  const out: Labelled[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (/^signals_.*\.jsonl$/.test(e.name)) out.push(...await loadLabelled(new URL(e.name, dir)));
  }
  return out;
}

// Floors under the figures on the dev sets, blind sets 1 to 6 folded in
// (`deno run -A bench/signals_eval.ts --no-cost --set tests/data/`): a change that loses ground
// on any language fails here. Measured at (targets P/R, asked P/R) after round 5 with blind set 6
// folded in unfitted (session 6): en .964/.888 .982/.941, es .956/.889 .969/.940, pt .959/.879
// .968/.904, de .943/.868 .994/.929, fr .978/.893 .956/.910. Round 5 fitted to blind sets 1-5
// alone measured en .972/.914 .982/.946, es .963/.892 .985/.917, pt .966/.867 .985/.924,
// de .980/.858 .993/.918, fr .980/.898 .971/.924: the floors went down only because blind set 6
// joined, not because a rule lost ground. The first-shot figures on every blind set are in
// tests/data/LABELLING.md: these floors guard against regressions, they are not the result.
//
// Session 7 added the target tagger (src/analysis/signals/target_tagger.ts), which takes back
// targets it finds unlikely and names partners the rules missed; its weights are trained on these
// same sets, so these are fitted figures too (with the n-gram model reading the canonical
// words as well): en .983/.934 .984/.952, es .976/.911 .975/.952, pt .992/.951 .969/.934, de
// .976/.929 1.000/.940, fr 1.000/.909 .968/.916. The floors rose with them. What the tagger adds on chat it never saw is measured writer by writer by
// bench/signals_cv.ts.
//
// Then blind set 7 was measured once (first shot in tests/data/LABELLING.md) and folded in; the
// models were retrained on it (the weights test requires it), the rules were not changed for
// it: en .982/.918 .984/.945, es .982/.915 .967/.936, pt .989/.949 .966/.924, de .975/.926
// 1.000/.936, fr .992/.908 .971/.892. Four recall floors went down (en targets .93 -> .91,
// es/pt/fr asked .94/.93/.91 -> .93/.92/.89) only because its lines joined unfitted.
//
// Session 8 added the form model (a claim no rule read firmly becomes a question when the
// message asks) and let the learned parts overrule the guards of the words' sense; the rules
// did not change: en .983/.930 .984/.960, es .983/.931 .968/.957, pt .989/.953 .967/.957,
// de .975/.933 1.000/.947, fr .992/.912 .972/.924. The recall floors rose with them.
//
// Then blind set 8 was measured once (first shot in tests/data/LABELLING.md) and folded in; the
// models were retrained on it, the rules were not changed for it: en .981/.927 .982/.949,
// es .988/.938 .971/.938, pt .987/.945 .966/.938, de .972/.936 1.000/.948, fr .983/.901
// .964/.909. Seven floors went down (en asked R .95 -> .94, es .95 -> .93, pt targets R and
// asked R .95 -> .94 and .93, fr targets P .99 -> .98, targets R .91 -> .90, asked P .97 -> .96,
// asked R .92 -> .90) only because its 920 lines joined unfitted.
//
// Round 8 changed rules for causes found in blind set 8, then blind set 9 was measured once and
// folded in the same way: en .983/.919 .982/.957, es .991/.908 .974/.925, pt .983/.929
// .969/.928, de .977/.932 .996/.933, fr .988/.898 .969/.924. Six recall floors went down (en
// targets .92 -> .91, es targets .92 -> .90 and asked .93 -> .92, pt targets .94 -> .92 and
// asked .93 -> .92, de asked .94 -> .93, fr targets .90 -> .89) only because its lines joined.
//
// Session 9 (no rule fitted to lines; the pre-filter holds every lexicon word, a nickname the
// login holds, models retrained): en .983/.920 .981/.957, es .989/.918 .974/.929, pt
// .983/.938 .969/.932, de .975/.940 .996/.933, fr .988/.924 .969/.928. Three targets recall
// floors rose (es .90 -> .91, pt .92 -> .93, fr .89 -> .91). Then the tagger stopped taking
// back names rules read in questions (held out writer by writer it was wrong there 17 times in
// 25: bench/signals_cv.ts targets R .876 -> .883, P .958 -> .955). On these lines, which the
// shipped tagger was trained on, its take-backs were right, so only precision moves here: en
// targets P .983 -> .979 and asked P .981 -> .978, fr targets P .988 -> .970 and asked P
// .969 -> .957; those four floors went down by .01 for it.
//
// Then blind set 10 was measured once (first shot in tests/data/LABELLING.md) and folded in; the
// models were retrained on it, the rules were not changed for it: en .979/.926 .979/.955, es
// .982/.915 .968/.925, pt .976/.932 .972/.927, de .966/.935 .996/.931, fr .970/.919 .953/.924.
// Three targets precision floors went down (pt .98 -> .97, de .97 -> .96, fr .97 -> .96: fr is
// .9699) only because its 920 lines joined unfitted.
//
// Session 10 (round 10: general mechanisms, no rule fitted to a line: the streamer partner "of"
// someone named, "who is X to him", "they" as the pair a fragment names, a break-up denied,
// partners in turn with no relationship word, a claim that names the partner it described last, the
// person addressed never added by the tagger where a rule read a message that does not speak to
// them, second persons and "back together" in es/pt; models retrained): en .979/.937 .979/.958, es
// .977/.942 .969/.940, pt .977/.955 .980/.962, de .967/.947 .996/.935, fr .968/.932 .965/.943. The
// es targets precision floor went down (.98 -> .97: 9 wrong pairs for 7, among them "su jevo es
// josé ángel" now read by its first word only, and two names of things the retrained tagger no
// longer takes back, "casado con la jett"); held out writer by writer (bench/signals_cv.ts) es
// targets P moved .963 -> .961 with R .872 -> .903. Recall floors rose with the round (en targets
// .91 -> .92 and asked .94 -> .95, es targets .91 -> .93 and asked .92 -> .93, pt targets .93 ->
// .94 and asked .92 -> .95, de targets .93 -> .94, fr targets .91 -> .92 and asked .90 -> .93), and
// two asked precision floors (pt .96 -> .97, fr .95 -> .96).
//
// Session 11 (round 11: general mechanisms for blind set 11's recurring misses, no rule lifted from
// a line: proposals and "back together" in five languages, the echo of a claim denied after its
// "?", a question that only names someone as the next pronoun's antecedent, lead-ins without a
// colon, a described partner named last, two names closed by chat filler, partner words said of
// things, German chat's demonstrative as the subject; models retrained): en .980/.935 .980/.959,
// es .990/.939 .973/.947, pt .979/.955 .977/.958, de .979/.952 .996/.950, fr .978/.935 .973/.954.
// Floors rose: en targets R .92 -> .93, es targets P .97 -> .98 and asked R .93 -> .94, pt targets
// R .94 -> .95, de targets P .96 -> .97 and asked R .93 -> .94, fr targets P .96 -> .97, targets R
// .92 -> .93 and asked R .93 -> .94.
// Then blind set 12 was measured once on round 11 (first shot in tests/data/LABELLING.md) and
// folded in; the models were retrained on every set (deno run -A scripts/train_signals_ngram.ts):
// en .977/.925 .979/.958, es .988/.932 .975/.944, pt .979/.922 .978/.950, de .969/.925 .989/.929,
// fr .976/.924 .971/.9399. Eight floors went down because the set joined (its dialect German,
// Saxon "dor" taken as a name, and the lead-ins and multi-name lines the rules miss), not because
// a rule lost ground: en targets R .93 -> .92, pt targets R .95 -> .92, de targets P
// .97 -> .96, targets R .94 -> .92, asked P .99 -> .98 and asked R .94 -> .92, fr targets R .93 -> .92
// and asked R .94 -> .93.
// Session 12 (issue 13's round 12: dialect function words, reported clauses, French dislocated
// subjects, "others say", a guessed nickname kept when the n-gram model agrees; models retrained):
// en .977/.935 .978/.963, es .986/.941 .975/.954, pt .986/.935 .978/.957, de .972/.946 .989/.950,
// fr .974/.935 .971/.954. Floors rose: en targets R .92 -> .93 and asked R .95 -> .96, es targets
// R .93 -> .94 and asked R .94 -> .95, pt targets P .97 -> .98 and R .92 -> .93, de targets P
// .96 -> .97, targets R .92 -> .94 and asked R .92 -> .94, fr targets R .92 -> .93 and asked R
// .93 -> .95.
// Then blind set 13 was measured once on round 12 (first shot in tests/data/LABELLING.md) and
// folded in; the models were retrained on every set (12,953 lines): en .979/.923 .977/.954, es
// .983/.938 .968/.962, pt .983/.923 .977/.945, de .970/.936 .990/.942, fr .973/.910 .974/.951.
// Seven floors went down because the set joined (the lead-ins, multi-name lines, questions and
// French lines the rules miss on it), not because a rule lost ground: en targets R .93 -> .92 and
// asked R .96 -> .95, es targets R .94 -> .93, pt targets R .93 -> .92 and asked R .95 -> .94, de
// targets R .94 -> .93, fr targets R .93 -> .91.
// Session 13 (issue 13's round 13: nicknames that are diminutives of the login, slang for a
// partner per language and the diminutives of the partner words, Scots/Kölsch/Swabian function
// words, the streamer as the partner of the person addressed, German verb-final clauses, a doubt
// that is the other half of a question; models retrained): en .976/.936 .977/.962, es .981/.944
// .971/.962, pt .985/.943 .977/.971, de .972/.948 .990/.951, fr .974/.929 .974/.958. Floors rose:
// en targets R .92 -> .93, es targets R .93 -> .94, pt targets R .92 -> .93 and asked R .94 ->
// .96, de targets R .93 -> .94, fr targets R .91 -> .92 (en, de and fr asked R rose by less than
// the one line of margin a floor keeps, so theirs stay).
// Session 13, blind set 14 folded in (920 lines; first shot on round 13: targets P .935 / R .643,
// asked P .966 / R .683, most misses naming the streamer by a nickname nothing in the login
// gives), models retrained on 13,873 lines: en .976/.926 .977/.958, es .978/.923 .970/.941, pt
// .982/.931 .975/.958, de .972/.939 .994/.937, fr .973/.913 .972/.940. Nine floors went down
// because the set joined, not because a rule lost ground: en targets R .93 -> .92, es targets P
// .98 -> .97, targets R .94 -> .92 and asked R .95 -> .94, pt asked R .96 -> .95, de targets R
// .94 -> .93 and asked R .94 -> .93, fr targets R .92 -> .91 and asked R .95 -> .93 (.940 is
// .9398, under .94).
const FLOORS: Record<string, { tp: number; tr: number; ap: number; ar: number }> = {
  en: { tp: 0.97, tr: 0.92, ap: 0.97, ar: 0.95 },
  es: { tp: 0.97, tr: 0.92, ap: 0.96, ar: 0.94 },
  pt: { tp: 0.98, tr: 0.93, ap: 0.97, ar: 0.95 },
  de: { tp: 0.97, tr: 0.93, ap: 0.98, ar: 0.93 },
  fr: { tp: 0.97, tr: 0.91, ap: 0.96, ar: 0.93 },
};
Deno.test("detectSignals() holds its fitted figures on the dev sets, per language", async (t) => {
  const lines = await devSets();
  assert.ok(lines.length >= 1500, `${lines.length} labelled lines`);
  const negatives = lines.filter((l) => !l.asked && l.claim !== true).length;
  assert.ok(negatives * 3 >= lines.length, `${negatives} negatives`);
  const r = evaluateSet(lines);
  for (const [lang, f] of Object.entries(FLOORS)) {
    await t.step(lang, () => {
      const s = r.byLang.get(lang);
      assert.ok(s, `no ${lang} lines`);
      const why = r.errors.filter((e) => e.includes(`[${lang}/`)).join("\n");
      assert.ok(s.targets.precision >= f.tp, `targets P ${s.targets.precision}\n${why}`);
      assert.ok(s.targets.recall >= f.tr, `targets R ${s.targets.recall}\n${why}`);
      assert.ok(s.asked.precision >= f.ap, `asked P ${s.asked.precision}\n${why}`);
      assert.ok(s.asked.recall >= f.ar, `asked R ${s.asked.recall}\n${why}`);
    });
  }
});
