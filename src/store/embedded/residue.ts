/**
 * The residue check of forget: where a forgotten name still occurs, as a whole word, in the
 * bytes of any file of the data dir (SQLite databases and their WAL included).
 *
 * @module
 */
import { join, relative } from "node:path";
import type { Residue } from "../store.ts";

/** Bytes the check reads at a time (a whole file in one string fails past 512 MiB). */
const CHECK_CHUNK = 8 * 1024 * 1024;
/** Characters a window keeps of the one before: more than a login (25) and its neighbours. */
const CHECK_OVERLAP = 64;

/**
 * Whole-word occurrences of `word` in the bytes of a file (latin1, so any file), read in
 * windows that overlap: a match is counted in the window where it ends, unless it ends at the
 * window's edge, where the next character (a word boundary or not) is not known yet.
 */
async function occurrences(path: string, word: RegExp, any: RegExp): Promise<number> {
  const file = await Deno.open(path, { read: true });
  try {
    const dec = new TextDecoder("latin1");
    const buf = new Uint8Array(CHECK_CHUNK);
    let tail = "";
    let count = 0;
    for (;;) {
      const n = await file.read(buf);
      const last = n === null;
      const window = last ? tail : tail + dec.decode(buf.subarray(0, n));
      if (any.test(window)) {
        for (const m of window.matchAll(word)) {
          const end = m.index + m[0].length;
          if (end >= tail.length && (last || end < window.length)) count++;
        }
      }
      if (last) return count;
      tail = window.slice(-CHECK_OVERLAP);
    }
  } finally {
    file.close();
  }
}

/** Files derived from the log (rebuilt, never edited in place), relative to the data dir. */
const DERIVED = /^(?:index\.sqlite|profiles\.sqlite|profiles\/|reports\/|logs\/[^/]+\.ids\/)/;

/**
 * Counts whole-word occurrences of `word` (a global regex; `any` a cheap pre-test) in every
 * file under `dataDir` (read as bytes, so SQLite and other binary files are searched too).
 */
export async function findResidue(
  dataDir: string,
  word: RegExp,
  any: RegExp,
): Promise<Residue[]> {
  const out: Residue[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = [];
      for await (const e of Deno.readDir(dir)) entries.push(e);
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory) {
        await walk(p);
        continue;
      }
      if (!e.isFile) continue;
      let n: number;
      try {
        n = await occurrences(p, word, any);
      } catch {
        continue;
      }
      if (n > 0) {
        const file = relative(dataDir, p);
        out.push({ file, count: n, derived: DERIVED.test(file) });
      }
    }
  };
  await walk(dataDir);
  return out;
}
