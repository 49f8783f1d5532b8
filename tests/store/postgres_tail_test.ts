/**
 * Following the messages table (`src/store/postgres/tail.ts`): a row whose transaction commits
 * after a later row's is still handed out, once; numbers burned by a duplicate insert are
 * harmless. The pure gap bookkeeping is checked without a database.
 */
import assert from "node:assert/strict";
import { PgDatabase } from "../../src/store/postgres/database.ts";
import { insertMessages } from "../../src/store/postgres/messages.ts";
import { advanceTail, GAP_TTL_MS, pgMessagesSince } from "../../src/store/postgres/tail.ts";
import { msg, withIds } from "../support/messages.ts";
import { postgresOrSkip } from "../support/postgres.ts";

const pg = await postgresOrSkip();

Deno.test("advanceTail() keeps gaps below the highest seq until they appear or expire", () => {
  let s = advanceTail({ after: 0, gaps: [] }, [1, 2, 5, 9], 0);
  assert.deepEqual(s, {
    after: 9,
    gaps: [{ from: 3, to: 4, since: 0 }, { from: 6, to: 8, since: 0 }],
  });
  s = advanceTail(s, [7, 10], 5);
  assert.deepEqual(s, {
    after: 10,
    gaps: [
      { from: 3, to: 4, since: 0 },
      { from: 6, to: 6, since: 0 },
      { from: 8, to: 8, since: 0 },
    ],
  });
  // Seen twice (asked again meanwhile): nothing changes.
  assert.deepEqual(advanceTail(s, [7], 6), s);
  assert.deepEqual(advanceTail(s, [], GAP_TTL_MS), { after: 10, gaps: [] });
});

Deno.test({
  name: "pgMessagesSince() hands out a row committed after a later one, and each row once",
  ignore: pg === null,
  async fn() {
    const db = await PgDatabase.open(await pg!.database("tail"));
    try {
      const [early, late, again] = withIds([
        msg({ text: "allocated first, committed last" }),
        msg({ text: "allocated second, committed first" }),
        msg({ text: "after a burned number" }),
      ]);
      const start = await pgMessagesSince(db.pool, null);
      assert.deepEqual(start.messages, []);
      let inserted!: () => void;
      const holding = new Promise<void>((r) => (inserted = r));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const slow = db.pool.sql.begin(async (tx) => {
        await insertMessages(tx, [early!]);
        inserted();
        await released;
      });
      await holding;
      await db.pool.sql.begin((tx) => insertMessages(tx, [late!]));
      const first = await pgMessagesSince(db.pool, start.cursor);
      assert.deepEqual(first.messages.map((m) => m.text), [late!.text]);
      release();
      await slow;
      const second = await pgMessagesSince(db.pool, first.cursor);
      assert.deepEqual(second.messages.map((m) => m.text), [early!.text]);
      // A duplicate burns a number; the next row still comes, and nothing twice.
      await db.pool.sql.begin((tx) => insertMessages(tx, [late!]));
      await db.pool.sql.begin((tx) => insertMessages(tx, [again!]));
      const third = await pgMessagesSince(db.pool, second.cursor);
      assert.deepEqual(third.messages.map((m) => m.text), [again!.text]);
      assert.deepEqual((await pgMessagesSince(db.pool, third.cursor)).messages, []);
    } finally {
      await db.close();
    }
  },
});
