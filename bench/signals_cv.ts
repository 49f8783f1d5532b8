/**
 * Held-out-writer cross-validation of the relationship-signal analyzer and its n-gram second
 * opinion: the labelled sets (`tests/data/signals_*.jsonl`) are grouped by writer (the
 * `writerN` of the file name; the project's own `signals_dev.jsonl` and `signals_holdout.jsonl`
 * are one group); for each writer, the model is trained on every other writer's lines and both
 * the rules alone and the rules with the model are scored on that writer's lines. The sums over
 * the held-out writers, per language, estimate what the model adds on chat it never saw.
 *
 * The rules themselves were written against most of these lines, so their figures here are
 * fitted figures; only the model's part is held out. The first-shot blind figures in
 * `tests/data/LABELLING.md` are the honest estimate for the rules.
 *
 * Run: `deno run -A bench/signals_cv.ts [--threshold 0.9]... [--errors]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { detectSignalsWith } from "../src/analysis/signals.ts";
import { features, type SecondOpinion, train } from "../src/analysis/signals/ngram_model.ts";
import { evaluateSet, type Labelled, loadLabelled, type SetScore } from "./_signals_metrics.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    threshold: { type: "string", multiple: true },
    errors: { type: "boolean", default: false },
  },
});
const thresholds = (values.threshold?.length ? values.threshold : ["0.9"]).map(Number);

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

/** Every held-out writer's lines scored by `detect`, in one list of per-line outcomes. */
const heldOut: { writer: string; lines: Labelled[]; model: SecondOpinion["asked"][] }[] = [];
const feats = new Map<Labelled, number[]>();
for (const lines of byWriter.values()) for (const l of lines) feats.set(l, features(l.text));
for (const [writer, lines] of byWriter) {
  const rest = [...byWriter].filter(([w]) => w !== writer).flatMap(([, ls]) => ls);
  const asked = train(rest.map((l) => ({ f: feats.get(l)!, y: l.asked })));
  const claim = train(rest.map((l) => ({ f: feats.get(l)!, y: l.claim === true })));
  heldOut.push({ writer, lines, model: [asked, claim] });
}

const f = (x: number) => x.toFixed(3);
const row = (label: string, r: SetScore) =>
  `  ${label.padEnd(26)} ${String(r.lines).padStart(5)}  targets P ${f(r.targets.precision)} R ${
    f(r.targets.recall)
  }  asked P ${f(r.asked.precision)} R ${f(r.asked.recall)} (fp ${r.asked.fp} fn ${r.asked.fn})` +
  `  claim P ${f(r.claim.precision)} R ${f(r.claim.recall)} (fp ${r.claim.fp} fn ${r.claim.fn})`;

for (const threshold of [null, ...thresholds]) {
  console.log(threshold === null ? "rules alone:" : `rules + model (threshold ${threshold}):`);
  const all: Labelled[] = [];
  const perWriter: string[] = [];
  const results = heldOut.map(({ writer, lines, model }) => {
    const second: SecondOpinion | null = threshold === null
      ? null
      : { asked: model[0]!, claim: model[1]!, threshold };
    const detect = (text: string, channel: string) => detectSignalsWith(text, { channel }, second);
    all.push(...lines);
    const r = evaluateSet(lines, detect);
    perWriter.push(row(`held out ${writer}`, r));
    return { lines, detect };
  });
  // The sum over writers: each line scored by the model that did not see its writer.
  const byLine = new Map<string, (t: string, c: string) => ReturnType<typeof detectSignalsWith>>();
  for (const { lines, detect } of results) {
    for (const l of lines) byLine.set(`${l.channel}\u0000${l.text}`, detect);
  }
  const total = evaluateSet(
    all,
    (text, channel) => byLine.get(`${channel}\u0000${text}`)!(text, channel),
  );
  for (const line of perWriter) console.log(line);
  console.log(row("all writers", total));
  for (const [lang, s] of total.byLang) console.log(row(`  ${lang}`, s));
  if (values.errors && threshold !== null) {
    for (const e of total.errors.filter((e) => e.includes("ngram-model"))) console.log(`    ${e}`);
  }
}
