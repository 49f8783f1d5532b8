/**
 * HTML built so that text can only ever be text: the {@link html} tagged template escapes every
 * value it interpolates unless the value is already {@link Html} (made by this module). Chat
 * text, names and provider data are hostile input; nothing here interprets them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { html } from "./html.ts";
 * const evil = "<img src=x onerror=alert(1)></script>";
 * assert.equal(
 *   html`<p>${evil}</p>`.text,
 *   "<p>&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;</p>",
 * );
 * ```
 *
 * @module
 */

/** Markup that is safe to emit as is (only this module and its callers' templates make it). */
export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: text (escaped), markup, numbers, lists, or nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

/**
 * Escapes text for element content and quoted attribute values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./html.ts";
 * assert.equal(
 *   escapeHtml(`<a href="x">'&'</a>`),
 *   "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
 * );
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function emit(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(emit).join("");
  return escapeHtml(String(v));
}

/** The tagged template: literal parts are markup, interpolated values are escaped. */
export function html(parts: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = parts[0]!;
  for (let i = 0; i < values.length; i++) out += emit(values[i]!) + parts[i + 1]!;
  return new Html(out);
}

/** Joins fragments (each escaped unless markup). */
export function join(values: readonly HtmlValue[], separator: HtmlValue = ""): Html {
  return new Html(values.map(emit).join(emit(separator)));
}

/** Markup from a trusted constant of this program (never from data). */
export function trusted(text: string): Html {
  return new Html(text);
}

/**
 * A value as JSON inside an HTML attribute (escaped, so quotes and `</script>` are inert).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { html, jsonAttr } from "./html.ts";
 * assert.equal(html`<i data-x="${jsonAttr({ a: "</script>" })}"></i>`.text,
 *   '<i data-x="{&quot;a&quot;:&quot;&lt;/script&gt;&quot;}"></i>');
 * ```
 */
export function jsonAttr(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * A stored UTC timestamp as people read it: `2025-09-02 11:58 UTC` (the full value in a
 * `<time>` element's `datetime`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { when } from "./html.ts";
 * assert.equal(
 *   when("2025-09-02T11:58:24.370Z").text,
 *   '<time datetime="2025-09-02T11:58:24.370Z">2025-09-02 11:58 UTC</time>',
 * );
 * ```
 */
export function when(ts: string | null | undefined): Html {
  if (!ts) return new Html("—");
  return html`<time datetime="${ts}">${ts.slice(0, 16).replace("T", " ")} UTC</time>`;
}
