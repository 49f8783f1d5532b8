/**
 * The single-file build. `deno compile` cannot fetch its base binary on these machines, so the
 * same module graph is proven through `deno bundle`: one JavaScript file that runs the offline
 * flow with read, write and env permissions only, without the repository's config.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES, idsOf, readMessages, REPO, runCli, tempDir } from "./support/cli.ts";

async function bundle(out: string): Promise<{ code: number; stderr: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      join(REPO, "deno.json"),
      "--output",
      out,
      join(REPO, "main.ts"),
    ],
    cwd: REPO,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

async function fixtureLines(channel: string): Promise<number> {
  const text = await Deno.readTextFile(join(FIXTURES, "chat", `${channel}.jsonl`));
  return text.split("\n").filter((l) => l.trim() !== "").length;
}

Deno.test("deno bundle of main.ts runs the offline flow as one file", async (t) => {
  await using dir = await tempDir();
  const js = join(dir.path, "dist", "twitch-osint.js");
  const built = await bundle(js);
  assert.equal(built.code, 0, built.stderr);
  const text = await Deno.readTextFile(js);

  await t.step("the lazily imported subcommands and npm packages are inside the bundle", () => {
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\s[^\n]*?\bfrom\s*["']([^"']+)["']/gm),
      ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
      ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1]!);
    // Only Deno's built-in node: modules may stay imports; everything else is inlined.
    assert.deepEqual(specifiers.filter((s) => !s.startsWith("node:")), []);
  });

  const work = join(dir.path, "work");
  await Deno.mkdir(work);
  await Deno.copyFile(join(REPO, "subjects.csv"), join(work, "subjects.csv"));
  const run = (args: string[]) =>
    runCli([...args, "--data-dir", "data", "--fixtures-dir", FIXTURES], {
      cwd: work,
      entry: js,
      noConfig: true,
    });

  await t.step("every command's --help loads from the bundle", async () => {
    const help = await runCli(["--help"], { cwd: work, entry: js, noConfig: true });
    assert.equal(help.code, 0, help.stderr);
    const names = (help.stdout.split("Commands:\n")[1] ?? "").split("\n\n")[0]!
      .split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean);
    assert.ok(names.includes("chat") && names.includes("subjects"), names.join());
    for (const name of names) {
      const r = await run([name, "--help"]);
      assert.equal(r.code, 0, `${name} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: twitch-osint /);
    }
  });

  await t.step("subjects load", async () => {
    const r = await run(["subjects", "load", "--path", "subjects.csv"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^subjects: 4 read, 4 new or changed/m);
    const file = JSON.parse(await Deno.readTextFile(join(work, "data", "subjects.json")));
    assert.equal(file.subjects.length, 4);
  });

  await t.step("chat run --offline --speed 0, twice", async () => {
    const args = [
      "chat",
      "run",
      "--offline",
      "--channels",
      "example_channel,devchat",
      "--speed",
      "0",
    ];
    const first = await run(args);
    assert.equal(first.code, 0, first.stderr);
    const expected = (await fixtureLines("example_channel")) + (await fixtureLines("devchat"));
    // Piped: the summary lines only, no errors or warnings from the bundled build.
    assert.deepEqual(
      first.stderr.split("\n").filter((l) => l && !l.startsWith("chat: ")),
      [],
      `unexpected output from the bundle:\n${first.stderr}`,
    );
    assert.match(first.stderr, new RegExp(`: ${expected} new, 0 duplicate, 0 rejected`));
    const stored = await readMessages(join(work, "data"));
    assert.equal(stored.length, expected);
    assert.equal(new Set(idsOf(stored)).size, expected);
    const spec = stored.find((m) => m.text === "hey @mod is he still dating sara?");
    assert.deepEqual(spec?.mentions, ["mod"]);
    const second = await run(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`: 0 new, ${expected} duplicate`));
  });

  await t.step(
    "chat run --offline --log-only: no analysis thread in a bundle, analysed inline",
    async () => {
      const logOnly = await runCli([
        "chat",
        "run",
        "--offline",
        "--channels",
        "example_channel",
        "--speed",
        "0",
        "--log-only",
        "--data-dir",
        "data-log-only",
        "--fixtures-dir",
        FIXTURES,
      ], { cwd: work, entry: js, noConfig: true });
      assert.equal(logOnly.code, 0, logOnly.stderr);
      const expected = await fixtureLines("example_channel");
      assert.match(logOnly.stderr, new RegExp(`: ${expected} new, 0 duplicate, 0 rejected`));
    },
  );
});
