/**
 * The workspace's list of loaded subjects: each with its watchlist hits counted and the status
 * of each enrichment provider.
 *
 * @module
 */
import { Enrichment } from "../schemas.ts";
import type { HitRow } from "../query/hits.ts";
import { readSubjects } from "../subjects/subject_list.ts";
import { enrichmentPath } from "../subjects/subject_files.ts";
import { readJsonFile } from "../store/json_file.ts";
import type { SubjectSummary } from "./render/view_model.ts";

/**
 * Every subject loaded in `dataDir`, with its count among `hits` and its providers' status.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonText, writeFileAtomic } from "../store/atomic.ts";
 * import { enrichmentPath } from "../subjects/subject_files.ts";
 * import { writeSubjects } from "../subjects/subject_list.ts";
 * import { subjectSummaries } from "./subject_summaries.ts";
 * const dataDir = await Deno.makeTempDir();
 * const ann = { key: "username_ann", type: "username" as const, value: "ann" };
 * const bob = { key: "username_bob", type: "username" as const, value: "bob" };
 * await writeSubjects(dataDir, [ann, bob]);
 * const ran = (status: "ok" | "skipped") =>
 *   ({ status, data: null, error: null, ran_at: "2025-09-02T12:00:00.000Z" });
 * await writeFileAtomic(
 *   enrichmentPath(dataDir, ann.key),
 *   jsonText({
 *     subject: ann,
 *     providers: { chat_presence: ran("ok"), phone_info: ran("skipped") },
 *   }),
 * );
 * const hit = {
 *   subject_key: "username_ann",
 *   how: "mention" as const,
 *   ts: "2025-09-02T12:00:00.000Z",
 *   channel: "example_channel",
 *   message_id: "m1",
 *   user_name: "cat",
 *   text: "@ann",
 * };
 * assert.deepEqual(await subjectSummaries(dataDir, [hit, { ...hit, message_id: "m2" }]), [
 *   { ...ann, hits: 2, providers: { chat_presence: "ok", phone_info: "skipped" } },
 *   { ...bob, hits: 0, providers: {} },
 * ]);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function subjectSummaries(
  dataDir: string,
  hits: readonly HitRow[],
): Promise<SubjectSummary[]> {
  const subjects = await readSubjects(dataDir);
  const counts = new Map<string, number>();
  for (const h of hits) counts.set(h.subject_key, (counts.get(h.subject_key) ?? 0) + 1);
  const out: SubjectSummary[] = [];
  for (const s of subjects) {
    const e = Enrichment.safeParse(
      await readJsonFile(enrichmentPath(dataDir, s.key)).catch(() => undefined),
    );
    const providers: SubjectSummary["providers"] = {};
    for (const [name, r] of Object.entries(e.success ? e.data.providers : {})) {
      providers[name] = r.status;
    }
    out.push({ key: s.key, type: s.type, value: s.value, hits: counts.get(s.key) ?? 0, providers });
  }
  return out;
}
