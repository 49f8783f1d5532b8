/**
 * Subject reports: one readable document per subject (`data/reports/<key>.md|html|json`),
 * built by `report_build.ts` (what the tool knows and what each fact rests on) and rendered by
 * `report_markdown.ts`, `report_html.ts` or as JSON; written, and regenerated after forget.
 *
 * @module
 */
import { writeFileAtomic } from "../store/atomic.ts";
import { layout } from "../store/layout.ts";
import type { Store } from "../store/store.ts";
import type { Subject } from "../schemas.ts";
import { wrapError } from "../errors.ts";
import { buildReport, type BuildReportOptions, type SubjectReport } from "./report_build.ts";
import { renderHtml } from "./report_html.ts";
import { renderMarkdown } from "./report_markdown.ts";
import { type ReportFormat, reportPath } from "./subject_files.ts";
import { join } from "node:path";

export { REPORT_FORMATS, type ReportFormat, reportPath } from "./subject_files.ts";

/** The report as pretty JSON. */
export function renderJson(r: SubjectReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

/** Renders a report in a format. */
export function renderReport(r: SubjectReport, format: ReportFormat): string {
  return format === "md" ? renderMarkdown(r) : format === "html" ? renderHtml(r) : renderJson(r);
}

/** Builds and writes one report; returns its path. */
export async function writeReport(
  store: Store,
  key: string,
  format: ReportFormat,
  options: BuildReportOptions & { out?: string } = {},
): Promise<string> {
  const r = await buildReport(store, key, options);
  const path = options.out ?? reportPath(store.dataDir, key, format);
  await writeFileAtomic(path, renderReport(r, format));
  return path;
}

/**
 * Regenerates the report files present in `data/reports` for the given subjects and deletes
 * those of subjects no longer loaded (after forget or retention). Returns the paths written.
 */
export async function regenerateReports(
  store: Store,
  subjects: readonly Subject[],
  options: BuildReportOptions = {},
): Promise<string[]> {
  const dir = layout(store.dataDir).reports;
  const keys = new Set(subjects.map((s) => s.key));
  const written: string[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) entries.push(e);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return written;
    throw wrapError(e, `read ${dir}`);
  }
  entries = entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  // One build per subject, whatever the number of formats on disk (each build scans the log).
  const built = new Map<string, SubjectReport>();
  for (const e of entries) {
    if (!e.isFile) continue;
    const m = /^(.+)\.(md|html|json)$/.exec(e.name);
    if (!m) continue;
    const key = m[1]!;
    const format = m[2] as ReportFormat;
    const path = join(dir, e.name);
    if (!keys.has(key)) {
      await Deno.remove(path).catch(() => {});
      continue;
    }
    let r = built.get(key);
    if (r === undefined) built.set(key, r = await buildReport(store, key, options));
    await writeFileAtomic(path, renderReport(r, format));
    written.push(path);
  }
  return written;
}
