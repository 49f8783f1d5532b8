/**
 * Reading JSONL files as lines of bytes: bounded memory, exact line numbers, invalid UTF-8 and
 * over-long lines reported per line instead of failing the file.
 *
 * @module
 */
import { wrapError } from "./errors.ts";

/** One line of a file, or why it cannot be used. `line` counts from 1. */
export type LineItem =
  | { line: number; text: string; offset: number; bytes: number; partial?: true }
  | { line: number; error: string; offset: number; bytes: number; partial?: true };

/** Default longest accepted line: far above any chat line (Twitch IRC lines stay under 8 KiB). */
export const MAX_LINE_BYTES = 64 * 1024;

const fatalDecoder = new TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new TextDecoder("utf-8");

/**
 * Pushes the whole lines of `chunk` from `pos` when they are all valid UTF-8 and short enough,
 * decoded in one call; returns the position after the last newline taken, or `pos` when the
 * slow path must handle them (one bad line, or none whole).
 */
function bulkLines(
  chunk: Uint8Array,
  pos: number,
  max: number,
  lineNo: number,
  offset: number,
  out: LineItem[],
): number {
  const last = chunk.lastIndexOf(10);
  if (last < pos) return pos;
  const ends: number[] = [];
  for (
    let i = chunk.indexOf(10, pos), start = pos;
    i !== -1 && i <= last;
    i = chunk.indexOf(10, i + 1)
  ) {
    if (i - start > max) return pos;
    ends.push(i);
    start = i + 1;
  }
  // The lenient decoder is several times faster than the fatal one; its output holds no U+FFFD
  // exactly when the bytes were valid UTF-8 without one, and anything else is checked strictly.
  let text = lenientDecoder.decode(chunk.subarray(pos, last));
  if (text.indexOf("\uFFFD") !== -1) {
    try {
      text = fatalDecoder.decode(chunk.subarray(pos, last));
    } catch {
      return pos;
    }
  }
  const parts = text.split("\n");
  let start = pos;
  for (let k = 0; k < parts.length; k++) {
    let t = parts[k]!;
    if (t.endsWith("\r")) t = t.slice(0, -1);
    const bytes = ends[k]! - start + 1;
    out.push({ line: lineNo + k + 1, text: t, offset: offset + (start - pos), bytes });
    start = ends[k]! + 1;
  }
  return last + 1;
}

/**
 * Yields the lines of a byte stream with their byte offsets. A last line without a final
 * newline is yielded with `partial: true` (its `bytes` then count no newline): a fixture may
 * simply lack the newline, while in the message log it is a torn write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLines } from "./line_reader.ts";
 * // "a", a line of invalid UTF-8, and a last line without its newline, in two chunks.
 * const chunks = [new Uint8Array([97, 10, 0xff]), new Uint8Array([10, 98])];
 * assert.deepEqual(await Array.fromAsync(readLines(ReadableStream.from(chunks))), [
 *   { line: 1, text: "a", offset: 0, bytes: 2 },
 *   { line: 2, error: "invalid UTF-8", offset: 2, bytes: 2 },
 *   { line: 3, text: "b", offset: 4, bytes: 1, partial: true },
 * ]);
 * ```
 */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  options: { maxLineBytes?: number; startOffset?: number } = {},
): AsyncGenerator<LineItem> {
  for await (const batch of readLineBatches(stream, options)) yield* batch;
}

/**
 * Like {@link readLines}, but yields the lines of each chunk read as one array: one await per
 * chunk instead of one per line, which matters at hundreds of thousands of lines a second.
 */
export async function* readLineBatches(
  stream: ReadableStream<Uint8Array>,
  options: { maxLineBytes?: number; startOffset?: number } = {},
): AsyncGenerator<LineItem[]> {
  const split = new LineSplitter(options.maxLineBytes ?? MAX_LINE_BYTES, options.startOffset ?? 0);
  for await (const chunk of stream) {
    const out = split.push(chunk);
    if (out.length) yield out;
  }
  const last = split.end();
  if (last !== null) yield [last];
}

/** Cuts chunks of bytes into lines, carrying a line that goes on from one chunk to the next. */
class LineSplitter {
  readonly #max: number;
  /** The start of a line that continues in the next chunk. */
  #carry: Uint8Array | null = null;
  #carryLen = 0;
  /** Inside an over-long line: bytes are dropped until the next newline. */
  #skipping = false;
  #skippedBytes = 0;
  #lineNo = 0;
  /** File offset of the current line's first byte. */
  #offset: number;

  constructor(max: number, offset: number) {
    this.#max = max;
    this.#offset = offset;
  }

  /** The lines that end in `chunk`. */
  push(chunk: Uint8Array): LineItem[] {
    const out: LineItem[] = [];
    let pos = 0;
    // Once the fast path has refused this chunk (a bad or over-long line in it), the rest of
    // the chunk goes line by line: retrying after every line would rescan it each time.
    let bulkRefused = false;
    while (pos < chunk.length) {
      if (this.#carryLen === 0 && !this.#skipping && !bulkRefused) {
        // Fast path: decode every whole line left in the chunk with one call, then split.
        const before = out.length;
        const bulk = bulkLines(chunk, pos, this.#max, this.#lineNo, this.#offset, out);
        if (bulk > pos) {
          // One line pushed per newline taken.
          this.#lineNo += out.length - before;
          this.#offset += bulk - pos;
          pos = bulk;
          continue;
        }
        bulkRefused = true;
      }
      pos = this.#oneLine(chunk, pos, out);
    }
    return out;
  }

  /**
   * Takes the line (or the part of it) that starts at `pos` of `chunk`; returns where the next
   * one starts (the chunk's length when the line goes on in the next chunk).
   */
  #oneLine(chunk: Uint8Array, pos: number, out: LineItem[]): number {
    const nl = chunk.indexOf(10, pos);
    const end = nl === -1 ? chunk.length : nl;
    if (this.#skipping) {
      this.#skippedBytes += end - pos;
    } else if (this.#carryLen + (end - pos) > this.#max) {
      this.#skipping = true;
      this.#skippedBytes = this.#carryLen + (end - pos);
      this.#carry = null;
      this.#carryLen = 0;
    } else if (nl === -1) {
      this.#keep(chunk.subarray(pos, end));
    }
    if (nl === -1) return chunk.length;
    this.#lineNo++;
    if (this.#skipping) {
      const bytes = this.#skippedBytes + 1;
      out.push({
        line: this.#lineNo,
        error: `line longer than ${this.#max} bytes`,
        offset: this.#offset,
        bytes,
      });
      this.#offset += bytes;
      this.#skipping = false;
      this.#skippedBytes = 0;
    } else {
      let bytesOfLine = chunk.subarray(pos, end);
      if (this.#carryLen > 0) {
        const joined = new Uint8Array(this.#carryLen + (end - pos));
        joined.set(this.#carry!.subarray(0, this.#carryLen));
        joined.set(bytesOfLine, this.#carryLen);
        bytesOfLine = joined;
        this.#carryLen = 0;
      }
      const bytes = bytesOfLine.length + 1;
      out.push(decodedLine(bytesOfLine, this.#lineNo, this.#offset, bytes));
      this.#offset += bytes;
    }
    return nl + 1;
  }

  /** Carries `part` (the start of a line) into the next chunk. */
  #keep(part: Uint8Array): void {
    const len = this.#carryLen;
    if (!this.#carry || this.#carry.length < len + part.length) {
      const grown = new Uint8Array(Math.min(this.#max, Math.max(256, (len + part.length) * 2)));
      if (this.#carry) grown.set(this.#carry.subarray(0, len));
      this.#carry = grown;
    }
    this.#carry.set(part, len);
    this.#carryLen += part.length;
  }

  /** The last line, when the bytes ended without a newline after it (`partial`). */
  end(): LineItem | null {
    const line = this.#lineNo + 1;
    if (this.#skipping) {
      return {
        line,
        error: `line longer than ${this.#max} bytes`,
        offset: this.#offset,
        bytes: this.#skippedBytes,
        partial: true,
      };
    }
    if (this.#carryLen === 0) return null;
    const item = decodedLine(
      this.#carry!.subarray(0, this.#carryLen),
      line,
      this.#offset,
      this.#carryLen,
    );
    item.partial = true;
    return item;
  }
}

/** A line's bytes (without the newline) as its text, `\r` cut off, or as invalid UTF-8. */
function decodedLine(
  bytesOfLine: Uint8Array,
  line: number,
  offset: number,
  bytes: number,
): LineItem {
  let text: string;
  try {
    text = fatalDecoder.decode(bytesOfLine);
  } catch {
    return { line, error: "invalid UTF-8", offset, bytes };
  }
  if (text.endsWith("\r")) text = text.slice(0, -1);
  return { line, text, offset, bytes };
}

/** Opens a file for line reading from `start`. */
export async function openLines(
  path: string,
  options: { start?: number; maxLineBytes?: number } = {},
): Promise<AsyncGenerator<LineItem>> {
  const file = await Deno.open(path, { read: true });
  if (options.start) await file.seek(options.start, Deno.SeekMode.Start);
  return readLines(file.readable, {
    ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
    startOffset: options.start ?? 0,
  });
}

/** Reads up to `length` bytes at `start` (fewer at the end of the file), synchronously. */
export function readRangeSync(file: Deno.FsFile, start: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  file.seekSync(start, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = file.readSync(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Reads a file in large chunks (1 MiB): fewer awaits than a stream's 64 KiB pieces. */
export function bigChunks(file: Deno.FsFile, size = 1 << 20): ReadableStream<Uint8Array> {
  // The file is closed at its end, or when the reader cancels; only once: a reader may cancel
  // after the end was read while the last chunk still waits in the queue (a replay stopped by
  // SIGINT), and a second close would throw.
  let open = true;
  const close = () => {
    if (open) file.close();
    open = false;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buf = new Uint8Array(size);
      let got = 0;
      while (got < size) {
        const n = await file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      if (got > 0) controller.enqueue(buf.subarray(0, got));
      if (got < size) {
        close();
        controller.close();
      }
    },
    cancel() {
      close();
    },
  });
}

/** Opens a file for batched line reading from `start` (see {@link readLineBatches}). */
export async function openLineBatches(
  path: string,
  options: { start?: number; maxLineBytes?: number } = {},
): Promise<AsyncGenerator<LineItem[]>> {
  const file = await Deno.open(path, { read: true });
  if (options.start) await file.seek(options.start, Deno.SeekMode.Start);
  return readLineBatches(bigChunks(file), {
    ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
    startOffset: options.start ?? 0,
  });
}

/**
 * The JSON values of the whole lines of a JSONL file, a batch per chunk read (nothing when the
 * file does not exist). Lines that are not JSON, or that lack `needle` verbatim (checked before
 * parsing, to skip most lines cheaply), are left out; so is a torn last line.
 */
export async function* readJsonLines(
  path: string,
  needle: string | null = null,
): AsyncGenerator<unknown[]> {
  let batches;
  try {
    batches = await openLineBatches(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw wrapError(e, `read ${path}`);
  }
  for await (const batch of batches) {
    const values: unknown[] = [];
    for (const item of batch) {
      if (item.partial || !("text" in item)) continue;
      if (needle !== null && !item.text.includes(needle)) continue;
      try {
        values.push(JSON.parse(item.text));
      } catch {
        // Not a record: skipped, as every reader of the logs does.
      }
    }
    yield values;
  }
}
