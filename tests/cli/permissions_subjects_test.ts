/**
 * Least privilege for `subjects hits` (see permissions_test.ts; this file revokes `net` for its
 * own test worker, so it holds nothing else).
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { runMain } from "../support/cli.ts";

Deno.test("subjects hits drops the net permission before running", async () => {
  assertEquals((await Deno.permissions.query({ name: "net" })).state, "granted");
  const r = await runMain(["subjects", "hits", "--help"]);
  assertEquals(r.code, 0);
  assertEquals((await Deno.permissions.query({ name: "net" })).state === "granted", false);
});
