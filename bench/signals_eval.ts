/**
 * Measures the relationship-signal analyzer (`src/analysis/signals.ts`):
 *
 * 1. Quality on the labelled sets in `tests/data/` (dev, and the held-out set written before
 *    the rules): precision, recall and F1 for targets, counted per (line, target) pair, and for
 *    `asked` (does the line ask about or assert the streamer's relationship).
 * 2. Cost per message of `detectSignals` over a realistic mix (about 1% relationship talk),
 *    beside two baselines measured in the same run: `text.toLowerCase()` and one regex test.
 *
 * Run: `deno run -A bench/signals_eval.ts [--errors]` (`--errors` lists every miss and false
 * alarm). Prints figures only; pass/fail lives in tests/analysis/signals_test.ts.
 *
 * @module
 */
import { detectSignals, mayMentionRelationship } from "../src/analysis/signals.ts";
import { evaluateSet, loadLabelled } from "./_signals_metrics.ts";

const root = new URL("../tests/data/", import.meta.url);
const showErrors = Deno.args.includes("--errors");

for (const name of ["signals_dev.jsonl", "signals_holdout.jsonl"]) {
  let lines;
  try {
    lines = await loadLabelled(new URL(name, root));
  } catch (e) {
    console.log(`${name}: cannot read (${(e as Error).message})`);
    continue;
  }
  const r = evaluateSet(lines);
  const f = (x: number) => x.toFixed(3);
  console.log(`${name}: ${lines.length} lines, ${lines.filter((l) => !l.asked).length} negatives`);
  console.log(
    `  targets  P ${f(r.targets.precision)}  R ${f(r.targets.recall)}  F1 ${f(r.targets.f1)}` +
      `  (tp ${r.targets.tp}, fp ${r.targets.fp}, fn ${r.targets.fn})`,
  );
  console.log(
    `  asked    P ${f(r.asked.precision)}  R ${f(r.asked.recall)}  F1 ${f(r.asked.f1)}` +
      `  (tp ${r.asked.tp}, fp ${r.asked.fp}, fn ${r.asked.fn})`,
  );
  if (showErrors) { for (const e of r.errors) console.log(`    ${e}`); }
}

// ---------------------------------------------------------------------------------------------
// Cost over a realistic mix.

const COMMON = [
  "lol",
  "LUL",
  "KEKW KEKW",
  "W",
  "L take",
  "gg",
  "pog",
  "Pog",
  "this ult is insane",
  "what rank is he",
  "first time chatter hi",
  "hi chat",
  "hello from brazil",
  "o7",
  "bro missed every shot",
  "chat is he cracked or what",
  "who is the duo partner",
  "what headset is that",
  "song name?",
  "catJAM catJAM catJAM",
  "monkaS",
  "that was so clean",
  "how long is stream today",
  "!uptime",
  "!discord",
  "ResidentSleeper",
  "POGGERS clutch",
  "imagine missing that LUL",
  "he's cooking",
  "the aim today is unreal",
  "Kappa",
  "anyone know the crosshair code",
  "bro really said that",
  "BibleThump rip",
  "gg wp",
  "can we get a W in chat",
  "W W W W",
  "is this the new patch",
  "hes so bad at this game lmao",
  "what game is next",
  "thanks for the raid!",
  "subbed for 12 months lets go",
  "nice",
  "100% that was a hack",
  "peepoHappy hi",
  "he didnt see the guy behind him",
  "xdd",
  "update your drivers bro",
  "who is she playing with tonight",
  "hey @mod can you link the schedule",
  "mods are sleeping",
  "where are you from",
  "my internet is lagging so bad",
  "that's crazy",
  "based",
  "ratio",
  "this song slaps",
  "PogChamp PogChamp",
  "he's been grinding for 10 hours",
  "go next",
  "omg the timing",
  "wait what happened",
  "i just got here what did i miss",
  "OMEGALUL he died",
];
const RELATIONSHIP = [
  "is he still dating sara?",
  "does he have a gf",
  "sara is his gf",
  "he's not dating sara",
  "carbon dating this joke",
  "are you single",
  "my gf is watching too",
];

/** Deterministic pseudo-random numbers, so every run measures the same mix. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const rnd = lcg(42);
const N = 20_000;
const mix: string[] = [];
for (let i = 0; i < N; i++) {
  const pool = rnd() < 0.01 ? RELATIONSHIP : COMMON;
  let text = pool[Math.floor(rnd() * pool.length)]!;
  // Vary the strings so no engine cache sees the same object again and again.
  if (rnd() < 0.5) text = text + " " + pool[Math.floor(rnd() * pool.length)]!;
  if (rnd() < 0.3) text = "@user" + Math.floor(rnd() * 1000) + " " + text;
  mix.push(text);
}
const ctx = { channel: "example_channel" };

function timePerMessage(fn: (t: string) => unknown, rounds: number): number {
  let sink = 0;
  // Warm up so the JIT has compiled everything measured.
  for (const t of mix) sink += fn(t) ? 1 : 0;
  const best: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const t of mix) sink += fn(t) ? 1 : 0;
    best.push((performance.now() - t0) / mix.length);
  }
  if (sink === -1) console.log(sink);
  best.sort((a, b) => a - b);
  return best[Math.floor(best.length / 2)]! * 1e6; // median, ns
}

const BASE_RE = /kappa/i;
const rounds = 25;
const nsLower = timePerMessage((t) => t.toLowerCase().length, rounds);
const nsRegex = timePerMessage((t) => BASE_RE.test(t), rounds);
const nsPrefilter = timePerMessage((t) => mayMentionRelationship(t), rounds);
const nsDetect = timePerMessage((t) => detectSignals(t, ctx).length, rounds);
// The slow path alone: the dev set's lines nearly all pass the pre-filter.
const devTexts = (await loadLabelled(new URL("signals_dev.jsonl", root))).map((l) => l.text);
const devMix = devTexts.map((t) => t);
let sinkDev = 0;
for (let r = 0; r < 5; r++) for (const t of devMix) sinkDev += detectSignals(t, ctx).length;
const devRuns: number[] = [];
for (let r = 0; r < 15; r++) {
  const t0 = performance.now();
  for (const t of devMix) sinkDev += detectSignals(t, ctx).length;
  devRuns.push((performance.now() - t0) / devMix.length * 1e6);
}
devRuns.sort((a, b) => a - b);
const nsSlow = devRuns[7]!;
if (sinkDev === -1) console.log(sinkDev);
const budgetNs = 1e9 / 150_000;
console.log(
  `cost over ${N} mixed messages (1% relationship talk), median of ${rounds} rounds:`,
);
console.log(`  baseline text.toLowerCase()  ${nsLower.toFixed(1)} ns/msg`);
console.log(`  baseline one regex test      ${nsRegex.toFixed(1)} ns/msg`);
console.log(
  `  detectSignals                ${nsDetect.toFixed(1)} ns/msg  ` +
    `(x${(nsDetect / nsLower).toFixed(2)} toLowerCase, x${(nsDetect / nsRegex).toFixed(2)} regex)`,
);
console.log(`  pre-filter alone             ${nsPrefilter.toFixed(1)} ns/msg`);
console.log(
  `  share of a 150,000 msg/s pipeline (${budgetNs.toFixed(0)} ns/msg): ` +
    `${(100 * nsDetect / budgetNs).toFixed(2)}% (limit 10%)`,
);
console.log(
  `  a message that passes the pre-filter (dev-set lines): ${(nsSlow / 1000).toFixed(2)} µs; ` +
    `the 10% budget holds while under ${
      (100 * Math.max(0, budgetNs * 0.1 - nsPrefilter) / nsSlow).toFixed(1)
    }% of chat passes it`,
);
