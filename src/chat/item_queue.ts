/**
 * The bounded hand-over between the socket side of the live source (which reads as fast as the
 * server sends) and its reader (the runner: analysis and the store). Items are handed over as a
 * batch, everything queued at once, so the reader pays one wake-up per socket read rather than
 * one per message.
 *
 * The queue holds at most `limit` data items (messages, events, problems). A WebSocket cannot be
 * told to stop reading, so when the reader falls that far behind, new data items are shed
 * (dropped, never half-kept) and the next batch says how many, as a warning: memory stays bounded
 * under a flood and nothing is lost silently. Status items are always kept.
 *
 * @module
 */
import type { ChatItem } from "./source.ts";

/** Items from every connection, in arrival order; a fatal error is thrown after what came before it. */
export class ItemQueue {
  readonly limit: number;
  #items: ChatItem[] = [];
  #held = 0;
  #shed = 0;
  #shedTotal = 0;
  #ended = false;
  #failed = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;

  /** Holds at most `limit` data items at a time. */
  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError(`queue limit must be at least 1 (got ${limit})`);
    this.limit = Math.floor(limit);
  }

  /** Data items shed so far because the reader fell behind. */
  get shed(): number {
    return this.#shedTotal;
  }

  /** Queues `item`; false when it was shed (the queue was full) or the queue is closed. */
  push(item: ChatItem): boolean {
    if (this.#ended || this.#failed) return false;
    if (item.kind !== "status") {
      if (this.#held >= this.limit) {
        this.#shed++;
        this.#shedTotal++;
        return false;
      }
      this.#held++;
    }
    this.#items.push(item);
    this.#notify();
    return true;
  }

  /** No more items: the reader gets what is queued, then the end. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The reader gets what is queued, then `error` is thrown. The first failure wins. */
  fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Everything queued, in order, at once; undefined when nothing is (never waits). */
  takeNow(): ChatItem[] | undefined {
    if (this.#items.length === 0 && this.#shed === 0) return undefined;
    const batch = this.#items;
    this.#items = [];
    this.#held = 0;
    if (this.#shed > 0) {
      batch.push({
        kind: "warning",
        where: "live",
        reason: `${this.#shed} item(s) shed: the reader fell ${this.limit} items behind ` +
          `the server (${this.#shedTotal} shed in all)`,
        shed: this.#shed,
      });
      this.#shed = 0;
    }
    return batch;
  }

  /**
   * Everything queued, in order (waiting until there is something), or undefined at the end.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ItemQueue } from "./item_queue.ts";
   * const queue = new ItemQueue(1);
   * queue.push({ kind: "problem", where: "a:1", reason: "bad" });
   * queue.push({ kind: "problem", where: "a:2", reason: "bad" }); // shed: one held already
   * queue.end();
   * const batch = (await queue.take())!;
   * assert.deepEqual(batch.map((i) => i.kind), ["problem", "warning"]);
   * assert.equal(await queue.take(), undefined);
   * ```
   */
  async take(): Promise<ChatItem[] | undefined> {
    while (true) {
      const batch = this.takeNow();
      if (batch !== undefined) return batch;
      if (this.#failed) throw this.#error;
      if (this.#ended) return undefined;
      await new Promise<void>((r) => (this.#wake = r));
    }
  }
}
