/**
 * The workspace's lists of profiles: a summary of every profile of a kind (name, counts, first
 * and last seen), sorted and paged as a route asks, the list reused for a moment or while
 * derived data is settled and unchanged (see `freshness.ts`).
 *
 * @module
 */
import { ChannelProfile, UserProfile } from "../schemas.ts";
import { listProfiles } from "../query/profiles.ts";
import type { ProfileKind } from "../store/store.ts";
import type { Freshness } from "./freshness.ts";
import type { Page, ProfileSummary } from "./render/view_model.ts";

/** How a profile list is ordered. */
export type ProfileSort = "name" | "messages" | "last_seen" | "first_seen" | "related";

/**
 * The summaries of every profile of each kind, reused while they hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { Freshness } from "./freshness.ts";
 * import { ProfileSummaries } from "./profile_summaries.ts";
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
 * await store.appendMessages([
 *   said("m1", 1, "cat", "a"),
 *   said("m2", 2, "ann", "b"),
 *   said("m3", 3, "bob", "c"),
 *   said("m4", 4, "bob", "d"),
 * ]);
 * const summaries = new ProfileSummaries(new Freshness(store, 0), 2000);
 * const top = { sort: "messages", order: "desc", offset: 0, limit: 2 } as const;
 * const page = await summaries.page("user", top);
 * // Most messages first, ties by name.
 * assert.deepEqual(page.items.map((s) => [s.name, s.message_count]), [["bob", 2], ["ann", 1]]);
 * assert.equal(page.total, 3);
 * const channels = await summaries.page("channel", { ...top, sort: "name", limit: 9 });
 * assert.deepEqual(channels.items.map((s) => [s.name, s.related]), [["example_channel", 3]]);
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export class ProfileSummaries {
  readonly #fresh: Freshness;
  readonly #ttlMs: number;
  readonly #lists = new Map<
    ProfileKind,
    { at: number; stamp: string | null; list: Promise<ProfileSummary[]> }
  >();

  /** Lists read through `fresh.store`, reused for `ttlMs` or while settled and unchanged. */
  constructor(fresh: Freshness, ttlMs: number) {
    this.#fresh = fresh;
    this.#ttlMs = ttlMs;
  }

  /** Forgets every list (the opt-out list changed). */
  clear(): void {
    this.#lists.clear();
  }

  /** A page of the summaries of `kind`, sorted by `o.sort` (ties by name). */
  async page(
    kind: ProfileKind,
    o: { sort: ProfileSort; order: "asc" | "desc"; offset: number; limit: number },
  ): Promise<Page<ProfileSummary>> {
    const list = [...await this.#summaries(kind)];
    const key = (s: ProfileSummary): string | number =>
      o.sort === "name"
        ? s.name
        : o.sort === "messages"
        ? s.message_count
        : o.sort === "related"
        ? s.related
        : o.sort === "first_seen"
        ? s.first_seen
        : s.last_seen;
    const dir = o.order === "asc" ? 1 : -1;
    list.sort((a, b) => {
      const x = key(a), y = key(b);
      if (x !== y) return (x < y ? -1 : 1) * dir;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    return {
      items: list.slice(o.offset, o.offset + o.limit),
      offset: o.offset,
      limit: o.limit,
      total: list.length,
      exact: true,
    };
  }

  /** Every profile summary of a kind the opt-out list allows, reused while it holds. */
  async #summaries(kind: ProfileKind): Promise<ProfileSummary[]> {
    const fresh = this.#fresh;
    const stamp = await fresh.stamp();
    const hit = this.#lists.get(kind);
    if (
      hit && (Date.now() - hit.at < this.#ttlMs || (hit.stamp !== null && hit.stamp === stamp))
    ) return await hit.list;
    // Reusable beyond the period only when read from settled profiles.
    const settled = fresh.settled(stamp) ? stamp : null;
    const store = fresh.store;
    const list = (async () => {
      const out: ProfileSummary[] = [];
      for (const name of await listProfiles(store, kind)) {
        const p = await store.readProfile(kind, name).catch(() => null);
        const s = p === null ? null : summaryOf(kind, p);
        if (s !== null) out.push(s);
      }
      return out;
    })();
    this.#lists.set(kind, { at: Date.now(), stamp: settled, list });
    list.catch(() => this.#lists.delete(kind));
    return await list;
  }
}

/** The summary of a profile record, or null when it is not one. */
function summaryOf(kind: ProfileKind, v: Record<string, unknown>): ProfileSummary | null {
  if (kind === "user") {
    const r = UserProfile.safeParse(v);
    if (!r.success) return null;
    const p = r.data;
    return {
      name: p.user_name,
      message_count: p.message_count,
      related: p.channels_participated.length,
      first_seen: p.first_seen,
      last_seen: p.last_seen,
      display_name: p.display_name,
    };
  }
  const r = ChannelProfile.safeParse(v);
  if (!r.success) return null;
  const p = r.data;
  return {
    name: p.channel,
    message_count: p.message_count,
    related: p.unique_users,
    first_seen: p.first_seen,
    last_seen: p.last_seen,
    display_name: null,
  };
}
