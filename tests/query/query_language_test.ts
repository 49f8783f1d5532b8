import assert from "node:assert/strict";
import fc from "fast-check";
import { formatQuery, parseQuery, QuerySyntaxError } from "../../src/query/query_language.ts";
import type { Literal, QueryFilter, Term } from "../../src/store/message_query.ts";
import { UsageError } from "../../src/errors.ts";

const NOW = Date.parse("2025-09-02T12:00:00.000Z");
const pos = (term: Term): Literal => ({ negated: false, term });
const neg = (term: Term): Literal => ({ negated: true, term });
const text = (value: string): Term => ({ field: "text", value });

const TABLE: Array<[string, QueryFilter]> = [
  ["dating", { clauses: [[pos(text("dating"))]] }],
  ["DATING Sara", { clauses: [[pos(text("dating"))], [pos(text("sara"))]] }],
  ["a OR b", { clauses: [[pos(text("a")), pos(text("b"))]] }],
  ["a b OR c -d", {
    clauses: [[pos(text("a"))], [pos(text("b")), pos(text("c"))], [neg(text("d"))]],
  }],
  ["a OR b OR c", { clauses: [[pos(text("a")), pos(text("b")), pos(text("c"))]] }],
  ['"Is He Still"', { clauses: [[pos(text("is he still"))]] }],
  ['-"a \\"b\\" c\\\\"', { clauses: [[neg(text('a "b" c\\'))]] }],
  ["from:@Fan88", { clauses: [[pos({ field: "from", value: "fan88" })]] }],
  ["FROM:fan88", { clauses: [[pos({ field: "from", value: "fan88" })]] }],
  ["in:#Example_Channel", { clauses: [[pos({ field: "in", value: "example_channel" })]] }],
  ['in:"devchat"', { clauses: [[pos({ field: "in", value: "devchat" })]] }],
  ["mentions:someuser", { clauses: [[pos({ field: "mentions", value: "someuser" })]] }],
  ["has:link has:Emote -has:mention has:signal OR has:hit", {
    clauses: [
      [pos({ field: "has", value: "link" })],
      [pos({ field: "has", value: "emote" })],
      [neg({ field: "has", value: "mention" })],
      [pos({ field: "has", value: "signal" }), pos({ field: "has", value: "hit" })],
    ],
  }],
  ["is:deleted is:action OR is:first", {
    clauses: [
      [pos({ field: "is", value: "deleted" })],
      [pos({ field: "is", value: "action" }), pos({ field: "is", value: "first" })],
    ],
  }],
  ["after:2025-09-01 before:2025-09-02T06:00:00Z", {
    clauses: [],
    sinceMs: Date.parse("2025-09-01T00:00:00Z"),
    untilMs: Date.parse("2025-09-02T06:00:00Z"),
  }],
  ["after:2h", { clauses: [], sinceMs: NOW - 7_200_000 }],
  ["after:2025-08-20 after:2025-08-10 before:3d before:1d", {
    clauses: [],
    sinceMs: Date.parse("2025-08-20T00:00:00Z"),
    untilMs: NOW - 3 * 86_400_000,
  }],
  ["/^is (he|she)\\b/i", {
    clauses: [[pos({ field: "regex", source: "^is (he|she)\\b", flags: "i" })]],
  }],
  ["/a\\/b[/]/ -/x/ms", {
    clauses: [
      [pos({ field: "regex", source: "a\\/b[/]", flags: "" })],
      [neg({ field: "regex", source: "x", flags: "ms" })],
    ],
  }],
  ["https://example.com/x", { clauses: [[pos(text("https://example.com/x"))]] }],
  ["12:30 well-known a-", {
    clauses: [[pos(text("12:30"))], [pos(text("well-known"))], [pos(text("a-"))]],
  }],
  ["or Or", { clauses: [[pos(text("or"))], [pos(text("or"))]] }],
  ['"OR"', { clauses: [[pos(text("or"))]] }],
  ["-OR", { clauses: [[neg(text("or"))]] }],
  ["  spaced\tout\n", { clauses: [[pos(text("spaced"))], [pos(text("out"))]] }],
  ['"x" (paren) NEAR a*', {
    clauses: [[pos(text("x"))], [pos(text("(paren)"))], [pos(text("near"))], [pos(text("a*"))]],
  }],
];

Deno.test("parseQuery() reads each form into its typed query", async (t) => {
  for (const [input, expected] of TABLE) {
    await t.step(input, () => assert.deepEqual(parseQuery(input, { now: NOW }), expected));
  }
});

const ERRORS: Array<[string, string]> = [
  ["", "--query: 1:1: the query is empty"],
  ["   ", "--query: 1:1: the query is empty"],
  ["from: x", "--query: 1:6: 'from:' needs a value"],
  ["dating from:", "--query: 1:13: 'from:' needs a value"],
  ["in:", "--query: 1:4: 'in:' needs a value"],
  [
    "from:a.b",
    `--query: 1:6: 'from:' needs a login: login "a.b" may only hold letters, digits and _`,
  ],
  ["mentions:@", "--query: 1:10: 'mentions:' needs a login: empty login"],
  ["has:links", "--query: 1:5: 'has:' takes link, emote, mention, signal or hit, got 'links'"],
  ["is:banned", "--query: 1:4: 'is:' takes deleted, action or first, got 'banned'"],
  [
    "form:fan88",
    `--query: 1:1: unknown field 'form:' (fields: from, in, mentions, has, is, after, before; quote it to search for the text: "form:fan88")`,
  ],
  ["OR a", "--query: 1:1: 'OR' needs a term before it"],
  ["a OR", "--query: 1:3: 'OR' needs a term after it"],
  ["a OR OR b", "--query: 1:6: 'OR' needs a term before it"],
  ["a - b", "--query: 1:3: '-' needs a term right after it"],
  ['say "hi there', `--query: 1:5: unterminated phrase (no closing ")`],
  ['""', "--query: 1:1: empty phrase"],
  ['"a"b', "--query: 1:4: expected a space after the closing quote"],
  [
    "/me waves",
    `--query: 1:1: unterminated /regex/ (quote a word that starts with a slash: "/me")`,
  ],
  ["//", "--query: 1:1: empty /regex/"],
  ["/a/g", "--query: 1:4: regex flag 'g' is not one of i, m, s (each at most once)"],
  ["/a/ii", "--query: 1:5: regex flag 'i' is not one of i, m, s (each at most once)"],
  ["x /(a/", "--query: 1:3: invalid /regex/: /(a/: Unterminated group"],
  [
    "after:yesterday",
    `--query: 1:7: 'after:': cannot read "yesterday" as a time (ISO 8601 like 2025-09-02T12:00:00Z, a date like 2025-09-02, epoch ms, or relative like 30m, 2h, 7d)`,
  ],
  ["-after:2h", "--query: 1:1: 'after:' bounds the time and cannot be negated"],
  ["a OR before:2h", "--query: 1:6: 'before:' bounds the time and cannot be OR'ed"],
  ["after:2h OR a", "--query: 1:1: 'after:' bounds the time and cannot be OR'ed"],
  [
    "after:2025-09-02 before:2025-09-01",
    "--query: 1:1: 'after:' (2025-09-02T00:00:00.000Z) is later than 'before:' (2025-09-01T00:00:00.000Z)",
  ],
  ["a\nfrom:", "--query: 2:6: 'from:' needs a value"],
  ["日本語 from:", "--query: 1:10: 'from:' needs a value"],
];

Deno.test("parseQuery() names the line and column of every kind of mistake", async (t) => {
  for (const [input, message] of ERRORS) {
    await t.step(JSON.stringify(input), () => {
      assert.throws(() => parseQuery(input, { now: NOW }), QuerySyntaxError);
      try {
        parseQuery(input, { now: NOW });
      } catch (err) {
        assert.ok(err instanceof UsageError);
        assert.equal(err.exitCode, 2);
        assert.equal(err.message, message);
      }
    });
  }
});

Deno.test("parseQuery() refuses message-only fields for events, at their column", () => {
  assert.throws(
    () => parseQuery("raid -has:link", { target: "events", label: "q" }),
    { message: "q: 1:7: 'has:' does not apply to events" },
  );
  assert.throws(
    () => parseQuery("is:deleted", { target: "events" }),
    { message: "--query: 1:1: 'is:' does not apply to events" },
  );
  assert.throws(
    () => parseQuery("mentions:x", { target: "events" }),
    { message: "--query: 1:1: 'mentions:' does not apply to events" },
  );
  assert.deepEqual(parseQuery("from:a in:b raid /x/", { target: "events" }).clauses.length, 4);
});

const termArb: fc.Arbitrary<Term> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => ({
    field: "text" as const,
    value: s.toLowerCase().toWellFormed().replaceAll("\0", "\uFFFD"),
  })),
  fc.constantFrom("fan88", "a", "x_1").map((value) => ({ field: "from" as const, value })),
  fc.constantFrom("devchat", "c3").map((value) => ({ field: "in" as const, value })),
  fc.constantFrom("link", "emote", "mention", "signal", "hit" as const).map((value) => ({
    field: "has" as const,
    value,
  })),
  fc.constantFrom("deleted", "action", "first" as const).map((value) => ({
    field: "is" as const,
    value,
  })),
  fc.constantFrom("a+", "^x", "[/]", "\\/", "(a|b)").map((source) => ({
    field: "regex" as const,
    source,
    flags: "i",
  })),
);

Deno.test("formatQuery() writes what parseQuery() reads back unchanged", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.array(fc.record({ negated: fc.boolean(), term: termArb }), {
          minLength: 1,
          maxLength: 3,
        }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      (clauses) => {
        const q: QueryFilter = JSON.parse(JSON.stringify({ clauses }));
        const back = parseQuery(formatQuery(q));
        assert.deepEqual(back, q);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("parseQuery() never throws anything but QuerySyntaxError", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (s) => {
      try {
        parseQuery(s, { now: NOW });
      } catch (e) {
        if (!(e instanceof QuerySyntaxError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
});
