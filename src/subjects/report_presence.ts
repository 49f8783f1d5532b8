/**
 * The chat presence part of a subject report: where and when the subject was seen, from the
 * user's profile when there is one, else from the messages themselves (their own messages for
 * a username, the messages whose text held the value for an email or phone). Pure.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { presenceFromMessages } from "./report_presence.ts";
 * const m = { ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "ann", text: "hi", mentions: [], urls: [], emotes: [], source: "fixture" as const };
 * const p = presenceFromMessages([m], "a scan of the log", true);
 * deepStrictEqual(p.channels, [{ channel: "c", messages: 1 }]);
 * deepStrictEqual(p.activity?.by_day, { "2025-09-02": 1 });
 * ```
 *
 * @module
 */
import type { Activity, Message, UserProfile } from "../schemas.ts";
import type { HitRow } from "../query/hits.ts";

/** Messages of the subject in one channel. */
export interface ChannelPresence {
  channel: string;
  messages: number;
}

/** Where the subject was seen in chat. */
export interface PresenceSection {
  rests_on: string;
  seen: boolean;
  /** Messages written by (username) or holding the value of (email, phone) the subject. */
  message_count: number;
  channels: ChannelPresence[];
  first_seen: string | null;
  last_seen: string | null;
  /** UTC activity histograms (username subjects). */
  activity: Activity | null;
  top_keywords: string[];
  display_name: string | null;
  user_id: string | null;
}

const byMessagesThenName = (a: ChannelPresence, b: ChannelPresence): number =>
  b.messages - a.messages || (a.channel < b.channel ? -1 : 1);

/** Presence computed from a list of messages (pure). */
export function presenceFromMessages(
  messages: readonly Message[],
  restsOn: string,
  withActivity: boolean,
): PresenceSection {
  const per = new Map<string, number>();
  let first: string | null = null;
  let last: string | null = null;
  const byHour = new Array<number>(24).fill(0);
  const byDay: Record<string, number> = {};
  let displayName: string | null = null;
  let userId: string | null = null;
  for (const m of messages) {
    per.set(m.channel, (per.get(m.channel) ?? 0) + 1);
    if (first === null || m.ts < first) first = m.ts;
    if (last === null || m.ts >= last) {
      last = m.ts;
      displayName = m.display_name ?? displayName;
      userId = m.user_id ?? userId;
    }
    const hour = Number(m.ts.slice(11, 13));
    byHour[hour] = (byHour[hour] ?? 0) + 1;
    const day = m.ts.slice(0, 10);
    byDay[day] = (byDay[day] ?? 0) + 1;
  }
  const channels = [...per].map(([channel, n]) => ({ channel, messages: n }))
    .sort(byMessagesThenName);
  return {
    rests_on: restsOn,
    seen: messages.length > 0,
    message_count: messages.length,
    channels,
    first_seen: first,
    last_seen: last,
    activity: withActivity && messages.length ? { by_hour: byHour, by_day: byDay } : null,
    top_keywords: [],
    display_name: displayName,
    user_id: userId,
  };
}

/** Presence from a user's profile, counting only the channels `allows` lets through (pure). */
export function presenceFromProfile(
  p: UserProfile,
  restsOn: string,
  allows: (channel: string) => boolean,
): PresenceSection {
  const channels = p.channels_participated
    .filter(allows)
    .map((c) => ({ channel: c, messages: p.per_channel[c] ?? 0 }))
    .sort(byMessagesThenName);
  return {
    rests_on: restsOn,
    seen: true,
    message_count: channels.reduce((s, c) => s + c.messages, 0),
    channels,
    first_seen: p.first_seen,
    last_seen: p.last_seen,
    activity: p.activity,
    top_keywords: p.top_keywords,
    display_name: p.display_name,
    user_id: p.user_id,
  };
}

/**
 * Presence of an email or phone: the messages whose text held it, once each, from its
 * watchlist hit rows (pure).
 */
export function presenceFromHits(rows: readonly HitRow[], restsOn: string): PresenceSection {
  const seen = new Map<string, Message>();
  for (const r of rows) {
    if (!seen.has(r.message_id)) {
      seen.set(r.message_id, {
        ts: r.ts,
        channel: r.channel,
        message_id: r.message_id,
        user_id: null,
        user_name: r.user_name,
        text: r.text,
        mentions: [],
        urls: [],
        emotes: [],
        source: "fixture",
      });
    }
  }
  return presenceFromMessages([...seen.values()], restsOn, false);
}
