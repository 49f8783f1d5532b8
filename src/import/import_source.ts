/**
 * An import as a whole: the files under the given paths, each with its format (given, or
 * detected from its content before anything is read for real, so that a file of no known format
 * stops the import before it writes anything), read one after the other as one chat source.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { ChatSource } from "../chat/source.ts";
import { expandPaths, readHead } from "./input.ts";
import { detectFormat } from "./detect.ts";
import { fileSource, IMPORT_FORMATS, type ImportFormat, type ImportOptions } from "./outcome.ts";
import { READERS } from "./readers.ts";
import { ParseWorker } from "./parse_worker_client.ts";

/** One file of an import and its format. */
export interface PlannedFile {
  path: string;
  format: ImportFormat;
}

/**
 * The files under `paths` with their formats: `format` for all when given, else each detected
 * from its content. Throws an {@link InputError} naming the formats tried for a file that is
 * none of them, and for paths that hold no file.
 */
export async function planImport(
  paths: readonly string[],
  format: ImportFormat | "auto" = "auto",
): Promise<PlannedFile[]> {
  const files = await expandPaths(paths);
  if (files.length === 0) throw new InputError(paths.join(", "), "no files to import");
  const out: PlannedFile[] = [];
  for (const path of files) {
    if (format !== "auto") {
      out.push({ path, format });
      continue;
    }
    const head = await readHead(path);
    const found = detectFormat(head);
    if (found === null) {
      throw new InputError(
        path,
        `not a chat file of a known format (tried ${IMPORT_FORMATS.join(", ")}); ` +
          `give --format if it is one of them`,
      );
    }
    out.push({ path, format: found });
  }
  return out;
}

/** Options of {@link importSource}. */
export interface ImportSourceOptions extends ImportOptions {
  /**
   * Read and parse the files in a worker thread, beside the analysis and the writes (which then
   * take only the parsed records): on two cores, a backfill that writes only the log goes
   * nearly twice as fast. Off when other threads (the index and profile writers) already use
   * the other core. Falls back to reading here when no worker can start. @default false
   */
  worker?: boolean;
}

/** One chat source over every planned file, in order. */
export function importSource(
  files: readonly PlannedFile[],
  options: ImportSourceOptions = {},
): ChatSource {
  const inline = fileSource(
    files.map((f) => ({ path: f.path, reader: READERS[f.format] })),
    options,
  );
  if (options.worker !== true) return inline;
  return async function* (signal: AbortSignal) {
    const worker = await ParseWorker.start();
    if (worker === null) return yield* inline(signal);
    try {
      yield* fileSource(
        files.map((f) => ({ path: f.path, reader: worker.reader(f.format) })),
        options,
      )(signal);
    } finally {
      worker.close();
    }
  };
}
