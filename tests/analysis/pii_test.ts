import { assert, assertEquals } from "../providers/_assert.ts";
import fc from "fast-check";
import { findPii, redactSpans } from "../../src/analysis/pii.ts";

const PHONE_FORMS = [
  "(202) 555-0123",
  "202.555.0123",
  "+1 202 555 0123",
  "2025550123",
  "202-555-0123",
  "+1 (202) 555-0123",
];

Deno.test("findPii() finds a US phone in every common written form, in E.164, with its span", async (t) => {
  for (const form of PHONE_FORMS) {
    await t.step(form, () => {
      const text = `call me at ${form} tonight`;
      const found = findPii(text);
      assertEquals(found.length, 1);
      const [p] = found;
      assertEquals(p!.kind, "phone");
      assertEquals(p!.value, "+12025550123");
      assertEquals(text.slice(p!.start, p!.end), form);
    });
  }
});

Deno.test("findPii() reads national forms in the given region", () => {
  const [p] = findPii("ring 020 7946 0958 please", "GB");
  assertEquals(p?.value, "+442079460958");
  assertEquals(findPii("+44 20 7946 0958")[0]?.value, "+442079460958");
});

Deno.test("findPii() finds emails lowercased, with spans, and no phone inside an email", () => {
  const text = "mail Bob.Smith+x@Example.COM or bob2025550123@x.io ok";
  const found = findPii(text);
  assertEquals(found.map((f) => [f.kind, f.value]), [
    ["email", "bob.smith+x@example.com"],
    ["email", "bob2025550123@x.io"],
  ]);
  assertEquals(text.slice(found[0]!.start, found[0]!.end), "Bob.Smith+x@Example.COM");
});

Deno.test("findPii() leaves numbers that are not phone numbers alone", () => {
  for (
    const text of [
      "order 1234567 shipped",
      "at 12:30 on 2025-09-02",
      "score 100-200-300",
      "gg 1v1 me @bob",
      "",
    ]
  ) {
    assertEquals(findPii(text), [], text);
  }
});

Deno.test("findPii() returns spans in order, not overlapping", () => {
  const text = "a@b.co then (202) 555-0123 then c@d.org and 202.555.0199";
  const found = findPii(text);
  assertEquals(found.map((f) => f.kind), ["email", "phone", "email", "phone"]);
  for (let i = 1; i < found.length; i++) assert(found[i - 1]!.end <= found[i]!.start);
});

Deno.test("redactSpans() replaces each span not kept by a marker and lists the kinds", () => {
  const text = "x@y.com or (202) 555-0123, keep z@w.org";
  const spans = findPii(text);
  const r = redactSpans(text, spans, (s) => s.value === "z@w.org");
  assertEquals(r.text, "[redacted:email] or [redacted:phone], keep z@w.org");
  assertEquals(r.kinds, ["email", "phone"]);
  const none = redactSpans(text, spans, () => true);
  assertEquals(none, { text, kinds: [] });
});

Deno.test("redactSpans() leaves no digit of a redacted phone and no part of a redacted email (property)", () => {
  const local = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/);
  const filler = fc.stringMatching(/^[a-z ]{0,20}$/);
  fc.assert(
    fc.property(
      local,
      filler,
      filler,
      fc.constantFrom(...PHONE_FORMS),
      fc.integer({ min: 100, max: 199 }),
      (user, before, after, form, line) => {
        const phone = form.replace("0123", `0${line}`);
        const email = `${user}@example.net`;
        const text = `${before} ${email} ${after} ${phone} end`;
        const r = redactSpans(text, findPii(text), () => false);
        assert(!r.text.includes(email), r.text);
        assert(!r.text.includes(`0${line}`), r.text);
        assertEquals(r.kinds, ["email", "phone"]);
      },
    ),
    { numRuns: 200 },
  );
});
