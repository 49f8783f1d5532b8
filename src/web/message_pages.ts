/**
 * The workspace's pages of a message search, reused while the store's change stamp holds (see
 * `freshness.ts`): a page and its total, the deleted messages marked on it. Counting every
 * match of a common word costs far more than the page, and paging or a busy page asks the
 * same again and again, so a total also serves for {@link TOTAL_TTL_MS} while a monitor stores.
 *
 * @module
 */
import type { Store } from "../store/store.ts";
import { buildQuery, searchMessages, type SearchOptions } from "../query/search.ts";
import { deletions, markDeleted, type ShownMessage } from "../query/events.ts";
import type { PrivacyFilter } from "../query/privacy_filter.ts";
import type { Freshness } from "./freshness.ts";
import { Kept } from "./kept.ts";
import type { Page } from "./render/view_model.ts";

/**
 * How long a search's total is reused by the same query, ms: counting every match of a common
 * word costs far more than the page, and paging or a busy page asks the same again and again.
 */
export const TOTAL_TTL_MS = 2000;

/**
 * Pages of message searches over one store, with the totals and deletions they reuse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { privacyFilter } from "../query/privacy_filter.ts";
 * import { openStore } from "../store/store.ts";
 * import { Freshness } from "./freshness.ts";
 * import { MessagePages } from "./message_pages.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const said = (id: string, s: number, user: string, text: string) => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * });
 * await store.appendMessages([said("m1", 1, "ann", "hi"), said("m2", 2, "bob", "hi there")]);
 * const pages = new MessagePages(new Freshness(store, 0), () => privacyFilter(store));
 * const page = await pages.page({ contains: "hi", limit: 1 }, 1);
 * assert.deepEqual(page.items.map((m) => m.message_id), ["m1"]);
 * assert.deepEqual([page.offset, page.limit, page.total, page.exact], [1, 1, 2, true]);
 * // Asked again while nothing was stored: the page kept.
 * assert.equal(await pages.page({ contains: "hi", limit: 1 }, 1), page);
 * await assert.rejects(pages.page({ limit: "x" }, 0), { name: "UsageError" });
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export class MessagePages {
  readonly #fresh: Freshness;
  readonly #allowed: () => Promise<PrivacyFilter>;
  readonly #totals = new Kept<
    { at: number; stamp: string | null; total: number; counting: boolean }
  >();
  readonly #pages = new Kept<{ stamp: string; page: Page<ShownMessage> }>();
  #deleted: { stamp: string; map: Promise<Map<string, string>> } | null = null;

  /** Pages read through `fresh.store`, filtered by what `allowed` returns. */
  constructor(fresh: Freshness, allowed: () => Promise<PrivacyFilter>) {
    this.#fresh = fresh;
    this.#allowed = allowed;
  }

  get #store(): Store {
    return this.#fresh.store;
  }

  /** The deleted messages, read again only when the store changed. */
  #deletionsAt(stamp: string | null): Promise<Map<string, string>> {
    if (stamp === null) return deletions(this.#store);
    if (this.#deleted?.stamp !== stamp) {
      const map = deletions(this.#store);
      this.#deleted = { stamp, map };
      map.catch(() => (this.#deleted = null));
    }
    return this.#deleted.map;
  }

  /**
   * A page of a message search. The total is counted (`total: false` skips it: the page then
   * says only what it holds) and reused for {@link TOTAL_TTL_MS} by the same query.
   */
  async page(
    o: SearchOptions,
    offset: number,
    options: { total?: boolean } = {},
  ): Promise<Page<ShownMessage>> {
    const q = buildQuery(o);
    const p = await this.#allowed();
    const stamp = await this.#fresh.stamp();
    const ex = p.exclusion();
    const key = JSON.stringify([q.clauses, q.sinceMs, q.untilMs, [...ex.users], [
      ...ex.channels,
    ]]);
    const pageKey = JSON.stringify([key, offset, q.limit, options.total !== false]);
    const kept = this.#pages.get(pageKey);
    if (kept !== undefined && kept.stamp === stamp) return kept.page;
    const known = this.#totals.get(key);
    // A known total serves while nothing was stored since, or for a moment after (a running
    // monitor stores all the time), and while one request counts it again.
    const current = known !== undefined && known.stamp !== null && known.stamp === stamp;
    const usable = known !== undefined &&
      (current || known.counting || performance.now() - known.at < TOTAL_TTL_MS);
    const count = options.total !== false && !usable;
    if (count && known) known.counting = true;
    let r;
    try {
      r = await searchMessages(this.#store, { ...q, limit: offset + q.limit }, {
        total: count,
        privacy: p,
      });
    } finally {
      if (count && known) known.counting = false;
    }
    if (count && r.total !== undefined) {
      this.#totals.set(key, { at: performance.now(), stamp, total: r.total, counting: false });
    }
    const items = markDeleted(r.messages.slice(offset), await this.#deletionsAt(stamp));
    const total = r.total ?? (usable ? known.total : offset + items.length);
    const page = { items, offset, limit: q.limit, total, exact: options.total !== false };
    // Kept only when all of it was read at this stamp (not a total of an earlier one).
    if (stamp !== null && r.complete && (options.total === false || count || current)) {
      this.#pages.set(pageKey, { stamp, page });
    }
    return page;
  }
}
