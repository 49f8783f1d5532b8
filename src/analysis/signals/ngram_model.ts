/**
 * The second opinion of the relationship-signal analyzer: two logistic regressions over hashed
 * character n-grams (3 to 5 characters of the lowercased text) and the canonical text's word
 * unigrams and bigrams, one for "asks about the
 * streamer's relationship" and one for "states it". Trained on the labelled sets by
 * `scripts/train_signals_ngram.ts` ({@link train}); the weights ship in `ngram_weights.json`
 * (int8, base64, about 90 KB), read at run time with no download.
 *
 * It names nobody and knows no guard: the analyzer asks it only where no rule even matched, and
 * it can only add a question or a claim without a target when its probability reaches the
 * threshold. `bench/signals_cv.ts` measures it writer by writer on chat it was not trained on.
 *
 * @module
 */

/** The number of hash buckets (a power of two). */
export const BUCKETS = 1 << 15;
/** The n-gram lengths. */
export const NS = [3, 4, 5] as const;

/**
 * The features of a text: bucket indices (with repeats) of the character 3- to 5-grams of its
 * lowercased form and, when given, of the word unigrams and bigrams of its canonical form
 * (`canonical_form.ts`: the languages' words unified, the streamer as `STREAMER`).
 */
export function features(text: string, canonical?: string): number[] {
  const t = ` ${text.toLowerCase().replace(/\s+/g, " ").trim()} `;
  const out: number[] = [];
  if (canonical !== undefined) wordFeatures(canonical, out);
  for (const n of NS) {
    for (let i = 0; i + n <= t.length; i++) {
      // FNV-1a over the n UTF-16 code units.
      let h = 0x811c9dc5 ^ n;
      for (let k = i; k < i + n; k++) h = Math.imul(h ^ t.charCodeAt(k), 16777619);
      out.push((h >>> 0) & (BUCKETS - 1));
    }
  }
  return out;
}

/** Word unigrams and bigrams of the canonical text (languages unified), hashed. */
function wordFeatures(canonical: string, out: number[]): void {
  const ws = canonical.split(" ");
  for (let i = 0; i < ws.length; i++) {
    out.push(hashString(`w ${ws[i]}`), hashString(`b ${ws[i - 1] ?? "^"} ${ws[i]}`));
  }
  out.push(hashString(`b ${ws[ws.length - 1]} $`));
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) & (BUCKETS - 1);
}

/** One logistic regression: weights per bucket and a bias. */
export interface Logistic {
  w: Float32Array;
  bias: number;
}

/** P(positive) for `feats` under `model`. */
export function probability(model: Logistic, feats: readonly number[]): number {
  let z = model.bias;
  for (const f of feats) z += model.w[f]!;
  return 1 / (1 + Math.exp(-z));
}

/** The shipped form: int8 weights in base64 with their scale. */
export interface PackedLogistic {
  scale: number;
  bias: number;
  weights: string;
}

/** Packs weights to int8 (about 44 KB of base64 per model at 2^15 buckets). */
export function pack(m: Logistic): PackedLogistic {
  let max = 0;
  for (const x of m.w) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  const bytes = new Uint8Array(m.w.length);
  m.w.forEach((x, i) => bytes[i] = Math.round(x / scale) & 0xff);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return { scale, bias: m.bias, weights: btoa(bin) };
}

/** Reads a model written by {@link pack}. */
export function unpack(p: PackedLogistic): Logistic {
  const bin = atob(p.weights);
  const w = new Float32Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    const b = bin.charCodeAt(i);
    w[i] = (b > 127 ? b - 256 : b) * p.scale;
  }
  return { w, bias: p.bias };
}

/**
 * The learned target tagger (`target_tagger.ts`) and its cuts: a candidate at or above
 * `add` is named as a partner the rules missed; a target the rules named whose probability is
 * under `drop` is taken back. Where no rule fired, a candidate is added only when the n-gram
 * model finds the message asks or states at least at `alone`; a signal whose target was taken
 * back goes too when the n-gram model finds the message neither asks nor states at `alone`.
 */
export interface TaggerOpinion {
  model: Logistic;
  add: number;
  drop: number;
  alone: number;
  /**
   * Where nothing fired and only guards of the words' sense stopped rule matches
   * (`learned.ts`), a candidate at or above `overrule` is still named (as where no rule fired);
   * absent, the guards stand.
   */
  overrule?: number;
}

/**
 * The form model and its cut: trained only on messages that ask or state something of the
 * streamer's relationship, it gives the probability that such a message asks rather than
 * states (the interrogative form learned from every writer: auxiliaries, word order, tags).
 * Where a rule or the tagger fired a claim and no rule read the form firmly, the claim becomes
 * a question at or above `ask` when the n-gram models find asking at least as likely as stating.
 */
export interface FormOpinion {
  model: Logistic;
  ask: number;
}

/**
 * Both models, and the probability above which each one speaks (`threshold` where no rule
 * matched, `overrule` where only guards of the words' sense stopped rule matches: absent, it
 * does not speak there); the tagger and the form model when given.
 */
export interface SecondOpinion {
  asked: Logistic;
  claim: Logistic;
  threshold: number;
  overrule?: number;
  targets?: TaggerOpinion;
  form?: FormOpinion;
}

/** Training options; see {@link train}. */
export interface TrainOptions {
  /** Passes over the data (default 12). */
  epochs?: number;
  /** L2 penalty per update (default 1e-4). */
  l2?: number;
  /** The learning rate of the first pass, divided by (1 + pass) after (default 0.05). */
  rate?: number;
  /** Seed of the example order (default 7). */
  seed?: number;
  /** The number of weights (default {@link BUCKETS}). */
  buckets?: number;
}

/**
 * Trains one logistic regression by plain SGD on the logistic loss over `examples` (the
 * features of a text, and whether it is positive). Deterministic for a given seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { features, probability, train } from "./ngram_model.ts";
 * const ex = [
 *   { f: features("does he have a gf"), y: true },
 *   { f: features("gg wp"), y: false },
 * ];
 * const m = train(ex, { epochs: 20 });
 * assert.ok(probability(m, ex[0]!.f) > probability(m, ex[1]!.f));
 * ```
 */
export function train(
  examples: readonly { f: readonly number[]; y: boolean }[],
  options: TrainOptions = {},
): Logistic {
  const { epochs = 12, l2 = 1e-4, rate = 0.05 } = options;
  let seed = options.seed ?? 7;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const m: Logistic = { w: new Float32Array(options.buckets ?? BUCKETS), bias: 0 };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const r = rate / (1 + epoch);
    const order = examples.map((_, i) => i).sort(() => rnd() - 0.5);
    for (const i of order) {
      const d = examples[i]!;
      const g = probability(m, d.f) - (d.y ? 1 : 0);
      m.bias -= r * g;
      for (const f of d.f) m.w[f] = m.w[f]! - r * (g + l2 * m.w[f]!);
    }
  }
  return m;
}

/**
 * Both probabilities of `text` (with its canonical form when known): that it asks about the
 * streamer's relationship, and that it states one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scores } from "./ngram_model.ts";
 * const zero = { w: new Float32Array(1 << 15), bias: 0 };
 * assert.deepEqual(scores({ asked: zero, claim: zero, threshold: 0.9 }, "gg"), { asked: 0.5, claim: 0.5 });
 * ```
 */
export function scores(
  model: SecondOpinion,
  text: string,
  canonical?: string,
): { asked: number; claim: number } {
  const f = features(text, canonical);
  return { asked: probability(model.asked, f), claim: probability(model.claim, f) };
}

/** The shipped file's shape; the form model and its cut when trained. */
export interface ShippedWeights {
  threshold: number;
  overrule?: number;
  asked: PackedLogistic;
  claim: PackedLogistic;
  ask?: number;
  form?: PackedLogistic;
}

/** The second opinion from the shipped weights (`ngram_weights.json`, read by the caller). */
export function secondOpinion(
  shipped: ShippedWeights,
  threshold = shipped.threshold,
): SecondOpinion {
  const out: SecondOpinion = {
    asked: unpack(shipped.asked),
    claim: unpack(shipped.claim),
    threshold,
  };
  if (shipped.overrule !== undefined) out.overrule = shipped.overrule;
  if (shipped.form && shipped.ask !== undefined) {
    out.form = { model: unpack(shipped.form), ask: shipped.ask };
  }
  return out;
}

/**
 * The form model's training examples: the messages that ask or state something of the
 * streamer's relationship, positive when they ask.
 */
export function formExamples<T extends { asked: boolean; claim: boolean | null }>(
  lines: readonly T[],
  featuresOf: (line: T) => number[],
): { f: number[]; y: boolean }[] {
  return lines.filter((l) => l.asked || l.claim === true).map((l) => ({
    f: featuresOf(l),
    y: l.asked,
  }));
}
