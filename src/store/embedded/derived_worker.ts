/**
 * The worker thread that runs the derived writer for `openDerived` (see `derived.ts`): it
 * catches the index and rollups up with the log when poked, and finishes on close.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { DerivedLoop } from "./derived_loop.ts";
import type { FromWorker, ToWorker } from "./derived.ts";

let loop: DerivedLoop | null = null;

function send(m: FromWorker): void {
  self.postMessage(m);
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    switch (m.type) {
      case "start":
        loop = new DerivedLoop(m.dataDir, m.flushIntervalMs, m.part, "worker");
        send({ type: "started" });
        break;
      case "poke":
        void loop?.poke();
        break;
      case "close": {
        const summary = await loop!.close();
        send({ type: "closed", summary });
        break;
      }
    }
  } catch (err) {
    send({ type: "failed", error: err instanceof Error ? err.message : String(err) });
  }
};
