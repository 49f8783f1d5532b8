import { assert, assertEquals } from "../support/assert.ts";
import fc from "fast-check";
import { join } from "node:path";
import { findPii, redactSpans } from "../../src/analysis/pii.ts";
import { runMain, tempDir } from "../support/cli.ts";
import { grepTree } from "../support/grep_tree.ts";
import { writeFixtures } from "../support/chat_fixture.ts";

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

// End to end: what is redacted at ingest never reaches any file of the data dir (log, index,
// profiles, reports), while a subject's own value is kept; --keep-pii stores the text as written.
const PRIVATE_EMAIL = "bob.private@example.org";
const PRIVATE_PHONES = ["(202) 555-0199", "202.555.0199", "+1 202 555 0199", "2025550199"];
const TRACES = ["bob.private", "private@example", "555-0199", "555.0199", "555 0199", "5550199"];

async function ingest(dir: string, keepPii: boolean): Promise<string> {
  const rows = [
    ...PRIVATE_PHONES.map((p, i) => `call me on ${p} pls ${i}`),
    `write ${PRIVATE_EMAIL} or BOB.PRIVATE@EXAMPLE.ORG`,
    "the subject's number is (202) 555-0123",
  ].map((text, i) => ({
    ts: `2025-09-02T12:00:0${i}.000Z`,
    channel: "c1",
    user_name: i % 2 ? "fan88" : "gossip",
    text,
  }));
  const fixtures = await writeFixtures(join(dir, "fx"), rows);
  await Deno.writeTextFile(join(dir, "subjects.csv"), "type,value\nphone,202-555-0123\n");
  const dataDir = join(dir, "data");
  const d = ["--data-dir", dataDir, "--fixtures-dir", fixtures];
  assertEquals(
    (await runMain(["subjects", "load", "--path", join(dir, "subjects.csv"), ...d])).code,
    0,
  );
  const run = await runMain([
    "chat",
    "run",
    "--channels",
    "c1",
    "--offline",
    "--speed",
    "0",
    ...(keepPii ? ["--keep-pii"] : []),
    ...d,
  ]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals((await runMain(["subjects", "report", "--all", ...d])).code, 0);
  assertEquals((await runMain(["subjects", "report", "--all", "--format", "html", ...d])).code, 0);
  return dataDir;
}

Deno.test("redaction at ingest leaves no trace of a redacted value anywhere in the data dir", async () => {
  await using dir = await tempDir();
  const dataDir = await ingest(dir.path, false);
  for (const t of TRACES) assertEquals(await grepTree(dataDir, t, { ignoreCase: true }), [], t);
  const log = await Deno.readTextFile(join(dataDir, "logs", "messages.jsonl"));
  assertEquals(log.match(/\[redacted:phone\]/g)?.length, 4);
  assertEquals(log.match(/\[redacted:email\]/g)?.length, 2);
  // The subject's own number stays, and is a hit.
  assert(log.includes("(202) 555-0123"));
  const report = await Deno.readTextFile(join(dataDir, "reports", "phone_+12025550123.md"));
  assert(report.includes("1 hit(s): 0 as author, 0 as @mention, 1 in text"));
});

Deno.test("--keep-pii stores the values as written (the same search finds them)", async () => {
  await using dir = await tempDir();
  const dataDir = await ingest(dir.path, true);
  for (const t of TRACES) assert((await grepTree(dataDir, t, { ignoreCase: true })).length > 0, t);
});

Deno.test("findPii() catches the obfuscations people use on purpose", async (t) => {
  const cases: Array<[string, string]> = [
    ["write to name(at)gmail.com pls", "name@gmail.com"],
    ["name [at] gmail [dot] com", "name@gmail.com"],
    ["its name at example dot com", "name@example.com"],
    ["dm name @ gmail.com", "name@gmail.com"],
    ["name%40gmail.com", "name@gmail.com"],
    ["ｎａｍｅ＠ｇｍａｉｌ．ｃｏｍ", "name@gmail.com"],
    ["na\u200Bme@gm\u200Bail.com", "name@gmail.com"],
    ["name {at} proton {dot} me", "name@proton.me"],
    ["name at gmail.com", "name@gmail.com"],
    ["call two zero two, five five five, zero one two three", "+12025550123"],
    ["text me 07911 123456", "+447911123456"],
    ["ruf an 0151 23456789", "+4915123456789"],
  ];
  for (const [text, value] of cases) {
    await t.step(text, () => {
      const found = findPii(text);
      assertEquals(found.map((f) => f.value), [value]);
      const redacted = redactSpans(text, found, () => false).text;
      assert(!/gmail|example|proton|07911|0151|five five/i.test(redacted), redacted);
    });
  }
});

Deno.test("findPii() leaves ordinary chat with 'at', 'dot' and number words alone", () => {
  for (
    const text of [
      "look at reddit.com lol",
      "we meet at noon. gg",
      "one two three go",
      "he is at home dot dot dot",
      "shot at mid. gg wp",
      "top 10 at twitch.tv/foo",
      "i have one or two ideas",
      "@mod hi",
      "clip at 01:23:45 in vod 123456",
    ]
  ) {
    assertEquals(findPii(text), [], text);
  }
});
