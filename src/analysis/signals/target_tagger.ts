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
import { canonicalize, type Piece, type SignalContext } from "./canonical_form.ts";
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

/** FNV-1a of a string, all 32 bits. */
function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A feature: its kind and up to three values, mixed into {@link TAGGER_BUCKETS}. */
function feat(kind: number, a = 0, b = 0, c = 0): number {
  let h = Math.imul(kind ^ 0x811c9dc5, 16777619);
  h = Math.imul(h ^ a, 16777619);
  h = Math.imul(h ^ b, 16777619);
  h = Math.imul(h ^ c, 16777619);
  // murmur3's finalizer spreads the bits before the mask.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) & (TAGGER_BUCKETS - 1);
}

/** The kinds of feature (the first argument of {@link feat}). */
const enum K {
  Bias = 1,
  Lang,
  Question,
  Word,
  Prev1,
  Prev2,
  Next1,
  Next2,
  Prev12,
  Next12,
  PrevNext,
  PrevRaw,
  Shape,
  NoRel,
  RelDist,
  RelWordSide,
  RelWordDist,
  RelSep,
  NoStreamer,
  StreamerDist,
  StreamerSep,
  NoPronoun,
  PronounDist,
  Order,
  OrderWord,
  Negation,
  Opens,
  Closes,
  AddrOther,
  Addr,
  AddrFirst,
  AddrFirst2,
  AddrYou,
  AddrYouPrev,
  AddrYouNext,
  AddrRel,
  AddrRef,
  LoginLike,
  LoginDist,
}

/** A distance, clamped to -5..5 (5 for "far"). */
const bucket = (d: number) => (d > 4 ? 5 : d < -4 ? -5 : d);

/** The index in `at` nearest to `k` (the earlier one on a tie), or -1. */
function nearest(at: readonly number[], k: number): number {
  let best = -1;
  for (const i of at) {
    if (i === k) continue;
    if (best === -1 || Math.abs(i - k) < Math.abs(best - k)) best = i;
  }
  return best;
}

function hasPunctBetween(punct: readonly boolean[], a: number, b: number): boolean {
  for (let i = Math.min(a, b) + 1; i < Math.max(a, b); i++) if (punct[i]) return true;
  return false;
}

/** The candidate word's shape: length, mention, capitals, login characters, accents. */
function shape(p: Piece, f: number[]): void {
  const raw = p.raw.replace(/^@/, "");
  f.push(feat(K.Shape, 1, Math.min(raw.length, 9)));
  if (p.mention) f.push(feat(K.Shape, 2));
  if (/^\p{Lu}\p{Ll}/u.test(raw)) f.push(feat(K.Shape, 3));
  else if (raw.length > 1 && raw === raw.toUpperCase()) f.push(feat(K.Shape, 4));
  if (/[_\d]/.test(raw)) f.push(feat(K.Shape, 5));
  if (/[\u0080-\uffff]/.test(raw)) f.push(feat(K.Shape, 6));
}

/**
 * What the features of every candidate of one message read, computed once: the hashes of its
 * canonical words ("^" and "$" past either end), and where the relationship words, the
 * references to the streamer, the pronouns and the punctuation stand.
 */
export interface CanonWords {
  /** The hash of word `i`. */
  at(i: number): number;
  rel: number[];
  streamer: number[];
  pronoun: number[];
  punct: boolean[];
  /** Words of the channel login ({@link loginWord}). */
  login: number[];
}

/** A word of three letters or more written inside the channel login. */
function loginWord(w: string, login: string): boolean {
  return w.length >= 3 && login.includes(w) && /^\p{L}+$/u.test(w);
}

const START = strHash("^");
const END = strHash("$");

/** The {@link CanonWords} of `pieces`, read once for all the candidates of a message. */
export function wordsOf(pieces: readonly Piece[], login?: string): CanonWords {
  const hs: number[] = [];
  const out: CanonWords = {
    at: (i) => i < 0 ? START : i >= hs.length ? END : hs[i]!,
    rel: [],
    streamer: [],
    pronoun: [],
    punct: [],
    login: [],
  };
  pieces.forEach((p, i) => {
    hs.push(strHash(p.w));
    if (REL_WORDS.has(p.w) && p.w !== "and" && p.w !== "x") out.rel.push(i);
    if (p.w === "STREAMER") out.streamer.push(i);
    if (PRONOUN_REF.test(p.w)) out.pronoun.push(i);
    out.punct.push(PUNCT.test(p.w));
    if (login !== undefined && loginWord(p.w, login)) out.login.push(i);
  });
  return out;
}

/** The features of the person addressed: what the words after the @mention say. */
function addressedFeatures(pieces: readonly Piece[], h: CanonWords, f: number[]): void {
  f.push(feat(K.Addr), feat(K.AddrFirst, h.at(0)), feat(K.AddrFirst2, h.at(0), h.at(1)));
  pieces.forEach((p, i) => {
    const x = p.w;
    if (x === "you" || x === "u" || x === "your" || x === "ur") {
      f.push(feat(K.AddrYou, h.at(i)), feat(K.AddrYouPrev, h.at(i), h.at(i - 1)));
      f.push(feat(K.AddrYouNext, h.at(i), h.at(i + 1)));
    }
    if (REL_WORDS.has(x)) f.push(feat(K.AddrRel, h.at(i)));
    if (x === "STREAMER" || x === "he" || x === "she" || x === "him" || x === "her") {
      f.push(feat(K.AddrRef, h.at(i)));
    }
  });
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
export function candidateFeatures(run: Run, c: Candidate, words?: CanonWords): number[] {
  const { canon } = run;
  const pieces = canon.pieces;
  const h = words ?? wordsOf(pieces, run.login);
  const f = [feat(K.Bias), feat(K.Lang, strHash(canon.lang))];
  if (pieces.some((p) => p.w === "?")) f.push(feat(K.Question));
  if (c.k === -1) {
    addressedFeatures(pieces, h, f);
    return f;
  }
  const k = c.k;
  f.push(feat(K.Word, strHash(c.name)));
  f.push(feat(K.Prev1, h.at(k - 1)), feat(K.Prev2, h.at(k - 2)));
  f.push(feat(K.Next1, h.at(k + 1)), feat(K.Next2, h.at(k + 2)));
  f.push(feat(K.Prev12, h.at(k - 2), h.at(k - 1)), feat(K.Next12, h.at(k + 1), h.at(k + 2)));
  f.push(feat(K.PrevNext, h.at(k - 1), h.at(k + 1)));
  const prevRaw = pieces[k - 1]?.raw.toLowerCase() ?? "^";
  f.push(feat(K.PrevRaw, strHash(canon.lang), strHash(prevRaw)));
  shape(pieces[k]!, f);
  const rel = nearest(h.rel, k);
  if (rel === -1) f.push(feat(K.NoRel));
  else {
    const d = k - rel;
    f.push(feat(K.RelDist, bucket(d)), feat(K.RelWordSide, h.at(rel), d > 0 ? 1 : 2));
    f.push(feat(K.RelWordDist, h.at(rel), bucket(d)));
    if (hasPunctBetween(h.punct, k, rel)) f.push(feat(K.RelSep));
  }
  const st = nearest(h.streamer, k);
  if (st === -1) f.push(feat(K.NoStreamer));
  else {
    f.push(feat(K.StreamerDist, bucket(k - st)));
    if (hasPunctBetween(h.punct, k, st)) f.push(feat(K.StreamerSep));
  }
  // A word of the login ("ned" in framepixel_ned) may be the streamer named in a way the
  // rules do not know: the candidate itself, or the one nearest.
  if (run.login !== undefined) {
    if (loginWord(c.name, run.login)) f.push(feat(K.LoginLike));
    const lk = nearest(h.login, k);
    if (lk !== -1) f.push(feat(K.LoginDist, bucket(k - lk), st === -1 ? 1 : 2));
  }
  const pr = nearest(h.pronoun, k);
  f.push(pr === -1 ? feat(K.NoPronoun) : feat(K.PronounDist, bucket(k - pr), h.at(pr)));
  orderAndNegation(pieces, h, k, rel, st !== -1 ? st : pr, f);
  if (k === 0 || h.punct[k - 1]) f.push(feat(K.Opens));
  if (k === pieces.length - 1 || h.punct[k + 1]) f.push(feat(K.Closes));
  if (canon.addressed !== null) f.push(feat(K.AddrOther));
  return f;
}

/**
 * The order of the candidate (C), the relationship word (R) and the reference to the streamer
 * (S) ("CRS": "sara is his gf"), and a negation earlier in the candidate's clause.
 */
function orderAndNegation(
  pieces: readonly Piece[],
  h: CanonWords,
  k: number,
  rel: number,
  ref: number,
  f: number[],
): void {
  if (rel !== -1 && ref !== -1) {
    // C=1, R=2, S=3 in the order they stand: "CRS" is 123.
    const order = [[k, 1], [rel, 2], [ref, 3]].sort((a, b) => a[0]! - b[0]!);
    const code = order[0]![1]! * 100 + order[1]![1]! * 10 + order[2]![1]!;
    f.push(feat(K.Order, code), feat(K.OrderWord, code, h.at(rel)));
  }
  for (let i = k - 1; i >= 0 && !h.punct[i]; i--) {
    if (NEGATION.test(pieces[i]!.w)) {
      f.push(feat(K.Negation, Math.min(k - i, 4)));
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
  const login = ctx.channel.toLowerCase().replace(/^[#@]/, "");
  const run: Run = { text, canon, emotes: new Set(), wide: undefined, login };
  const gold = new Set(targets);
  const words = wordsOf(canon.pieces, login);
  return candidates(run).map((c) => ({ f: candidateFeatures(run, c, words), y: gold.has(c.name) }));
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
  overrule?: number;
  model: PackedLogistic;
}

/** The tagger from the shipped weights (read by the caller). */
export function taggerOpinion(shipped: ShippedTagger): TaggerOpinion {
  const out: TaggerOpinion = {
    model: unpack(shipped.model),
    add: shipped.add,
    drop: shipped.drop,
    alone: shipped.alone,
  };
  if (shipped.overrule !== undefined) out.overrule = shipped.overrule;
  return out;
}
