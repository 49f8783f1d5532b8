import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import {
  buildQuery,
  parseTimeBound,
  type SearchQuery,
  searchTerms,
} from "../../src/query/search.ts";
import { scanSearch, search } from "../../src/store/embedded/message_search.ts";
import { matchesMessage } from "../../src/store/message_query.ts";
import { UsageError } from "../../src/errors.ts";
import { catchUpDerived, rebuildDerived } from "../../src/store/embedded/derived_writer.ts";
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

/** The answer by definition: filter everything, sort newest first then by id, cut. */
function reference(all: Message[], q: SearchQuery): string[] {
  return all
    .filter((m) => matchesMessage(m, Date.parse(m.ts), q, { deleted: new Set() }))
    .sort((a, b) =>
      Date.parse(b.ts) - Date.parse(a.ts) ||
      (a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0)
    )
    .slice(0, q.limit)
    .map((m) => m.message_id);
}

/** The query of the old flags' shape (`by`, `terms`): as buildQuery makes it from flags. */
interface Legacy {
  by?: { kind: "user" | "channel"; value: string };
  sinceMs?: number;
  untilMs?: number;
  terms: string[];
  limit: number;
}

function legacy(l: Legacy): SearchQuery {
  const q: SearchQuery = { clauses: [], limit: l.limit };
  if (l.by) {
    q.clauses.push([{
      negated: false,
      term: { field: l.by.kind === "user" ? "from" : "in", value: l.by.value },
    }]);
  }
  for (const value of l.terms) q.clauses.push([{ negated: false, term: { field: "text", value } }]);
  if (l.sinceMs !== undefined) q.sinceMs = l.sinceMs;
  if (l.untilMs !== undefined) q.untilMs = l.untilMs;
  return q;
}

const ids = (ms: Message[]) => ms.map((m) => m.message_id);
const BASE = Date.parse("2025-09-02T12:00:00.000Z");

const queryArb: fc.Arbitrary<SearchQuery> = fc.record({
  by: fc.option(
    fc.record({
      kind: fc.constantFrom("user" as const, "channel" as const),
      value: fc.constantFrom("someuser", "fan88", "a", "example_channel", "devchat", "nobody"),
    }),
    { nil: undefined },
  ),
  since: fc.option(fc.integer({ min: -5, max: 65 }), { nil: undefined }),
  until: fc.option(fc.integer({ min: -5, max: 65 }), { nil: undefined }),
  needles: fc.array(needleArb, { maxLength: 2 }),
  limit: fc.integer({ min: 1, max: 30 }),
}).map((r) => {
  const q: Legacy = { terms: r.needles.flatMap(searchTerms), limit: r.limit };
  if (r.by) q.by = r.by;
  if (r.since !== undefined) q.sinceMs = BASE + r.since * 1000;
  if (r.until !== undefined) q.untilMs = BASE + r.until * 1000;
  return legacy(q);
});

Deno.test("search() through the index equals a scan of the log, for any query and split", async () => {
  await using dir = await tempDir();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(messageArb, { minLength: 0, maxLength: 60, size: "medium" }),
      fc.array(fc.nat(60), { maxLength: 4 }),
      fc.nat(60),
      fc.array(queryArb, { minLength: 1, maxLength: 8 }),
      async (raw, cuts, indexedCount, queries) => {
        const dataDir = join(dir.path, `d${run++}`);
        const all = withIds(raw, "m", run % 2 === 0);
        const indexed = all.slice(0, Math.min(indexedCount, all.length));
        const tail = all.slice(indexed.length);
        // The index covers the first part; the rest is a tail it has not seen yet.
        await appendBatches(dataDir, splitAt(indexed, cuts));
        await catchUpDerived(dataDir, { profiles: false });
        await appendBatches(dataDir, splitAt(tail, cuts));
        for (const q of queries) {
          const viaIndex = await search(dataDir, q);
          const viaScan = await scanSearch(dataDir, q);
          if (all.length > 0) assert.equal(viaIndex.via, "index");
          assert.deepEqual(ids(viaIndex.messages), ids(viaScan));
          assert.deepEqual(viaIndex.messages, viaScan);
          assert.deepEqual(ids(viaScan), reference(all, q));
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("search() is exact on the index for common and rare needles over many rows", async () => {
  await using dir = await tempDir();
  // Enough rows that a common needle passes the FTS cap and is answered by a walk by time.
  const all = withIds(
    Array.from({ length: 9000 }, (_, i) =>
      msg({
        ts: new Date(BASE + Math.floor(i / 3) * 1000).toISOString(),
        user_name: i % 7 === 0 ? "someuser" : `u${i % 50}`,
        channel: i % 2 ? "devchat" : "example_channel",
        text: i % 997 === 0 ? "is he still DATING sara?" : `the speedrun number ${i % 13} go`,
      })),
  );
  await appendBatches(dir.path, [all]);
  await rebuildDerived(dir.path, { profiles: false });
  const queries: Legacy[] = [
    { terms: ["speedrun"], limit: 20 },
    { terms: ["dating"], limit: 20 },
    { terms: ["dating", "sara"], limit: 3 },
    { terms: ["go"], limit: 5 },
    { terms: ["number", "1"], limit: 50 },
    { by: { kind: "user", value: "someuser" }, terms: ["speedrun"], limit: 20 },
    {
      by: { kind: "channel", value: "devchat" },
      sinceMs: BASE + 600_000,
      untilMs: BASE + 900_000,
      terms: [],
      limit: 40,
    },
    { sinceMs: BASE + 2_999_000, terms: [], limit: 20 },
    { terms: ["nowhere"], limit: 20 },
  ];
  for (const l of queries) {
    const q = legacy(l);
    const r = await search(dir.path, q);
    assert.equal(r.via, "index");
    assert.deepEqual(ids(r.messages), reference(all, q), JSON.stringify(q));
  }
});

Deno.test("search() is exact on the index when the log is out of time order (old chat imported late)", async () => {
  await using dir = await tempDir();
  // Rows of many needles' matches (past the FTS probe), in time order but for two blocks: the
  // newest second of chat written first, and an old hour written last. The newest candidates
  // by log position are then not the newest in time, which the index must notice.
  const make = (i: number, sec: number) =>
    msg({
      ts: new Date(BASE + sec * 1000).toISOString(),
      user_name: `u${i % 40}`,
      channel: i % 3 ? "devchat" : "example_channel",
      text: i % 5 === 0 ? `clutch and insane play ${i}` : `speedrun clutch ${i % 11}`,
    });
  const inOrder = Array.from({ length: 3000 }, (_, i) => make(i, 100 + Math.floor(i / 2)));
  const newestFirst = Array.from({ length: 40 }, (_, i) => make(5000 + i, 5000));
  const oldLast = Array.from({ length: 300 }, (_, i) => make(7000 + i, Math.floor(i / 4)));
  const all = withIds([...newestFirst, ...inOrder, ...oldLast]);
  await appendBatches(dir.path, [all]);
  await rebuildDerived(dir.path, { profiles: false });
  const queries: Legacy[] = [
    { terms: ["clutch"], limit: 20 },
    { terms: ["clutch"], limit: 60 },
    { terms: ["clutch", "insane"], limit: 20 },
    { terms: ["speedrun"], limit: 10 },
    { terms: ["clutch"], untilMs: BASE + 1_000_000, limit: 20 },
    { terms: ["clutch"], untilMs: BASE + 60_000, limit: 20 },
    { terms: ["insane"], sinceMs: BASE + 500_000, limit: 30 },
  ];
  for (const l of queries) {
    const q = legacy(l);
    const r = await search(dir.path, q);
    assert.equal(r.via, "index");
    assert.deepEqual(ids(r.messages), reference(all, q), JSON.stringify(q));
  }
});

Deno.test("search() treats FTS syntax in needles as literal text", async () => {
  await using dir = await tempDir();
  const all = withIds([
    msg({ text: 'he said "NEAR" (twice) a*b' }),
    msg({ text: "near and far" }),
    msg({ text: "ab" }),
  ]);
  await appendBatches(dir.path, [all]);
  await rebuildDerived(dir.path, { profiles: false });
  for (
    const [needle, want] of [
      ['"NEAR"', ["m00000"]],
      ["(twice)", ["m00000"]],
      ["a*b", ["m00000"]],
      ["near", ["m00000", "m00001"]],
      ["NEAR(", []],
      ['"', ["m00000"]],
    ] as const
  ) {
    const q = buildQuery({ contains: needle });
    const r = await search(dir.path, q);
    assert.equal(r.via, "index");
    assert.deepEqual(ids(r.messages).sort(), [...want], needle);
  }
});

Deno.test("search() notices a rewritten log and never answers from a stale index", async () => {
  await using dir = await tempDir();
  const l = layout(dir.path);
  const first = withIds([
    msg({ text: "alpha one", user_name: "fan88" }),
    msg({ text: "beta two" }),
  ]);
  await appendBatches(dir.path, [first]);
  await rebuildDerived(dir.path, { profiles: false });
  // Rewrite the log as `forget --user fan88` would: same path, new content, shorter.
  const kept = first.filter((m) => m.user_name !== "fan88");
  await Deno.writeTextFile(l.messages + ".new", kept.map((m) => JSON.stringify(m) + "\n").join(""));
  await Deno.rename(l.messages + ".new", l.messages);
  const r = await search(dir.path, buildQuery({ contains: "alpha" }));
  assert.deepEqual(r.messages, []);
  const all = await search(dir.path, buildQuery({}));
  assert.deepEqual(ids(all.messages), ids(kept));
});

Deno.test("search() without an index file, or with a broken one, answers by scanning", async () => {
  await using dir = await tempDir();
  const all = withIds([msg({ text: "hello there" }), msg({ text: "general kenobi" })]);
  await appendBatches(dir.path, [all]);
  let r = await search(dir.path, buildQuery({ contains: "kenobi" }));
  assert.equal(r.via, "scan");
  assert.deepEqual(ids(r.messages), ["m00001"]);
  await Deno.writeTextFile(layout(dir.path).index, "not a database");
  r = await search(dir.path, buildQuery({ contains: "hello" }));
  assert.equal(r.via, "scan");
  assert.deepEqual(ids(r.messages), ["m00000"]);
});

Deno.test("search() skips lines that are not message records, on both paths", async () => {
  await using dir = await tempDir();
  const l = layout(dir.path);
  await Deno.mkdir(join(dir.path, "logs"), { recursive: true });
  const good = withIds([msg({ text: "one" }), msg({ text: "two" })]);
  await Deno.writeTextFile(
    l.messages,
    [JSON.stringify(good[0]), "{not json", '{"ts":"yesterday"}', JSON.stringify(good[1])].join(
      "\n",
    ) +
      "\n" + '{"partial":',
  );
  await rebuildDerived(dir.path, { profiles: false });
  const q = buildQuery({});
  const r = await search(dir.path, q);
  assert.equal(r.via, "index");
  assert.deepEqual(ids(r.messages), ["m00000", "m00001"]);
  assert.deepEqual(ids(await scanSearch(dir.path, q)), ["m00000", "m00001"]);
});

Deno.test("parseTimeBound() reads ISO 8601, dates, epoch ms and relative forms", () => {
  const now = Date.parse("2025-09-10T00:00:00.000Z");
  assert.equal(parseTimeBound("2025-09-02T12:00:00Z", "--since", now), BASE);
  assert.equal(parseTimeBound("2025-09-02T14:00:00+02:00", "--since", now), BASE);
  assert.equal(parseTimeBound("2025-09-02T12:00:00", "--since", now), BASE);
  assert.equal(parseTimeBound("2025-09-02", "--since", now), Date.parse("2025-09-02T00:00:00Z"));
  assert.equal(parseTimeBound(String(BASE), "--since", now), BASE);
  assert.equal(parseTimeBound("2h", "--since", now), now - 7_200_000);
  assert.equal(parseTimeBound("7d", "--since", now), now - 7 * 86_400_000);
  assert.equal(parseTimeBound("30m", "--since", now), now - 1_800_000);
  assert.throws(
    () => parseTimeBound("yesterday", "--since", now),
    /--since: cannot read "yesterday"/,
  );
  assert.throws(() => parseTimeBound("2025-13-45", "--until", now), UsageError);
});

Deno.test("buildQuery() rejects bad input with usage errors that say what is wrong", () => {
  const bad: Array<[Parameters<typeof buildQuery>[0], RegExp]> = [
    [{ by: "users", value: "x" }, /--by must be "user" or "channel"/],
    [{ by: "user" }, /--by user needs --value/],
    [{ value: "x" }, /--value needs --by/],
    [{ by: "user", value: "bad name!" }, /--value: login/],
    [{ since: "soon" }, /--since: cannot read/],
    [{ since: "2025-09-03", until: "2025-09-02" }, /--since .* is after --until/],
    [{ limit: "0" }, /--limit must be at least 1/],
    [{ limit: "-3" }, /--limit must be at least 1/],
    [{ limit: "ten" }, /--limit must be a whole number/],
    [{ contains: "   " }, /--contains needs some text/],
  ];
  for (const [o, re] of bad) {
    assert.throws(
      () => buildQuery(o),
      (e) => e instanceof UsageError && re.test(e.message),
      JSON.stringify(o),
    );
  }
  const q = buildQuery({ by: "user", value: "@SomeUser", contains: "Still  DATING", limit: "5" });
  assert.deepEqual(
    q,
    legacy({
      by: { kind: "user", value: "someuser" },
      terms: ["still", "dating"],
      limit: 5,
    }),
  );
  assert.equal(buildQuery({}).limit, 20);
  // since == until is an empty window, not an error
  assert.doesNotThrow(() => buildQuery({ since: "2025-09-02", until: "2025-09-02" }));
});

Deno.test("search() keeps its read connection only while the index file is the same", async () => {
  await using dir = await tempDir();
  const l = layout(dir.path);
  const first = withIds(
    Array.from({ length: 30 }, (_, i) => msg({ text: `alpha speedrun ${i}`, user_name: "u1" })),
    "a",
  );
  await appendBatches(dir.path, [first]);
  await rebuildDerived(dir.path, { profiles: false });
  const q = legacy({ by: { kind: "user", value: "u1" }, terms: ["speedrun"], limit: 5 });
  assert.deepEqual(ids((await search(dir.path, q)).messages), reference(first, q));
  // As forget does: a new log, the index files deleted and rebuilt (a new inode).
  const second = withIds(
    Array.from({ length: 30 }, (_, i) => msg({ text: `beta speedrun ${i}`, user_name: "u1" })),
    "b",
  );
  for (const f of [l.messages, l.index, `${l.index}-wal`, `${l.index}-shm`]) {
    await Deno.remove(f).catch(() => {});
  }
  await appendBatches(dir.path, [second]);
  await rebuildDerived(dir.path, { profiles: false });
  const r = await search(dir.path, q);
  assert.equal(r.via, "index");
  assert.deepEqual(ids(r.messages), reference(second, q));
  assert.deepEqual(ids(r.messages), ids(await scanSearch(dir.path, q)));
});
