/**
 * Reading the embedded index (`index.sqlite`): read connections kept open between reads of one
 * process, and {@link readIndexed}, which runs a read over the part of a log the index covers
 * (checked against the log's mark in the same snapshot) and says where the unindexed tail
 * starts. Search, the timeline's reads, the event index and the interaction graph read through
 * it; each then scans the tail itself.
 *
 * @module
 */
import { wrapError } from "../../errors.ts";
import { layout } from "../layout.ts";
import { type LogMark, markHolds } from "../log/log_mark.ts";
import { MessageIndex } from "./message_index.ts";
import { registerRegexFunction } from "./regex_function.ts";

/** Read connections kept open between searches of one process, by index path (a few). */
const readers = new Map<string, { ix: MessageIndex; dev: number; ino: number | null }>();
const MAX_READERS = 4;

/**
 * A read connection to the index at `path`: reused while the file is the same one (same device
 * and inode; `forget` deletes and recreates it), since opening one (loading the schema and the
 * FTS configuration) cost ~0.25 ms, a fifth of a typical indexed search. An idle connection
 * holds no snapshot, so it never holds back the writer.
 */
export function reader(path: string): MessageIndex {
  const st = Deno.statSync(path);
  const cached = readers.get(path);
  if (cached && cached.dev === st.dev && cached.ino === st.ino && st.ino !== null) {
    // Most recently used last.
    readers.delete(path);
    readers.set(path, cached);
    return cached.ix;
  }
  if (cached) dropReader(path);
  const ix = MessageIndex.open(path, { readOnly: true });
  // A search's regex is one of the conditions the index checks.
  registerRegexFunction(ix.db);
  readers.set(path, { ix, dev: st.dev, ino: st.ino });
  while (readers.size > MAX_READERS) dropReader(readers.keys().next().value!);
  return ix;
}

/** Closes the kept connection to the index at `path` (it is opened afresh next time). */
export function dropReader(path: string): void {
  const r = readers.get(path);
  readers.delete(path);
  try {
    r?.ix.close();
  } catch {
    // Closed already.
  }
}

/** Which log a read covers: the messages (mark `mark`) or the events (mark `event_mark`). */
export type IndexedLog = "messages" | "events";

/** Beyond this many unindexed bytes, a read first brings the index up to date (if free). */
const CATCH_UP_BYTES = 4 * 1024 * 1024;

/** An answer from the index: the read's value and the log's bytes it covers. */
export interface Indexed<T> {
  value: T;
  /** The unindexed tail starts here (the caller scans it). */
  offset: number;
  /** The log's size when read (0: no log). */
  size: number;
}

/**
 * Runs `read` over the index in one read snapshot, when the index covers a prefix of the log
 * `which` (its mark holds); when the index lags by more than a few MB, or does not hold, brings
 * it up to date first if no other writer is at work. Null when there is no usable index: the
 * caller scans the whole log. Throws what `read` throws.
 */
export async function readIndexed<T>(
  dataDir: string,
  which: IndexedLog,
  read: (ix: MessageIndex) => T,
): Promise<Indexed<T> | null> {
  const l = layout(dataDir);
  const logPath = which === "messages" ? l.messages : l.events;
  for (let attempt = 0;; attempt++) {
    let size: number;
    try {
      size = (await Deno.stat(logPath)).size;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) size = 0;
      else throw wrapError(e, `read ${logPath}`);
    }
    const answer = tryRead(l.index, logPath, which, size, read);
    const behind = answer === null ? size : size - answer.offset;
    if (attempt === 0 && behind > CATCH_UP_BYTES) {
      // Index only (rollups are the monitor's or `profiles rebuild`'s job); null when busy.
      // The writer's modules load only when a catch-up is due (a reader's start-up stays light).
      const { catchUpDerived } = await import("./derived_writer.ts");
      const done = await catchUpDerived(dataDir, { profiles: false }).catch(() => null);
      if (done !== null) continue;
    }
    return answer;
  }
}

function tryRead<T>(
  indexPath: string,
  logPath: string,
  which: IndexedLog,
  size: number,
  read: (ix: MessageIndex) => T,
): Indexed<T> | null {
  let ix: MessageIndex;
  try {
    ix = reader(indexPath);
  } catch {
    return null;
  }
  let ok = false;
  try {
    const out = ix.read((): Indexed<T> | null => {
      const mark = which === "messages" ? ix.mark : ix.eventMark;
      if (!holds(logPath, size, mark)) return null;
      return { value: read(ix), offset: mark.offset, size };
    });
    ok = true;
    return out;
  } catch (e) {
    if (e instanceof Error && /no such table|no such column/.test(e.message)) return null;
    throw e;
  } finally {
    if (!ok) dropReader(indexPath);
  }
}

function holds(logPath: string, size: number, mark: LogMark): boolean {
  if (mark.offset === 0) return true;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(logPath, { read: true });
  } catch {
    return false;
  }
  try {
    return markHolds(file, size, mark);
  } finally {
    file.close();
  }
}
