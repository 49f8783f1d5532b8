/**
 * Whether derived data (the search index with its event index, the rollups and the profile
 * files) already covers the whole of both logs, read without the writer lock and without
 * opening anything for writing. The readers (`profiles show`, `search`, the reports) catch up
 * before they answer; when nothing is to be done this answers in a few milliseconds, where
 * opening the writer's databases reads every person's logins (about 0.4 s at 100,000 messages,
 * more at a million) and loads the write path's modules.
 *
 * Anything unusual (a missing or stale database, a torn last line, folded state whose files
 * were not written, a profile folder deleted, a sweep left to do) answers "not current": the
 * writer's own catch-up then decides, as before.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { derivedCurrent } from "./derived_current.ts";
 * const dataDir = await Deno.makeTempDir();
 * // No log: the writer decides (it removes what a deleted log leaves behind).
 * deepStrictEqual(derivedCurrent(dataDir), null);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */
import { layout, profileDir } from "../layout.ts";
import { EMPTY_MARK, type LogMark, markHolds } from "../log/log_mark.ts";
import { MessageIndex } from "./message_index.ts";
import { openReadOnly } from "./profile_state.ts";
import type { CatchUpSummary } from "../store.ts";

/** What to check: the same switches as a catch-up. */
export interface DerivedCurrentOptions {
  /** Check the search index and the event index. @default true */
  index?: boolean;
  /** Check the rollups and the profile files. @default true */
  profiles?: boolean;
}

/** True when `mark` covers the whole file at `path` (a missing file: only an empty mark). */
function covers(path: string, mark: LogMark): boolean {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch {
    return mark.offset === 0;
  }
  try {
    const size = file.statSync().size;
    return mark.offset === size && markHolds(file, size, mark);
  } finally {
    file.close();
  }
}

function parseMark(raw: string | undefined): LogMark | null {
  if (raw === undefined) return EMPTY_MARK;
  try {
    return JSON.parse(raw) as LogMark;
  } catch {
    return null;
  }
}

function indexCurrent(dataDir: string): number | null {
  const l = layout(dataDir);
  let ix: MessageIndex;
  try {
    ix = MessageIndex.open(l.index, { readOnly: true });
  } catch {
    return null;
  }
  try {
    const mark = ix.mark;
    return covers(l.messages, mark) && covers(l.events, ix.eventMark) ? mark.offset : null;
  } finally {
    ix.close();
  }
}

function profilesCurrent(dataDir: string): boolean {
  const file = openReadOnly(dataDir);
  if (file === null) return false;
  try {
    const mark = parseMark(file.meta("rollup_mark"));
    if (mark === null || !covers(layout(dataDir).messages, mark)) return false;
    if (file.meta("profiles_sweep") === "1") return false;
    if (file.db.prepare("SELECT 1 FROM profile_dirty LIMIT 1").get() !== undefined) return false;
  } finally {
    file.close();
  }
  // A deleted profile folder is written again by the writer.
  for (const kind of ["user", "channel"] as const) {
    try {
      Deno.statSync(profileDir(dataDir, kind));
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * What a catch-up would answer when it has nothing to do (no line read, `offset` the bytes of
 * the message log the index covers), or null when there may be something to do.
 */
export function derivedCurrent(
  dataDir: string,
  options: DerivedCurrentOptions = {},
): CatchUpSummary | null {
  const l = layout(dataDir);
  try {
    Deno.statSync(l.messages);
  } catch {
    return null;
  }
  let offset = 0;
  if (options.index !== false) {
    const covered = indexCurrent(dataDir);
    if (covered === null) return null;
    offset = covered;
  }
  if (options.profiles !== false && !profilesCurrent(dataDir)) return null;
  return { lines: 0, indexed: 0, folded: 0, skipped: 0, rebuilt: false, offset };
}
