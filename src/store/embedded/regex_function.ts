/**
 * A search's regex inside SQLite: `osint_regex(source, flags, text)`, a function registered on
 * the index's read connections ({@link registerRegexFunction}), tested on each row's text as
 * written (`coalesce(raw, text)`, which is the record's own text: `raw` holds it where folding
 * changed it). So the index checks a regex itself, as it checks a needle with `instr()`: a
 * page walks the rows newest first and stops at the limit, a count stays in SQLite, and no
 * record is read from the log to be rejected (a regex over one channel-day read each of the
 * day's ~9,000 rows holding its literal, at 10M rows, to keep the few dozen that match).
 *
 * The regex runs on its time budget ({@link underRegexBudget}): the function looks at the clock
 * every {@link CLOCK_STRIDE} rows and, once the budget has run out, marks it so and answers
 * "no match" for every further row. Only non-negated regexes are checked this way, so a budget
 * that runs out can only leave matches out (the search then says its results may be
 * incomplete), never let a row in.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * import { registerRegexFunction } from "./regex_function.ts";
 * const db = new DatabaseSync(":memory:");
 * registerRegexFunction(db);
 * const row = db.prepare("SELECT osint_regex('^h.llo', 'i', 'Hello there') AS m").get();
 * strictEqual(row?.m, 1);
 * db.close();
 * ```
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { regexOf } from "../message_query.ts";
import type { Budget } from "./message_scan.ts";

/** The SQL condition of a regex (its parameters: the source, then the flags). */
export const REGEX_CONDITION = "osint_regex(?, ?, coalesce(raw, text))";

/** Rows the function tests between looks at the clock (a power of two). */
const CLOCK_STRIDE = 256;

/** The budget of the regex search now running on this thread (reads are synchronous). */
let active: Budget | null = null;
let calls = 0;

/**
 * Registers `osint_regex` on a connection. Direct only: a view or trigger stored in the file
 * cannot call it.
 */
export function registerRegexFunction(db: DatabaseSync): void {
  let lastSource = "", lastFlags = "";
  let last: RegExp | null = null;
  db.function("osint_regex", { deterministic: false, directOnly: true }, (source, flags, text) => {
    const budget = active;
    if (budget !== null) {
      if (budget.ranOut) return 0;
      if ((++calls & (CLOCK_STRIDE - 1)) === 0 && budget.now() > budget.deadline) {
        budget.ranOut = true;
        return 0;
      }
    }
    if (last === null || source !== lastSource || flags !== lastFlags) {
      lastSource = String(source);
      lastFlags = String(flags);
      last = regexOf({ source: lastSource, flags: lastFlags });
    }
    return last.test(String(text)) ? 1 : 0;
  });
}

/** Runs `f` (reads of the index) with `budget` as the budget of the regexes it tests. */
export function underRegexBudget<T>(budget: Budget, f: () => T): T {
  const outer = active;
  active = budget;
  try {
    return f();
  } finally {
    active = outer;
  }
}
