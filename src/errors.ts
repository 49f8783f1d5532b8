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
 *
 * Third-party errors are wrapped where they arise and kept as `cause`.
 *
 * @module
 */

/** Base class of every error twitch-osint throws on purpose. */
export class OsintError extends Error {
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OsintError";
  }
}

/** A malformed command line: unknown flag, bad value, missing argument. Exit code 2. */
export class UsageError extends OsintError {
  override readonly exitCode: number = 2;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** Bad input at a known place: `where` is `file:line` (or `file:line: field`). */
export class InputError extends OsintError {
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

/** A network peer failed: refused, timed out, or rejected our credentials. */
export class NetworkError extends OsintError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NetworkError";
  }
}

/** Turns anything caught into a one-line message without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}
