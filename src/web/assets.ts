/**
 * The page's static assets, served by the program itself (no CDN, no network at run time):
 * the style sheet, the script, the shared text segmenter, and uPlot from npm (pinned in
 * deno.json). All are imported as text, so `deno compile` embeds them with the code.
 *
 * @module
 */
import appCss from "./assets/app.css" with { type: "text" };
import appJs from "./assets/app.js" with { type: "text" };
import segmentsJs from "./assets/segments.js" with { type: "text" };
import iconSvg from "./assets/icon.svg" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.esm.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };

/** One asset: its bytes' text, type and a strong validator. */
export interface Asset {
  body: string;
  type: string;
  etag: string;
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

function etagOf(text: string): string {
  // FNV-1a over UTF-16 code units: stable per build, enough to revalidate.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `"${(h >>> 0).toString(16)}-${text.length.toString(16)}"`;
}

const make = (body: string, type: string): Asset => ({ body, type, etag: etagOf(body) });

/**
 * The assets by file name under `/assets/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ASSETS } from "./assets.ts";
 * assert.deepEqual([...ASSETS.keys()], [
 *   "app.css",
 *   "app.js",
 *   "segments.js",
 *   "uPlot.esm.js",
 *   "uPlot.min.css",
 *   "icon.svg",
 * ]);
 * const css = ASSETS.get("app.css")!;
 * assert.equal(css.type, "text/css; charset=utf-8");
 * // The validator: a hash and the length of the text, both in hex.
 * assert.match(css.etag, new RegExp(`^"[0-9a-f]{1,8}-${css.body.length.toString(16)}"$`));
 * assert.notEqual(css.etag, ASSETS.get("app.js")!.etag);
 * ```
 */
export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ["app.css", make(appCss, CSS)],
  ["app.js", make(appJs, JS)],
  ["segments.js", make(segmentsJs, JS)],
  ["uPlot.esm.js", make(uplotJs, JS)],
  ["uPlot.min.css", make(uplotCss, CSS)],
  ["icon.svg", make(iconSvg, "image/svg+xml")],
]);
