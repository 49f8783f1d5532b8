/**
 * A subject report as a standalone HTML page (pure): every value escaped, chat text is hostile
 * input and always shown as text.
 *
 * @module
 */
import type { SubjectReport } from "./report_build.ts";
import { compact, hourSummary } from "./report_text.ts";

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { escapeHtml } from "./report_html.ts";
 * deepStrictEqual(escapeHtml(`<img src=x onerror="a('b')">`), "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/** The report as a standalone HTML page (every value escaped). */
export function renderHtml(r: SubjectReport): string {
  const e = escapeHtml;
  const s = r.subject;
  const H: string[] = [];
  const table = (head: string[], rows: string[][]) => {
    H.push(
      "<table><thead><tr>" + head.map((h) => `<th>${e(h)}</th>`).join("") + "</tr></thead><tbody>",
    );
    for (const row of rows) H.push("<tr>" + row.map((c) => `<td>${e(c)}</td>`).join("") + "</tr>");
    H.push("</tbody></table>");
  };
  H.push(
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Subject report: ${e(s.value)}</title>`,
    "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}" +
      "table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;" +
      "text-align:left;vertical-align:top}.note{background:#fff8e1;padding:.5rem 1rem}" +
      ".rests{color:#555;font-size:.9em}</style>",
    "</head><body>",
    `<h1>Subject report: ${e(s.value)} (${e(s.type)})</h1>`,
    `<p>Generated ${e(r.generated_at)} by twitch-osint.</p>`,
    `<div class="note">${r.caveats.map((c) => `<p>${e(c)}</p>`).join("")}</div>`,
    "<h2>Subject</h2>",
  );
  const subjectRows = [["key", s.key], ["type", s.type], ["normalized value", s.value]];
  if (s.raw !== undefined) subjectRows.push(["as loaded", s.raw]);
  if (r.opted_out) subjectRows.push(["on the opt-out list", "yes"]);
  table(["field", "value"], subjectRows);
  H.push(`<p class="rests">Rests on: subjects.json (loaded from the analyst's CSV)</p>`);

  H.push("<h2>Enrichment</h2>");
  if (r.enrichment.providers.length === 0) H.push("<p>No enrichment recorded.</p>");
  for (const p of r.enrichment.providers) {
    H.push(
      `<h3>${e(p.name)}: ${e(p.status)} ${
        p.kind === "inferred" ? "(inferred, unverified)" : "(observed)"
      }</h3>`,
      `<p class="rests">Rests on: ${e(p.rests_on)}; file ${e(r.enrichment.file ?? "—")}.</p>`,
    );
    if (p.error !== null) H.push(`<p>Error: ${e(p.error)}</p>`);
    if (p.status === "skipped") {
      H.push(`<p>Skipped: ${e(compact(p.data?.reason ?? "not applicable"))}.</p>`);
    } else if (p.data && Object.keys(p.data).length) {
      table(["field", "value"], Object.entries(p.data).map(([k, v]) => [k, compact(v)]));
    }
  }

  const pr = r.presence;
  H.push("<h2>Chat presence</h2>", `<p class="rests">Rests on: ${e(pr.rests_on)}.</p>`);
  if (!pr.seen) H.push("<p>Not seen in the collected chat.</p>");
  else {
    const rows = [
      ["messages", String(pr.message_count)],
      ["first seen", pr.first_seen ?? "—"],
      ["last seen", pr.last_seen ?? "—"],
    ];
    if (pr.display_name) rows.push(["display name", pr.display_name]);
    if (pr.user_id) rows.push(["Twitch user id", pr.user_id]);
    if (pr.activity) rows.push(["activity", hourSummary(pr.activity)]);
    if (pr.top_keywords.length) rows.push(["top keywords", pr.top_keywords.join(", ")]);
    table(["field", "value"], rows);
    table(["channel", "messages"], pr.channels.map((c) => [c.channel, String(c.messages)]));
  }

  const b = r.hits.by_how;
  H.push(
    "<h2>Watchlist hits</h2>",
    `<p class="rests">Rests on: ${e(r.hits.rests_on)}.</p>`,
    `<p>${r.hits.total} hit(s): ${b.author} as author, ${b.mention} as @mention, ${b.text} in text${
      r.hits.total > r.hits.items.length ? ` (newest ${r.hits.items.length} listed)` : ""
    }.</p>`,
  );
  if (r.hits.items.length) {
    table(
      ["time (UTC)", "channel", "how", "user", "message"],
      r.hits.items.map((h) => [h.ts, h.channel, h.how, h.user_name, h.text]),
    );
  }

  H.push(
    "<h2>Relationship signals (inferred, unverified)</h2>",
    `<p class="rests">Rests on: ${e(r.signals.rests_on)}.</p>`,
  );
  if (r.signals.items.length === 0) H.push("<p>None found.</p>");
  else {
    table(
      ["time (UTC)", "channel", "user", "relation", "type", "target", "confidence", "evidence"],
      r.signals.items.map((x) => [
        x.ts,
        x.channel,
        x.user_name,
        x.relation,
        x.type,
        x.target ?? "—",
        x.confidence.toFixed(2),
        `${x.snippet} (rule ${x.rule}, message ${x.message_id})`,
      ]),
    );
  }
  H.push("</body></html>", "");
  return H.join("\n");
}
