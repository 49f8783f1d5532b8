/**
 * `chat run` in live mode through the CLI, against the scripted Twitch server on loopback: the
 * flags and environment that select the server and the login, end to end into the data dir.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeTwitch } from "../support/fake_twitch.ts";
import { collect, readMessages, runMain, spawnCli, tempDir } from "../support/cli.ts";
import { grepTree } from "../support/grep_tree.ts";

async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  // Generous: only a failing run waits this long (a loaded machine is slow, not stuck).
  const deadline = Date.now() + 120_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("chat run --server stores live messages and their profiles, then stops on SIGINT", async () => {
  await using dir = await tempDir();
  await using server = await FakeTwitch.start();
  const data = join(dir.path, "data");
  const child = spawnCli(
    ["chat", "run", "--server", server.url, "--channels", "Alpha", "--data-dir", data, "--quiet"],
    { cwd: dir.path, permissions: ["--allow-read", "--allow-write", "--allow-env", "--allow-net"] },
  );
  try {
    await until("the JOIN", () => server.connections.some((c) => c.joined.has("alpha")));
    const said = [
      server.say("alpha", "ann", "hello chat"),
      server.say("alpha", "bob", "is he still dating sara?"),
    ];
    await until("two stored messages", async () => (await readMessages(data)).length === 2);
    child.kill("SIGINT");
    const r = await collect(child);
    assert.equal(r.code, 0, r.stderr);
    const stored = await readMessages(data);
    assert.deepEqual(stored.map((m) => m.message_id), said.map((s) => s.id));
    assert.deepEqual(stored.map((m) => m.source), ["twitch-irc", "twitch-irc"]);
    const ann = JSON.parse(await Deno.readTextFile(join(data, "profiles", "users", "ann.json")));
    assert.equal(ann.message_count, 1);
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  }
});

Deno.test("chat run refuses a token without a nick, before connecting", async () => {
  await using dir = await tempDir();
  const r = await runMain(
    ["chat", "run", "--server", "ws://127.0.0.1:9", "--channels", "alpha", "--data-dir", dir.path],
    { env: { TWITCH_OAUTH_TOKEN: "oauth:notarealtoken123" } },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /TWITCH_OAUTH_TOKEN is set but TWITCH_NICK is not/);
  assert.ok(!r.stderr.includes("notarealtoken123"), "the token never appears");
});

Deno.test("chat run that never joins a channel exits 1 with the last connection error", async () => {
  await using dir = await tempDir();
  // A port nobody listens on: every connection attempt is refused at once.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const r = await runMain([
    "chat",
    "run",
    "--server",
    `ws://127.0.0.1:${port}`,
    "--channels",
    "alpha",
    "--duration-seconds",
    "1",
    "--data-dir",
    join(dir.path, "data"),
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /error: never joined a channel; the last connection error: cannot connect to ws:\/\/127\.0\.0\.1:\d+/,
  );
  assert.doesNotMatch(r.stderr, /stopped: duration reached/);
});

Deno.test("chat run scrubs a token the server echoes back before anything is written", async () => {
  await using dir = await tempDir();
  const token = "s3cr3tTokenValue42";
  await using server = await FakeTwitch.start({ acceptToken: token });
  const data = join(dir.path, "data");
  const controller = new AbortController();
  const running = runMain(
    ["chat", "run", "--server", server.url, "--channels", "alpha", "--data-dir", data],
    { env: { TWITCH_OAUTH_TOKEN: token, TWITCH_NICK: "mybot" }, signal: controller.signal },
  );
  try {
    await until("the JOIN", () => server.connections.some((c) => c.joined.has("alpha")));
    server.say("alpha", "ann", `my token is oauth:${token} ${token}`, { "display-name": token });
    server.sendToChannel(
      "alpha",
      `@login=ann;id=e1;system-msg=${token} :tmi.twitch.tv USERNOTICE #alpha :${token}`,
    );
    await until("the message and the event", async () =>
      (await readMessages(data)).length === 1 &&
      await Deno.stat(join(data, "logs", "events.jsonl")).then(() => true, () => false));
  } finally {
    controller.abort();
  }
  const r = await running;
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await readMessages(data))[0]!.text, "my token is [token] [token]");
  assert.deepEqual(await grepTree(data, token), [], "the token is nowhere in the data dir");
  assert.ok(!r.stderr.includes(token));
});
