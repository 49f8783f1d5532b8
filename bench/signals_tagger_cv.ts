/**
 * Held-out-writer cross-validation of the learned target tagger
 * (`src/analysis/signals/target_tagger.ts`): for each writer, the tagger is trained on every
 * other writer's lines and scored on that writer's; targets are scored per (line, target) pair
 * for the rules alone, the tagger alone, and the ways of combining them.
 *
 * The rules' figures on the writers they were fitted to are fitted figures; on the `--blind`
 * writers (blind sets 9 and 10, which no rule was fitted to) both meet chat they never saw. Candidates
 * are read as the analyzer reads them (a message with a relationship word). `--show P` lists
 * the blind writers' lines the tagger alone gets wrong at cut P, with every candidate's score.
 *
 * Run: `deno run -A bench/signals_tagger_cv.ts [--blind writer19,writer20,writer21,writer22] [--epochs 30]
 * [--l2 1e-6] [--rate 0.3] [--show 0.5]`
 *
 * @module
 */
import { benchArgs } from "./_args.ts";
import { detectSignalsWith } from "../src/analysis/signals.ts";
import { canonicalize } from "../src/analysis/signals/canonical_form.ts";
import { mayMentionRelationship } from "../src/analysis/signals/prefilter.ts";
import { REL_WORDS } from "../src/analysis/signals/vocabulary.ts";
import {
  candidateFeatures,
  candidates,
  targetProbability,
  trainTagger,
} from "../src/analysis/signals/target_tagger.ts";
import { type Labelled, loadLabelled, normTarget } from "./_signals_metrics.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    blind: { type: "string", default: "writer19,writer20,writer21,writer22" },
    epochs: { type: "string", default: "30" },
    l2: { type: "string", default: "1e-6" },
    rate: { type: "string", default: "0.3" },
    show: { type: "string" },
  },
});
const blind = new Set(values.blind!.split(","));
const dir = new URL("../tests/data/", import.meta.url);
const names: string[] = [];
for await (const e of Deno.readDir(dir)) if (/^signals_.*\.jsonl$/.test(e.name)) names.push(e.name);

interface Line {
  l: Labelled;
  writer: string;
  rule: Set<string>;
  cands: { name: string; f: number[]; y: boolean }[];
  gold: Set<string>;
}
const lines: Line[] = [];
let goldAll = 0, goldCovered = 0;
for (const n of names.sort()) {
  const writer = /_(writer\d+)\.jsonl$/.exec(n)?.[1] ?? "project";
  for (const l of await loadLabelled(new URL(n, dir))) {
    const gold = new Set(l.targets.map(normTarget));
    const sig = detectSignalsWith(l.text, { channel: l.channel }, null);
    const rule = new Set(sig.flatMap((s) => s.target === null ? [] : [normTarget(s.target)]));
    const cands: Line["cands"] = [];
    const canon = mayMentionRelationship(l.text)
      ? canonicalize(l.text, { channel: l.channel })
      : null;
    if (canon !== null && canon.pieces.some((p) => REL_WORDS.has(p.w))) {
      const login = l.channel.toLowerCase();
      const run = { text: l.text, canon, emotes: new Set<string>(), wide: undefined, login };
      for (const c of candidates(run)) {
        cands.push({
          name: c.name,
          f: candidateFeatures(run, c),
          y: gold.has(c.name),
        });
      }
    }
    goldAll += gold.size;
    for (const c of cands) if (c.y) goldCovered++;
    lines.push({ l, writer, rule, cands, gold });
  }
}
console.log(
  `gold targets ${goldAll}, among candidates ${goldCovered} (${
    (goldCovered / goldAll).toFixed(3)
  })`,
);

const writers = [...new Set(lines.map((x) => x.writer))];
const probs = new Map<Line, number[]>();
const opts = {
  epochs: Number(values.epochs),
  l2: Number(values.l2),
  rate: Number(values.rate),
};
for (const w of writers) {
  const ex = lines.filter((x) => x.writer !== w).flatMap((x) =>
    x.cands.map((c) => ({ f: c.f, y: c.y }))
  );
  const m = trainTagger(ex, opts);
  for (const x of lines.filter((x) => x.writer === w)) {
    probs.set(
      x,
      x.cands.map((c) => targetProbability(m, c.f)),
    );
  }
}

type Policy = (x: Line, p: number[]) => Set<string>;
const score = (subset: Line[], pol: Policy) => {
  let tp = 0, fp = 0, fn = 0;
  for (const x of subset) {
    const got = pol(x, probs.get(x)!);
    for (const t of got) x.gold.has(t) ? tp++ : fp++;
    for (const t of x.gold) if (!got.has(t)) fn++;
  }
  const P = tp / (tp + fp || 1), R = tp / (tp + fn || 1);
  return `P ${P.toFixed(3)} R ${R.toFixed(3)} F ${
    (2 * P * R / (P + R || 1)).toFixed(3)
  } (fp ${fp} fn ${fn})`;
};
const policies: [string, Policy][] = [["rules", (x) => x.rule]];
for (const t of [0.5, 0.7, 0.8, 0.9]) {
  policies.push([
    `tagger>=${t}`,
    (x, p) => new Set(x.cands.filter((_, i) => p[i]! >= t).map((c) => c.name)),
  ]);
}
for (const t of [0.5, 0.6, 0.7, 0.8, 0.9]) {
  policies.push([
    `rules+add>=${t}`,
    (x, p) => new Set([...x.rule, ...x.cands.filter((_, i) => p[i]! >= t).map((c) => c.name)]),
  ]);
  policies.push([
    `rules|add>=${t} if none`,
    (x, p) =>
      x.rule.size ? x.rule : new Set(x.cands.filter((_, i) => p[i]! >= t).map((c) => c.name)),
  ]);
}
for (const [a, d] of [[0.7, 0.1], [0.7, 0.2], [0.8, 0.1], [0.8, 0.2], [0.8, 0.3], [0.9, 0.2]]) {
  policies.push([`add>=${a} drop<${d}`, (x, p) => {
    const s = new Set<string>();
    for (const t of x.rule) {
      const i = x.cands.findIndex((c) => c.name === t);
      if (i === -1 || p[i]! >= d!) s.add(t);
    }
    x.cands.forEach((c, i) => {
      if (p[i]! >= a!) s.add(c.name);
    });
    return s;
  }]);
}
/**
 * How well the tagger alone ranks candidates on writers it was not trained on, whatever the
 * cut: the area under the ROC curve, the mean log loss, and the expected calibration error
 * (ten bins), over every candidate of every held-out writer and per language.
 */
function ranking(subset: Line[]): string {
  const pts: { p: number; y: boolean }[] = [];
  for (const x of subset) x.cands.forEach((c, i) => pts.push({ p: probs.get(x)![i]!, y: c.y }));
  const pos = pts.filter((q) => q.y).length, neg = pts.length - pos;
  pts.sort((a, b) => a.p - b.p);
  let rankSum = 0;
  for (let i = 0; i < pts.length;) {
    let j = i;
    while (j < pts.length && pts[j]!.p === pts[i]!.p) j++;
    for (let k = i; k < j; k++) if (pts[k]!.y) rankSum += (i + j + 1) / 2;
    i = j;
  }
  const auc = (rankSum - pos * (pos + 1) / 2) / (pos * neg || 1);
  const eps = 1e-6;
  const loss = pts.reduce(
    (a, q) => a - Math.log(q.y ? Math.max(q.p, eps) : Math.max(1 - q.p, eps)),
    0,
  ) / (pts.length || 1);
  let ece = 0;
  for (let b = 0; b < 10; b++) {
    const bin = pts.filter((q) => Math.min(9, Math.floor(q.p * 10)) === b);
    if (bin.length === 0) continue;
    const conf = bin.reduce((a, q) => a + q.p, 0) / bin.length;
    const acc = bin.filter((q) => q.y).length / bin.length;
    ece += bin.length / pts.length * Math.abs(conf - acc);
  }
  return `candidates ${pts.length} (targets ${pos})  AUC ${auc.toFixed(4)}  log loss ${
    loss.toFixed(4)
  }  ECE ${ece.toFixed(4)}`;
}
console.log(`tagger alone, every writer held out: ${ranking(lines)}`);
for (const lang of [...new Set(lines.map((x) => x.l.lang))].sort()) {
  console.log(`  ${lang.padEnd(3)} ${ranking(lines.filter((x) => x.l.lang === lang))}`);
}
const seen = lines.filter((x) => !blind.has(x.writer));
const bl = lines.filter((x) => blind.has(x.writer));
console.log(
  `${"policy".padEnd(26)} ${"writers seen by the rules".padEnd(46)} blind writers (${[...blind]})`,
);
for (const [name, pol] of policies) {
  console.log(`${name.padEnd(26)} ${score(seen, pol).padEnd(46)} ${score(bl, pol)}`);
}
if (values.show) {
  const t = Number(values.show);
  for (const x of bl) {
    const p = probs.get(x)!;
    const got = x.cands.filter((_, i) => p[i]! >= t).map((c) => c.name);
    const wrong = got.filter((g) => !x.gold.has(g)),
      miss = [...x.gold].filter((g) => !got.includes(g));
    if (wrong.length || miss.length) {
      console.log(
        `${x.l.where} ${JSON.stringify(x.l.text)} rules[${[
          ...x.rule,
        ]}] wrong[${wrong}] miss[${miss}] cands ${
          x.cands.map((c, i) => `${c.name}:${p[i]!.toFixed(2)}`).join(" ")
        }`,
      );
    }
  }
}
