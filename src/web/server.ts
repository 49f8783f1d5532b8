/**
 * Runs the workspace over HTTP with `Deno.serve`: listens on loopback unless a token is
 * configured, and stops when the signal aborts.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { createApp } from "./app.ts";
import { isLoopback } from "./security.ts";
import { openWorkspace, type Workspace } from "./workspace.ts";
import { openStore } from "../store/store.ts";

/** Options of {@link startServer}. */
export interface ServerOptions {
  dataDir: string;
  /** `OSINT_DATABASE_URL`: the PostgreSQL store instead of the embedded one. */
  databaseUrl?: string;
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 8080 */
  port?: number;
  /** `OSINT_API_TOKEN`; required on a non-loopback host. */
  token?: string | null;
  signal?: AbortSignal;
  /** Told about errors of status 500 (the server's log). */
  onInternalError?: (e: unknown) => void;
  /** A workspace to serve instead of opening one on `dataDir` (tests, benchmarks). */
  workspace?: Workspace;
}

/** A running server. */
export interface RunningServer extends AsyncDisposable {
  /** `http://host:port` */
  url: string;
  /** Where the data served is (a data dir, or host and database; never a password). */
  location: string;
  port: number;
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** The smallest token length accepted: a token is a secret, not a password to remember. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Who may reach the server: a token, when configured, is long enough to be a secret; a host
 * that is not loopback needs one. Throws UsageError otherwise.
 */
function checkExposure(host: string, token: string | null): void {
  if (token !== null && token.length < MIN_TOKEN_LENGTH) {
    throw new UsageError(`OSINT_API_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  if (!isLoopback(host) && token === null) {
    throw new UsageError(
      `serving on ${host} (not loopback) needs OSINT_API_TOKEN set: anyone who can reach ` +
        "the port could read the data otherwise",
    );
  }
}

/**
 * Starts serving; throws UsageError when a non-loopback host has no (good) token.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startServer } from "./server.ts";
 * const dataDir = await Deno.makeTempDir();
 * await assert.rejects(startServer({ dataDir, host: "0.0.0.0", port: 0 }), {
 *   name: "UsageError",
 *   message: /^serving on 0\.0\.0\.0 \(not loopback\) needs OSINT_API_TOKEN set/,
 * });
 * await assert.rejects(startServer({ dataDir, port: 0, token: "short" }), {
 *   message: "OSINT_API_TOKEN must be at least 16 characters",
 * });
 * const server = await startServer({ dataDir, port: 0 });
 * assert.equal(server.url, `http://127.0.0.1:${server.port}`);
 * const res = await fetch(`${server.url}/healthz`);
 * assert.deepEqual(await res.json(), { status: "ok" });
 * await server.shutdown();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const host = o.host ?? "127.0.0.1";
  const token = o.token ?? null;
  checkExposure(host, token);
  const workspace = o.workspace ??
    openWorkspace(
      await openStore({
        dataDir: o.dataDir,
        ...(o.databaseUrl !== undefined ? { databaseUrl: o.databaseUrl } : {}),
      }),
    );
  const app = createApp({
    workspace,
    host,
    token,
    ...(o.onInternalError ? { onInternalError: o.onInternalError } : {}),
  });
  const controller = new AbortController();
  o.signal?.addEventListener("abort", () => controller.abort(), { once: true });
  let listening!: (port: number) => void;
  const bound = new Promise<number>((resolve) => (listening = resolve));
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: host,
      port: o.port ?? 8080,
      signal: controller.signal,
      onListen: ({ port }) => listening(port),
    }, app.fetch);
  } catch (e) {
    if (!o.workspace) await workspace.close();
    throw e instanceof Deno.errors.AddrInUse
      ? new UsageError(`port ${o.port} on ${host} is in use (try --port)`, { cause: e })
      : e;
  }
  const finished = server.finished.then(async () => {
    if (!o.workspace) await workspace.close();
  });
  const shutdown = async () => {
    controller.abort();
    await finished;
  };
  const port = await bound;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    location: workspace.location,
    port,
    finished,
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}
