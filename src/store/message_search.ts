/**
 * The embedded store's message search: through the index (`index.sqlite`) or by a plain scan
 * of `messages.jsonl`. Both give identical results for every query (a property test runs
 * random queries of the language both ways): the index answers for the part of the log it
 * covers and the rest (the tail a running monitor has not indexed yet) is scanned, then the
 * two are merged.
 *
 * Semantics, the same on both paths (and in every store): {@link matchesMessage} decides;
 * newest first, ties by `message_id` ascending; `offset` results skipped, then at most
 * `limit`; lines of the log that are not message records are skipped. The index narrows by
 * user, channel, time and needles (and literals drawn from a regex) and checks in SQLite what
 * it can (text, user and channel terms, negated or OR'ed); the rest (`has:`, `is:`,
 * `mentions:`, regexes) is checked on the records read back from the log.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import { wrapError } from "../errors.ts";
import { openLineBatches } from "../line_reader.ts";
import { layout } from "./layout.ts";
import { markHolds } from "./log_mark.ts";
import { parseLogRecord } from "./log_record.ts";
import {
  type Candidate,
  compareCandidates,
  type IndexLiteral,
  type IndexQuery,
  type MessageIndex,
  readRecords,
} from "./message_index.ts";
import { dropReader, reader } from "./index_reader.ts";
import {
  type Literal,
  type MatchContext,
  matchesMessage,
  type QueryFilter,
} from "./message_query.ts";
import { regexLiterals } from "./regex_literals.ts";
import { deletions } from "./event_search.ts";
import type { MessagePage, MessageQuery, SearchMessagesOptions } from "./store.ts";

type SearchQuery = MessageQuery;

/** True when some term of `q` checks which messages were deleted (`is:deleted`). */
function needsDeletions(q: QueryFilter): boolean {
  return q.clauses.some((c) => c.some((l) => l.term.field === "is" && l.term.value === "deleted"));
}

/** True when `q` holds a regex (what the time budget is for). */
function hasRegex(q: QueryFilter): boolean {
  return q.clauses.some((c) => c.some((l) => l.term.field === "regex"));
}

/** What the index can do for a query: narrow it, and whether that is the whole check. */
interface IndexPlan {
  /** The query the index runs (without limit). */
  index: Omit<IndexQuery, "limit">;
  /** True when the index's answer is exactly the matches (no check on records needed). */
  exact: boolean;
  /** A login every match's line holds verbatim (a scan skips lines without it). */
  lineNeedle: string | null;
}

/** The index literal of a term, when the index can check it. */
function indexLiteral(l: Literal): IndexLiteral | null {
  const t = l.term;
  if (t.field === "text") return { negated: l.negated, field: "text", value: t.value };
  if (t.field === "from") return { negated: l.negated, field: "user", value: t.value };
  if (t.field === "in") return { negated: l.negated, field: "channel", value: t.value };
  if (t.field === "person") return { negated: l.negated, field: "person", value: t.value };
  return null;
}

/** Splits a query into what the index narrows by and checks, and what records must check. */
export function indexPlan(q: QueryFilter): IndexPlan {
  const index: Omit<IndexQuery, "limit"> & {
    terms: string[];
    clauses: IndexLiteral[][];
    persons?: string[];
  } = {
    terms: [],
    clauses: [],
  };
  if (q.sinceMs !== undefined) index.sinceMs = q.sinceMs;
  if (q.untilMs !== undefined) index.untilMs = q.untilMs;
  let exact = true;
  let lineNeedle: string | null = null;
  for (const clause of q.clauses) {
    const one = clause.length === 1 && !clause[0]!.negated ? clause[0]!.term : null;
    if (one?.field === "from" && index.user === undefined) {
      index.user = lineNeedle = one.value;
      continue;
    }
    if (one?.field === "in" && index.channel === undefined) {
      index.channel = one.value;
      lineNeedle ??= one.value;
      continue;
    }
    if (one?.field === "text") {
      index.terms.push(one.value);
      continue;
    }
    if (one?.field === "regex") {
      // A literal every match contains narrows through FTS; the regex itself is checked later.
      index.terms.push(...regexLiterals(one.source, one.flags));
      exact = false;
      continue;
    }
    if (
      index.persons === undefined && clause.length > 0 &&
      clause.every((l) => !l.negated && l.term.field === "person")
    ) {
      // A person: the OR of their keys, walked through the person index.
      index.persons = clause.map((l) => (l.term as { value: string }).value);
      continue;
    }
    const lits = clause.map(indexLiteral);
    if (lits.every((l) => l !== null)) index.clauses.push(lits as IndexLiteral[]);
    else exact = false;
  }
  return { index, exact, lineNeedle };
}

interface Hit {
  ts: number;
  mid: string;
  message: Message;
}

/** Keeps the best `limit` hits (newest first, ties by message_id) in a sorted array. */
class TopK {
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
interface Budget {
  now: () => number;
  deadline: number;
  /** Set when the deadline passed before the answer was certain. */
  ranOut: boolean;
}

function budgetOf(ms: number | undefined, now: () => number): Budget {
  return { now, deadline: ms === undefined ? Infinity : now() + ms, ranOut: false };
}

/** One pass over a log range: the best hits, and (when counting) how many matched. */
interface ScanState {
  top: TopK;
  counting: boolean;
  count: number;
}

/**
 * Scans the log from byte `start` (a line boundary) to its last whole line. Stops early (and
 * marks the budget as run out) when the budget's deadline passes.
 */
async function scanInto(
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

/** Options of {@link search} and {@link scanSearch}. */
export interface SearchRunOptions extends SearchMessagesOptions {
  /** Rows the first counting pass of an exact plan counts up to. @default 100,000 */
  firstCountCap?: number;
}

/** How a search was answered. */
export type SearchResult = MessagePage & { via: "index" | "scan" };

/** The default time budget of a regex. */
export const REGEX_BUDGET_MS = 5000;

interface Prepared {
  q: SearchQuery;
  plan: IndexPlan;
  ctx: MatchContext;
  /** Results wanted before the page is cut: offset + limit. */
  need: number;
  find: Budget;
  counting: boolean;
  countBudgetMs: number | undefined;
  firstCountCap: number;
  now: () => number;
}

async function prepare(
  dataDir: string,
  q: SearchQuery,
  o: SearchRunOptions,
): Promise<Prepared> {
  const now = o.now ?? (() => performance.now());
  const ctx: MatchContext = {
    deleted: needsDeletions(q) ? await deletions(dataDir) : new Set<string>(),
  };
  return {
    q,
    plan: indexPlan(q),
    ctx,
    need: (q.offset ?? 0) + q.limit,
    find: budgetOf(hasRegex(q) ? o.regexBudgetMs ?? REGEX_BUDGET_MS : undefined, now),
    counting: o.total !== undefined && o.total !== false,
    countBudgetMs: typeof o.total === "object" ? o.total.budgetMs : undefined,
    firstCountCap: o.firstCountCap ?? FIRST_COUNT_CAP,
    now,
  };
}

function finish(
  p: Prepared,
  st: ScanState,
  base: { via: "index" | "scan"; tailBytes: number; note?: string },
  countExact: boolean,
): SearchResult {
  const messages = st.top.items.slice(p.q.offset ?? 0).map((h) => h.message);
  const r: SearchResult = {
    messages,
    ...(p.counting
      ? {
        total: Math.max(st.count, st.top.items.length),
        totalExact: countExact && !p.find.ranOut,
      }
      : {}),
    complete: !p.find.ranOut,
    ...base,
  };
  if (p.find.ranOut) {
    const note = `the regex's time budget ran out: results may be incomplete`;
    r.note = r.note ? `${r.note}; ${note}` : note;
  }
  return r;
}

/** Runs `q` by reading the whole log. */
export async function scanSearch(
  dataDir: string,
  q: SearchQuery,
  options: SearchRunOptions = {},
): Promise<Message[]> {
  return (await scanAnswer(dataDir, await prepare(dataDir, q, options))).messages;
}

async function scanAnswer(dataDir: string, p: Prepared, note?: string): Promise<SearchResult> {
  const st: ScanState = { top: new TopK(p.need), counting: p.counting, count: 0 };
  await scanInto(layout(dataDir).messages, 0, p.q, p.plan, p.ctx, st, p.find);
  return finish(p, st, { via: "scan", tailBytes: 0, ...(note ? { note } : {}) }, true);
}

/** Beyond this many unindexed bytes, a search first brings the index up to date (if free). */
export const CATCH_UP_BYTES = 4 * 1024 * 1024;

/**
 * Runs `q` through the index, catching it up first when it lags far behind and no other writer
 * is at work; falls back to a scan when there is no usable index. `scan: true` forces the scan.
 */
export async function search(
  dataDir: string,
  q: SearchQuery,
  options: SearchRunOptions = {},
): Promise<SearchResult> {
  const l = layout(dataDir);
  const p = await prepare(dataDir, q, options);
  if (options.scan) return await scanAnswer(dataDir, p);
  // At most one catch-up, then answer; the log's size is read again after it (it may have grown).
  for (let attempt = 0;; attempt++) {
    let size: number;
    try {
      size = (await Deno.stat(l.messages)).size;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return await scanAnswer(dataDir, p);
      throw wrapError(e, `read ${l.messages}`);
    }
    const mayCatchUp = attempt === 0;
    // Index only (rollups are the monitor's or `profiles rebuild`'s job); null when busy.
    // The writer is loaded only when a catch-up is due (most searches find the index current).
    const catchUp = () =>
      import("./derived_writer.ts").then((m) => m.catchUpDerived(dataDir, { profiles: false }))
        .catch(() => null);
    const r = tryIndex(l.messages, l.index, size, p);
    if (r.kind === "ok") {
      if (r.tailBytes > CATCH_UP_BYTES && mayCatchUp && await catchUp()) continue;
      const st: ScanState = { top: new TopK(p.need), counting: p.counting, count: r.count };
      for (const h of r.hits) st.top.add(h);
      if (r.tailBytes > 0) await scanInto(l.messages, r.offset, q, p.plan, p.ctx, st, p.find);
      return finish(p, st, { via: "index", tailBytes: r.tailBytes }, r.countExact);
    }
    // A small log scans faster than it indexes; a big one is worth indexing once.
    if (r.kind === "stale" && mayCatchUp && size > CATCH_UP_BYTES && await catchUp()) continue;
    return await scanAnswer(dataDir, p, r.why);
  }
}

type IndexAnswer =
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
 * for the pass rate seen, at least four times as many) until enough pass, the candidates run out, or the budget does.
 */
function indexHits(ix: MessageIndex, logPath: string, p: Prepared): Hit[] {
  for (let ask = p.need;;) {
    const cands = ix.candidates({ ...p.plan.index, limit: ask });
    const hits = checked(logPath, cands, p, p.find);
    if (p.plan.exact || p.find.ranOut || cands.length < ask || hits.length >= p.need) return hits;
    if (p.find.now() > p.find.deadline) {
      p.find.ranOut = true;
      return hits;
    }
    // Enough candidates for `need` hits at the pass rate seen so far, twice over (at least
    // four times as many): a regex that passes 3 of 20 candidates asks for ~270, not 80, 320.
    const wanted = (p.need / Math.max(hits.length, 1)) * cands.length * 2;
    ask = Math.min(Math.max(ask * 4, Math.ceil(wanted)), Number.MAX_SAFE_INTEGER);
  }
}

/** Rows between budget checks while counting. */
const COUNT_STRIDE = 4096;

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
  if (p.plan.exact) return cappedCount(ix, iq, budget, p.firstCountCap);
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

/** The most candidates {@link checkedCount} looks at. */
const CHECKED_COUNT_CAP = 20_000;

/**
 * A count on a time budget for a plan the index cannot check alone (a regex, `has:`): the
 * planner's candidates (up to {@link CHECKED_COUNT_CAP}, found the cheapest way it knows:
 * a channel-day's regex reads the ~190 rows holding its literal, not the day's ~4,500), each
 * checked on its record, a stride at a time until the budget runs out. Walking every indexed
 * match of the narrowing instead read every row of the window first (over 1M rows, a
 * channel-day's regex counted in 26 ms; a busy user's `has:link` took the CLI ~0.5 s, since
 * the budget was looked at only every 4,096 rows).
 */
function checkedCount(
  ix: MessageIndex,
  logPath: string,
  p: Prepared,
  budget: Budget,
): { count: number; exact: boolean } {
  const cands = ix.candidates({ ...p.plan.index, limit: CHECKED_COUNT_CAP });
  let count = 0;
  for (let from = 0; from < cands.length; from += CHECK_STRIDE) {
    if (from > 0 && budget.now() > budget.deadline) return { count, exact: false };
    count += checked(logPath, cands.slice(from, from + CHECK_STRIDE), p).length;
  }
  return { count, exact: cands.length < CHECKED_COUNT_CAP };
}

/**
 * The first cap of {@link cappedCount}; each pass after it counts ten times as far. Checking a
 * text match reads its row, so a thousand matches cost a few milliseconds even on a cold cache.
 */
const FIRST_COUNT_CAP = 1000;

/**
 * An exact plan's count, done by SQLite in passes of growing caps (1k, 10k, ...) while the
 * next pass, ten times the last, is expected to end within the budget: a JavaScript loop over
 * the rows cost ~7 ms for a typical page's count, SQLite's `count(*)` a tenth of that.
 */
function cappedCount(
  ix: MessageIndex,
  iq: IndexQuery,
  budget: Budget,
  firstCap: number,
): { count: number; exact: boolean } {
  for (let cap = firstCap;; cap *= 10) {
    const started = budget.now();
    const n = ix.countMatchingUpTo(iq, cap);
    if (n < cap) return { count: n, exact: true };
    const spent = budget.now() - started;
    if (budget.now() + spent * 10 > budget.deadline) return { count: n, exact: false };
  }
}

function tryIndex(logPath: string, indexPath: string, size: number, p: Prepared): IndexAnswer {
  let ix: MessageIndex;
  try {
    ix = reader(indexPath);
  } catch (e) {
    return { kind: "stale", why: `no usable index (${e instanceof Error ? e.message : e})` };
  }
  let ok = false;
  try {
    // One read transaction: the mark and the rows it describes are seen together.
    return ix.read((): IndexAnswer => {
      const mark = ix.mark;
      const file = Deno.openSync(logPath, { read: true });
      let holds: boolean;
      try {
        holds = markHolds(file, size, mark);
      } finally {
        file.close();
      }
      if (!holds) return { kind: "stale", why: "the log changed since it was indexed" };
      const hits = indexHits(ix, logPath, p);
      // Fewer hits than asked for: they are every match the index holds (or the budget ran out).
      const counted = !p.counting
        ? { count: 0, exact: true }
        : hits.length < p.need
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
    });
  } catch (e) {
    if (e instanceof LogMoved) return { kind: "stale", why: "the log changed while searching" };
    return { kind: "none", why: `index unusable (${e instanceof Error ? e.message : e})` };
  } finally {
    // Anything but a clean answer: open afresh next time.
    if (!ok) dropReader(indexPath);
  }
}
