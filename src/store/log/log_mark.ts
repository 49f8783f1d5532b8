/**
 * The log mark: which prefix of the message log a derived store (the index, the rollups)
 * covers, with fingerprints of it, so that a log that was replaced or rewritten (forget,
 * retention) is noticed and the derived store rebuilt.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readRangeSync } from "../../line_reader.ts";

/** How many bytes at each end of the indexed prefix are hashed into the log mark. */
const MARK_BYTES = 4096;

/** Which part of the log the index covers, and fingerprints of it. */
export interface LogMark {
  /** Bytes of the log indexed (always at a line boundary). */
  offset: number;
  /** sha1 of the first min(offset, MARK_BYTES) bytes. */
  head: string;
  /** sha1 of the MARK_BYTES bytes before `offset` (fewer when the log is shorter). */
  tail: string;
}

/** The empty mark: nothing indexed. */
export const EMPTY_MARK: LogMark = { offset: 0, head: "", tail: "" };

function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

/** Computes the mark of the first `offset` bytes of the open log. */
export function markOf(file: Deno.FsFile, offset: number): LogMark {
  if (offset === 0) return EMPTY_MARK;
  const head = sha1(readRangeSync(file, 0, Math.min(offset, MARK_BYTES)));
  const from = Math.max(0, offset - MARK_BYTES);
  const tail = sha1(readRangeSync(file, from, offset - from));
  return { offset, head, tail };
}

/** True when the log still starts with the prefix `mark` describes. */
export function markHolds(file: Deno.FsFile, size: number, mark: LogMark): boolean {
  if (mark.offset === 0) return true;
  if (size < mark.offset) return false;
  const now = markOf(file, mark.offset);
  return now.head === mark.head && now.tail === mark.tail;
}
