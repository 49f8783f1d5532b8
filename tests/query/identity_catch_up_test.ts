/**
 * A person's logins are read from the rollups, which lag behind the log until a writer catches
 * them up (a log imported with `--log-only`, a batch appended since the last flush): the store
 * brings them up to the log before it answers who holds a login, so `search --by user` and
 * `users find` never miss a rename the log already holds. Through the CLI, on a data dir whose
 * log is written the way `chat run` writes it, with no catch-up in between.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Message } from "../../src/schemas.ts";
import { messageLog } from "../../src/store/log/logs.ts";
import { msg } from "../support/messages.ts";
import { runMain, tempDir } from "../support/cli.ts";

const T = (minute: number) => new Date(Date.UTC(2025, 8, 2, 12, minute)).toISOString();

function said(minute: number, user_name: string, text: string): Message {
  return msg({
    ts: T(minute),
    user_name,
    user_id: "100",
    text,
    message_id: `m${String(minute).padStart(3, "0")}`,
  });
}

async function byUser(data: string, value: string): Promise<string[]> {
  const r = await runMain([
    "search",
    "messages",
    "--by",
    "user",
    "--value",
    value,
    "--format",
    "json",
    "--data-dir",
    data,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).map((m: Message) => `${m.message_id}:${m.user_name}`);
}

Deno.test("search --by user finds a rename the rollups have not folded yet", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  // Person #100 writes as first_name, then renames: nothing but the log knows it yet.
  await messageLog(data).append([said(0, "first_name", "hello"), said(1, "second_name", "hi")]);
  const both = ["m001:second_name", "m000:first_name"];
  assert.deepEqual(await byUser(data, "first_name"), both);
  assert.deepEqual(await byUser(data, "second_name"), both);
  // The rollups are current now; a later rename is again in the log alone.
  await messageLog(data).append([said(2, "third_name", "hey")]);
  assert.deepEqual(await byUser(data, "first_name"), ["m002:third_name", ...both]);
  assert.deepEqual(await byUser(data, "third_name"), ["m002:third_name", ...both]);
});

Deno.test("users find names a login the rollups have not folded yet", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  await messageLog(data).append([said(0, "first_name", "hello")]);
  assert.equal((await runMain(["profiles", "rebuild", "--quiet", "--data-dir", data])).code, 0);
  await messageLog(data).append([said(1, "second_name", "hi")]);
  const r = await runMain(["users", "find", "second_name", "--format", "json", "--data-dir", data]);
  assert.equal(r.code, 0, r.stderr);
  const found = JSON.parse(r.stdout) as Array<{ login: string; user_id: string | null }>;
  assert.deepEqual(found.map((f) => [f.login, f.user_id]), [["second_name", "100"]]);
});
