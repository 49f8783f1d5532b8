/**
 * The writer lock of a data dir's derived data: one process at a time writes the index and the
 * rollups, holding an exclusive lock on `index.sqlite.lock` (`tryLock`, never waiting).
 * Readers (search) never take it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, ok } from "node:assert/strict";
 * import { tryWriterLock, writerBusy } from "./writer_lock.ts";
 * const dataDir = await Deno.makeTempDir();
 * const lock = await tryWriterLock(dataDir);
 * ok(lock);
 * lock.close();
 * deepStrictEqual(await writerBusy(dataDir), false);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */
import { StoreError, wrapError } from "../../errors.ts";
import { layout } from "../layout.ts";

/** Takes the writer lock of a data dir, or returns null when another writer holds it. */
export async function tryWriterLock(dataDir: string): Promise<Deno.FsFile | null> {
  const path = `${layout(dataDir).index}.lock`;
  await Deno.mkdir(dataDir, { recursive: true });
  const f = await Deno.open(path, { read: true, write: true, create: true });
  try {
    if (await f.tryLock(true)) return f;
  } catch (e) {
    f.close();
    throw new StoreError(`cannot lock ${path}: ${(e as Error).message}`, { cause: e });
  }
  f.close();
  return null;
}

/**
 * True while another process holds the writer lock (a monitor, a rebuild). Only looks: never
 * creates the data dir or the lock file.
 */
export async function writerBusy(dataDir: string): Promise<boolean> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(`${layout(dataDir).index}.lock`, { read: true, write: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw wrapError(e, `open ${layout(dataDir).index}.lock`);
  }
  try {
    return !(await f.tryLock(true));
  } finally {
    f.close();
  }
}
