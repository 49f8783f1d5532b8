/**
 * Statements prepared to return rows as arrays, cached per connection: the readers of
 * `person_rows` and its segments read many rows, and node:sqlite builds an object per row at
 * several times the cost of an array. A cache of its own, beside the index file's (which
 * returns objects), so that one SQL text never serves both forms.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * import { arrayStatement } from "./array_statements.ts";
 * const db = new DatabaseSync(":memory:");
 * deepStrictEqual(arrayStatement(db, "SELECT 1, 'a'").all(), [[1, "a"]]);
 * strictEqual(arrayStatement(db, "SELECT 1, 'a'"), arrayStatement(db, "SELECT 1, 'a'"));
 * db.close();
 * ```
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";

const prepared = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/** `sql` prepared on `db` to return arrays, once per connection. */
export function arrayStatement(db: DatabaseSync, sql: string): StatementSync {
  let m = prepared.get(db);
  if (!m) prepared.set(db, m = new Map());
  let s = m.get(sql);
  if (!s) {
    s = db.prepare(sql);
    s.setReturnArrays(true);
    m.set(sql, s);
  }
  return s;
}
