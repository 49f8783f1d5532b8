/**
 * The one error hierarchy of twitch-osint.
 *
 * - {@link OsintError}: the base; anything thrown on purpose by `src/` is one of these, so that
 *   `main.ts` can print its message on one line (no stack unless `--debug`) and pick an exit code.
 * - {@link UsageError}: the user asked for something malformed (a flag, a value); exit code 2.
 * - {@link InputError}: a piece of input (a CSV row, a fixture line, a wire line) is bad; it
 *   names where (`file:line`) and is usually reported and skipped, not fatal.
 * - {@link StoreError}: the data directory cannot be read or written as expected.
 * - {@link NetworkError}: a remote peer (Twitch, a provider endpoint) failed or refused us.
 * - {@link NotFoundError}: the thing asked for does not exist (or may not be served).
 * - {@link ConflictError}: the data dir is busy (another writer holds it) or in a state that
 *   forbids the request.
 *
 * Each carries the process exit code the CLI uses and the HTTP status a server answers with:
 *
 * | class         | exit | HTTP |
 * |---------------|------|------|
 * | OsintError    | 1    | 500  |
 * | UsageError    | 2    | 400  |
 * | InputError    | 1    | 400  |
 * | NotFoundError | 1    | 404  |
 * | ConflictError | 1    | 409  |
 * | StoreError    | 1    | 500  |
 * | NetworkError  | 1    | 502  |
 *
 * Third-party and raw Deno errors are wrapped where they arise ({@link wrapError}) and kept
 * as `cause`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { httpStatusOf, NotFoundError, UsageError } from "./errors.ts";
 * deepStrictEqual(httpStatusOf(new UsageError("--limit must be a number")), 400);
 * deepStrictEqual(httpStatusOf(new NotFoundError("no profile for user \"x\"")), 404);
 * deepStrictEqual(httpStatusOf(new TypeError("a bug")), 500);
 * deepStrictEqual(new UsageError("bad").exitCode, 2);
 * ```
 *
 * @module
 */

/** Base class of every error twitch-osint throws on purpose. */
export class OsintError extends Error {
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 1;
  /** HTTP status a server answers with when this error ends a request. */
  readonly httpStatus: number = 500;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OsintError";
  }
}

/** A malformed command line or request: unknown flag, bad value. Exit code 2, HTTP 400. */
export class UsageError extends OsintError {
  override readonly exitCode: number = 2;
  override readonly httpStatus: number = 400;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** Bad input at a known place: `where` is `file:line` (or `file:line: field`). HTTP 400. */
export class InputError extends OsintError {
  override readonly httpStatus: number = 400;
  readonly where: string;
  constructor(where: string, reason: string, options?: ErrorOptions) {
    super(`${where}: ${reason}`, options);
    this.name = "InputError";
    this.where = where;
  }
}

/** The data directory could not be used (locked, unwritable, corrupt beyond repair). */
export class StoreError extends OsintError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
}

/** A network peer failed: refused, timed out, or rejected our credentials. HTTP 502. */
export class NetworkError extends OsintError {
  override readonly httpStatus: number = 502;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NetworkError";
  }
}

/** What was asked for does not exist, or may not be served (opt-out). Exit 1, HTTP 404. */
export class NotFoundError extends OsintError {
  override readonly httpStatus: number = 404;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/**
 * The data dir is busy (another process holds the writer lock) or its state forbids the
 * request. Exit 1, HTTP 409.
 */
export class ConflictError extends StoreError {
  override readonly httpStatus: number = 409;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConflictError";
  }
}

/** The HTTP status for anything caught: the error's own, or 500. */
export function httpStatusOf(error: unknown): number {
  return error instanceof OsintError ? error.httpStatus : 500;
}

/**
 * Wraps a raw error (a `Deno.errors.*`, a node:sqlite error) met while doing `what` into a
 * StoreError that keeps it as `cause`; an OsintError passes through unchanged.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { StoreError, wrapError } from "./errors.ts";
 * const e = wrapError(new Deno.errors.PermissionDenied("denied"), "read data/logs/x.jsonl");
 * deepStrictEqual(e instanceof StoreError, true);
 * deepStrictEqual(e.message, "cannot read data/logs/x.jsonl: denied");
 * ```
 */
export function wrapError(error: unknown, what: string): OsintError {
  if (error instanceof OsintError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreError(`cannot ${what}: ${detail}`, { cause: error });
}

/** Turns anything caught into a one-line message without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}
