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
  /** Connection news for the progress line and the log (never contains secrets). */
  | { kind: "status"; text: string };

/**
 * A source: yields items until it ends or `signal` aborts. On abort it must stop promptly
 * (within a second), releasing sockets and files.
 */
export type ChatSource = (signal: AbortSignal) => AsyncIterable<ChatItem>;
