/**
 * The page shell: one document around a view, as the server sends it (the style sheet and the
 * script from `/assets/`, nothing inline, so the strict CSP holds) or as a standalone file (the
 * report: the same style sheet inlined, no script at all).
 *
 * @module
 */
import appCss from "../assets/app.css" with { type: "text" };
import { Html, html, trusted } from "./html.ts";

/** The sections of the navigation bar. */
export type Section = "channels" | "search" | "people" | "subjects" | "optout" | "api";

const NAV: readonly [Section, string, string][] = [
  ["channels", "/", "Channels"],
  ["search", "/ui/search", "Search"],
  ["people", "/ui/users", "People"],
  ["subjects", "/ui/subjects", "Subjects"],
  ["optout", "/ui/optout", "Opt-out"],
  ["api", "/docs", "API"],
];

/**
 * A served page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { html } from "./html.ts";
 * import { page } from "./layout.ts";
 * const { text } = page({ title: "Tom & Jerry", section: "search", body: html`<p>${"<hi>"}</p>` });
 * assert.ok(text.startsWith("<!doctype html>\n"));
 * assert.ok(text.includes("<title>Tom &amp; Jerry · twitch-osint</title>"));
 * assert.match(text, /<a href="\/ui\/search"\s+aria-current="page"\s*>Search<\/a>/);
 * assert.ok(text.includes('<main id="main"><p>&lt;hi&gt;</p></main>'));
 * // Scripts only from /assets/: the strict CSP forbids inline ones.
 * assert.deepEqual(text.match(/<script[^>]*>/g), ['<script type="module" src="/assets/app.js">']);
 * ```
 */
export function page(o: { title: string; section?: Section; body: Html; charts?: boolean }): Html {
  return doc(html`
    <!doctype html>
    <html lang="en">
      <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${o.title} · twitch-osint</title>
    <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/assets/app.css">${o.charts
          ? html`<link rel="stylesheet" href="/assets/uPlot.min.css">`
          : ""}
    <script type="module" src="/assets/app.js"></script>
      </head>
      <body>
        <a class="sr-only" href="#main">Skip to content</a>
        <header
          class="top"><a class="brand" href="/">twitch-osint</a><nav aria-label="Sections">${NAV
            .map(([id, href, label]) =>
              html`
                <a href="${href}" ${id === o.section
                  ? html`
                    aria-current="page"
                  `
                  : ""}>${label}</a>
              `
            )}</nav></header>
        <main id="main">${o.body}</main>
      </body>
    </html>
  `);
}

/** A standalone document (a report file): the style sheet inlined, no script. */
export function standalone(o: { title: string; body: Html }): Html {
  return doc(html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>${o.title}</title>
        <style>${trusted(appCss)}</style>
      </head>
      <body>
        <main id="main">${o.body}</main>
      </body>
    </html>
  `);
}

/** A document starts with its doctype (the formatter indents the templates). */
function doc(h: Html): Html {
  return new Html(h.text.trim() + "\n");
}
