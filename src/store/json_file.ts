/**
 * Reading the data dir's own JSON files (subjects, the opt-out list, enrichment, profiles): a
 * missing file is `undefined`, and an unreadable, malformed or invalid one is a StoreError that
 * names the file (and the field).
 *
 * @module
 */
import type { z } from "zod";
import { StoreError } from "../errors.ts";

/** The parsed JSON of `path`, or undefined when the file does not exist. */
export async function readJsonFile(path: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new StoreError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StoreError(`${path}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

/**
 * A zod schema, or a function that imports it: then a reader that finds no file never loads
 * zod nor builds the schemas (a third of a short command's start-up).
 */
export type SchemaRef<T> = z.ZodType<T> | (() => Promise<z.ZodType<T>>);

/**
 * {@link readJsonFile} checked against `schema`; the first issue names the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { readSchemaFile } from "./json_file.ts";
 * const dir = await Deno.makeTempDir();
 * const Privacy = z.object({ version: z.literal(1) });
 * assert.equal(await readSchemaFile(`${dir}/privacy.json`, Privacy), undefined);
 * await Deno.writeTextFile(`${dir}/privacy.json`, '{"version": 1}');
 * assert.deepEqual(await readSchemaFile(`${dir}/privacy.json`, Privacy), { version: 1 });
 * await Deno.writeTextFile(`${dir}/privacy.json`, '{"version": 2}');
 * await assert.rejects(readSchemaFile(`${dir}/privacy.json`, Privacy), {
 *   name: "StoreError",
 *   message: `${dir}/privacy.json: version: Invalid input: expected 1`,
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readSchemaFile<T>(
  path: string,
  schemaRef: SchemaRef<T>,
): Promise<T | undefined> {
  const json = await readJsonFile(path);
  if (json === undefined) return undefined;
  const schema = typeof schemaRef === "function" ? await schemaRef() : schemaRef;
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new StoreError(
      `${path}: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
      {
        cause: r.error,
      },
    );
  }
  return r.data;
}
