/**
 * Crash-safe file replacement: write a temporary file beside the target, fsync it, rename it
 * over the target. A reader sees the old file or the new one, never a torn one.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

let counter = 0;

/**
 * Writes `data` to `path` atomically, creating parent folders. Returns false if unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonText, writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/profiles/ann.json`;
 * assert.equal(await writeFileAtomic(path, jsonText({ a: 1 })), true);
 * assert.equal(await writeFileAtomic(path, jsonText({ a: 1 }), { skipIfUnchanged: true }), false);
 * assert.equal(await Deno.readTextFile(path), '{\n  "a": 1\n}\n');
 * assert.deepEqual([...Deno.readDirSync(`${dir}/profiles`)].map((e) => e.name), ["ann.json"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { skipIfUnchanged?: boolean } = {},
): Promise<boolean> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  if (options.skipIfUnchanged) {
    try {
      const old = await Deno.readFile(path);
      if (old.length === bytes.length && old.every((b, i) => b === bytes[i])) return false;
    } catch {
      // Missing or unreadable: write it.
    }
  }
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const tmp = `${path}.tmp-${Deno.pid}-${++counter}`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      let off = 0;
      while (off < bytes.length) off += await f.write(bytes.subarray(off));
      await f.syncData();
    } finally {
      f.close();
    }
    await Deno.rename(tmp, path);
    return true;
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new StoreError(`cannot write ${path}: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
}

/**
 * Writes text made a chunk at a time to `path` atomically (as {@link writeFileAtomic}), each
 * chunk encoded into one reused buffer and written as it comes: a file of many MB is never
 * held whole, as one string or as bytes.
 */
export async function writeChunksAtomic(path: string, chunks: Iterable<string>): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const tmp = `${path}.tmp-${Deno.pid}-${++counter}`;
  const encoder = new TextEncoder();
  let buf = new Uint8Array(1 << 20);
  try {
    await Deno.mkdir(dir, { recursive: true });
    const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      for (const chunk of chunks) {
        // UTF-8 takes at most 3 bytes per UTF-16 code unit.
        if (chunk.length * 3 > buf.length) buf = new Uint8Array(chunk.length * 3);
        const { written } = encoder.encodeInto(chunk, buf);
        let off = 0;
        while (off < written) off += await f.write(buf.subarray(off, written));
      }
      await f.syncData();
    } finally {
      f.close();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new StoreError(`cannot write ${path}: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
}

/** Serializes a value as pretty JSON with a final newline: the form of every JSON file. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}
