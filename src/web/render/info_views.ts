/**
 * Pages about the server itself: an error page and the readable API reference. Every value is
 * escaped by {@link html}.
 *
 * @module
 */
import { type Html, html } from "./html.ts";

/**
 * An error page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorView } from "./info_views.ts";
 * const notFound = errorView(404, 'no user "<x>"').text;
 * assert.ok(notFound.includes("<h1>Not found</h1>"));
 * assert.ok(notFound.includes('<p class="note" role="alert">no user &quot;&lt;x&gt;&quot;</p>'));
 * assert.ok(errorView(400, "bad").text.includes("<h1>Cannot do that</h1>"));
 * assert.ok(errorView(500, "oops").text.includes("<h1>Something went wrong</h1>"));
 * ```
 */
export function errorView(status: number, message: string): Html {
  return html`
    <h1>${status === 404
      ? "Not found"
      : status < 500
      ? "Cannot do that"
      : "Something went wrong"}</h1>
    <p class="note" role="alert">${message}</p>
    <p><a href="/">Back to the channels</a></p>
  `;
}

/** `/docs`: a readable reference of the OpenAPI document. */
export function docsView(doc: {
  info: { title: string; version: string };
  paths?: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        description?: string;
        parameters?: { name: string; in: string; description?: string; required?: boolean }[];
      }
    >
  >;
}): Html {
  return html`<h1>${doc.info.title} <span class="muted">${doc.info.version}</span></h1>
<p>The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1, generated from the zod schemas). Lists are JSON arrays; the total is in the <code>X-Total-Count</code> header. Errors are <code>{"error": "..."}</code> with a 4xx status.</p>
${
    Object.entries(doc.paths ?? {}).map(([path, ops]) =>
      Object.entries(ops).map(([method, op]) =>
        html`
          <section
            class="card"><h3><code>${method.toUpperCase()} ${path}</code></h3><p>${op.summary ??
              ""}</p>${op.description
              ? html`<p class="muted">${op.description}</p>`
              : ""}${op.parameters?.length
              ? html`
                <table>
                  <tbody>${op.parameters.map((p) =>
                    html`
                      <tr>
                        <th scope="row"><code>${p.name}</code></th>
                        <td>${p.in}${p.required ? ", required" : ""}</td>
                        <td>${p.description ?? ""}</td>
                      </tr>
                    `
                  )}</tbody>
                </table>
              `
              : ""}</section>
        `
      )
    )
  }`;
}
