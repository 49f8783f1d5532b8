/**
 * Rewriting a line file in place, atomically: every line goes through a transform (keep, drop
 * or replace), the result is written to a temporary file beside the original, fsynced, renamed
 * over it, and the folder fsynced. A reader sees the old file or the new one, never a mix; a
 * {@link JsonlLog} writer notices the new inode at its next append and re-reads its ids.
 *
 * The caller holds the file's lock (for a log: `log.withLock(...)`), so no append can land
 * between the read and the rename and be lost.
 *
 * @module
 */
import { dirname } from "node:path";
import { StoreError } from "../../errors.ts";
import { openLineBatches, readRangeSync } from "../../line_reader.ts";

/** What a transform decides for one line. */
export type LineDecision = "keep" | "drop" | { replace: string };

/** A line as the transform sees it: its text (or raw bytes read as Latin-1 when not UTF-8). */
export interface LineView {
  text: string;
  /** False when the line is not valid UTF-8 (or too long): `text` is its bytes as Latin-1. */
  utf8: boolean;
  /** True for a last line without its newline (a torn write). */
  partial: boolean;
}

/** What a rewrite did (or, dry, would do). */
export interface RewriteCount {
  path: string;
  lines: number;
  dropped: number;
  replaced: number;
  /** Whether the file was replaced on disk (false when dry or when nothing changed). */
  written: boolean;
}

/** Options of {@link rewriteLines}. */
export interface RewriteOptions {
  /** Count only; never write. @default false */
  dryRun?: boolean;
}

const encoder = new TextEncoder();
let counter = 0;

/** Latin-1 view of bytes: one char per byte, so byte patterns (ASCII logins) still match. */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/**
 * Rewrites `path` line by line through `decide`. A missing file counts as empty. Lines kept
 * are copied byte for byte (invalid UTF-8 included); the file is only replaced when at least
 * one line was dropped or replaced.
 */
export async function rewriteLines(
  path: string,
  decide: (line: LineView) => LineDecision,
  options: RewriteOptions = {},
): Promise<RewriteCount> {
  const count: RewriteCount = { path, lines: 0, dropped: 0, replaced: 0, written: false };
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return count;
    throw new StoreError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const dry = options.dryRun === true;
  const tmp = `${path}.rewrite-${Deno.pid}-${++counter}`;
  let out: Deno.FsFile | null = null;
  const raw = await Deno.open(path, { read: true });
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flushOut = async () => {
    if (!out || pendingBytes === 0) return;
    const buf = new Uint8Array(pendingBytes);
    let at = 0;
    for (const p of pending) {
      buf.set(p, at);
      at += p.length;
    }
    pending.length = 0;
    pendingBytes = 0;
    let off = 0;
    while (off < buf.length) off += await out.write(buf.subarray(off));
  };
  const emit = async (bytes: Uint8Array) => {
    if (dry) return;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes >= 1 << 20) await flushOut();
  };
  try {
    if (!dry) {
      out = await Deno.open(tmp, { write: true, create: true, truncate: true });
    }
    const batches = await openLineBatches(path);
    for await (const batch of batches) {
      for (const item of batch) {
        count.lines++;
        const partial = item.partial === true;
        // Bytes of the line including its newline (none for a partial last line).
        let view: LineView;
        if ("text" in item) {
          view = { text: item.text, utf8: true, partial };
        } else {
          view = {
            text: latin1(readRangeSync(raw, item.offset, item.bytes)),
            utf8: false,
            partial,
          };
        }
        const d = decide(view);
        if (d === "drop") {
          count.dropped++;
          continue;
        }
        if (d === "keep") {
          // Copy the original bytes: text may have lost a `\r`, and invalid UTF-8 must survive.
          await emit(readRawOrEncode(raw, item.offset, item.bytes, view, partial));
          continue;
        }
        count.replaced++;
        await emit(encoder.encode(partial ? d.replace : d.replace + "\n"));
      }
    }
    if (dry || (count.dropped === 0 && count.replaced === 0)) {
      return count;
    }
    await flushOut();
    await out!.syncData();
    out!.close();
    out = null;
    if (stat.mode !== null) await Deno.chmod(tmp, stat.mode & 0o777).catch(() => {});
    await Deno.rename(tmp, path);
    await syncDir(dirname(path));
    count.written = true;
    return count;
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(`cannot rewrite ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    raw.close();
    out?.close();
    if (!count.written && !dry) await Deno.remove(tmp).catch(() => {});
  }
}

/**
 * The original bytes of a kept line. A valid UTF-8 line re-encodes to the same bytes unless the
 * reader took a `\r` off its end: the length tells, and then the bytes are read back.
 */
function readRawOrEncode(
  raw: Deno.FsFile,
  offset: number,
  bytes: number,
  view: LineView,
  partial: boolean,
): Uint8Array {
  if (view.utf8) {
    const b = encoder.encode(partial ? view.text : view.text + "\n");
    if (b.length === bytes) return b;
  }
  return readRangeSync(raw, offset, bytes).slice();
}

/** Fsyncs a folder so that a rename in it is durable (best effort where unsupported). */
export async function syncDir(dir: string): Promise<void> {
  try {
    const d = await Deno.open(dir, { read: true });
    try {
      await d.sync();
    } finally {
      d.close();
    }
  } catch {
    // Some platforms cannot fsync a folder; the rename itself is still atomic.
  }
}
