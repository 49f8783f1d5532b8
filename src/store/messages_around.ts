/**
 * Messages around others in their channel through message searches alone, for any Store (the
 * PostgreSQL store answers `around` with it; the embedded store for the part its index does
 * not cover), and the order both use.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { ascending } from "./messages_around.ts";
 * const a = { ts: "2025-09-02T12:00:00.000Z", message_id: "a" };
 * deepStrictEqual(ascending(a, { ...a, message_id: "b" }), -1);
 * ```
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import { only } from "./message_query.ts";
import type { Anchor, MessagePage, MessageQuery } from "./store.ts";

/** Ascending order of messages in a channel: time, then message id. */
export function ascending(a: { ts: string; message_id: string }, b: typeof a): number {
  return a.ts !== b.ts
    ? (a.ts < b.ts ? -1 : 1)
    : a.message_id < b.message_id
    ? -1
    : a.message_id > b.message_id
    ? 1
    : 0;
}

const MINUTE = 60_000;
const MAX_WINDOW = 30 * 86_400_000;

/**
 * {@link Store.around} through message searches alone: before, the newest up to the anchor's
 * millisecond; after, a window widened until it holds `n` or reaches a month.
 */
export async function aroundBySearch(
  search: (q: MessageQuery) => Promise<MessagePage>,
  anchors: readonly Anchor[],
  n: number,
): Promise<Message[]> {
  const out = new Map<string, Message>();
  if (n <= 0) return [];
  for (const a of anchors) {
    const ms = Date.parse(a.ts);
    const inChannel = [only({ field: "in", value: a.channel })];
    const before = await search({ clauses: inChannel, untilMs: ms + 1, limit: n + 64 });
    // Nearest first: search order ranks ties by message id ascending, the nearest is the last.
    const earlier = before.messages.filter((x) => ascending(x, a) < 0)
      .sort((x, y) => ascending(y, x)).slice(0, n);
    for (const m of earlier) out.set(m.message_id, m);
    for (let w = 10 * MINUTE;; w *= 4) {
      const after = await search({
        clauses: inChannel,
        sinceMs: ms,
        untilMs: ms + w,
        limit: 100_000,
      });
      const later = after.messages.filter((x) => ascending(x, a) > 0).sort(ascending);
      if (later.length >= n || w >= MAX_WINDOW || after.messages.length >= 100_000) {
        for (const m of later.slice(0, n)) out.set(m.message_id, m);
        break;
      }
    }
  }
  return [...out.values()].sort(ascending);
}
