/**
 * Merging rollup states: a person's profile merges the rollups of all their keys (their id's,
 * and those of their logins seen without an id, `IdentityDirectory.keysOf`), as the embedded
 * store merges them. Every aggregate of `src/analysis/rollups.ts` is a function of the set of
 * messages folded in, so merging the states of disjoint sets of messages gives the state of
 * their union: the same state, hence the same profile bytes, as folding them all.
 *
 * @module
 */
import {
  type ChannelState,
  MAX_EXAMPLES,
  mergeUserStates,
  newChannelState,
  type TargetState,
  type UserState,
} from "../../analysis/rollups.ts";

function add(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/** True when stamp `a` is newer than `b` (newest first, ties by the smaller message id). */
function newer(a: { ts: string; mid: string }, b: { ts: string; mid: string }): boolean {
  return a.ts > b.ts || (a.ts === b.ts && a.mid < b.mid);
}

function mergeTarget(into: TargetState, t: TargetState): void {
  into.count += t.count;
  for (const u of t.users) into.users.add(u);
  if (t.first_seen < into.first_seen) into.first_seen = t.first_seen;
  if (t.last_seen > into.last_seen) into.last_seen = t.last_seen;
  // Each distinct snippet at its latest occurrence, newest first, the first MAX_EXAMPLES:
  // a snippet among the union's first is among the first of the part holding its latest use.
  const latest = new Map<string, { snippet: string; at: { ts: string; mid: string } }>();
  for (const e of [...into.examples, ...t.examples]) {
    const had = latest.get(e.snippet);
    if (had === undefined || newer(e.at, had.at)) latest.set(e.snippet, e);
  }
  into.examples = [...latest.values()]
    .sort((a, b) => newer(a.at, b.at) ? -1 : newer(b.at, a.at) ? 1 : 0)
    .slice(0, MAX_EXAMPLES)
    .map((e) => ({ snippet: e.snippet, at: { ...e.at } }));
}

/**
 * One channel rollup of several (of disjoint sets of messages of one channel).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { facetsOf, foldChannel, newChannelState } from "../../analysis/rollups.ts";
 * import { mergeChannelStates } from "./rollup_merge.ts";
 * const parts = ["a", "b"].map((u, i) => {
 *   const s = newChannelState("c");
 *   const m = { ts: `2025-01-0${i + 1}T00:00:00.000Z`, channel: "c", message_id: u, user_id: null,
 *     user_name: u, text: "hi", mentions: [], urls: [], emotes: [], source: "fixture" as const };
 *   foldChannel(s, m, facetsOf(m));
 *   return s;
 * });
 * const s = mergeChannelStates(parts);
 * strictEqual(s.message_count, 2);
 * strictEqual(s.users.size, 2);
 * ```
 */
export function mergeChannelStates(states: readonly ChannelState[]): ChannelState {
  const out = newChannelState(states[0]!.channel);
  for (const s of states) {
    out.message_count += s.message_count;
    if (s.first_seen !== "" && (out.first_seen === "" || s.first_seen < out.first_seen)) {
      out.first_seen = s.first_seen;
    }
    if (s.last_seen > out.last_seen) out.last_seen = s.last_seen;
    add(out.keywords, s.keywords);
    add(out.mentions, s.mentions);
    add(out.emotes, s.emotes);
    add(out.domains, s.domains);
    s.by_hour.forEach((n, h) => out.by_hour[h] = (out.by_hour[h] ?? 0) + n);
    add(out.by_day, s.by_day);
    add(out.users, s.users);
    for (const [k, t] of s.targets) {
      const had = out.targets.get(k);
      if (had === undefined) {
        out.targets.set(k, {
          count: 0,
          users: new Set(),
          first_seen: t.first_seen,
          last_seen: t.last_seen,
          examples: [],
        });
      }
      mergeTarget(out.targets.get(k)!, t);
    }
  }
  return out;
}

/** One rollup of several states of one user (person) or channel; the first state's key. */
export function mergeStates<S extends UserState | ChannelState>(states: readonly S[]): S {
  if (states.length === 1) return states[0]!;
  return ("channel" in states[0]!
    ? mergeChannelStates(states as readonly ChannelState[])
    : mergeUserStates(states as readonly UserState[])) as S;
}
