/**
 * Messages encoded as the message log's lines away from the log (in a worker thread that
 * analyses them, say): the lines, their ids and the ids' fingerprints, exactly as the log's own
 * batches (`MessageLineWriter.batch()`) encode them, to add to one of those with
 * `MessageLines.addEncoded`. The dedup, the write and its guarantees stay with the log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageLineEncoder } from "./message_line_encoder.ts";
 * const encoder = messageLineEncoder();
 * encoder.add({
 *   ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "ann", text: "hi", mentions: [], urls: [], emotes: [], source: "fixture",
 * });
 * const lines = encoder.take();
 * assert.deepEqual(lines.ids, ["m1"]);
 * assert.equal(lines.ends[0], lines.bytes.length);
 * assert.equal(JSON.parse(new TextDecoder().decode(lines.bytes)).text, "hi");
 * assert.equal(encoder.length, 0);
 * ```
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import { type EncodedLines, LineBatch } from "./log/line_batch.ts";
import { messageIdOf } from "./log/logs.ts";

export type { EncodedLines };

/** Encodes messages as the message log's lines; `take` hands them over. */
export interface MessageLineEncoder {
  /** Messages added since the last `take`. */
  readonly length: number;
  /** Encodes `m` as its line now; nothing of the object is kept. */
  add(m: Message): void;
  /** The lines encoded since the last `take` (copies), and an empty encoder again. */
  take(): EncodedLines;
}

/**
 * A {@link MessageLineEncoder} whose lines are those of the message log. The line is built by
 * `JSON.stringify` and then encoded (the same bytes as the log's own encoder, `json_bytes.ts`):
 * in a worker, whose heap is small and whose strings die young, V8's native serializer beat
 * the byte-by-byte writer by a quarter on the message records (144 against 199 ms for 200k).
 */
export function messageLineEncoder(): MessageLineEncoder {
  return new LineBatch<Message>(messageIdOf, {
    buffer: new Uint8Array(1 << 18),
    serialize: JSON.stringify,
  });
}
