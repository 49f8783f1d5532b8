import { assertEquals } from "../support/assert.ts";
import { compileWatchlist, findHits, isSubjectValue } from "../../src/analysis/hits.ts";
import { findPii } from "../../src/analysis/pii.ts";
import { analyzeMessage } from "../../src/analysis/analyze.ts";
import type { MessageDraft } from "../../src/chat/source.ts";
import type { Subject } from "../../src/schemas.ts";

const SUBJECTS: Subject[] = [
  { key: "username_someuser", type: "username", value: "someuser" },
  { key: "email_alice@example.com", type: "email", value: "alice@example.com" },
  { key: "phone_+12025550123", type: "phone", value: "+12025550123" },
];
const W = compileWatchlist(SUBJECTS);

function draft(user: string, text: string): MessageDraft {
  return {
    ts: "2025-09-02T12:00:00.000Z",
    channel: "example_channel",
    message_id: `m_${user}_${text.length}`,
    user_id: null,
    user_name: user,
    text,
    source: "fixture",
  };
}

Deno.test("findHits() records a username subject as author and as @mention", () => {
  assertEquals(findHits(W, "someuser", [], []), [{
    subject_key: "username_someuser",
    how: "author",
  }]);
  assertEquals(findHits(W, "fan88", ["someuser", "other"], []), [
    { subject_key: "username_someuser", how: "mention" },
  ]);
  assertEquals(findHits(W, "someuser", ["someuser"], []), [
    { subject_key: "username_someuser", how: "author" },
    { subject_key: "username_someuser", how: "mention" },
  ]);
  assertEquals(findHits(W, "fan88", ["other"], []), []);
});

Deno.test("findHits() records an email subject found in the text, whatever its case", () => {
  const pii = findPii("write to Alice@Example.com or bob@example.com");
  assertEquals(findHits(W, "fan88", [], pii), [{
    subject_key: "email_alice@example.com",
    how: "text",
  }]);
});

Deno.test("findHits() records a phone subject in every written form (E.164 compare)", async (t) => {
  for (const form of ["(202) 555-0123", "202.555.0123", "+1 202 555 0123", "2025550123"]) {
    await t.step(form, () => {
      assertEquals(findHits(W, "fan88", [], findPii(`call ${form}`)), [
        { subject_key: "phone_+12025550123", how: "text" },
      ]);
    });
  }
  assertEquals(findHits(W, "fan88", [], findPii("call (202) 555-0199")), []);
});

Deno.test("findHits() gives each (subject, how) once, in a stable order", () => {
  const pii = findPii("alice@example.com 2025550123 ALICE@example.com (202) 555-0123");
  assertEquals(findHits(W, "someuser", ["someuser"], pii), [
    { subject_key: "username_someuser", how: "author" },
    { subject_key: "username_someuser", how: "mention" },
    { subject_key: "email_alice@example.com", how: "text" },
    { subject_key: "phone_+12025550123", how: "text" },
  ]);
});

Deno.test("isSubjectValue() tells subject values from other personal data", () => {
  const [a, b] = findPii("alice@example.com bob@example.com");
  assertEquals([isSubjectValue(W, a!), isSubjectValue(W, b!)], [true, false]);
});

Deno.test("analyzeMessage() records hits before redaction and keeps only subjects' values", () => {
  const m = analyzeMessage(
    draft(
      "fan88",
      "@SomeUser call 202.555.0123 or (202) 555-0199, mail alice@example.com or bob@x.org",
    ),
    { knownEmotes: new Set(), watchlist: W },
  );
  assertEquals(
    m.text,
    "@SomeUser call 202.555.0123 or [redacted:phone], mail alice@example.com or [redacted:email]",
  );
  assertEquals(m.redacted, ["email", "phone"]);
  assertEquals(m.hits, [
    { subject_key: "username_someuser", how: "mention" },
    { subject_key: "phone_+12025550123", how: "text" },
    { subject_key: "email_alice@example.com", how: "text" },
  ]);
});

Deno.test("analyzeMessage() with redact false stores the text as written and still finds hits", () => {
  const text = "call (202) 555-0199 or 2025550123";
  const m = analyzeMessage(draft("fan88", text), {
    knownEmotes: new Set(),
    watchlist: W,
    redact: false,
  });
  assertEquals(m.text, text);
  assertEquals(m.redacted, undefined);
  assertEquals(m.hits, [{ subject_key: "phone_+12025550123", how: "text" }]);
});

Deno.test("analyzeMessage() without a watchlist redacts every email and phone and records no hits", () => {
  const m = analyzeMessage(draft("someuser", "alice@example.com 2025550123"), {
    knownEmotes: new Set(),
  });
  assertEquals(m.text, "[redacted:email] [redacted:phone]");
  assertEquals(m.hits, undefined);
});
