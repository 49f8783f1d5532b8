/**
 * `users find TEXT`: which persons an analyst may mean. Each person is known by their current
 * login, their past logins, their display names and their Twitch user id; a query matches one
 * of them exactly, as a prefix, as a substring, or as a near miss (a typo: at most one edit for
 * short queries, two from 6 characters, counting a swap of two neighbours as one). Matches rank
 * by that order first, then by activity (messages), then by login. Pure.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { findPersons } from "./name_match.ts";
 * const people = [
 *   { person: "#1", login: "sara_k", past_logins: ["sarahk"], display_names: ["Sara_K"], user_id: "1", messages: 40 },
 *   { person: "#2", login: "saraphine", past_logins: [], display_names: [], user_id: "2", messages: 90 },
 * ];
 * deepStrictEqual(findPersons("sarah", people).map((m) => [m.person, m.how]), [
 *   ["#1", "prefix"],
 *   ["#2", "near"],
 * ]);
 * ```
 *
 * @module
 */

/** A person as `users find` sees them. */
export interface FindablePerson {
  person: string;
  login: string;
  past_logins: readonly string[];
  display_names: readonly string[];
  user_id: string | null;
  messages: number;
}

/** How a query matched, best first. */
export const MATCH_KINDS = ["exact", "prefix", "substring", "near"] as const;
/** One of {@link MATCH_KINDS}. */
export type MatchKind = typeof MATCH_KINDS[number];

/** A person found, with what matched. */
export interface PersonMatch extends FindablePerson {
  how: MatchKind;
  /** The name that matched and which of their names it is. */
  matched: string;
  field: "login" | "past_login" | "display_name" | "user_id";
  /** Edits for a near miss, else 0. */
  distance: number;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent swaps), stopping early once it
 * exceeds `max` (then returns `max + 1`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { editDistance } from "./name_match.ts";
 * strictEqual(editDistance("sara", "sraa", 2), 1);
 * strictEqual(editDistance("kitten", "sitting", 5), 3);
 * ```
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[n]!, max + 1);
}

/** The edits a near miss may need for a query of this length. */
export function typoBudget(query: string): number {
  return query.length < 3 ? 0 : query.length < 6 ? 1 : 2;
}

function matchOne(q: string, name: string): { how: MatchKind; distance: number } | null {
  if (name === q) return { how: "exact", distance: 0 };
  if (name.startsWith(q)) return { how: "prefix", distance: 0 };
  if (name.includes(q)) return { how: "substring", distance: 0 };
  const budget = typoBudget(q);
  if (budget === 0) return null;
  // A typo in the query against the whole name, or against a prefix of the same length (the
  // analyst typed the start of a long login, with a typo).
  const whole = editDistance(q, name, budget);
  const prefix = name.length > q.length ? editDistance(q, name.slice(0, q.length), budget) : whole;
  const d = Math.min(whole, prefix);
  return d <= budget ? { how: "near", distance: d } : null;
}

/** Persons matching `text`, best first; at most `limit`. */
export function findPersons(
  text: string,
  people: Iterable<FindablePerson>,
  limit = 20,
): PersonMatch[] {
  const q = text.trim().replace(/^[@#]/, "").toLowerCase();
  if (q === "") return [];
  const out: PersonMatch[] = [];
  for (const p of people) {
    let best: PersonMatch | null = null;
    const names: Array<[string, PersonMatch["field"]]> = [
      [p.login, "login"],
      ...p.past_logins.map((l): [string, PersonMatch["field"]] => [l, "past_login"]),
      ...p.display_names.map((
        d,
      ): [string, PersonMatch["field"]] => [d.toLowerCase(), "display_name"]),
    ];
    if (p.user_id !== null) names.push([p.user_id, "user_id"]);
    for (const [name, field] of names) {
      // An id matches only exactly or as a prefix: a near miss of a number means nothing.
      const m = field === "user_id"
        ? (name === q ? { how: "exact" as const, distance: 0 } : null)
        : matchOne(q, name);
      if (m === null) continue;
      const cand: PersonMatch = { ...p, how: m.how, matched: name, field, distance: m.distance };
      if (best === null || rank(cand) < rank(best)) best = cand;
    }
    if (best) out.push(best);
  }
  out.sort((a, b) =>
    rank(a) - rank(b) || b.messages - a.messages ||
    (a.login < b.login ? -1 : a.login > b.login ? 1 : 0) ||
    (a.person < b.person ? -1 : 1)
  );
  return out.slice(0, limit);
}

function rank(m: PersonMatch): number {
  return MATCH_KINDS.indexOf(m.how) * 10 + m.distance;
}
