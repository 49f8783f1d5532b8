/**
 * What the readers say on stderr beside their results: how many were cut from what matched
 * (`20 of 408 shown (use --limit or --offset)`), and whether the data dir they read exists and
 * holds a log (a wrong `--data-dir` is an error naming the path, not an empty answer).
 *
 * @module
 */
import { NotFoundError, StoreError } from "../errors.ts";
import { layout } from "../store/layout.ts";
import type { CliIO } from "./io.ts";

/** How many results a page showed, of how many matched. */
export interface PageTotals {
  shown: number;
  /** Results skipped before the page. */
  offset: number;
  /** Every match; a lower bound when `exact` is false. */
  total: number;
  exact: boolean;
  /** Why the count is a lower bound (e.g. its time budget ran out). */
  why?: string;
}

/**
 * The stderr line for a page that does not show every match, or null when it does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cutNote } from "./totals.ts";
 * assert.equal(
 *   cutNote({ shown: 20, offset: 0, total: 408, exact: true }),
 *   "20 of 408 shown (use --limit or --offset)",
 * );
 * assert.equal(cutNote({ shown: 3, offset: 0, total: 3, exact: true }), null);
 * ```
 */
export function cutNote(t: PageTotals): string | null {
  if (t.exact && t.shown >= t.total) return null;
  const from = t.offset > 0 ? `, from number ${t.offset + 1}` : "";
  const of = t.exact ? `${t.total}` : `at least ${t.total}`;
  const why = t.exact ? "" : `; ${t.why ?? "counting stopped"}, --count counts them all`;
  return `${t.shown} of ${of} shown${from} (use --limit or --offset${why})`;
}

/** Writes {@link cutNote} to stderr when the page was cut. */
export function reportCut(io: CliIO, t: PageTotals): void {
  const note = cutNote(t);
  if (note !== null) io.err(note + "\n");
}

/**
 * Checks that `dataDir` exists and holds a message log before a command reads it. Throws
 * NotFoundError (exit 1) naming the path when it does not; writes a note on stderr (unless
 * `quiet`) when the log holds nothing yet, and returns false then.
 */
export async function requireMessageLog(
  dataDir: string,
  io: CliIO,
  quiet = false,
): Promise<boolean> {
  await requireDataDir(dataDir);
  const log = layout(dataDir).messages;
  let size: number;
  try {
    size = (await Deno.stat(log)).size;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw unreadable(log, e);
    throw new NotFoundError(
      `${dataDir} holds no message log (${log} is missing: check --data-dir, or run chat run)`,
    );
  }
  if (size === 0) {
    if (!quiet) io.err(`note: no messages in ${log} yet\n`);
    return false;
  }
  return true;
}

/** Checks that `dataDir` exists and is a directory; throws NotFoundError (exit 1) naming it. */
export async function requireDataDir(dataDir: string): Promise<void> {
  try {
    const st = await Deno.stat(dataDir);
    if (!st.isDirectory) throw new NotFoundError(`data dir ${dataDir} is not a directory`);
  } catch (e) {
    if (e instanceof NotFoundError) throw e;
    if (!(e instanceof Deno.errors.NotFound)) throw unreadable(dataDir, e);
    throw new NotFoundError(
      `no data dir at ${dataDir} (check --data-dir or OSINT_DATA_DIR; chat run creates it)`,
    );
  }
}

function unreadable(path: string, e: unknown): StoreError {
  return new StoreError(`cannot read ${path}: ${e instanceof Error ? e.message : e}`, { cause: e });
}
