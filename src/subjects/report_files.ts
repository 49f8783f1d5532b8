/**
 * Report files: a built report rendered in its format (Markdown, JSON, or HTML through the
 * page's renderer) and written atomically to `reports/<key>.<format>`; and the regeneration of
 * the report files present after forget or retention.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { writeReport } from "./report_files.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * try {
 *   // No subjects loaded: there is nothing to report on.
 *   await rejects(writeReport(store, "username_ann", "md"), /no subject with key/);
 * } finally {
 *   await store.close();
 *   await Deno.remove(dataDir, { recursive: true });
 * }
 * ```
 *
 * @module
 */
import { join } from "node:path";
import type { Subject } from "../schemas.ts";
import { UsageError, wrapError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { writeFileAtomic } from "../store/atomic.ts";
import { layout } from "../store/layout.ts";
import { type ReportFormat, reportPath } from "./subject_files.ts";
import { buildReport, type BuildReportOptions, type SubjectReport } from "./reports.ts";
import { renderMarkdown } from "./report_markdown.ts";

/** The report as pretty JSON. */
export function renderJson(r: SubjectReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

/**
 * Renders a report as HTML. The HTML renderer is the workspace page's own
 * (`renderReportHtml` in `src/web/render/report.ts`), a view: the views that write reports
 * (the CLI handlers) hand it in, so this module stays below them.
 */
export type HtmlRenderer = (r: SubjectReport) => string;

/** Renders a report in a format (`html` needs the page's renderer, see {@link HtmlRenderer}). */
export function renderReport(r: SubjectReport, format: ReportFormat, html?: HtmlRenderer): string {
  if (format === "html") {
    if (html === undefined) throw new UsageError("an HTML report needs the page's renderer");
    return html(r);
  }
  return format === "md" ? renderMarkdown(r) : renderJson(r);
}

/** Builds and writes one report; returns its path. */
export async function writeReport(
  store: Store,
  key: string,
  format: ReportFormat,
  options: BuildReportOptions & { out?: string; html?: HtmlRenderer } = {},
): Promise<string> {
  const r = await buildReport(store, key, options);
  const path = options.out ?? reportPath(store.dataDir, key, format);
  await writeFileAtomic(path, renderReport(r, format, options.html));
  return path;
}

/**
 * Regenerates the report files present in `data/reports` for the given subjects and deletes
 * those of subjects no longer loaded (after forget or retention). Returns the paths written.
 */
export async function regenerateReports(
  store: Store,
  subjects: readonly Subject[],
  options: BuildReportOptions & { html?: HtmlRenderer } = {},
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
    await writeFileAtomic(path, renderReport(r, format, options.html));
    written.push(path);
  }
  return written;
}
