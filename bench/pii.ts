/**
 * False positives and cost of PII detection (`findPii`, src/analysis/pii.ts) on text it was not
 * written for: the ingest benchmark's generated chat mix (which holds no personal data, so every
 * hit there is a false positive), and the labelled relationship sets in tests/data/ (chat written
 * by hand by people who never saw the PII rules). Cost is beside `toLowerCase` in the same run.
 *
 * Run: `deno run -A bench/pii.ts [--count N] [--show]` (`--show` prints every hit).
 *
 * @module
 */
import { findPii } from "../src/analysis/pii.ts";
import { generateChat } from "../scripts/chatgen.ts";

const countArg = Deno.args.indexOf("--count");
const n = countArg >= 0 ? Number(Deno.args[countArg + 1]) : 200_000;
const show = Deno.args.includes("--show");

const generated = [...generateChat({
  seed: 42,
  channels: ["a", "b"],
  users: 20000,
  count: n,
  startMs: Date.parse("2025-09-01T00:00:00Z"),
  meanGapMs: 50,
  ids: true,
})].map((l) => l.text);

const handWritten: string[] = [];
for await (const e of Deno.readDir(new URL("../tests/data/", import.meta.url))) {
  if (!e.name.endsWith(".jsonl")) continue;
  const text = await Deno.readTextFile(new URL(`../tests/data/${e.name}`, import.meta.url));
  for (const l of text.split("\n")) if (l.trim()) handWritten.push(JSON.parse(l).text as string);
}

function measure(name: string, texts: readonly string[]): void {
  let hits = 0;
  for (const t of texts) {
    const found = findPii(t);
    if (found.length === 0) continue;
    hits++;
    if (show) console.log(`  ${name}: ${JSON.stringify(t)} -> ${found.map((f) => f.value)}`);
  }
  // Small sets are run several times so that one pass of JIT warm-up does not dominate.
  const rounds = Math.max(1, Math.ceil(200_000 / texts.length));
  let sink = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) sink += t.toLowerCase().length;
  const t1 = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) sink += findPii(t).length;
  const t2 = performance.now();
  const per = (ms: number) => ((ms * 1000) / (texts.length * rounds)).toFixed(3);
  console.log(
    `${name}: ${texts.length} messages, ${hits} with a hit (${
      (100 * hits / texts.length).toFixed(3)
    }%); ` +
      `findPii ${per(t2 - t1)} µs/msg, toLowerCase ${per(t1 - t0)} µs/msg ` +
      `(${((t2 - t1) / (t1 - t0)).toFixed(1)}x) [${sink > 0 ? "ok" : "-"}]`,
  );
}

measure("generated (ingest mix, no PII in it)", generated);
measure("hand-written chat (tests/data)", handWritten);
