/**
 * Rollups as text: the state of a user or a channel (`rollups.ts`) encoded as JSON for the
 * store (Maps and Sets as arrays), and read back. Only our own encoder's output is decoded.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { newChannelState } from "./rollups.ts";
 * import { decodeChannelState, encodeChannelState } from "./rollup_codec.ts";
 * const s = newChannelState("c");
 * deepStrictEqual(decodeChannelState(encodeChannelState(s)), s);
 * ```
 *
 * @module
 */
import type { ChannelState, CommonState, UserState } from "./rollups.ts";

type Json = unknown;

function encodeCommon(s: CommonState): Record<string, Json> {
  return {
    message_count: s.message_count,
    first_seen: s.first_seen,
    last_seen: s.last_seen,
    keywords: [...s.keywords],
    mentions: [...s.mentions],
    emotes: [...s.emotes],
    domains: [...s.domains],
    by_hour: s.by_hour,
    by_day: [...s.by_day],
  };
}

// deno-lint-ignore no-explicit-any -- decoding our own JSON written by encode*(); shape is ours
type Raw = any;

function decodeCommon(r: Raw): CommonState {
  return {
    message_count: r.message_count,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    keywords: new Map(r.keywords),
    mentions: new Map(r.mentions),
    emotes: new Map(r.emotes),
    domains: new Map(r.domains),
    by_hour: r.by_hour,
    by_day: new Map(r.by_day),
  };
}

/** A user rollup as JSON text, for the store. */
export function encodeUserState(s: UserState): string {
  return JSON.stringify({
    v: 1,
    user_name: s.user_name,
    ...encodeCommon(s),
    logins: [...s.logins],
    display_names: [...s.display_names],
    user_id: s.user_id,
    display_name: s.display_name,
    per_channel: [...s.per_channel],
    asked: s.asked,
    targets: [...s.targets],
    evidence: s.evidence,
  });
}

/** Reads a user rollup written by {@link encodeUserState}. */
export function decodeUserState(text: string): UserState {
  const r: Raw = JSON.parse(text);
  return {
    user_name: r.user_name,
    ...decodeCommon(r),
    logins: new Map(r.logins ?? []),
    display_names: new Set(r.display_names ?? []),
    user_id: r.user_id,
    display_name: r.display_name,
    per_channel: new Map(r.per_channel),
    asked: r.asked,
    targets: new Map(r.targets),
    evidence: r.evidence,
  };
}

/** A channel rollup as JSON text, for the store. */
export function encodeChannelState(s: ChannelState): string {
  return JSON.stringify({
    v: 1,
    channel: s.channel,
    ...encodeCommon(s),
    users: [...s.users],
    targets: [...s.targets].map(([k, t]) => [k, { ...t, users: [...t.users] }]),
  });
}

/** Reads a channel rollup written by {@link encodeChannelState}. */
export function decodeChannelState(text: string): ChannelState {
  const r: Raw = JSON.parse(text);
  return {
    channel: r.channel,
    ...decodeCommon(r),
    users: new Map(r.users),
    targets: new Map(
      (r.targets as Array<[string, Raw]>).map(([k, t]) => [k, { ...t, users: new Set(t.users) }]),
    ),
  };
}
