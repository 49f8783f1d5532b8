/**
 * Plain-text summaries shared by the report renderers (Markdown and HTML).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { compact } from "./report_text.ts";
 * deepStrictEqual(compact(["a", "b"]), "a, b");
 * deepStrictEqual(compact([]), "none");
 * ```
 *
 * @module
 */
import type { Activity } from "../schemas.ts";

/** A data value shown compactly: scalars as they are, objects as one-line JSON. */
export function compact(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (depth > 1) return JSON.stringify(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => compact(x, depth + 1)).join(", ") : "none";
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return "none";
  if (depth === 0) return entries.map(([k, x]) => `${k}: ${compact(x, depth + 1)}`).join("; ");
  return `(${entries.map(([k, x]) => `${k} ${compact(x, depth + 1)}`).join(", ")})`;
}

export function hourSummary(a: Activity): string {
  const total = a.by_hour.reduce((s, n) => s + n, 0);
  if (total === 0) return "no activity";
  const top = a.by_hour.map((n, h) => ({ h, n })).filter((x) => x.n > 0)
    .sort((x, y) => y.n - x.n || x.h - y.h).slice(0, 3)
    .map((x) => `${String(x.h).padStart(2, "0")}:00 UTC (${x.n})`);
  const days = Object.keys(a.by_day).sort();
  return `busiest hours ${top.join(", ")}; active on ${days.length} day(s)` +
    (days.length ? ` from ${days[0]} to ${days.at(-1)}` : "");
}
