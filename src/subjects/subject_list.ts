/**
 * The loaded subjects (`data/subjects.json`): reading, writing, and finding one by key, value
 * or `type:value`. Apart from `loading.ts` (the CSV parser, libphonenumber), so that the readers
 * (`subjects hits`, `subjects report`, the workspace) start without them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveSubject } from "./subject_list.ts";
 * const subjects = [{ key: "username_someuser", type: "username" as const, value: "someuser" }];
 * assert.equal((await resolveSubject(subjects, "@SomeUser"))?.key, "username_someuser");
 * ```
 *
 * @module
 */
import { DEFAULT_REGION, normalizeEmail } from "../normalize.ts";
import type { Subject } from "../schemas.ts";
import { jsonText, writeFileAtomic } from "../store/atomic.ts";
import { readSchemaFile } from "../store/json_file.ts";
import { layout } from "../store/layout.ts";

/** Stable order of subjects.json: by type, then value. */
export function sortSubjects(subjects: Subject[]): Subject[] {
  return [...subjects].sort((a, b) =>
    a.type < b.type ? -1 : a.type > b.type ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0
  );
}

/** Path of subjects.json in a data dir. */
export function subjectsPath(dataDir: string): string {
  return layout(dataDir).subjects;
}

/** The schema of subjects.json, imported when there is a file to check (see `SchemaRef`). */
const subjectsSchema = async () => (await import("../schemas.ts")).SubjectsFile;

/** Reads `data/subjects.json`; an absent file is an empty list. */
export async function readSubjects(dataDir: string): Promise<Subject[]> {
  return (await readSchemaFile(subjectsPath(dataDir), subjectsSchema))?.subjects ?? [];
}

/** Writes `data/subjects.json` atomically; returns false when it was already identical. */
export function writeSubjects(dataDir: string, subjects: Subject[]): Promise<boolean> {
  return writeFileAtomic(
    subjectsPath(dataDir),
    jsonText({ version: 1, subjects: sortSubjects(subjects) }),
    { skipIfUnchanged: true },
  );
}

/**
 * Finds a loaded subject by key, or else by value (`someuser`, `alice@example.com`, a phone in
 * E.164 or as people write it, normalized with `region`), or else by `type:value`. Returns
 * undefined when none matches.
 */
export async function resolveSubject(
  subjects: readonly Subject[],
  ref: string,
  region = DEFAULT_REGION,
): Promise<Subject | undefined> {
  const r = ref.trim();
  const byKey = subjects.find((s) => s.key === r);
  if (byKey) return byKey;
  const lower = r.toLowerCase().replace(/^@/, "");
  const byValue = subjects.filter((s) => s.value === lower || s.value === r);
  if (byValue.length === 1) return byValue[0];
  // A phone or email as written ("(202) 555-0123", "Alice@Example.com"). The phone parser
  // (libphonenumber's metadata) is loaded only when a reference gets this far.
  const { normalizePhone } = await import("../phone.ts");
  for (const n of [normalizePhone(r, region), normalizeEmail(r)]) {
    if (!n.ok) continue;
    const hit = subjects.find((s) => s.value === n.value);
    if (hit) return hit;
  }
  const colon = r.indexOf(":");
  if (colon > 0) {
    const type = r.slice(0, colon).toLowerCase();
    const value = r.slice(colon + 1).trim().toLowerCase();
    return subjects.find((s) => s.type === type && s.value === value);
  }
  return undefined;
}
