import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { join } from "node:path";
import { Message } from "../../src/schemas.ts";
import {
  collect,
  readMessages,
  replayShipped,
  REPO,
  runMain,
  spawnCli,
  tempDir,
} from "../support/cli.ts";
import { grepTree } from "../support/grep_tree.ts";
import { main } from "../../main.ts";
import { generatedRows, writeFixtures } from "../support/chat_fixture.ts";

const SUBJECTS_CSV = join(REPO, "subjects.csv");

/** The README's offline quick start in a temp data dir, plus a report of the user. */
async function quickStart(dataDir: string): Promise<void> {
  const d = ["--data-dir", dataDir];
  assertEquals((await runMain(["subjects", "load", "--path", SUBJECTS_CSV, ...d])).code, 0);
  await replayShipped(d);
  assertEquals((await runMain(["subjects", "enrich", ...d])).code, 0);
  for (const f of ["md", "html"]) {
    assertEquals(
      (await runMain(["subjects", "report", "username_someuser", "--format", f, ...d])).code,
      0,
    );
  }
  assertEquals((await runMain(["subjects", "report", "username_mod123", ...d])).code, 0);
}

async function searchJson(dataDir: string, args: string[]): Promise<unknown[]> {
  const r = await runMain(["search", "messages", ...args, "--data-dir", dataDir]);
  assertEquals(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

Deno.test("forget --user leaves no byte of the user anywhere in the data dir; search finds nothing; idempotent", async () => {
  await using dir = await tempDir();
  const dataDir = dir.path;
  await quickStart(dataDir);
  // The quick start really stored them, indexed them and wrote their files.
  assert((await grepTree(dataDir, "someuser")).length > 5);
  assert((await searchJson(dataDir, ["--by", "user", "--value", "someuser"])).length > 0);
  const before = await readMessages(dataDir);
  const theirs = before.filter((m) => m.user_name === "someuser").length;
  const mentioning =
    before.filter((m) => m.user_name !== "someuser" && /someuser/i.test(JSON.stringify(m))).length;
  assert(theirs > 0 && mentioning > 0);

  const r = await runMain(["forget", "--user", "SomeUser", "--data-dir", dataDir]);
  assertEquals(r.code, 0, r.stderr);
  assertMatch(
    r.stdout,
    new RegExp(`logs/messages\\.jsonl\\s+removed ${theirs} line\\(s\\), scrubbed ${mentioning}`),
  );
  assertMatch(r.stdout, /subjects\.json: removed subject username_someuser/);
  assertMatch(r.stdout, /deleted enrichment\/username_someuser\.json/);
  assertMatch(r.stdout, /deleted reports\/username_someuser\.md/);
  assertMatch(r.stdout, /deleted reports\/username_someuser\.html/);
  assertMatch(r.stdout, /index and profiles: rebuilt/);
  assertMatch(r.stdout, /check: no file under .* holds the name any more/);

  // Every file, binary ones (index.sqlite and its WAL) included, in any letter case.
  assertEquals(await grepTree(dataDir, "someuser", { ignoreCase: true }), []);
  assertEquals(await searchJson(dataDir, ["--by", "user", "--value", "someuser"]), []);
  assertEquals(await searchJson(dataDir, ["--contains", "someuser"]), []);
  assertEquals(await searchJson(dataDir, ["--contains", "someuser", "--scan"]), []);
  // Everyone else is still there, and the index serves them.
  const after = await readMessages(dataDir);
  assertEquals(after.length, before.length - theirs);
  assert(
    (await searchJson(dataDir, ["--by", "user", "--value", "mod123", "--limit", "1000"])).length >
      0,
  );
  const hits = await runMain(["subjects", "hits", "--format", "json", "--data-dir", dataDir]);
  assert(!/someuser/i.test(hits.stdout));
  // The remaining report was regenerated without them.
  const report = await Deno.readTextFile(join(dataDir, "reports", "username_mod123.md"));
  assertMatch(report, /# Subject report: mod123/);

  const again = await runMain(["forget", "--user", "someuser", "--data-dir", dataDir]);
  assertEquals(again.code, 0);
  assertMatch(again.stdout, /nothing to remove for user someuser \(already forgotten\)/);
});

Deno.test("forget --channel removes the channel's messages and profile; other profiles lose it", async () => {
  await using dir = await tempDir();
  const dataDir = dir.path;
  await quickStart(dataDir);
  const before = await readMessages(dataDir);
  const inDev = before.filter((m) => m.channel === "devchat").length;
  const r = await runMain(["forget", "--channel", "devchat", "--data-dir", dataDir]);
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stdout, new RegExp(`logs/messages\\.jsonl\\s+removed ${inDev} line`));
  const after = await readMessages(dataDir);
  assertEquals(after.filter((m) => m.channel === "devchat").length, 0);
  assertEquals(after.length, before.length - inDev);
  await assertMissing(join(dataDir, "profiles", "channels", "devchat.json"));
  for await (const e of Deno.readDir(join(dataDir, "profiles", "users"))) {
    const p = JSON.parse(await Deno.readTextFile(join(dataDir, "profiles", "users", e.name)));
    assert(!p.channels_participated.includes("devchat"), e.name);
  }
  assertEquals(await searchJson(dataDir, ["--by", "channel", "--value", "devchat"]), []);
  const presence =
    JSON.parse(await Deno.readTextFile(join(dataDir, "enrichment", "username_someuser.json")))
      .providers.chat_presence.data;
  assertEquals(presence.channels, ["example_channel"]);
});

Deno.test("forget --dry-run changes nothing; usage errors exit 2", async () => {
  await using dir = await tempDir();
  const dataDir = dir.path;
  await quickStart(dataDir);
  const log = await Deno.readTextFile(join(dataDir, "logs", "messages.jsonl"));
  const r = await runMain(["forget", "--user", "someuser", "--dry-run", "--data-dir", dataDir]);
  assertEquals(r.code, 0);
  assertMatch(r.stdout, /dry run: nothing changed/);
  assertMatch(r.stdout, /would remove \d+ line/);
  assertEquals(await Deno.readTextFile(join(dataDir, "logs", "messages.jsonl")), log);
  for (
    const args of [
      [],
      ["--user", "no/slash"],
      ["--older-than-days", "x"],
      ["--retention"],
      ["--retention", "--older-than-days", "3"],
      ["stray"],
    ]
  ) {
    const u = await runMain(["forget", ...args, "--data-dir", dataDir]);
    assertEquals(u.code, 2, args.join(" "));
    assertMatch(u.stderr, /^error: /);
  }
});

Deno.test("forget --retention drops messages older than OSINT_RETAIN_DAYS", async () => {
  await using dir = await tempDir();
  const dataDir = dir.path;
  const now = Date.now();
  const day = 86_400_000;
  const fixtures = await writeFixtures(join(dataDir, "fx"), [
    {
      ts: new Date(now - 10 * day).toISOString(),
      channel: "c1",
      user_name: "old_one",
      text: "old",
    },
    { ts: new Date(now - 2 * day).toISOString(), channel: "c1", user_name: "mid_one", text: "mid" },
    { ts: new Date(now - 1000).toISOString(), channel: "c1", user_name: "new_one", text: "new" },
  ]);
  const d = ["--data-dir", join(dataDir, "data"), "--fixtures-dir", fixtures];
  assertEquals(
    (await runMain(["chat", "run", "--channels", "c1", "--offline", "--speed", "0", ...d])).code,
    0,
  );
  const env = { OSINT_RETAIN_DAYS: "3" };
  // Not a terminal and no --yes: it shows what it would remove and changes nothing.
  const refused = await runMain(["forget", "--retention", ...d], { env });
  assertEquals(refused.code, 2, refused.stderr);
  assertMatch(refused.stderr, /logs\/messages\.jsonl\s+would remove 1 line/);
  assertMatch(refused.stderr, /run again with --yes/);
  assertEquals((await readMessages(join(dataDir, "data"))).length, 3);
  // At a terminal, a "no" changes nothing either.
  const questions: string[] = [];
  const no = await runMain(["forget", "--retention", ...d], {
    env,
    confirm: (q) => (questions.push(q), Promise.resolve(false)),
  });
  assertEquals([no.code, questions.length], [1, 1]);
  assertEquals((await readMessages(join(dataDir, "data"))).length, 3);
  const r = await runMain(["forget", "--retention", ...d], {
    env,
    confirm: () => Promise.resolve(true),
  });
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stdout, /check: nothing older than \S+ is left in the logs/);
  assertEquals((await readMessages(join(dataDir, "data"))).map((m) => m.text), ["mid", "new"]);
  const r2 = await runMain(["forget", "--older-than-days", "1.5", "--yes", ...d]);
  assertEquals(r2.code, 0);
  assertEquals((await readMessages(join(dataDir, "data"))).map((m) => m.text), ["new"]);
  assertEquals(await grepTree(join(dataDir, "data"), "old_one"), []);
});

async function assertMissing(path: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  throw new Error(`${path} should not exist`);
}

Deno.test("forget under a concurrent monitor: no loss, no duplicate, no torn line", async () => {
  await using dir = await tempDir();
  const dataDir = join(dir.path, "data");
  const rows = generatedRows({
    seed: 7,
    channels: ["bigchan", "otherchan"],
    users: 3000,
    count: 20_000,
    startMs: Date.parse("2025-09-02T00:00:00.000Z"),
    meanGapMs: 50,
    regulars: ["someuser"],
  });
  const fixtures = await writeFixtures(join(dir.path, "fx"), rows);
  const monitor = spawnCli([
    "chat",
    "run",
    "--channels",
    "bigchan,otherchan",
    "--offline",
    // Paced (about 100 messages a second, some 200 s in all) and stopped by SIGINT once the
    // test has seen the monitor write after the forget: the replay cannot run out before a
    // slow forget ends, however loaded the machine.
    "--speed",
    "5",
    "--batch-size",
    "500",
    "--flush-ms",
    "5",
    "--quiet",
    "--data-dir",
    dataDir,
    "--fixtures-dir",
    fixtures,
  ], { cwd: dir.path });
  const output = collect(monitor);
  let exited = false;
  void output.then(() => exited = true);
  const logPath = join(dataDir, "logs", "messages.jsonl");
  const logSize = () => Deno.stat(logPath).then((s) => s.size, () => 0);
  /** Polls `check` while the monitor runs (it must not end before it is stopped). */
  const whileRunning = async (what: string, check: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 300_000; !(await check());) {
      if (exited) throw new Error(`the monitor exited while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let f: Awaited<ReturnType<typeof runMain>>;
  let sizeAtForget: number;
  try {
    // Forget once the monitor has written a good part, while it is still writing.
    await whileRunning("500 kB of log", async () => await logSize() >= 500_000);
    f = await runMain(["forget", "--user", "someuser", "--data-dir", dataDir]);
    sizeAtForget = await logSize();
    // Their messages that arrive after the forget are stored again (they did not opt out).
    await whileRunning(
      "the monitor to write someuser's messages after the forget",
      async () =>
        (await readMessages(dataDir, { whileWriting: true })).some((m) =>
          m.user_name === "someuser"
        ),
    );
  } finally {
    if (!exited) monitor.kill("SIGINT");
  }
  const out = await output;
  assertEquals(out.code, 0, out.stderr);
  // The user was not opted out, so their messages that arrive after the forget are stored
  // again, and the check may rightly find the name in them (exit 1, saying where).
  assert(f.code === 0 || (f.code === 1 && /check: .* still holds/.test(f.stdout)), f.stderr);
  // The monitor rebuilt its index and profiles from the rewritten log without a problem
  // (with the permissions of `chat run`, under which node:sqlite refuses VACUUM).
  assert(!/warning/.test(out.stderr), out.stderr);
  const removed = Number(/logs\/messages\.jsonl\s+removed (\d+)/.exec(f.stdout)?.[1]);
  assert(removed > 0, f.stdout);

  const text = await Deno.readTextFile(logPath);
  assert(text.length > sizeAtForget, "the monitor went on writing after the forget");
  assert(text.endsWith("\n"));
  const stored = text.slice(0, -1).split("\n").map((line, i) => {
    const r = Message.safeParse(JSON.parse(line));
    assert(r.success, `line ${i + 1} is not a message: ${line.slice(0, 120)}`);
    return r.data;
  });
  const ids = stored.map((m) => m.message_id);
  assertEquals(new Set(ids).size, ids.length, "duplicate ids");
  await assertMissing(`${logPath}.corrupt`);
  // What the replay sent before it was stopped: the rows (in time order, as replayed) up to
  // the last one stored.
  const position = new Map(rows.map((r, i) => [r.message_id!, i]));
  const last = Math.max(...ids.map((id) => position.get(id) ?? -1));
  const replayed = rows.slice(0, last + 1);
  // Nobody else lost a message, whether stored before the forget or after it.
  const have = new Set(ids);
  const others = replayed.filter((r) => r.user_name !== "someuser");
  assertEquals(others.filter((r) => !have.has(r.message_id!)).length, 0);
  assertEquals(
    stored.length,
    others.length + stored.filter((m) => m.user_name === "someuser").length,
  );
  // Theirs: those stored before the forget are gone; those that arrived after it are there.
  const theirs = replayed.filter((r) => r.user_name === "someuser");
  const kept = stored.filter((m) => m.user_name === "someuser");
  assertEquals(removed + kept.length, theirs.length);
  assert(kept.length > 0 && removed > 0);
});

Deno.test("forget waits for another forget on the same data dir, then runs on its result", async () => {
  await using dir = await tempDir();
  const dataDir = join(dir.path, "data");
  await replayShipped(["--quiet", "--data-dir", dataDir]);
  // Another forget holds the data dir.
  const other = await Deno.open(join(dataDir, "forget.lock"), { write: true, create: true });
  await other.lock(true);
  let stderr = "";
  let done = false;
  const running = main(["forget", "--user", "someuser", "--data-dir", dataDir], {
    out: () => {},
    err: (t) => void (stderr += t),
    errIsTerminal: false,
    env: () => undefined,
    signal: new AbortController().signal,
  }).then((code) => {
    done = true;
    return code;
  });
  // It says it waits, and does not go on while the other holds the lock.
  while (!/waiting for it/.test(stderr) && !done) await new Promise((r) => setTimeout(r, 20));
  assertMatch(stderr, /another forget is running on this data dir; waiting for it/);
  assert(!done, "forget ran while another forget held the data dir");
  assert((await readMessages(dataDir)).some((m) => m.user_name === "someuser"));
  other.close();
  assertEquals(await running, 0, stderr);
  assertEquals((await readMessages(dataDir)).some((m) => m.user_name === "someuser"), false);
});

Deno.test("forget fails (exit 1) when its check finds the name left; keywords keep logins whole", async () => {
  await using dir = await tempDir();
  const fixtures = await writeFixtures(join(dir.path, "fx"), [
    { ts: "2025-09-02T12:00:00.000Z", channel: "c1", user_name: "someuser", text: "hello" },
    {
      ts: "2025-09-02T12:00:01.000Z",
      channel: "c1",
      user_name: "fan2",
      text: "go someuser go, someuser_fan agrees",
    },
  ]);
  const d = ["--data-dir", join(dir.path, "data"), "--fixtures-dir", fixtures];
  assertEquals(
    (await runMain(["chat", "run", "--channels", "c1", "--offline", "--speed", "0", ...d])).code,
    0,
  );
  const ok = await runMain(["forget", "--user", "someuser", ...d]);
  // "someuser_fan" is another login: as a keyword it stays whole, so no "someuser" is left.
  assertEquals(ok.code, 0, ok.stdout + ok.stderr);
  assertMatch(ok.stdout, /check: no file under .* holds the name any more/);
  // A trace the forget cannot remove (a file it does not manage) fails the command.
  await Deno.writeTextFile(join(dir.path, "data", "notes.txt"), "met someuser today\n");
  const failed = await runMain(["forget", "--user", "someuser", ...d]);
  assertEquals(failed.code, 1, failed.stdout);
  assertMatch(failed.stdout, /check: notes\.txt still holds 1 trace/);
  assertMatch(failed.stderr, /error: forget: the check found traces left in 1 file/);
});
