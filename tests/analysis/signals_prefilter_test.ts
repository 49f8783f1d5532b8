import assert from "node:assert/strict";
import fc from "fast-check";
import {
  mayMentionRelationship,
  mayMentionRelationshipByRegex,
} from "../../src/analysis/signals/prefilter.ts";
import { stemTable } from "../../src/analysis/signals/stem_table.ts";
import { generateChat } from "../../scripts/chatgen.ts";

// The fast pre-filter must answer exactly as the regex that defines it, or the analyzer would
// read other messages and its decisions would change with the speed-up.

/** Every line of the labelled sets in tests/data. */
async function labelledTexts(): Promise<string[]> {
  const root = new URL("../data/", import.meta.url);
  const out: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (!e.isFile || !e.name.endsWith(".jsonl")) continue;
    for (const raw of (await Deno.readTextFile(new URL(e.name, root))).split("\n")) {
      if (!raw.trim()) continue;
      const v: unknown = JSON.parse(raw);
      if (typeof v === "object" && v !== null && "text" in v && typeof v.text === "string") {
        out.push(v.text);
      }
    }
  }
  return out;
}

function differences(texts: Iterable<string>): string[] {
  const out: string[] = [];
  for (const t of texts) {
    if (mayMentionRelationship(t) !== mayMentionRelationshipByRegex(t)) out.push(t);
  }
  return out;
}

Deno.test("mayMentionRelationship() answers as mayMentionRelationshipByRegex() on every labelled line", async () => {
  const texts = await labelledTexts();
  assert.ok(texts.length > 1000, `${texts.length} labelled lines`);
  assert.ok(texts.some(mayMentionRelationship) && !texts.every(mayMentionRelationship));
  assert.deepEqual(differences(texts), []);
});

Deno.test("mayMentionRelationship() answers as mayMentionRelationshipByRegex() on the ingest benchmark's mix", () => {
  const texts = [...generateChat({
    seed: 42,
    channels: ["bench_channel_0"],
    users: 20000,
    count: 5000,
    startMs: 0,
    meanGapMs: 50,
    relationshipShare: 0.05,
  })].map((l) => l.text);
  assert.deepEqual(differences(texts), []);
});

Deno.test("mayMentionRelationship() answers as mayMentionRelationshipByRegex() on text built from stems", () => {
  // Pieces of stems, phrases and rare forms, cut and glued in any case, with the characters
  // that decide a word boundary (`_`, digits, accents, punctuation) between them.
  const pieces = [
    "dat",
    "gf",
    "with",
    "w/",
    "w",
    "he's",
    "is",
    "x",
    "&",
    "+",
    "mit",
    "geht",
    "❤️",
    "💕",
    "🤝",
    "?",
    "/",
    "<3",
    ",",
    "not",
    "go",
    "sa",
    "était",
    "avec",
    "é",
    "É",
    "sara",
    "and",
    "real",
    "offici",
    "ex",
    "exs",
    "wif",
    "2gether",
    "girlfriend",
    "gs",
    "chpusi",
    "passt",
    "auf",
    "ſ",
    "K",
    "ß",
    "_",
    "1",
    "who",
    "to",
    "him",
    "first",
    "then",
    "lena,",
    "pop",
    "question",
    "hook",
    "up",
    "left",
    "for",
    "deixou",
    "c'est",
    "fini",
    "ü",
    "fründ",
    "zäm",
    "mozão",
    "miúda",
    "you",
    "your",
    "man",
    "see",
    "seein",
    "used",
    "her",
    "che",
    "cher",
    "ri",
  ];
  const separators = [" ", "", ",", "  ", "?", "!", "\n", "é", "'", "-", "_", "1", "\u0000"];
  const piece = fc.tuple(fc.constantFrom(...pieces), fc.boolean(), fc.constantFrom(...separators))
    .map(([p, upper, sep]) => (upper ? p.toUpperCase() : p) + sep);
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 8 }), fc.string({ maxLength: 6 }), (ps, noise) => {
      const text = ps.join("") + noise;
      assert.equal(mayMentionRelationship(text), mayMentionRelationshipByRegex(text), text);
      for (let cut = 1; cut < text.length; cut += 3) {
        const t = text.slice(cut);
        assert.equal(mayMentionRelationship(t), mayMentionRelationshipByRegex(t), t);
      }
    }),
    { numRuns: 3000 },
  );
});

Deno.test("mayMentionRelationship() answers as mayMentionRelationshipByRegex() on any text", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60, unit: "binary" }), (text) => {
      assert.equal(mayMentionRelationship(text), mayMentionRelationshipByRegex(text), text);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("stemTable() lets every pair through after a stem whose form it does not read", () => {
  const t = stemTable(["q\\p{L}z", "dat"], []);
  const h = t.headIndex["q".charCodeAt(0)]!;
  for (const [c2, c3] of [[0x61, 0x62], [0x20, 0x3f], [0, 0]] as const) {
    assert.notEqual(t.next[(h << 9) | (c2 << 2) | (c3 >> 5)]! & (1 << (c3 & 31)), 0);
  }
  assert.throws(() => stemTable(["(dat"], []), SyntaxError);
});
