import assert from "node:assert/strict";
import { labelledLines, trainWeights } from "../../scripts/train_signals_ngram.ts";

Deno.test("the shipped weights of the signals' models equal a fresh training run", async () => {
  const fresh = trainWeights(await labelledLines());
  const dir = new URL("../../src/analysis/signals/", import.meta.url);
  const ngram = await Deno.readTextFile(new URL("ngram_weights.json", dir));
  const tagger = await Deno.readTextFile(new URL("tagger_weights.json", dir));
  const again = "retrain: deno run -A scripts/train_signals_ngram.ts";
  assert.ok(ngram === fresh.ngram, `ngram_weights.json differs from a fresh run (${again})`);
  assert.ok(tagger === fresh.tagger, `tagger_weights.json differs from a fresh run (${again})`);
  // Under 1 MB together, shipped in the repo.
  assert.ok(ngram.length + tagger.length < 1 << 20, `${ngram.length + tagger.length} bytes`);
});
