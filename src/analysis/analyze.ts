/**
 * From a source's draft to the stored Message: extraction, and later the per-message analyses
 * (signals, watchlist hits, redaction). Pure: the context carries everything it needs.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import type { MessageDraft } from "../chat/source.ts";
import { extractEmoteNames, extractMentions, extractUrls } from "./extract.ts";

/** What analysis needs besides the message. */
export interface AnalysisContext {
  /** Emote names recognized in text when the source gave no emote ranges. */
  knownEmotes: ReadonlySet<string>;
}

/**
 * Builds the stored record from a draft. Keys are created in the schema's order, so the JSON
 * of the same input is always the same bytes.
 */
export function analyzeMessage(draft: MessageDraft, ctx: AnalysisContext): Message {
  const text = draft.text;
  const m: Message = {
    ts: draft.ts,
    channel: draft.channel,
    message_id: draft.message_id,
    user_id: draft.user_id,
    user_name: draft.user_name,
    text,
    mentions: extractMentions(text),
    urls: extractUrls(text),
    emotes: draft.emotes ?? extractEmoteNames(text, ctx.knownEmotes),
    source: draft.source,
  };
  if (draft.display_name !== undefined) m.display_name = draft.display_name;
  if (draft.action) m.action = true;
  if (draft.reply_to) m.reply_to = draft.reply_to;
  if (draft.bits !== undefined) m.bits = draft.bits;
  if (draft.badges !== undefined) m.badges = draft.badges;
  if (draft.first_msg) m.first_msg = true;
  return m;
}
