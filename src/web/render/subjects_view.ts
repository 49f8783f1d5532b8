/**
 * The list of loaded subjects (each subject's page is the report, `report.ts`). Every value is
 * escaped by {@link html}.
 *
 * @module
 */
import type { SubjectSummary } from "./view_model.ts";
import { type Html, html } from "./html.ts";
import { workspaceLinks as L } from "./links.ts";

/** `/ui/subjects`: the loaded subjects. */
export function subjectsView(list: readonly SubjectSummary[]): Html {
  return html`<h1>Subjects</h1>
${
    list.length === 0
      ? html`<p>No subjects loaded. Load some with <code>twitch-osint subjects load --path subjects.csv</code>.</p>`
      : html`
        <table>
          <thead>
            <tr>
              <th>subject</th>
              <th>type</th>
              <th class="num">hits</th>
              <th>enrichment</th>
            </tr>
          </thead>
          <tbody>${list.map((s) =>
            html`
              <tr>
                <td><a href="${L.subject(s.key)}">${s.value}</a></td>
                <td>${s.type}</td>
                <td class="num">${s.hits}</td>
                <td>${Object.entries(s.providers).map(([n, st]) =>
                  html`
                    <span class="status-${st}">${n} ${st}</span>
                  `
                )}</td>
              </tr>
            `
          )}</tbody>
        </table>
      `
  }`;
}
