import assert from "node:assert/strict";
import { PgDatabase } from "../../src/store/postgres/database.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/store/postgres/migrate.ts";
import {
  channelProfileNamed,
  profileNames,
  userProfileNamed,
} from "../../src/store/postgres/profiles.ts";
import { StoreError } from "../../src/errors.ts";
import { searchTerms } from "../../src/query/search.ts";
import { jsonText } from "../../src/store/atomic.ts";
import { compileRule } from "../../src/privacy/forget_rule.ts";
import { forgetRecord } from "../../src/privacy/forget_decisions.ts";
import type { Message } from "../../src/schemas.ts";
import { type LoginSpan, personKey } from "../../src/analysis/identity.ts";
import {
  facetsOf,
  foldUser,
  loginSpans,
  newUserState,
  type UserState,
} from "../../src/analysis/rollups.ts";
import { msg, withIds } from "../support/messages.ts";
import { postgresOrSkip } from "../support/postgres.ts";

const pg = await postgresOrSkip();
const ignore = pg === null;
const BASE = Date.parse("2025-09-02T12:00:00.000Z");

/** Runs a down script of `src/store/postgres/migrations/down/` on the database at `url`. */
async function down(url: string, file: string): Promise<void> {
  const path = new URL(`../../src/store/postgres/migrations/down/${file}`, import.meta.url)
    .pathname;
  const name = new URL(url).pathname.slice(1);
  await pg!.tool("psql", ["-d", name, "-v", "ON_ERROR_STOP=1", "-1", "-qf", path]);
}

async function openFresh(): Promise<PgDatabase> {
  return await PgDatabase.open(await pg!.database());
}

Deno.test({
  name: "PgDatabase --contains keeps literal substring semantics over the trigram index",
  ignore,
  async fn() {
    const store = await openFresh();
    try {
      const texts = [
        "is he still DATING sara?",
        "100% legit_name here",
        "back\\slash and 50%off",
        "Straße İstanbul 日本語 😀",
        "ab",
        "\u0000nul",
      ];
      const all = withIds(
        texts.map((text, i) => msg({ text, ts: new Date(BASE + i).toISOString() })),
      );
      await store.appendMessages(all);
      const hits = async (needle: string) =>
        (await store.searchMessages({ terms: searchTerms(needle), limit: 50 }))
          .map((m) => m.text);
      assert.deepEqual(await hits("dating SARA"), ["is he still DATING sara?"]);
      assert.deepEqual(await hits("%"), ["back\\slash and 50%off", "100% legit_name here"]);
      assert.deepEqual(await hits("0%o"), ["back\\slash and 50%off"]);
      assert.deepEqual(await hits("t_n"), ["100% legit_name here"]);
      assert.deepEqual(await hits("_"), ["100% legit_name here"]);
      assert.deepEqual(await hits("\\s"), ["back\\slash and 50%off"]);
      assert.deepEqual(await hits("straße"), ["Straße İstanbul 日本語 😀"]);
      assert.deepEqual(await hits("日本"), ["Straße İstanbul 日本語 😀"]);
      assert.deepEqual(await hits("😀"), ["Straße İstanbul 日本語 😀"]);
      assert.deepEqual(await hits("\u0000"), ["\u0000nul"]);
      assert.deepEqual(await hits("ab"), ["ab"]);
      // Counting within a budget (generous: the machine may be loaded) is exact here.
      assert.deepEqual(await store.countMessages({ terms: searchTerms("a") }, 10_000), {
        count: (await hits("a")).length,
        exact: true,
      });
    } finally {
      await store.close();
    }
  },
});

Deno.test({
  name: "PgDatabase: two writers hammering one user lose no update and count each message once",
  ignore,
  async fn() {
    const url = await pg!.database();
    const a = await PgDatabase.open(url);
    const b = await PgDatabase.open(url);
    try {
      const all = withIds(
        Array.from({ length: 2000 }, (_, i) =>
          msg({
            text: `hello number ${i % 17} dating sara`,
            ts: new Date(BASE + i * 997 % 86_400_000).toISOString(),
            user_name: "hammered",
            channel: i % 3 ? "c_one" : "c_two",
            mentions: i % 5 ? [] : ["fan88"],
          })),
      );
      // Each writer sends every message, in different small batches and orders: overlaps
      // everywhere, and both fold the same user and channels at once.
      const writer = async (s: PgDatabase, order: Message[], size: number) => {
        let written = 0;
        for (let i = 0; i < order.length; i += size) {
          written += (await s.appendMessages(order.slice(i, i + size))).written.length;
        }
        return written;
      };
      // And a compactor folding the deltas into the rollups meanwhile, again and again.
      let writing = true;
      const compactor = async () => {
        let folded = 0;
        while (writing) folded += await a.compact();
        return folded;
      };
      const compacting = compactor();
      const [wa, wb] = await Promise.all([
        writer(a, all, 37),
        writer(b, [...all].reverse(), 53),
      ]).finally(() => writing = false);
      await compacting;
      assert.equal(wa + wb, all.length);
      const p = await userProfileNamed(a, "hammered");
      assert.equal(p?.message_count, all.length);
      assert.deepEqual(p?.per_channel, {
        c_one: all.filter((m) => m.channel === "c_one").length,
        c_two: all.filter((m) => m.channel === "c_two").length,
      });
      // The same as one writer alone.
      const single = await openFresh();
      try {
        await single.appendMessages(all);
        assert.equal(jsonText(await userProfileNamed(single, "hammered")), jsonText(p));
        assert.equal(
          jsonText(await channelProfileNamed(single, "c_one")),
          jsonText(await channelProfileNamed(b, "c_one")),
        );
        // Compacted or not, the same.
        await b.compact();
        assert.equal(jsonText(await userProfileNamed(b, "hammered")), jsonText(p));
      } finally {
        await single.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "PgDatabase migrates once, reports status, and an older program refuses a newer schema",
  ignore,
  async fn() {
    const url = await pg!.database();
    const first = await PgDatabase.open(url);
    assert.deepEqual(first.migrated, { from: 0, to: SCHEMA_VERSION, applied: [...MIGRATIONS] });
    await first.appendMessages([msg({ text: "hi" })]);
    const st = await first.status();
    assert.equal(st.schemaVersion, SCHEMA_VERSION);
    assert.equal(st.messages, 1);
    assert.equal(st.users, 1);
    assert.equal(st.channels, 1);
    await first.close();
    const second = await PgDatabase.open(url);
    assert.deepEqual(second.migrated?.applied, []);
    await second.close();
    // A newer program was here.
    const db = new URL(url).pathname.slice(1);
    await pg!.tool("psql", [
      "-d",
      db,
      "-qc",
      `INSERT INTO osint_schema (version, name) VALUES (${SCHEMA_VERSION + 1}, 'future.sql')`,
    ]);
    await assert.rejects(
      () => PgDatabase.open(url),
      (e: unknown) =>
        e instanceof StoreError && /newer than this program/.test(e.message) &&
        !e.message.includes("\n"),
    );
  },
});

Deno.test({
  name: "PgDatabase: an unreachable database is one line naming host and port, no password",
  ignore,
  async fn() {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    const url = `postgresql://osint:hunter2secret@127.0.0.1:${port}/fleet`;
    const err = await PgDatabase.open(url, { connectTimeoutSeconds: 2 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof StoreError);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(!err.message.includes("\n"));
    const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${
      String((err.cause as Error)?.message)
    }`;
    assert.ok(!everything.includes("hunter2secret"), everything);
  },
});

Deno.test({
  name: "PgDatabase.forget deletes, scrubs and recomputes rollups; pg_dump holds no trace",
  ignore,
  async fn() {
    const url = await pg!.database();
    const store = await PgDatabase.open(url);
    try {
      const all = withIds([
        msg({ text: "hi all", user_name: "zed_gone", user_id: "777001", display_name: "Zed_Gone" }),
        msg({ text: "hey @zed_gone how are you", user_name: "fan88", mentions: ["zed_gone"] }),
        msg({ text: "Zed_Gone is dating sara", user_name: "someuser", channel: "devchat" }),
        msg({ text: "unrelated chatter", user_name: "fan88", channel: "devchat" }),
        msg({ text: "in a gone channel", user_name: "fan88", channel: "gone_chan" }),
      ].map((m, i) => ({ ...m, ts: new Date(BASE + i * 1000).toISOString() })));
      await store.appendMessages(all);
      const rule = compileRule({ users: ["zed_gone"], channels: ["gone_chan"] });
      const r = await store.forget({
        users: ["zed_gone"],
        channels: ["gone_chan"],
        decide: (rec, kind) => forgetRecord(rec, kind, rule),
      });
      assert.equal(r.messages.removed, 2);
      assert.equal(r.messages.scrubbed, 2);
      // The person (#777001, by id) and the login key are gone.
      assert.deepEqual(r.gone, { users: ["#777001", "zed_gone"], channels: ["gone_chan"] });
      const left = await store.searchMessages({ terms: [], limit: 10 });
      assert.deepEqual(left.map((m) => m.text), [
        "unrelated chatter",
        "[forgotten] is dating sara",
        "hey @[forgotten] how are you",
      ]);
      assert.deepEqual(await profileNames(store, "user"), ["fan88", "someuser"]);
      assert.equal((await userProfileNamed(store, "fan88"))?.message_count, 2);
      const dump = await pg!.tool("pg_dump", ["--data-only", "-d", new URL(url).pathname.slice(1)]);
      assert.ok(!/zed_gone/i.test(dump), "login in pg_dump");
      assert.ok(!dump.includes("777001"), "user id in pg_dump");
      assert.ok(!dump.includes("gone_chan"), "channel in pg_dump");
      assert.ok(dump.includes("unrelated chatter"));
    } finally {
      await store.close();
    }
  },
});

Deno.test({
  name: "PgDatabase.compact after a forget folds none of the forgotten or scrubbed messages",
  ignore,
  async fn() {
    const url = await pg!.database();
    const store = await PgDatabase.open(url);
    const fresh = await openFresh();
    try {
      const all = withIds([
        msg({ text: "hi all", user_name: "zed_gone", user_id: "777001", display_name: "Zed_Gone" }),
        msg({ text: "hey @zed_gone how are you", user_name: "fan88", mentions: ["zed_gone"] }),
        msg({ text: "Zed_Gone is dating sara", user_name: "someuser", channel: "devchat" }),
        msg({ text: "unrelated chatter", user_name: "fan88", channel: "devchat" }),
      ].map((m, i) => ({ ...m, ts: new Date(BASE + i * 1000).toISOString() })));
      const later = withIds([
        msg({ text: "back again", user_name: "fan88", ts: new Date(BASE + 9000).toISOString() }),
      ]);
      // Appended and folded in this process's memory, not compacted, before the forget.
      await store.appendMessages(all);
      const rule = compileRule({ users: ["zed_gone"], channels: [] });
      await store.forget({
        users: ["zed_gone"],
        channels: [],
        decide: (rec, kind) => forgetRecord(rec, kind, rule),
      });
      await store.appendMessages(later);
      assert.ok(await store.compact() > 0);
      // The same as a database that only ever held what is left.
      const left = await store.searchMessages({ terms: [], limit: 50 });
      await fresh.appendMessages([...left].reverse());
      await fresh.compact();
      for (const name of ["fan88", "someuser"]) {
        assert.equal(
          jsonText(await userProfileNamed(store, name)),
          jsonText(await userProfileNamed(fresh, name)),
        );
      }
      for (const name of ["example_channel", "devchat"]) {
        assert.equal(
          jsonText(await channelProfileNamed(store, name)),
          jsonText(await channelProfileNamed(fresh, name)),
        );
      }
      const dump = await pg!.tool("pg_dump", ["--data-only", "-d", new URL(url).pathname.slice(1)]);
      assert.ok(!/zed_gone/i.test(dump), "login in pg_dump");
    } finally {
      await store.close();
      await fresh.close();
    }
  },
});

Deno.test({
  name: "PgDatabase.compact folds its own queue, and another writer's once it waited too long",
  ignore,
  async fn() {
    const url = await pg!.database();
    const a = await PgDatabase.open(url);
    const b = await PgDatabase.open(url);
    const sql = a.pool.sql;
    const queued = async () =>
      Number(
        (await sql<Array<{ n: string }>>`
          SELECT (count(p) + count(c))::text AS n
          FROM rollup_queue CROSS JOIN LATERAL unnest(persons, channels) AS u(p, c)`)[0]!.n,
      );
    try {
      const at = (i: number) => new Date(BASE + i * 1000).toISOString();
      const [first, second] = withIds([
        msg({ text: "from a", ts: at(0) }),
        msg({ text: "from b", ts: at(1), user_name: "fan88" }),
      ]);
      await a.appendMessages([first!]);
      await b.appendMessages([second!]);
      assert.equal(await queued(), 4);
      // b folds its own message, not a's (a folds it, or the sweep once a stopped).
      assert.equal(await b.compact(), 1);
      assert.equal(await queued(), 2);
      await sql`UPDATE rollup_queue SET queued_at = now() - interval '2 minutes'`;
      assert.equal(await b.compact(), 1);
      assert.equal(await queued(), 0);
      // a's fold of it is not used again: the rollup counts it once.
      assert.equal(await a.compact(), 0);
      assert.equal((await userProfileNamed(a, "someuser"))?.message_count, 1);
      assert.equal((await channelProfileNamed(a, "example_channel"))?.message_count, 2);
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "PgDatabase migrates a schema 1 database: user rollups are rebuilt by person",
  ignore,
  async fn() {
    const url = await pg!.database();
    const all = withIds([
      msg({ text: "a", user_name: "oldname", user_id: "100" }),
      msg({ text: "b", user_name: "newname", user_id: "100" }),
      msg({ text: "c", user_name: "fan88" }),
    ].map((m, i) => ({ ...m, ts: new Date(BASE + i * 1000).toISOString() })));
    const db = await PgDatabase.open(url);
    await db.appendMessages(all);
    await db.compact();
    const want = jsonText(await userProfileNamed(db, "newname"));
    const channel = jsonText(await channelProfileNamed(db, "example_channel"));
    await db.close();
    // Back to what schema 1 held: user rollups by login, no persons' tables.
    await pg!.tool("psql", [
      "-d",
      new URL(url).pathname.slice(1),
      "-v",
      "ON_ERROR_STOP=1",
      "-qc",
      `DROP TABLE person_logins, person_display, rollup_queue;
       DELETE FROM osint_schema WHERE version >= 2;
       UPDATE rollups SET name = 'oldname' WHERE kind = 0 AND name = '#100';
       ALTER TABLE rollups DROP CONSTRAINT rollups_pkey;
       ALTER TABLE rollups DROP COLUMN part;
       ALTER TABLE rollups ADD PRIMARY KEY (kind, name);`,
    ]);
    const again = await PgDatabase.open(url);
    try {
      assert.deepEqual(again.migrated?.applied, [
        "002_persons.sql",
        "003_queue_owner.sql",
        "004_write_path.sql",
        "005_spans_at_compaction.sql",
      ]);
      assert.equal(jsonText(await userProfileNamed(again, "newname")), want);
      assert.equal(jsonText(await channelProfileNamed(again, "example_channel")), channel);
      assert.deepEqual(await profileNames(again, "user"), ["fan88", "newname"]);
    } finally {
      await again.close();
    }
  },
});

Deno.test({
  name: "PgDatabase migrates messages queued by a schema 3 writer into the schema 4 queue",
  ignore,
  async fn() {
    const url = await pg!.database();
    const all = withIds([
      msg({ text: "a", user_name: "oldname", user_id: "100" }),
      msg({ text: "b", user_name: "fan88" }),
      msg({ text: "c", user_name: "fan88", channel: "devchat" }),
    ].map((m, i) => ({ ...m, ts: new Date(BASE + i * 1000).toISOString() })));
    const db = await PgDatabase.open(url);
    await db.appendMessages(all);
    const want = jsonText(await userProfileNamed(db, "fan88"));
    const channel = jsonText(await channelProfileNamed(db, "devchat"));
    await db.close();
    // What a schema 3 writer that stopped before compacting left: two queue rows per message
    // (and, as every writer before schema 5, their login spans).
    await down(url, "005_spans_at_compaction.sql");
    await pg!.tool("psql", [
      "-d",
      new URL(url).pathname.slice(1),
      "-v",
      "ON_ERROR_STOP=1",
      "-qc",
      `CREATE TABLE rollup_pending (seq bigint NOT NULL, kind smallint NOT NULL,
         name text COLLATE "C" NOT NULL, queued_at timestamptz NOT NULL DEFAULT now());
       INSERT INTO rollup_pending (seq, kind, name)
         SELECT u.seq, k.kind, k.name FROM rollup_queue,
           unnest(seqs, persons, channels) AS u(seq, person, channel),
           LATERAL (VALUES (0, u.person), (1, u.channel)) AS k(kind, name);
       DROP TABLE rollup_queue;
       DELETE FROM osint_schema WHERE version >= 4;
       ALTER TABLE rollups DROP CONSTRAINT rollups_pkey;
       ALTER TABLE rollups DROP COLUMN part;
       ALTER TABLE rollups ADD PRIMARY KEY (kind, name);`,
    ]);
    const again = await PgDatabase.open(url);
    try {
      assert.deepEqual(again.migrated?.applied, [
        "004_write_path.sql",
        "005_spans_at_compaction.sql",
      ]);
      // Read through the queue, then folded by the next compaction (no owner: anyone's).
      assert.equal(jsonText(await userProfileNamed(again, "fan88")), want);
      assert.equal(await again.compact(), 3);
      assert.equal(await again.compact(), 0);
      assert.equal(jsonText(await userProfileNamed(again, "fan88")), want);
      assert.equal(jsonText(await channelProfileNamed(again, "devchat")), channel);
      assert.equal((await userProfileNamed(again, "oldname"))?.message_count, 1);
    } finally {
      await again.close();
    }
  },
});

Deno.test({
  name:
    "PgDatabase keeps a rollup in a few parts, merged by every read, and folds each message once",
  ignore,
  async fn() {
    const url = await pg!.database();
    const a = await PgDatabase.open(url);
    const b = await PgDatabase.open(url);
    const single = await PgDatabase.open(await pg!.database());
    const parts = async () =>
      Number(
        (await a.pool.sql<Array<{ n: string }>>`
          SELECT count(*)::text AS n FROM rollups WHERE kind = 1`)[0]!.n,
      );
    try {
      const all = withIds(Array.from({ length: 40 }, (_, i) =>
        msg({
          text: `message ${i} about speedrun ${i % 3}`,
          user_name: `user${i % 4}`,
          ts: new Date(BASE + i * 1000).toISOString(),
        })));
      let most = 0;
      for (let i = 0; i < all.length; i += 4) {
        const w = i % 8 === 0 ? a : b;
        await w.appendMessages(all.slice(i, i + 4));
        await w.compact();
        most = Math.max(most, await parts());
      }
      await single.appendMessages(all);
      await single.compact();
      // Parts come and are merged again: never many.
      assert.ok(most >= 2 && most <= 4, `parts of the channel rollup: ${most}`);
      for (const u of ["user0", "user1", "user2", "user3"]) {
        assert.equal(
          jsonText(await userProfileNamed(a, u)),
          jsonText(await userProfileNamed(single, u)),
        );
      }
      assert.equal(
        jsonText(await channelProfileNamed(b, "example_channel")),
        jsonText(await channelProfileNamed(single, "example_channel")),
      );
      assert.equal((await channelProfileNamed(a, "example_channel"))?.message_count, 40);
    } finally {
      await a.close();
      await b.close();
      await single.close();
    }
  },
});

Deno.test({
  name: "PgDatabase schema 4 goes back to schema 3 by its down script and up again, losing nothing",
  ignore,
  async fn() {
    const url = await pg!.database();
    const all = withIds([
      msg({ text: "a", user_name: "oldname", user_id: "100" }),
      msg({ text: "b", user_name: "newname", user_id: "100" }),
      msg({ text: "c", user_name: "fan88", channel: "devchat" }),
    ].map((m, i) => ({ ...m, ts: new Date(BASE + i * 1000).toISOString() })));
    const db = await PgDatabase.open(url);
    await db.appendMessages(all.slice(0, 2));
    await db.compact();
    await db.appendMessages(all.slice(2));
    const want = jsonText(await userProfileNamed(db, "newname"));
    const channel = jsonText(await channelProfileNamed(db, "devchat"));
    await db.close();
    const name = new URL(url).pathname.slice(1);
    await down(url, "005_spans_at_compaction.sql");
    await down(url, "004_write_path.sql");
    const v = await pg!.tool("psql", [
      "-d",
      name,
      "-tAc",
      "SELECT max(version) || ' ' || (SELECT count(*) FROM rollup_pending) FROM osint_schema",
    ]);
    // Schema 3, every message queued for its person and its channel.
    assert.equal(v.trim(), "3 6");
    const again = await PgDatabase.open(url);
    try {
      assert.deepEqual(again.migrated?.applied, [
        "004_write_path.sql",
        "005_spans_at_compaction.sql",
      ]);
      assert.equal(jsonText(await userProfileNamed(again, "newname")), want);
      assert.equal(await again.compact(), 3);
      assert.equal(jsonText(await userProfileNamed(again, "newname")), want);
      assert.equal(jsonText(await channelProfileNamed(again, "devchat")), channel);
    } finally {
      await again.close();
    }
  },
});

/** Login spans sorted by person and login, as plain records (to compare). */
function sortedSpans(spans: readonly LoginSpan[]): LoginSpan[] {
  return spans.map((s) => ({ ...s })).sort((a, b) =>
    a.person < b.person ? -1 : a.person > b.person ? 1 : a.login < b.login ? -1 : 1
  );
}

/** The spans and display names of `messages` as the embedded store keeps them (one fold). */
function expectedPersons(messages: readonly Message[]) {
  const states = new Map<string, UserState>();
  for (const m of messages) {
    const p = personKey(m);
    let s = states.get(p);
    if (s === undefined) states.set(p, s = newUserState(p));
    foldUser(s, m, facetsOf(m));
  }
  const spans = sortedSpans([...states.values()].flatMap((s) => loginSpans(s)));
  const display = new Map(
    [...states].filter(([, s]) => s.display_names.size > 0).sort((a, b) => a[0] < b[0] ? -1 : 1)
      .map(([p, s]) => [p, [...s.display_names].sort()]),
  );
  return { spans, display, persons: states.size };
}

/** Messages of renamed, recycled and id-less persons, with times that tie. */
function personMessages(): Message[] {
  const logins = [["oldname", "100"], ["newname", "100"], ["fan88", null], ["newname", "200"]];
  return withIds(
    Array.from({ length: 400 }, (_, i) => {
      const [login, id] = logins[(i * 7) % 4]!;
      return msg({
        text: `hi ${i}`,
        // Every third pair shares a millisecond: the latest use is the smaller message id.
        ts: new Date(BASE + Math.floor(i / 3) * 1000).toISOString(),
        user_name: login!,
        user_id: id ?? null,
        ...(i % 5 === 0 ? {} : { display_name: `${login!.toUpperCase()}${i % 3}` }),
        channel: i % 2 ? "c_one" : "c_two",
      });
    }),
    "p",
    true,
  );
}

Deno.test({
  name: "PgDatabase reads the spans of queued messages, and each compaction adds them once",
  ignore,
  async fn() {
    const url = await pg!.database();
    const a = await PgDatabase.open(url);
    const b = await PgDatabase.open(url);
    try {
      const all = personMessages();
      const stored = new Map<string, Message>();
      const check = async (when: string) => {
        const want = expectedPersons([...stored.values()]);
        for (const db of [a, b]) {
          assert.deepEqual(sortedSpans(await db.spans()), want.spans, `spans ${when}`);
          assert.deepEqual(await db.displayNames(), want.display, `display names ${when}`);
          assert.equal((await db.rollupCounts()).users, want.persons, `persons ${when}`);
          assert.equal((await db.status()).users, want.persons, `status ${when}`);
        }
        // Those around one login: every holder of "newname" and every login they used.
        assert.deepEqual(
          sortedSpans(await a.spans({ around: { logins: ["newname"], persons: [] } })),
          want.spans.filter((s) => s.person === "#100" || s.person === "#200"),
          `around ${when}`,
        );
        assert.deepEqual(await a.loginsOf(["#100"]), ["newname", "oldname"], `logins ${when}`);
      };
      // Two writers, overlapping batches in different orders; reads between every step.
      for (let i = 0; i < all.length; i += 50) {
        await a.appendMessages(all.slice(i, i + 70));
        await b.appendMessages([...all.slice(i, i + 60)].reverse());
        for (const m of all.slice(i, i + 70)) stored.set(m.message_id, m);
        if (i === 100) await check("with messages queued by both");
        if (i === 200) await a.compact();
      }
      await check("after one writer's compaction");
      await b.compact();
      await check("after the other's");
      await a.compact();
      await check("with nothing queued");
      assert.equal(await a.compact(), 0);
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "PgDatabase counts the spans of messages a schema 4 writer queued once, through schema 5",
  ignore,
  async fn() {
    const url = await pg!.database();
    const all = personMessages();
    const want = expectedPersons(all);
    const db = await PgDatabase.open(url);
    await db.appendMessages(all.slice(0, 150));
    await db.compact();
    await db.appendMessages(all.slice(150));
    const profile = jsonText(await userProfileNamed(db, "newname"));
    await db.close();
    // Back to schema 4, messages still queued (their spans are in person_logins now), by a
    // writer that stopped long ago.
    await down(url, "005_spans_at_compaction.sql");
    await pg!.tool("psql", [
      "-d",
      new URL(url).pathname.slice(1),
      "-qc",
      "UPDATE rollup_queue SET owner = NULL",
    ]);
    const again = await PgDatabase.open(url);
    try {
      assert.deepEqual(again.migrated?.applied, ["005_spans_at_compaction.sql"]);
      assert.deepEqual(sortedSpans(await again.spans()), want.spans);
      assert.equal(await again.compact(), all.length - 150);
      assert.deepEqual(sortedSpans(await again.spans()), want.spans);
      assert.deepEqual(await again.displayNames(), want.display);
      assert.equal(jsonText(await userProfileNamed(again, "newname")), profile);
      // A schema 4 writer still running cannot queue any more (it would not add the spans
      // of what it compacts).
      await assert.rejects(
        again.pool.sql`INSERT INTO rollup_queue (owner, seqs, persons, channels)
          VALUES (1, '{1}', '{x}', '{c}')`,
        /rollup_queue_times/,
      );
    } finally {
      await again.close();
    }
  },
});
