/**
 * Where a subject's files live in the data dir: its enrichment (`enrichment/<key>.json`) and
 * its reports (`reports/<key>.md|html|json`). A key becomes a file name only when it is a safe
 * one ({@link SAFE_KEY_RE}).
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { reportPath } from "./subject_files.ts";
 * deepStrictEqual(reportPath("data", "username_someuser", "md"), "data/reports/username_someuser.md");
 * throws(() => reportPath("data", "../etc", "md"));
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { layout } from "../store/layout.ts";

/** A subject key usable as a file name: no separators, no leading dot, bounded length. */
export const SAFE_KEY_RE: RegExp = /^[A-Za-z0-9_+@%-][A-Za-z0-9._+@%-]{0,199}$/;

/**
 * The enrichment file of a subject key, or a thrown UsageError when the key could escape the
 * folder or is not a valid file name (too long, separators, `..`).
 */
export function enrichmentPath(dataDir: string, key: string): string {
  if (!SAFE_KEY_RE.test(key)) {
    throw new UsageError(
      `subject key ${JSON.stringify(key.slice(0, 60))} is not a safe file name ` +
        `(allowed: A-Z a-z 0-9 . _ + @ % -, not starting with ".", at most 200 characters)`,
    );
  }
  return join(layout(dataDir).enrichment, `${key}.json`);
}

/** Report formats. */
export type ReportFormat = "md" | "html" | "json";

/** The formats, for flag checking. */
export const REPORT_FORMATS: readonly ReportFormat[] = ["md", "html", "json"];

/** The default path of a report file (the key was checked to be a safe file name). */
export function reportPath(dataDir: string, key: string, format: ReportFormat): string {
  if (!SAFE_KEY_RE.test(key)) throw new UsageError(`not a subject key: ${JSON.stringify(key)}`);
  return join(layout(dataDir).reports, `${key}.${format}`);
}
