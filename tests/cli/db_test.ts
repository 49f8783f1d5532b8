import assert from "node:assert/strict";
import { join } from "node:path";
import { runMain, tempDir } from "../support/cli.ts";
import { postgresOrSkip } from "../support/postgres.ts";
import { SCHEMA_VERSION } from "../../src/store/postgres/migrate.ts";
import { appendBatches, msg, withIds } from "../support/messages.ts";

const pg = await postgresOrSkip();
const ignore = pg === null;
const SECRET = "s3cret-Pw";
const BASE = Date.parse("2025-09-02T12:00:00.000Z");

/** A fresh database's URL with a password (trust auth ignores it: it must never be shown). */
async function urlWithPassword(): Promise<string> {
  return (await pg!.database("cli")).replace("postgres@", `postgres:${SECRET}@`);
}

Deno.test({
  name: "db migrate, status and import: counts, idempotence, resumption, no password shown",
  ignore,
  async fn() {
    await using dir = await tempDir();
    const url = await urlWithPassword();
    const env = { OSINT_DATABASE_URL: url };
    const outputs: string[] = [];
    const cli = async (...argv: string[]) => {
      const r = await runMain(argv, { env });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const m1 = await cli("db", "migrate");
    assert.equal(m1.code, 0, m1.stderr);
    assert.match(m1.stdout, new RegExp(`schema version 0 -> ${SCHEMA_VERSION}`));
    const m2 = await cli("db", "migrate");
    assert.match(m2.stdout, new RegExp(`schema version ${SCHEMA_VERSION} \\(current\\)`));

    const src = join(dir.path, "src");
    const all = withIds(
      Array.from({ length: 300 }, (_, i) =>
        msg({
          text: `line ${i}`,
          ts: new Date(BASE + i * 1000).toISOString(),
          user_name: `u${i % 7}`,
        })),
    );
    await appendBatches(src, [all.slice(0, 200)]);
    const i1 = await cli("db", "import", "--from", src);
    assert.equal(i1.code, 0, i1.stderr);
    assert.match(i1.stderr, /200 lines read, 200 messages new to the database/);
    // More lines later: only those are read (resumed from the journal's position).
    await appendBatches(src, [all.slice(200)]);
    const i2 = await cli("db", "import", "--from", src);
    assert.match(i2.stderr, /100 lines read, 100 messages new/);
    // The journal lost (or another data dir with the same messages): nothing doubles.
    await Deno.remove(join(src, "postgres_journal.json"));
    const i3 = await cli("db", "import", "--from", src);
    assert.match(i3.stderr, /300 lines read, 0 messages new to the database \(300 already there\)/);

    const st = await cli("db", "status");
    const s = JSON.parse(st.stdout);
    assert.equal(s.schema_version, SCHEMA_VERSION);
    assert.equal(s.messages, 300);
    assert.equal(s.users, 7);
    assert.match(s.database, /postgres:\*\*\*@/);
    for (const o of outputs) assert.ok(!o.includes(SECRET), o);
  },
});

Deno.test({
  name: "db against an unreachable database: exit 1, one line naming host and port, no password",
  ignore,
  async fn() {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    const r = await runMain(["db", "status"], {
      env: { OSINT_DATABASE_URL: `postgresql://bob:${SECRET}@127.0.0.1:${port}/fleet` },
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      new RegExp(`^error: cannot reach the database at 127\\.0\\.0\\.1:${port}`),
    );
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.ok(!r.stderr.includes(SECRET));
  },
});

Deno.test("db without a database URL is a usage error", async () => {
  const r = await runMain(["db", "status"], { env: {} });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--database-url URL or OSINT_DATABASE_URL/);
});
