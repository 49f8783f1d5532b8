/**
 * Telling a file's format from its first bytes (never from its name): the JSON formats by their
 * top-level shape and keys, the text formats by the shape of their first line.
 *
 * @module
 */
import type { ImportFormat } from "./outcome.ts";

const CHATTERINO_LINE = /^\[\d{1,2}:\d{2}:\d{2}\] /;
const JUSTLOG_TEXT = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] #\w+ /;
const IRC_LINE = /^(?:@\S+ +)?(?::\S+ +)?(?:[A-Za-z]+|\d{3})(?: |$)/;

/**
 * The format of a file whose content starts with `head`, or null when it is none of them.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { detectFormat } from "./detect.ts";
 * strictEqual(detectFormat('{"streamer":{"name":"a"},"comments":[]}'), "twitchdownloader");
 * strictEqual(detectFormat("[12:00:01] ann: hi"), "chatterino");
 * strictEqual(detectFormat("hello world"), null);
 * ```
 */
export function detectFormat(head: string): ImportFormat | null {
  const text = head.replace(/^\uFEFF/, "").trimStart();
  const nl = text.indexOf("\n");
  const first = (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, "");
  if (text.startsWith("{")) {
    if (/^\{\s*"messages"\s*:/.test(text)) return "justlog";
    if (/"comments"\s*:/.test(text) && /"(?:streamer|video|FileInfo|commenter)"\s*:/.test(text)) {
      return "twitchdownloader";
    }
    // rustlog's NDJSON: one message object per line.
    if (/"(?:raw|username)"\s*:/.test(first) && /"timestamp"\s*:/.test(first)) return "justlog";
    if (/^\{\s*"messages"/.test(text)) return "justlog";
    return null;
  }
  if (text.startsWith("[")) {
    if (CHATTERINO_LINE.test(first)) return "chatterino";
    if (JUSTLOG_TEXT.test(first)) return "justlog";
    const inner = text.slice(1).trimStart();
    if (inner.startsWith("]")) return "chat-downloader";
    if (
      inner.startsWith("{") && /"(?:message_id|message_type|author|time_in_seconds)"/.test(text)
    ) {
      return "chat-downloader";
    }
    return null;
  }
  if (first.startsWith("# Start logging at ")) return "chatterino";
  if ((first.startsWith("@") || first.startsWith(":")) && IRC_LINE.test(first)) return "irc";
  if (/^(?:PING|PONG) /.test(first)) return "irc";
  return null;
}
