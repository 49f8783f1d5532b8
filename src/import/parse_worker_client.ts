/**
 * Reading import files in a worker thread (`parse_worker.ts`): the bytes are read, decoded and
 * parsed there, into the same outcomes the format readers give here, while this thread analyses
 * and writes the batches before them. Each file is a stream of batches the worker sends as JSON
 * text, at most two ahead of what was taken (bounded memory); errors come back with their kind
 * (a `--channel` that disagrees stops the import; a truncated JSON or gzip file is reported and
 * the next file read), exactly as when the reader runs here.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { JsonStreamError } from "./json_stream.ts";
import type { FileContext, FileReader, ImportFormat, Outcome } from "./outcome.ts";
import { startModuleWorker } from "../module_worker.ts";

/** What the importing thread sends the worker. */
export type ToParseWorker =
  | {
    type: "open";
    sid: number;
    path: string;
    format: ImportFormat;
    channel: string | null;
    utcOffsetMinutes: number;
  }
  | { type: "next"; sid: number }
  | { type: "close"; sid: number };

/** What the worker sends back. */
export type FromParseWorker =
  | { type: "ready" }
  | { type: "batch"; sid: number; json: string }
  | { type: "end"; sid: number }
  | { type: "error"; sid: number; name: string; message: string; where?: string };

/** The error the reader threw in the worker, as the same kind of error here. */
function rebuild(m: Extract<FromParseWorker, { type: "error" }>): Error {
  if (m.name === "InputError" && m.where !== undefined) {
    const prefix = `${m.where}: `;
    const reason = m.message.startsWith(prefix) ? m.message.slice(prefix.length) : m.message;
    return new InputError(m.where, reason);
  }
  if (m.name === "JsonStreamError") return new JsonStreamError(m.message);
  if (m.name === "TypeError") return new TypeError(m.message);
  const e = new Error(m.message);
  e.name = m.name;
  return e;
}

/** A worker thread that reads import files one at a time. */
export class ParseWorker {
  readonly #worker: Worker;
  #sid = 0;
  #inbox: FromParseWorker[] = [];
  #wake: (() => void) | null = null;
  #failed: string | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<FromParseWorker>) => {
      this.#inbox.push(e.data);
      this.#wake?.();
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#failed = e.message;
      this.#wake?.();
    };
  }

  /**
   * Starts a worker, or returns null when none can start here (a bundle or a compiled binary
   * without the worker module): the caller then reads the files itself.
   */
  static async start(): Promise<ParseWorker | null> {
    const worker = await startModuleWorker(new URL("./parse_worker.ts", import.meta.url));
    if (worker === null) return null;
    const pw = new ParseWorker(worker);
    const first = await pw.#receive();
    if (first === null || first.type !== "ready") {
      pw.close();
      return null;
    }
    return pw;
  }

  /** The next message from the worker, or null when it failed. */
  async #receive(): Promise<FromParseWorker | null> {
    while (this.#inbox.length === 0) {
      if (this.#failed !== null) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
      this.#wake = null;
    }
    return this.#inbox.shift()!;
  }

  #post(m: ToParseWorker): void {
    this.#worker.postMessage(m);
  }

  /** A reader of `format` whose work is done in the worker. */
  reader(format: ImportFormat): FileReader {
    return (path, ctx) => this.#read(path, format, ctx);
  }

  async *#read(path: string, format: ImportFormat, ctx: FileContext): AsyncGenerator<Outcome[]> {
    const sid = ++this.#sid;
    this.#post({
      type: "open",
      sid,
      path,
      format,
      channel: ctx.channel.given ?? null,
      utcOffsetMinutes: ctx.utcOffsetMinutes,
    });
    // Two batches asked for: the worker parses the next while this thread takes the last.
    this.#post({ type: "next", sid });
    this.#post({ type: "next", sid });
    let ended = false;
    try {
      for (;;) {
        const m = await this.#receive();
        if (m === null) {
          ended = true;
          throw new Error(`the import's reader thread stopped: ${this.#failed}`);
        }
        if (m.type === "ready" || m.sid !== sid) continue;
        if (m.type === "end") {
          ended = true;
          return;
        }
        if (m.type === "error") {
          ended = true;
          throw rebuild(m);
        }
        this.#post({ type: "next", sid });
        yield JSON.parse(m.json) as Outcome[];
      }
    } finally {
      if (!ended) this.#post({ type: "close", sid });
    }
  }

  /** Stops the worker. */
  close(): void {
    this.#worker.terminate();
  }
}
