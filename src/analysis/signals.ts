/**
 * Relationship signals: does a chat message ask about or assert a romantic relationship of the
 * STREAMER (the channel's owner), and whom does it name as the partner?
 *
 * The steps, cheapest first, each in its own module under `signals/`:
 * 1. `prefilter.ts`: one pass over the raw text's characters looks for relationship stems in
 *    the languages known (a table of each word's first three characters, then the stems of
 *    that first character where one may open); about 99% of chat has none and costs that pass.
 * 2. `canonical_form.ts` (with `vocabulary.ts`): words lowercased, contractions, chat spellings
 *    and the other languages' words unified into canonical words; references to the streamer
 *    become `STREAMER`; a leading `@someone` who is addressed is set aside.
 * 3. `rules.ts`: patterns over the canonical words that tie a relationship word to a streamer
 *    reference (`is he (still) dating X`, `X is his gf`, `you and X together`...).
 * 4. `guards.ts`: named guards, run in order, that stop a match (negation and denial bound to
 *    their clause, hypotheticals, other senses of the word, fiction, sponsor reads, the
 *    speaker's own relationships, someone else as the antecedent of "he", "you" meaning the
 *    person addressed).
 * 5. `target.ts`: the named partner, lowercased without `@`; pronouns, indefinites and emotes
 *    give a signal without a target; the streamer, the speaker and the addressed never are one.
 *    `offered_names.ts` reads the names offered around the match: a list, a choice before a
 *    question, a name asked about before it, a name given in a later clause, two names as one.
 * 6. `snippet.ts`: the short phrase that carries the fact.
 * 7. When nothing fired: `streamer_alias.ts` may read a name that opens its clause as the
 *    subject of a relationship word as the streamer's nickname, and the rules run again (a
 *    reading with no partner named stands only when the n-gram model is at least 0.8 sure the
 *    message asks or states); and where still no rule even matched, `ngram_model.ts` (a
 *    character n-gram logistic regression trained on the labelled sets, shipped in
 *    `ngram_weights.json`) may add a question or a claim without a target when it is sure.
 *    `learned.ts` combines the learned parts: the target tagger names partners the rules missed
 *    and takes back unlikely ones; the form model turns a claim into a question where no rule
 *    read the message's form firmly.
 *
 * The rules favour precision: a wrong claim about a person is worse than a missed one.
 *
 * @module
 */
import type { Signal } from "../schemas.ts";
import { canonicalize, type SignalContext, withGuessedStreamer } from "./signals/canonical_form.ts";
import { evaluate } from "./signals/evaluate.ts";
import { wide } from "./signals/guards.ts";
import { mayMentionRelationship } from "./signals/prefilter.ts";
import { RULES } from "./signals/rules.ts";
import type { Run } from "./signals/target.ts";
import { GATE_WORDS, REL_WORDS } from "./signals/vocabulary.ts";
import { derivedAliasWhy, resemblesLogin } from "./signals/streamer_alias.ts";
import {
  scores,
  type SecondOpinion,
  secondOpinion,
  type ShippedWeights,
} from "./signals/ngram_model.ts";
import shipped from "./signals/ngram_weights.json" with { type: "json" };
import { applyLearned, type Found, SENSE_GUARDS, type Stopped } from "./signals/learned.ts";
import { type ShippedTagger, taggerOpinion } from "./signals/target_tagger.ts";
import shippedTagger from "./signals/tagger_weights.json" with { type: "json" };

export type { SignalContext } from "./signals/canonical_form.ts";
export { mayMentionRelationship } from "./signals/prefilter.ts";
export { snippetAround } from "./signals/snippet.ts";
export type { SecondOpinion } from "./signals/ngram_model.ts";

/** What {@link explainSignals} found: the signals, and the reasoning step by step. */
export interface Explanation {
  fired: Signal[];
  /** Human-readable: the rule, the span, the target, or which guard stopped it. */
  steps: string[];
}

const NO_EMOTES: ReadonlySet<string> = new Set();

let shippedModel: SecondOpinion | null = null;

/** The second opinion shipped with the analyzer (unpacked on first use). */
export function shippedSecondOpinion(): SecondOpinion {
  return shippedModel ??= {
    ...secondOpinion(shipped as ShippedWeights),
    targets: taggerOpinion(shippedTagger as ShippedTagger),
  };
}

function analyze(
  text: string,
  ctx: SignalContext,
  trace: string[] | null,
  model: SecondOpinion | null,
): Signal[] {
  if (!mayMentionRelationship(text)) {
    trace?.push("prefilter: no relationship word, nothing else runs");
    return [];
  }
  trace?.push("prefilter: a relationship word may be present, rules run");
  const canon = canonicalize(text, ctx);
  const present = new Set<string>();
  for (const p of canon.pieces) if (REL_WORDS.has(p.w) || GATE_WORDS.has(p.w)) present.add(p.w);
  trace?.push(`canonical (read as ${canon.lang}): ${canon.text}`);
  if (trace) {
    const login = ctx.channel.toLowerCase().replace(/^[#@]/, "");
    for (const p of canon.pieces) {
      const why = p.w === "STREAMER" ? derivedAliasWhy(p.raw, login) : null;
      if (why !== null) trace.push(`streamer: ${why}`);
    }
  }
  if (present.size === 0) {
    trace?.push('no relationship word after normalizing (e.g. "update", "data"): nothing fires');
    return [];
  }
  const run: Run = {
    text,
    canon,
    emotes: ctx.emotes?.length ? new Set(ctx.emotes.map((e) => e.toLowerCase())) : NO_EMOTES,
    wide: undefined,
    login: ctx.channel.toLowerCase().replace(/^[#@]/, ""),
  };
  if (canon.addressed !== null) {
    trace?.push(`addressed: @${canon.addressed} (so "you" means them, and they are no target)`);
  }
  const stopped: Stopped = { n: 0, firm: 0 };
  const found = runRules(run, present, trace, stopped);
  if (found.length === 0) found.push(...withNickname(run, present, trace, stopped, model));
  else if (found.every((f) => f.signal.target === null)) {
    // "el jan era novio de yari, terminaron": a rule read "terminaron" without a partner; the
    // nickname may still name one. Only what names a partner is kept, and what the nickname's
    // guards stopped does not count against the learned parts.
    const named = withNickname(run, present, trace, { n: 0, firm: 0 }, null, true);
    found.push(...named.filter((f) => f.signal.target !== null));
  }
  // The learned parts: the target tagger, the form model, then the n-gram model where nothing
  // fired. Where a guard of whether or of whom stopped a match (a negation, a denial, someone
  // else), they add nothing: the guard had a reason the models do not see; a guard of the
  // words' sense only they may overrule when sure (`learned.ts`).
  if (model !== null) applyLearned(run, found, stopped, model, trace);
  return dedupe(found);
}

/**
 * When no known reference to the streamer fired: a name used as the subject of the
 * relationship word read as the streamer's nickname ("dex x bill??" in lanparty_live's chat);
 * only a named partner counts then ("is magnus married?" may be about anyone).
 */
function withNickname(
  run: Run,
  present: ReadonlySet<string>,
  trace: string[] | null,
  stopped: Stopped,
  model: SecondOpinion | null,
  untargeted = false,
): Found[] {
  const guessed = withGuessedStreamer(run.canon);
  if (guessed === null) return [];
  trace?.push(
    `nickname: ${
      untargeted ? "what fired named no partner" : "nothing fired"
    } with the known references to the streamer, so "${guessed.guessed}" ` +
      `(a name as the subject of a relationship word) is read as the streamer: ${guessed.text}`,
  );
  // The message-wide guards read the words as written ("esse npc é casado": fiction).
  const guessedRun = { ...run, canon: guessed, wide: wide(run) };
  const found = runRules(guessedRun, present, trace, stopped);
  if (run.login !== undefined && resemblesLogin(guessed.guessed!, run.login)) {
    trace?.push(`nickname: "${guessed.guessed}" is written in the login, so it is the streamer`);
    return found;
  }
  const named = found.filter((f) => f.signal.target !== null);
  if (named.length > 0 || found.length === 0 || model === null) return named;
  // "is marcus seeing anyone now", "does lils have a partner?": with no partner named, the
  // nickname stands when the n-gram model, which reads the whole message, finds it asks or
  // states something of the relationship.
  const s = scores(model, run.text, run.canon.text);
  // (Either way: "mouha a une copine ou il est célibataire" asks what the rule read as stated;
  // the form model then decides which.)
  const agreed = Math.max(s.asked, s.claim) >= NICKNAME_AGREE ? found : [];
  trace?.push(
    `nickname: no partner named; n-gram model P(asks) ${s.asked.toFixed(2)}, P(states) ${
      s.claim.toFixed(2)
    }: ${agreed.length > 0 ? "agrees" : "does not agree"} at ${NICKNAME_AGREE}`,
  );
  return agreed;
}

/** How sure the n-gram model must be to keep a guessed nickname's signal with no partner named. */
const NICKNAME_AGREE = 0.8;

/** Runs every rule that a present relationship word allows over `run`'s canonical text. */
function runRules(
  run: Run,
  present: ReadonlySet<string>,
  trace: string[] | null,
  stopped: Stopped,
): Found[] {
  const canon = run.canon;
  const found: Found[] = [];
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
        for (const signal of out.signals) {
          found.push({ at: out.at, signal, formFirm: out.formFirm });
          if (trace) {
            const t = signal.target === null ? "no target" : `target ${signal.target}`;
            trace.push(
              `rule ${r.name}: "${span}" -> ${signal.type}, ${t}, confidence ${signal.confidence}` +
                (out.note ? ` (${out.note})` : ""),
            );
          }
        }
      } else {
        stopped.n++;
        if (!SENSE_GUARDS.has(out.guard)) stopped.firm++;
        trace?.push(`rule ${r.name}: "${span}" stopped by guard ${out.guard}: ${out.why}`);
      }
    }
  }
  if (matched === 0) {
    trace?.push(
      "no rule matched: no relationship word is tied to the streamer (he/she/you/the streamer/" +
        "their name) in a known pattern",
    );
  }
  return found;
}

/** One signal per (type, target); null targets only when nothing named anyone. */
function dedupe(found: Found[]): Signal[] {
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
 * import assert from "node:assert/strict";
 * import { detectSignals } from "./signals.ts";
 * const [s] = detectSignals("hey @mod is he still dating sara?", { channel: "example_channel" });
 * assert.equal(s?.target, "sara");
 * assert.equal(s?.type, "question");
 * assert.equal(detectSignals("¿tiene novia?", { channel: "pablito_gg" })[0]?.type, "question");
 * ```
 */
export function detectSignals(text: string, ctx: SignalContext): Signal[] {
  return analyze(text, ctx, null, shippedSecondOpinion());
}

/**
 * Like {@link detectSignals}, with a second opinion: where the rules find nothing in a message
 * that holds a relationship word, the n-gram model may add a question or a claim without a
 * target when its probability reaches its threshold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectSignalsWith } from "./signals.ts";
 * const silent = { asked: { w: new Float32Array(1 << 15), bias: -9 }, claim: { w: new Float32Array(1 << 15), bias: -9 }, threshold: 0.9 };
 * assert.equal(detectSignalsWith("gg", { channel: "x_tv" }, silent).length, 0);
 * ```
 */
export function detectSignalsWith(
  text: string,
  ctx: SignalContext,
  model: SecondOpinion | null,
): Signal[] {
  return analyze(text, ctx, null, model);
}

/**
 * Like {@link detectSignals}, with the reasoning: which rule matched which words, the target,
 * or which guard stopped it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainSignals } from "./signals.ts";
 * const e = explainSignals("he's not dating sara", { channel: "example_channel" });
 * assert.deepEqual(e.fired, []);
 * assert.ok(e.steps.some((s) => s.includes("guard negation")));
 * ```
 */
export function explainSignals(
  text: string,
  ctx: SignalContext,
  model: SecondOpinion | null = shippedSecondOpinion(),
): Explanation {
  const steps: string[] = [];
  const fired = analyze(text, ctx, steps, model);
  return { fired, steps };
}
