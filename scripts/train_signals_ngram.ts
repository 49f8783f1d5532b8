/**
 * Trains the n-gram second opinion (`src/analysis/signals/ngram_model.ts`) on the dev sets
 * (`tests/data/signals_*.jsonl`, never the blind ones) and writes
 * `src/analysis/signals/ngram_weights.json`.
 *
 *   deno run -A scripts/train_signals_ngram.ts [--epochs 12] [--l2 1e-4] [--threshold 0.9]
 *
 * Deterministic: a fixed seed orders the examples. Plain SGD on the logistic loss.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadLabelled } from "../bench/_signals_metrics.ts";
import {
  BUCKETS,
  features,
  type Logistic,
  pack,
  probability,
} from "../src/analysis/signals/ngram_model.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    epochs: { type: "string", default: "12" },
    l2: { type: "string", default: "1e-4" },
    rate: { type: "string", default: "0.05" },
    threshold: { type: "string", default: "0.9" },
    // Leave a file out (to estimate how it does on unseen chat) and write elsewhere.
    exclude: { type: "string" },
    out: { type: "string" },
  },
});
const dir = new URL("../tests/data/", import.meta.url);
const lines = [];
const names: string[] = [];
for await (const e of Deno.readDir(dir)) {
  if (/^signals_.*\.jsonl$/.test(e.name) && e.name !== values.exclude) names.push(e.name);
}
for (const n of names.sort()) lines.push(...await loadLabelled(new URL(n, dir)));

let seed = 7;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const data = lines.map((l) => ({ f: features(l.text), asked: l.asked, claim: l.claim }));

function train(label: (d: typeof data[number]) => boolean): Logistic {
  const m: Logistic = { w: new Float32Array(BUCKETS), bias: 0 };
  const l2 = Number(values.l2);
  for (let epoch = 0; epoch < Number(values.epochs); epoch++) {
    const rate = Number(values.rate) / (1 + epoch);
    const order = data.map((_, i) => i).sort(() => rnd() - 0.5);
    for (const i of order) {
      const d = data[i]!;
      const g = probability(m, d.f) - (label(d) ? 1 : 0);
      m.bias -= rate * g;
      for (const f of d.f) m.w[f] = m.w[f]! - rate * (g + l2 * m.w[f]!);
    }
  }
  return m;
}

const asked = train((d) => d.asked);
const claim = train((d) => d.claim === true);
const out = {
  about: "char 3-5-gram logistic regressions trained on tests/data/signals_*.jsonl " +
    "(dev sets only) by scripts/train_signals_ngram.ts",
  lines: lines.length,
  threshold: Number(values.threshold),
  asked: pack(asked),
  claim: pack(claim),
};
const path = values.out
  ? new URL(values.out, `file://${Deno.cwd()}/`)
  : new URL("../src/analysis/signals/ngram_weights.json", import.meta.url);
await Deno.writeTextFile(path, JSON.stringify(out) + "\n");
console.log(
  `trained on ${lines.length} lines; wrote ${path.pathname} (${
    (JSON.stringify(out).length / 1024).toFixed(0)
  } KB)`,
);
