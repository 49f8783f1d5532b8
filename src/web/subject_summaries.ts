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

/** Every subject loaded in `dataDir`, with its count among `hits` and its providers' status. */
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
