import { assert, assertEquals } from "../support/assert.ts";
import { main } from "../../main.ts";
import { run } from "../../src/cli/providers.ts";
import { UsageError } from "../../src/errors.ts";
import { assertRejects } from "../support/assert.ts";
import { moduleSource, tempDir } from "../subjects/providers/_helpers.ts";
import { fakeIO } from "./_fake_io.ts";

Deno.test("providers list shows every built-in with types, network and key", async () => {
  await using dir = await tempDir();
  const io = fakeIO();
  assertEquals(await main(["providers", "list", "--data-dir", dir.path], io), 0);
  const lines = io.stdout.trimEnd().split("\n");
  assertEquals(lines[0]?.split(/\s{2,}/), [
    "NAME",
    "TYPES",
    "NETWORK",
    "KEY",
    "ORIGIN",
    "DESCRIPTION",
  ]);
  const rows = lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 5));
  assertEquals(rows, [
    ["gravatar_like", "email", "optional", "no", "built-in"],
    ["handle_presence", "username", "no", "no", "built-in"],
    ["phone_info", "phone", "no", "no", "built-in"],
    ["chat_presence", "username", "no", "no", "built-in"],
  ]);
});

Deno.test("providers list --format json includes third-party providers from the config", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/keyed.ts`,
    moduleSource("keyed_lookup", 'keyEnv: "KEYED_API_KEY",').replace(
      "needsKey: false",
      "needsKey: true",
    ),
  );
  const cfg = `${dir.path}/custom-providers.json`;
  await Deno.writeTextFile(cfg, JSON.stringify({ modules: ["./keyed.ts"] }));
  const io = fakeIO();
  assertEquals(
    await run(["list", "--format", "json", "--providers-config", cfg, "--data-dir", dir.path], io),
    0,
  );
  const rows = JSON.parse(io.stdout) as Array<Record<string, unknown>>;
  assertEquals(rows.length, 5);
  assertEquals(rows[4], {
    name: "keyed_lookup",
    supports: ["username"],
    network: "no",
    key: "KEYED_API_KEY",
    origin: "./keyed.ts",
    description: "test provider",
  });
});

Deno.test("providers: usage errors exit 2; a broken config exits 1 naming the file", async () => {
  await using dir = await tempDir();
  await assertRejects(() => run(["list", "--format", "xml"], fakeIO()), UsageError);
  const io = fakeIO();
  assertEquals(await main(["providers", "list", "--format", "xml"], io), 2);
  assert(io.stderr.includes("--format must be table or json"), io.stderr);
  assertEquals(await main(["providers", "frob"], fakeIO()), 2);
  await Deno.writeTextFile(`${dir.path}/providers.json`, '{"modules": [}');
  const io2 = fakeIO();
  assertEquals(await main(["providers", "list", "--data-dir", dir.path], io2), 1);
  assertEquals(
    io2.stderr,
    `error: ${dir.path}/providers.json:1:14: invalid JSON: Unexpected token '}'\n`,
  );
});
