/**
 * The profile JSON and the stored text of packed rollups (`packed_rollups.ts`), made from the
 * packed form directly: the same objects as `userProfile` / `channelProfile` of
 * `rollup_profiles.ts` give for the plain form, and text that `decodeUserState` /
 * `decodeChannelState` of `rollup_codec.ts` read back (entries of a count map may come in
 * another order, which no profile depends on: every list in a profile is in a total order).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { foldPacked, Interner, newPackedUser, PackedFacets } from "./packed_rollups.ts";
 * import { packedUserProfile } from "./packed_profiles.ts";
 * const m = { ts: "2025-01-01T10:00:00.000Z", channel: "c", message_id: "1", user_id: "7",
 *   user_name: "someuser", text: "speedrun tonight", mentions: [], urls: [], emotes: [],
 *   source: "fixture" as const };
 * const names = new Interner();
 * const s = newPackedUser("#7");
 * foldPacked(s, null, m, new PackedFacets(names).of(m));
 * strictEqual(packedUserProfile(s, names).top_keywords.join(), "speedrun,tonight");
 * ```
 *
 * @module
 */
import type { ChannelProfile, Counted, UserProfile } from "../schemas.ts";
import type { LoginSpan } from "./identity.ts";
import {
  type CountTable,
  Facet,
  FACET_BITS,
  FACET_MASK,
  type Interner,
  type PackedChannel,
  type PackedCommon,
  type PackedUser,
  plainLatest,
  plainUse,
} from "./packed_rollups.ts";
import { TOP_COUNTED, TOP_NAMES } from "./rollups.ts";
import { profileIdentity, relationshipMentions } from "./rollup_profiles.ts";

/**
 * The entries of a rollup's count table split by facet in one walk: for each facet, `[id,
 * count]` pairs in table order. A profile or a stored state reads seven or nine facets, and a
 * walk per facet went over every slot of the table each time.
 */
function byFacet(c: CountTable): number[][][] {
  const out: number[][][] = [[], [], [], [], [], [], [], []];
  c.eachEntry((key, n) => out[key & FACET_MASK]!.push([(key >>> FACET_BITS) - 1, n]));
  return out;
}

/** [id, count] pairs (taken over), by count descending then name ascending, cut to `max`. */
function topIds(pairs: number[][], names: Interner, max: number): number[][] {
  const all = names.names;
  const entries = pairs.length > 2 * max ? atLeastTop(pairs, max) : pairs;
  entries.sort((a, b) => {
    if (a[1] !== b[1]) return b[1]! - a[1]!;
    const x = all[a[0]!]!, y = all[b[0]!]!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  if (entries.length > max) entries.length = max;
  return entries;
}

/**
 * The pairs whose count is at least the `max`-th largest: a superset of the first `max` in
 * count-then-name order, found with a numeric sort of the counts alone, so the sort by count
 * and name (a comparator call and often two name lookups per comparison) sees a few dozen
 * pairs instead of the hundreds of keywords a person accumulates.
 */
function atLeastTop(pairs: number[][], max: number): number[][] {
  const counts = new Int32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) counts[i] = pairs[i]![1]!;
  counts.sort();
  const least = counts[counts.length - max]!;
  return pairs.filter((p) => p[1]! >= least);
}

/** `topCounted` (see `rollup_profiles.ts`) of one facet's pairs (taken over). */
function topCounted(entries: number[][], names: Interner, max: number): Counted[] {
  const all = names.names;
  return topIds(entries, names, max).map(([id, count]) => ({ name: all[id!]!, count: count! }));
}

/** The [name, count] entries of one facet's pairs, by name. */
function sortedEntries(entries: number[][], names: Interner): Array<[string, number]> {
  return named(entries, names).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/** Entries as a record (in their order, but for keys that are array indices: JS puts those first). */
function recordOf(entries: ReadonlyArray<[string, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of entries) out[k] = n;
  return out;
}

/** The login spans of a packed person (`loginSpans` of `rollups.ts`), oldest first. */
export function packedLoginSpans(s: PackedUser): LoginSpan[] {
  const out: LoginSpan[] = s.logins.map((u) => ({
    person: s.user_name,
    login: u.login,
    first_seen: u.first,
    last_seen: u.ts,
    count: u.count,
    last_mid: u.mid,
  }));
  return out.sort((a, b) =>
    a.first_seen < b.first_seen ? -1 : a.first_seen > b.first_seen ? 1 : a.login < b.login ? -1 : 1
  );
}

/** `userProfile` of `rollup_profiles.ts`, from the packed form: the same object. */
export function packedUserProfile(s: PackedUser, names: Interner): UserProfile {
  const f = byFacet(s.counts);
  const keywordCounts = topCounted(f[Facet.keyword]!, names, TOP_COUNTED);
  const channels = sortedEntries(f[Facet.party]!, names);
  return {
    ...profileIdentity(s, packedLoginSpans(s)),
    display_names: [...s.display_names ?? []].sort(),
    channels_participated: channels.map((e) => e[0]),
    per_channel: recordOf(channels),
    message_count: s.message_count,
    first_seen: s.first_seen,
    last_seen: s.last_seen,
    top_keywords: keywordCounts.slice(0, TOP_NAMES).map((x) => x.name),
    keyword_counts: keywordCounts,
    ...packedFacets(f, names),
    facts: {
      asked_about_streamer_relationship: s.asked,
      suspected_relationship_targets: topCounted(f[Facet.target]!, names, Infinity).map((x) =>
        x.name
      ),
      evidence: (s.evidence ?? []).map((e) => ({ ...e })),
    },
  };
}

/** `channelProfile` of `rollup_profiles.ts`, from the packed form: the same object. */
export function packedChannelProfile(s: PackedChannel, names: Interner): ChannelProfile {
  const f = byFacet(s.counts);
  const uniqueUsers = f[Facet.party]!.length;
  const keywordCounts = topCounted(f[Facet.keyword]!, names, TOP_COUNTED);
  const userCounts = topCounted(f[Facet.party]!, names, TOP_COUNTED);
  const mentions = relationshipMentions(s.targets ?? new Map());
  return {
    channel: s.channel,
    unique_users: uniqueUsers,
    message_count: s.message_count,
    first_seen: s.first_seen,
    last_seen: s.last_seen,
    top_users: userCounts.slice(0, TOP_NAMES).map((x) => x.name),
    user_counts: userCounts,
    top_keywords: keywordCounts.slice(0, TOP_NAMES).map((x) => x.name),
    keyword_counts: keywordCounts,
    ...packedFacets(f, names),
    streamer_signals: { relationship_mentions: mentions },
  };
}

/** The mentions, emotes, domains and activity of a packed user's or channel's rollup. */
function packedFacets(
  f: number[][][],
  names: Interner,
): Pick<UserProfile, "top_mentions" | "top_emotes" | "url_domains" | "activity"> {
  return {
    top_mentions: topCounted(f[Facet.mention]!, names, TOP_COUNTED),
    top_emotes: topCounted(f[Facet.emote]!, names, TOP_COUNTED),
    url_domains: topCounted(f[Facet.domain]!, names, TOP_COUNTED),
    activity: {
      by_hour: hoursFrom(f[Facet.hour]!),
      by_day: recordOf(sortedEntries(f[Facet.day]!, names)),
    },
  };
}

/** The by-hour counts (the plain form's `by_hour`) from the hour facet's pairs. */
function hoursFrom(entries: readonly number[][]): number[] {
  const out = new Array<number>(24).fill(0);
  for (const [h, n] of entries) out[h!] = n!;
  return out;
}

/** [id, count] pairs as [name, count] entries, in their order (the codec's form of a count map). */
function named(entries: readonly number[][], names: Interner): Array<[string, number]> {
  const all = names.names;
  return entries.map(([id, n]) => [all[id!]!, n!]);
}

/**
 * The codec's form of a count table in one walk: for each facet, its [name, count] entries in
 * table order, and the hour counts as `by_hour` (an hour's id is the hour, not a name).
 */
function namedByFacet(
  c: CountTable,
  names: Interner,
): { f: Array<Array<[string, number]>>; hours: number[] } {
  const all = names.names;
  const f: Array<Array<[string, number]>> = [[], [], [], [], [], [], [], []];
  const hours = new Array<number>(24).fill(0);
  c.eachEntry((key, n) => {
    const facet = key & FACET_MASK;
    const id = (key >>> FACET_BITS) - 1;
    if (facet === Facet.hour) hours[id] = n;
    else f[facet]!.push([all[id]!, n]);
  });
  return { f, hours };
}

function encodeCommon(
  s: PackedCommon,
  { f, hours }: { f: Array<Array<[string, number]>>; hours: number[] },
): Record<string, unknown> {
  return {
    message_count: s.message_count,
    first_seen: s.first_seen,
    last_seen: s.last_seen,
    keywords: f[Facet.keyword]!,
    mentions: f[Facet.mention]!,
    emotes: f[Facet.emote]!,
    domains: f[Facet.domain]!,
    by_hour: hours,
    by_day: f[Facet.day]!,
  };
}

/**
 * A packed person rollup as the text `encodeUserState` (`rollup_codec.ts`) writes for its plain
 * form (entries of a count map may come in another order), which `decodeUserState` reads.
 */
export function encodePackedUser(s: PackedUser, names: Interner): string {
  const t = namedByFacet(s.counts, names);
  return JSON.stringify({
    v: 1,
    user_name: s.user_name,
    ...encodeCommon(s, t),
    logins: s.logins.map((l) => [l.login, plainUse(l)]),
    display_names: s.display_names ?? [],
    user_id: plainLatest(s.user_id),
    display_name: plainLatest(s.display_name),
    per_channel: t.f[Facet.party]!,
    asked: s.asked,
    targets: t.f[Facet.target]!,
    evidence: s.evidence ?? [],
  });
}

/** A packed channel rollup as `encodeChannelState` writes its plain form. */
export function encodePackedChannel(s: PackedChannel, names: Interner): string {
  const t = namedByFacet(s.counts, names);
  return JSON.stringify({
    v: 1,
    channel: s.channel,
    ...encodeCommon(s, t),
    users: t.f[Facet.party]!,
    targets: [...s.targets ?? []].map(([k, t]) => [k, { ...t, users: [...t.users] }]),
  });
}
