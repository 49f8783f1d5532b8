/**
 * The live stream behind `GET /live`: follows what the Store stores as each writer (a monitor
 * in another process on the same data dir, or the monitors of a PostgreSQL database) appends
 * it, through {@link Store.messagesSince}, and hands each new message, and each watchlist hit
 * it carries, to every subscriber. One follower per server, however many subscribers; it polls
 * only while someone listens. Opted-out people are never handed out.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import type { PrivacyFilter } from "../query/privacy_filter.ts";
import { type HitRow, hitRowsOf } from "../query/hits.ts";
import type { MessageCursor, Store } from "../store/store.ts";

/** One item of the live stream. */
export type LiveItem =
  | { type: "message"; message: Message }
  | { type: "hit"; hit: HitRow };

interface Subscriber {
  push(item: LiveItem): void;
  wake(): void;
}

/**
 * Follows the store from its current end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Message } from "../schemas.ts";
 * import type { PrivacyFilter } from "../query/privacy_filter.ts";
 * import { Follower } from "./follow.ts";
 * // A store whose cursor is the number of messages it holds.
 * const stored: Message[] = [];
 * const store = {
 *   messagesSince: (cursor: string | null) =>
 *     Promise.resolve({
 *       messages: cursor === null ? [] : stored.slice(Number(cursor)),
 *       cursor: String(stored.length),
 *     }),
 * };
 * const privacy: PrivacyFilter = {
 *   allows: (user) => user !== "cat",
 *   refresh: () => Promise.resolve(),
 *   exclusion: () => ({ users: new Set(["cat"]), channels: new Set() }),
 * };
 * const follower = new Follower(store, () => Promise.resolve(privacy), 1);
 * const stop = new AbortController();
 * const items = (await follower.subscribe(stop.signal))[Symbol.asyncIterator]();
 * const said = (id: string, user: string): Message => ({
 *   ts: "2025-09-02T12:00:00.000Z",
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text: "ann@example.com",
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 *   hits: [{ subject_key: "email_ann@example.com", how: "text" }],
 * });
 * // Stored after subscribing: handed out, but never an opted-out user's.
 * stored.push(said("m1", "cat"), said("m2", "bob"));
 * const first = (await items.next()).value;
 * assert.equal(first?.type === "message" && first.message.message_id, "m2");
 * const second = (await items.next()).value;
 * assert.equal(second?.type === "hit" && second.hit.subject_key, "email_ann@example.com");
 * stop.abort();
 * assert.equal((await items.next()).done, true);
 * follower.close();
 * ```
 */
export class Follower {
  #store: Pick<Store, "messagesSince">;
  #allowed: () => Promise<PrivacyFilter>;
  #pollMs: number;
  #subscribers = new Set<Subscriber>();
  #cursor: MessageCursor | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #starting: Promise<void> | null = null;
  #closed = false;

  constructor(
    store: Pick<Store, "messagesSince">,
    allowed: () => Promise<PrivacyFilter>,
    pollMs: number,
  ) {
    this.#store = store;
    this.#allowed = allowed;
    this.#pollMs = pollMs;
  }

  /**
   * Subscribes: resolves once following has begun, so that everything stored after that is
   * delivered; the iterable then yields new items until `signal` aborts.
   */
  async subscribe(signal: AbortSignal): Promise<AsyncIterable<LiveItem>> {
    const queue: LiveItem[] = [];
    let wake: (() => void) | null = null;
    const sub: Subscriber = {
      push(item) {
        queue.push(item);
        wake?.();
      },
      wake: () => wake?.(),
    };
    this.#subscribers.add(sub);
    this.#starting ??= this.#start();
    await this.#starting;
    const onAbort = () => wake?.();
    signal.addEventListener("abort", onAbort);
    const leave = () => {
      signal.removeEventListener("abort", onAbort);
      this.#subscribers.delete(sub);
      if (this.#subscribers.size === 0) this.#stop();
    };
    const closed = () => this.#closed;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          while (!signal.aborted && !closed()) {
            const item = queue.shift();
            if (item !== undefined) {
              yield item;
              continue;
            }
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
          }
        } finally {
          leave();
        }
      },
    };
  }

  /** Stops following; open subscriptions end. */
  close(): void {
    this.#closed = true;
    this.#stop();
    for (const s of this.#subscribers) s.wake();
  }

  async #start(): Promise<void> {
    // Start from the end as it is now: the stream is about what arrives from now on.
    this.#cursor = (await this.#store.messagesSince(null)).cursor;
    this.#schedule();
  }

  #stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#cursor = null;
    this.#starting = null;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(async () => {
      try {
        await this.#poll();
      } catch {
        // A read that failed (the log being rewritten, the database restarting): next time.
      }
      if (this.#cursor !== null) this.#schedule();
    }, this.#pollMs);
  }

  async #poll(): Promise<void> {
    // A burst is handed out over a few calls, each a bounded batch.
    for (let more = true; more && this.#cursor !== null;) {
      const cursor = this.#cursor;
      const r = await this.#store.messagesSince(cursor);
      // Unsubscribed meanwhile (the cursor was dropped): a new subscription starts afresh.
      if (this.#cursor !== cursor) return;
      this.#cursor = r.cursor;
      more = r.messages.length > 0 && r.cursor !== cursor;
      if (r.messages.length === 0) return;
      const privacy = await this.#allowed();
      for (const m of r.messages) {
        if (!privacy.allows(m.user_name, m.channel)) continue;
        this.#emit({ type: "message", message: m });
        for (const hit of hitRowsOf(m)) this.#emit({ type: "hit", hit });
      }
    }
  }

  #emit(item: LiveItem): void {
    for (const s of this.#subscribers) s.push(item);
  }
}
