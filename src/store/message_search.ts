/**
 * The embedded store's message search: through the index (`index.sqlite`) or by a plain scan
 * of `messages.jsonl`. Both give identical results for every query (a property test compares
 * them): the index answers for the part of the log it covers and the rest (the tail a running
 * monitor has not indexed yet) is scanned, then the two are merged.
 *
 * Semantics, the same on both paths (and in every store):
 * - `by`: the message's `user_name` or `channel` equals the normalized value.
 * - `sinceMs` inclusive, `untilMs` exclusive, on the message's `ts`.
 * - `terms`: every needle must occur in the text, compared after {@link fold} (lowercase).
 *   Needles are plain substrings: no syntax of any kind.
 * - Newest first, ties by `message_id` ascending; at most `limit` results.
 * - Lines of the log that are not message records are skipped.
 *
 * @module
 */
import type { Message } from "../schemas.ts";
import { wrapError } from "../errors.ts";
import { fold } from "../normalize.ts";
import { openLineBatches } from "../line_reader.ts";
import { layout } from "./layout.ts";
import { markHolds } from "./log_mark.ts";
import { parseLogRecord } from "./log_record.ts";
import { type Candidate, compareCandidates, MessageIndex, readRecords } from "./message_index.ts";
import { catchUpDerived } from "./derived_writer.ts";
import type { Exclusion, MessageQuery } from "./store.ts";

type SearchQuery = MessageQuery;

/**
 * The reference predicate: does message `m` (whose ts is `tsMs`) match `q`?
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { matches } from "./message_search.ts";
 * const m = { ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "someuser", text: "Hello World", mentions: [], urls: [], emotes: [],
 *   source: "fixture" as const };
 * const q = { by: { kind: "user" as const, value: "someuser" }, terms: ["world"], limit: 1 };
 * deepStrictEqual(matches(m, Date.parse(m.ts), q), true);
 * deepStrictEqual(matches(m, Date.parse(m.ts), { ...q, terms: ["mars"] }), false);
 * ```
 */
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

/** Counts matches not excluded, beside the page (a search asked for its total). */
interface Counter {
  n: number;
  exclude: Exclusion | undefined;
}

function excluded(m: { user_name: string; channel: string }, ex: Exclusion | undefined): boolean {
  return ex !== undefined && (ex.users.has(m.user_name) || ex.channels.has(m.channel));
}

/**
 * Scans the log from byte `start` (a line boundary) to its last whole line; with `count`, also
 * counts every match.
 */
async function scanInto(
  path: string,
  start: number,
  q: SearchQuery,
  top: TopK,
  count: Counter | null = null,
): Promise<void> {
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
      if (count !== null) {
        if (!matches(m, ts, q)) continue;
        if (!excluded(m, count.exclude)) count.n++;
        if (top.wants(ts)) top.add({ ts, mid: m.message_id, message: m });
        continue;
      }
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
  /** Every match, when asked for; matches of `exclude` not counted. */
  total?: number;
  /** `index` (with `tailBytes` of unindexed log scanned), or `scan`. */
  via: "index" | "scan";
  tailBytes: number;
  /** Why the index was not used, when it was not. */
  note?: string;
}

/** Beyond this many unindexed bytes, a search first brings the index up to date (if free). */
export const CATCH_UP_BYTES = 4 * 1024 * 1024;

/** Options of {@link search}. */
export interface SearchOptions {
  /** Read the whole log instead of the index. @default false */
  scan?: boolean;
  /** Also count every match. @default false */
  total?: boolean;
  /** Left out of the total. */
  exclude?: Exclusion;
}

/**
 * Runs `q` through the index, catching it up first when it lags far behind and no other writer
 * is at work; falls back to a scan when there is no usable index. `scan: true` forces the scan.
 */
export async function search(
  dataDir: string,
  q: SearchQuery,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const l = layout(dataDir);
  const counter = (): Counter | null => options.total ? { n: 0, exclude: options.exclude } : null;
  const scanned = async (note?: string): Promise<SearchResult> => {
    const top = new TopK(q.limit);
    const count = counter();
    await scanInto(l.messages, 0, q, top, count);
    return {
      messages: top.items.map((h) => h.message),
      ...(count ? { total: count.n } : {}),
      via: "scan",
      tailBytes: 0,
      ...(note !== undefined ? { note } : {}),
    };
  };
  if (options.scan) return await scanned();
  // At most one catch-up, then answer; the log's size is read again after it (it may have grown).
  for (let attempt = 0;; attempt++) {
    let size: number;
    try {
      size = (await Deno.stat(l.messages)).size;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        return { messages: [], ...(options.total ? { total: 0 } : {}), via: "scan", tailBytes: 0 };
      }
      throw wrapError(e, `read ${l.messages}`);
    }
    const mayCatchUp = attempt === 0;
    // Index only (rollups are the monitor's or `profiles rebuild`'s job); null when busy.
    const catchUp = () => catchUpDerived(dataDir, { profiles: false }).catch(() => null);
    const count = counter();
    const r = tryIndex(l.messages, l.index, size, q, count);
    if (r.kind === "ok") {
      if (r.tailBytes > CATCH_UP_BYTES && mayCatchUp && await catchUp()) continue;
      const top = new TopK(q.limit);
      for (const h of r.hits) top.add(h);
      if (r.tailBytes > 0) await scanInto(l.messages, r.offset, q, top, count);
      return {
        messages: top.items.map((h) => h.message),
        ...(count ? { total: count.n } : {}),
        via: "index",
        tailBytes: r.tailBytes,
      };
    }
    // A small log scans faster than it indexes; a big one is worth indexing once.
    if (r.kind === "stale" && mayCatchUp && size > CATCH_UP_BYTES && await catchUp()) continue;
    return await scanned(r.why);
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

function tryIndex(
  logPath: string,
  indexPath: string,
  size: number,
  q: SearchQuery,
  count: Counter | null,
): IndexAnswer {
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
      const iq = {
        ...(q.by?.kind === "user" ? { user: q.by.value } : {}),
        ...(q.by?.kind === "channel" ? { channel: q.by.value } : {}),
        ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
        ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
        terms: q.terms,
        limit: q.limit,
      };
      const cands: Candidate[] = ix.candidates(iq);
      if (count !== null) count.n += ix.countMatches(iq, count.exclude);
      const records = readRecords(logPath, cands);
      if (records === null) return { kind: "stale", why: "the log changed while searching" };
      const hits = records.map((message, i) => ({
        ts: cands[i]!.ts,
        mid: cands[i]!.mid,
        message,
      }));
      ok = true;
      return { kind: "ok", hits, offset: mark.offset, tailBytes: size - mark.offset };
    });
  } catch (e) {
    return { kind: "none", why: `index unusable (${e instanceof Error ? e.message : e})` };
  } finally {
    // Anything but a clean answer: open afresh next time.
    if (!ok) dropReader(indexPath);
  }
}
