/**
 * The list of loaded subjects (each subject's page is the report, `report.ts`). Every value is
 * escaped by {@link html}.
 *
 * @module
 */
import type { SubjectSummary } from "./view_model.ts";
import { type Html, html } from "./html.ts";
import { workspaceLinks as L } from "./links.ts";

/**
 * `/ui/subjects`: the loaded subjects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subjectsView } from "./subjects_view.ts";
 * const { text } = subjectsView([{
 *   key: "email_a%3Cb%3E@example.com",
 *   type: "email",
 *   value: "a<b>@example.com",
 *   hits: 2,
 *   providers: { gravatar_like: "ok" },
 * }]);
 * assert.ok(text.includes('<a href="/ui/subjects/email_a%253Cb%253E%40example.com">'));
 * assert.ok(text.includes(">a&lt;b&gt;@example.com</a>"));
 * assert.ok(text.includes('<td class="num">2</td>'));
 * assert.match(text, /<span class="status-ok">gravatar_like ok<\/span>/);
 * assert.ok(subjectsView([]).text.includes("No subjects loaded."));
 * ```
 */
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
