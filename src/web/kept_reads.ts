/**
 * Reads the workspace reuses while the store's change stamp holds (see `freshness.ts`): the
 * watchlist hits (a scan of the messages that carry one) and single profiles (only while
 * derived data is settled and unchanged). Pages of a search are `message_pages.ts`'s, lists of
 * profiles `profile_summaries.ts`'s.
 *
 * @module
 */
import type { ChannelProfile, UserProfile } from "../schemas.ts";
import { NotFoundError } from "../errors.ts";
import type { PrivacyFilter } from "../query/privacy_filter.ts";
import { readProfile } from "../query/profiles.ts";
import { type HitRow, readHits } from "../query/hits.ts";
import type { ProfileKind } from "../store/store.ts";
import type { Freshness } from "./freshness.ts";
import { Kept } from "./kept.ts";

/**
 * Watchlist hits, read again when the store changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { privacyFilter } from "../query/privacy_filter.ts";
 * import { openStore } from "../store/store.ts";
 * import { Freshness } from "./freshness.ts";
 * import { HitRows } from "./kept_reads.ts";
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
 * const hit = (id: string, s: number) => ({
 *   ...said(id, s, "bob", "ann@example.com"),
 *   hits: [{ subject_key: "email_ann@example.com", how: "text" as const }],
 * });
 * await store.appendMessages([hit("m1", 1)]);
 * const hits = new HitRows(new Freshness(store, 0), () => privacyFilter(store));
 * const first = await hits.rows();
 * assert.deepEqual(first.map((r) => r.message_id), ["m1"]);
 * // Nothing stored since: the same answer, not read again.
 * assert.equal(await hits.rows(), first);
 * await store.appendMessages([hit("m2", 2)]);
 * assert.deepEqual((await hits.rows()).map((r) => r.message_id), ["m2", "m1"]);
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export class HitRows {
  readonly #fresh: Freshness;
  readonly #allowed: () => Promise<PrivacyFilter>;
  readonly #kept = new Kept<{ stamp: string; rows: Promise<HitRow[]> }>();

  /** Hits read through `fresh.store`, kept per opt-out list that `allowed` returns. */
  constructor(fresh: Freshness, allowed: () => Promise<PrivacyFilter>) {
    this.#fresh = fresh;
    this.#allowed = allowed;
  }

  /** The hits `q` asks for (every hit when empty). */
  async rows(q: Parameters<typeof readHits>[1] = {}): Promise<HitRow[]> {
    const store = this.#fresh.store;
    const p = await this.#allowed();
    const stamp = await this.#fresh.stamp();
    if (stamp === null) return await readHits(store, q);
    const ex = p.exclusion();
    const key = JSON.stringify([q, [...ex.users], [...ex.channels]]);
    const hit = this.#kept.get(key);
    if (hit !== undefined && hit.stamp === stamp) return await hit.rows;
    const rows = readHits(store, q);
    this.#kept.set(key, { stamp, rows });
    rows.catch(() => this.#kept.delete(key));
    return await rows;
  }
}

/** Profiles the opt-out list allows, reused while derived data is settled and unchanged. */
export class ProfileReads {
  readonly #fresh: Freshness;
  readonly #kept = new Kept<{ stamp: string; profile: UserProfile | ChannelProfile }>();

  /** Profiles read through `fresh.store`. */
  constructor(fresh: Freshness) {
    this.#fresh = fresh;
  }

  /** Forgets every profile kept (the opt-out list changed). */
  clear(): void {
    this.#kept.clear();
  }

  /** The profile of `kind` named `name`, as `parse` reads it; NotFoundError when unreadable. */
  async get<T extends UserProfile | ChannelProfile>(
    kind: ProfileKind,
    name: string,
    parse: (v: unknown) => T | null,
  ): Promise<T> {
    const fresh = this.#fresh;
    const stamp = await fresh.stamp();
    const key = `${kind}:${name}`;
    const hit = this.#kept.get(key);
    if (hit !== undefined && hit.stamp === stamp && fresh.settled(stamp)) return hit.profile as T;
    // Settled before the read: the files read are those of the catch-up that settled it.
    const settled = fresh.settled(stamp);
    const p = parse(await readProfile(fresh.store, kind, name));
    if (p === null) throw new NotFoundError(`no readable profile for ${kind} "${name}"`);
    if (settled && stamp !== null) this.#kept.set(key, { stamp, profile: p });
    return p;
  }
}
