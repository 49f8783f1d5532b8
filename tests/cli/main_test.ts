/** main(): dispatch, usage, exit codes and the one place errors become messages. */
import assert from "node:assert/strict";
import { runCli, runMain, tempDir } from "../support/cli.ts";

/** The command names listed by `--help`. */
async function commands(): Promise<string[]> {
  const r = await runMain(["--help"]);
  const block = r.stdout.split("Commands:\n")[1]?.split("\n\n")[0] ?? "";
  return block.split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean);
}

Deno.test("main --help prints usage with every command and an example, exit 0", async () => {
  for (const argv of [["--help"], ["-h"], ["help"]]) {
    const r = await runMain(argv);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /^twitch-osint: /);
    assert.match(r.stdout, /Usage: twitch-osint <command> \[options\]/);
    assert.match(
      r.stdout,
      /Example:\n\s+twitch-osint chat run --channels \S+ --duration-seconds \d+ --offline/,
    );
  }
  const names = await commands();
  for (const required of ["subjects", "chat"]) assert.ok(names.includes(required), names.join());
});

Deno.test("main without arguments prints usage on stderr, exit 2", async () => {
  const r = await runMain([]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /Usage: twitch-osint <command>/);
});

Deno.test("main --version prints the version", async () => {
  const r = await runMain(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^twitch-osint \d+\.\d+\.\d+\n$/);
});

Deno.test("main with an unknown command is a one-line usage error, exit 2", async () => {
  const r = await runMain(["frobnicate", "--now"]);
  assert.deepEqual(r, {
    code: 2,
    stdout: "",
    stderr: 'error: unknown command "frobnicate" (see --help)\n',
  });
});

Deno.test("every command listed by --help answers --help with exit 0", async (t) => {
  await using dir = await tempDir();
  for (const name of await commands()) {
    await t.step(name, async () => {
      const r = await runMain([name, "--help", "--data-dir", dir.path]);
      assert.equal(r.code, 0, `${name} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: twitch-osint /, `${name} --help printed no usage`);
      assert.ok(!/\n\s+at /.test(r.stderr), `${name} --help printed a stack`);
    });
  }
});

Deno.test("main as a real process: exit codes 0 and 2, errors on one line without a stack", async () => {
  await using dir = await tempDir();
  const help = await runCli(["--help"], { cwd: dir.path });
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage: twitch-osint/);
  const usage = await runCli(["chat", "run", "--offline"], { cwd: dir.path });
  assert.equal(usage.code, 2);
  assert.equal(usage.stderr, "error: --channels is required\n");
  const unknown = await runCli(["nope"], { cwd: dir.path });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr.split("\n").length, 2, unknown.stderr);
  // A runtime failure is exit 1, still one line.
  const missing = await runCli(["subjects", "load", "--path", "missing.csv"], { cwd: dir.path });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: missing\.csv: cannot read \([^\n]*\)\n$/);
});
