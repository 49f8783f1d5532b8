/**
 * The markers the program writes into chat text in place of what it removed: `[redacted:email]`
 * and `[redacted:phone]` (PII redaction at ingest) and `[forgotten]` (a login `forget` scrubbed
 * from other people's messages). They are the program's words, not the chatter's: keyword
 * extraction and any other reading of "what people talk about" must skip them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactionMarker, stripMarkers } from "./markers.ts";
 * assert.equal(redactionMarker("email"), "[redacted:email]");
 * assert.equal(stripMarkers("mail me at [redacted:email] or @[forgotten]"), "mail me at   or @ ");
 * ```
 *
 * @module
 */

/** What `forget` writes in place of a forgotten login. */
export const FORGOTTEN_MARKER = "[forgotten]";

/** The marker that replaces a redacted span of `kind`. */
export function redactionMarker(kind: string): string {
  return `[redacted:${kind}]`;
}

const MARKER_RE = /\[(?:redacted:[a-z_]+|forgotten)\]/g;

/** `text` with every marker replaced by a space (so the words around it stay apart). */
export function stripMarkers(text: string): string {
  // Cheap test first: almost no message holds a marker.
  if (!text.includes("[redacted:") && !text.includes(FORGOTTEN_MARKER)) return text;
  return text.replace(MARKER_RE, " ");
}
