/**
 * Least privilege: commands that never talk to the network drop the permission before they
 * read any input, whatever the launcher granted. (This file revokes `net` for its own test
 * worker, so it holds nothing else.)
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { runMain } from "../support/cli.ts";

Deno.test("main() drops the net permission for search before running it", async () => {
  assertEquals((await Deno.permissions.query({ name: "net" })).state, "granted");
  const r = await runMain(["search", "messages", "--help"]);
  assertEquals(r.code, 0);
  assertEquals((await Deno.permissions.query({ name: "net" })).state === "granted", false);
});
