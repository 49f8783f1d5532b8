/**
 * What `chat run` and `import` share: one source joined to the analysis (known emotes, the
 * subjects' watchlist, redaction, signals), the opt-out rule (refusal and scrubbing) and the
 * Store the configuration names, with derived data following the appends unless `--log-only`.
 * Warnings of the derived writer are printed when it closes; the caller prints the summary, then
 * fails (with `derivedFailure`) if the derived writer met problems.
 *
 * @module
 */
import type { CommonOptions } from "../config.ts";
import { type AnalysisOffload, runChat, type RunOptions, type RunSummary } from "../chat/runner.ts";
import type { ChatSource } from "../chat/source.ts";
import { loadKnownEmotes } from "../analysis/emotes.ts";
import { readSubjects } from "../subjects/subject_list.ts";
import { privacyFilter } from "../query/privacy_filter.ts";
import { optOutScrubber } from "../privacy/optout.ts";
import { openStore } from "../store/store.ts";
import { storeConfig } from "./args.ts";
import type { CliIO } from "./io.ts";
import { analysisContext, type AnalysisSetup } from "./analysis_setup.ts";
import { ANALYSIS_THREADS, AnalysisWorker } from "./analysis_worker_client.ts";
import type { SignalFailures } from "../analysis/analyze.ts";

/** Options of {@link runPipeline}. */
export interface PipelineOptions {
  common: CommonOptions;
  /** Write only the logs; the index and profiles (or the database) catch up later. */
  logOnly: boolean;
  /** Keep emails and phone numbers as written. */
  keepPii: boolean;
  region: string;
  /** Prefix of the notes printed on stderr (`chat`, `import`). */
  label: string;
  /** Re-read the opt-out list this often while running (a monitor runs for days). */
  privacyRefreshMs?: number;
  /** The runner's own options (batching, duration, signal, progress and problem callbacks). */
  run: Omit<
    RunOptions,
    "store" | "analysis" | "admit" | "scrubMessage" | "scrubEvent" | "afterFlush"
  >;
}

/** What a pipeline run did, and how many problems the derived writer met (printed). */
export interface PipelineOutcome {
  summary: RunSummary;
  derivedProblems: number;
}

/**
 * Runs `source` through analysis into the configured Store; throws the runner's failure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { runPipeline } from "./pipeline.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * await store.writeOptOut({ version: 1, optout: { users: ["cat"], channels: [] } });
 * await store.close();
 * const said = (id: string, user: string, text: string) => ({
 *   kind: "message" as const,
 *   draft: {
 *     ts: "2025-09-02T12:00:00.000Z",
 *     channel: "example_channel",
 *     message_id: id,
 *     user_id: null,
 *     user_name: user,
 *     text,
 *     source: "import" as const,
 *   },
 * });
 * const { summary } = await runPipeline(async function* () {
 *   yield said("m1", "ann", "mail ann@example.com or @cat");
 *   yield said("m2", "cat", "hi");
 * }, {
 *   common: { dataDir, fixturesDir: dataDir, debug: false, quiet: true },
 *   logOnly: true,
 *   keepPii: false,
 *   region: "US",
 *   label: "import",
 *   run: {},
 * }, io);
 * assert.deepEqual([summary.received, summary.written, summary.refused], [2, 1, 1]);
 * // Redacted, and the opted-out login scrubbed from other people's messages.
 * const stored = JSON.parse(await Deno.readTextFile(`${dataDir}/logs/messages.jsonl`));
 * assert.equal(stored.text, "mail [redacted:email] or @[forgotten]");
 * assert.deepEqual(stored.redacted, ["email"]);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function runPipeline(
  source: ChatSource,
  options: PipelineOptions,
  io: CliIO,
): Promise<PipelineOutcome> {
  const { dataDir, fixturesDir, quiet } = options.common;
  const setup: AnalysisSetup = {
    knownEmotes: [...await loadKnownEmotes(fixturesDir)],
    subjects: await readSubjects(dataDir),
    redact: !options.keepPii,
    region: options.region,
  };
  const store = await openStore(storeConfig(options.common));
  // --log-only writes only this data dir's logs. With a database they are its journal, pushed
  // by the next command that reads; the PostgreSQL store's own appends would push each batch.
  const journal = options.logOnly && store.kind !== "embedded"
    ? await openStore({ dataDir })
    : store;
  const privacy = await privacyFilter(store);
  const scrub = optOutScrubber(() => privacy.exclusion().users);
  // Index and profiles follow the log (in a worker thread, so ingest does not wait for them).
  const derived = options.logOnly ? null : await store.follow();
  // An opt-out added while a monitor runs takes effect within seconds.
  const privacyTimer = options.privacyRefreshMs === undefined
    ? undefined
    : setInterval(() => void privacy.refresh().catch(() => {}), options.privacyRefreshMs);
  const offload = derived === null && journal.messageLines !== undefined
    ? await startOffload(setup, () => privacy.exclusion().users, io)
    : null;
  let derivedProblems = 0;
  const analysis = analysisContext(setup);
  const summary = await runChat(source, {
    ...options.run,
    store: journal,
    ...(derived ? { afterFlush: derived.afterFlush } : {}),
    ...(offload ? { offload: offload as AnalysisOffload } : {}),
    analysis,
    admit: (m) => privacy.allows(m.user_name, m.channel),
    // Opt-out is forget going forward: their login leaves other people's records too.
    scrubMessage: scrub.message,
    scrubEvent: scrub.event,
  }).finally(async () => {
    clearInterval(privacyTimer);
    const followed = await derived?.close();
    for (const w of followed?.problems ?? []) {
      io.err(`warning: index/profiles: ${w}\n`);
      derivedProblems++;
    }
    if (!quiet) { for (const n of followed?.notes ?? []) io.err(`${options.label}: ${n}\n`); }
    const failed = signalFailureWarning(analysis.signalFailures, offload?.signalFailures);
    if (failed) io.err(failed);
    if (journal !== store) await journal.close();
    await store.close();
  });
  return { summary, derivedProblems };
}

/**
 * Worker threads to analyse a run that writes only the log, beside this one (which reads the
 * source and writes), when there is a second core: `OSINT_ANALYSIS_WORKER=0` analyses here
 * (null), `=N` in N threads (at most one per core). @default ANALYSIS_THREADS (1)
 */
function startOffload(
  setup: AnalysisSetup,
  users: () => ReadonlySet<string>,
  io: CliIO,
): Promise<AnalysisWorker | null> | null {
  const threads = Math.floor(Number(io.env("OSINT_ANALYSIS_WORKER") ?? ANALYSIS_THREADS));
  if (!(threads >= 1) || navigator.hardwareConcurrency < 2) return null;
  return AnalysisWorker.start(setup, users, Math.min(threads, navigator.hardwareConcurrency));
}

/**
 * The warning for messages the relationship-signal detector threw on (stored without signals:
 * a defect of the analyzer, which must not stop a monitor), or null when there were none.
 */
export function signalFailureWarning(
  ...tallies: Array<SignalFailures | undefined>
): string | null {
  let count = 0;
  let first: string | null = null;
  for (const t of tallies) {
    if (!t) continue;
    count += t.count;
    first ??= t.first;
  }
  if (count === 0) return null;
  return `warning: the relationship-signal analyzer failed on ${count} message(s) (first: ${first}); ` +
    `they are stored without signals: please report this as a bug\n`;
}
