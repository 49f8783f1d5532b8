import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { scanSearch, search } from "../../src/store/embedded/message_search.ts";
import type { SearchQuery } from "../../src/query/search.ts";
import { formatQuery, parseQuery } from "../../src/query/query_language.ts";
import { matchesMessage, type QueryFilter, type Term } from "../../src/store/message_query.ts";
import { regexLiterals } from "../../src/store/embedded/regex_literals.ts";
import { fold } from "../../src/normalize.ts";
import { catchUpDerived } from "../../src/store/embedded/derived_writer.ts";
import { layout } from "../../src/store/layout.ts";
import type { Message } from "../../src/schemas.ts";
import {
  appendBatches,
  messageArb,
  msg,
  needleArb,
  splitAt,
  withIds,
} from "../support/messages.ts";
import { tempDir } from "../support/cli.ts";

const BASE = Date.parse("2025-09-02T12:00:00.000Z");

function order(a: Message, b: Message): number {
  return Date.parse(b.ts) - Date.parse(a.ts) ||
    (a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0);
}

/** Every match of `q`, in result order, by definition. */
function reference(all: Message[], q: QueryFilter, deleted: ReadonlySet<string>): string[] {
  return all.filter((m) => matchesMessage(m, Date.parse(m.ts), q, { deleted })).sort(order)
    .map((m) => m.message_id);
}

const REGEXES: Array<[string, string]> = [
  ["dat(ing)?", ""],
  ["^is", ""],
  ["SARA\\b", "i"],
  ["[0-9]+", ""],
  ["(he|she) still", "i"],
  ["kekw|lol", "i"],
  ["s.r", ""],
  ["stra(ss|ß)e", "i"],
  ["speedrun", "i"],
  ["still dating", ""],
  ["example\\.com\\/x", ""],
  ["\\bdating\\b", ""],
  ["ü", "i"],
];

const termArb: fc.Arbitrary<Term> = fc.oneof(
  { weight: 4, arbitrary: needleArb.map((n) => ({ field: "text" as const, value: fold(n) })) },
  fc.constantFrom("someuser", "fan88", "a", "nobody").map((value) => ({
    field: "from" as const,
    value,
  })),
  fc.constantFrom("example_channel", "devchat", "c3").map((value) => ({
    field: "in" as const,
    value,
  })),
  fc.constantFrom("mod", "sara", "x").map((value) => ({ field: "mentions" as const, value })),
  fc.constantFrom("link", "emote", "mention", "signal", "hit" as const).map((value) => ({
    field: "has" as const,
    value,
  })),
  fc.constantFrom("deleted", "action", "first" as const).map((value) => ({
    field: "is" as const,
    value,
  })),
  {
    weight: 2,
    arbitrary: fc.constantFrom(...REGEXES).map(([source, flags]) => ({
      field: "regex" as const,
      source,
      flags,
    })),
  },
);

/** A query of the language: written out as text, then parsed, as a user's would be. */
const languageArb: fc.Arbitrary<SearchQuery> = fc.record({
  clauses: fc.array(
    fc.array(fc.record({ negated: fc.boolean(), term: termArb }), { minLength: 1, maxLength: 3 }),
    { minLength: 1, maxLength: 3 },
  ),
  since: fc.option(fc.integer({ min: -5, max: 65 }), { nil: undefined }),
  until: fc.option(fc.integer({ min: -5, max: 65 }), { nil: undefined }),
  limit: fc.integer({ min: 1, max: 25 }),
  offset: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
}).map((r) => {
  const typed: QueryFilter = JSON.parse(JSON.stringify({ clauses: r.clauses }));
  let text = formatQuery(typed);
  if (r.since !== undefined) text += ` after:${new Date(BASE + r.since * 1000).toISOString()}`;
  if (r.until !== undefined && (r.since === undefined || r.until >= r.since)) {
    text += ` before:${new Date(BASE + r.until * 1000).toISOString()}`;
  }
  const q: SearchQuery = { ...parseQuery(text), limit: r.limit };
  if (r.offset !== undefined) q.offset = r.offset;
  return q;
});

/** Messages with the fields has:/is: look at, now and then. */
const richMessageArb = fc.record({
  m: messageArb,
  action: fc.boolean(),
  first: fc.boolean(),
  hit: fc.boolean(),
}).map(({ m, action, first, hit }) => {
  const out: Message = { ...m };
  if (action) out.action = true;
  if (first) out.first_msg = true;
  if (hit) out.hits = [{ subject_key: "username_someuser", how: "author" }];
  return out;
});

/** Marks messages as deleted in chat, as CLEARMSG events in the event log. */
async function deleteInChat(dataDir: string, ms: readonly Message[]): Promise<void> {
  if (ms.length === 0) return;
  const lines = ms.map((m, i) =>
    JSON.stringify({
      kind: "clearmsg",
      ts: m.ts,
      channel: m.channel,
      event_id: `e${i}`,
      target_message_id: m.message_id,
      user_name: m.user_name,
      text: m.text,
      source: "fixture",
    }) + "\n"
  );
  await Deno.writeTextFile(layout(dataDir).events, lines.join(""), { append: true });
}

Deno.test("search() answers every query of the language alike through the index and a scan, with the same totals", async () => {
  await using dir = await tempDir();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(richMessageArb, { minLength: 0, maxLength: 60, size: "medium" }),
      fc.array(fc.nat(60), { maxLength: 3 }),
      fc.nat(60),
      fc.array(fc.nat(59), { maxLength: 6 }),
      fc.array(languageArb, { minLength: 1, maxLength: 6 }),
      async (raw, cuts, indexedCount, deletedAt, queries) => {
        const dataDir = join(dir.path, `d${run++}`);
        const all = withIds(raw, "m", run % 2 === 0);
        const indexed = all.slice(0, Math.min(indexedCount, all.length));
        const tail = all.slice(indexed.length);
        await appendBatches(dataDir, splitAt(indexed, cuts));
        await catchUpDerived(dataDir, { profiles: false });
        await appendBatches(dataDir, splitAt(tail, cuts));
        const deleted = all.filter((_, i) => deletedAt.includes(i));
        await deleteInChat(dataDir, deleted);
        const deletedIds = new Set(deleted.map((m) => m.message_id));
        for (const q of queries) {
          const every = reference(all, q, deletedIds);
          const from = q.offset ?? 0;
          const viaIndex = await search(dataDir, q, { total: true });
          const viaScan = await search(dataDir, q, { total: true, scan: true });
          const label = formatQuery(q);
          if (all.length > 0) assert.equal(viaIndex.via, "index");
          assert.deepEqual(ids(viaIndex.messages), every.slice(from, from + q.limit), label);
          assert.deepEqual(viaIndex.messages, viaScan.messages, label);
          assert.deepEqual(ids(await scanSearch(dataDir, q)), ids(viaScan.messages));
          assert.equal(viaIndex.total, every.length, label);
          assert.equal(viaScan.total, every.length, label);
          assert.ok(viaIndex.totalExact && viaIndex.complete);
        }
      },
    ),
    { numRuns: 60 },
  );
});

const ids = (ms: Message[]) => ms.map((m) => m.message_id);

Deno.test("search() over many rows: every shape through the index equals the reference, with totals and pages", async () => {
  await using dir = await tempDir();
  const all = withIds(
    Array.from({ length: 6000 }, (_, i) => {
      const m = msg({
        ts: new Date(BASE + Math.floor(i / 3) * 1000).toISOString(),
        user_name: i % 7 === 0 ? "someuser" : `u${i % 50}`,
        channel: i % 2 ? "devchat" : "example_channel",
        text: i % 997 === 0
          ? "is he still DATING sara?"
          : i % 11 === 0
          ? `look https://clips.example/${i} lol`
          : `the speedrun number ${i % 13} go`,
        mentions: i % 17 === 0 ? ["sara"] : [],
        urls: i % 11 === 0 ? [`https://clips.example/${i}`] : [],
      });
      if (i % 29 === 0) m.action = true;
      return m;
    }),
  );
  await appendBatches(dir.path, [all]);
  await catchUpDerived(dir.path, { profiles: false });
  const texts = [
    "speedrun",
    "dating",
    "speedrun -lol",
    "speedrun number OR lol",
    '"number 12 go"',
    "-speedrun",
    "from:someuser speedrun",
    "in:devchat after:2025-09-02T12:10:00Z before:2025-09-02T12:20:00Z",
    "/number 1[0-2] go/",
    "/dat(ing)? sara/i",
    "/(clips|nothing)\\.example/ in:example_channel",
    "has:link -in:devchat",
    "is:action from:someuser OR from:u3",
    "mentions:sara speedrun",
    "-from:someuser -in:devchat lol",
    // A channel's common needle: its rows in the window intersected with FTS matches.
    "in:devchat lol",
    "in:example_channel after:2025-09-02T12:05:00Z before:2025-09-02T12:50:00Z speedrun",
    "in:example_channel after:2025-09-02T12:00:00Z before:2025-09-02T13:00:00Z /clips\\.example\\/\\d+0 lol/",
  ];
  for (const text of texts) {
    for (const [limit, offset] of [[20, 0], [7, 13], [500, 0]] as const) {
      const q: SearchQuery = { ...parseQuery(text), limit, offset };
      const every = reference(all, q, new Set());
      const r = await search(dir.path, q, { total: true });
      assert.equal(r.via, "index");
      assert.deepEqual(ids(r.messages), every.slice(offset, offset + limit), text);
      assert.equal(r.total, every.length, text);
      // A count on a budget that does not run out is exact too (a plan the index cannot
      // check alone counts the planner's candidates, checked on their records).
      const b = await search(dir.path, q, { total: { budgetMs: 1e9 } });
      assert.deepEqual(ids(b.messages), ids(r.messages), text);
      assert.equal(b.total, every.length, text);
      assert.equal(b.totalExact, true, text);
    }
  }
});

Deno.test("search() says when a regex's time budget ran out, and what it found by then", async () => {
  await using dir = await tempDir();
  const all = withIds(Array.from({ length: 3000 }, (_, i) => msg({ text: `line ${i} aaaa` })));
  await appendBatches(dir.path, [all]);
  await catchUpDerived(dir.path, { profiles: false });
  let t = 0;
  // A clock that moves a second each time it is read: the budget runs out at the first check.
  const now = () => (t += 1000);
  const q: SearchQuery = { ...parseQuery("/line 1\\d* aaaa/"), limit: 5000 };
  for (const scan of [false, true]) {
    const r = await search(dir.path, q, { scan, regexBudgetMs: 500, now });
    assert.equal(r.complete, false);
    assert.match(r.note ?? "", /time budget ran out: results may be incomplete/);
  }
  const full = await search(dir.path, q);
  assert.equal(full.complete, true);
  assert.equal(full.note, undefined);
});

Deno.test("search() counts within a budget and says when the total is a lower bound", async () => {
  await using dir = await tempDir();
  const all = withIds(Array.from({ length: 20000 }, (_, i) => msg({ text: `row ${i} kappa` })));
  await appendBatches(dir.path, [all]);
  await catchUpDerived(dir.path, { profiles: false });
  let t = 0;
  const now = () => (t += 1000);
  const q: SearchQuery = { ...parseQuery("kappa"), limit: 20 };
  // SQLite counts an exact plan in passes (1,000 rows here, then 4,000, ...): the clock says
  // each pass took a second, so the second pass would not end within the budget.
  const cut = await search(dir.path, q, { total: { budgetMs: 500 }, now, firstCountCap: 1000 });
  assert.equal(cut.messages.length, 20);
  assert.equal(cut.totalExact, false);
  assert.equal(cut.total, 1000);
  // A generous budget counts on, pass by pass, to the exact figure.
  const far = await search(dir.path, q, {
    total: { budgetMs: 1_000_000 },
    now,
    firstCountCap: 1000,
  });
  assert.equal(far.total, 20000);
  assert.equal(far.totalExact, true);
  const exact = await search(dir.path, q, { total: true });
  assert.equal(exact.total, 20000);
  assert.equal(exact.totalExact, true);
});

Deno.test("regexLiterals() draws only literals every match holds", () => {
  const table: Array<[string, string, string[]]> = [
    ["zeppelin route", "", ["zeppelin route"]],
    ["Zeppelin", "i", ["zeppelin"]],
    ["\\bdating (him|her)\\b", "", ["dating "]],
    ["a|zeppelin", "", []],
    ["colou?r", "", ["colo"]],
    ["abc*def", "", ["def"]],
    ["abc+def", "", ["abc", "def"]],
    ["x{2}yyyy", "", ["yyyy"]],
    ["[abc]def\\dghi", "", ["def", "ghi"]],
    ["\\x41bcd", "", ["bcd"]],
    ["\\u0041bcd", "", ["bcd"]],
    ["\\.com\\/x", "", [".com/x"]],
    ["straße", "i", ["stra"]],
    ["ΟΣΑ", "", []],
    ["(?=abc)def", "", ["def"]],
    ["a.bcd$", "", ["bcd"]],
  ];
  for (const [source, flags, want] of table) {
    assert.deepEqual(regexLiterals(source, flags), want, source);
  }
  // Every drawn literal is in the folded text of any match.
  fc.assert(
    fc.property(
      fc.constantFrom(...REGEXES, ["Straße", "i"] as [string, string], ["[Ss]ara", ""] as [
        string,
        string,
      ]),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      ([source, flags], text) => {
        const m = new RegExp(source, flags).exec(text);
        if (m === null) return;
        for (const lit of regexLiterals(source, flags)) assert.ok(fold(text).includes(lit));
      },
    ),
  );
});
