import assert from "node:assert/strict";
import { guardDriverFaults, isDriverSocketFault } from "../../src/store/postgres/driver_guard.ts";

/** The fault as the driver throws it: a null socket's write, from its connection.js. */
function driverFault(): TypeError {
  const e = new TypeError("Cannot read properties of null (reading 'write')");
  e.stack = `${e.message}\n    at nextWrite (file:///root/.cache/deno/npm/registry.npmjs.org/` +
    `postgres/3.4.9/src/connection.js:255:22)\n    at Immediate.<anonymous> (node:timers:1:1)`;
  return e;
}

Deno.test("isDriverSocketFault() knows the driver's write on a closed socket and nothing else", () => {
  assert.equal(isDriverSocketFault(driverFault()), true);
  const ours = new TypeError("Cannot read properties of null (reading 'write')");
  assert.equal(isDriverSocketFault(ours), false, "the same message from our own code");
  const other = driverFault();
  Object.defineProperty(other, "message", { value: "x is not a function" });
  assert.equal(isDriverSocketFault(other), false, "another TypeError of the driver");
  const notType = new Error(driverFault().message);
  notType.stack = driverFault().stack ?? "";
  assert.equal(isDriverSocketFault(notType), false, "not a TypeError");
  assert.equal(isDriverSocketFault("text"), false);
});

Deno.test("guardDriverFaults() keeps the process alive through the driver's stray throw", async () => {
  guardDriverFaults();
  guardDriverFaults(); // once per process, however often pools open
  // Thrown from a timer, as the driver's setImmediate does: uncaught, it fails this test.
  await new Promise<void>((resolve) => {
    setTimeout(() => {
      setTimeout(resolve, 0);
      throw driverFault();
    }, 0);
  });
});
