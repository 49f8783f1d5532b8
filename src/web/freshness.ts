/**
 * When the server may reuse an answer. The Store's change stamp (see `Store.changeStamp`) moves
 * whenever messages or events are stored, forgotten or rewritten, by this process or a monitor
 * in another one; an answer read from messages and events holds while it stays the same.
 * Profiles are derived data, written after the messages they fold (a monitor flushes them on its
 * own schedule, the last time after its last append), so an answer read from them holds only
 * once derived data is known to be current at that stamp: the server brought it up to date
 * itself ({@link Freshness.catchUp}) and nothing was stored since.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { Freshness } from "./freshness.ts";
 * import { openStore } from "../store/store.ts";
 * const dataDir = await Deno.makeTempDir();
 * const fresh = new Freshness(await openStore({ dataDir }), 0);
 * const stamp = await fresh.stamp();
 * strictEqual(fresh.settled(stamp), false);
 * await fresh.catchUp();
 * strictEqual(fresh.settled(await fresh.stamp()), true);
 * await fresh.store.close();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */
import type { CatchUpSummary, Store } from "../store/store.ts";

/** The change stamps of a store, and its derived data kept current at most once per period. */
export class Freshness {
  /**
   * The store as the query layer should use it: its `catchUp()` is {@link Freshness.catchUp}
   * (a catch-up with options goes through unchanged).
   */
  readonly store: Store;
  #raw: Store;
  #ms: number;
  #last = -Infinity;
  /** The stamp at which derived data was last brought up to date from here. */
  #settled: string | null = null;
  #running: Promise<CatchUpSummary | null> | null = null;

  /** Over `store`, catching up at most once per `ms`. */
  constructor(store: Store, ms: number) {
    this.#raw = store;
    this.#ms = ms;
    const catchUp = (options?: { index?: boolean; profiles?: boolean }) =>
      options === undefined ? this.catchUp() : store.catchUp(options);
    this.store = new Proxy(store, {
      get(target, key) {
        if (key === "catchUp") return catchUp;
        const v = Reflect.get(target, key, target);
        // Methods run on the store itself (its private fields are not on the proxy).
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  }

  /** The store's change stamp now; null when answers must not be reused. */
  stamp(): Promise<string | null> {
    return this.#raw.changeStamp();
  }

  /** True when derived data was current at `stamp` (read before the answer it guards). */
  settled(stamp: string | null): boolean {
    return stamp !== null && stamp === this.#settled;
  }

  /**
   * Brings derived data up to date, at most once per period (shared by the requests of that
   * moment), and only when something was stored since the last time: at 1M messages a
   * catch-up that finds nothing to do still opens the writer's databases, about a second of
   * synchronous work every client would wait for. Null when it did nothing (a running monitor
   * is the writer: it keeps derived data current itself).
   */
  catchUp(): Promise<CatchUpSummary | null> {
    if (this.#running) return this.#running;
    if (performance.now() - this.#last < this.#ms) return Promise.resolve(null);
    this.#running = (async () => {
      // Read before catching up: whatever is stored meanwhile moves it again.
      const stamp = await this.#raw.changeStamp();
      if (this.settled(stamp)) return null;
      const r = await this.#raw.catchUp();
      if (r !== null) this.#settled = stamp;
      return r;
    })().finally(() => {
      this.#last = performance.now();
      this.#running = null;
    });
    return this.#running;
  }
}
