import assert from "node:assert/strict";
import { join } from "node:path";
import { commonOptions, defaultFixturesDir, loadEnv, parseDotEnv } from "../src/config.ts";
import { UsageError } from "../src/errors.ts";
import { envOf, tempDir } from "./support/cli.ts";

Deno.test("parseDotEnv() reads KEY=value lines, comments, export and quotes", () => {
  const env = parseDotEnv(
    [
      "# a comment",
      "",
      "PLAIN=value",
      "  SPACED  =  spaced value  ",
      "export EXPORTED=yes",
      'DOUBLE="two words"',
      "SINGLE='it # is not a comment'",
      "TRAILING=abc # a comment",
      "HASH_IN=abc#def",
      "EQUALS=a=b=c",
      "EMPTY=",
      'EMPTY_QUOTED=""',
      "1BAD=ignored",
      "no equals sign",
      "CRLF=windows\r",
      "TWICE=first",
      "TWICE=second",
    ].join("\n"),
  );
  assert.deepEqual(Object.fromEntries(env), {
    PLAIN: "value",
    SPACED: "spaced value",
    EXPORTED: "yes",
    DOUBLE: "two words",
    SINGLE: "it # is not a comment",
    TRAILING: "abc",
    HASH_IN: "abc#def",
    EQUALS: "a=b=c",
    EMPTY: "",
    EMPTY_QUOTED: "",
    CRLF: "windows",
    TWICE: "second",
  });
});

Deno.test("parseDotEnv() drops a comment after a quoted value, keeping what the quotes hold", () => {
  const env = parseDotEnv(`TOKEN="oauth:abc123" # my bot\nNICK='bot_nick'   # lower case`);
  assert.equal(env.get("TOKEN"), "oauth:abc123");
  assert.equal(env.get("NICK"), "bot_nick");
  assert.equal(parseDotEnv('Q="a" # say "hi"').get("Q"), "a");
  assert.equal(parseDotEnv('R="a"b"').get("R"), 'a"b');
});

Deno.test("parseDotEnv() keeps an unterminated quote as written, with no interpolation", () => {
  const env = parseDotEnv('OPEN="half\nVAR=$HOME/x\nESC="a\\nb"');
  assert.equal(env.get("OPEN"), '"half');
  assert.equal(env.get("VAR"), "$HOME/x");
  assert.equal(env.get("ESC"), "a\\nb");
});

Deno.test("loadEnv() puts the environment over .env, and empty values count as unset", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, ".env");
  const names = ["OSINT_TEST_A", "OSINT_TEST_B", "OSINT_TEST_C", "OSINT_TEST_D"].map((n) =>
    `${n}_${Deno.pid}`
  );
  const [a, b, c, d] = names as [string, string, string, string];
  await Deno.writeTextFile(path, `${a}=from_file\n${b}=from_file\n${c}=from_file\n${d}=\n`);
  Deno.env.set(b, "from_env");
  Deno.env.set(c, "");
  try {
    const env = loadEnv(path);
    assert.equal(env(a), "from_file");
    assert.equal(env(b), "from_env");
    assert.equal(env(c), "from_file", "an empty variable falls back to .env");
    assert.equal(env(d), undefined, "empty in both is unset");
    assert.equal(env(`OSINT_TEST_NONE_${Deno.pid}`), undefined);
    // A missing .env is the environment alone.
    assert.equal(loadEnv(join(dir.path, "missing.env"))(b), "from_env");
    assert.equal(loadEnv(join(dir.path, "missing.env"))(a), undefined);
  } finally {
    for (const n of names) Deno.env.delete(n);
  }
});

Deno.test("commonOptions() takes flags over the environment over defaults", () => {
  const env = envOf({ OSINT_DATA_DIR: "/env/data", OSINT_FIXTURES_DIR: "/env/fx" });
  assert.deepEqual(commonOptions({}, env), {
    dataDir: "/env/data",
    fixturesDir: "/env/fx",
    debug: false,
    quiet: false,
  });
  assert.deepEqual(
    commonOptions({
      "data-dir": "/flag/data",
      "fixtures-dir": "/flag/fx",
      debug: true,
      quiet: true,
    }, env),
    { dataDir: "/flag/data", fixturesDir: "/flag/fx", debug: true, quiet: true },
  );
  const defaults = commonOptions({}, envOf());
  assert.equal(defaults.dataDir, "./data");
  assert.equal(defaults.fixturesDir, defaultFixturesDir());
});

Deno.test("commonOptions() refuses an empty data dir with a UsageError", () => {
  assert.throws(() => commonOptions({ "data-dir": "  " }, envOf()), UsageError);
});

Deno.test("defaultFixturesDir() finds fixtures beside the program when the cwd has none", async () => {
  await using dir = await tempDir();
  const cwd = Deno.cwd();
  Deno.chdir(dir.path);
  try {
    const shipped = defaultFixturesDir();
    assert.notEqual(shipped, "./fixtures");
    assert.ok((await Deno.stat(join(shipped, "emotes.json"))).isFile);
    await Deno.mkdir(join(dir.path, "fixtures"));
    assert.equal(defaultFixturesDir(), "./fixtures");
  } finally {
    Deno.chdir(cwd);
  }
});
