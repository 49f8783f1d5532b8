/**
 * `chat run` and `import` write through the Store the configuration names. With a database:
 * - `--log-only` writes only the data dir's logs (the journal) and leaves the database alone;
 *   the next command that reads pushes them in;
 * - `import` (without `--log-only`) stores into the database as `chat run` does.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readMessages, REPO, runCli, tempDir } from "../support/cli.ts";
import { postgresOrSkip } from "../support/postgres.ts";
import { PgDatabase } from "../../src/store/postgres/database.ts";

const pg = await postgresOrSkip();
const ignore = pg === null;
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];
const TD = join(REPO, "tests", "data", "import", "vod_2001234567.twitchdownloader.json");

async function messageCount(url: string): Promise<number> {
  const db = await PgDatabase.open(url, { migrate: false, allowOlder: true });
  try {
    return (await db.status()).messages;
  } finally {
    await db.close();
  }
}

Deno.test({
  name: "chat run --log-only with a database writes only the journal; the next read pushes it",
  ignore,
  async fn() {
    await using dir = await tempDir();
    const url = await pg!.database("logonly");
    const env = { OSINT_DATABASE_URL: url };
    const dataDir = join(dir.path, "m");
    const run = await runCli(
      [
        "chat",
        "run",
        "--offline",
        "--speed",
        "0",
        "--log-only",
        "--channels",
        "example_channel",
        "--data-dir",
        dataDir,
      ],
      { cwd: dir.path, permissions: PERMS, env },
    );
    assert.equal(run.code, 0, run.stderr);
    const logged = await readMessages(dataDir);
    assert.ok(logged.length > 10);
    assert.equal(await messageCount(url), 0);
    const search = await runCli(
      ["search", "messages", "--format", "jsonl", "--limit", "100000", "--data-dir", dataDir],
      { cwd: dir.path, permissions: PERMS, env },
    );
    assert.equal(search.code, 0, search.stderr);
    assert.equal(await messageCount(url), logged.length);
    assert.equal(search.stdout.trim().split("\n").length, logged.length);
  },
});

Deno.test({
  name: "import with a database stores into it, and again stores nothing",
  ignore,
  async fn() {
    await using dir = await tempDir();
    const url = await pg!.database("import");
    const env = { OSINT_DATABASE_URL: url };
    const dataDir = join(dir.path, "m");
    const args = ["import", TD, "--data-dir", dataDir];
    const first = await runCli(args, { cwd: dir.path, permissions: PERMS, env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /5 new, 0 duplicate/);
    assert.equal(await messageCount(url), 5);
    const again = await runCli(args, { cwd: dir.path, permissions: PERMS, env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /0 new, 5 duplicate/);
    assert.equal(await messageCount(url), 5);
  },
});
