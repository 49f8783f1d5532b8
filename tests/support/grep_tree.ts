/**
 * Searching every file under a folder for a byte string, binary files included (SQLite
 * databases, WAL files, temporary files): what "no trace left in the data dir" means.
 *
 * @module
 */
import { join } from "node:path";

/** Every file under `dir`, recursively: its path and its path relative to `dir` (with `/`). */
export async function* filesUnder(
  dir: string,
  rel = "",
): AsyncGenerator<{ path: string; rel: string }> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return; // gone meanwhile, or not a folder
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) yield* filesUnder(path, r);
    else yield { path, rel: r };
  }
}

/** Index of `needle` in `hay`, or -1 (plain byte search). */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0]!;
  for (
    let i = hay.indexOf(first);
    i !== -1 && i <= hay.length - needle.length;
    i = hay.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/**
 * Files under `dir` (recursively) whose bytes contain `needle`, as paths relative to `dir`,
 * with the context around the first occurrence (for the failure message). Case-sensitive
 * unless `ignoreCase`, which lowercases ASCII letters of both sides.
 */
export async function grepTree(
  dir: string,
  needle: string,
  options: { ignoreCase?: boolean } = {},
): Promise<Array<{ file: string; context: string }>> {
  const lower = (b: Uint8Array) => b.map((c) => (c >= 65 && c <= 90 ? c + 32 : c));
  const enc = new TextEncoder().encode(options.ignoreCase ? needle.toLowerCase() : needle);
  const out: Array<{ file: string; context: string }> = [];
  for await (const { path, rel } of filesUnder(dir)) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch {
      continue; // removed meanwhile
    }
    const hay = options.ignoreCase ? lower(bytes) : bytes;
    const at = indexOfBytes(hay, enc);
    if (at !== -1) {
      const ctx = new TextDecoder().decode(
        bytes.subarray(Math.max(0, at - 40), at + enc.length + 40),
      );
      out.push({ file: rel, context: ctx });
    }
  }
  return out;
}
