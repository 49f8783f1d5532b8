import assert from "node:assert/strict";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { messageIdFor } from "../../src/analysis/message_id.ts";
import { Message } from "../../src/schemas.ts";

const TS = "2025-09-02T12:00:00.000Z";

Deno.test("messageIdFor() is h_ and 32 hex digits of SHA-256 over NUL-joined fields", () => {
  const id = messageIdFor("example_channel", TS, "someuser", "hey @mod");
  assert.match(id, /^h_[0-9a-f]{32}$/);
  const want = createHash("sha256")
    .update(["example_channel", TS, "someuser", "hey @mod"].join("\0"))
    .digest("hex")
    .slice(0, 32);
  assert.equal(id, `h_${want}`);
  assert.equal(
    Message.shape.message_id.safeParse(id).success,
    true,
    "fits the stored message_id field",
  );
});

Deno.test("messageIdFor() is deterministic and changes with every field", () => {
  fc.assert(
    fc.property(
      fc.tuple(fc.string(), fc.string(), fc.string(), fc.string()),
      fc.integer({ min: 0, max: 3 }),
      fc.string({ minLength: 1, maxLength: 3 }),
      (fields, which, extra) => {
        const [c, ts, u, text] = fields;
        const id = messageIdFor(c, ts, u, text);
        assert.equal(id, messageIdFor(c, ts, u, text));
        const changed = [...fields] as [string, string, string, string];
        changed[which] += extra;
        assert.notEqual(messageIdFor(...changed), id);
      },
    ),
  );
});

Deno.test("messageIdFor() does not confuse text moved across a field boundary", () => {
  // Logins and timestamps cannot hold NUL, so only the text may; shifting characters between
  // fields must still give different ids.
  assert.notEqual(messageIdFor("ab", TS, "c", "d"), messageIdFor("a", TS, "bc", "d"));
  assert.notEqual(messageIdFor("a", TS, "b", "c d"), messageIdFor("a", TS, "b c", "d"));
  assert.notEqual(messageIdFor("a", TS, "b", ""), messageIdFor("a", TS, "", "b"));
});

Deno.test("messageIdFor() gives distinct ids to distinct messages of a busy channel", () => {
  const ids = new Set<string>();
  for (let i = 0; i < 20000; i++) {
    ids.add(messageIdFor("busy", new Date(1756814400000 + i).toISOString(), `u${i % 50}`, "gg"));
  }
  assert.equal(ids.size, 20000);
});
