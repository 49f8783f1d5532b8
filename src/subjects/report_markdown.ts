/**
 * A subject report as Markdown (pure): every section with what it rests on; chat text escaped.
 *
 * @module
 */
import type { SubjectReport } from "./report_build.ts";
import { compact, hourSummary } from "./report_text.ts";

/** Escapes text for Markdown table cells and inline text (pipes, backticks, newlines). */
function mdText(s: string): string {
  // Underscores inside words never emphasize (CommonMark), so logins stay readable.
  return s.replace(/[\\`*[\]<>|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, " ");
}

/** The report as Markdown. */
export function renderMarkdown(r: SubjectReport): string {
  const s = r.subject;
  const L: string[] = [];
  L.push(`# Subject report: ${mdText(s.value)} (${s.type})`, "");
  L.push(`Generated ${r.generated_at} by twitch-osint.`, "");
  L.push("> " + r.caveats.map(mdText).join("\n> "), "");
  L.push("## Subject", "");
  L.push(`- Key: \`${s.key}\``);
  L.push(`- Type: ${s.type}`);
  L.push(`- Normalized value: ${mdText(s.value)}`);
  if (s.raw !== undefined) L.push(`- As loaded: ${mdText(s.raw)}`);
  L.push("- Rests on: subjects.json (loaded from the analyst's CSV)");
  if (r.opted_out) L.push("- On the opt-out list: yes");
  L.push("");

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

  const pr = r.presence;
  L.push("## Chat presence", "");
  L.push(`Rests on: ${mdText(pr.rests_on)}.`, "");
  if (!pr.seen) {
    L.push("Not seen in the collected chat.", "");
  } else {
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

  L.push("## Watchlist hits", "");
  L.push(`Rests on: ${mdText(r.hits.rests_on)}.`, "");
  const b = r.hits.by_how;
  L.push(
    `${r.hits.total} hit(s): ${b.author} as author, ${b.mention} as @mention, ${b.text} in text` +
      (r.hits.total > r.hits.items.length ? ` (newest ${r.hits.items.length} listed)` : "") + ".",
    "",
  );
  if (r.hits.items.length) {
    L.push("| time (UTC) | channel | how | user | message |", "| --- | --- | --- | --- | --- |");
    for (const h of r.hits.items) {
      L.push(
        `| ${h.ts} | ${mdText(h.channel)} | ${h.how} | ${mdText(h.user_name)} | ${
          mdText(h.text)
        } |`,
      );
    }
    L.push("");
  }

  L.push("## Relationship signals (inferred, unverified)", "");
  L.push(`Rests on: ${mdText(r.signals.rests_on)}.`, "");
  if (r.signals.items.length === 0) L.push("None found.", "");
  else {
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
  return L.join("\n");
}
