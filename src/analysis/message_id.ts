/**
 * Deterministic message ids for messages that arrive without Twitch's `id` tag (fixtures, plain
 * IRC servers, imports): a hash of (channel, ts, user_name, text), so that replaying the same
 * input twice yields the same ids and stores nothing new.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * The id of a message without a Twitch id: `h_` and the first 32 hex digits (128 bits) of the
 * SHA-256 of the normalized fields joined by NUL (a byte none of them can hold).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageIdFor } from "./message_id.ts";
 * const id = messageIdFor("example_channel", "2025-09-02T12:00:00.000Z", "someuser", "hi");
 * assert.equal(id, messageIdFor("example_channel", "2025-09-02T12:00:00.000Z", "someuser", "hi"));
 * ```
 */
export function messageIdFor(channel: string, ts: string, userName: string, text: string): string {
  return hashId([channel, ts, userName, text]);
}

/**
 * `h_` and the first 32 hex digits of the SHA-256 of `parts` joined by NUL: the ids of
 * messages ({@link messageIdFor}) and of chat events that arrive without one.
 */
export function hashId(parts: readonly string[]): string {
  return "h_" + createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 32);
}
