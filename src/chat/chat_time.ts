/**
 * The one rule for the time of a chat record, shared by every source (live chat, the fixture
 * replay, importers): numeric times below 10^11 are epoch seconds, anything else epoch
 * milliseconds ({@link epochMs}); ISO 8601 is read strictly (`T24:00:00Z` is refused, not rolled
 * to the next day); and a time must be plausible for chat: not before 2007 (Justin.tv, Twitch's
 * predecessor, opened then) and not more than a day ahead of the clock.
 *
 * What a source does with an implausible time is its own choice: the replay refuses the line
 * with a problem; live chat keeps the message at its receive time, with a warning.
 *
 * @module
 */
import { epochMs, isoFromMs, parseTimestamp } from "../normalize.ts";

/** The earliest plausible chat time: 2007-01-01T00:00:00Z. */
export const EARLIEST_CHAT_MS: number = Date.UTC(2007, 0, 1);

/** How far ahead of the clock a chat time may be (clocks drift; time zones are misread). */
export const MAX_AHEAD_MS = 86_400_000;

/** Why `ms` is not a plausible chat time when the clock reads `nowMs`; undefined when it is. */
export function implausibleChatTime(ms: number, nowMs: number): string | undefined {
  if (!Number.isFinite(ms)) return "time is not a number";
  if (ms < EARLIEST_CHAT_MS) return `time ${isoOrRaw(ms)} is before 2007`;
  if (ms > nowMs + MAX_AHEAD_MS) {
    return `time ${isoOrRaw(ms)} is more than a day ahead of the clock`;
  }
  return undefined;
}

function isoOrRaw(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? isoFromMs(ms) : String(ms);
}

/**
 * The time of a chat record (ISO 8601, or epoch seconds or milliseconds as a number or digits),
 * checked against the rule at `nowMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseChatTime } from "./chat_time.ts";
 * const now = Date.UTC(2025, 8, 2);
 * const seconds = parseChatTime(1756814411, now);
 * assert.ok(seconds.ok && seconds.value === "2025-09-02T12:00:11.000Z");
 * assert.equal(parseChatTime("2025-09-02T24:00:00Z", now).ok, false);
 * assert.equal(parseChatTime(8640000000000000, now).ok, false);
 * assert.equal(parseChatTime("2001-01-01T00:00:00Z", now).ok, false);
 * ```
 */
export function parseChatTime(
  input: unknown,
  nowMs: number,
): { ok: true; value: string; ms: number } | { ok: false; reason: string } {
  const parsed = parseTimestamp(input);
  if (!parsed.ok) return parsed;
  const wrong = implausibleChatTime(parsed.ms, nowMs);
  return wrong === undefined ? parsed : { ok: false, reason: wrong };
}

/**
 * Epoch ms of Twitch's `tmi-sent-ts` tag (digits; seconds below 10^11), or why it cannot be
 * used at `nowMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sentTimeMs } from "./chat_time.ts";
 * const now = Date.UTC(2025, 8, 2);
 * assert.equal(sentTimeMs("1756814411000", now), 1756814411000);
 * assert.equal(typeof sentTimeMs("253402300800000", now), "string");
 * ```
 */
export function sentTimeMs(tag: string, nowMs: number): number | string {
  const n = Number(tag);
  if (!Number.isSafeInteger(n) || n < 0) {
    return `tmi-sent-ts ${JSON.stringify(tag.slice(0, 40))} is not a time`;
  }
  const ms = epochMs(n);
  const wrong = implausibleChatTime(ms, nowMs);
  return wrong === undefined ? ms : `tmi-sent-ts ${tag.slice(0, 40)}: ${wrong}`;
}
