import assert from "node:assert/strict";
import { join } from "node:path";
import { replayShipped, runCli, runMain, tempDir } from "../support/cli.ts";

const replayFixtures = (dataDir: string) => replayShipped(["--quiet", "--data-dir", dataDir]);

Deno.test("search messages answers the spec's two examples on the offline fixtures", async () => {
  await using dir = await tempDir();
  await replayFixtures(dir.path);
  const a = await runMain([
    "search",
    "messages",
    "--by",
    "user",
    "--value",
    "someuser",
    "--contains",
    "dating",
    "--limit",
    "20",
    "--data-dir",
    dir.path,
  ]);
  assert.equal(a.code, 0, a.stderr);
  const hits = JSON.parse(a.stdout) as Array<Record<string, string>>;
  assert.ok(hits.length >= 1);
  assert.ok(hits.every((m) => m.user_name === "someuser" && /dating/i.test(m.text!)));
  assert.ok(hits.some((m) => m.text === "hey @mod is he still dating sara?"));
  const ts = hits.map((m) => m.ts!);
  assert.deepEqual(ts, [...ts].sort().reverse());

  const b = await runMain([
    "search",
    "messages",
    "--by",
    "channel",
    "--value",
    "example_channel",
    "--since",
    "2025-09-02T12:00:00Z",
    "--data-dir",
    dir.path,
  ]);
  assert.equal(b.code, 0, b.stderr);
  const rows = JSON.parse(b.stdout) as Array<Record<string, string>>;
  assert.equal(rows.length, 20);
  assert.ok(
    rows.every((m) => m.channel === "example_channel" && m.ts! >= "2025-09-02T12:00:00.000Z"),
  );
  // The same through --scan, and as jsonl.
  const c = await runMain([
    "search",
    "messages",
    "--by",
    "channel",
    "--value",
    "#Example_Channel",
    "--since",
    "2025-09-02T12:00:00Z",
    "--scan",
    "--format",
    "jsonl",
    "--data-dir",
    dir.path,
  ]);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(c.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)), rows);
});

Deno.test("search messages --format table prints one line per message", async () => {
  await using dir = await tempDir();
  await replayFixtures(dir.path);
  const r = await runMain([
    "search",
    "messages",
    "--contains",
    "DATING sara",
    "--limit",
    "3",
    "--format",
    "table",
    "--data-dir",
    dir.path,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^ts\s+channel\s+user\s+text$/);
  assert.equal(lines.length, 4);
  assert.ok(lines.slice(1).every((l) => /dating sara/i.test(l)));
});

Deno.test("search messages: bad input is a usage error (exit 2) that names the problem", async () => {
  await using dir = await tempDir();
  const cases: Array<[string[], RegExp]> = [
    [["--by", "nobody", "--value", "x"], /--by must be "user" or "channel"/],
    [["--by", "user"], /--by user needs --value/],
    [["--since", "last tuesday"], /--since: cannot read "last tuesday"/],
    [["--since", "2025-09-03", "--until", "2025-09-02"], /--since .* is after --until/],
    [["--limit", "0"], /--limit must be at least 1/],
    [["--format", "xml"], /--format must be json, jsonl, table or csv/],
    [["--bogus"], /bogus/],
  ];
  for (const [args, re] of cases) {
    const r = await runMain(["search", "messages", ...args, "--data-dir", dir.path]);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.equal(r.stdout, "");
  }
});

Deno.test("search messages runs without network permission, as a real process", async () => {
  await using dir = await tempDir();
  await replayFixtures(join(dir.path, "data"));
  const t0 = performance.now();
  const r = await runCli(["search", "messages", "--contains", "sara", "--limit", "2"], {
    cwd: dir.path,
    permissions: ["--allow-read", "--allow-write", "--allow-env"],
  });
  const ms = performance.now() - t0;
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
  assert.ok(ms < 5000, `took ${ms} ms`);
});
