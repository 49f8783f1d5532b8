/**
 * A second opinion for the relationship-signal rules: two logistic regressions over hashed
 * character n-grams (3 to 5 characters of the lowercased text), one for "asks about the
 * streamer's relationship" and one for "states it". Trained on the dev sets only by
 * `scripts/train_signals_ngram.ts`; the weights ship in `ngram_weights.json` (int8, base64).
 *
 * It names nobody and knows no guard: it can only add a question or a claim without a target
 * where the rules found nothing. It is not part of {@link detectSignals}; the eval scores it
 * with `--model` so that a blind set can say whether it helps.
 *
 * @module
 */

/** The number of hash buckets (a power of two). */
export const BUCKETS = 1 << 15;
/** The n-gram lengths. */
export const NS = [3, 4, 5] as const;

/** The features of a text: bucket indices (with repeats), from its lowercased form. */
export function features(text: string): number[] {
  const t = ` ${text.toLowerCase().replace(/\s+/g, " ").trim()} `;
  const out: number[] = [];
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

/** Both models, and the probability above which each one speaks. */
export interface SecondOpinion {
  asked: Logistic;
  claim: Logistic;
  threshold: number;
}

/**
 * What the second opinion says of `text`: "question", "claim" or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { opinion } from "./ngram_model.ts";
 * const zero = { w: new Float32Array(1 << 15), bias: -5 };
 * assert.equal(opinion({ asked: zero, claim: zero, threshold: 0.5 }, "gg"), null);
 * ```
 */
export function opinion(model: SecondOpinion, text: string): "question" | "claim" | null {
  const f = features(text);
  const a = probability(model.asked, f);
  const c = probability(model.claim, f);
  if (Math.max(a, c) < model.threshold) return null;
  return a >= c ? "question" : "claim";
}

/** The shipped file's shape. */
export interface ShippedWeights {
  threshold: number;
  asked: PackedLogistic;
  claim: PackedLogistic;
}

/** The second opinion from the shipped weights (`ngram_weights.json`, read by the caller). */
export function secondOpinion(
  shipped: ShippedWeights,
  threshold = shipped.threshold,
): SecondOpinion {
  return { asked: unpack(shipped.asked), claim: unpack(shipped.claim), threshold };
}
