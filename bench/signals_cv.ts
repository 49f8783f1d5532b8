/**
 * Held-out-writer cross-validation of the relationship-signal analyzer and its learned parts
 * (the n-gram second opinion and the target tagger): the labelled sets
 * (`tests/data/signals_*.jsonl`) are grouped by writer (the `writerN` of the file name; the
 * project's own `signals_dev.jsonl` and `signals_holdout.jsonl` are one group); for each writer,
 * the models are trained on every other writer's lines and the rules alone, the rules with the
 * n-gram model, and the rules with both models are scored on that writer's lines.
 *
 * The rules themselves were written against most of these lines, so their figures here are
 * fitted figures; only the models' part is held out. The writers of `--blind` (by default those
 * of blind sets 9 and 10, which no rule was fitted to) are summed apart: there both the rules and the
 * models meet chat they never saw.
 *
 * The form model (which of asks or states a message that speaks of the relationship does) is
 * the last configuration; "all writers" sums every held-out writer.
 *
 * Run: `deno run -A bench/signals_cv.ts [--threshold 0.95] [--add 0.7] [--drop 0.1] [--alone 0.3]
 * [--ask 0.6] [--overrule 0.9] [--overrule-ngram 0.98] [--blind writer19,writer20,writer21,writer22] [--errors] [--errors-of "all writers"] [--classes]`
 *
 * @module
 */
import { benchArgs } from "./_args.ts";
import { detectSignalsWith } from "../src/analysis/signals.ts";
import {
  features,
  formExamples,
  type SecondOpinion,
  train,
} from "../src/analysis/signals/ngram_model.ts";
import { canonicalize } from "../src/analysis/signals/canonical_form.ts";
import { taggerExamples, trainTagger } from "../src/analysis/signals/target_tagger.ts";
import {
  evaluateSet,
  type Evaluation,
  type Labelled,
  loadLabelled,
  normTarget,
  type SetScore,
} from "./_signals_metrics.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    threshold: { type: "string", default: "0.95" },
    add: { type: "string", default: "0.7" },
    drop: { type: "string", default: "0.1" },
    alone: { type: "string", default: "0.3" },
    ask: { type: "string", default: "0.6" },
    overrule: { type: "string", default: "0.9" },
    "overrule-ngram": { type: "string", default: "0.98" },
    blind: { type: "string", default: "writer19,writer20,writer21,writer22" },
    errors: { type: "boolean", default: false },
    "errors-of": { type: "string", default: "blind writers" },
    classes: { type: "boolean", default: false },
  },
});
const threshold = Number(values.threshold);
const blind = new Set(values.blind!.split(","));

const dir = new URL("../tests/data/", import.meta.url);
const byWriter = new Map<string, Labelled[]>();
const names: string[] = [];
for await (const e of Deno.readDir(dir)) {
  if (/^signals_.*\.jsonl$/.test(e.name)) names.push(e.name);
}
for (const n of names.sort()) {
  const writer = /_(writer\d+)\.jsonl$/.exec(n)?.[1] ?? "project";
  const list = byWriter.get(writer) ?? [];
  list.push(...await loadLabelled(new URL(n, dir)));
  byWriter.set(writer, list);
}

/** Each writer's models, trained on every other writer's lines. */
const models = new Map<string, SecondOpinion>();
const feats = new Map<Labelled, number[]>();
const tags = new Map<Labelled, { f: number[]; y: boolean }[]>();
for (const lines of byWriter.values()) {
  for (const l of lines) {
    feats.set(l, features(l.text, canonicalize(l.text, { channel: l.channel }).text));
    tags.set(l, taggerExamples(l.text, { channel: l.channel }, l.targets.map(normTarget)));
  }
}
for (const writer of byWriter.keys()) {
  const rest = [...byWriter].filter(([w]) => w !== writer).flatMap(([, ls]) => ls);
  const asked = train(rest.map((l) => ({ f: feats.get(l)!, y: l.asked })));
  const claim = train(rest.map((l) => ({ f: feats.get(l)!, y: l.claim === true })));
  const tagger = trainTagger(rest.flatMap((l) => tags.get(l)!));
  const form = train(formExamples(rest, (l) => feats.get(l)!));
  models.set(writer, {
    asked,
    claim,
    threshold,
    overrule: Number(values["overrule-ngram"]),
    targets: {
      model: tagger,
      add: Number(values.add),
      drop: Number(values.drop),
      alone: Number(values.alone),
      overrule: Number(values.overrule),
    },
    form: { model: form, ask: Number(values.ask) },
  });
}

/** The models without the overrule of the guards of sense (as on main before session 8). */
const guardsStand = ({ overrule: _, targets, ...m }: SecondOpinion): SecondOpinion => {
  const { overrule: __, ...t } = targets!;
  return { ...m, targets: t };
};
const f = (x: number) => x.toFixed(3);
const row = (label: string, r: SetScore) =>
  `  ${label.padEnd(26)} ${String(r.lines).padStart(5)}  targets P ${f(r.targets.precision)} R ${
    f(r.targets.recall)
  }  asked P ${f(r.asked.precision)} R ${f(r.asked.recall)} (fp ${r.asked.fp} fn ${r.asked.fn})` +
  `  claim P ${f(r.claim.precision)} R ${f(r.claim.recall)} (fp ${r.claim.fp} fn ${r.claim.fn})`;

const configs: [string, (m: SecondOpinion) => SecondOpinion | null][] = [
  ["rules alone", () => null],
  [`rules + n-gram model (threshold ${threshold})`, (m) => {
    const { targets: _, form: __, ...rest } = guardsStand(m);
    return rest;
  }],
  [
    `rules + n-gram model + tagger (add ${values.add}, drop ${values.drop}, alone ${values.alone})`,
    (m) => {
      const { form: _, ...rest } = guardsStand(m);
      return rest;
    },
  ],
  [`rules + n-gram model + tagger + form model (ask ${values.ask})`, guardsStand],
  [
    `the same, and the learned parts overrule guards of sense (tagger at ${values.overrule}, ` +
    `n-gram model at ${values["overrule-ngram"]})`,
    (m) => m,
  ],
];
for (const [label, pick] of configs) {
  console.log(`${label}:`);
  const writerOf = new Map<Labelled, string>();
  for (const [w, ls] of byWriter) for (const l of ls) writerOf.set(l, w);
  const detect = (l: Labelled) => (text: string, channel: string) =>
    detectSignalsWith(text, { channel }, pick(models.get(writerOf.get(l)!)!));
  const score = (lines: Labelled[]): Evaluation => {
    const byText = new Map(lines.map((l) => [`${l.channel}\u0000${l.text}`, l]));
    return evaluateSet(lines, (t, c) => detect(byText.get(`${c}\u0000${t}`)!)(t, c));
  };
  for (const [w, lines] of byWriter) console.log(row(`held out ${w}`, score(lines)));
  const seen = [...byWriter].filter(([w]) => !blind.has(w)).flatMap(([, ls]) => ls);
  const unseen = [...byWriter].filter(([w]) => blind.has(w)).flatMap(([, ls]) => ls);
  const every = [...byWriter.values()].flat();
  for (
    const [name, lines] of [
      ["all writers", every],
      ["writers the rules saw", seen],
      ["blind writers", unseen],
    ] as const
  ) {
    const total = score(lines);
    console.log(row(name, total));
    for (const [lang, s] of total.byLang) console.log(row(`  ${lang}`, s));
    if (values.classes) { for (const [c, s] of total.byClass) console.log(row(`  ${c}`, s)); }
    if (values.errors && name === values["errors-of"]) {
      for (const e of total.errors) console.log(`    ${e}`);
    }
  }
}
