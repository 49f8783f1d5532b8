/**
 * A clock a test moves by hand: timers fire only when the test advances time past them, in the
 * order they are due, so a test waits on what it causes instead of on the wall clock.
 */
import type { Clock } from "../../src/chat/clock.ts";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A manual {@link Clock}. */
export class FakeClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #seq = 0;
  #waiters = new Set<() => void>();

  constructor(start = Date.UTC(2025, 8, 2, 12)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    for (const wake of this.#waiters) wake();
    return () => {
      const i = this.#timers.indexOf(timer);
      if (i >= 0) this.#timers.splice(i, 1);
    };
  }

  /** Delays of the timers now pending, from now, soonest first. */
  get pending(): number[] {
    return this.#timers.map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (timers set by a
   * firing timer fire too when they are due within the step), with the microtasks of each run
   * between them.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    while (true) {
      await flushMicrotasks();
      const due = this.#timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = end;
    await flushMicrotasks();
  }

  /** Resolves once a timer is pending that `predicate` accepts (a delay from now). */
  waitForTimer(predicate: (delayMs: number) => boolean = () => true): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.pending.some(predicate)) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }
}

/** Lets pending promise callbacks (and the macrotask turn they wait for) run. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
