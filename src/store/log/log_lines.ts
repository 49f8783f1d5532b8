/**
 * The lines of a JSONL log: the id read off a line without parsing it (or off the line at an
 * offset of an open log), and the header written before a torn line set aside in
 * `<log>.corrupt`. The log itself is `log.ts`; a batch's lines are encoded by `json_bytes.ts`.
 *
 * @module
 */
import { readRangeSync } from "../../line_reader.ts";

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
