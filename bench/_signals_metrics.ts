/**
 * Scoring of the relationship-signal analyzer against labelled JSONL sets; shared by
 * `bench/signals_eval.ts` and the test that guards the figures.
 *
 * A line follows `tests/data/LABELLING.md`:
 * `{"text", "channel", "lang", "class", "asked": bool, "claim": bool, "targets": [..]}`.
 * Targets are scored per (line, target) pair; `asked` per line (predicted when a `question`
 * signal fires) and `claim` per line (predicted when a `claim` signal fires).
 *
 * @module
 */
import { detectSignals } from "../src/analysis/signals.ts";
import type { Signal } from "../src/schemas.ts";

/** One labelled chat line. */
export interface Labelled {
  text: string;
  channel: string;
  asked: boolean;
  /** Null when the file does not say (then the line counts for targets and asked only). */
  claim: boolean | null;
  targets: string[];
  /** `en`, `es`, `pt`, `de`, `fr` (`?` when the file does not say). */
  lang: string;
  /** The class of phrasing (`?` when the file does not say). */
  class: string;
  /** Where it comes from: `file:line`. */
  where: string;
}

/** Precision, recall and F1 with their counts. */
export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** The three scores of a set of lines. */
export interface SetScore {
  lines: number;
  targets: Score;
  asked: Score;
  claim: Score;
}

/** Reads a labelled JSONL file; throws naming file:line and the field on a malformed line. */
export async function loadLabelled(url: URL | string): Promise<Labelled[]> {
  const text = await Deno.readTextFile(url);
  const name = String(url).split("/").pop();
  const out: Labelled[] = [];
  text.split("\n").forEach((raw, i) => {
    if (!raw.trim()) return;
    const where = `${name}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${where}: bad JSON (${(e as Error).message})`);
    }
    const o = (v ?? {}) as Record<string, unknown>;
    const bad = (field: string, want: string) => new Error(`${where}: field ${field}: ${want}`);
    if (typeof o.text !== "string") throw bad("text", "a string");
    if (typeof o.channel !== "string") throw bad("channel", "a string");
    if (typeof o.asked !== "boolean") throw bad("asked", "true or false");
    if (o.claim !== undefined && typeof o.claim !== "boolean") throw bad("claim", "true or false");
    if (!Array.isArray(o.targets) || !o.targets.every((t) => typeof t === "string")) {
      throw bad("targets", "an array of strings");
    }
    out.push({
      text: o.text,
      channel: o.channel,
      asked: o.asked,
      claim: typeof o.claim === "boolean" ? o.claim : null,
      targets: o.targets as string[],
      lang: typeof o.lang === "string" ? o.lang : "?",
      class: typeof o.class === "string" ? o.class : "?",
      where,
    });
  });
  return out;
}

function score(tp: number, fp: number, fn: number): Score {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/** A target as the labels write it: lowercase, no `@`, NFC. */
export function normTarget(t: string): string {
  return t.normalize("NFC").toLowerCase().replace(/^@/, "");
}

interface Counts {
  n: number;
  t: [number, number, number];
  a: [number, number, number];
  c: [number, number, number];
}

const newCounts = (): Counts => ({ n: 0, t: [0, 0, 0], a: [0, 0, 0], c: [0, 0, 0] });

function toScore(c: Counts): SetScore {
  return {
    lines: c.n,
    targets: score(...c.t),
    asked: score(...c.a),
    claim: score(...c.c),
  };
}

/** What {@link evaluateSet} returns: overall, per language, per class, and each wrong line. */
export interface Evaluation extends SetScore {
  byLang: Map<string, SetScore>;
  byClass: Map<string, SetScore>;
  errors: string[];
}

/** The detector to score: by default {@link detectSignals} with the line's channel. */
export type Detector = (text: string, channel: string) => Signal[];

/** Scores the analyzer on `lines`; `errors` describes each wrong line. */
export function evaluateSet(
  lines: readonly Labelled[],
  detect: Detector = (text, channel) => detectSignals(text, { channel }),
): Evaluation {
  const all = newCounts();
  const byLang = new Map<string, Counts>();
  const byClass = new Map<string, Counts>();
  const errors: string[] = [];
  for (const l of lines) {
    const signals = detect(l.text, l.channel);
    const asked = signals.some((s) => s.type === "question");
    const claim = signals.some((s) => s.type === "claim");
    const got = new Set(signals.flatMap((s) => (s.target === null ? [] : [normTarget(s.target)])));
    const want = new Set(l.targets.map(normTarget));
    const groups = [all, getOr(byLang, l.lang), getOr(byClass, l.class)];
    const problems: string[] = [];
    const add = (f: (c: Counts) => [number, number, number], i: 0 | 1 | 2) => {
      for (const c of groups) f(c)[i]++;
    };
    for (const c of groups) c.n++;
    for (const t of got) {
      if (want.has(t)) add((c) => c.t, 0);
      else {
        add((c) => c.t, 1);
        problems.push(`wrong target ${t}`);
      }
    }
    for (const t of want) {
      if (!got.has(t)) {
        add((c) => c.t, 2);
        problems.push(`missed target ${t}`);
      }
    }
    const binary = (name: string, pred: boolean, gold: boolean, f: (c: Counts) => Counts["a"]) => {
      if (pred && gold) add(f, 0);
      else if (pred) {
        add(f, 1);
        problems.push(`false ${name} (${signals.map((s) => `${s.type}:${s.rule}`).join(",")})`);
      } else if (gold) {
        add(f, 2);
        problems.push(`missed ${name}`);
      }
    };
    binary("asked", asked, l.asked, (c) => c.a);
    if (l.claim !== null) binary("claim", claim, l.claim, (c) => c.c);
    if (problems.length) {
      errors.push(
        `${l.where} [${l.lang}/${l.class}] ${JSON.stringify(l.text)} (#${l.channel}): ${
          problems.join("; ")
        }`,
      );
    }
  }
  const map = (m: Map<string, Counts>) =>
    new Map([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, c]) => [k, toScore(c)]));
  return { ...toScore(all), byLang: map(byLang), byClass: map(byClass), errors };
}

function getOr(m: Map<string, Counts>, k: string): Counts {
  let c = m.get(k);
  if (!c) m.set(k, c = newCounts());
  return c;
}
