/**
 * The derived data of a running monitor ({@link openDerived}): takes the writer lock
 * (`writer_lock.ts`) and runs the writer loop (`derived_loop.ts`) over the writer
 * (`derived_writer.ts`), by default in two worker threads (index, rollups), so that indexing
 * and rollups overlap with the monitor's own work instead of adding to it.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { StoreError } from "../../errors.ts";
import { DerivedLoop, type DerivedSummary, emptySummary, type LoopPart } from "./derived_loop.ts";
import { tryWriterLock } from "./writer_lock.ts";

/** The derived data of a monitor: fed after each durable append, closed at the end. */
export interface Derived {
  /** Call after each durable append (the runner's `afterFlush`); returns without waiting. */
  afterFlush(written: readonly Message[]): Promise<void>;
  /** Catches up to the end of the log, writes the last profiles, and stops. */
  close(): Promise<DerivedSummary>;
}

/** Options of {@link openDerived}. */
export interface OpenDerivedOptions {
  /**
   * Run the writers in worker threads, one for the index and one for the rollups (falls back
   * to inline if workers cannot start). @default true
   */
  worker?: boolean;
  /** Least time between two profile flushes, in ms. @default 2000 */
  flushIntervalMs?: number;
}

/** Messages between {@link openDerived} and its workers. */
export type ToWorker =
  | { type: "start"; dataDir: string; flushIntervalMs: number; part: LoopPart }
  | { type: "poke" }
  | { type: "close" };
/** Messages from a worker. */
export type FromWorker =
  | { type: "started" }
  | { type: "closed"; summary: DerivedSummary }
  | { type: "failed"; error: string };

function mergeSummaries(mode: DerivedSummary["mode"], parts: DerivedSummary[]): DerivedSummary {
  const out = emptySummary(mode);
  for (const p of parts) {
    out.indexed += p.indexed;
    out.folded += p.folded;
    out.skipped = Math.max(out.skipped, p.skipped);
    out.profilesWritten += p.profilesWritten;
    out.problems.push(...p.problems);
  }
  return out;
}

/** One running writer part: a worker thread or an inline loop (which is awaited). */
interface Part {
  poke(): Promise<void> | void;
  close(): Promise<DerivedSummary>;
}

const INDEX_ONLY: LoopPart = { index: true, profiles: false };
const PROFILES_ONLY: LoopPart = { index: false, profiles: true };

/**
 * Opens the derived data of a data dir for a monitor: takes the writer lock (or, when another
 * process holds it, stays passive and tries again at each append) and keeps the index and the
 * profiles following the log. Wire it into `runChat` as `afterFlush: derived.afterFlush` and
 * `await derived.close()` after the run.
 *
 * @example
 * ```ts ignore
 * const derived = await openDerived(dataDir);
 * const summary = await runChat(source, { dataDir, analysis, afterFlush: derived.afterFlush })
 *   .finally(async () => {
 *     for (const w of (await derived.close()).problems) io.err(`warning: ${w}\n`);
 *   });
 * ```
 */
export async function openDerived(
  dataDir: string,
  options: OpenDerivedOptions = {},
): Promise<Derived> {
  const flushMs = options.flushIntervalMs ?? 2000;
  const useWorkers = options.worker !== false;
  let running: Running | null = null;
  const problems: string[] = [];
  const start = async (): Promise<boolean> => {
    if (running) return true;
    const started = await startParts(dataDir, flushMs, useWorkers);
    running ??= started;
    return running !== null;
  };
  try {
    await start();
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }

  let closed: Promise<DerivedSummary> | null = null;
  return {
    afterFlush: async () => {
      if (closed) return;
      if (!running) {
        // Passive: another process was writing; it may have finished since.
        try {
          if (!(await start())) return;
        } catch {
          return;
        }
      }
      await Promise.all(running!.parts.map((p) => p.poke()));
    },
    close: () => {
      closed ??= (async () => {
        if (!running) {
          try {
            await start();
          } catch (e) {
            problems.push(e instanceof Error ? e.message : String(e));
          }
        }
        const r = running as Running | null;
        try {
          const sums = r ? await Promise.all(r.parts.map((p) => p.close())) : [];
          const s = mergeSummaries(r?.mode ?? "passive", sums);
          s.problems.unshift(...problems);
          return s;
        } finally {
          r?.lock.close();
        }
      })();
      return closed;
    },
  };
}

/** The writer parts of a monitor that holds the writer lock. */
interface Running {
  lock: Deno.FsFile;
  parts: Part[];
  mode: "worker" | "inline";
}

/**
 * Takes the writer lock and starts the writers: two worker threads (index, rollups), or one
 * inline loop where workers cannot start. Null when another process holds the lock.
 */
async function startParts(
  dataDir: string,
  flushMs: number,
  useWorkers: boolean,
): Promise<Running | null> {
  const lock = await tryWriterLock(dataDir);
  if (!lock) return null;
  if (useWorkers) {
    try {
      const url = await workerModule();
      // Both workers are created before either is awaited: the index writer is always the
      // first worker thread (`worker-1` in /proc, as `bench/pipeline.ts` reports it).
      const parts = await Promise.all([
        workerPart(url, dataDir, flushMs, INDEX_ONLY),
        workerPart(url, dataDir, flushMs, PROFILES_ONLY),
      ]);
      return { lock, parts, mode: "worker" };
    } catch {
      // No workers here (e.g. a bundled build without the worker module): run inline.
    }
  }
  return {
    lock,
    parts: [inlinePart(dataDir, flushMs, { index: true, profiles: true })],
    mode: "inline",
  };
}

function inlinePart(dataDir: string, flushMs: number, part: LoopPart): Part {
  const loop = new DerivedLoop(dataDir, flushMs, part, "inline");
  return { poke: () => loop.poke(), close: () => loop.close() };
}

/** The worker module's URL; throws StoreError when it is missing. */
async function workerModule(): Promise<URL> {
  const url = new URL("./derived_worker.ts", import.meta.url);
  if (url.protocol === "file:") {
    // A bundle (deno bundle of main.ts) does not carry the worker module: Deno would print an
    // uncaught "Module not found" from the worker before failing. Check first, run inline.
    try {
      await Deno.stat(url);
    } catch (e) {
      throw new StoreError(`derived worker module ${url.href} is missing`, { cause: e });
    }
  }
  return url;
}

async function workerPart(
  url: URL,
  dataDir: string,
  flushMs: number,
  part: LoopPart,
): Promise<Part> {
  const worker = new Worker(url.href, { type: "module" });
  let onMessage: (m: FromWorker) => void = () => {};
  let onError: (e: string) => void = () => {};
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    onError(e.message);
  };
  const next = () =>
    new Promise<FromWorker>((resolve) => {
      onMessage = resolve;
      onError = (error) => resolve({ type: "failed", error });
    });
  const started = next();
  worker.postMessage({ type: "start", dataDir, flushIntervalMs: flushMs, part } satisfies ToWorker);
  const first = await started;
  if (first.type !== "started") {
    worker.terminate();
    throw new StoreError(
      `derived worker did not start: ${first.type === "failed" ? first.error : first.type}`,
    );
  }
  return {
    poke: () => worker.postMessage({ type: "poke" } satisfies ToWorker),
    close: async () => {
      const done = next();
      worker.postMessage({ type: "close" } satisfies ToWorker);
      const m = await done;
      worker.terminate();
      if (m.type === "closed") return m.summary;
      const s = emptySummary("worker");
      s.problems.push(m.type === "failed" ? m.error : "derived worker stopped unexpectedly");
      return s;
    },
  };
}
