/**
 * The analysis of `chat run` and `import`, from plain data (the known emotes, the subjects,
 * redaction and the phone region), so that the thread that reads the source and a worker that
 * analyses for it (`analysis_worker.ts`) build the same context from the same inputs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { analyzeMessage } from "../analysis/analyze.ts";
 * import { analysisContext } from "./analysis_setup.ts";
 * const ctx = analysisContext({ knownEmotes: ["Kappa"], subjects: [], redact: true, region: "US" });
 * const m = analyzeMessage({
 *   ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "ann", text: "Kappa mail ann@example.com", source: "fixture",
 * }, ctx);
 * assert.deepEqual([m.emotes, m.text], [["Kappa"], "Kappa mail [redacted:email]"]);
 * ```
 *
 * @module
 */
import type { Subject } from "../schemas.ts";
import type { AnalysisContext } from "../analysis/analyze.ts";
import { compileWatchlist } from "../analysis/hits.ts";
import { detectSignals } from "../analysis/signals.ts";

/** What the analysis of a run is built from (plain data: it crosses to a worker as it is). */
export interface AnalysisSetup {
  /** Emote names recognized in text without emote ranges. */
  knownEmotes: string[];
  /** The subjects to match (the watchlist). */
  subjects: Subject[];
  /** Replace emails and phone numbers by markers. */
  redact: boolean;
  /** Region for national phone forms. */
  region: string;
}

/** The analysis context of a run. */
export function analysisContext(setup: AnalysisSetup): AnalysisContext {
  return {
    knownEmotes: new Set(setup.knownEmotes),
    watchlist: compileWatchlist(setup.subjects),
    redact: setup.redact,
    region: setup.region,
    detectSignals: (text, channel, emotes) => detectSignals(text, { channel, emotes }),
    signalFailures: { count: 0, first: null },
  };
}
