/**
 * Rollups: the aggregates behind user and channel profiles, and how messages fold into them.
 * The profile JSON is rendered from them by `rollup_profiles.ts`; the store persists them as
 * text with `rollup_codec.ts` (both re-exported here, so one import serves a caller).
 *
 * Every aggregate is a function of the SET of messages folded into it, not of their order or of
 * how they were batched: counts are sums, first/last seen are min/max, "latest" values and
 * bounded evidence lists are chosen by a total order on (ts, message_id). So folding the same
 * messages in any batches, or rebuilding from the log, gives the same state, and
 * `userProfile` / `channelProfile` then give the same bytes. Top-K lists stay exact
 * because the full count maps are kept (the store persists them, see `src/store/embedded/profile_store.ts`).
 *
 * @module
 */
import type { Evidence, Message } from "../schemas.ts";
import { urlDomain } from "./extract.ts";
import { holderAt, type LoginSpan } from "./identity.ts";
import { extractKeywords } from "./keywords.ts";

/** How many names the `top_*` string lists hold. */
export const TOP_NAMES = 10;
/** How many entries the `*_counts`, `top_mentions`, `top_emotes`, `url_domains` lists hold. */
export const TOP_COUNTED = 25;
/** How many evidence items a user's facts keep (the latest). */
export const MAX_EVIDENCE = 10;
/** How many example snippets a relationship mention keeps (the latest distinct ones). */
export const MAX_EXAMPLES = 5;

/** A point in the total order of messages: newer first, then smaller message_id first. */
interface Stamp {
  ts: string;
  mid: string;
}

/** True when `a` comes before `b` in "newest first, ties by message_id" order. */
function before(a: Stamp, b: Stamp): boolean {
  return a.ts > b.ts || (a.ts === b.ts && a.mid < b.mid);
}

/** {@link before} of the stamp (`ts`, `mid`), without making it. */
function stampBefore(ts: string, mid: string, b: Stamp): boolean {
  return ts > b.ts || (ts === b.ts && mid < b.mid);
}

/** Aggregates shared by users and channels. */
export interface CommonState {
  message_count: number;
  first_seen: string;
  last_seen: string;
  keywords: Map<string, number>;
  mentions: Map<string, number>;
  emotes: Map<string, number>;
  domains: Map<string, number>;
  by_hour: number[];
  by_day: Map<string, number>;
}

/** One login of a person: first seen, last seen (with its message), messages under it. */
export interface LoginUse {
  first: string;
  last: Stamp;
  count: number;
}

/**
 * The rollup of one person (see `src/analysis/identity.ts`): all their messages under every
 * login. `user_name` holds the person key (`#<user_id>`, or the login of a person without id);
 * the profile's `user_name` is their current login.
 */
export interface UserState extends CommonState {
  user_name: string;
  /** Every login the person wrote under. */
  logins: Map<string, LoginUse>;
  /** Every display name they showed. */
  display_names: Set<string>;
  /** Latest non-null user_id and display_name, with the message they came from. */
  user_id: { value: string; at: Stamp } | null;
  display_name: { value: string; at: Stamp } | null;
  per_channel: Map<string, number>;
  asked: boolean;
  targets: Map<string, number>;
  /** The latest evidence items, newest first, at most {@link MAX_EVIDENCE}. */
  evidence: Array<Evidence>;
}

/** What the channel keeps per suspected partner of its streamer. */
export interface TargetState {
  count: number;
  users: Set<string>;
  first_seen: string;
  last_seen: string;
  /** Distinct snippets with their latest occurrence, newest first, at most MAX_EXAMPLES. */
  examples: Array<{ snippet: string; at: Stamp }>;
}

/** The rollup of one channel. */
export interface ChannelState extends CommonState {
  channel: string;
  users: Map<string, number>;
  targets: Map<string, TargetState>;
}

function newCommon(): CommonState {
  return {
    message_count: 0,
    // Empty until the first message is folded in.
    first_seen: "",
    last_seen: "",
    keywords: new Map(),
    mentions: new Map(),
    emotes: new Map(),
    domains: new Map(),
    by_hour: new Array<number>(24).fill(0),
    by_day: new Map(),
  };
}

/** An empty user rollup. */
export function newUserState(userName: string): UserState {
  return {
    user_name: userName,
    ...newCommon(),
    logins: new Map(),
    display_names: new Set(),
    user_id: null,
    display_name: null,
    per_channel: new Map(),
    asked: false,
    targets: new Map(),
    evidence: [],
  };
}

/** An empty channel rollup. */
export function newChannelState(channel: string): ChannelState {
  return { channel, ...newCommon(), users: new Map(), targets: new Map() };
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** What folding needs from a message, computed once for its user and its channel. */
export interface Facets {
  keywords: string[];
  domains: string[];
  hour: number;
  day: string;
}

/** Derives the facets of a message (keywords, URL domains, UTC hour and day). */
export function facetsOf(m: Message): Facets {
  const domains: string[] = [];
  for (const u of m.urls) {
    const d = urlDomain(u);
    if (d !== null) domains.push(d);
  }
  return {
    keywords: extractKeywords(m.text, m.emotes),
    domains,
    hour: Number(m.ts.slice(11, 13)),
    day: m.ts.slice(0, 10),
  };
}

function foldCommon(s: CommonState, m: Message, f: Facets): void {
  s.message_count++;
  if (s.first_seen === "" || m.ts < s.first_seen) s.first_seen = m.ts;
  if (m.ts > s.last_seen) s.last_seen = m.ts;
  for (const k of f.keywords) bump(s.keywords, k);
  for (const x of m.mentions) bump(s.mentions, x);
  for (const x of m.emotes) bump(s.emotes, x);
  for (const d of f.domains) bump(s.domains, d);
  if (f.hour >= 0 && f.hour < 24) s.by_hour[f.hour] = (s.by_hour[f.hour] ?? 0) + 1;
  bump(s.by_day, f.day);
}

/** Folds one message (by this person) into a user rollup. */
export function foldUser(s: UserState, m: Message, f: Facets): void {
  foldCommon(s, m, f);
  // A stamp is made only where one is kept, once per message, and shared where kept again
  // (stamps are never changed in place).
  const { ts, message_id: mid } = m;
  let at: Stamp | undefined;
  bump(s.per_channel, m.channel);
  const use = s.logins.get(m.user_name);
  if (!use) s.logins.set(m.user_name, { first: ts, last: at = { ts, mid }, count: 1 });
  else {
    use.count++;
    if (ts < use.first) use.first = ts;
    if (stampBefore(ts, mid, use.last)) use.last = at ??= { ts, mid };
  }
  const display = m.display_name;
  if (display !== undefined) s.display_names.add(display);
  if (m.user_id !== null && (s.user_id === null || stampBefore(ts, mid, s.user_id.at))) {
    s.user_id = { value: m.user_id, at: at ??= { ts, mid } };
  }
  if (
    display !== undefined && (s.display_name === null || stampBefore(ts, mid, s.display_name.at))
  ) {
    s.display_name = { value: display, at: at ??= { ts, mid } };
  }
  for (const sig of m.signals ?? []) {
    if (sig.kind !== "relationship") continue;
    // Asked means asked: a claim ("i think he's dating jessica") is evidence and names a
    // target, but only a question sets `asked_about_streamer_relationship`.
    if (sig.type === "question") s.asked = true;
    if (sig.target !== null) bump(s.targets, sig.target);
    const ev: Evidence = {
      ts: m.ts,
      channel: m.channel,
      message_id: m.message_id,
      snippet: sig.snippet,
    };
    // Several signals of one message give one evidence item (the first signal's snippet).
    if (s.evidence.some((e) => e.message_id === m.message_id && e.ts === m.ts)) continue;
    insertBounded(s.evidence, ev, (a, b) => before(stampOf(a), stampOf(b)), MAX_EVIDENCE);
  }
}

function stampOf(e: Evidence): Stamp {
  return { ts: e.ts, mid: e.message_id };
}

/** Inserts into a list kept sorted by `first`, cut to `max`. */
/** Inserts `item` in order into a list kept to its `max` first items. */
export function insertBounded<T>(
  list: T[],
  item: T,
  first: (a: T, b: T) => boolean,
  max: number,
): void {
  let i = list.length;
  while (i > 0 && first(item, list[i - 1]!)) i--;
  if (i >= max) return;
  list.splice(i, 0, item);
  if (list.length > max) list.length = max;
}

function mergeCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [k, v] of from) bump(into, k, v);
}

/**
 * One rollup of the messages of several (a person's id rollup and the rollups of their logins
 * seen without an id): the same state as folding all their messages into one, since every
 * aggregate is a function of the set of messages. Keeps the first state's key.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { facetsOf, foldUser, mergeUserStates, newUserState } from "./rollups.ts";
 * const a = newUserState("#7");
 * const b = newUserState("someuser");
 * for (const [s, id] of [[a, "7"], [b, null]] as const) {
 *   const m = { ts: "2025-01-01T00:00:00.000Z", channel: "c", message_id: String(id), user_id: id,
 *     user_name: "someuser", text: "hi", mentions: [], urls: [], emotes: [], source: "fixture" as const };
 *   foldUser(s, m, facetsOf(m));
 * }
 * strictEqual(mergeUserStates([a, b]).message_count, 2);
 * ```
 */
export function mergeUserStates(states: readonly UserState[]): UserState {
  const out = newUserState(states[0]!.user_name);
  for (const s of states) {
    out.message_count += s.message_count;
    if (s.first_seen !== "" && (out.first_seen === "" || s.first_seen < out.first_seen)) {
      out.first_seen = s.first_seen;
    }
    if (s.last_seen > out.last_seen) out.last_seen = s.last_seen;
    mergeCounts(out.keywords, s.keywords);
    mergeCounts(out.mentions, s.mentions);
    mergeCounts(out.emotes, s.emotes);
    mergeCounts(out.domains, s.domains);
    s.by_hour.forEach((n, h) => out.by_hour[h] = (out.by_hour[h] ?? 0) + n);
    mergeCounts(out.by_day, s.by_day);
    for (const [login, u] of s.logins) {
      const had = out.logins.get(login);
      if (!had) out.logins.set(login, { first: u.first, last: { ...u.last }, count: u.count });
      else {
        had.count += u.count;
        if (u.first < had.first) had.first = u.first;
        if (before(u.last, had.last)) had.last = { ...u.last };
      }
    }
    for (const d of s.display_names) out.display_names.add(d);
    if (s.user_id && (out.user_id === null || before(s.user_id.at, out.user_id.at))) {
      out.user_id = { ...s.user_id };
    }
    if (
      s.display_name &&
      (out.display_name === null || before(s.display_name.at, out.display_name.at))
    ) {
      out.display_name = { ...s.display_name };
    }
    mergeCounts(out.per_channel, s.per_channel);
    out.asked ||= s.asked;
    mergeCounts(out.targets, s.targets);
    for (const e of s.evidence) {
      insertBounded(out.evidence, { ...e }, (a, b) => before(stampOf(a), stampOf(b)), MAX_EVIDENCE);
    }
  }
  return out;
}

/** Folds one message (in this channel) into a channel rollup. */
export function foldChannel(s: ChannelState, m: Message, f: Facets): void {
  foldCommon(s, m, f);
  bump(s.users, m.user_name);
  foldRelationshipTargets(m, () => s.targets);
}

/**
 * Folds a message's relationship signals into a channel's targets: one piece of evidence per
 * target and message, the latest occurrence of each distinct snippet kept. `targets` gives the
 * map, made only when a message carries a signal (the packed state creates it lazily).
 */
export function foldRelationshipTargets(
  m: Message,
  targets: () => Map<string, TargetState>,
): void {
  // Most messages carry no signal: nothing more to allocate for them.
  if (m.signals === undefined || m.signals.length === 0) return;
  const at = { ts: m.ts, mid: m.message_id };
  const seen = new Set<string>();
  for (const sig of m.signals) {
    if (sig.kind !== "relationship" || sig.target === null) continue;
    // One message is one piece of evidence per target, however many rules fired.
    if (seen.has(sig.target)) continue;
    seen.add(sig.target);
    let t = targets().get(sig.target);
    if (!t) {
      t = { count: 0, users: new Set(), first_seen: m.ts, last_seen: m.ts, examples: [] };
      targets().set(sig.target, t);
    }
    t.count++;
    t.users.add(m.user_name);
    if (m.ts < t.first_seen) t.first_seen = m.ts;
    if (m.ts > t.last_seen) t.last_seen = m.ts;
    // Keep the latest occurrence of each distinct snippet; the bounded list stays exact
    // because a snippet that fell out can only come back with a newer occurrence.
    const i = t.examples.findIndex((e) => e.snippet === sig.snippet);
    if (i !== -1) {
      if (!before(at, t.examples[i]!.at)) continue;
      t.examples.splice(i, 1);
    }
    insertBounded(
      t.examples,
      { snippet: sig.snippet, at },
      (a, b) => before(a.at, b.at),
      MAX_EXAMPLES,
    );
  }
}

/**
 * The logins of a person rollup as spans (oldest first), for the identity directory.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { facetsOf, foldUser, loginSpans, newUserState } from "./rollups.ts";
 * const s = newUserState("#7");
 * for (const [ts, login] of [["2025-01-01T00:00:00.000Z", "old"], ["2025-02-01T00:00:00.000Z", "new"]]) {
 *   const m = { ts: ts!, channel: "c", message_id: ts!, user_id: "7", user_name: login!, text: "hi",
 *     mentions: [], urls: [], emotes: [], source: "twitch-irc" as const };
 *   foldUser(s, m, facetsOf(m));
 * }
 * strictEqual(loginSpans(s).map((x) => x.login).join(","), "old,new");
 * ```
 */
export function loginSpans(s: UserState): LoginSpan[] {
  const out: LoginSpan[] = [...s.logins].map(([login, u]) => ({
    person: s.user_name,
    login,
    first_seen: u.first,
    last_seen: u.last.ts,
    count: u.count,
    last_mid: u.last.mid,
  }));
  return out.sort((a, b) =>
    a.first_seen < b.first_seen ? -1 : a.first_seen > b.first_seen ? 1 : a.login < b.login ? -1 : 1
  );
}

/** The login a person rollup used last (its key when it has none yet). */
export function currentLogin(s: UserState): string {
  return holderAt(loginSpans(s))?.login ?? s.user_name;
}

export { channelProfile, topCounted, userProfile } from "./rollup_profiles.ts";
export {
  decodeChannelState,
  decodeUserState,
  encodeChannelState,
  encodeUserState,
} from "./rollup_codec.ts";
