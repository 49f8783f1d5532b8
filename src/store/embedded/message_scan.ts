/**
 * A scan of the message log for the best matches of a query: the top `limit` hits kept in
 * order ({@link TopK}), the time budget a regex search runs under ({@link Budget}), and the pass
 * over a range of the log ({@link scanInto}). The embedded search scans the whole log when it
 * has no usable index, and otherwise the tail the index does not cover yet.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { TopK } from "./message_scan.ts";
 * const top = new TopK(1);
 * top.add({ ts: 1, mid: "a", message: {} as never });
 * top.add({ ts: 2, mid: "b", message: {} as never });
 * deepStrictEqual(top.items.map((h) => h.mid), ["b"]);
 * ```
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { wrapError } from "../../errors.ts";
import { openLineBatches } from "../../line_reader.ts";
import { parseLogRecord } from "../log/log_record.ts";
import { compareCandidates } from "./index_query.ts";
import { type MatchContext, matchesMessage, type QueryFilter } from "../message_query.ts";
import type { IndexPlan } from "./message_search_plan.ts";

/** A matching message with its sort key. */
export interface Hit {
  ts: number;
  mid: string;
  message: Message;
}

/** Keeps the best `limit` hits (newest first, ties by message_id) in a sorted array. */
export class TopK {
  readonly items: Hit[] = [];
  #limit: number;
  constructor(limit: number) {
    this.#limit = limit;
  }
  /** True when a hit at `ts` could still enter. */
  wants(ts: number): boolean {
    return this.items.length < this.#limit || ts >= this.items[this.items.length - 1]!.ts;
  }
  add(h: Hit): void {
    const items = this.items;
    if (items.length >= this.#limit && compareCandidates(h, items[items.length - 1]!) >= 0) return;
    let i = items.length;
    while (i > 0 && compareCandidates(h, items[i - 1]!) < 0) i--;
    items.splice(i, 0, h);
    if (items.length > this.#limit) items.pop();
  }
}

/** A clock and the moment a search must stop looking (Infinity: never). */
export interface Budget {
  now: () => number;
  deadline: number;
  /** Set when the deadline passed before the answer was certain. */
  ranOut: boolean;
}

/** A budget of `ms` from now (none when undefined). */
export function budgetOf(ms: number | undefined, now: () => number): Budget {
  return { now, deadline: ms === undefined ? Infinity : now() + ms, ranOut: false };
}

/** One pass over a log range: the best hits, and (when counting) how many matched. */
export interface ScanState {
  top: TopK;
  counting: boolean;
  count: number;
}

/**
 * Scans the log from byte `start` (a line boundary) to its last whole line. Stops early (and
 * marks the budget as run out) when the budget's deadline passes.
 */
export async function scanInto(
  path: string,
  start: number,
  q: QueryFilter,
  plan: IndexPlan,
  ctx: MatchContext,
  st: ScanState,
  budget: Budget,
): Promise<void> {
  let batches;
  try {
    batches = await openLineBatches(path, { start });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw wrapError(e, `read ${path}`);
  }
  // A login needs no JSON escaping, so a record of this user/channel holds it verbatim.
  const needle = plan.lineNeedle;
  scan: for await (const batch of batches) {
    if (budget.now() > budget.deadline) {
      budget.ranOut = true;
      await batches.return?.(undefined);
      break;
    }
    for (const item of batch) {
      if (item.partial) break scan;
      if (!("text" in item)) continue;
      if (needle !== null && !item.text.includes(needle)) continue;
      const m = parseLogRecord(item.text);
      if (m === null) continue;
      const ts = Date.parse(m.ts);
      if (!st.counting && !st.top.wants(ts)) continue;
      if (!matchesMessage(m, ts, q, ctx)) continue;
      st.count++;
      st.top.add({ ts, mid: m.message_id, message: m });
    }
  }
}
