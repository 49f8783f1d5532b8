/**
 * Reading the records of index candidates back from the log: the index keeps each line's byte
 * offset and length, not the record, so the log stays the one place a record is read from.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readRecords } from "./candidate_records.ts";
 * deepStrictEqual(readRecords("/nonexistent/messages.jsonl", []), []);
 * ```
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import type { Candidate } from "./index_query.ts";
import { logRecordOf } from "../log/log_record.ts";

/**
 * Reads the records of candidates from the log. Returns null when any line no longer holds
 * the message the index says (the log changed under us): the caller then scans instead.
 *
 * The lines are read into one buffer as a JSON array and parsed at once: one decode and one
 * parse instead of one per line (over 3,000 scattered lines: half the CPU time).
 */
export function readRecords(logPath: string, cands: readonly Candidate[]): Message[] | null {
  if (cands.length === 0) return [];
  let total = 2;
  for (const c of cands) total += c.length + 1;
  const buf = new Uint8Array(total);
  buf[0] = 0x5b; // [
  let at = 1;
  const file = Deno.openSync(logPath, { read: true });
  try {
    for (const c of cands) {
      const got = readRangeInto(file, c.offset, buf.subarray(at, at + c.length));
      if (got !== c.length) return null;
      at += c.length;
      buf[at++] = 0x2c; // ,
    }
  } finally {
    file.close();
  }
  buf[at - 1] = 0x5d; // ]
  let values: unknown[];
  try {
    values = JSON.parse(new TextDecoder().decode(buf.subarray(0, at)));
  } catch {
    // Some line is not JSON (or a range straddles lines): the log changed.
    return null;
  }
  if (values.length !== cands.length) return null;
  const out: Message[] = [];
  for (const [i, c] of cands.entries()) {
    const m = logRecordOf(values[i]);
    if (m === null || m.message_id !== c.mid || Date.parse(m.ts) !== c.ts) return null;
    out.push(m);
  }
  return out;
}

/** Reads bytes at `start` into `into` (fewer at the end of the file); returns how many. */
function readRangeInto(file: Deno.FsFile, start: number, into: Uint8Array): number {
  file.seekSync(start, Deno.SeekMode.Start);
  let got = 0;
  while (got < into.length) {
    const n = file.readSync(into.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got;
}
