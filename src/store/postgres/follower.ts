/**
 * The follower of a monitor writing through the PostgreSQL store: each flush of the runner
 * kicks a push of the data dir's logs (the journal) into the database; an unreachable
 * database only delays the push (retried with backoff), the lines wait in the log.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import type { Follower, FollowSummary } from "../store.ts";
import { isConnectionError } from "./client.ts";
import type { PostgresStore, PostgresStoreOptions } from "./postgres_store.ts";

/**
 * Follows a monitor's appends: each flush kicks a push of the logs into the database; while
 * the database is unreachable the lines wait in the log and the push is retried with backoff
 * (doubling up to `maxBackoffMs`); profile files are rewritten at most every `flushIntervalMs`.
 */
export class PgFollower implements Follower {
  #store: PostgresStore;
  #flushIntervalMs: number;
  #options: PostgresStoreOptions;
  #done: () => void;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #backoff = 0;
  #lastProfiles = 0;
  #closed = false;
  #down = false;
  readonly summary: FollowSummary & { notes: string[] } = {
    mode: "inline",
    indexed: 0,
    folded: 0,
    skipped: 0,
    profilesWritten: 0,
    problems: [],
    notes: [],
  };

  constructor(
    store: PostgresStore,
    flushIntervalMs: number,
    options: PostgresStoreOptions,
    done: () => void,
  ) {
    this.#store = store;
    this.#flushIntervalMs = flushIntervalMs;
    this.#options = options;
    this.#done = done;
  }

  /** Kicks a push (bound: the runner passes it on as a plain function). */
  afterFlush = (_written: readonly Message[]): Promise<void> => {
    if (this.#timer === null) this.#kick();
    return Promise.resolve();
  };

  #kick(): void {
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.#pushOnce().finally(() => {
      this.#running = null;
      if (this.#again && !this.#closed && this.#timer === null) {
        this.#again = false;
        this.#kick();
      }
    });
  }

  /** One push; on an unreachable database, schedules a retry. Never throws. */
  async #pushOnce(): Promise<void> {
    try {
      const r = await this.#store.push();
      if (r !== null) {
        this.summary.indexed += r.written;
        this.summary.folded += r.written;
        this.summary.skipped += r.skipped;
      }
      if (this.#down) {
        this.#down = false;
        this.summary.notes.push("the database is back: the log's backlog was pushed into it");
      }
      this.#backoff = 0;
      const now = performance.now();
      if (now - this.#lastProfiles >= this.#flushIntervalMs) {
        this.#lastProfiles = now;
        this.summary.profilesWritten += await this.#store.writeDirtyProfiles();
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!isConnectionError(e)) {
        this.summary.problems.push(msg);
      } else if (!this.#down) {
        // A note: it becomes a problem only if the database is still away at the end.
        this.#down = true;
        this.summary.notes.push(
          `${msg}; messages are kept in the local log and pushed when it is back`,
        );
      }
      if (this.#closed) throw e;
      const max = this.#options.maxBackoffMs ?? 5000;
      this.#backoff = Math.min(max, this.#backoff === 0 ? 100 : this.#backoff * 2);
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#kick();
      }, this.#backoff);
    }
  }

  async close(): Promise<FollowSummary> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
    const deadline = performance.now() + (this.#options.closeRetryMs ?? 30_000);
    let wait = 100;
    try {
      for (;;) {
        try {
          await this.#pushOnce();
          break;
        } catch (e) {
          if (!isConnectionError(e)) break;
          if (performance.now() + wait > deadline) {
            this.summary.problems.push(
              "the database could not be reached before the end: the last messages are in " +
                "the local log and are pushed at the next start (or by `db import`)",
            );
            break;
          }
          await new Promise((r) => setTimeout(r, wait));
          wait = Math.min(wait * 2, this.#options.maxBackoffMs ?? 5000);
        }
      }
      try {
        this.summary.profilesWritten += await this.#store.writeDirtyProfiles();
      } catch (e) {
        this.summary.problems.push(e instanceof Error ? e.message : String(e));
      }
    } finally {
      this.#done();
    }
    return this.summary;
  }
}
