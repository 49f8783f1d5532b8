/**
 * Starting a module worker that may not be there: a `deno bundle` of `main.ts` carries no worker
 * module, and Deno would print an uncaught "Module not found" from the worker before failing, so
 * a `file:` module is looked for first. Callers that can do the work inline take `null` as
 * "do it here".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startModuleWorker } from "./module_worker.ts";
 *
 * const missing = new URL("./no_such_worker.ts", import.meta.url);
 * assert.equal(await startModuleWorker(missing), null);
 * ```
 *
 * @module
 */

/** A module worker on `url`, or null when its module is missing or no worker can start. */
export async function startModuleWorker(url: URL): Promise<Worker | null> {
  if (url.protocol === "file:") {
    try {
      await Deno.stat(url);
    } catch {
      return null;
    }
  }
  try {
    return new Worker(url.href, { type: "module" });
  } catch {
    return null;
  }
}
