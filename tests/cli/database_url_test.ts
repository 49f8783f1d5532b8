/**
 * Every command that reads data honours `--database-url` (and `OSINT_DATABASE_URL`): asked
 * with a database and an empty data dir, it answers what the embedded store answers over a data
 * dir that holds the same chat. Before, `users find`, `timeline`, `graph` and chat presence in
 * `subjects enrich` / `subjects load` opened the embedded store whatever the URL said.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO, runCli, tempDir } from "../support/cli.ts";
import { postgresOrSkip } from "../support/postgres.ts";

const pg = await postgresOrSkip();
const ignore = pg === null;
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];
const SUBJECTS_CSV = join(REPO, "subjects.csv");
const CHAT = ["chat", "run", "--offline", "--speed", "0", "--channels", "example_channel"];

/** The chat_presence result that enrichment wrote for a subject, without its time. */
async function presence(dataDir: string, key: string): Promise<unknown> {
  const file = JSON.parse(await Deno.readTextFile(join(dataDir, "enrichment", `${key}.json`)));
  const found = file.providers?.chat_presence as { status: string; data: unknown } | undefined;
  assert.ok(found, `no chat_presence result for ${key}`);
  return { status: found.status, data: found.data };
}

Deno.test({
  name: "read commands with --database-url answer from the database, as the embedded store does",
  ignore,
  async fn(t) {
    await using dir = await tempDir();
    const url = await pg!.database("readers");
    const embedded = join(dir.path, "embedded");
    // The database is filled by a monitor with its own data dir; the reader's stays empty.
    const monitor = join(dir.path, "monitor");
    const reader = join(dir.path, "reader");
    await Deno.mkdir(reader);
    const cli = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runCli(args, { cwd: dir.path, permissions: PERMS, env });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r;
    };
    await cli([...CHAT, "--data-dir", embedded]);
    await cli([...CHAT, "--data-dir", monitor, "--database-url", url]);

    const both = async (args: string[]) => {
      const fromDb = await cli([...args, "--data-dir", reader], { OSINT_DATABASE_URL: url });
      const fromFlag = await cli([...args, "--data-dir", reader, "--database-url", url]);
      const local = await cli([...args, "--data-dir", embedded]);
      assert.equal(fromFlag.stdout, fromDb.stdout);
      assert.equal(fromDb.stdout, local.stdout);
      return local.stdout;
    };
    await t.step("users find", async () => {
      assert.match(await both(["users", "find", "someuser", "--format", "json"]), /"someuser"/);
    });
    await t.step("timeline", async () => {
      const out = await both(["timeline", "--user", "someuser", "--format", "json"]);
      assert.match(out, /dating sara/);
    });
    await t.step("graph neighbors", async () => {
      const out = await both(["graph", "neighbors", "--user", "someuser", "--format", "json"]);
      assert.match(out, /"mod123"/);
    });
    await t.step("graph export", async () => {
      const file = (d: string) => join(dir.path, `${d}.gexf`);
      await cli(
        ["graph", "export", "--format", "gexf", "--out", file("db"), "--data-dir", reader],
        {
          OSINT_DATABASE_URL: url,
        },
      );
      await cli(["graph", "export", "--format", "gexf", "--out", file("local")], {
        OSINT_DATA_DIR: embedded,
      });
      const db = await Deno.readTextFile(file("db"));
      assert.match(db, /someuser/);
      assert.equal(db, await Deno.readTextFile(file("local")));
    });
    await t.step("subjects load and enrich: chat presence", async () => {
      // load enriches the new subjects (chat presence reads the store), enrich does it again.
      const fresh = join(dir.path, "fresh");
      await cli(["subjects", "load", "--path", SUBJECTS_CSV, "--data-dir", fresh], {
        OSINT_DATABASE_URL: url,
      });
      await cli(["subjects", "load", "--path", SUBJECTS_CSV, "--no-enrich", "--data-dir", reader]);
      await cli([
        "subjects",
        "enrich",
        "--providers",
        "chat_presence",
        "--data-dir",
        reader,
        "--database-url",
        url,
      ]);
      await cli(["subjects", "load", "--path", SUBJECTS_CSV, "--data-dir", embedded]);
      const local = await presence(embedded, "username_someuser");
      assert.match(JSON.stringify(local), /"seen":true/);
      assert.deepEqual(await presence(reader, "username_someuser"), local);
      assert.deepEqual(await presence(fresh, "username_someuser"), local);
    });
  },
});
