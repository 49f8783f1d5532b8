/**
 * `chat run` end to end: in-process through `main()` for output and flags, and as real
 * `deno run main.ts` processes for permissions, SIGKILL, SIGINT and concurrent writers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateChat } from "../../scripts/chatgen.ts";
import { Message } from "../../src/schemas.ts";
import {
  collect,
  FIXTURES,
  idsOf,
  readMessages,
  runCli,
  runMain,
  spawnCli,
  tempDir,
  writeFixture,
} from "../support/cli.ts";
import { readTree } from "../support/messages.ts";

/** Flags for an offline run of the shipped fixtures into `data`. */
const offline = (data: string, ...more: string[]) => [
  "chat",
  "run",
  "--offline",
  "--channels",
  "example_channel,devchat",
  "--speed",
  "0",
  "--data-dir",
  data,
  "--fixtures-dir",
  FIXTURES,
  ...more,
];

async function fixtureLineCount(channel: string): Promise<number> {
  const text = await Deno.readTextFile(join(FIXTURES, "chat", `${channel}.jsonl`));
  return text.split("\n").filter((l) => l.trim() !== "").length;
}

/** Writes a generated fixture of `count` lines for one channel (optionally in reverse order). */
async function bigFixture(
  fixturesDir: string,
  channel: string,
  count: number,
  options: { reverse?: boolean } = {},
): Promise<void> {
  const lines = [];
  for (
    const l of generateChat({
      seed: 42,
      channels: [channel],
      users: 3000,
      count,
      startMs: Date.UTC(2025, 8, 2, 12),
      meanGapMs: 40,
      ids: true,
    })
  ) lines.push(l as unknown as Record<string, unknown>);
  if (options.reverse) lines.reverse();
  await writeFixture(fixturesDir, channel, lines);
}

/** Reads a child's stderr as it comes, so a test can wait for a line instead of a time. */
function watchStderr(child: Deno.ChildProcess) {
  let text = "";
  let wake: (() => void) | undefined;
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      wake?.();
    }
    ended = true;
    wake?.();
  })();
  return {
    async until(re: RegExp): Promise<void> {
      while (!re.test(text)) {
        if (ended) throw new Error(`stderr ended without ${re}:\n${text}`);
        await new Promise<void>((r) => (wake = r));
      }
    },
    async all(): Promise<string> {
      await reading;
      return text;
    },
  };
}

function assertNoDuplicates(ids: string[]): void {
  const seen = new Set<string>();
  const dups = ids.filter((id) => seen.size === seen.add(id).size);
  assert.deepEqual(dups.slice(0, 5), [], `${dups.length} duplicate ids`);
}

Deno.test("chat run --offline twice stores every fixture message once", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const expected = (await fixtureLineCount("example_channel")) +
    (await fixtureLineCount("devchat"));

  const first = await runMain(offline(data));
  assert.equal(first.code, 0, first.stderr);
  const afterFirst = await readMessages(data);
  assert.equal(afterFirst.length, expected);
  assertNoDuplicates(idsOf(afterFirst));
  for (const m of afterFirst) assert.ok(Message.safeParse(m).success, JSON.stringify(m));
  assert.match(
    first.stderr,
    new RegExp(
      `: ${expected} new, 0 duplicate, 0 rejected, 0 refused \\(opted out\\); stopped: end of input`,
    ),
  );

  const second = await runMain(offline(data));
  assert.equal(second.code, 0, second.stderr);
  const afterSecond = await readMessages(data);
  assert.equal(afterSecond.length, expected);
  assert.deepEqual(new Set(idsOf(afterSecond)), new Set(idsOf(afterFirst)));
  assert.match(second.stderr, new RegExp(`: 0 new, ${expected} duplicate, 0 rejected`));
});

Deno.test("chat run stores the spec's fields for the spec's example lines", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const r = await runMain(
    offline(data).map((a) => (a === "example_channel,devchat" ? "example_channel" : a)),
  );
  assert.equal(r.code, 0, r.stderr);
  const byText = new Map((await readMessages(data)).map((m) => [m.text, m]));
  const first = byText.get("hey @mod is he still dating sara?")!;
  assert.ok(first, "spec line 1 stored");
  assert.equal(first.ts, "2025-09-02T12:00:00.000Z");
  assert.equal(first.channel, "example_channel");
  assert.equal(first.user_name, "someuser");
  assert.equal(first.user_id, null);
  assert.deepEqual(first.mentions, ["mod"]);
  assert.equal(first.source, "fixture");
  assert.match(String(first.message_id), /^h_[0-9a-f]{32}$/);
  assert.deepEqual(byText.get("link pls https://example.com")?.urls, ["https://example.com"]);
  assert.deepEqual(byText.get("👉 Kappa nice one")?.emotes, ["Kappa"]);
});

Deno.test("chat run piped prints no progress line, only the summary", async () => {
  await using dir = await tempDir();
  const r = await runMain(offline(join(dir.path, "data")));
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "");
  assert.ok(!r.stderr.includes("\r") && !r.stderr.includes("\x1b"), JSON.stringify(r.stderr));
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 2, r.stderr);
  assert.match(
    lines[0]!,
    /^chat: \d+ messages from 2 channel\(s\) in [\d.]+s \(.*\/s\): \d+ new, \d+ duplicate, \d+ rejected, \d+ refused \(opted out\); stopped: end of input$/,
  );
  assert.match(lines[1]!, /^chat: log at .*logs\/messages\.jsonl$/);
});

Deno.test("chat run on a terminal draws a status line with counts and channels", async () => {
  await using dir = await tempDir();
  const r = await runMain(offline(join(dir.path, "data")), { errIsTerminal: true });
  assert.equal(r.code, 0);
  assert.match(
    r.stderr,
    // deno-lint-ignore no-control-regex -- the status line is drawn with ESC [2K
    /\r\x1b\[2Kchat: \d+ messages \(\d+ new, \d+ dup, \d+ rejected, \d+ refused\) .*\| (example_channel|devchat) \d+/,
  );
  assert.match(r.stderr, /stopped: end of input/);
});

Deno.test("chat run --quiet prints nothing on success", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const r = await runMain(offline(data, "--quiet"));
  assert.deepEqual(r, { code: 0, stdout: "", stderr: "" });
  assert.ok((await readMessages(data)).length > 0);
});

Deno.test("chat run reports each malformed fixture line as file:line: reason and goes on", async () => {
  await using dir = await tempDir();
  const fx = join(dir.path, "fx");
  const data = join(dir.path, "data");
  const good = (s: number, text: string) => ({
    ts: `2025-09-02T12:00:0${s}Z`,
    channel: "mixed",
    user_name: "u1",
    text,
  });
  const path = await writeFixture(fx, "mixed", [
    good(0, "first good line"),
    '{"ts": "2025-09-02T12:00:01Z", "channel": "mixed", ', // bad JSON
    JSON.stringify({ ts: "2025-09-02T12:00:02Z", channel: "mixed", user_name: "u1" }), // no text
    JSON.stringify({ ...good(3, "x"), ts: "2025-13-45T99:00:00Z" }), // bad timestamp
  ]);
  const enc = new TextEncoder();
  const f = await Deno.open(path, { append: true });
  await f.write(
    new Uint8Array([...enc.encode('{"text":"'), 0xc3, 0x28, 0xff, ...enc.encode('"}\n')]),
  ); // line 5
  await f.write(enc.encode(JSON.stringify({ ...good(6, "y".repeat(1 << 20)) }) + "\n")); // line 6: 1 MB
  await f.write(enc.encode(JSON.stringify(good(7, "last good line")) + "\n"));
  f.close();

  const r = await runMain([
    "chat",
    "run",
    "--offline",
    "--channels",
    "mixed",
    "--speed",
    "0",
    "--data-dir",
    data,
    "--fixtures-dir",
    fx,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split("\n").filter((l) => l.includes(path));
  assert.equal(warnings.length, 5, r.stderr);
  assert.match(warnings[0]!, new RegExp(`${path}:2: bad JSON`));
  assert.match(warnings[1]!, new RegExp(`${path}:3: text: `));
  assert.match(warnings[2]!, new RegExp(`${path}:4: ts: `));
  assert.match(warnings[3]!, new RegExp(`${path}:5: invalid UTF-8$`));
  assert.match(warnings[4]!, new RegExp(`${path}:6: line longer than \\d+ bytes$`));
  assert.ok(r.stderr.length < 10_000, "the 1 MB line is not echoed");
  assert.match(r.stderr, /: 2 new, 0 duplicate, 5 rejected/);
  assert.deepEqual((await readMessages(data)).map((m) => m.text), [
    "first good line",
    "last good line",
  ]);
});

Deno.test("chat run --duration-seconds stops the replay in time and keeps what came", async () => {
  await using dir = await tempDir();
  const fx = join(dir.path, "fx");
  const data = join(dir.path, "data");
  const at = (s: number) => new Date(Date.UTC(2025, 8, 2, 12) + s * 1000).toISOString();
  await writeFixture(
    fx,
    "slow",
    [0, 0, 100, 200].map((s, i) => ({
      ts: at(s),
      channel: "slow",
      user_name: "u",
      text: `m${i}`,
    })),
  );
  const r = await runMain([
    "chat",
    "run",
    "--offline",
    "--channels",
    "slow",
    "--duration-seconds",
    "2",
    "--data-dir",
    data,
    "--fixtures-dir",
    fx,
  ]);
  assert.equal(r.code, 0, r.stderr);
  // Without the limit the run would go on to m2 and m3 (after two capped 3 s gaps). The
  // duration counts from before the replay starts, so it ends before the first gap does,
  // however slow the start; m0 and m1 come at once.
  assert.match(r.stderr, /stopped: duration reached/);
  assert.deepEqual((await readMessages(data)).map((m) => m.text), ["m0", "m1"]);
});

Deno.test("chat run usage errors exit 2 with one line and no stack", async (t) => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const cases: Array<[string, string[], RegExp]> = [
    ["no --channels", ["chat", "run", "--offline"], /--channels is required/],
    ["bad channel", ["chat", "run", "--offline", "--channels", "bad name!"], /--channels: login/],
    [
      "bad speed",
      ["chat", "run", "--offline", "--channels", "devchat", "--speed", "fast"],
      /--speed must be a number/,
    ],
    ["negative duration", [
      "chat",
      "run",
      "--offline",
      "--channels",
      "devchat",
      "--duration-seconds=-1",
    ], /--duration-seconds must be/],
    ["unknown flag", ["chat", "run", "--offline", "--channels", "devchat", "--bogus"], /bogus/],
    [
      "stray argument",
      ["chat", "run", "--offline", "--channels", "devchat", "extra"],
      /unexpected argument "extra"/,
    ],
    [
      // A region libphonenumber does not know would leave national phone numbers unredacted.
      "bad region",
      ["chat", "run", "--offline", "--channels", "devchat", "--region", "USA"],
      /--region must be a two-letter country code, got "USA"/,
    ],
    ["unknown subcommand", ["chat", "frobnicate"], /unknown chat subcommand "frobnicate"/],
    [
      "no fixture",
      ["chat", "run", "--offline", "--channels", "nosuchchannel"],
      /no fixture for nosuchchannel/,
    ],
  ];
  for (const [name, argv, want] of cases) {
    await t.step(name, async () => {
      const r = await runMain([...argv, "--data-dir", data, "--fixtures-dir", FIXTURES]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^error: [^\n]+\n$/);
      assert.match(r.stderr, want);
    });
  }
  assert.deepEqual(await readMessages(data), [], "a usage error writes nothing");
});

Deno.test("chat --help and chat run --help exit 0 with an example", async () => {
  for (const argv of [["chat", "--help"], ["chat", "run", "--help"], ["chat", "run", "-h"]]) {
    const r = await runMain(argv);
    assert.equal(r.code, 0, argv.join(" "));
    assert.match(r.stdout, /Usage: twitch-osint chat run/);
    assert.match(r.stdout, /Example:\n\s+twitch-osint chat run/);
    assert.equal(r.stderr, "");
  }
  const bare = await runMain(["chat"]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /Usage: twitch-osint chat run/);
});

Deno.test("chat run --offline works with --allow-read --allow-write --allow-env only", async () => {
  await using dir = await tempDir();
  const r = await runCli(offline(join(dir.path, "data")), { cwd: dir.path });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  // Piped: no progress line, only the summary.
  assert.ok(!r.stderr.includes("\r"), JSON.stringify(r.stderr));
  assert.match(r.stderr, /^chat: \d+ messages from 2 channel\(s\)/);
  const expected = (await fixtureLineCount("example_channel")) +
    (await fixtureLineCount("devchat"));
  assert.equal((await readMessages(join(dir.path, "data"))).length, expected);
});

Deno.test("chat run reads OSINT_DATA_DIR and OSINT_FIXTURES_DIR from .env in the working dir", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    join(dir.path, ".env"),
    `OSINT_DATA_DIR=${join(dir.path, "envdata")}\nOSINT_FIXTURES_DIR="${FIXTURES}" # shipped\n`,
  );
  const r = await runCli([
    "chat",
    "run",
    "--offline",
    "--channels",
    "devchat",
    "--speed",
    "0",
    "--quiet",
  ], { cwd: dir.path });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    (await readMessages(join(dir.path, "envdata"))).length,
    await fixtureLineCount("devchat"),
  );
});

Deno.test("chat run killed with SIGKILL mid-run, plus a torn line: the next run repairs and dedups", async () => {
  await using dir = await tempDir();
  const fx = join(dir.path, "fx");
  const data = join(dir.path, "data");
  const log = join(data, "logs", "messages.jsonl");
  const count = 30_000;
  await bigFixture(fx, "big", count);
  const args = [
    "chat",
    "run",
    "--offline",
    "--channels",
    "big",
    "--speed",
    "0",
    "--data-dir",
    data,
    "--fixtures-dir",
    fx,
  ];

  // Small batches: the process is killed between (or during) many small locked writes. Paced
  // (about a minute for the 30,000 messages), so it cannot end on its own before the kill.
  const paced = args.map((a, i) => (args[i - 1] === "--speed" ? "20" : a));
  const child = spawnCli([...paced, "--batch-size", "25", "--flush-ms", "5"], { cwd: dir.path });
  const output = collect(child);
  let exited = false;
  void output.then(() => exited = true);
  const deadline = Date.now() + 300_000;
  let size = 0;
  while (size < 64 * 1024 && !exited && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    size = await Deno.stat(log).then((s) => s.size, () => 0);
  }
  child.kill("SIGKILL");
  const killed = await output;
  assert.notEqual(killed.code, 0, "the first run ended on its own before the kill");
  assert.ok(size >= 64 * 1024, "the first run wrote too little before the deadline");

  const before = await Deno.readFile(log);
  const lastNl = before.lastIndexOf(10);
  const wholeLines =
    new TextDecoder().decode(before.subarray(0, lastNl + 1)).split("\n").filter(Boolean).length;
  assert.ok(wholeLines > 0 && wholeLines < count, `${wholeLines} lines before the restart`);
  // A crash mid-line, by hand: a partial record without its newline.
  const torn =
    '{"ts":"2025-09-02T12:00:00.000Z","channel":"big","message_id":"torn-by-hand","user_id":nu';
  await Deno.writeTextFile(log, torn, { append: true });

  const r = await runCli(args, { cwd: dir.path });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: .*messages\.jsonl: torn last line \(\d+ bytes at offset \d+\) moved to .*messages\.jsonl\.corrupt/,
  );
  const corrupt = await Deno.readTextFile(`${log}.corrupt`);
  assert.ok(corrupt.includes(torn), "the torn bytes are kept in messages.jsonl.corrupt");

  const stored = await readMessages(data); // throws on any line that is not JSON
  const ids = idsOf(stored);
  assertNoDuplicates(ids);
  assert.equal(stored.length, count, "every fixture message is stored once");
  assert.ok(!ids.includes("torn-by-hand"));
  assert.match(
    r.stderr,
    new RegExp(`: ${count - wholeLines} new, ${wholeLines} duplicate, 0 rejected`),
  );
  // The derived data survived the kill as well: the index covers every message, and the
  // profiles equal a rebuild from the log, byte for byte.
  const status = await runCli(["index", "status", "--data-dir", data], { cwd: dir.path });
  assert.equal(status.code, 0, status.stderr);
  const st = JSON.parse(status.stdout);
  assert.equal(st.state, "current");
  assert.equal(st.indexed_messages, count);
  const incremental = await readTree(join(data, "profiles"));
  assert.ok(incremental.size > 1);
  const rebuilt = await runCli(["profiles", "rebuild", "--data-dir", data], { cwd: dir.path });
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.deepEqual(await readTree(join(data, "profiles")), incremental);
});

Deno.test("chat run interrupted with SIGINT flushes what it received and exits 0", async () => {
  await using dir = await tempDir();
  const fx = join(dir.path, "fx");
  const data = join(dir.path, "data");
  const at = (s: number) => new Date(Date.UTC(2025, 8, 2, 12) + s * 1000).toISOString();
  // Fifteen quick messages, a bad line, then a hundred an hour apart (the replay waits the
  // capped gap of 3 s before each: five minutes in all, so it cannot end before the test stops
  // it, however loaded the machine). With --batch-size 10 and --flush-ms 60000 only whole
  // batches are written while it runs; what is pending is written by the final flush. The
  // warning for the bad line says the fifteenth has been taken.
  const times = [
    ...Array.from({ length: 15 }, (_, i) => at(i / 100)),
    ...Array.from({ length: 100 }, (_, i) => at(3600 * (i + 1))),
  ];
  const lines: Array<Record<string, unknown> | string> = times.map((ts, i) => ({
    ts,
    channel: "c",
    user_name: "u",
    text: `m${i}`,
  }));
  lines.splice(15, 0, "{not json");
  await writeFixture(fx, "c", lines);
  const child = spawnCli(
    [
      "chat",
      "run",
      "--offline",
      "--channels",
      "c",
      "--speed",
      "1",
      "--batch-size",
      "10",
      "--flush-ms",
      "60000",
      "--data-dir",
      data,
      "--fixtures-dir",
      fx,
    ],
    { cwd: dir.path },
  );
  const stderr = watchStderr(child);
  await stderr.until(/c\.jsonl:16: bad JSON/);
  // The first batch of ten is being written (or is): wait until it is whole on disk.
  const wholeBatches = (n: number) => n >= 10 && n % 10 === 0;
  const deadline = Date.now() + 300_000;
  while (!wholeBatches((await readMessages(data, { whileWriting: true })).length)) {
    assert.ok(Date.now() < deadline, "the first batch never reached the log");
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGINT");
  const code = (await child.status).code;
  const text = await stderr.all();
  assert.equal(code, 0, text);
  const m =
    /chat: (\d+) messages from 1 channel\(s\) in [\d.]+s \([^)]*\): (\d+) new, 0 duplicate, 1 rejected, 0 refused \(opted out\); stopped: interrupted/
      .exec(text);
  assert.ok(m, text);
  // Everything received is stored, in order: at least the fifteen, the pending ones by the
  // final flush (15 of them received while 10 were written, unless the pause before SIGINT
  // let more arrive).
  const received = Number(m[1]);
  assert.ok(received >= 15 && received < times.length, text);
  assert.equal(Number(m[2]), received);
  assert.deepEqual(
    (await readMessages(data)).map((r) => r.text),
    Array.from({ length: received }, (_, i) => `m${i}`),
  );
});

Deno.test("two concurrent chat run processes on one data dir: whole lines, no duplicates, union complete", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const count = 8_000;
  // The same messages, one process from the first, the other from the last: they meet in the
  // middle, so both write, and each must skip what the other already wrote.
  await bigFixture(join(dir.path, "fwd"), "shared", count);
  await bigFixture(join(dir.path, "rev"), "shared", count, { reverse: true });
  const args = (fx: string) => [
    "chat",
    "run",
    "--offline",
    "--channels",
    "shared",
    "--speed",
    "0",
    "--batch-size",
    "50",
    "--data-dir",
    data,
    "--fixtures-dir",
    join(dir.path, fx),
  ];
  const [a, b] = await Promise.all([
    runCli(args("fwd"), { cwd: dir.path }),
    runCli(args("rev"), { cwd: dir.path }),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const stored = await readMessages(data); // every line parses
  const ids = idsOf(stored);
  assertNoDuplicates(ids);
  assert.equal(stored.length, count);
  const figures = (s: string) => {
    const m = /: (\d+) new, (\d+) duplicate/.exec(s);
    assert.ok(m, s);
    return [Number(m[1]), Number(m[2])];
  };
  const [newA, dupA] = figures(a.stderr), [newB, dupB] = figures(b.stderr);
  // Both wrote part of it: the runs overlapped (each takes a second or more; they start together).
  assert.ok(newA! > 0 && newB! > 0, `no overlap: ${newA} and ${newB} new`);
  assert.equal(newA! + newB!, count, "each message written by exactly one process");
  assert.equal(dupA! + dupB!, count);
});

Deno.test("chat run fails (exit 1) when profiles cannot be written, index status says stale, the next command repairs", async () => {
  await using dir = await tempDir();
  const dataDir = join(dir.path, "data");
  // A file where the users' profile folder should be: every profile write fails, as on a
  // full disk, while the log is written.
  await Deno.mkdir(join(dataDir, "profiles"), { recursive: true });
  await Deno.writeTextFile(join(dataDir, "profiles", "users"), "not a folder");
  const d = ["--data-dir", dataDir];
  const run = await runMain([
    "chat",
    "run",
    "--channels",
    "example_channel",
    "--offline",
    "--speed",
    "0",
    ...d,
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /error: the index or profiles could not be written/);
  const status = await runMain(["index", "status", ...d]);
  const s = JSON.parse(status.stdout) as { profiles_state: string; profiles_pending_files: number };
  assert.equal(s.profiles_state, "stale");
  assert.ok(s.profiles_pending_files > 0);
  await Deno.remove(join(dataDir, "profiles", "users"));
  const show = await runMain(["profiles", "show", "--user", "someuser", ...d]);
  assert.equal(show.code, 0, show.stderr);
  const after = JSON.parse((await runMain(["index", "status", ...d])).stdout) as typeof s;
  assert.deepEqual([after.profiles_state, after.profiles_pending_files], ["current", 0]);
});
