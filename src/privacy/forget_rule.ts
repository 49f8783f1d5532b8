/**
 * The forget rule: who or what to forget (users, channels, a retention cutoff), compiled into
 * the sets and matchers the record decisions use, and the scrubbing of a forgotten login out
 * of other people's text.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { compileRule, FORGOTTEN, scrubText } from "./forget_rule.ts";
 * const rule = compileRule({ users: ["someuser"] });
 * deepStrictEqual(scrubText("hi @SomeUser, someuser123", rule), `hi @${FORGOTTEN}, someuser123`);
 * ```
 *
 * @module
 */
import { subjectKey } from "../subjects/loading.ts";

/** The marker that replaces a forgotten login in other people's records. */
export const FORGOTTEN = "[forgotten]";

/** Who or what to forget. Names must be normalized logins. */
export interface ForgetSelector {
  users?: readonly string[];
  /** Twitch user ids of the forgotten users, known beforehand (their records go by id too). */
  userIds?: readonly string[];
  channels?: readonly string[];
  /** Drop records with `ts` strictly before this UTC timestamp (retention). */
  before?: string;
}

/** A compiled selector: what the per-record functions need. */
export interface ForgetRule {
  users: ReadonlySet<string>;
  channels: ReadonlySet<string>;
  before: string | null;
  /** Keys of the username subjects of forgotten users (their hits are dropped). */
  subjectKeys: ReadonlySet<string>;
  /** Twitch user ids of forgotten users, learned from their dropped records. */
  userIds: Set<string>;
  /** Whole-word, case-insensitive matcher of the forgotten logins; null when no user. */
  word: RegExp | null;
  /** Cheap pre-filter: does a line contain any forgotten login at all (any case). */
  anyUser: RegExp | null;
}

/** Characters of a login: what a whole-word match must not touch. */
export const WORD = "A-Za-z0-9_";

/** Compiles a selector. Logins are plain `[a-z0-9_]`, so they need no regex escaping. */
export function compileRule(sel: ForgetSelector): ForgetRule {
  const users = new Set(sel.users ?? []);
  const alternatives = [...users].sort((a, b) => b.length - a.length).join("|");
  return {
    users,
    channels: new Set(sel.channels ?? []),
    before: sel.before ?? null,
    subjectKeys: new Set([...users].map((u) => subjectKey("username", u))),
    userIds: new Set(sel.userIds ?? []),
    word: users.size ? new RegExp(`(?<![${WORD}])(?:${alternatives})(?![${WORD}])`, "gi") : null,
    anyUser: users.size ? new RegExp(alternatives, "i") : null,
  };
}

/** Replaces whole-word occurrences of the forgotten logins in `s` by {@link FORGOTTEN}. */
export function scrubText(s: string, rule: ForgetRule): string {
  if (rule.word === null || !rule.anyUser!.test(s)) return s;
  rule.word.lastIndex = 0;
  return s.replace(rule.word, FORGOTTEN);
}

/** Scrubs every string in a JSON value (keys kept); ids of forgotten users become markers. */
export function scrubDeep(v: unknown, rule: ForgetRule): unknown {
  if (typeof v === "string") return rule.userIds.has(v) ? FORGOTTEN : scrubText(v, rule);
  if (Array.isArray(v)) return v.map((x) => scrubDeep(x, rule));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = scrubDeep(x, rule);
    return out;
  }
  return v;
}
