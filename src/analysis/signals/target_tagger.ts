/**
 * The learned target tagger of the relationship-signal analyzer: for each word of a message
 * that could name a person (a candidate), a logistic regression over hashed features of its
 * shape, its neighbouring canonical words, where it stands from the relationship word and from
 * the reference to the streamer, and the message's language, gives the probability that the
 * message puts that person forward as the streamer's partner. The person addressed by a leading
 * @mention is a candidate too ("@mira_b are you and him still a thing").
 *
 * Trained on the labelled sets by `scripts/train_signals_ngram.ts` (weights shipped in
 * `tagger_weights.json`); `bench/signals_cv.ts` measures it writer by writer on chat it was not
 * trained on. The analyzer uses it to name a partner the rules missed (see `signals.ts`).
 *
 * @module
 */
import { type Canon, canonicalize, type Piece, type SignalContext } from "./canonical_form.ts";
import { mayMentionRelationship } from "./prefilter.ts";
import { checkTarget, type Run } from "./target.ts";
import { REL_WORDS } from "./vocabulary.ts";
import {
  type Logistic,
  type PackedLogistic,
  type TaggerOpinion,
  train,
  type TrainOptions,
  unpack,
} from "./ngram_model.ts";

/** The number of hash buckets of the tagger's features (a power of two). */
export const TAGGER_BUCKETS = 1 << 15;

/** A word that may name the partner: its piece (-1 for the person addressed) and its name. */
export interface Candidate {
  k: number;
  name: string;
}

const PRONOUN_REF = /^(?:he|she|his|her|him|hers|you|your|ur|u|they|them|their)$/;
const PUNCT = /^[?.,]$/;
const NAME_RAW = /^@?\p{L}[\p{L}\p{N}_]*(?:-\p{L}+)*$/u;

/**
 * The candidates of a message: each word the rules' target check reads as a name (written as
 * in the text, not a word the canonical form translated), once per name, and the person
 * addressed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { candidates } from "./target_tagger.ts";
 * const text = "is he dating sara or mira?";
 * const run = { text, canon: canonicalize(text, { channel: "kai_tv" }), emotes: new Set<string>(), wide: undefined };
 * assert.deepEqual(candidates(run).map((c) => c.name), ["sara", "mira"]);
 * ```
 */
export function candidates(run: Run): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const { canon } = run;
  if (canon.addressed !== null) {
    out.push({ k: -1, name: canon.addressed });
    seen.add(canon.addressed);
  }
  canon.pieces.forEach((p, k) => {
    if (p.w === "STREAMER" || !NAME_RAW.test(p.raw)) return;
    const raw = p.raw.toLowerCase().replace(/^@/, "").normalize("NFC");
    if (raw !== p.w.replace(/^@/, "") || seen.has(raw)) return;
    const c = checkTarget(run, k);
    if (c.kind !== "name") return;
    seen.add(raw);
    out.push({ k, name: raw });
  });
  return out;
}

/** FNV-1a of a feature's text, into {@link TAGGER_BUCKETS}. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) & (TAGGER_BUCKETS - 1);
}

const bucket = (d: number) => (d > 4 ? "far+" : d < -4 ? "far-" : String(d));

/** Nearest piece index to `k` satisfying `test`, or -1. */
function nearest(pieces: readonly Piece[], k: number, test: (p: Piece) => boolean): number {
  for (let d = 1; d < pieces.length; d++) {
    if (k - d >= 0 && test(pieces[k - d]!)) return k - d;
    if (k + d < pieces.length && test(pieces[k + d]!)) return k + d;
  }
  return -1;
}

function hasPunctBetween(pieces: readonly Piece[], a: number, b: number): boolean {
  for (let i = Math.min(a, b) + 1; i < Math.max(a, b); i++) {
    if (PUNCT.test(pieces[i]!.w)) return true;
  }
  return false;
}

function shape(p: Piece): string[] {
  const raw = p.raw.replace(/^@/, "");
  const out = [`len:${Math.min(raw.length, 9)}`];
  if (p.mention) out.push("mention");
  if (/^\p{Lu}\p{Ll}/u.test(raw)) out.push("cap");
  else if (raw.length > 1 && raw === raw.toUpperCase()) out.push("allcaps");
  if (/[_\d]/.test(raw)) out.push("login");
  if (/[\u0080-\uffff]/.test(raw)) out.push("accent");
  return out;
}

/** The features of the person addressed: what the words after the @mention say. */
function addressedFeatures(canon: Canon): string[] {
  const w = canon.pieces.map((p) => p.w);
  const out = ["ADDR", `ADDR:${w[0] ?? ""}`, `ADDR:${w[0] ?? ""}:${w[1] ?? ""}`];
  w.forEach((x, i) => {
    if (x === "you" || x === "u" || x === "your" || x === "ur") {
      out.push(`ADDR:has:${x}`, `ADDR:${x}<${w[i - 1] ?? "^"}`, `ADDR:${x}>${w[i + 1] ?? "$"}`);
    }
    if (REL_WORDS.has(x)) out.push(`ADDR:rel:${x}`);
    if (x === "STREAMER" || x === "he" || x === "she" || x === "him" || x === "her") {
      out.push(`ADDR:ref:${x}`);
    }
  });
  return out;
}

/**
 * The hashed features of candidate `c` of `run` (see {@link candidates}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalize } from "./canonical_form.ts";
 * import { candidateFeatures, candidates } from "./target_tagger.ts";
 * const text = "is he dating sara?";
 * const run = { text, canon: canonicalize(text, { channel: "kai_tv" }), emotes: new Set<string>(), wide: undefined };
 * assert.ok(candidateFeatures(run, candidates(run)[0]!).length > 10);
 * ```
 */
export function candidateFeatures(run: Run, c: Candidate): number[] {
  const { canon } = run;
  const pieces = canon.pieces;
  const f: string[] = ["bias", `lang:${canon.lang}`];
  if (pieces.some((p) => p.w === "?")) f.push("q");
  if (c.k === -1) return [...f, ...addressedFeatures(canon)].map(hash);
  const k = c.k;
  const w = (i: number) => pieces[i]?.w ?? (i < 0 ? "^" : "$");
  f.push(`w:${c.name}`);
  f.push(`p1:${w(k - 1)}`, `p2:${w(k - 2)}`, `n1:${w(k + 1)}`, `n2:${w(k + 2)}`);
  f.push(
    `p12:${w(k - 2)}_${w(k - 1)}`,
    `n12:${w(k + 1)}_${w(k + 2)}`,
    `pn:${w(k - 1)}_${w(k + 1)}`,
  );
  f.push(`pr1:${canon.lang}:${pieces[k - 1]?.raw.toLowerCase() ?? "^"}`);
  for (const s of shape(pieces[k]!)) f.push(`s:${s}`);
  const rel = nearest(pieces, k, (p) => REL_WORDS.has(p.w) && p.w !== "and" && p.w !== "x");
  if (rel === -1) f.push("norel");
  else {
    const d = k - rel;
    f.push(`dr:${bucket(d)}`, `rw:${pieces[rel]!.w}:${d > 0 ? "after" : "before"}`);
    f.push(`rwd:${pieces[rel]!.w}:${bucket(d)}`);
    if (hasPunctBetween(pieces, k, rel)) f.push("relsep");
  }
  const st = nearest(pieces, k, (p) => p.w === "STREAMER");
  if (st === -1) f.push("nostreamer");
  else {
    f.push(`ds:${bucket(k - st)}`);
    if (hasPunctBetween(pieces, k, st)) f.push("stsep");
  }
  const pr = nearest(pieces, k, (p) => PRONOUN_REF.test(p.w));
  f.push(pr === -1 ? "nopro" : `dp:${bucket(k - pr)}:${pieces[pr]!.w}`);
  orderAndNegation(pieces, k, rel, st !== -1 ? st : pr, f);
  if (k === 0 || PUNCT.test(w(k - 1))) f.push("opens");
  if (k === pieces.length - 1 || PUNCT.test(w(k + 1))) f.push("closes");
  if (canon.addressed !== null) f.push("addr-other");
  return f.map(hash);
}

/**
 * The order of the candidate (C), the relationship word (R) and the reference to the streamer
 * (S) ("CRS": "sara is his gf"), and a negation earlier in the candidate's clause.
 */
function orderAndNegation(
  pieces: readonly Piece[],
  k: number,
  rel: number,
  ref: number,
  f: string[],
) {
  if (rel !== -1 && ref !== -1) {
    const order: [number, string][] = [[k, "C"], [rel, "R"], [ref, "S"]];
    order.sort((a, b) => a[0] - b[0]);
    f.push(`ord:${order.map((o) => o[1]).join("")}`);
    f.push(`ordw:${order.map((o) => o[1] === "R" ? pieces[rel]!.w : o[1]).join("_")}`);
  }
  for (let i = k - 1; i >= 0 && !PUNCT.test(pieces[i]!.w); i--) {
    if (NEGATION.test(pieces[i]!.w)) {
      f.push(`neg:${Math.min(k - i, 4)}`);
      return;
    }
  }
}

const NEGATION = /^(?:not|no|never|nicht|pas|nao|não|isnt|wasnt|aint)$/;

/** P(the candidate is put forward as the streamer's partner) under `model`. */
export function targetProbability(model: Logistic, feats: readonly number[]): number {
  let z = model.bias;
  for (const x of feats) z += model.w[x]!;
  return 1 / (1 + Math.exp(-z));
}

/**
 * The tagger's training examples from one labelled line: each candidate's features and
 * whether it is among the line's `targets` (lowercased, no `@`). Lines the analyzer would not
 * reach the tagger with (no relationship word) give none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taggerExamples } from "./target_tagger.ts";
 * const ex = taggerExamples("is he dating sara?", { channel: "kai_tv" }, ["sara"]);
 * assert.deepEqual(ex.map((e) => e.y), [true]);
 * ```
 */
export function taggerExamples(
  text: string,
  ctx: SignalContext,
  targets: readonly string[],
): { f: number[]; y: boolean }[] {
  if (!mayMentionRelationship(text)) return [];
  const canon = canonicalize(text, ctx);
  if (!canon.pieces.some((p) => REL_WORDS.has(p.w))) return [];
  const run: Run = { text, canon, emotes: new Set(), wide: undefined };
  const gold = new Set(targets);
  return candidates(run).map((c) => ({ f: candidateFeatures(run, c), y: gold.has(c.name) }));
}

/** Trains the tagger on examples from {@link taggerExamples} (deterministic for a seed). */
export function trainTagger(
  examples: readonly { f: readonly number[]; y: boolean }[],
  options: TrainOptions = {},
): Logistic {
  return train(examples, { epochs: 30, l2: 1e-6, rate: 0.3, ...options, buckets: TAGGER_BUCKETS });
}

/** The shipped file's shape (`tagger_weights.json`). */
export interface ShippedTagger {
  add: number;
  drop: number;
  alone: number;
  model: PackedLogistic;
}

/** The tagger from the shipped weights (read by the caller). */
export function taggerOpinion(shipped: ShippedTagger): TaggerOpinion {
  return {
    model: unpack(shipped.model),
    add: shipped.add,
    drop: shipped.drop,
    alone: shipped.alone,
  };
}
