import assert from "node:assert/strict";
import { join } from "node:path";
import { fold } from "../../src/normalize.ts";
import { MessageIndex } from "../../src/store/embedded/message_index.ts";
import { EMPTY_MARK } from "../../src/store/log/log_mark.ts";
import { narrowingExpression } from "../../src/store/embedded/trigram_choice.ts";
import { tempDir } from "../support/cli.ts";

/** An index of `texts`, one row each (no log behind it: only FTS is asked). */
async function indexOf(dir: string, texts: string[]): Promise<MessageIndex> {
  const ix = MessageIndex.open(join(dir, "index.sqlite"));
  ix.transaction(() =>
    ix.append(
      texts.map((text, i) => ({
        ts: i,
        user: "u",
        person: "u",
        channel: "c",
        mid: `m${i}`,
        addressed: null,
        text,
        offset: i,
        length: 1,
      })),
      EMPTY_MARK,
    )
  );
  return await Promise.resolve(ix);
}

const gramsOf = (expr: string | null) => expr === null ? [] : expr.split(" AND ");

Deno.test("narrowingExpression() keeps the rarest trigram of each word, never one across a space", async () => {
  await using dir = await tempDir();
  // "coffee" is everywhere, "love" in few rows, "the" in many.
  const texts = Array.from(
    { length: 3000 },
    (_, i) => i % 100 === 0 ? "i love the coffee" : i % 2 ? "the coffee is hot" : "more coffee",
  );
  const ix = await indexOf(dir.path, texts);
  try {
    const grams = gramsOf(narrowingExpression(ix, [fold("love the coffee")]));
    assert.ok(grams.length <= 3, grams.join());
    assert.ok(grams.some((g) => ['"lov"', '"ove"'].includes(g)), grams.join());
    assert.ok(grams.every((g) => !/\s/.test(g)), grams.join());
    // Every needle contributes; a needle too short for a trigram adds nothing.
    const two = gramsOf(narrowingExpression(ix, ["love", "coffee", "ab"]));
    assert.ok(two.some((g) => ['"lov"', '"ove"'].includes(g)));
    assert.ok(two.some((g) => ['"cof"', '"off"', '"ffe"', '"fee"'].includes(g)));
    assert.equal(narrowingExpression(ix, ["ab"]), null);
    // Only trigrams across spaces: all of them, quoted.
    assert.equal(narrowingExpression(ix, ["a b c"]), '"a b" AND " b " AND "b c"');
    assert.equal(narrowingExpression(ix, ['x"y']), '"x""y"');
    // A one-word needle: two trigrams that do not overlap.
    const one = gramsOf(narrowingExpression(ix, ["coffee"]));
    assert.equal(one.length, 2);
  } finally {
    ix.close();
  }
});
