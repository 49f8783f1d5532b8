import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES, runMain, tempDir } from "../support/cli.ts";

Deno.test("chat run --log-only writes only the log; profiles and search catch up later", async () => {
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path, "--fixtures-dir", FIXTURES];
  const run = await runMain(
    [
      "chat",
      "run",
      "--channels",
      "example_channel",
      "--offline",
      "--speed",
      "0",
      "--log-only",
      ...d,
    ],
  );
  assertEquals(run.code, 0, run.stderr);
  const entries = [];
  for await (const e of Deno.readDir(dir.path)) entries.push(e.name);
  assertEquals(entries, ["logs"]);

  const prof = await runMain(["profiles", "show", "--user", "someuser", ...d]);
  assertEquals(prof.code, 0, prof.stderr);
  const profile = JSON.parse(prof.stdout) as {
    message_count: number;
    facts: { suspected_relationship_targets: string[] };
  };
  const lines = (await Deno.readTextFile(join(dir.path, "logs", "messages.jsonl"))).trim().split(
    "\n",
  )
    .map((l) => JSON.parse(l) as { user_name: string });
  assertEquals(profile.message_count, lines.filter((m) => m.user_name === "someuser").length);
  assert(profile.facts.suspected_relationship_targets.includes("sara"));
});
