import assert from "node:assert/strict";
import { ItemQueue } from "../../src/chat/item_queue.ts";
import type { ChatItem } from "../../src/chat/source.ts";

const problem = (n: number): ChatItem => ({ kind: "problem", where: `s:${n}`, reason: "x" });

Deno.test("ItemQueue holds at most its limit of data items, sheds the rest and says how many", async () => {
  const queue = new ItemQueue(3);
  for (let i = 1; i <= 5; i++) queue.push(problem(i));
  queue.push({ kind: "status", text: "kept even when full" });
  const first = (await queue.take())!;
  assert.deepEqual(first.map((i) => i.kind), [
    "problem",
    "problem",
    "problem",
    "status",
    "warning",
  ]);
  const warning = first.at(-1)!;
  assert.ok(warning.kind === "warning");
  assert.equal(warning.shed, 2);
  assert.match(warning.reason, /^2 item\(s\) shed: the reader fell 3 items behind/);
  // Taking frees the room: the next items are kept again.
  for (let i = 6; i <= 8; i++) assert.equal(queue.push(problem(i)), true);
  assert.equal(queue.push(problem(9)), false);
  assert.equal(queue.shed, 3);
  assert.deepEqual((await queue.take())!.map((i) => i.kind === "problem" ? i.where : i.kind), [
    "s:6",
    "s:7",
    "s:8",
    "warning",
  ]);
});

Deno.test("ItemQueue.take() waits for items, then the end, then throws a failure after the items", async () => {
  const queue = new ItemQueue(10);
  const waiting = queue.take();
  queue.push(problem(1));
  assert.equal((await waiting)!.length, 1);
  queue.push(problem(2));
  queue.fail(new Error("refused"));
  assert.equal((await queue.take())!.length, 1, "what came before the failure first");
  await assert.rejects(queue.take(), /refused/);
  const ended = new ItemQueue(10);
  ended.end();
  assert.equal(await ended.take(), undefined);
  assert.equal(ended.push(problem(3)), false, "nothing is queued after the end");
});
