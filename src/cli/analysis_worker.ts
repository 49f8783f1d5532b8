/**
 * The worker thread of {@link AnalysisWorker} (`analysis_worker_client.ts`): it analyses the
 * drafts a run hands it (packed, `draft_pack.ts`), applies the opt-out scrub and encodes the
 * kept messages as the message log's lines, and sends back each chunk's lines (transferred,
 * not copied) with the count it refused, in the order the chunks came. Protocol: `init` (the
 * analysis setup and the opted-out users), `users` (a new list), `drafts` (a chunk); answers
 * `lines` or `error`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { AnalysisContext } from "../analysis/analyze.ts";
import { analyzeMessage } from "../analysis/analyze.ts";
import { unpackDrafts } from "../chat/draft_pack.ts";
import { optOutScrubber } from "../privacy/optout.ts";
import { messageLineEncoder } from "../store/message_line_encoder.ts";
import { analysisContext } from "./analysis_setup.ts";
import type { FromAnalysisWorker, ToAnalysisWorker } from "./analysis_worker_client.ts";

let ctx: AnalysisContext | null = null;
let users: ReadonlySet<string> = new Set();
const scrub = optOutScrubber(() => users);
const encoder = messageLineEncoder();

function send(m: FromAnalysisWorker, transfer: Transferable[] = []): void {
  self.postMessage(m, transfer);
}

function handle(m: ToAnalysisWorker): void {
  switch (m.type) {
    case "init":
      ctx = analysisContext(m.setup);
      users = new Set(m.users);
      return;
    case "users":
      users = new Set(m.users);
      return;
    case "drafts": {
      let refused = 0;
      const failures = ctx!.signalFailures!;
      const failedBefore = failures.count;
      failures.first = null;
      for (const draft of unpackDrafts(m.packed)) {
        const kept = scrub.message(analyzeMessage(draft, ctx!));
        if (kept === null) refused++;
        else encoder.add(kept);
      }
      const lines = encoder.take();
      // This chunk's failures only: the client adds them up in the order of the chunks.
      const signalFailures = { count: failures.count - failedBefore, first: failures.first };
      send({ type: "lines", seq: m.seq, lines: { ...lines, refused }, signalFailures }, [
        lines.bytes.buffer,
        lines.prints.buffer,
      ]);
      return;
    }
  }
}

self.onmessage = (e: MessageEvent<ToAnalysisWorker>) => {
  try {
    handle(e.data);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    send({ type: "error", name: error.name, message: error.message });
  }
};
