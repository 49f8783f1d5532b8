/**
 * The connection pool to PostgreSQL (npm `postgres`, porsager's client) and the one place
 * where its errors become {@link StoreError}s: each names the host and port, never the
 * password (messages pass through {@link scrubSecrets}), and keeps the driver's error as
 * `cause` only after scrubbing it too.
 *
 * @module
 */
import postgres from "postgres";
import { StoreError } from "../../errors.ts";
import { guardDriverFaults } from "./driver_guard.ts";
import { type DatabaseTarget, parseDatabaseUrl, scrubSecrets } from "./url.ts";

/** A pool of connections (porsager's `Sql`). */
export type Sql = postgres.Sql;
/** A connection inside a transaction. */
export type TxSql = postgres.TransactionSql;
/** A piece of SQL with its parameters, spliced into another query. */
export type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** Options of {@link openPool}. */
export interface PoolOptions {
  /** Connections in the pool. @default 4 */
  max?: number;
  /** Seconds to wait for a connection before failing. @default 10 */
  connectTimeoutSeconds?: number;
}

/** An open pool and what it points at. */
export interface PgPool {
  readonly sql: Sql;
  readonly target: DatabaseTarget;
  /** Closes every connection (waits for running queries up to 5 s). */
  close(): Promise<void>;
}

/**
 * Opens a pool to `url` (no connection is made until the first query). Throws UsageError when
 * the URL is not a postgresql:// URL.
 */
export function openPool(url: string, options: PoolOptions = {}): PgPool {
  const target = parseDatabaseUrl(url);
  guardDriverFaults();
  const sql = postgres(url, {
    max: options.max ?? 4,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    idle_timeout: 30,
    // Notices (e.g. "extension already exists") are not ours to print: src/ never prints.
    onnotice: () => {},
    // The server's own timezone must not change how anything reads; we store epoch ms.
    connection: { application_name: "twitch-osint", TimeZone: "UTC" },
  });
  return {
    sql,
    target,
    close: () => sql.end({ timeout: 5 }),
  };
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
  "57P01",
  "57P02",
  "57P03",
]);

function codeOf(e: unknown): string {
  if (typeof e !== "object" || e === null) return "";
  const c = (e as { code?: unknown }).code;
  return typeof c === "string" ? c : "";
}

/**
 * True when `e` says the database could not be reached or went away (refused, reset, shut
 * down, starting up): the caller may retry later, nothing was committed by the failed call.
 */
export function isConnectionError(e: unknown): boolean {
  const code = codeOf(e);
  if (e instanceof StoreError) return isConnectionError(e.cause);
  return CONNECTION_CODES.has(code) || code.startsWith("08");
}

/** True for a deadlock or serialization failure: the transaction may simply be run again. */
export function isRetryable(e: unknown): boolean {
  const code = codeOf(e);
  return code === "40P01" || code === "40001";
}

/** A scrubbed copy of a driver error: the same code and message, no password anywhere. */
class DriverError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = "DriverError";
    this.code = code;
  }
}

/**
 * The StoreError for a failure of `what` against `target`: one line naming host and port (for
 * an unreachable server) or the server's own message, never the password.
 */
export function pgFailure(e: unknown, target: DatabaseTarget, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  const msg = scrubSecrets(raw.split("\n")[0] ?? "", target.url);
  const code = codeOf(e);
  const where = `${target.host}:${target.port}`;
  const cause = new DriverError(msg, code);
  if (isConnectionError(e)) {
    return new StoreError(
      `cannot reach the database at ${where} (${target.database}) while trying to ${what}: ` +
        `${msg || code}`,
      { cause },
    );
  }
  return new StoreError(
    `database ${where}/${target.database}: ${what} failed: ${msg}${code ? ` [${code}]` : ""}`,
    { cause },
  );
}

/**
 * Runs `fn` and converts any failure with {@link pgFailure}. Deadlocks and serialization
 * failures (another writer got there first) are retried a few times before failing.
 */
export async function guarded<T>(
  pool: PgPool,
  what: string,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn(pool.sql);
    } catch (e) {
      if (isRetryable(e) && attempt < 8) continue;
      throw pgFailure(e, pool.target, what);
    }
  }
}

/**
 * Resolves after one turn of the event loop: queries `execute()`d before it have been written
 * to their connection's socket (the driver dispatches them a microtask later and writes them
 * on that turn), so synchronous work after it overlaps the server's.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { sendNow } from "./client.ts";
 * strictEqual(await sendNow(), undefined);
 * ```
 */
export function sendNow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
