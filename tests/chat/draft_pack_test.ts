import assert from "node:assert/strict";
import fc from "fast-check";
import { DraftPacker, unpackDrafts } from "../../src/chat/draft_pack.ts";
import type { MessageDraft } from "../../src/chat/source.ts";
import { analyzeMessage } from "../../src/analysis/analyze.ts";

/** Any text, lone surrogates and control characters included. */
const text = fc.string({ unit: "binary", maxLength: 40 });

const draftArb: fc.Arbitrary<MessageDraft> = fc.record({
  ts: text,
  channel: text,
  message_id: text,
  user_id: fc.option(text, { nil: null }),
  user_name: text,
  text,
  source: fc.constantFrom("fixture" as const, "import:irc" as const, "import" as const),
  display_name: fc.option(text, { nil: undefined }),
  action: fc.option(fc.constant(true as const), { nil: undefined }),
  reply_to: fc.option(
    fc.record({ message_id: text, user_name: text, user_id: text }, {
      requiredKeys: ["message_id", "user_name"],
    }),
    { nil: undefined },
  ),
  bits: fc.option(fc.nat(), { nil: undefined }),
  badges: fc.option(fc.array(text, { maxLength: 4 }), { nil: undefined }),
  first_msg: fc.option(fc.constant(true as const), { nil: undefined }),
  emotes: fc.option(fc.array(text, { maxLength: 4 }), { nil: undefined }),
}, { requiredKeys: ["ts", "channel", "message_id", "user_id", "user_name", "text", "source"] })
  // An optional field is absent or holds a value (never a key set to undefined), as sources give.
  .map((d) => JSON.parse(JSON.stringify(d)) as MessageDraft);

Deno.test("unpackDrafts() gives back the drafts DraftPacker packed, field for field, over several takes", () => {
  fc.assert(
    fc.property(fc.array(fc.array(draftArb, { maxLength: 12 }), { maxLength: 4 }), (chunks) => {
      const packer = new DraftPacker();
      for (const drafts of chunks) {
        for (const d of drafts) packer.add(d);
        assert.equal(packer.length, drafts.length);
        const back = unpackDrafts(packer.take());
        assert.equal(packer.length, 0);
        assert.deepStrictEqual(back, drafts);
        // What is stored of them is the same bytes (the reply's keys in the same order too).
        const ctx = { knownEmotes: new Set(["Kappa"]) };
        assert.deepStrictEqual(
          back.map((d) => JSON.stringify(analyzeMessage(d, ctx))),
          drafts.map((d) => JSON.stringify(analyzeMessage(d, ctx))),
        );
      }
    }),
    { numRuns: 200 },
  );
});
