/**
 * Trains the learned parts of the relationship-signal analyzer on the labelled sets
 * (`tests/data/signals_*.jsonl`): the n-gram second opinion (`ngram_model.ts`, written to
 * `src/analysis/signals/ngram_weights.json`) and the target tagger (`target_tagger.ts`, written
 * to `src/analysis/signals/tagger_weights.json`).
 *
 *   deno run -A scripts/train_signals_ngram.ts [--threshold 0.95] [--overrule-ngram 0.98]
 *     [--add 0.7] [--drop 0.1] [--alone 0.3] [--overrule 0.9] [--ask 0.6]
 *
 * Deterministic: a fixed seed orders the examples, so the shipped files equal a fresh run (a
 * test checks it). `bench/signals_cv.ts` measures, writer by writer, what the models add on chat
 * they were not trained on.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Labelled, loadLabelled, normTarget } from "../bench/_signals_metrics.ts";
import { features, formExamples, pack, train } from "../src/analysis/signals/ngram_model.ts";
import { canonicalize } from "../src/analysis/signals/canonical_form.ts";
import { taggerExamples, trainTagger } from "../src/analysis/signals/target_tagger.ts";

/** The cuts the shipped models speak at (chosen by `bench/signals_cv.ts`). */
export const SHIPPED_CUTS = {
  threshold: 0.95,
  overruleNgram: 0.98,
  add: 0.7,
  drop: 0.1,
  alone: 0.3,
  overrule: 0.9,
  ask: 0.6,
} as const;

/** The cuts of the learned parts (see `ngram_model.ts`). */
export interface Cuts {
  threshold: number;
  overruleNgram: number;
  add: number;
  drop: number;
  alone: number;
  overrule: number;
  ask: number;
}

/** Every labelled line of `tests/data/signals_*.jsonl`, files in name order. */
export async function labelledLines(): Promise<Labelled[]> {
  const dir = new URL("../tests/data/", import.meta.url);
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (/^signals_.*\.jsonl$/.test(e.name)) names.push(e.name);
  }
  const lines: Labelled[] = [];
  for (const n of names.sort()) lines.push(...await loadLabelled(new URL(n, dir)));
  return lines;
}

/** The contents of both weights files, trained on `lines` with the given cuts. */
export function trainWeights(
  lines: readonly Labelled[],
  cuts: Cuts = SHIPPED_CUTS,
): { ngram: string; tagger: string } {
  const feats = lines.map((l) =>
    features(l.text, canonicalize(l.text, { channel: l.channel }).text)
  );
  const asked = train(feats.map((f, i) => ({ f, y: lines[i]!.asked })));
  const claim = train(feats.map((f, i) => ({ f, y: lines[i]!.claim === true })));
  const at = new Map(lines.map((l, i) => [l, i]));
  const form = train(formExamples(lines, (l) => feats[at.get(l)!]!));
  const ngram = {
    about: "logistic regressions over char 3-5-grams and canonical word 1-2-grams, trained " +
      "on tests/data/signals_*.jsonl by scripts/train_signals_ngram.ts: asks, states, and " +
      "(the form model, on the lines that ask or state) asks rather than states",
    lines: lines.length,
    threshold: cuts.threshold,
    overrule: cuts.overruleNgram,
    ask: cuts.ask,
    asked: pack(asked),
    claim: pack(claim),
    form: pack(form),
  };
  const examples = lines.flatMap((l) =>
    taggerExamples(l.text, { channel: l.channel }, l.targets.map(normTarget))
  );
  const tagger = {
    about: "target tagger (logistic regression over hashed candidate features) trained on " +
      "tests/data/signals_*.jsonl by scripts/train_signals_ngram.ts",
    lines: lines.length,
    candidates: examples.length,
    add: cuts.add,
    drop: cuts.drop,
    alone: cuts.alone,
    overrule: cuts.overrule,
    model: pack(trainTagger(examples)),
  };
  return {
    ngram: JSON.stringify(ngram, null, 2) + "\n",
    tagger: JSON.stringify(tagger, null, 2) + "\n",
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      threshold: { type: "string", default: String(SHIPPED_CUTS.threshold) },
      "overrule-ngram": { type: "string", default: String(SHIPPED_CUTS.overruleNgram) },
      add: { type: "string", default: String(SHIPPED_CUTS.add) },
      drop: { type: "string", default: String(SHIPPED_CUTS.drop) },
      alone: { type: "string", default: String(SHIPPED_CUTS.alone) },
      overrule: { type: "string", default: String(SHIPPED_CUTS.overrule) },
      ask: { type: "string", default: String(SHIPPED_CUTS.ask) },
      out: { type: "string" },
    },
  });
  const lines = await labelledLines();
  const w = trainWeights(lines, {
    threshold: Number(values.threshold),
    overruleNgram: Number(values["overrule-ngram"]),
    add: Number(values.add),
    drop: Number(values.drop),
    alone: Number(values.alone),
    overrule: Number(values.overrule),
    ask: Number(values.ask),
  });
  const dir = values.out
    ? new URL(values.out.replace(/\/?$/, "/"), `file://${Deno.cwd()}/`)
    : new URL("../src/analysis/signals/", import.meta.url);
  await Deno.writeTextFile(new URL("ngram_weights.json", dir), w.ngram);
  await Deno.writeTextFile(new URL("tagger_weights.json", dir), w.tagger);
  console.log(
    `trained on ${lines.length} lines; wrote ${dir.pathname}ngram_weights.json (${
      (w.ngram.length / 1024).toFixed(0)
    } KB) and tagger_weights.json (${(w.tagger.length / 1024).toFixed(0)} KB)`,
  );
}
