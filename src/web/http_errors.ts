/**
 * How errors become HTTP answers: a status and a one-line JSON body, never a stack trace.
 * Errors from `src/errors.ts` carry their status (`httpStatus`) once the Store seam lands; until
 * then it is read from their class.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import { InputError, OsintError, UsageError } from "../errors.ts";

/** A name the workspace does not serve: 404. */
export class NotFoundError extends OsintError {
  readonly httpStatus: number = 404;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/** A request without the token a route needs: 401. */
export class UnauthorizedError extends OsintError {
  readonly httpStatus: number = 401;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UnauthorizedError";
  }
}

/** A request the server refuses whoever asks (a write with no token configured): 403. */
export class ForbiddenError extends OsintError {
  readonly httpStatus: number = 403;
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
 * import { deepStrictEqual } from "node:assert";
 * import { UsageError } from "../errors.ts";
 * import { httpError } from "./http_errors.ts";
 * deepStrictEqual(httpError(new UsageError("--limit must be at least 1, got 0")), {
 *   status: 400,
 *   message: "limit must be at least 1, got 0",
 * });
 * ```
 */
export function httpError(e: unknown): { status: number; message: string } {
  const declared = (e as { httpStatus?: unknown } | null)?.httpStatus;
  const status = typeof declared === "number"
    ? declared
    : e instanceof HTTPException
    ? e.status
    : e instanceof UsageError || e instanceof InputError
    ? 400
    : 500;
  if (status >= 500) return { status, message: "internal error (see the server's log)" };
  const text = e instanceof Error ? e.message.split("\n")[0]! : String(e);
  // The library speaks in flags; the API in parameters.
  return { status, message: text.replace(/(^|[\s(])--([a-z][a-z-]*)/g, "$1$2") };
}
