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
    ws.binaryType = "arraybuffer";
    const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
    let opened = false;
    let closeReason = "";
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    let closeTimer: ReturnType<typeof setTimeout> | undefined;

    const onAbort = () => {
      if (!opened) ws.close();
    };
    signal.addEventListener("abort", onAbort, { once: true });

    ws.onopen = () => {
      opened = true;
      signal.removeEventListener("abort", onAbort);
      resolve({
        send(text) {
          if (ws.readyState === WebSocket.OPEN) ws.send(text);
        },
        close() {
          if (ws.readyState === WebSocket.CLOSED) return;
          try {
            ws.close(1000);
          } catch {
            // Already closing: the close event still comes.
          }
          // A peer that never answers the close handshake must not hold us up.
          closeTimer ??= setTimeout(finish, CLOSE_WAIT_MS);
        },
        closed,
      });
    };
    ws.onmessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (typeof data === "string") handlers.onData(data, true);
      else if (data instanceof ArrayBuffer) handlers.onData(decoder.decode(data), true);
    };
    ws.onerror = (event: Event) => {
      const message = event instanceof ErrorEvent && event.message ? event.message : "error";
      closeReason ||= message;
    };
    let finished = false;
    function finish(): void {
      if (finished) return;
      finished = true;
      if (closeTimer !== undefined) clearTimeout(closeTimer);
      signal.removeEventListener("abort", onAbort);
      resolveClosed();
    }
    ws.onclose = (event: CloseEvent) => {
      const why = closeReason ||
        (event.code === 1000 || event.code === 1005
          ? "closed by the server"
          : `closed (code ${event.code}${event.reason ? `: ${event.reason}` : ""})`);
      finish();
      if (!opened) {
        reject(new NetworkError(`cannot connect to ${url.href}: ${why}`));
        return;
      }
      handlers.onClose(why);
    };
  });
}

async function openTcp(
  url: URL,
  handlers: TransportHandlers,
  signal: AbortSignal,
): Promise<Transport> {
  const tls = url.protocol === "ircs:";
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port ? Number(url.port) : tls ? 6697 : 6667;
  let conn: Deno.Conn;
  try {
    conn = tls
      ? await Deno.connectTls({ hostname, port, signal } as Deno.ConnectTlsOptions)
      : await Deno.connect({ hostname, port, signal } as Deno.ConnectOptions);
  } catch (error) {
    throw new NetworkError(`cannot connect to ${url.href}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  let open = true;
  let writing = Promise.resolve();
  let reason = "";

  const shut = () => {
    if (!open) return;
    open = false;
    try {
      conn.close();
    } catch {
      // Closed already by a failed read or write.
    }
  };

  const reading = (async () => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (open) {
        const n = await conn.read(buffer);
        if (n === null) break;
        const text = decoder.decode(buffer.subarray(0, n), { stream: true });
        if (text) handlers.onData(text, false);
      }
    } catch (error) {
      if (open) reason = errorMessage(error);
    }
    const rest = decoder.decode();
    if (rest) handlers.onData(rest, true);
    const wasOpen = open;
    shut();
    await writing;
    handlers.onClose(reason || (wasOpen ? "closed by the server" : "closed"));
  })();

  return {
    send(text) {
      if (!open) return;
      const bytes = encoder.encode(text);
      writing = writing.then(async () => {
        let rest = bytes;
        try {
          while (rest.length > 0 && open) rest = rest.subarray(await conn.write(rest));
        } catch (error) {
          if (open) reason = errorMessage(error);
          shut();
        }
      });
    },
    close: shut,
    closed: reading.then(() => {}),
  };
}
