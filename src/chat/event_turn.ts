/**
 * A turn of the event loop on demand. Work that only ever awaits settled promises (a replay at
 * speed 0 hands over parsed messages through microtasks) never lets the event loop run, so I/O
 * started on the same thread (a batch being written: the lock taken, the bytes written, the
 * fsync) cannot go on in the background: each of its steps waits until the producer blocks,
 * and then the thread sits idle through them. Awaiting a turn now and then lets them advance.
 *
 * `setTimeout(0)` is no such turn: nested timers are clamped to 4 ms. A message through a
 * `MessageChannel` is (tens of microseconds).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventTurns } from "./event_turn.ts";
 * const turns = new EventTurns();
 * let statted = false;
 * const stat = Deno.stat(".").then(() => statted = true);
 * while (!statted) await turns.turn();
 * await stat;
 * turns.close();
 * assert.ok(statted);
 * ```
 *
 * @module
 */

/** Turns of the event loop, through a message channel opened on first use. */
export class EventTurns {
  #channel: MessageChannel | null = null;
  #waiting: Array<() => void> = [];
  #closed = false;

  /** Resolves after the event loop has turned once (pending I/O completions processed). */
  turn(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    let channel = this.#channel;
    if (channel === null) {
      channel = this.#channel = new MessageChannel();
      channel.port2.onmessage = () => this.#waiting.shift()?.();
    }
    const port = channel.port1;
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      port.postMessage(null);
    });
  }

  /**
   * Closes the channel (it keeps the process alive while open); turns still waiting resolve,
   * and later ones at once.
   */
  close(): void {
    this.#closed = true;
    this.#channel?.port1.close();
    this.#channel?.port2.close();
    this.#channel = null;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}
