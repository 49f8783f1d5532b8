/**
 * A subject report as Markdown (`reports/<key>.md`): one section per part of the report, each
 * saying what it rests on. Pure; chat text is escaped for tables and inline text.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { renderMarkdown } from "./report_markdown.ts";
 * import { presenceFromMessages } from "./report_presence.ts";
 * const md = renderMarkdown({
 *   report_version: 1,
 *   generated_at: "2025-09-02T12:00:00.000Z",
 *   subject: { key: "username_ann", type: "username", value: "ann" },
 *   opted_out: false,
 *   enrichment: { file: null, providers: [] },
 *   presence: presenceFromMessages([], "a scan of the log", true),
 *   hits: { rests_on: "hits", total: 0, by_how: { author: 0, mention: 0, text: 0 }, items: [] },
 *   signals: { rests_on: "rules", items: [] },
 *   caveats: ["Leads, not facts."],
 * });
 * ok(md.startsWith("# Subject report: ann (username)"));
 * ok(md.includes("Not seen in the collected chat."));
 * ```
 *
 * @module
 */
import type { Activity } from "../schemas.ts";
import type { SubjectReport } from "./reports.ts";

/** Escapes text for Markdown table cells and inline text (pipes, backticks, newlines). */
function mdText(s: string): string {
  // Underscores inside words never emphasize (CommonMark), so logins stay readable.
  return s.replace(/[\\`*[\]<>|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, " ");
}

/** A data value shown compactly: scalars as they are, objects as one-line JSON. */
function compact(v: unknown, depth = 0): string {
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

function hourSummary(a: Activity): string {
  const total = a.by_hour.reduce((s, n) => s + n, 0);
  if (total === 0) return "no activity";
  const top = a.by_hour.map((n, h) => ({ h, n })).filter((x) => x.n > 0)
    .sort((x, y) => y.n - x.n || x.h - y.h).slice(0, 3)
    .map((x) => `${String(x.h).padStart(2, "0")}:00 UTC (${x.n})`);
  const days = Object.keys(a.by_day).sort();
  return `busiest hours ${top.join(", ")}; active on ${days.length} day(s)` +
    (days.length ? ` from ${days[0]} to ${days.at(-1)}` : "");
}

/** The report as Markdown. */
export function renderMarkdown(r: SubjectReport): string {
  const s = r.subject;
  const L: string[] = [];
  L.push(`# Subject report: ${mdText(s.value)} (${s.type})`, "");
  L.push(`Generated ${r.generated_at} by twitch-osint.`, "");
  L.push("> " + r.caveats.map(mdText).join("\n> "), "");
  subjectSection(r, L);
  enrichmentSection(r, L);
  presenceSection(r, L);
  hitsSection(r, L);
  signalsSection(r, L);
  return L.join("\n");
}

function subjectSection(r: SubjectReport, L: string[]): void {
  const s = r.subject;
  L.push("## Subject", "");
  L.push(`- Key: \`${s.key}\``);
  L.push(`- Type: ${s.type}`);
  L.push(`- Normalized value: ${mdText(s.value)}`);
  if (s.raw !== undefined) L.push(`- As loaded: ${mdText(s.raw)}`);
  L.push("- Rests on: subjects.json (loaded from the analyst's CSV)");
  if (r.opted_out) L.push("- On the opt-out list: yes");
  L.push("");
}

function enrichmentSection(r: SubjectReport, L: string[]): void {
  L.push("## Enrichment", "");
  if (r.enrichment.providers.length === 0) {
    L.push("No enrichment recorded.", "");
  }
  for (const p of r.enrichment.providers) {
    L.push(
      `### ${p.name}: ${p.status}${
        p.kind === "inferred" ? " (inferred, unverified)" : " (observed)"
      }`,
      "",
    );
    L.push(`Rests on: ${mdText(p.rests_on)}; file ${r.enrichment.file ?? "—"}.`, "");
    if (p.error !== null) L.push(`Error: ${mdText(p.error)}`, "");
    if (p.status === "skipped") {
      L.push(`Skipped: ${mdText(compact(p.data?.reason ?? "not applicable"))}.`, "");
    } else if (p.data && Object.keys(p.data).length) {
      L.push("| field | value |", "| --- | --- |");
      for (const [k, v] of Object.entries(p.data)) {
        L.push(`| ${mdText(k)} | ${mdText(compact(v))} |`);
      }
      L.push("");
    }
  }
}

function presenceSection(r: SubjectReport, L: string[]): void {
  const pr = r.presence;
  L.push("## Chat presence", "");
  L.push(`Rests on: ${mdText(pr.rests_on)}.`, "");
  if (!pr.seen) {
    L.push("Not seen in the collected chat.", "");
    return;
  }
  L.push(`- Messages: ${pr.message_count}`);
  L.push(`- First seen: ${pr.first_seen ?? "—"}`);
  L.push(`- Last seen: ${pr.last_seen ?? "—"}`);
  if (pr.display_name) L.push(`- Display name: ${mdText(pr.display_name)}`);
  if (pr.user_id) L.push(`- Twitch user id: ${mdText(pr.user_id)}`);
  if (pr.activity) L.push(`- Activity: ${hourSummary(pr.activity)}`);
  if (pr.top_keywords.length) L.push(`- Top keywords: ${pr.top_keywords.map(mdText).join(", ")}`);
  L.push("", "| channel | messages |", "| --- | --- |");
  for (const c of pr.channels) L.push(`| ${mdText(c.channel)} | ${c.messages} |`);
  L.push("");
}

function hitsSection(r: SubjectReport, L: string[]): void {
  L.push("## Watchlist hits", "");
  L.push(`Rests on: ${mdText(r.hits.rests_on)}.`, "");
  const b = r.hits.by_how;
  L.push(
    `${r.hits.total} hit(s): ${b.author} as author, ${b.mention} as @mention, ${b.text} in text` +
      (r.hits.total > r.hits.items.length ? ` (newest ${r.hits.items.length} listed)` : "") + ".",
    "",
  );
  if (r.hits.items.length === 0) return;
  L.push("| time (UTC) | channel | how | user | message |", "| --- | --- | --- | --- | --- |");
  for (const h of r.hits.items) {
    L.push(
      `| ${h.ts} | ${mdText(h.channel)} | ${h.how} | ${mdText(h.user_name)} | ${mdText(h.text)} |`,
    );
  }
  L.push("");
}

function signalsSection(r: SubjectReport, L: string[]): void {
  L.push("## Relationship signals (inferred, unverified)", "");
  L.push(`Rests on: ${mdText(r.signals.rests_on)}.`, "");
  if (r.signals.items.length === 0) {
    L.push("None found.", "");
    return;
  }
  L.push(
    "| time (UTC) | channel | user | relation | type | target | confidence | evidence |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const x of r.signals.items) {
    L.push(
      `| ${x.ts} | ${mdText(x.channel)} | ${mdText(x.user_name)} | ${x.relation} | ${x.type} | ${
        mdText(x.target ?? "—")
      } | ${x.confidence.toFixed(2)} | ${mdText(x.snippet)} (rule ${mdText(x.rule)}, message ${
        mdText(x.message_id)
      }) |`,
    );
  }
  L.push("");
}
