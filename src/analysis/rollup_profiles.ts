/**
 * The profile JSON of a rollup (`rollups.ts`): pure functions from a user's or a channel's state
 * to the object written as its profile file, with the keys in the schema's order and every list
 * in a total order, so the same state always gives the same bytes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { topCounted } from "./rollup_profiles.ts";
 * strictEqual(topCounted(new Map([["b", 2], ["a", 2], ["c", 5]]), 2).map((c) => c.name).join(), "c,a");
 * ```
 *
 * @module
 */
import type { ChannelProfile, Counted, RelationshipMention, UserProfile } from "../schemas.ts";
import { holderAt, type LoginSpan } from "./identity.ts";
import {
  type ChannelState,
  loginSpans,
  type TargetState,
  TOP_COUNTED,
  TOP_NAMES,
  type UserState,
} from "./rollups.ts";

/** Counted entries, by count descending then name ascending (code unit order), cut to `max`. */
export function topCounted(map: ReadonlyMap<string, number>, max: number): Counted[] {
  const entries = [...map];
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries.slice(0, max).map(([name, count]) => ({ name, count }));
}

function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...map.keys()].sort()) out[k] = map.get(k)!;
  return out;
}

/**
 * The first fields of a user profile, the same for the plain and the packed state: the login
 * the person holds now (by `spans`), the ids last seen, and the login history.
 */
export function profileIdentity(
  s: {
    user_name: string;
    user_id: { value: string } | null;
    display_name: { value: string } | null;
  },
  spans: readonly LoginSpan[],
): Pick<UserProfile, "user_name" | "user_id" | "display_name" | "login_history"> {
  return {
    user_name: holderAt(spans)?.login ?? s.user_name,
    user_id: s.user_id?.value ?? null,
    display_name: s.display_name?.value ?? null,
    login_history: spans.map((x) => ({
      login: x.login,
      first_seen: x.first_seen,
      last_seen: x.last_seen,
      message_count: x.count,
    })),
  };
}

/** The mentions, emotes, domains and activity of a user's or a channel's rollup. */
function facets(
  s: UserState | ChannelState,
): Pick<UserProfile, "top_mentions" | "top_emotes" | "url_domains" | "activity"> {
  return {
    top_mentions: topCounted(s.mentions, TOP_COUNTED),
    top_emotes: topCounted(s.emotes, TOP_COUNTED),
    url_domains: topCounted(s.domains, TOP_COUNTED),
    activity: { by_hour: [...s.by_hour], by_day: sortedRecord(s.by_day) },
  };
}

/** The profile JSON of a user rollup (keys in the schema's order). */
export function userProfile(s: UserState): UserProfile {
  const keywordCounts = topCounted(s.keywords, TOP_COUNTED);
  return {
    ...profileIdentity(s, loginSpans(s)),
    display_names: [...s.display_names].sort(),
    channels_participated: [...s.per_channel.keys()].sort(),
    per_channel: sortedRecord(s.per_channel),
    message_count: s.message_count,
    first_seen: s.first_seen,
    last_seen: s.last_seen,
    top_keywords: keywordCounts.slice(0, TOP_NAMES).map((c) => c.name),
    keyword_counts: keywordCounts,
    ...facets(s),
    facts: {
      asked_about_streamer_relationship: s.asked,
      suspected_relationship_targets: topCounted(s.targets, Infinity).map((c) => c.name),
      evidence: s.evidence.map((e) => ({ ...e })),
    },
  };
}

/** The profile JSON of a channel rollup (keys in the schema's order). */
export function channelProfile(s: ChannelState): ChannelProfile {
  const keywordCounts = topCounted(s.keywords, TOP_COUNTED);
  const userCounts = topCounted(s.users, TOP_COUNTED);
  const mentions = relationshipMentions(s.targets);
  return {
    channel: s.channel,
    unique_users: s.users.size,
    message_count: s.message_count,
    first_seen: s.first_seen,
    last_seen: s.last_seen,
    top_users: userCounts.slice(0, TOP_NAMES).map((c) => c.name),
    user_counts: userCounts,
    top_keywords: keywordCounts.slice(0, TOP_NAMES).map((c) => c.name),
    keyword_counts: keywordCounts,
    ...facets(s),
    streamer_signals: { relationship_mentions: mentions },
  };
}

/** A channel's relationship targets as the profile's `relationship_mentions`, most evidence first. */
export function relationshipMentions(
  targets: ReadonlyMap<string, TargetState>,
): RelationshipMention[] {
  const mentions: RelationshipMention[] = [...targets].map(([target, t]) => ({
    target,
    evidence_count: t.count,
    distinct_users: t.users.size,
    first_seen: t.first_seen,
    last_seen: t.last_seen,
    examples: t.examples.map((e) => e.snippet),
  }));
  mentions.sort((a, b) =>
    b.evidence_count - a.evidence_count || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)
  );
  return mentions;
}
