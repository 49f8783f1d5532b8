import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../support/cli.ts";

const script = new URL("../../scripts/live_demo.ts", import.meta.url).pathname;

Deno.test("live-demo writes into its own data dir, never ./data, stops by itself and says where the data went", async () => {
  await using dir = await tempDir();
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, "--monitor", "--duration-seconds", "3", "--rate", "40"],
    cwd: dir.path,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const err = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, err);
  const log = await Deno.readTextFile(join(dir.path, "data-live-demo", "logs", "messages.jsonl"));
  assert.ok(log.trim().split("\n").length > 0);
  await assert.rejects(Deno.stat(join(dir.path, "data")), Deno.errors.NotFound);
  assert.match(err, /the monitor's data is in data-live-demo\//);
});
