/**
 * A subject report as HTML: the renderer of the workspace's subject page and of
 * `subjects report --format html` alike. A summary at the top (what was found, where, when),
 * the activity charts, chat presence with links, watchlist hits linked to their messages,
 * relationship signals with their evidence, the providers' enrichment (skipped ones folded away),
 * and the caveats. Every value is escaped.
 *
 * @module
 */
import type { SubjectReport } from "../../subjects/reports.ts";
import { dayChart, hourChart } from "./chart.ts";
import { chatLog } from "./chat.ts";
import { type Html, html, when } from "./html.ts";
import { type Links, reportLinks } from "./links.ts";
import { standalone } from "./layout.ts";

/** A data value shown compactly: scalars as they are, objects as short lists. */
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

/** The one-paragraph summary: what was found, where, when. */
export function reportSummary(r: SubjectReport): string {
  const p = r.presence;
  const parts: string[] = [];
  if (r.opted_out) parts.push("This person is on the opt-out list: no chat data is served.");
  else if (p.seen) {
    const where = p.channels.slice(0, 3).map((c) => `#${c.channel} (${c.messages})`).join(", ");
    parts.push(
      `Seen in chat: ${p.message_count} message(s) in ${p.channels.length} channel(s)` +
        (where ? `, mostly ${where}` : "") +
        `, from ${p.first_seen ?? "?"} to ${p.last_seen ?? "?"}.`,
    );
  } else parts.push("Not seen in the collected chat.");
  const b = r.hits.by_how;
  parts.push(
    `${r.hits.total} watchlist hit(s): ${b.author} as author, ${b.mention} as @mention, ` +
      `${b.text} in text.`,
  );
  parts.push(`${r.signals.items.length} relationship signal(s) (inferred, unverified).`);
  const st = { ok: 0, error: 0, skipped: 0 };
  for (const x of r.enrichment.providers) st[x.status]++;
  parts.push(
    r.enrichment.providers.length
      ? `Enrichment: ${st.ok} provider(s) answered, ${st.error} failed, ${st.skipped} skipped.`
      : "No enrichment yet.",
  );
  return parts.join(" ");
}

/** The body of a report, for the workspace page or a file. */
export function reportBody(r: SubjectReport, links: Links): Html {
  const s = r.subject;
  return html`
    <h1 id="subject-${s.key}">Subject: ${s.value} <span class="muted">(${s.type})</span></h1>
    <p class="summary" data-testid="summary">${reportSummary(r)}</p>
    <p
      class="muted">Key <code>${s.key}</code>${s.raw !== undefined
        ? html`; loaded as “${s.raw}”`
        : ""}. Generated ${r
        .generated_at}; presence recomputed at that time from the collected chat.</p>${presenceSection(
          r,
          links,
        )}${hitsSection(r, links)}${signalsSection(r, links)}${enrichmentSection(r)}
    <h2>Caveats</h2>
    <div class="note">${r.caveats.map((c) => html`<p>${c}</p>`)}</div>
  `;
}

/*
 * The sections below are cut from one template: each keeps its text byte for byte (leading
 * newline and indentation included), so the page is the same as when it was one function.
 */

/** Chat presence: counts, channels, charts and top keywords. */
function presenceSection(r: SubjectReport, links: Links): Html {
  const s = r.subject;
  const p = r.presence;
  return html`
    <h2>Chat presence</h2>
    <p class="muted">Rests on: ${p.rests_on}.</p>
    ${p.seen
      ? html`
        <ul class="stats">
          <li><b>${p.message_count}</b>messages</li>
          <li><b>${p.channels.length}</b>channels</li>
          <li><b>${when(p.first_seen)}</b>first seen</li>
          <li><b>${when(p.last_seen)}</b>last seen</li>
        </ul>
        ${s.type === "username"
          ? html`<p><a href="${links.user(s.value)}">Profile of ${s.value}</a>${
            p.display_name
              ? html`
                (shown as ${p.display_name})
              `
              : ""
          }</p>`
          : ""}
        <table>
          <thead>
            <tr>
              <th>channel</th>
              <th class="num">messages</th>
            </tr>
          </thead>
          <tbody>${p.channels.map((c) =>
            html`
              <tr>
                <td><a href="${links.channel(c.channel)}">#${c.channel}</a></td>
                <td class="num">${c.messages}</td>
              </tr>
            `
          )}</tbody>
        </table>
        ${p.activity
          ? html`<div class="cols">${hourChart(p.activity.by_hour)}${
            dayChart(p.activity.by_day)
          }</div>`
          : ""}
        ${p.top_keywords.length
          ? html`
            <p>Top keywords:</p>
            <ul class="chips">${p.top_keywords.map((k) => html`<li>${k}</li>`)}</ul>
          `
          : ""}
      `
      : html`<p>Not seen in the collected chat.</p>`}
  `;
}

/** Watchlist hits, linked to their messages. */
function hitsSection(r: SubjectReport, links: Links): Html {
  const b = r.hits.by_how;
  return html`
    <h2 id="hits">Watchlist hits</h2>
    <p class="muted">Rests on: ${r.hits.rests_on}.</p>
    <p>${r.hits.total} hit(s): ${b.author} as author, ${b.mention} as @mention, ${b
      .text} in text${r.hits.total > r.hits.items.length
      ? ` (newest ${r.hits.items.length} listed)`
      : ""}.</p>
    ${r.hits.items.length ? chatLog(r.hits.items, links) : ""}
  `;
}

/** Relationship signals with their evidence. */
function signalsSection(r: SubjectReport, links: Links): Html {
  return html`
    <h2 id="signals">Relationship signals <span class="muted">(inferred, unverified)</span></h2>
    <p class="muted">Rests on: ${r.signals.rests_on}.</p>
    ${r.signals.items.length === 0 ? html`<p>None found.</p>` : html`
      <table>
        <thead>
          <tr>
            <th>time (UTC)</th>
            <th>channel</th>
            <th>user</th>
            <th>relation</th>
            <th>type</th>
            <th>target</th>
            <th class="num">confidence</th>
            <th>evidence</th>
          </tr>
        </thead>
        <tbody>${r.signals.items.map((x) =>
          html`
            <tr>
              <td>${x.ts}</td>
              <td><a href="${links.channel(x.channel)}">#${x.channel}</a></td>
              <td><a href="${links.user(x.user_name)}">${x.user_name}</a></td>
              <td>${x.relation}</td>
              <td>${x.type}</td>
              <td>${x.target ?? "—"}</td>
              <td class="num">${x.confidence.toFixed(2)}</td>
              <td><a href="${links.message(x)}">${x.snippet}</a> <span class="muted">(rule ${x
                .rule})</span></td>
            </tr>
          `
        )}</tbody>
      </table>
    `}
  `;
}

/** One provider's card. */
function providerCard(x: SubjectReport["enrichment"]["providers"][number]): Html {
  return html`
    <section
      class="card"><h3>${x.name}: <span class="status-${x.status}">${x
        .status}</span> <span class="muted">${x.kind === "inferred"
        ? "(inferred, unverified)"
        : "(observed)"}</span></h3><p class="muted">Rests on: ${x.rests_on}.</p>${x.error !== null
        ? html`<p>Error: ${x.error}</p>`
        : ""}${x.status === "skipped"
        ? html`<p>Skipped: ${compact(x.data?.reason ?? "not applicable")}.</p>`
        : x.data && Object.keys(x.data).length
        ? html`
          <table>
            <tbody>${Object.entries(x.data).map(([k, v]) =>
              html`
                <tr>
                  <th scope="row">${k}</th>
                  <td>${compact(v)}</td>
                </tr>
              `
            )}</tbody>
          </table>
        `
        : ""}</section>
  `;
}

/** The providers' enrichment, skipped ones folded away. */
function enrichmentSection(r: SubjectReport): Html {
  const answered = r.enrichment.providers.filter((x) => x.status !== "skipped");
  const skipped = r.enrichment.providers.filter((x) => x.status === "skipped");
  const provider = providerCard;
  return html`
    <h2>Enrichment</h2>
    ${r.enrichment.providers.length === 0 ? html`<p>No enrichment recorded.</p>` : ""}
    <div class="cols">${answered.map(provider)}</div>
    ${skipped.length
      ? html`
        <details>
          <summary>${skipped.length} provider(s) skipped: ${skipped.map((x) => x.name).join(
            ", ",
          )}</summary>
          <div class="cols">${skipped.map(provider)}</div>
        </details>
      `
      : ""}
  `;
}

/** The report as a standalone HTML file (`subjects report --format html`). */
export function reportDocument(r: SubjectReport, links: Links): string {
  return standalone({
    title: `Subject report: ${r.subject.value}`,
    body: reportBody(r, links),
  }).text;
}

/**
 * The report file of `subjects report --format html`: links to Twitch and within the file.
 * Handed to `writeReport` and `regenerateReports` by the views that write reports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { buildReport } from "../../subjects/reports.ts";
 * import { writeSubjects } from "../../subjects/subject_list.ts";
 * import { renderReportHtml } from "./report.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * await writeSubjects(store.dataDir, [{ key: "username_ann", type: "username", value: "ann" }]);
 * await store.appendMessages([{
 *   ts: "2025-09-02T12:00:00.000Z",
 *   channel: "example_channel",
 *   message_id: "m1",
 *   user_id: null,
 *   user_name: "bob",
 *   text: "<img src=x onerror=alert(1)> @ann",
 *   mentions: ["ann"],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 *   hits: [{ subject_key: "username_ann", how: "mention" }],
 * }]);
 * const report = await buildReport(store, "username_ann", { now: () => 0 });
 * const file = renderReportHtml(report);
 * assert.ok(file.startsWith("<!doctype html>"));
 * assert.ok(file.includes("<title>Subject report: ann</title>"));
 * assert.ok(file.includes("1 watchlist hit(s): 0 as author, 1 as @mention, 0 in text."));
 * assert.ok(file.includes("&lt;img src=x onerror=alert(1)&gt;"));
 * // A standalone file: no script, and people link to Twitch.
 * assert.ok(!/<script|<img/.test(file));
 * assert.ok(file.includes('<a class="user" href="https://www.twitch.tv/bob">bob</a>'));
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function renderReportHtml(r: SubjectReport): string {
  return reportDocument(r, reportLinks);
}
