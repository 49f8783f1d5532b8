/**
 * What every chat source (live Twitch, fixture replay, importers) yields: messages before
 * analysis, moderation/notice events, connection status and input problems. Sources know
 * nothing of storage; the runner (`runner.ts`) joins one to the pipeline.
 *
 * @module
 */
import type { ChatEvent, MessageDraft } from "../schemas.ts";

/** Re-exported from the kernel: a message as a source knows it, before analysis. */
export type { MessageDraft } from "../schemas.ts";

/** One item from a source. */
export type ChatItem =
  | { kind: "message"; draft: MessageDraft }
  | { kind: "event"; event: ChatEvent }
  /** A line or record that could not be used; `where` is `file:line` or `server:line`. */
  | { kind: "problem"; where: string; reason: string }
  /**
   * Something the reader must hear of: a record kept with a repair (a time), or `shed` items
   * dropped because the reader fell behind a live server.
   */
  | { kind: "warning"; where: string; reason: string; shed?: number }
  /** Connection news for the progress line and the log (never contains secrets). */
  | { kind: "status"; text: string };

/** Items handed over together, in order (a source under load yields these to save wake-ups). */
export interface ChatBatch {
  kind: "batch";
  items: ChatItem[];
}

/**
 * A source: yields items (one at a time or in batches) until it ends or `signal` aborts. On
 * abort it must stop promptly (within a second), releasing sockets and files.
 */
export type ChatSource = (signal: AbortSignal) => AsyncIterable<ChatItem | ChatBatch>;
