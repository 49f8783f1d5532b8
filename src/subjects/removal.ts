/**
 * Removing a subject from the watchlist: out of `subjects.json`, with the files derived from it
 * (its enrichment record and its reports). Messages already stored keep the hits recorded at
 * ingest (they are facts of those messages); to erase a person, use `forget`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeSubject } from "./removal.ts";
 * import { NotFoundError } from "../errors.ts";
 * const dir = await Deno.makeTempDir();
 * await assert.rejects(removeSubject(dir, "nobody"), NotFoundError);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { NotFoundError, wrapError } from "../errors.ts";
import { DEFAULT_REGION } from "../normalize.ts";
import type { Subject } from "../schemas.ts";
import { readSubjects, resolveSubject, writeSubjects } from "./subject_list.ts";
import { enrichmentPath, REPORT_FORMATS, reportPath } from "./subject_files.ts";

/** What {@link removeSubject} did. */
export interface RemoveResult {
  subject: Subject;
  /** Derived files deleted (enrichment record, reports), as paths. */
  deleted: string[];
  /** Subjects left in the list. */
  remaining: number;
}

/**
 * Removes the subject `ref` names (its key, value or `type:value`, as `subjects report` takes
 * it). Throws {@link NotFoundError} when no loaded subject matches. Idempotent in effect: a
 * second call finds nothing and says so.
 */
export async function removeSubject(
  dataDir: string,
  ref: string,
  region: string = DEFAULT_REGION,
): Promise<RemoveResult> {
  const subjects = await readSubjects(dataDir);
  const subject = await resolveSubject(subjects, ref, region);
  if (!subject) throw new NotFoundError(`no loaded subject matches "${ref}"`);
  const remaining = subjects.filter((s) => s.key !== subject.key);
  await writeSubjects(dataDir, remaining);
  const deleted: string[] = [];
  for (
    const path of [
      enrichmentPath(dataDir, subject.key),
      ...REPORT_FORMATS.map((f) => reportPath(dataDir, subject.key, f)),
    ]
  ) {
    try {
      await Deno.remove(path);
      deleted.push(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw wrapError(e, `delete ${path}`);
    }
  }
  return { subject, deleted, remaining: remaining.length };
}
