/**
 * Trains the n-gram second opinion (`src/analysis/signals/ngram_model.ts`) on the labelled
 * sets (`tests/data/signals_*.jsonl`) and writes `src/analysis/signals/ngram_weights.json`.
 *
 *   deno run -A scripts/train_signals_ngram.ts [--epochs 12] [--l2 1e-4] [--threshold 0.9]
 *
 * Deterministic: a fixed seed orders the examples. `bench/signals_cv.ts` measures, writer by
 * writer, what the model adds on chat it was not trained on.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Labelled, loadLabelled } from "../bench/_signals_metrics.ts";
import { features, pack, train } from "../src/analysis/signals/ngram_model.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    epochs: { type: "string", default: "12" },
    l2: { type: "string", default: "1e-4" },
    rate: { type: "string", default: "0.05" },
    threshold: { type: "string", default: "0.9" },
    out: { type: "string" },
  },
});
const dir = new URL("../tests/data/", import.meta.url);
const names: string[] = [];
for await (const e of Deno.readDir(dir)) {
  if (/^signals_.*\.jsonl$/.test(e.name)) names.push(e.name);
}
const lines: Labelled[] = [];
for (const n of names.sort()) lines.push(...await loadLabelled(new URL(n, dir)));
const feats = lines.map((l) => features(l.text));
const opts = { epochs: Number(values.epochs), l2: Number(values.l2), rate: Number(values.rate) };
const asked = train(feats.map((f, i) => ({ f, y: lines[i]!.asked })), opts);
const claim = train(feats.map((f, i) => ({ f, y: lines[i]!.claim === true })), opts);
const out = {
  about: "char 3-5-gram logistic regressions trained on tests/data/signals_*.jsonl " +
    "by scripts/train_signals_ngram.ts",
  lines: lines.length,
  threshold: Number(values.threshold),
  asked: pack(asked),
  claim: pack(claim),
};
const path = values.out
  ? new URL(values.out, `file://${Deno.cwd()}/`)
  : new URL("../src/analysis/signals/ngram_weights.json", import.meta.url);
await Deno.writeTextFile(path, JSON.stringify(out, null, 2) + "\n");
console.log(
  `trained on ${lines.length} lines; wrote ${path.pathname} (${
    (JSON.stringify(out).length / 1024).toFixed(0)
  } KB)`,
);
