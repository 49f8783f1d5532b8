/**
 * From a source's draft to the stored Message: personal data found, watchlist hits recorded,
 * personal data redacted (all before anything is written), then extraction and signals on the
 * redacted text. Pure: the context carries everything it needs.
 *
 * @module
 */
import type { Message, Signal } from "../schemas.ts";
import type { MessageDraft } from "../schemas.ts";
import { extractEmoteNames, extractMentions, extractUrls } from "./extract.ts";
import { findPii, redactSpans } from "./pii.ts";
import { findHits, isSubjectValue, type Watchlist } from "./hits.ts";

/** What analysis needs besides the message. */
export interface AnalysisContext {
  /** Emote names recognized in text when the source gave no emote ranges. */
  knownEmotes: ReadonlySet<string>;
  /** Loaded subjects to match. @default none */
  watchlist?: Watchlist;
  /** Replace emails and phone numbers (not a subject's) by markers. @default true */
  redact?: boolean;
  /** Region for national phone forms. @default "US" */
  region?: string;
  /** The soft-fact detector (relationship signals). @default none */
  detectSignals?: (text: string, channel: string, emotes: readonly string[]) => Signal[];
  /**
   * Where a run tallies the messages `detectSignals` threw on: given, such a message is stored
   * without signals and counted here instead of stopping the run (a defect in the analyzer's
   * rules must not stop a monitor). @default none: the error is thrown
   */
  signalFailures?: SignalFailures;
}

/** Messages the signal detector threw on, and the first error (name and message only). */
export interface SignalFailures {
  count: number;
  first: string | null;
}

/**
 * Builds the stored record from a draft. Keys are created in the schema's order, so the JSON
 * of the same input is always the same bytes.
 */
export function analyzeMessage(draft: MessageDraft, ctx: AnalysisContext): Message {
  const original = draft.text;
  const w = ctx.watchlist;
  // An empty watchlist (no subjects loaded) finds nothing: skip its work on every message.
  const watch = w && (w.usernames.size || w.emails.size || w.phones.size) ? w : undefined;
  const redact = ctx.redact ?? true;
  // Personal data is looked for only to redact it or to match email and phone subjects.
  const pii = redact || (watch && (watch.emails.size || watch.phones.size))
    ? findPii(original, ctx.region)
    : [];
  const mentions = extractMentions(original);
  let text = original;
  let redacted: Array<"email" | "phone"> | undefined;
  if (redact && pii.length) {
    const r = redactSpans(original, pii, (s) => watch !== undefined && isSubjectValue(watch, s));
    text = r.text;
    redacted = r.kinds;
  }
  const m: Message = {
    ts: draft.ts,
    channel: draft.channel,
    message_id: draft.message_id,
    user_id: draft.user_id,
    user_name: draft.user_name,
    text,
    mentions,
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
  if (redacted?.length) m.redacted = redacted;
  if (ctx.detectSignals) {
    const signals = detectOrTally(ctx.detectSignals, ctx.signalFailures, text, draft.channel, m);
    if (signals.length) m.signals = signals;
  }
  if (watch) {
    const hits = findHits(watch, draft.user_name, mentions, pii);
    if (hits.length) m.hits = hits;
  }
  return m;
}

/** The detector's signals, or none when it throws and the context tallies such failures. */
function detectOrTally(
  detect: NonNullable<AnalysisContext["detectSignals"]>,
  failures: SignalFailures | undefined,
  text: string,
  channel: string,
  m: Message,
): Signal[] {
  if (!failures) return detect(text, channel, m.emotes);
  try {
    return detect(text, channel, m.emotes);
  } catch (e) {
    failures.count++;
    failures.first ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return [];
  }
}
