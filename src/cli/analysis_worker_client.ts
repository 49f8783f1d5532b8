/**
 * Analysis in worker threads (`analysis_worker.ts`) for a run that writes only the log: this
 * thread reads the source, checks the opt-out list, hands the drafts over packed
 * (`draft_pack.ts`), and writes the lines that come back (the dedup and the durable write stay
 * here, in order); the workers analyse, scrub and encode them. On two cores the halves of the
 * work go on at once. Chunks go to the workers in turn and their lines are taken back in the
 * order the chunks were sent, so the log is the same bytes with one worker or several (with
 * one, this thread sat idle for a third of a 1M replay, waiting on it; two help where there
 * are cores for three threads). The opted-out users are sent again
 * whenever their list changes (a monitor re-reads it while it runs): a chunk is scrubbed with
 * the list as it was when the chunk was sent.
 *
 * @module
 */
import type { AnalysisOffload, OffloadedLines } from "../chat/runner.ts";
import type { MessageDraft } from "../chat/source.ts";
import { DraftPacker, type PackedDrafts } from "../chat/draft_pack.ts";
import type { AnalysisSetup } from "./analysis_setup.ts";
import type { SignalFailures } from "../analysis/analyze.ts";
import { startModuleWorker } from "../module_worker.ts";

/** What the run's thread sends the worker. */
export type ToAnalysisWorker =
  | { type: "init"; setup: AnalysisSetup; users: string[] }
  | { type: "users"; users: string[] }
  | { type: "drafts"; seq: number; packed: PackedDrafts };

/** What the worker sends back. */
export type FromAnalysisWorker =
  | {
    type: "lines";
    /** The chunk's number (the `seq` of its `drafts`). */
    seq: number;
    lines: OffloadedLines;
    /** The messages of this chunk the signal detector threw on. */
    signalFailures: SignalFailures;
  }
  | { type: "error"; name: string; message: string };

/**
 * Analysis threads a run starts when it may (see {@link AnalysisWorker.start}): one, unless
 * `OSINT_ANALYSIS_WORKER=N` asks for more. On 2 cores a second worker took no measurable wall
 * time off a 1M log-only replay and cost 10-20% more CPU in all threads (and 30-70 MB of peak
 * RSS): `docs/performance.md`, session 13. Where there is a core for each thread it may pay,
 * but that was never measured (no such machine here), so it is not the default anywhere.
 */
export const ANALYSIS_THREADS = 1;

/** An {@link AnalysisOffload} over worker threads. */
export class AnalysisWorker implements AnalysisOffload {
  readonly #workers: Worker[];
  readonly #users: () => ReadonlySet<string>;
  #sentUsers: ReadonlySet<string>;
  readonly #packer = new DraftPacker();
  #sent = 0;
  /** Chunks whose lines were handed on (in order: every chunk before them was). */
  #received = 0;
  /** Lines back from a worker before those of an earlier chunk, by chunk number. */
  readonly #early = new Map<number, FromAnalysisWorker & { type: "lines" }>();
  #failure: Error | null = null;
  #waiters: Array<{ until: number; resolve: () => void; reject: (e: Error) => void }> = [];
  #lines: ((chunk: OffloadedLines) => void) | null = null;
  #signalFailures: SignalFailures = { count: 0, first: null };

  /** The messages the workers' signal detector threw on so far (see `analyzeMessage`). */
  get signalFailures(): SignalFailures {
    return this.#signalFailures;
  }

  private constructor(
    workers: Worker[],
    setup: AnalysisSetup,
    users: () => ReadonlySet<string>,
  ) {
    this.#workers = workers;
    this.#users = users;
    this.#sentUsers = users();
    for (const worker of workers) {
      worker.onmessage = (e: MessageEvent<FromAnalysisWorker>) => this.#receive(e.data);
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.#fail(new Error(`the analysis thread stopped: ${e.message}`));
      };
    }
    this.#postAll({ type: "init", setup, users: [...this.#sentUsers] });
  }

  /**
   * Starts `threads` workers analysing as `setup` says, scrubbing the messages of `users()`
   * (read at every chunk); null when none can start here (a bundle, or a binary compiled
   * without the worker module): the run then analyses inline.
   */
  static async start(
    setup: AnalysisSetup,
    users: () => ReadonlySet<string>,
    threads: number = ANALYSIS_THREADS,
  ): Promise<AnalysisWorker | null> {
    const url = new URL("./analysis_worker.ts", import.meta.url);
    const workers: Worker[] = [];
    for (let k = 0; k < Math.max(1, threads); k++) {
      const worker = await startModuleWorker(url);
      if (worker === null) break;
      workers.push(worker);
    }
    if (workers.length === 0) return null;
    return new AnalysisWorker(workers, setup, users);
  }

  #postAll(m: ToAnalysisWorker): void {
    for (const worker of this.#workers) worker.postMessage(m);
  }

  #receive(m: FromAnalysisWorker): void {
    if (m.type === "error") {
      const e = new Error(m.message);
      e.name = m.name;
      return this.#fail(e);
    }
    if (m.seq !== this.#received) {
      this.#early.set(m.seq, m);
      return;
    }
    this.#take(m);
    for (let next = this.#early.get(this.#received); next; next = this.#early.get(this.#received)) {
      this.#early.delete(next.seq);
      this.#take(next);
    }
    this.#waiters = this.#waiters.filter((w) => {
      if (this.#received < w.until) return true;
      w.resolve();
      return false;
    });
  }

  /** Hands on the lines of the next chunk in order. */
  #take(m: FromAnalysisWorker & { type: "lines" }): void {
    this.#received++;
    const f = m.signalFailures;
    if (f.count > 0) {
      this.#signalFailures = {
        count: this.#signalFailures.count + f.count,
        first: this.#signalFailures.first ?? f.first,
      };
    }
    this.#lines?.(m.lines);
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const w of this.#waiters.splice(0)) w.reject(this.#failure);
  }

  start(lines: (chunk: OffloadedLines) => void): void {
    this.#lines = lines;
  }

  add(draft: MessageDraft): void {
    this.#packer.add(draft);
  }

  get queued(): number {
    return this.#packer.length;
  }

  send(): void {
    if (this.#packer.length === 0) return;
    const users = this.#users();
    if (users !== this.#sentUsers) {
      this.#sentUsers = users;
      this.#postAll({ type: "users", users: [...users] });
    }
    const packed = this.#packer.take();
    const seq = this.#sent++;
    const m: ToAnalysisWorker = { type: "drafts", seq, packed };
    this.#workers[seq % this.#workers.length]!.postMessage(m, [packed.ints.buffer]);
  }

  get inFlight(): number {
    return this.#sent - this.#received;
  }

  settle(n: number): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const until = this.#sent - n;
    if (this.#received >= until) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ until, resolve, reject }));
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#fail(new Error("the analysis thread was closed"));
  }
}
