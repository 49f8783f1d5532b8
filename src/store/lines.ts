/**
 * Reading JSONL files as lines of bytes: bounded memory, exact line numbers, invalid UTF-8 and
 * over-long lines reported per line instead of failing the file.
 *
 * @module
 */

/** One line of a file, or why it cannot be used. `line` counts from 1. */
export type LineItem =
  | { line: number; text: string; offset: number; bytes: number; partial?: true }
  | { line: number; error: string; offset: number; bytes: number; partial?: true };

/** Default longest accepted line: far above any chat line (Twitch IRC lines stay under 8 KiB). */
export const MAX_LINE_BYTES = 64 * 1024;

const fatalDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Yields the lines of a byte stream with their byte offsets. A last line without a final
 * newline is yielded with `partial: true` (its `bytes` then count no newline): a fixture may
 * simply lack the newline, while in the message log it is a torn write.
 */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  options: { maxLineBytes?: number; startOffset?: number } = {},
): AsyncGenerator<LineItem> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  let carry: Uint8Array | null = null; // start of a line that continues in the next chunk
  let carryLen = 0;
  let skipping = false; // inside an over-long line: drop bytes until the next newline
  let skippedBytes = 0;
  let lineNo = 0;
  let offset = options.startOffset ?? 0; // file offset of the current line's first byte
  for await (const chunk of stream) {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl === -1 ? chunk.length : nl;
      if (skipping) {
        skippedBytes += end - pos;
      } else if (carryLen + (end - pos) > max) {
        skipping = true;
        skippedBytes = carryLen + (end - pos);
        carry = null;
        carryLen = 0;
      } else if (nl === -1) {
        const part = chunk.subarray(pos, end);
        if (!carry || carry.length < carryLen + part.length) {
          const grown = new Uint8Array(Math.min(max, Math.max(256, (carryLen + part.length) * 2)));
          if (carry) grown.set(carry.subarray(0, carryLen));
          carry = grown;
        }
        carry.set(part, carryLen);
        carryLen += part.length;
      }
      if (nl === -1) break;
      lineNo++;
      if (skipping) {
        const bytes = skippedBytes + 1;
        yield { line: lineNo, error: `line longer than ${max} bytes`, offset, bytes };
        offset += bytes;
        skipping = false;
        skippedBytes = 0;
      } else {
        let bytesOfLine: Uint8Array;
        if (carryLen > 0) {
          const joined = new Uint8Array(carryLen + (end - pos));
          joined.set(carry!.subarray(0, carryLen));
          joined.set(chunk.subarray(pos, end), carryLen);
          bytesOfLine = joined;
          carryLen = 0;
        } else {
          bytesOfLine = chunk.subarray(pos, end);
        }
        const bytes = bytesOfLine.length + 1;
        let text: string | null = null;
        try {
          text = fatalDecoder.decode(bytesOfLine);
        } catch {
          yield { line: lineNo, error: "invalid UTF-8", offset, bytes };
        }
        if (text !== null) {
          if (text.endsWith("\r")) text = text.slice(0, -1);
          yield { line: lineNo, text, offset, bytes };
        }
        offset += bytes;
      }
      pos = nl + 1;
    }
  }
  if (skipping) {
    yield {
      line: lineNo + 1,
      error: `line longer than ${max} bytes`,
      offset,
      bytes: skippedBytes,
      partial: true,
    };
  } else if (carryLen > 0) {
    const bytesOfLine = carry!.subarray(0, carryLen);
    try {
      let text = fatalDecoder.decode(bytesOfLine);
      if (text.endsWith("\r")) text = text.slice(0, -1);
      yield { line: lineNo + 1, text, offset, bytes: carryLen, partial: true };
    } catch {
      yield { line: lineNo + 1, error: "invalid UTF-8", offset, bytes: carryLen, partial: true };
    }
  }
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
