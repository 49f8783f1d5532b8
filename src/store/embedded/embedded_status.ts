/**
 * How far the embedded store's derived data covers its message log (`index status`): the
 * search index and the rollups, each "current", "behind", "stale" (the log was rewritten under
 * it), "missing" or "no-log", with the writer's lock state.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { storeStatus } from "./embedded_status.ts";
 * strictEqual((await storeStatus(await Deno.makeTempDir())).state, "no-log");
 * ```
 *
 * @module
 */
import { layout } from "../layout.ts";
import { type LogMark, markHolds } from "../log/log_mark.ts";
import { MessageIndex } from "./message_index.ts";
import { pendingProfileFiles, persistedRollupMark } from "./profile_state.ts";
import { writerBusy } from "./writer_lock.ts";
import type { Coverage, StoreStatus } from "../store.ts";
/** Where a mark stands against the log (`logBytes` null: there is no log). */
export function coverage(logPath: string, logBytes: number | null, mark: LogMark | null): Coverage {
  if (logBytes === null) return "no-log";
  if (mark === null) return "missing";
  const f = Deno.openSync(logPath, { read: true });
  try {
    if (!markHolds(f, logBytes, mark)) return "stale";
  } finally {
    f.close();
  }
  return mark.offset < logBytes ? "behind" : "current";
}

/** The coverage of the index and of the rollups of `dataDir`, and whether a writer is at work. */
export async function storeStatus(dataDir: string): Promise<StoreStatus> {
  const l = layout(dataDir);
  let logBytes: number | null = null;
  try {
    logBytes = (await Deno.stat(l.messages)).size;
  } catch {
    // No log yet.
  }
  const writer = (await writerBusy(dataDir)) ? "busy" : "free";
  const rollups = persistedRollupMark(dataDir);
  // Folded but not written (a failed run): the files are stale until a writer writes them.
  const pendingFiles = pendingProfileFiles(dataDir);
  const out = (state: Coverage, indexedBytes: number, indexedMessages: number): StoreStatus => ({
    index: l.index,
    log: l.messages,
    log_bytes: logBytes ?? 0,
    state,
    indexed_bytes: indexedBytes,
    indexed_messages: indexedMessages,
    profiles_state: pendingFiles > 0 ? "stale" : coverage(l.messages, logBytes, rollups),
    profiles_pending_files: pendingFiles,
    profiles_bytes: rollups?.offset ?? 0,
    writer,
  });
  let ix: MessageIndex;
  try {
    await Deno.stat(l.index);
    ix = MessageIndex.open(l.index, { readOnly: true });
  } catch {
    return out(coverage(l.messages, logBytes, null), 0, 0);
  }
  try {
    const mark = ix.mark;
    return out(coverage(l.messages, logBytes, mark), mark.offset, ix.count());
  } finally {
    ix.close();
  }
}
