import { assert, assertEquals, assertRejects, assertThrows } from "../../support/assert.ts";
import {
  assertProvider,
  builtinProviders,
  loadRegistry,
} from "../../../src/subjects/providers/registry.ts";
import { InputError } from "../../../src/errors.ts";
import { moduleSource, providerLiteral, tempDir } from "./_helpers.ts";

Deno.test("builtinProviders() lists the four built-ins in order, each a valid provider", () => {
  const ps = builtinProviders();
  assertEquals(ps.map((p) => p.name), [
    "gravatar_like",
    "handle_presence",
    "phone_info",
    "chat_presence",
  ]);
  for (const p of ps) assertProvider(p);
  // Fresh instances each time: no state shared between runs.
  assert(builtinProviders()[0] !== ps[0]);
});

Deno.test("loadRegistry() without a config gives the built-ins", async () => {
  await using dir = await tempDir();
  const r = await loadRegistry({ dataDir: dir.path });
  assertEquals(r.configPath, null);
  assertEquals(r.providers.length, 4);
  assertEquals(r.origins.phone_info, "built-in");
});

Deno.test("loadRegistry() imports third-party modules named in <data>/providers.json", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/mods`);
  await Deno.writeTextFile(`${dir.path}/mods/echo.ts`, moduleSource("echo"));
  await Deno.writeTextFile(
    `${dir.path}/mods/two.js`,
    `export default [${providerLiteral("one_a")}, ${providerLiteral("one_b")}];\n`,
  );
  await Deno.writeTextFile(
    `${dir.path}/providers.json`,
    JSON.stringify({
      modules: ["./mods/echo.ts", `${dir.path}/mods/two.js`],
      options: { echo: { anything: 1 }, handle_presence: { platforms: ["github"] } },
    }),
  );
  const r = await loadRegistry({ dataDir: dir.path });
  assertEquals(r.configPath, `${dir.path}/providers.json`);
  assertEquals(r.providers.map((p) => p.name).slice(4), ["echo", "one_a", "one_b"]);
  assertEquals(r.origins.echo, "./mods/echo.ts");
  assertEquals(r.options.handle_presence, { platforms: ["github"] });
});

Deno.test("loadRegistry() reports config problems naming the file", async (t) => {
  await using dir = await tempDir();
  const cfg = `${dir.path}/custom.json`;
  await Deno.writeTextFile(`${dir.path}/dup.ts`, moduleSource("phone_info"));
  await Deno.writeTextFile(`${dir.path}/bad.ts`, moduleSource("Bad Name"));
  await Deno.writeTextFile(`${dir.path}/none.ts`, "export const x = 1;\n");
  const cases: Array<[string, string, string]> = [
    ["syntax", '{"modules": [\n  "a.ts",,]}', `${cfg}:2:10: invalid JSON`],
    ["unknown key", '{"moduls": []}', `${cfg}: (root): `],
    ["missing module", '{"modules": ["./nope.ts"]}', `${cfg}: modules[0] (./nope.ts): cannot load`],
    [
      "no export",
      '{"modules": ["./none.ts"]}',
      `${cfg}: modules[0] (./none.ts): exports no provider`,
    ],
    [
      "bad shape",
      '{"modules": ["./bad.ts"]}',
      `${cfg}: modules[0] (./bad.ts): not a provider: name`,
    ],
    [
      "duplicate",
      '{"modules": ["./dup.ts"]}',
      `${cfg}: modules[0] (./dup.ts): a provider named "phone_info"`,
    ],
    ["unknown options", '{"options": {"nope": {}}}', `${cfg}: options.nope: no provider`],
    [
      "bad options",
      '{"options": {"handle_presence": {"platforms": "twitch"}}}',
      `${cfg}: options.handle_presence: options.handle_presence: platforms: `,
    ],
  ];
  for (const [name, text, prefix] of cases) {
    await t.step(name, async () => {
      await Deno.writeTextFile(cfg, text);
      const e = await assertRejects(
        () => loadRegistry({ dataDir: dir.path, configPath: cfg }),
        InputError,
      );
      assert(e.message.startsWith(prefix), `${e.message}\n  expected prefix: ${prefix}`);
    });
  }
  await t.step("an explicit config that does not exist", async () => {
    const e = await assertRejects(
      () => loadRegistry({ dataDir: dir.path, configPath: `${dir.path}/absent.json` }),
      InputError,
    );
    assert(e.message.includes("file not found"), e.message);
  });
});

Deno.test("assertProvider() rejects objects that are not providers", () => {
  assertThrows(() => assertProvider(null));
  assertThrows(() => assertProvider({ name: "x", description: "", supports: ["fax"] }));
  assertThrows(() =>
    assertProvider({
      name: "x",
      description: "",
      supports: [],
      needsNetwork: false,
      needsKey: false,
      enrich: () => {},
    })
  );
});
