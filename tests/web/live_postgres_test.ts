/**
 * `serve` over the PostgreSQL store (a private PostgreSQL, see support/postgres.ts): `GET /live`
 * streams what a monitor process on another data dir stores into the same database while it
 * runs, with its watchlist hits, and never a user the fleet's opt-out list names.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { collect, REPO, runCli, spawnCli, tempDir, writeFixture } from "../support/cli.ts";
import { postgresOrSkip } from "../support/postgres.ts";
import { startServer } from "../../src/web/server.ts";
import { openStore } from "../../src/store/store.ts";
import { openLive } from "./_workspace.ts";

const pg = await postgresOrSkip();
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];

Deno.test({
  name: "GET /live over PostgreSQL streams a running monitor's messages and hits, not opt-outs",
  ignore: pg === null,
  async fn() {
    await using dir = await tempDir("osint_live_pg_");
    const url = await pg!.database("live");
    const env = { OSINT_DATABASE_URL: url };
    const monitorData = join(dir.path, "monitor");
    const fixtures = join(dir.path, "fixtures");
    await Deno.mkdir(fixtures, { recursive: true });
    await Deno.copyFile(join(REPO, "fixtures", "emotes.json"), join(fixtures, "emotes.json"));
    const texts = ["first from the fleet", "second from the fleet", "someuser says hi"];
    await writeFixture(fixtures, "pg_live", [
      { ts: "2025-09-02T13:00:00.000Z", channel: "pg_live", user_name: "viewer_a", text: texts[0] },
      { ts: "2025-09-02T13:00:01.000Z", channel: "pg_live", user_name: "viewer_b", text: texts[1] },
      { ts: "2025-09-02T13:00:02.000Z", channel: "pg_live", user_name: "someuser", text: texts[2] },
    ]);
    const common = ["--data-dir", monitorData, "--quiet"];
    const load = await runCli(
      ["subjects", "load", "--path", join(REPO, "subjects.csv"), ...common],
      { cwd: dir.path, permissions: PERMS, env },
    );
    assert.equal(load.code, 0, load.stderr);

    await using server = await startServer({
      dataDir: join(dir.path, "served"),
      databaseUrl: url,
      port: 0,
      token: null,
    });
    assert.match(server.location, /live/);
    assert.doesNotMatch(server.location, /password/i);
    await using live = await openLive(server.url);
    const texts_ = () =>
      live.events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data).text);

    // A monitor in its own process, on its own data dir, writing the same database.
    const monitor = spawnCli(
      [
        "chat",
        "run",
        "--channels",
        "pg_live",
        "--offline",
        "--speed",
        "0",
        "--fixtures-dir",
        fixtures,
        ...common,
      ],
      { cwd: dir.path, permissions: PERMS, env },
    );
    await live.until(() =>
      texts.every((t) => texts_().includes(t)) &&
      live.events.some((e) => e.event === "hit")
    );
    const done = await collect(monitor);
    assert.equal(done.code, 0, done.stderr);
    // Each once (in storage order: a batch is stored sorted by message id).
    assert.deepEqual(texts_().sort(), [...texts].sort());
    const hit = JSON.parse(live.events.find((e) => e.event === "hit")!.data);
    assert.deepEqual([hit.subject_key, hit.user_name, hit.how], [
      "username_someuser",
      "someuser",
      "author",
    ]);

    // The fleet's opt-out list (in the database) is applied to what is streamed.
    const writer = await openStore({ dataDir: join(dir.path, "writer"), databaseUrl: url });
    try {
      await writer.writeOptOut({ version: 1, optout: { users: ["viewer_b"], channels: [] } });
      const base = {
        channel: "pg_live",
        user_id: null,
        mentions: [],
        urls: [],
        emotes: [],
        source: "twitch-irc" as const,
      };
      // One append, one transaction: both become visible together.
      await writer.appendMessages([
        {
          ...base,
          ts: "2025-09-02T13:01:00.000Z",
          message_id: "pg-live-hidden",
          user_name: "viewer_b",
          text: "never streamed",
        },
        {
          ...base,
          ts: "2025-09-02T13:01:01.000Z",
          message_id: "pg-live-shown",
          user_name: "viewer_a",
          text: "streamed after the opt-out",
        },
      ]);
    } finally {
      await writer.close();
    }
    await live.until(() => texts_().includes("streamed after the opt-out"));
    assert.deepEqual(texts_().slice(texts.length), ["streamed after the opt-out"]);
  },
});
