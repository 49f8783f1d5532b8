/**
 * `search events`: moderation and notice events through the Store, with the opt-out list
 * applied, and the marks search puts on messages a moderator deleted in chat.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import type { EventPage, EventQuery, Store } from "../store/store.ts";
import { type PrivacyFilter, privacyFilter, withOptOut } from "./privacy_filter.ts";

export type { EventQuery };

/**
 * Events matching the query that the opt-out list allows, newest first, ties by event id:
 * `q.offset` skipped, at most `q.limit`, with the number of every allowed match.
 */
export async function searchEvents(
  store: Store,
  q: EventQuery,
  options: { privacy?: PrivacyFilter } = {},
): Promise<EventPage> {
  const privacy = options.privacy ?? await privacyFilter(store);
  return await store.searchEvents(withOptOut(q, privacy));
}

/** When each deleted message was deleted (CLEARMSG), by message id. */
export function deletions(store: Store): Promise<Map<string, string>> {
  return store.deletions();
}

/** A message as search shows it: with `deleted_at` when a moderator deleted it in chat. */
export type ShownMessage = Message & { deleted_at?: string };

/**
 * Marks the messages that were deleted in chat (the log keeps them; the mark says so).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { markDeleted } from "./events.ts";
 * const m = { ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "u", text: "x", mentions: [], urls: [], emotes: [], source: "fixture" as const };
 * const at = "2025-09-02T12:00:01.000Z";
 * deepStrictEqual(markDeleted([m], new Map([["m1", at]])), [{ ...m, deleted_at: at }]);
 * ```
 */
export function markDeleted(
  messages: readonly Message[],
  deleted: ReadonlyMap<string, string>,
): ShownMessage[] {
  if (deleted.size === 0) return [...messages];
  return messages.map((m) => {
    const at = deleted.get(m.message_id);
    return at === undefined ? m : { ...m, deleted_at: at };
  });
}
