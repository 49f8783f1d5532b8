/**
 * Analysis in a worker thread (`analysis_worker.ts`) for a run that writes only the log: this
 * thread reads the source, checks the opt-out list, hands the drafts over packed
 * (`draft_pack.ts`), and writes the lines that come back (the dedup and the durable write stay
 * here, in order); the worker analyses, scrubs and encodes them. On two cores the two halves of
 * the work go on at once. The opted-out users are sent again whenever their list changes (a
 * monitor re-reads it while it runs): a chunk is scrubbed with the list as it was when the
 * chunk was sent.
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
  | { type: "drafts"; packed: PackedDrafts };

/** What the worker sends back. */
export type FromAnalysisWorker =
  | { type: "lines"; lines: OffloadedLines; signalFailures: SignalFailures }
  | { type: "error"; name: string; message: string };

/** An {@link AnalysisOffload} over a worker thread. */
export class AnalysisWorker implements AnalysisOffload {
  readonly #worker: Worker;
  readonly #users: () => ReadonlySet<string>;
  #sentUsers: ReadonlySet<string>;
  readonly #packer = new DraftPacker();
  #sent = 0;
  #received = 0;
  #failure: Error | null = null;
  #waiters: Array<{ until: number; resolve: () => void; reject: (e: Error) => void }> = [];
  #lines: ((chunk: OffloadedLines) => void) | null = null;
  #signalFailures: SignalFailures = { count: 0, first: null };

  /** The messages the worker's signal detector threw on so far (see `analyzeMessage`). */
  get signalFailures(): SignalFailures {
    return this.#signalFailures;
  }

  private constructor(worker: Worker, setup: AnalysisSetup, users: () => ReadonlySet<string>) {
    this.#worker = worker;
    this.#users = users;
    this.#sentUsers = users();
    worker.onmessage = (e: MessageEvent<FromAnalysisWorker>) => this.#receive(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(new Error(`the analysis thread stopped: ${e.message}`));
    };
    this.#post({ type: "init", setup, users: [...this.#sentUsers] });
  }

  /**
   * Starts a worker analysing as `setup` says, scrubbing the messages of `users()` (read at
   * every chunk); null when none can start here (a bundle, or a binary compiled without the
   * worker module): the run then analyses inline.
   */
  static async start(
    setup: AnalysisSetup,
    users: () => ReadonlySet<string>,
  ): Promise<AnalysisWorker | null> {
    const worker = await startModuleWorker(new URL("./analysis_worker.ts", import.meta.url));
    if (worker === null) return null;
    return new AnalysisWorker(worker, setup, users);
  }

  #post(m: ToAnalysisWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(m, transfer);
  }

  #receive(m: FromAnalysisWorker): void {
    if (m.type === "error") {
      const e = new Error(m.message);
      e.name = m.name;
      return this.#fail(e);
    }
    this.#received++;
    this.#signalFailures = m.signalFailures;
    this.#lines?.(m.lines);
    this.#waiters = this.#waiters.filter((w) => {
      if (this.#received < w.until) return true;
      w.resolve();
      return false;
    });
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
      this.#post({ type: "users", users: [...users] });
    }
    const packed = this.#packer.take();
    this.#post({ type: "drafts", packed }, [packed.ints.buffer]);
    this.#sent++;
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
    this.#worker.terminate();
    this.#fail(new Error("the analysis thread was closed"));
  }
}
