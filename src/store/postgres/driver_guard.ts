/**
 * A guard against one known fault of the `postgres` driver (3.4.9): when the server drops a
 * connection while a buffered write or a COPY is in flight, a timer or stream callback in its
 * `connection.js` calls `socket.write` after the socket was set to null. That TypeError is
 * thrown outside any promise we hold, so it would end the monitor, when the driver has already
 * rejected that connection's queries (CONNECTION_CLOSED), which the journal retries with
 * backoff from its log. The stray TypeError carries nothing we need: it is dropped here, and
 * nothing else is (seen once in three runs of the fleet test that kills the database).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { isDriverSocketFault } from "./driver_guard.ts";
 * const e = new TypeError("Cannot read properties of null (reading 'write')");
 * e.stack = `${e.message}\n    at nextWrite (file:///x/postgres/3.4.9/src/connection.js:255:22)`;
 * strictEqual(isDriverSocketFault(e), true);
 * strictEqual(isDriverSocketFault(new TypeError(e.message)), false);
 * ```
 *
 * @module
 */

/** True for the driver's write on a closed socket, and nothing else. */
export function isDriverSocketFault(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  if (!/of null \(reading '(?:write|end|resume|cork|uncork)'\)/.test(error.message)) return false;
  return /[\\/]postgres[\\/][^\n]*[\\/]connection\.js/.test(error.stack ?? "");
}

let installed = false;

/** Installs the guard once per process (the PostgreSQL pool does, when it opens). */
export function guardDriverFaults(): void {
  if (installed) return;
  installed = true;
  globalThis.addEventListener("error", (event) => {
    if (isDriverSocketFault(event.error)) event.preventDefault();
  });
}
