/**
 * The lines of a JSONL log: a batch encoded into a reused buffer, the id read off a line
 * without parsing it (or off the line at an offset of an open log), and the header written
 * before a torn line set aside in `<log>.corrupt`. The log itself is `log.ts`.
 *
 * @module
 */
import { readRangeSync } from "../../line_reader.ts";

const encoder = new TextEncoder();

/**
 * `lines`, each followed by a newline, as UTF-8 in `buffer` (a larger one when it does not fit;
 * it is returned to be kept for the next batch), and where each line ends in `bytes` (after its
 * newline). Encoding line by line into a buffer that is reused costs a tenth of
 * `TextEncoder.encode`, which allocates a new one for every batch, and a quarter of joining the
 * lines first (a joined batch is copied once more, twice as wide when one line holds a
 * character beyond Latin-1, and its newlines must be searched for again to find the lines).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeLines } from "./log_lines.ts";
 * const { bytes, ends } = encodeLines(["{\"a\":\"é\"}", "{}"], new Uint8Array(4));
 * assert.equal(new TextDecoder().decode(bytes), '{"a":"é"}\n{}\n');
 * assert.deepEqual(ends, [11, 14]);
 * ```
 */
export function encodeLines(
  lines: readonly string[],
  buffer: Uint8Array,
): { buffer: Uint8Array; bytes: Uint8Array; ends: number[] } {
  let buf = buffer;
  let written = 0;
  const ends: number[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // At most three bytes per UTF-16 unit, and the newline.
    const most = line.length * 3 + 1;
    if (buf.length - written < most) {
      const grown = new Uint8Array(Math.max(buf.length * 2, written + most));
      grown.set(buf.subarray(0, written));
      buf = grown;
    }
    written += encoder.encodeInto(line, buf.subarray(written)).written;
    buf[written++] = 10;
    ends[i] = written;
  }
  return { buffer: buf, bytes: buf.subarray(0, written), ends };
}

/** Reads the id of a log line cheaply; falls back to JSON.parse for escaped or odd lines. */
export function idFromLine(line: string, idKey: string): string | null {
  const marker = `"${idKey}":"`;
  const at = line.indexOf(marker);
  if (at !== -1) {
    const start = at + marker.length;
    const end = line.indexOf('"', start);
    if (end !== -1) {
      const id = line.slice(start, end);
      if (!id.includes("\\")) return id;
    }
  }
  try {
    const v = (JSON.parse(line) as Record<string, unknown>)[idKey];
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

/** The id of the line starting at `offset`, read synchronously from an open log. */
export function idAt(file: Deno.FsFile, offset: number, idKey: string): string | null {
  // Ids are near the start of a line: read a little, and more only for a long line.
  for (let size = 512;; size *= 8) {
    const buf = readRangeSync(file, offset, size);
    const nl = buf.indexOf(10);
    if (nl !== -1 || buf.length < size || size >= 1 << 20) {
      return idFromLine(
        new TextDecoder().decode(buf.subarray(0, nl === -1 ? buf.length : nl)),
        idKey,
      );
    }
  }
}

/** The line before each torn line in a `.corrupt` file: where it was cut, and when. */
export function corruptHeader(offset: number, at: string): string {
  return `# torn line set aside from offset ${offset} at ${at}`;
}

/** Reads a {@link corruptHeader} back: group 1 is the time it was set aside. */
export const CORRUPT_HEADER: RegExp = /^# torn line set aside from offset \d+ at (\S+)$/;
