/**
 * The one length rule for what a source hands over, applied where drafts and events are made
 * (live chat, the fixture replay, importers): a message's text holds at most
 * {@link MAX_TEXT_CHARS} characters (Twitch allows 500), and the rest of a record (names, ids,
 * badges, emotes, notice fields) at most {@link MAX_REST_CHARS} together. A record over either
 * is refused with a problem, never stored cut short.
 *
 * Why a bound at all: the store reads its log in lines of at most 64 KiB, and a record over that
 * would be written but then skipped by the index, search, profiles and dedup. Even escaped as
 * JSON at its worst (six bytes a character), a record within these bounds, with what analysis
 * adds from its text, stays well under that line limit, so every stored record is seen by dedup.
 *
 * @module
 */
import type { ChatEvent } from "../schemas.ts";
import type { MessageDraft } from "./source.ts";

/** Longest message text, in UTF-16 characters. */
export const MAX_TEXT_CHARS = 2000;

/** Longest total of a record's other text fields, in UTF-16 characters. */
export const MAX_REST_CHARS = 2000;

function total(list: readonly string[] | undefined): number {
  if (list === undefined) return 0;
  let n = 0;
  for (let i = 0; i < list.length; i++) n += list[i]!.length + 1;
  return n;
}

/**
 * Why `draft` is too long to store, or undefined when it is within the rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oversizedDraft } from "./draft_limits.ts";
 * const draft = {
 *   ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "ann", text: "hi", source: "fixture" as const,
 * };
 * assert.equal(oversizedDraft(draft), undefined);
 * assert.match(oversizedDraft({ ...draft, text: "x".repeat(70_000) })!, /longer than 2000/);
 * ```
 */
export function oversizedDraft(draft: MessageDraft): string | undefined {
  if (draft.text.length > MAX_TEXT_CHARS) {
    return `text of ${draft.text.length} characters is longer than ${MAX_TEXT_CHARS}`;
  }
  const rest = draft.message_id.length + draft.user_name.length + (draft.user_id?.length ?? 0) +
    (draft.display_name?.length ?? 0) + total(draft.badges) + total(draft.emotes) +
    (draft.reply_to ? draft.reply_to.message_id.length + draft.reply_to.user_name.length : 0);
  return rest > MAX_REST_CHARS
    ? `fields other than the text hold ${rest} characters, more than ${MAX_REST_CHARS}`
    : undefined;
}

function size(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (value === null || typeof value !== "object") return 8;
  let n = 0;
  for (const [key, v] of Object.entries(value)) n += key.length + size(v);
  return n;
}

/**
 * Why `event` is too long to store, or undefined: its `text` as a message's, the rest together
 * as a message's other fields.
 */
export function oversizedEvent(event: ChatEvent): string | undefined {
  const text = "text" in event ? event.text : "";
  if (text.length > MAX_TEXT_CHARS) {
    return `text of ${text.length} characters is longer than ${MAX_TEXT_CHARS}`;
  }
  const rest = size(event) - text.length;
  return rest > MAX_REST_CHARS * 2
    ? `fields other than the text hold ${rest} characters, more than ${MAX_REST_CHARS * 2}`
    : undefined;
}
