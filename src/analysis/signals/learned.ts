/**
 * Step 7 of the relationship-signal analyzer: the learned parts after the rules.
 *
 * - The target tagger (`target_tagger.ts`) scores each word that could name a person. A target
 *   the rules named in a claim that the tagger finds very unlikely is taken back: the signal stays without
 *   it, unless the n-gram model finds the message neither asks nor states (under the tagger's
 *   `alone`), then the signal goes too. A candidate the tagger finds likely that the rules did
 *   not name is added, with the type of the rules' signal, or where no rule fired, the type the
 *   n-gram model finds likelier (and only when that model finds the message asks or states at
 *   least at `alone`). Where a guard stopped a rule and nothing fired, it adds nothing, unless
 *   only guards of the words' sense ({@link SENSE_GUARDS}) stopped and it is sure (`overrule`).
 * - Where the rules or the tagger fired a claim and no rule read the message's form firmly
 *   (a question, or a "?" that a tag or a surprise makes a statement), the form model (learned
 *   from every writer: does a message that speaks of the relationship ask or state?) makes it
 *   a question when it finds the message asks ("ferchu tiene gf o sigue single") and the
 *   n-gram model finds asking at least as likely as stating.
 * - Where still nothing fired, the n-gram model (`ngram_model.ts`) may add a question or a
 *   claim without a target when it is sure (`threshold`; where only guards of the words' sense
 *   stopped a rule, surer: `overrule`; where another guard stopped one, never).
 *
 * Every decision is written to the trace with the model and its score.
 *
 * @module
 */
import type { Signal } from "../../schemas.ts";
import { features, probability, type SecondOpinion, type TaggerOpinion } from "./ngram_model.ts";
import { snippetAround } from "./snippet.ts";
import type { Run } from "./target.ts";
import {
  type Candidate,
  candidateFeatures,
  candidates,
  targetProbability,
  wordsOf,
} from "./target_tagger.ts";
import { REL_WORDS } from "./vocabulary.ts";
import { sentenceSpan } from "./clauses.ts";
import { STAFF_LOGIN } from "./guards_who.ts";

/** A signal and where in the canonical text it was found. */
export interface Found {
  at: number;
  signal: Signal;
  /** A rule read the message's form firmly (see `Match.formFirm`); the form model defers. */
  formFirm?: boolean;
}

/**
 * The guards that judge the sense of the words around a match (the relationship word meant
 * otherwise: "with" as company, a game's story, an ad; a clipped form without its mark; the
 * word in the slot no name; a pair the pair rules read): what the learned parts judge from the
 * words too, so where only these stopped rule matches, a candidate the tagger is very sure of,
 * or a message the n-gram model is very sure of, may overrule them. The others (a negation, a
 * denial, a hypothetical, someone else as the one meant, a relative or friend as the subject,
 * the person addressed, the speaker) judge whether and of whom the message speaks, which the
 * learned parts do not see: they stand.
 */
export const SENSE_GUARDS: ReadonlySet<string> = new Set([
  "other-sense",
  "clipped",
  "fiction",
  "sponsor",
  "no-name",
  "pair",
]);

/** The rule matches guards stopped: all of them, and those by a guard not in {@link SENSE_GUARDS}. */
export interface Stopped {
  n: number;
  firm: number;
}

/** Applies the learned parts to what the rules `found` in `run` (in place). */
export function applyLearned(
  run: Run,
  found: Found[],
  stopped: Stopped,
  model: SecondOpinion,
  trace: string[] | null,
): void {
  if (model.targets) tagTargets(run, found, stopped, model, model.targets, trace);
  if (found.length > 0) {
    if (model.form) retype(run, found, model, trace);
    return;
  }
  if (stopped.firm > 0) {
    trace?.push("second opinion: not asked, a guard of whether or of whom stopped a rule match");
    return;
  }
  const o = scoresOf(run, model);
  const type = o.asked >= o.claim ? "question" : "claim";
  const p = Math.max(o.asked, o.claim);
  // Where a guard of the words' sense stopped a rule, the model must be surer to overrule it.
  const threshold = stopped.n > 0 ? model.overrule ?? Infinity : model.threshold;
  const said = `second opinion (n-gram model): P(asks) ${o.asked.toFixed(2)}, ` +
    `P(states) ${o.claim.toFixed(2)}, threshold ${threshold}` +
    (stopped.n > 0 ? " (a guard of the words' sense stopped a rule)" : "");
  if (p < threshold) {
    trace?.push(`${said}: below, nothing`);
    return;
  }
  trace?.push(`${said} -> ${type}, no target`);
  const pieces = run.canon.pieces;
  const at = pieces.find((x) => REL_WORDS.has(x.w) && x.raw !== "") ?? pieces[0]!;
  found.push({
    at: 0,
    signal: {
      kind: "relationship",
      type,
      target: null,
      snippet: snippetAround(run.text, at.s, at.e, 60),
      confidence: Math.round(p * 100) / 100,
      rule: "ngram-model",
    },
  });
}

/**
 * Whether the tagger may add the person addressed: not when a rule read the message, which never
 * speaks to them as "you", and made them none ("@kev is he dating anyone?" asks kev); nor when
 * their login says moderator or bot.
 */
function addressedMayBe(
  run: Run,
  found: readonly Found[],
  name: string,
  trace: string[] | null,
): boolean {
  const ruled = found.some((f) => f.signal.rule !== "ngram-model") &&
    !SECOND_PERSON.test(run.canon.text);
  if (!ruled && !STAFF_LOGIN.test(name)) return true;
  trace?.push(
    `target tagger: does not add @${name}, ` +
      (ruled
        ? "a rule read the message and the person addressed is no partner in it"
        : "a moderator or a bot"),
  );
  return false;
}

/** "you", "your": the message speaks to someone. */
const SECOND_PERSON = /(?:^| )(?:you|your|ur|u)(?= |$)/;

/** The tagger's step: takes back unlikely targets of the rules, adds likely ones they missed. */
function tagTargets(
  run: Run,
  found: Found[],
  stopped: Stopped,
  model: SecondOpinion,
  tagger: TaggerOpinion,
  trace: string[] | null,
): void {
  const cands = candidates(run);
  const words = cands.length > 0 ? wordsOf(run.canon.pieces, run.login) : null;
  const scored = cands.map((c) => ({
    c,
    p: targetProbability(tagger.model, candidateFeatures(run, c, words!)),
  }));
  if (scored.length > 0) {
    trace?.push(
      "target tagger (logistic regression): " +
        scored.map((x) => `${x.c.name} ${x.p.toFixed(2)}`).join(", ") +
        ` (adds at ${tagger.add}, takes back under ${tagger.drop})`,
    );
  }
  const named = takeBack(run, found, scored, model, tagger, trace);
  const guarded = found.length === 0 && stopped.n > 0;
  const cut = !guarded ? tagger.add : stopped.firm > 0 ? Infinity : tagger.overrule ?? Infinity;
  const add = scored.filter((x) =>
    x.p >= cut && !named.has(x.c.name) &&
    (x.c.k !== -1 || addressedMayBe(run, found, x.c.name, trace))
  );
  if (add.length === 0) {
    if (guarded && scored.some((x) => x.p >= tagger.add)) {
      trace?.push("target tagger: adds nothing, a guard stopped a rule match");
    }
    return;
  }
  if (guarded) {
    trace?.push(
      `target tagger: only guards of the words' sense stopped a rule; at ${cut} it overrules`,
    );
  }
  const type = found[0]?.signal.type ?? typeFromModel(run, model, tagger.alone, trace);
  if (type === null) return;
  for (const { c, p } of add) {
    const piece = c.k === -1 ? run.canon.pieces[0]! : run.canon.pieces[c.k]!;
    trace?.push(`target tagger: adds ${c.name} (${p.toFixed(2)} >= ${cut}) -> ${type}`);
    found.push({
      at: c.k === -1 ? 0 : run.canon.starts[c.k]!,
      signal: {
        kind: "relationship",
        type,
        target: c.name,
        snippet: snippetAround(run.text, piece.s, piece.e, 60),
        confidence: Math.round(p * 100) / 100,
        rule: "target-tagger",
      },
    });
  }
}

/**
 * Takes back the rules' targets the tagger finds under its `drop`, and any target not written
 * in the message (a word the canonical form translated: "safe" read as "sure"); returns each
 * word of the targets that stay, which the tagger does not add again ("mary jane").
 */
function takeBack(
  run: Run,
  found: Found[],
  scored: readonly { c: Candidate; p: number }[],
  model: SecondOpinion,
  tagger: TaggerOpinion,
  trace: string[] | null,
): Set<string> {
  const named = new Set<string>();
  const withdrawn = new Set<Found>();
  // The person addressed, read as the partner by a rule, stays: the rule read the sentence.
  const score = (w: string) => scored.find((s) => s.c.name === w && s.c.k !== -1)?.p;
  const written = run.text.normalize("NFC").toLowerCase();
  for (const f of found) {
    const t = f.signal.target;
    if (t === null) continue;
    const ws = t.split(" ");
    // Two names ("mary jane", "pocket jacks"): the tagger's candidates are single words, so it
    // scores the likelier; a pair a rule joined is taken back only where the n-gram model also
    // finds no relationship talk at all ("bro is married to pocket jacks KEKW").
    const each = ws.map(score).filter((x) => x !== undefined);
    let p = score(t);
    if (p === undefined && each.length > 0 && Math.max(...each) < tagger.drop) {
      p = offTopicQuiet(run, model, tagger.alone) ? Math.max(...each) : undefined;
    }
    const unwritten = ws.some((w) => !written.includes(w));
    // A name a rule read in a question stays: held out writer by writer (writers 1-18), the
    // tagger's take-backs there were wrong 17 times in 25 ("is marcus dating danielle?"), on
    // claims 34 times in 79 (bench/signals_cv.ts: targets R 0.876 -> 0.883, P 0.958 -> 0.955).
    const asked = f.signal.type === "question";
    // The tagger reads a name beside a relationship word; partners in turn ("first it was lena
    // then chloe") have none, so their names stay too.
    const kept = asked || f.signal.rule === "serial";
    if (unwritten || !kept && p !== undefined && p < tagger.drop) {
      trace?.push(
        `target tagger: takes back ${t} (` +
          (unwritten ? "not written in the message" : `${p!.toFixed(2)} < ${tagger.drop}`) + ")",
      );
      f.signal = { ...f.signal, target: null };
      // "bro is married to pocket jacks": with the name gone, the n-gram model decides whether
      // the message still speaks of a relationship at all.
      if (offTopic(run, model, tagger.alone, trace)) withdrawn.add(f);
      continue;
    }
    for (const w of ws) named.add(w);
  }
  if (withdrawn.size > 0) found.splice(0, found.length, ...found.filter((f) => !withdrawn.has(f)));
  return named;
}

let memoFeats: { run: Run; f: number[] } | null = null;

/** The n-gram features of `run`'s message, computed once for every model that reads them. */
function featuresOf(run: Run): number[] {
  if (memoFeats === null || memoFeats.run !== run) {
    memoFeats = { run, f: features(run.text, run.canon.text) };
  }
  return memoFeats.f;
}

let memo: { run: Run; model: SecondOpinion; o: { asked: number; claim: number } } | null = null;

/** The n-gram model's scores of `run`'s message, computed once for all the steps that ask. */
function scoresOf(run: Run, model: SecondOpinion): { asked: number; claim: number } {
  if (memo === null || memo.run !== run || memo.model !== model) {
    const f = featuresOf(run);
    memo = {
      run,
      model,
      o: { asked: probability(model.asked, f), claim: probability(model.claim, f) },
    };
  }
  return memo.o;
}

/**
 * The form model's step: where the rules or the tagger fired, the message's form decides
 * whether it asks or states when the form model is sure and the n-gram model finds asking at
 * least as likely as stating ("ferchu tiene gf o sigue single" asks, though a rule read
 * "tiene gf" as a claim).
 */
function retype(run: Run, found: Found[], model: SecondOpinion, trace: string[] | null): void {
  // Read first what makes the model's opinion moot: it costs nothing.
  if (found.every((f) => f.signal.type === "question")) return;
  if (found.some((f) => f.formFirm)) {
    trace?.push("form model: not asked, a rule read the form firmly");
    return;
  }
  // "wait what? he is dating lena": the "?" closes another sentence; the match's own sentence
  // states, and the model, reading the whole message, would take the "?" for its.
  const p0 = run.canon.pieces;
  const askedBefore = (at: number) => {
    if (at < 0 || at >= p0.length) return false;
    const [a, b] = sentenceSpan(run.canon, at);
    return p0[a - 1]?.w === "?" && p0[b]?.w !== "?";
  };
  // (Only a rule's `at` is a piece; the tagger's is an offset, and its finds are left as read.)
  if (found.every((f) => f.formFirm === false && askedBefore(f.at))) {
    trace?.push('form model: not asked, the "?" closes another sentence before the match');
    return;
  }
  const form = model.form!;
  const p = probability(form.model, featuresOf(run));
  const said = `form model: P(asks rather than states) ${p.toFixed(2)}`;
  if (p < form.ask) {
    trace?.push(`${said}: the type stays`);
    return;
  }
  const o = scoresOf(run, model);
  const scored = `n-gram model P(asks) ${o.asked.toFixed(2)}, P(states) ${o.claim.toFixed(2)}`;
  if (o.asked < o.claim) {
    trace?.push(`${said}, but ${scored}: the type stays`);
    return;
  }
  trace?.push(`${said} (>= ${form.ask}), ${scored} -> question`);
  for (const f of found) f.signal = { ...f.signal, type: "question" };
}

/** {@link offTopic} without a trace. */
function offTopicQuiet(run: Run, model: SecondOpinion, alone: number): boolean {
  const o = scoresOf(run, model);
  return Math.max(o.asked, o.claim) < alone;
}

/** True when the n-gram model finds the message neither asks nor states at `alone`. */
function offTopic(run: Run, model: SecondOpinion, alone: number, trace: string[] | null): boolean {
  const o = scoresOf(run, model);
  const off = Math.max(o.asked, o.claim) < alone;
  trace?.push(
    `second opinion (n-gram model): P(asks) ${o.asked.toFixed(2)}, P(states) ${
      o.claim.toFixed(2)
    }` + (off ? `: under ${alone}, so the signal goes with its target` : `: the signal stays`),
  );
  return off;
}

/**
 * Question or claim, as the n-gram model reads the message; null when neither reaches `alone`
 * (then the message is likely not about a relationship at all).
 */
function typeFromModel(
  run: Run,
  model: SecondOpinion,
  alone: number,
  trace: string[] | null,
): Signal["type"] | null {
  const o = scoresOf(run, model);
  const type = o.asked >= o.claim ? "question" : "claim";
  const said = `second opinion (n-gram model): P(asks) ${o.asked.toFixed(2)}, P(states) ${
    o.claim.toFixed(2)
  }`;
  if (Math.max(o.asked, o.claim) < alone) {
    trace?.push(`${said}: under ${alone}, so the target tagger adds nothing where no rule fired`);
    return null;
  }
  trace?.push(`${said} -> ${type}`);
  return type;
}
