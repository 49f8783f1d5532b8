/**
 * `search messages`: the query, its reading from flags, and its execution, through the index
 * or by a plain scan of `messages.jsonl`. Both give identical results for every query (a
 * property test compares them): the index answers for the part of the log it covers and the
 * rest (the tail a running monitor has not indexed yet) is scanned, then the two are merged.
 *
 * Semantics, the same on both paths:
 * - `by`: the message's `user_name` or `channel` equals the normalized value.
 * - `sinceMs` inclusive, `untilMs` exclusive, on the message's `ts`.
 * - `contains`: split on whitespace; every needle must occur in the text, compared after
 *   {@link fold} (lowercase). Needles are plain substrings: no syntax of any kind.
 * - Newest first, ties by `message_id` ascending; at most `limit` results.
 * - Lines of the log that are not message records are skipped.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import { UsageError, wrapError } from "../errors.ts";
import { normalizeLogin, normalizeTimestamp } from "../normalize.ts";
import { layout } from "../store/layout.ts";
import { openLineBatches } from "../line_reader.ts";
import {
  type Candidate,
  compareCandidates,
  MessageIndex,
  readRecords,
} from "../store/message_index.ts";
import { fold } from "../normalize.ts";
import { markHolds } from "../store/log_mark.ts";
import { parseLogRecord } from "../store/log_record.ts";
import { catchUpDerived } from "../store/derived.ts";

/** A search, normalized. */
export interface SearchQuery {
  by?: { kind: "user" | "channel"; value: string };
  /** Inclusive, epoch ms. */
  sinceMs?: number;
  /** Exclusive, epoch ms. */
  untilMs?: number;
  /** Folded needles, all required. Empty: no text condition. */
  terms: string[];
  limit: number;
}

/** The default number of results. */
export const DEFAULT_LIMIT = 20;

const RELATIVE_RE = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|wk|wks)$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

/**
 * Reads a time bound: ISO 8601 (no offset means UTC), a date (`2025-09-02`, midnight UTC),
 * epoch milliseconds, or a relative form counted back from `now` (`30m`, `2h`, `7d`, `1w`, `45s`).
 * Throws UsageError naming the flag.
 *
 * @example
 * ```ts
 * import { parseTimeBound } from "./search.ts";
 * console.assert(parseTimeBound("2h", "--since", 7_200_000) === 0);
 * ```
 */
export function parseTimeBound(input: string, flag: string, now: number): number {
  const s = input.trim();
  const rel = RELATIVE_RE.exec(s);
  if (rel) {
    const unit = rel[2]!.toLowerCase();
    const ms = UNIT_MS[unit === "min" || unit === "mins" ? "m" : unit[0]!]!;
    return now - Math.round(Number(rel[1]) * ms);
  }
  const n = normalizeTimestamp(s);
  if (!n.ok) {
    throw new UsageError(
      `${flag}: cannot read "${input}" as a time (ISO 8601 like 2025-09-02T12:00:00Z, ` +
        `a date like 2025-09-02, epoch ms, or relative like 30m, 2h, 7d)`,
    );
  }
  return Date.parse(n.value);
}

/** The needles of `--contains`: whitespace-separated, folded. */
export function searchTerms(contains: string): string[] {
  return contains.split(/\s+/).filter((t) => t !== "").map(fold);
}

/** The raw options of a search, as flags give them. */
export interface SearchOptions {
  by?: string;
  value?: string;
  since?: string;
  until?: string;
  contains?: string;
  limit?: string | number;
}

/** Checks and normalizes search options; throws UsageError with a clear message. */
export function buildQuery(o: SearchOptions, now: number = Date.now()): SearchQuery {
  const q: SearchQuery = { terms: [], limit: DEFAULT_LIMIT };
  if (o.by !== undefined) {
    if (o.by !== "user" && o.by !== "channel") {
      throw new UsageError(`--by must be "user" or "channel", got "${o.by}"`);
    }
    if (o.value === undefined || o.value.trim() === "") {
      throw new UsageError(`--by ${o.by} needs --value (the ${o.by} to search)`);
    }
    const n = normalizeLogin(o.value);
    if (!n.ok) throw new UsageError(`--value: ${n.reason}`);
    q.by = { kind: o.by, value: n.value };
  } else if (o.value !== undefined) {
    throw new UsageError("--value needs --by user or --by channel");
  }
  if (o.since !== undefined) q.sinceMs = parseTimeBound(o.since, "--since", now);
  if (o.until !== undefined) q.untilMs = parseTimeBound(o.until, "--until", now);
  if (q.sinceMs !== undefined && q.untilMs !== undefined && q.sinceMs > q.untilMs) {
    throw new UsageError(
      `--since (${new Date(q.sinceMs).toISOString()}) is after --until (${
        new Date(q.untilMs).toISOString()
      })`,
    );
  }
  if (o.contains !== undefined) {
    q.terms = searchTerms(o.contains);
    if (q.terms.length === 0) throw new UsageError("--contains needs some text");
  }
  if (o.limit !== undefined) {
    const raw = String(o.limit).trim();
    if (!/^-?\d+$/.test(raw)) {
      throw new UsageError(`--limit must be a whole number, got "${o.limit}"`);
    }
    const n = Number(raw);
    if (n < 1) throw new UsageError(`--limit must be at least 1, got ${n}`);
    q.limit = Math.min(n, 1_000_000);
  }
  return q;
}

/** The reference predicate: does message `m` (whose ts is `tsMs`) match `q`? */
export function matches(m: Message, tsMs: number, q: SearchQuery): boolean {
  if (q.by) {
    if ((q.by.kind === "user" ? m.user_name : m.channel) !== q.by.value) return false;
  }
  if (q.sinceMs !== undefined && tsMs < q.sinceMs) return false;
  if (q.untilMs !== undefined && tsMs >= q.untilMs) return false;
  if (q.terms.length) {
    const text = fold(m.text);
    for (const t of q.terms) if (!text.includes(t)) return false;
  }
  return true;
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

/** Scans the log from byte `start` (a line boundary) to its last whole line. */
async function scanInto(path: string, start: number, q: SearchQuery, top: TopK): Promise<void> {
  let batches;
  try {
    batches = await openLineBatches(path, { start });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw wrapError(e, `read ${path}`);
  }
  // A login needs no JSON escaping, so a record of this user/channel holds it verbatim.
  const needle = q.by ? q.by.value : null;
  scan: for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial) break scan;
      if (!("text" in item)) continue;
      if (needle !== null && !item.text.includes(needle)) continue;
      const m = parseLogRecord(item.text);
      if (m === null) continue;
      const ts = Date.parse(m.ts);
      if (!top.wants(ts)) continue;
      if (matches(m, ts, q)) top.add({ ts, mid: m.message_id, message: m });
    }
  }
}

/** Runs `q` by reading the whole log. */
export async function scanSearch(dataDir: string, q: SearchQuery): Promise<Message[]> {
  const top = new TopK(q.limit);
  await scanInto(layout(dataDir).messages, 0, q, top);
  return top.items.map((h) => h.message);
}

/** How a search was answered. */
export interface SearchResult {
  messages: Message[];
  /** `index` (with `tailBytes` of unindexed log scanned), or `scan`. */
  via: "index" | "scan";
  tailBytes: number;
  /** Why the index was not used, when it was not. */
  note?: string;
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
  options: { scan?: boolean } = {},
): Promise<SearchResult> {
  const l = layout(dataDir);
  if (options.scan) {
    return { messages: await scanSearch(dataDir, q), via: "scan", tailBytes: 0 };
  }
  // At most one catch-up, then answer; the log's size is read again after it (it may have grown).
  for (let attempt = 0;; attempt++) {
    let size: number;
    try {
      size = (await Deno.stat(l.messages)).size;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return { messages: [], via: "scan", tailBytes: 0 };
      throw wrapError(e, `read ${l.messages}`);
    }
    const mayCatchUp = attempt === 0;
    // Index only (rollups are the monitor's or `profiles rebuild`'s job); null when busy.
    const catchUp = () => catchUpDerived(dataDir, { profiles: false }).catch(() => null);
    const r = tryIndex(l.messages, l.index, size, q);
    if (r.kind === "ok") {
      if (r.tailBytes > CATCH_UP_BYTES && mayCatchUp && await catchUp()) continue;
      const top = new TopK(q.limit);
      for (const h of r.hits) top.add(h);
      if (r.tailBytes > 0) await scanInto(l.messages, r.offset, q, top);
      return { messages: top.items.map((h) => h.message), via: "index", tailBytes: r.tailBytes };
    }
    // A small log scans faster than it indexes; a big one is worth indexing once.
    if (r.kind === "stale" && mayCatchUp && size > CATCH_UP_BYTES && await catchUp()) continue;
    return { messages: await scanSearch(dataDir, q), via: "scan", tailBytes: 0, note: r.why };
  }
}

type IndexAnswer =
  | { kind: "ok"; hits: Hit[]; offset: number; tailBytes: number }
  | { kind: "stale" | "none"; why: string };

/** Read connections kept open between searches of one process, by index path (a few). */
const readers = new Map<string, { ix: MessageIndex; dev: number; ino: number | null }>();
const MAX_READERS = 4;

/**
 * A read connection to the index at `path`: reused while the file is the same one (same device
 * and inode; `forget` deletes and recreates it), since opening one (loading the schema and the
 * FTS configuration) cost ~0.25 ms, a fifth of a typical indexed search. An idle connection
 * holds no snapshot, so it never holds back the writer.
 */
function reader(path: string): MessageIndex {
  const st = Deno.statSync(path);
  const cached = readers.get(path);
  if (cached && cached.dev === st.dev && cached.ino === st.ino && st.ino !== null) {
    // Most recently used last.
    readers.delete(path);
    readers.set(path, cached);
    return cached.ix;
  }
  if (cached) dropReader(path);
  const ix = MessageIndex.open(path, { readOnly: true });
  readers.set(path, { ix, dev: st.dev, ino: st.ino });
  while (readers.size > MAX_READERS) dropReader(readers.keys().next().value!);
  return ix;
}

function dropReader(path: string): void {
  const r = readers.get(path);
  readers.delete(path);
  try {
    r?.ix.close();
  } catch {
    // Closed already.
  }
}

function tryIndex(logPath: string, indexPath: string, size: number, q: SearchQuery): IndexAnswer {
  let ix: MessageIndex;
  try {
    ix = reader(indexPath);
  } catch (e) {
    return { kind: "stale", why: `no usable index (${e instanceof Error ? e.message : e})` };
  }
  let ok = false;
  try {
    // One read transaction: the mark and the rows it describes are seen together.
    ix.db.exec("BEGIN");
    try {
      const mark = ix.mark;
      const file = Deno.openSync(logPath, { read: true });
      let holds: boolean;
      try {
        holds = markHolds(file, size, mark);
      } finally {
        file.close();
      }
      if (!holds) return { kind: "stale", why: "the log changed since it was indexed" };
      const cands: Candidate[] = ix.candidates({
        ...(q.by?.kind === "user" ? { user: q.by.value } : {}),
        ...(q.by?.kind === "channel" ? { channel: q.by.value } : {}),
        ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
        ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
        terms: q.terms,
        limit: q.limit,
      });
      const records = readRecords(logPath, cands);
      if (records === null) return { kind: "stale", why: "the log changed while searching" };
      const hits = records.map((message, i) => ({
        ts: cands[i]!.ts,
        mid: cands[i]!.mid,
        message,
      }));
      ok = true;
      return { kind: "ok", hits, offset: mark.offset, tailBytes: size - mark.offset };
    } finally {
      ix.db.exec("COMMIT");
    }
  } catch (e) {
    return { kind: "none", why: `index unusable (${e instanceof Error ? e.message : e})` };
  } finally {
    // Anything but a clean answer: open afresh next time.
    if (!ok) dropReader(indexPath);
  }
}
