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

/** One chat source over every planned file, in order. */
export function importSource(
  files: readonly PlannedFile[],
  options: ImportOptions = {},
): ChatSource {
  return fileSource(
    files.map((f) => ({ path: f.path, reader: READERS[f.format] })),
    options,
  );
}
