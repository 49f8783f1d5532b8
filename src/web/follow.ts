/**
 * The live stream behind `GET /live`: follows the message log as each writer (a monitor in
 * another process, on the same data dir) appends to it, and hands each new message, and each
 * watchlist hit it carries, to every subscriber. One follower per server, however many
 * subscribers; it polls only while someone listens. Opted-out people are never handed out.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import type { PrivacyFilter } from "../query/privacy_filter.ts";
import { type HitRow, hitRowsOf } from "../query/hits.ts";
import { layout } from "../store/layout.ts";

/** One item of the live stream. */
export type LiveItem =
  | { type: "message"; message: Message }
  | { type: "hit"; hit: HitRow };

/** Bytes read per poll at most (a burst is delivered over a few polls). */
const MAX_READ = 4 * 1024 * 1024;

interface Subscriber {
  push(item: LiveItem): void;
  wake(): void;
}

/** Follows `<data>/logs/messages.jsonl` from its current end. */
export class Follower {
  #path: string;
  #allowed: () => Promise<PrivacyFilter>;
  #pollMs: number;
  #subscribers = new Set<Subscriber>();
  #offset: number | null = null;
  #ino: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #starting: Promise<void> | null = null;
  #closed = false;

  constructor(dataDir: string, allowed: () => Promise<PrivacyFilter>, pollMs: number) {
    this.#path = layout(dataDir).messages;
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
    const st = await this.#stat();
    this.#offset = st?.size ?? 0;
    this.#ino = st?.ino ?? null;
    this.#schedule();
  }

  #stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#offset = null;
    this.#starting = null;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(async () => {
      try {
        await this.#poll();
      } catch {
        // A read that failed (the log being rewritten by forget): try again next time.
      }
      if (this.#offset !== null) this.#schedule();
    }, this.#pollMs);
  }

  async #stat(): Promise<Deno.FileInfo | null> {
    try {
      return await Deno.stat(this.#path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  async #poll(): Promise<void> {
    const st = await this.#stat();
    if (st === null || this.#offset === null) return;
    if (st.ino !== this.#ino || st.size < this.#offset) {
      // Rewritten (forget, retention): follow the new file from its end.
      this.#ino = st.ino;
      this.#offset = st.size;
      return;
    }
    if (st.size === this.#offset) return;
    const length = Math.min(st.size - this.#offset, MAX_READ);
    const bytes = new Uint8Array(length);
    using file = await Deno.open(this.#path, { read: true });
    await file.seek(this.#offset, Deno.SeekMode.Start);
    let got = 0;
    while (got < length) {
      const n = await file.read(bytes.subarray(got));
      if (n === null) break;
      got += n;
    }
    const end = bytes.subarray(0, got).lastIndexOf(10);
    if (end < 0) return;
    this.#offset += end + 1;
    const text = new TextDecoder().decode(bytes.subarray(0, end));
    const privacy = await this.#allowed();
    for (const line of text.split("\n")) {
      const m = parseMessage(line);
      if (m === null || !privacy.allows(m.user_name, m.channel)) continue;
      this.#emit({ type: "message", message: m });
      for (const hit of hitRowsOf(m)) this.#emit({ type: "hit", hit });
    }
  }

  #emit(item: LiveItem): void {
    for (const s of this.#subscribers) s.push(item);
  }
}

function parseMessage(line: string): Message | null {
  if (line.trim() === "") return null;
  try {
    const v = JSON.parse(line);
    if (
      typeof v !== "object" || v === null || typeof v.ts !== "string" ||
      typeof v.channel !== "string" || typeof v.user_name !== "string" ||
      typeof v.text !== "string"
    ) return null;
    return v as Message;
  } catch {
    return null;
  }
}
