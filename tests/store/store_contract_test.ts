/**
 * The Store contract: the same scenarios, with the same expected results, against the
 * embedded store and the PostgreSQL store (a private PostgreSQL, see support/postgres.ts), and
 * a parity property: random messages and queries give identical outputs on both.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { openStore, type Store } from "../../src/store/store.ts";
import type { ChatEvent } from "../../src/schemas.ts";
import { searchMessages, type SearchQuery, searchTerms } from "../../src/query/search.ts";
import { searchEvents } from "../../src/query/events.ts";
import { EVENT_FIELDS, type Literal, only, type Term } from "../../src/store/message_query.ts";
import { fold } from "../../src/normalize.ts";
import { listProfiles, readProfile } from "../../src/query/profiles.ts";
import { readHits } from "../../src/query/hits.ts";
import { compileRule } from "../../src/privacy/forget_rule.ts";
import { forgetPlan } from "../../src/privacy/forget_decisions.ts";
import {
  messageArb,
  msg,
  needleArb,
  readTree,
  relSignal,
  splitAt,
  withIds,
} from "../support/messages.ts";
import { tempDir } from "../support/cli.ts";
import { postgresOrSkip } from "../support/postgres.ts";

const pg = await postgresOrSkip();
const BASE = Date.parse("2025-09-02T12:00:00.000Z");

/** A way to open a Store over a data dir; each call is a fresh, empty store. */
interface Flavour {
  name: string;
  ignore: boolean;
  open(dataDir: string): Promise<Store>;
}

const FLAVOURS: Flavour[] = [
  { name: "embedded", ignore: false, open: (dataDir) => openStore({ dataDir }) },
  {
    name: "postgres",
    ignore: pg === null,
    open: async (dataDir) => openStore({ dataDir, databaseUrl: await pg!.database("contract") }),
  },
];

const termArb: fc.Arbitrary<Term> = fc.oneof(
  { weight: 3, arbitrary: needleArb.map((n) => ({ field: "text" as const, value: fold(n) })) },
  fc.constantFrom("someuser", "fan88", "a").map((value) => ({ field: "from" as const, value })),
  fc.constantFrom("example_channel", "devchat").map((value) => ({ field: "in" as const, value })),
  fc.constantFrom("mod", "sara").map((value) => ({ field: "mentions" as const, value })),
  fc.constantFrom("link", "emote", "mention" as const).map((value) => ({
    field: "has" as const,
    value,
  })),
  fc.constantFrom(["(he|she) still", "i"], ["[0-9]+", ""], ["s.r", ""]).map(([source, flags]) => ({
    field: "regex" as const,
    source: source!,
    flags: flags!,
  })),
);

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
  // Clauses SQL cannot narrow by (checked on each candidate): negations, ORs, other fields.
  extra: fc.array(
    fc.array(fc.record({ negated: fc.boolean(), term: termArb }), { minLength: 1, maxLength: 2 }),
    { maxLength: 2 },
  ),
  limit: fc.integer({ min: 1, max: 30 }),
  offset: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
}).map((r) => {
  const clauses: Literal[][] = r.needles.flatMap(searchTerms).map((value) =>
    only({ field: "text", value })
  );
  if (r.by) {
    clauses.unshift(only({ field: r.by.kind === "user" ? "from" : "in", value: r.by.value }));
  }
  const q: SearchQuery = { clauses: [...clauses, ...r.extra], limit: r.limit };
  if (r.offset !== undefined) q.offset = r.offset;
  if (r.since !== undefined) q.sinceMs = BASE + r.since * 1000;
  if (r.until !== undefined) q.untilMs = BASE + r.until * 1000;
  return q;
});

function event(i: number, over: Partial<ChatEvent> = {}): ChatEvent {
  return {
    kind: "usernotice",
    ts: new Date(BASE + i * 1000).toISOString(),
    channel: "example_channel",
    event_id: `e${String(i).padStart(4, "0")}`,
    notice: "sub",
    user_name: "fan88",
    user_id: "2",
    text: `thanks for the sub number ${i}`,
    system_text: "fan88 subscribed at Tier 1.",
    params: {},
    source: "fixture",
    ...over,
  } as ChatEvent;
}

/** Everything a view can read from a store, as one comparable value. */
async function everything(store: Store, queries: readonly SearchQuery[]): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const [i, q] of queries.entries()) {
    const page = await searchMessages(store, q, { total: true });
    out[`q${i}`] = { messages: page.messages, total: page.total };
  }
  for (const kind of ["user", "channel"] as const) {
    const names = await listProfiles(store, kind);
    out[`${kind}s`] = names;
    // A listed name may not be readable (a person filed under `person:<key>` is listed by the
    // login it shows, which another person may hold): both stores must answer alike.
    for (const n of names) {
      out[`${kind}:${n}`] = await readProfile(store, kind, n).catch((e: unknown) =>
        `error: ${(e as Error).name}`
      );
    }
  }
  out.events = await searchEvents(store, { clauses: [], limit: 1000 });
  for (const [i, q] of queries.entries()) {
    // Events answer the event fields of the same query (text, from:, in:, regex).
    const clauses = q.clauses.filter((c) => c.every((l) => EVENT_FIELDS.has(l.term.field)));
    out[`e${i}`] = await searchEvents(store, { ...q, clauses });
  }
  out.deletions = [...(await store.deletions())].sort();
  out.hits = await readHits(store, {});
  return out;
}

for (const f of FLAVOURS) {
  Deno.test({
    name: `Store (${f.name}): appends are idempotent and return only what was new`,
    ignore: f.ignore,
    async fn() {
      await using dir = await tempDir();
      const store = await f.open(dir.path);
      try {
        const all = withIds([msg({ text: "one" }), msg({ text: "two" }), msg({ text: "three" })]);
        const first = await store.appendMessages(all.slice(0, 2));
        assert.deepEqual(first.written.map((m) => m.message_id), ["m00000", "m00001"]);
        const second = await store.appendMessages(all);
        assert.deepEqual(second.written.map((m) => m.message_id), ["m00002"]);
        assert.equal(second.duplicates, 2);
        const e1 = await store.appendEvents([event(1), event(2)]);
        const e2 = await store.appendEvents([event(2), event(3)]);
        assert.equal(e1.written.length + e2.written.length, 3);
        const page = await store.searchMessages({ clauses: [], limit: 10 });
        assert.equal(page.messages.length, 3);
      } finally {
        await store.close();
      }
    },
  });

  Deno.test({
    name: `Store (${f.name}): messagesSince hands out what is stored after the cursor, once`,
    ignore: f.ignore,
    async fn() {
      await using dir = await tempDir();
      const store = await f.open(dir.path);
      try {
        const all = withIds([
          msg({ text: "before" }),
          msg({ text: "one" }),
          msg({ text: "two" }),
          msg({ text: "three" }),
        ]);
        await store.appendMessages(all.slice(0, 1));
        const start = await store.messagesSince(null);
        assert.deepEqual(start.messages, []);
        await store.appendMessages(all.slice(1, 3));
        const a = await store.messagesSince(start.cursor);
        assert.deepEqual(a.messages.map((m) => m.text), ["one", "two"]);
        assert.deepEqual((await store.messagesSince(a.cursor)).messages, []);
        // A duplicate is not stored again, so it is not handed out again.
        await store.appendMessages(all.slice(2));
        const b = await store.messagesSince(a.cursor);
        assert.deepEqual(b.messages.map((m) => m.text), ["three"]);
        assert.deepEqual(b.messages[0], all[3]);
      } finally {
        await store.close();
      }
    },
  });

  Deno.test({
    name: `Store (${f.name}): events, deletions and the opt-out list`,
    ignore: f.ignore,
    async fn() {
      await using dir = await tempDir();
      const store = await f.open(dir.path);
      try {
        await store.appendMessages(withIds([msg({ text: "deleted later" })]));
        await store.appendEvents([
          event(1),
          event(2, { user_name: "someuser", text: "Big HYPE" }),
          {
            kind: "clearmsg",
            ts: new Date(BASE + 5000).toISOString(),
            channel: "example_channel",
            event_id: "e-clear",
            target_message_id: "m00000",
            user_name: "someuser",
            text: "deleted later",
            source: "fixture",
          },
        ]);
        const hype = await store.searchEvents({
          clauses: [only({ field: "text", value: "hype" })],
          limit: 10,
        });
        assert.deepEqual(hype.events.map((e) => e.event_id), ["e0002"]);
        assert.equal(hype.total, 1);
        const clears = await store.searchEvents({ kind: "clearmsg", clauses: [], limit: 10 });
        assert.deepEqual(clears.events.map((e) => e.event_id), ["e-clear"]);
        assert.deepEqual([...(await store.deletions())], [[
          "m00000",
          new Date(BASE + 5000).toISOString(),
        ]]);
        const before = await store.optOutStamp();
        await store.writeOptOut({
          version: 1,
          optout: { users: ["fan88"], channels: ["devchat"] },
        });
        assert.notEqual(await store.optOutStamp(), before);
        assert.deepEqual(await store.readOptOut(), {
          version: 1,
          optout: { users: ["fan88"], channels: ["devchat"] },
        });
      } finally {
        await store.close();
      }
    },
  });

  Deno.test({
    name: `Store (${f.name}): profiles follow persons across renames and recycled logins`,
    ignore: f.ignore,
    async fn() {
      await using dir = await tempDir();
      const store = await f.open(dir.path);
      try {
        const at = (i: number) => new Date(BASE + i * 60_000).toISOString();
        await store.appendMessages(withIds([
          msg({ ts: at(0), user_name: "oldname", user_id: "100", text: "first" }),
          msg({ ts: at(1), user_name: "oldname", user_id: "100", text: "second" }),
          // #100 renames itself...
          msg({ ts: at(2), user_name: "newname", user_id: "100", text: "renamed" }),
          // ...and Twitch hands "oldname" to someone else.
          msg({ ts: at(3), user_name: "oldname", user_id: "200", text: "recycled" }),
          msg({ ts: at(4), user_name: "no_id_user", text: "no id" }),
        ]));
        assert.deepEqual(await listProfiles(store, "user"), ["newname", "no_id_user", "oldname"]);
        const renamed = await readProfile(store, "user", "newname");
        assert.equal(renamed.user_id, "100");
        assert.equal(renamed.message_count, 3);
        assert.deepEqual(
          (renamed.login_history as Array<{ login: string; message_count: number }>).map((
            h,
          ) => [h.login, h.message_count]),
          [["oldname", 2], ["newname", 1]],
        );
        const recycled = await readProfile(store, "user", "oldname");
        assert.equal(recycled.user_id, "200");
        assert.equal(recycled.message_count, 1);
        const spans = await store.loginSpans(["oldname"]);
        assert.deepEqual(
          spans.map((x) => `${x.person}:${x.login}:${x.count}`).sort(),
          ["#100:newname:1", "#100:oldname:2", "#200:oldname:1"],
        );
        // A search by person finds their messages under every login they used, and only theirs.
        const byPerson = async (...keys: string[]) =>
          (await store.searchMessages({
            clauses: [keys.map((value) => ({ negated: false, term: { field: "person", value } }))],
            limit: 10,
          })).messages.map((m) => m.text);
        assert.deepEqual(await byPerson("#100"), ["renamed", "second", "first"]);
        assert.deepEqual(await byPerson("#200", "no_id_user"), ["no id", "recycled"]);
        assert.deepEqual(await byPerson("#300"), []);
        // The files are placed the same way.
        await store.rebuild();
        const files = await readTree(join(dir.path, "profiles", "users"));
        assert.deepEqual([...files.keys()].sort(), [
          "newname.json",
          "no_id_user.json",
          "oldname.json",
        ]);
      } finally {
        await store.close();
      }
    },
  });

  Deno.test({
    name: `Store (${f.name}): forget removes the user everywhere and scrubs others' records`,
    ignore: f.ignore,
    async fn() {
      await using dir = await tempDir();
      const store = await f.open(dir.path);
      try {
        await store.appendMessages(withIds([
          msg({ text: "hi all", user_name: "zed_gone", user_id: "777001" }),
          msg({ text: "hey @zed_gone how are you", user_name: "fan88", mentions: ["zed_gone"] }),
          msg({
            text: "is he dating zed_gone?",
            user_name: "someuser",
            signals: [relSignal("zed_gone", "dating zed_gone")],
          }),
          msg({ text: "unrelated chatter", user_name: "fan88", channel: "devchat" }),
        ].map((m, i) => ({ ...m, ts: new Date(BASE + i * 1000).toISOString() }))));
        await store.catchUp();
        const rule = compileRule({ users: ["zed_gone"] });
        const changes = await store.forgetRecords(forgetPlan(rule));
        const messages = changes.filter((c) => /messages/.test(c.file));
        assert.ok(messages.every((c) => c.removed === 1 && c.scrubbed === 2), f.name);
        await store.removeProfiles("user", ["zed_gone"]);
        await store.rebuild({ fresh: true });
        const all = await store.searchMessages({ clauses: [], limit: 10 });
        assert.deepEqual(all.messages.map((m) => m.text), [
          "unrelated chatter",
          "is he dating [forgotten]?",
          "hey @[forgotten] how are you",
        ]);
        assert.deepEqual(await store.listProfiles("user"), ["fan88", "someuser"]);
        const residue = await store.residue(rule.word!, rule.anyUser!);
        assert.deepEqual(residue, []);
      } finally {
        await store.close();
      }
    },
  });
}

Deno.test({
  name: "Store parity: random messages, batches and queries give identical outputs on both stores",
  ignore: pg === null,
  async fn() {
    await using dir = await tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { minLength: 0, maxLength: 40, size: "medium" }),
        fc.array(fc.nat(40), { maxLength: 3 }),
        fc.array(queryArb, { minLength: 1, maxLength: 5 }),
        fc.subarray(["someuser", "fan88", "devchat"]),
        async (raw, cuts, queries, optout) => {
          run++;
          const all = withIds(raw, "m", run % 2 === 0);
          const outs: unknown[] = [];
          const trees: Array<Map<string, string>> = [];
          for (const f of FLAVOURS) {
            const dataDir = join(dir.path, `${f.name}${run}`);
            const store = await f.open(dataDir);
            try {
              for (const b of splitAt(all, cuts)) await store.appendMessages(b);
              await store.appendMessages(all);
              await store.appendEvents(
                all.slice(0, 3).map((m, i) =>
                  event(i, { user_name: m.user_name, text: m.text, channel: m.channel })
                ),
              );
              await store.writeOptOut({
                version: 1,
                optout: {
                  users: optout.filter((n) => n !== "devchat"),
                  channels: optout.filter((n) => n === "devchat"),
                },
              });
              outs.push(await everything(store, queries));
              await store.rebuild();
              trees.push(await readTree(join(dataDir, "profiles")).catch(() => new Map()));
            } finally {
              await store.close();
            }
          }
          assert.deepEqual(outs[1], outs[0]);
          assert.deepEqual(trees[1], trees[0]);
        },
      ),
      // Each run opens two stores and a database: shrinking would take many minutes.
      {
        numRuns: 15,
        endOnFailure: true,
        ...(Deno.env.get("PARITY_SEED") ? { seed: Number(Deno.env.get("PARITY_SEED")) } : {}),
      },
    );
  },
});

Deno.test({
  name: "Store (postgres): a data dir with only the URL reads everything the fleet wrote",
  ignore: pg === null,
  async fn() {
    await using dir = await tempDir();
    const databaseUrl = await pg!.database("third");
    const a = await openStore({ dataDir: join(dir.path, "a"), databaseUrl });
    const b = await openStore({ dataDir: join(dir.path, "b"), databaseUrl });
    const reader = await openStore({ dataDir: join(dir.path, "reader"), databaseUrl });
    try {
      const all = withIds(
        Array.from(
          { length: 40 },
          (_, i) => msg({ text: `m ${i}`, ts: new Date(BASE + i * 1000).toISOString() }),
        ),
      );
      await a.appendMessages(all.slice(0, 25));
      await b.appendMessages(all.slice(15));
      const page = await reader.searchMessages({ clauses: [], limit: 100 }, { total: true });
      assert.equal(page.total, 40);
      assert.equal((await reader.userProfile("someuser"))?.message_count, 40);
    } finally {
      await a.close();
      await b.close();
      await reader.close();
    }
  },
});
