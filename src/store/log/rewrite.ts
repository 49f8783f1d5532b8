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
import { type LineItem, openLineBatches, readRangeSync } from "../../line_reader.ts";

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

/** The rewritten file being written beside the original, in writes of about 1 MiB. */
class PendingOutput {
  readonly #file: Deno.FsFile;
  readonly #pending: Uint8Array[] = [];
  #bytes = 0;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Adds the bytes of a line (written once about 1 MiB is pending). */
  async emit(bytes: Uint8Array): Promise<void> {
    this.#pending.push(bytes);
    this.#bytes += bytes.length;
    if (this.#bytes >= 1 << 20) await this.flush();
  }

  /** Writes what is pending. */
  async flush(): Promise<void> {
    if (this.#bytes === 0) return;
    const buf = new Uint8Array(this.#bytes);
    let at = 0;
    for (const p of this.#pending) {
      buf.set(p, at);
      at += p.length;
    }
    this.#pending.length = 0;
    this.#bytes = 0;
    let off = 0;
    while (off < buf.length) off += await this.#file.write(buf.subarray(off));
  }
}

/** A line as the transform sees it (a line that is not UTF-8 is read back as Latin-1). */
function viewOf(item: LineItem, raw: Deno.FsFile): LineView {
  const partial = item.partial === true;
  if ("text" in item) return { text: item.text, utf8: true, partial };
  return { text: latin1(readRangeSync(raw, item.offset, item.bytes)), utf8: false, partial };
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
  let file: Deno.FsFile | null = null;
  const raw = await Deno.open(path, { read: true });
  try {
    if (!dry) file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    const out = file === null ? null : new PendingOutput(file);
    for await (const batch of await openLineBatches(path)) {
      for (const item of batch) {
        count.lines++;
        const view = viewOf(item, raw);
        const d = decide(view);
        if (d === "drop") {
          count.dropped++;
        } else if (d === "keep") {
          // Copy the original bytes: text may have lost a `\r`, and invalid UTF-8 must survive.
          await out?.emit(readRawOrEncode(raw, item.offset, item.bytes, view, view.partial));
        } else {
          count.replaced++;
          await out?.emit(encoder.encode(view.partial ? d.replace : d.replace + "\n"));
        }
      }
    }
    if (out === null || (count.dropped === 0 && count.replaced === 0)) return count;
    await out.flush();
    await file!.syncData();
    file!.close();
    file = null;
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
    file?.close();
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
