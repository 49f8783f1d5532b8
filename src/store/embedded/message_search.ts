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
 * The plan (`message_search_plan.ts`), the scan (`message_scan.ts`) and the indexed part
 * (`indexed_search.ts`) live beside this file; it joins them.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { wrapError } from "../../errors.ts";
import { layout } from "../layout.ts";
import { tryIndex } from "./indexed_search.ts";
import { scanInto, type ScanState, TopK } from "./message_scan.ts";
import {
  type Prepared,
  prepareSearch,
  type SearchResult,
  type SearchRunOptions,
} from "./message_search_plan.ts";
import type { MessageQuery } from "../store.ts";

type SearchQuery = MessageQuery;

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
  return (await scanAnswer(dataDir, await prepareSearch(dataDir, q, options))).messages;
}

async function scanAnswer(dataDir: string, p: Prepared, note?: string): Promise<SearchResult> {
  const st: ScanState = { top: new TopK(p.need), counting: p.counting, count: 0 };
  await scanInto(layout(dataDir).messages, 0, p.q, p.plan, p.ctx, st, p.find);
  return finish(p, st, { via: "scan", tailBytes: 0, ...(note ? { note } : {}) }, true);
}

/** Beyond this many unindexed bytes, a search first brings the index up to date (if free). */
const CATCH_UP_BYTES = 4 * 1024 * 1024;

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
  const p = await prepareSearch(dataDir, q, options);
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
