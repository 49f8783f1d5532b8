/**
 * The worker thread that reads import files for {@link ParseWorker} (`parse_worker_client.ts`):
 * each file's format reader runs here, and its batches of outcomes go to the importing thread
 * as JSON text, at most two batches ahead of what that thread asked for (so memory stays
 * bounded however big the file). Protocol: `open` a file (a stream id, a path, a format and the
 * file context), `next` to ask for one more batch, `close` to stop reading it; answers are
 * `batch`, `end` or `error`, each with the stream id.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { ChannelRule, type Outcome } from "./outcome.ts";
import { READERS } from "./readers.ts";
import type { FromParseWorker, ToParseWorker } from "./parse_worker_client.ts";
import { InputError } from "../errors.ts";

let stream: { sid: number; gen: AsyncGenerator<Outcome[]> } | null = null;
let credit = 0;
let pumping = false;

function send(m: FromParseWorker): void {
  self.postMessage(m);
}

async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  try {
    while (stream !== null && credit > 0) {
      const { sid, gen } = stream;
      let r: IteratorResult<Outcome[]>;
      try {
        r = await gen.next();
      } catch (e) {
        if (stream?.sid === sid) stream = null;
        const err = e instanceof Error ? e : new Error(String(e));
        send({
          type: "error",
          sid,
          name: err.name,
          message: err.message,
          ...(err instanceof InputError ? { where: err.where } : {}),
        });
        continue;
      }
      if (stream?.sid !== sid) {
        // Closed while reading: the batch is dropped.
        continue;
      }
      if (r.done) {
        stream = null;
        send({ type: "end", sid });
        continue;
      }
      credit--;
      send({ type: "batch", sid, json: JSON.stringify(r.value) });
    }
  } finally {
    pumping = false;
  }
}

self.onmessage = (e: MessageEvent<ToParseWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "open":
      void stream?.gen.return(undefined).catch(() => {});
      stream = {
        sid: m.sid,
        gen: READERS[m.format](m.path, {
          channel: new ChannelRule(m.channel ?? undefined),
          utcOffsetMinutes: m.utcOffsetMinutes,
        }),
      };
      credit = 0;
      break;
    case "next":
      if (stream?.sid === m.sid) credit++;
      break;
    case "close":
      if (stream?.sid === m.sid) {
        void stream.gen.return(undefined).catch(() => {});
        stream = null;
      }
      break;
  }
  void pump();
};

send({ type: "ready" });
