/**
 * How errors become HTTP answers: a status and a one-line JSON body, never a stack trace.
 * Errors from `src/errors.ts` carry their status (`httpStatus`); Hono's own (a body that is not
 * JSON) carry theirs.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import { httpStatusOf, OsintError } from "../errors.ts";

/** A request without the token a route needs: 401. */
export class UnauthorizedError extends OsintError {
  override readonly httpStatus: number = 401;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UnauthorizedError";
  }
}

/** A request the server refuses whoever asks (a write with no token configured): 403. */
export class ForbiddenError extends OsintError {
  override readonly httpStatus: number = 403;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ForbiddenError";
  }
}

/**
 * The status of an error and the message safe to show: the error's own one-line message for a
 * 4xx, a generic one for anything else (its detail may name paths).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "../errors.ts";
 * import { httpError } from "./http_errors.ts";
 * assert.deepEqual(httpError(new UsageError("--limit must be at least 1, got 0")), {
 *   status: 400,
 *   message: "limit must be at least 1, got 0",
 * });
 * ```
 */
export function httpError(e: unknown): { status: number; message: string } {
  const status = e instanceof HTTPException ? e.status : httpStatusOf(e);
  if (status >= 500) return { status, message: "internal error (see the server's log)" };
  const text = e instanceof Error ? e.message.split("\n")[0]! : String(e);
  // The library speaks in flags; the API in parameters.
  return { status, message: text.replace(/(^|[\s(])--([a-z][a-z-]*)/g, "$1$2") };
}
