/**
 * The indexed part of an embedded message search: the index's candidates checked on the
 * records read back from the log ({@link tryIndex}), and the count of every match beside a
 * page (all of them, or as many as the count's budget allows). All of it inside one read
 * transaction, so that the index's mark and the rows it describes are seen together.
 *
 * @module
 */
import { markHolds } from "../log/log_mark.ts";
import { readRecords } from "./candidate_records.ts";
import type { Candidate, IndexQuery } from "./index_query.ts";
import type { MessageIndex } from "./message_index.ts";
import { dropReader, reader } from "./index_reader.ts";
import { matchesMessage } from "../message_query.ts";
import { type Budget, budgetOf, type Hit } from "./message_scan.ts";
import type { Prepared } from "./message_search_plan.ts";
import { underRegexBudget } from "./regex_function.ts";
import { ftsable } from "./fts_expression.ts";

/** What the index answered for the part of the log it covers, or why it could not. */
export type IndexAnswer =
  | {
    kind: "ok";
    hits: Hit[];
    offset: number;
    tailBytes: number;
    /** Matches in the indexed part (when counting). */
    count: number;
    countExact: boolean;
  }
  | { kind: "stale" | "none"; why: string };

/** Thrown inside a read when the log no longer holds what the index says. */
class LogMoved extends Error {}

/** Records checked between looks at the clock. */
const CHECK_STRIDE = 512;

/**
 * The records of candidates that match the query, in the candidates' order. With a `budget`,
 * stops (and marks it run out) when its deadline passes.
 */
function checked(
  logPath: string,
  cands: readonly Candidate[],
  p: Prepared,
  budget?: Budget,
): Hit[] {
  const out: Hit[] = [];
  for (let from = 0; from < cands.length; from += CHECK_STRIDE) {
    if (budget !== undefined && from > 0 && budget.now() > budget.deadline) {
      budget.ranOut = true;
      break;
    }
    const part = cands.slice(from, from + CHECK_STRIDE);
    const records = readRecords(logPath, part);
    if (records === null) throw new LogMoved();
    for (const [i, m] of records.entries()) {
      const c = part[i]!;
      if (p.plan.exact || matchesMessage(m, c.ts, p.q, p.ctx)) {
        out.push({ ts: c.ts, mid: c.mid, message: m });
      }
    }
  }
  return out;
}

/**
 * The best `p.need` matches among the indexed rows: the index's candidates, checked on their
 * records; when the index cannot check everything and too few pass, asks for more (enough
 * for the pass rate seen, at least four times as many) until enough pass, the candidates run
 * out, or the budget does. `all` says the candidates ran out: the hits are every match (a
 * regex over a channel-day is counted without a second walk of the day's rows).
 */
function indexHits(ix: MessageIndex, logPath: string, p: Prepared): { hits: Hit[]; all: boolean } {
  for (let ask = p.need;;) {
    const cands = ix.candidates({ ...p.plan.index, limit: ask });
    const hits = checked(logPath, cands, p, p.find);
    // Fewer candidates than asked for: every indexed match is among these hits.
    const all = cands.length < ask && !p.find.ranOut;
    if (p.plan.exact || p.find.ranOut || all || hits.length >= p.need) return { hits, all };
    if (p.find.now() > p.find.deadline) {
      p.find.ranOut = true;
      return { hits, all: false };
    }
    // Enough candidates for `need` hits at the pass rate seen so far, twice over (at least
    // four times as many): a regex that passes 3 of 20 candidates asks for ~270, not 80, 320.
    const wanted = (p.need / Math.max(hits.length, 1)) * cands.length * 2;
    ask = Math.min(Math.max(ask * 4, Math.ceil(wanted)), Number.MAX_SAFE_INTEGER);
  }
}

/** Rows between budget checks while counting. */
const COUNT_STRIDE = 4096;

/**
 * How much further each pass of a count on a budget goes than the last one (see
 * {@link cappedCount}): a pass starts over, so a larger step wastes less on recounting, and a
 * smaller one overshoots the budget less when a pass costs more than the last foretold.
 */
const COUNT_GROWTH = 4;

/** How many indexed rows match: all of them, or as many as the count's budget allows. */
function indexCount(
  ix: MessageIndex,
  logPath: string,
  p: Prepared,
): { count: number; exact: boolean } {
  const iq: IndexQuery = { ...p.plan.index, limit: 0 };
  if (p.plan.exact && p.countBudgetMs === undefined) {
    return { count: ix.countMatching(iq), exact: true };
  }
  const budget = budgetOf(p.countBudgetMs, p.now);
  if (p.plan.exact) return cappedCount(ix, iq, budget, p.firstCountCap, passCounter(ix, iq));
  if (p.countBudgetMs !== undefined) return checkedCount(ix, logPath, p, budget);
  let count = 0;
  let batch: Candidate[] = [];
  const flush = () => {
    count += p.plan.exact ? batch.length : checked(logPath, batch, p).length;
    batch = [];
  };
  for (const c of ix.matchingRows(iq)) {
    batch.push(c);
    if (batch.length < COUNT_STRIDE) continue;
    flush();
    if (budget.now() > budget.deadline) return { count, exact: false };
  }
  flush();
  return { count, exact: true };
}

/**
 * A count on a time budget for a plan the index cannot check alone (a regex, `has:`): the
 * planner's candidates, found the cheapest way it knows (a channel-day's regex reads the
 * ~190 rows holding its literal, not the day's ~4,500), each checked on its record, in passes
 * of growing caps (40, 160, 640, ...) while the next is expected to end within the budget,
 * a stride at a time. Walking every indexed match of the narrowing instead read every row of
 * the window first and looked at the budget only every 4,096 rows (a busy user's `has:link`
 * count took the CLI ~0.5 s over 1M rows).
 */
function checkedCount(
  ix: MessageIndex,
  logPath: string,
  p: Prepared,
  budget: Budget,
): { count: number; exact: boolean } {
  let count = 0;
  let seen = 0;
  for (let cap = p.firstCountCap;; cap *= COUNT_GROWTH) {
    const started = budget.now();
    const cands = ix.candidates({ ...p.plan.index, limit: cap });
    for (let from = seen; from < cands.length; from += CHECK_STRIDE) {
      if (from > 0 && budget.now() > budget.deadline) return { count, exact: false };
      count += checked(logPath, cands.slice(from, from + CHECK_STRIDE), p).length;
    }
    seen = cands.length;
    if (cands.length < cap) return { count, exact: true };
    const spent = budget.now() - started;
    if (budget.now() + spent * COUNT_GROWTH > budget.deadline) return { count, exact: false };
  }
}

/**
 * An exact plan's count, done by SQLite in passes of growing caps (40, 160, 640, ...) while
 * the next pass, {@link COUNT_GROWTH} times the last, is expected to end within the budget: a
 * JavaScript loop over the rows cost ~7 ms for a typical page's count, SQLite's `count(*)` a
 * tenth of that.
 */
function cappedCount(
  ix: MessageIndex,
  iq: IndexQuery,
  budget: Budget,
  firstCap: number,
  countUpTo: (cap: number) => number = (cap) => ix.countMatchingUpTo(iq, cap),
): { count: number; exact: boolean } {
  for (let cap = firstCap;; cap *= COUNT_GROWTH) {
    const started = budget.now();
    const n = countUpTo(cap);
    if (n < cap) return { count: n, exact: true };
    const spent = budget.now() - started;
    if (budget.now() + spent * COUNT_GROWTH > budget.deadline) return { count: n, exact: false };
  }
}

/**
 * How a pass of {@link cappedCount} counts up to `cap` matches of an exact plan: SQLite's
 * `count(*)`, but for needles within one channel the planner's candidates, which intersect the
 * channel's rows in the window with the needles' FTS matches. `count(*)` walks the channel's
 * rows instead, reading every one of the window that does not match: a regex over one
 * channel-day at 1M rows, 134k rows read for 21 matches, a cold first pass of ~140 ms.
 */
function passCounter(ix: MessageIndex, iq: IndexQuery): ((cap: number) => number) | undefined {
  const channelNeedles = iq.channel !== undefined && iq.user === undefined &&
    iq.persons === undefined && iq.terms.some(ftsable);
  if (!channelNeedles) return undefined;
  return (cap) => ix.candidates({ ...iq, limit: cap }).length;
}

/**
 * The matches of `p` in the part of the log the index covers (the log being `size` bytes), or
 * why the index cannot answer (stale: a catch-up or a scan will; none: unusable).
 */
export function tryIndex(
  logPath: string,
  indexPath: string,
  size: number,
  p: Prepared,
): IndexAnswer {
  let ix: MessageIndex;
  try {
    ix = reader(indexPath);
  } catch (e) {
    return { kind: "stale", why: `no usable index (${e instanceof Error ? e.message : e})` };
  }
  let ok = false;
  try {
    // One read transaction: the mark and the rows it describes are seen together. A regex the
    // index tests runs on the search's budget.
    return underRegexBudget(p.find, () =>
      ix.read((): IndexAnswer => {
        const mark = ix.mark;
        const file = Deno.openSync(logPath, { read: true });
        let holds: boolean;
        try {
          holds = markHolds(file, size, mark);
        } finally {
          file.close();
        }
        if (!holds) return { kind: "stale", why: "the log changed since it was indexed" };
        const { hits, all } = indexHits(ix, logPath, p);
        // Fewer hits than asked for, or every candidate seen: they are every match the index
        // holds (or the budget ran out).
        const counted = !p.counting
          ? { count: 0, exact: true }
          : hits.length < p.need || all
          ? { count: hits.length, exact: true }
          : indexCount(ix, logPath, p);
        ok = true;
        return {
          kind: "ok",
          hits,
          offset: mark.offset,
          tailBytes: size - mark.offset,
          count: counted.count,
          countExact: counted.exact,
        };
      }));
  } catch (e) {
    if (e instanceof LogMoved) return { kind: "stale", why: "the log changed while searching" };
    return { kind: "none", why: `index unusable (${e instanceof Error ? e.message : e})` };
  } finally {
    // Anything but a clean answer: open afresh next time.
    if (!ok) dropReader(indexPath);
  }
}
