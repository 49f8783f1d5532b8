/**
 * The files an import reads: paths expanded (folders recursively, in name order, hidden files
 * left out), each opened as a stream of bytes, gunzipped when it starts with gzip's magic bytes
 * (justlog stores its logs as `.txt.gz`; the name is not trusted), and its head sniffed to tell
 * its format.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { bigChunks } from "../line_reader.ts";

/** Bytes read to tell a file's format. */
export const HEAD_BYTES = 64 * 1024;

/** Every file under `paths` (files as given, folders walked), without repeats, in order. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (path: string, given: boolean): Promise<void> => {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      const why = e instanceof Deno.errors.NotFound ? "no such file or folder" : String(e);
      throw new InputError(path, why, { cause: e });
    }
    if (info.isDirectory) {
      const names: string[] = [];
      for await (const entry of Deno.readDir(path)) {
        if (!entry.name.startsWith(".")) names.push(entry.name);
      }
      names.sort();
      for (const name of names) await walk(join(path, name), false);
    } else if (info.isFile || given) {
      if (!seen.has(path)) {
        seen.add(path);
        out.push(path);
      }
    }
  };
  for (const p of paths) await walk(p, true);
  return out;
}

/** A file opened for reading, and whether it starts with gzip's magic bytes. */
async function openFile(path: string): Promise<{ file: Deno.FsFile; gzip: boolean }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    throw new InputError(path, `cannot read (${(e as Error).message})`, { cause: e });
  }
  const magic = new Uint8Array(2);
  let got = 0;
  while (got < 2) {
    const n = await file.read(magic.subarray(got));
    if (n === null) break;
    got += n;
  }
  await file.seek(0, Deno.SeekMode.Start);
  return { file, gzip: got === 2 && magic[0] === 0x1f && magic[1] === 0x8b };
}

function gunzip(raw: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return raw.pipeThrough(
    new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
  );
}

/** The bytes of a file, gunzipped when it is gzip, in chunks of up to 1 MiB. */
export async function openBytes(path: string): Promise<ReadableStream<Uint8Array>> {
  const { file, gzip } = await openFile(path);
  const raw = bigChunks(file);
  return gzip ? gunzip(raw) : raw;
}

/** A file's chunks of up to `size` bytes, each read into the same buffer; closed at the end. */
async function* reusedChunks(file: Deno.FsFile, size = 1 << 20): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(size);
  try {
    while (true) {
      let got = 0;
      while (got < size) {
        const n = await file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      if (got > 0) yield buf.subarray(0, got);
      if (got < size) return;
    }
  } finally {
    file.close();
  }
}

/**
 * The bytes of a file as {@link openBytes} gives them, for a reader that is done with each chunk
 * before it asks for the next (it decodes or copies it): a plain file's chunks are all read into
 * one buffer, so a big file costs no fresh memory per chunk (each fresh MiB is 256 page faults;
 * for TwitchDownloader's 800-byte comments that was most of what its import cost beyond raw
 * IRC's). Gzip input comes as {@link openBytes} gives it.
 */
export async function openReusedChunks(path: string): Promise<AsyncIterable<Uint8Array>> {
  const { file, gzip } = await openFile(path);
  return gzip ? gunzip(bigChunks(file)) : reusedChunks(file);
}

/**
 * The first {@link HEAD_BYTES} of a file's content (gunzipped), as text. A gzip file that is
 * not gzip inside is reported as an {@link InputError}.
 */
export async function readHead(path: string): Promise<string> {
  const stream = await openBytes(path);
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < HEAD_BYTES) {
      const r = await reader.read();
      if (r.done) break;
      parts.push(r.value);
      size += r.value.length;
    }
  } catch (e) {
    // A file damaged further on is still told by its head; reading it reports the damage.
    if (size === 0) {
      throw new InputError(path, `cannot read (${(e as Error).message})`, { cause: e });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, HEAD_BYTES));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.length, all.length - at);
    all.set(p.subarray(0, take), at);
    at += take;
    if (at >= all.length) break;
  }
  // A multi-byte character cut at the end decodes to U+FFFD, which sniffing ignores.
  return new TextDecoder().decode(all);
}
