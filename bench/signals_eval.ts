/**
 * Measures the relationship-signal analyzer (`src/analysis/signals.ts`):
 *
 * 1. Quality on labelled sets (`tests/data/LABELLING.md` says how they are written): precision
 *    and recall of targets, counted per (line, target) pair, of `asked` (the line asks about the
 *    streamer's relationship: a `question` signal fired) and of `claim` (it states one: a
 *    `claim` signal fired); overall, per language (`lang`) and per class of phrasing (`class`).
 * 2. Cost per message of `detectSignals` (and of the pre-filter, fast and as its defining regex)
 *    over two mixes, beside `text.toLowerCase()` and one regex test measured in the same run:
 *    the ingest benchmark's text mix
 *    (`scripts/chatgen.ts`, as `bench/ingest.ts` generates it) and a mix with 1% relationship
 *    talk.
 *
 * Run: `deno run -A bench/signals_eval.ts [--set PATH]... [--errors] [--no-cost] [--no-model]`
 * (a `--set` directory means every `*.jsonl` in it).
 * `--no-model` scores the rules alone, without the learned parts (the n-gram second opinion,
 * `src/analysis/signals/ngram_model.ts`, and the target tagger, `target_tagger.ts`);
 * `--threshold P` and `--weights FILE` try another cut or other n-gram weights. `bench/signals_cv.ts` gives the held-out-writer figures. Without
 * `--set` it scores every `tests/data/signals_*.jsonl` (the dev sets). `--errors` lists every
 * wrong line. Prints figures only; pass/fail lives in tests/analysis/signals_test.ts.
 *
 * @module
 */
import { benchArgs } from "./_args.ts";
import {
  detectSignals,
  detectSignalsWith,
  mayMentionRelationship,
  shippedSecondOpinion,
} from "../src/analysis/signals.ts";
import { mayMentionRelationshipByRegex } from "../src/analysis/signals/prefilter.ts";
import { generateChat } from "../scripts/chatgen.ts";
import {
  type Detector,
  evaluateSet,
  type Labelled,
  loadLabelled,
  type SetScore,
} from "./_signals_metrics.ts";
import { secondOpinion, type ShippedWeights } from "../src/analysis/signals/ngram_model.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    set: { type: "string", multiple: true },
    errors: { type: "boolean", default: false },
    "no-cost": { type: "boolean", default: false },
    "no-model": { type: "boolean", default: false },
    threshold: { type: "string" },
    weights: { type: "string" },
  },
});
/** With `--no-model`: the rules alone; with `--threshold`/`--weights`: another second opinion. */
const detector: Detector | undefined = values["no-model"]
  ? (text, channel) => detectSignalsWith(text, { channel }, null)
  : values.threshold || values.weights
  ? await (async () => {
    const shipped = values.weights
      ? JSON.parse(await Deno.readTextFile(values.weights)) as ShippedWeights
      : null;
    // Other n-gram weights keep the shipped target tagger.
    const base = shipped
      ? { ...secondOpinion(shipped), targets: shippedSecondOpinion().targets! }
      : shippedSecondOpinion();
    const model = { ...base, threshold: Number(values.threshold ?? base.threshold) };
    return (text: string, channel: string) => detectSignalsWith(text, { channel }, model);
  })()
  : undefined;
const root = new URL("../tests/data/", import.meta.url);

/** The dev sets: every `tests/data/signals_*.jsonl`, in name order. */
export async function devSetPaths(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (e.isFile && /^signals_.*\.jsonl$/.test(e.name)) names.push(e.name);
  }
  return names.sort().map((n) => new URL(n, root).pathname);
}

/** The files of `--set`: a file as given, a directory as every `*.jsonl` in it (name order). */
async function setPaths(sets: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of sets) {
    if (!(await Deno.stat(p)).isDirectory) {
      out.push(p);
      continue;
    }
    const names: string[] = [];
    for await (const e of Deno.readDir(p)) {
      if (e.isFile && e.name.endsWith(".jsonl")) names.push(e.name);
    }
    out.push(...names.sort().map((n) => `${p.replace(/\/$/, "")}/${n}`));
  }
  return out;
}

const paths = values.set?.length ? await setPaths(values.set) : await devSetPaths();
const f = (x: number) => x.toFixed(3);
const row = (label: string, r: SetScore) =>
  `  ${label.padEnd(30)} ${String(r.lines).padStart(5)}  ` +
  `targets P ${f(r.targets.precision)} R ${
    f(r.targets.recall)
  } (tp ${r.targets.tp} fp ${r.targets.fp} fn ${r.targets.fn})  ` +
  `asked P ${f(r.asked.precision)} R ${f(r.asked.recall)} (fp ${r.asked.fp} fn ${r.asked.fn})  ` +
  `claim P ${f(r.claim.precision)} R ${f(r.claim.recall)} (fp ${r.claim.fp} fn ${r.claim.fn})`;

const everything: Labelled[] = [];
console.log(`${"".padEnd(24)} lines`);
for (const path of paths) {
  const lines = await loadLabelled(path);
  everything.push(...lines);
  console.log(row(path.split("/").pop()!, evaluateSet(lines, detector)));
}
if (everything.length) {
  const r = evaluateSet(everything, detector);
  console.log(`all sets (${paths.length} files):`);
  console.log(row("overall", r));
  console.log("per language:");
  for (const [k, v] of r.byLang) console.log(row(k, v));
  console.log("per class:");
  for (const [k, v] of r.byClass) console.log(row(k, v));
  if (values.errors) { for (const e of r.errors) console.log(`    ${e}`); }
}
if (values["no-cost"]) Deno.exit(0);

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

// The ingest benchmark's text mix: the lines `bench/ingest.ts` replays, same generator and seed.
const ingestMix: string[] = [];
for (
  const l of generateChat({
    seed: 42,
    channels: ["bench_channel_0", "bench_channel_1", "bench_channel_2", "bench_channel_3"],
    users: 20000,
    count: N,
    startMs: Date.parse("2025-09-01T00:00:00Z"),
    meanGapMs: 50,
  })
) ingestMix.push(l.text);

/**
 * ns per message of each function over `texts`. The texts are cut into chunks of 500 and every
 * round times each function on each chunk in turn, so a burst of load on this shared machine
 * hits them alike. `best` sums each chunk's fastest time over the rounds: the cost when the
 * process has a core to itself; `median` is the median round, whatever the load was.
 */
function timeEach(
  texts: readonly string[],
  fns: Record<string, (t: string) => unknown>,
  rounds: number,
): Record<string, { median: number; best: number }> {
  let sink = 0;
  const chunks: string[][] = [];
  for (let i = 0; i < texts.length; i += 500) chunks.push(texts.slice(i, i + 500));
  const best: Record<string, number[]> = {};
  const totals: Record<string, number[]> = {};
  for (const [name, fn] of Object.entries(fns)) {
    best[name] = chunks.map(() => Infinity);
    totals[name] = [];
    // Warm up so the JIT has compiled everything measured.
    for (let r = 0; r < 3; r++) for (const t of texts) sink += fn(t) ? 1 : 0;
  }
  for (let r = 0; r < rounds; r++) {
    const round: Record<string, number> = {};
    chunks.forEach((chunk, c) => {
      for (const [name, fn] of Object.entries(fns)) {
        const t0 = performance.now();
        for (const t of chunk) sink += fn(t) ? 1 : 0;
        const ms = performance.now() - t0;
        best[name]![c] = Math.min(best[name]![c]!, ms);
        round[name] = (round[name] ?? 0) + ms;
      }
    });
    for (const [name, ms] of Object.entries(round)) totals[name]!.push(ms / texts.length * 1e6);
  }
  if (sink === -1) console.log(sink);
  const out: Record<string, { median: number; best: number }> = {};
  for (const name of Object.keys(fns)) {
    const xs = totals[name]!.sort((a, b) => a - b);
    const sum = best[name]!.reduce((a, b) => a + b, 0);
    out[name] = { median: xs[Math.floor(xs.length / 2)]!, best: sum / texts.length * 1e6 };
  }
  return out;
}

const BASE_RE = /kappa/i;
const rounds = 25;
const budgetNs = 1e9 / 150_000;
const mixes = [
  ["the ingest benchmark's text mix", ingestMix],
  ["a mix with 1% relationship talk", mix],
] as const;
for (const [name, texts] of mixes) {
  const r = timeEach(texts, {
    lower: (t) => t.toLowerCase().length,
    regex: (t) => BASE_RE.test(t),
    prefilter: (t) => mayMentionRelationship(t),
    prefilterRegex: (t) => mayMentionRelationshipByRegex(t),
    detect: (t) => detectSignals(t, ctx).length,
  }, rounds);
  const passes = texts.filter((t) => mayMentionRelationship(t)).length / texts.length;
  const row = (label: string, k: string) =>
    `  ${label.padEnd(28)} ${r[k]!.best.toFixed(1).padStart(7)} ns/msg (median round ${
      r[k]!.median.toFixed(1)
    })` + (k === "lower" ? "" : `  x${(r[k]!.best / r.lower!.best).toFixed(2)} toLowerCase`);
  console.log(
    `cost over ${texts.length} messages of ${name}, ${rounds} interleaved rounds ` +
      `(uncontended: each chunk's best round):`,
  );
  console.log(row("baseline text.toLowerCase()", "lower"));
  console.log(row("baseline one regex test", "regex"));
  console.log(row("detectSignals", "detect") + `  = ${(r.detect!.best / 1000).toFixed(3)} µs`);
  console.log(row("pre-filter alone", "prefilter") + `  (${(100 * passes).toFixed(1)}% pass it)`);
  console.log(row("pre-filter as one regex scan", "prefilterRegex") + "  (its definition)");
  console.log(
    `  share of a 150,000 msg/s pipeline (${budgetNs.toFixed(0)} ns/msg): ` +
      `${(100 * r.detect!.best / budgetNs).toFixed(2)}%`,
  );
}
const slowMix = everything.length ? everything.map((l) => l.text) : RELATIONSHIP;
const slow = timeEach(slowMix, { detect: (t) => detectSignals(t, ctx).length }, 9);
console.log(
  `a message that passes the pre-filter (the labelled lines): ${
    (slow.detect!.best / 1000).toFixed(2)
  } µs (median round ${(slow.detect!.median / 1000).toFixed(2)} µs)`,
);
