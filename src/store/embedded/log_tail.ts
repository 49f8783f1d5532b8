/**
 * The tail of the message log, for a reader that follows it (the embedded store's
 * `messagesSince`): every whole line appended after a cursor, whoever appended it (this process
 * or a monitor in another one). The cursor is the log file's identity and a byte offset at a
 * line boundary; a log that was replaced (forget, retention: a new file) or shrank is followed
 * from its new end.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { join } from "node:path";
 * import { logMessagesSince } from "./log_tail.ts";
 * const dir = await Deno.makeTempDir();
 * const log = join(dir, "messages.jsonl");
 * const start = await logMessagesSince(log, null);
 * deepStrictEqual(start.messages, []);
 * const m = { ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "someuser", text: "hi", mentions: [], urls: [], emotes: [], source: "fixture" };
 * await Deno.writeTextFile(log, JSON.stringify(m) + "\n" + '{"torn":', { append: true });
 * const next = await logMessagesSince(log, start.cursor);
 * deepStrictEqual(next.messages.map((x) => x.message_id), ["m1"]);
 * deepStrictEqual((await logMessagesSince(log, next.cursor)).messages, []);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { wrapError } from "../../errors.ts";
import { parseLogRecord } from "../log/log_record.ts";
import type { MessageCursor, NewMessages } from "../store.ts";

/** Bytes read per call at most (a burst is handed out over a few calls). */
const MAX_READ = 4 * 1024 * 1024;

/** The cursor's parts: which file (inode; "" where the system has none) and where in it. */
function parseCursor(cursor: MessageCursor): { file: string; offset: number } | null {
  const m = /^log:([^:]*):(\d+)$/.exec(cursor);
  return m ? { file: m[1]!, offset: Number(m[2]) } : null;
}

function cursorOf(st: Deno.FileInfo | null, offset: number): MessageCursor {
  return `log:${st?.ino ?? ""}:${offset}`;
}

async function stat(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw wrapError(e, `read ${path}`);
  }
}

/**
 * The whole message records appended to the log at `path` after `cursor` (at most
 * {@link MAX_READ} bytes of them), and the cursor after them. `null`: none, and the cursor of
 * the log's current end. Lines that are not message records are skipped; an incomplete last
 * line waits for its end.
 */
export async function logMessagesSince(
  path: string,
  cursor: MessageCursor | null,
): Promise<NewMessages> {
  const st = await stat(path);
  const at = cursor === null ? null : parseCursor(cursor);
  const size = st?.size ?? 0;
  if (at === null || st === null) return { messages: [], cursor: cursorOf(st, size) };
  // A cursor taken while there was no log yet ("" at 0) follows the log created since.
  const sameFile = at.file === String(st.ino ?? "") || (at.file === "" && at.offset === 0);
  if (!sameFile || size < at.offset) {
    // Rewritten (forget, retention) or replaced: go on from the new file's end.
    return { messages: [], cursor: cursorOf(st, size) };
  }
  if (size === at.offset) return { messages: [], cursor: cursorOf(st, at.offset) };
  const length = Math.min(size - at.offset, MAX_READ);
  const bytes = new Uint8Array(length);
  let got = 0;
  try {
    using file = await Deno.open(path, { read: true });
    await file.seek(at.offset, Deno.SeekMode.Start);
    while (got < length) {
      const n = await file.read(bytes.subarray(got));
      if (n === null) break;
      got += n;
    }
  } catch (e) {
    throw wrapError(e, `read ${path}`);
  }
  const end = bytes.subarray(0, got).lastIndexOf(10);
  if (end < 0) return { messages: [], cursor: cursorOf(st, at.offset) };
  const messages: Message[] = [];
  for (const line of new TextDecoder().decode(bytes.subarray(0, end)).split("\n")) {
    const m = line === "" ? null : parseLogRecord(line);
    if (m !== null) messages.push(m);
  }
  return { messages, cursor: cursorOf(st, at.offset + end + 1) };
}
