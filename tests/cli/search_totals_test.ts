/** Issue 11 items 4 and 5: what is cut is said on stderr; a wrong data dir is an error. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { replayShipped, runMain, tempDir } from "../support/cli.ts";

Deno.test("search messages and subjects hits say on stderr what they cut; stdout stays the JSON array", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path];
  await replayShipped(["--quiet", ...d]);
  const r = await runMain([
    "search",
    "messages",
    "--by",
    "channel",
    "--value",
    "example_channel",
    ...d,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as unknown[]).length, 20);
  assert.match(r.stderr, /^20 of \d+ shown \(use --limit or --offset\)$/m);
  const all = await runMain(["search", "messages", "--limit", "100000", ...d]);
  assert.doesNotMatch(all.stderr, /shown/);
});

Deno.test("readers on a data dir that does not exist fail naming it (exit 1)", async () => {
  await using dir = await tempDir();
  const missing = join(dir.path, "no_such_dir");
  for (
    const args of [
      ["search", "messages"],
      ["search", "events"],
      ["profiles", "list"],
      ["profiles", "show", "--user", "someuser"],
      ["subjects", "hits"],
    ]
  ) {
    const r = await runMain([...args, "--data-dir", missing]);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(r.stderr.includes(missing), `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
  }
});
