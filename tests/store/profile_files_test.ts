import assert from "node:assert/strict";
import { join } from "node:path";
import { writeDerivedFile } from "../../src/store/embedded/profile_files.ts";

Deno.test("writeDerivedFile writes again when another process swept its temporary file away", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "cosmic_gamer.json");
  const rename = Deno.renameSync;
  let swept = 0;
  // A forget or rebuild in another process removes stray temporary files (sweepDir); here it
  // strikes between the write and the rename, twice.
  (Deno as { renameSync: typeof Deno.renameSync }).renameSync = (from, to) => {
    if (swept < 2) {
      swept++;
      Deno.removeSync(from);
    }
    return rename(from, to);
  };
  try {
    writeDerivedFile(path, '{"user":"cosmic_gamer"}\n');
  } finally {
    (Deno as { renameSync: typeof Deno.renameSync }).renameSync = rename;
  }
  assert.equal(swept, 2);
  assert.equal(await Deno.readTextFile(path), '{"user":"cosmic_gamer"}\n');
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["cosmic_gamer.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeDerivedFile still fails, naming the file, when its folder is gone", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.remove(dir);
  assert.throws(() => writeDerivedFile(join(dir, "x.json"), "{}"), {
    name: "StoreError",
    message: new RegExp(`^cannot write ${join(dir, "x.json")}: `),
  });
});
