import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { join } from "node:path";
import { FIXTURES, REPO, runMain, spawnCli, tempDir } from "../support/cli.ts";

const DATA = join(REPO, "tests", "data", "import");
const TD = join(DATA, "vod_2001234567.twitchdownloader.json");
const id = (n: number) => `1b2c3d4e-0000-4000-8000-00000000000${n}`;

async function logLines(dataDir: string, name = "messages"): Promise<Record<string, unknown>[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(join(dataDir, "logs", `${name}.jsonl`));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

Deno.test("import: a VOD's chat is found by search and profiles; importing it again changes nothing", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path, "--fixtures-dir", FIXTURES];
  const first = await runMain(["import", TD, ...d]);
  assertEquals(first.code, 0, first.stderr);
  assertMatch(
    first.stderr,
    /5 new, 0 duplicate, 0 skipped \(not chat\), 0 refused \(opted out\), 1 rejected/,
  );
  assertMatch(first.stderr, /record 5: created_at/);

  const search = await runMain([
    "search",
    "messages",
    "--contains",
    "kappa",
    "--format",
    "jsonl",
    ...d,
  ]);
  assertEquals(search.code, 0, search.stderr);
  const found = search.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(found.map((m) => [m.message_id, m.source]), [[id(1), "import:twitchdownloader"]]);
  const profile = await runMain(["profiles", "show", "--user", "cozy_owl", ...d]);
  assertEquals(profile.code, 0, profile.stderr);
  assertEquals(JSON.parse(profile.stdout).display_name, "小猫");

  const log = await Deno.readFile(join(dir.path, "logs", "messages.jsonl"));
  const prof = await Deno.readFile(join(dir.path, "profiles", "users", "cozy_owl.json"));
  const again = await runMain(["import", TD, ...d]);
  assertEquals(again.code, 0, again.stderr);
  assertMatch(again.stderr, /0 new, 5 duplicate/);
  assertEquals(await Deno.readFile(join(dir.path, "logs", "messages.jsonl")), log);
  assertEquals(await Deno.readFile(join(dir.path, "profiles", "users", "cozy_owl.json")), prof);
});

Deno.test("import: a folder of every format stores each Twitch message once, events once", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path, "--fixtures-dir", FIXTURES, "--log-only"];
  const r = await runMain(["import", DATA, "--channel", "example_streamer", ...d]);
  assertEquals(r.code, 0, r.stderr);
  const messages = await logLines(dir.path);
  const ids = messages.map((m) => m.message_id as string);
  assertEquals(new Set(ids).size, ids.length);
  for (const n of [1, 2, 3, 4, 5, 6, 7]) assert(ids.includes(id(n)), `message ${n} stored`);
  const events = await logLines(dir.path, "events");
  assertEquals(events.map((e) => e.kind).sort(), ["clearchat", "clearmsg", "usernotice"]);
  // The email in a chat line is redacted, as in live chat.
  const mail = messages.find((m) => m.message_id === id(5))!;
  assertEquals([mail.text, mail.redacted], ["mail me at [redacted:email]", ["email"]]);

  const again = await runMain(["import", DATA, "--channel", "example_streamer", ...d]);
  assertEquals(again.code, 0, again.stderr);
  assertMatch(again.stderr, / 0 new, \d+ duplicate/);
  assertMatch(again.stderr, /events: 0 new of \d+/);
  assertEquals((await logLines(dir.path)).length, messages.length);
});

Deno.test("import: an opted-out user's messages are not stored", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path, "--fixtures-dir", FIXTURES];
  assertEquals((await runMain(["privacy", "optout", "add", "--user", "cozy_owl", ...d])).code, 0);
  const r = await runMain(["import", TD, "--log-only", ...d]);
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stderr, /4 new, 0 duplicate, 0 skipped \(not chat\), 1 refused \(opted out\)/);
  const users = (await logLines(dir.path)).map((m) => m.user_name);
  assert(!users.includes("cozy_owl"));
});

Deno.test("import: a file of no known format is one error naming the formats tried; nothing is written", async () => {
  await using dir = await tempDir();
  const odd = join(dir.path, "notes.json");
  await Deno.writeTextFile(odd, '{"title": "not chat"}\n');
  const r = await runMain(["import", TD, odd, "--data-dir", join(dir.path, "data")]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    `error: ${odd}: not a chat file of a known format (tried twitchdownloader, chat-downloader, ` +
      `justlog, irc, chatterino); give --format if it is one of them\n`,
  );
  assertEquals(await logLines(join(dir.path, "data")), []);
});

Deno.test("import: usage errors for a missing path, a bad --format and a bad --utc-offset", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path];
  const none = await runMain(["import", ...d]);
  assertEquals([none.code, none.stderr], [2, "error: give at least one file or folder\n"]);
  const fmt = await runMain(["import", TD, "--format", "xml", ...d]);
  assertEquals(fmt.code, 2);
  assertMatch(fmt.stderr, /--format must be auto, twitchdownloader, .* or chatterino, got "xml"/);
  const off = await runMain(["import", TD, "--utc-offset", "noon", ...d]);
  assertEquals(off.code, 2);
  const missing = await runMain(["import", join(dir.path, "nope.json"), ...d]);
  assertEquals([missing.code, missing.stderr], [
    1,
    `error: ${join(dir.path, "nope.json")}: no such file or folder\n`,
  ]);
});

Deno.test("import: killed with SIGKILL mid-way, the log holds whole records; importing again completes it", async () => {
  await using dir = await tempDir();
  // A capture big enough to be caught in the middle: 60,000 lines in one channel.
  const capture = join(dir.path, "big.irc.txt");
  const lines: string[] = [];
  for (let i = 0; i < 60000; i++) {
    const user = `user_${i % 500}`;
    lines.push(
      `@id=kill-${i};tmi-sent-ts=${1710093600000 + i};user-id=${i % 500} ` +
        `:${user}!${user}@${user}.tmi.twitch.tv PRIVMSG #example_streamer :message number ${i}`,
    );
  }
  await Deno.writeTextFile(capture, lines.join("\n") + "\n");
  const dataDir = join(dir.path, "data");
  const args = ["import", capture, "--data-dir", dataDir, "--log-only", "--batch-size", "500"];
  const child = spawnCli(args, { cwd: dir.path });
  const log = join(dataDir, "logs", "messages.jsonl");
  // Wait until some batches are on disk, then kill without warning.
  for (;;) {
    const size = await Deno.stat(log).then((s) => s.size, () => 0);
    if (size > 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill("SIGKILL");
  await child.output();
  const partial = await Deno.readTextFile(log);
  const whole = partial.endsWith("\n") ? partial : partial.slice(0, partial.lastIndexOf("\n") + 1);
  for (const line of whole.split("\n").filter((l) => l)) JSON.parse(line);

  const again = await runMain(args.slice(0, 2).concat(args.slice(2)));
  assertEquals(again.code, 0, again.stderr);
  const stored = await logLines(dataDir);
  assertEquals(stored.length, 60000);
  assertEquals(new Set(stored.map((m) => m.message_id)).size, 60000);
});

Deno.test("import --log-only: Ctrl-C mid-way stops the reader thread, keeps what was read, says so", async () => {
  await using dir = await tempDir();
  const capture = join(dir.path, "big.irc.txt");
  const lines: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    const user = `user_${i % 500}`;
    lines.push(
      `@id=int-${i};tmi-sent-ts=${1710093600000 + i};user-id=${i % 500} ` +
        `:${user}!${user}@${user}.tmi.twitch.tv PRIVMSG #example_streamer :message number ${i}`,
    );
  }
  await Deno.writeTextFile(capture, lines.join("\n") + "\n");
  const dataDir = join(dir.path, "data");
  const args = ["import", capture, "--data-dir", dataDir, "--log-only", "--batch-size", "500"];
  const child = spawnCli(args, { cwd: dir.path });
  const log = join(dataDir, "logs", "messages.jsonl");
  for (;;) {
    const size = await Deno.stat(log).then((s) => s.size, () => 0);
    if (size > 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill("SIGINT");
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  const stored = await logLines(dataDir);
  // Whatever was read before the signal is stored whole; the rest comes with the next import.
  const summary = /: (\d+) new, 0 duplicate/.exec(stderr);
  assert(summary, stderr);
  assertEquals(stored.length, Number(summary[1]));
  if (stored.length < 200_000) assertMatch(stderr, /interrupted/);
  const again = await runMain(args);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(new Set((await logLines(dataDir)).map((m) => m.message_id)).size, 200_000);
});

Deno.test("import runs with read, write and env only (no network)", async () => {
  await using dir = await tempDir();
  const child = spawnCli(["import", TD, "--data-dir", join(dir.path, "data"), "--log-only"], {
    cwd: dir.path,
    permissions: ["--allow-read", "--allow-write", "--allow-env"],
  });
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assertMatch(stderr, /5 new, 0 duplicate/);
});
