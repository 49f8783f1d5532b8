/**
 * Byte pipes to a chat server: the native `WebSocket` (`ws://`, `wss://`) and raw IRC over TCP
 * or TLS (`irc://`, `ircs://`). A transport knows nothing of IRC beyond line ends; it hands
 * decoded text to its owner and says once when it closed and why.
 *
 * Invalid UTF-8 is decoded with U+FFFD replacement, never dropped and never fatal.
 *
 * @module
 */
import { errorMessage, NetworkError } from "../errors.ts";

/** What a transport reports to its owner. */
export interface TransportHandlers {
  /**
   * Decoded text. `whole` is true when the chunk ends at a message boundary (one WebSocket
   * message), so a last line without `\r\n` is complete; TCP chunks may end mid-line.
   */
  onData(text: string, whole: boolean): void;
  /** Called exactly once when the pipe is closed, by either side; `reason` is for people. */
  onClose(reason: string): void;
}

/** An open pipe. */
export interface Transport {
  /** Sends text as is (the caller adds `\r\n`). Ignored once closed. */
  send(text: string): void;
  /** Closes the pipe; `closed` settles when it is released (at most about half a second). */
  close(): void;
  /** Resolves once the pipe is fully released. */
  readonly closed: Promise<void>;
}

/** Server URL schemes a transport exists for. */
export const SCHEMES: readonly string[] = ["ws:", "wss:", "irc:", "ircs:"];

const CLOSE_WAIT_MS = 500;

/**
 * Opens a transport to `url`. Rejects with a {@link NetworkError} when it cannot connect (or
 * `signal` aborts first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openTransport } from "./transport.ts";
 * // A server on loopback that says one line in two pieces and hangs up.
 * const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const served = server.accept().then(async (conn) => {
 *   await conn.write(new TextEncoder().encode("PING :tmi"));
 *   await conn.write(new TextEncoder().encode(".twitch.tv\r\n"));
 *   conn.close();
 * });
 * let text = "";
 * const { promise: closedWhy, resolve } = Promise.withResolvers<string>();
 * const url = new URL(`irc://127.0.0.1:${server.addr.port}`);
 * const pipe = await openTransport(url, {
 *   onData: (chunk) => (text += chunk),
 *   onClose: resolve,
 * }, new AbortController().signal);
 * assert.equal(await closedWhy, "closed by the server");
 * assert.equal(text, "PING :tmi.twitch.tv\r\n");
 * await pipe.closed;
 * await served;
 * server.close();
 * const quiet = { onData() {}, onClose() {} };
 * const http = new URL("http://example.com");
 * await assert.rejects(openTransport(http, quiet, new AbortController().signal), {
 *   name: "NetworkError",
 *   message: 'unsupported server scheme "http:"',
 * });
 * ```
 */
export function openTransport(
  url: URL,
  handlers: TransportHandlers,
  signal: AbortSignal,
): Promise<Transport> {
  if (url.protocol === "ws:" || url.protocol === "wss:") {
    return openWebSocket(url, handlers, signal);
  }
  if (url.protocol === "irc:" || url.protocol === "ircs:") return openTcp(url, handlers, signal);
  return Promise.reject(
    new NetworkError(`unsupported server scheme ${JSON.stringify(url.protocol)}`),
  );
}

function openWebSocket(
  url: URL,
  handlers: TransportHandlers,
  signal: AbortSignal,
): Promise<Transport> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new NetworkError("aborted before connecting"));
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(url.href);
    } catch (error) {
      reject(
        new NetworkError(`cannot connect to ${url.href}: ${errorMessage(error)}`, { cause: error }),
      );
      return;
    }
    new WebSocketPipe(ws, handlers, signal, {
      opened: resolve,
      failed: (why) => reject(new NetworkError(`cannot connect to ${url.href}: ${why}`)),
    });
  });
}

/** Why a WebSocket closed, for people: the error seen before, else the close code. */
function closeWhy(errorSeen: string, event: CloseEvent): string {
  if (errorSeen) return errorSeen;
  if (event.code === 1000 || event.code === 1005) return "closed by the server";
  return `closed (code ${event.code}${event.reason ? `: ${event.reason}` : ""})`;
}

/**
 * A WebSocket as a {@link Transport}: text and binary messages are handed on whole, the close
 * handshake waits at most {@link CLOSE_WAIT_MS}, and the outcome of connecting is told once
 * (`opened` with the transport, or `failed` with why).
 */
class WebSocketPipe implements Transport {
  readonly closed: Promise<void>;
  #ws: WebSocket;
  #signal: AbortSignal;
  #decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  #opened = false;
  #errorSeen = "";
  #finished = false;
  #resolveClosed!: () => void;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #onAbort = () => {
    if (!this.#opened) this.#ws.close();
  };

  constructor(
    ws: WebSocket,
    handlers: TransportHandlers,
    signal: AbortSignal,
    outcome: { opened(t: Transport): void; failed(why: string): void },
  ) {
    this.#ws = ws;
    this.#signal = signal;
    this.closed = new Promise<void>((r) => (this.#resolveClosed = r));
    ws.binaryType = "arraybuffer";
    signal.addEventListener("abort", this.#onAbort, { once: true });
    ws.onopen = () => {
      this.#opened = true;
      signal.removeEventListener("abort", this.#onAbort);
      outcome.opened(this);
    };
    ws.onmessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (typeof data === "string") handlers.onData(data, true);
      else if (data instanceof ArrayBuffer) handlers.onData(this.#decoder.decode(data), true);
    };
    ws.onerror = (event: Event) => {
      const message = event instanceof ErrorEvent && event.message ? event.message : "error";
      this.#errorSeen ||= message;
    };
    ws.onclose = (event: CloseEvent) => {
      const why = closeWhy(this.#errorSeen, event);
      this.#finish();
      if (this.#opened) handlers.onClose(why);
      else outcome.failed(why);
    };
  }

  send(text: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(text);
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    try {
      this.#ws.close(1000);
    } catch {
      // Already closing: the close event still comes.
    }
    // A peer that never answers the close handshake must not hold us up.
    this.#closeTimer ??= setTimeout(() => this.#finish(), CLOSE_WAIT_MS);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#signal.removeEventListener("abort", this.#onAbort);
    this.#resolveClosed();
  }
}

/** Connects over TCP, or TLS for `ircs:` (default ports 6667 and 6697). */
async function dialTcp(url: URL, signal: AbortSignal): Promise<Deno.Conn> {
  const tls = url.protocol === "ircs:";
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port ? Number(url.port) : tls ? 6697 : 6667;
  try {
    return tls
      ? await Deno.connectTls({ hostname, port, signal } as Deno.ConnectTlsOptions)
      : await Deno.connect({ hostname, port, signal } as Deno.ConnectOptions);
  } catch (error) {
    throw new NetworkError(`cannot connect to ${url.href}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

async function openTcp(
  url: URL,
  handlers: TransportHandlers,
  signal: AbortSignal,
): Promise<Transport> {
  return new TcpPipe(await dialTcp(url, signal), handlers);
}

/**
 * A TCP (or TLS) connection as a {@link Transport}: reads are decoded as a stream (a chunk may
 * end mid-line or mid-character), writes are queued in order, and the owner hears once, after
 * the last write settled, that it closed.
 */
class TcpPipe implements Transport {
  readonly closed: Promise<void>;
  #conn: Deno.Conn;
  #handlers: TransportHandlers;
  #encoder = new TextEncoder();
  #open = true;
  #writing = Promise.resolve();
  #reason = "";

  constructor(conn: Deno.Conn, handlers: TransportHandlers) {
    this.#conn = conn;
    this.#handlers = handlers;
    this.closed = this.#read();
  }

  send(text: string): void {
    if (!this.#open) return;
    const bytes = this.#encoder.encode(text);
    this.#writing = this.#writing.then(async () => {
      let rest = bytes;
      try {
        while (rest.length > 0 && this.#open) rest = rest.subarray(await this.#conn.write(rest));
      } catch (error) {
        if (this.#open) this.#reason = errorMessage(error);
        this.close();
      }
    });
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#conn.close();
    } catch {
      // Closed already by a failed read or write.
    }
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (this.#open) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        const text = decoder.decode(buffer.subarray(0, n), { stream: true });
        if (text) this.#handlers.onData(text, false);
      }
    } catch (error) {
      if (this.#open) this.#reason = errorMessage(error);
    }
    const rest = decoder.decode();
    if (rest) this.#handlers.onData(rest, true);
    const wasOpen = this.#open;
    this.close();
    await this.#writing;
    this.#handlers.onClose(this.#reason || (wasOpen ? "closed by the server" : "closed"));
  }
}
