/**
 * One person's messages, whatever login they wrote under: the person an analyst names (any of
 * their logins, or their user id) is resolved through the identity directory
 * (`src/analysis/identity.ts`, persisted beside the profile rollups), then each login is searched
 * over the time its person held it and the results are kept when the message is theirs (a
 * recycled login's other holder is left out). Results come in search order: newest first, ties
 * by message_id.
 *
 * @module
 */
import {
  type IdentityDirectory,
  type LoginSpan,
  personKey,
  userIdOfKey,
} from "../analysis/identity.ts";
import { IdentityDirectory as Directory, profileNameOf } from "../analysis/identity.ts";
import { NotFoundError } from "../errors.ts";
import type { Message } from "../schemas.ts";
import type { MessageQuery, Store } from "../store/store.ts";
import type { PrivacyFilter } from "./privacy_filter.ts";

/** A person resolved from what an analyst typed. */
export interface Person {
  /** `#<user_id>`, or the login of a person seen without an id. */
  key: string;
  user_id: string | null;
  /** The login they used last. */
  login: string;
  /** Every login they wrote under, oldest first (empty when nothing is known of them yet). */
  logins: LoginSpan[];
  /** The rollup keys whose messages are theirs: their id, and logins seen without an id. */
  keys: string[];
}

/**
 * Resolves a login (any the person used; a recycled login is its holder at `ts`, now when
 * absent) or a user id (`123`, `#123`, `id:123`) to a person. A login never seen is returned as
 * a login-only person without spans, so a search still runs on it.
 */
export async function resolvePerson(store: Store, input: string, ts?: string): Promise<Person> {
  return personIn(await directoryAbout(store, [input]), input, ts);
}

/** The identity directory of the persons `inputs` name (and every holder of their logins). */
export async function directoryAbout(
  store: Store,
  inputs: readonly string[],
): Promise<IdentityDirectory> {
  return new Directory(await store.loginSpans(inputs));
}

/**
 * The profile name of the person `input` names (any login they used, or their id), or the
 * input itself when no person is known by it. Throws NotFoundError when the opt-out list names
 * the person through any of their logins.
 */
export async function personProfileName(
  store: Store,
  input: string,
  privacy: PrivacyFilter,
): Promise<string> {
  const dir = await directoryAbout(store, [input]);
  const person = personIn(dir, input);
  if (personOptedOut(person, privacy)) {
    throw new NotFoundError(`user "${input}" is on the opt-out list: its profile is not served`);
  }
  return person.logins.length ? profileNameOf(person.key, dir) : person.login;
}

/** The whole identity directory. */
export async function fullDirectory(store: Store): Promise<IdentityDirectory> {
  return new Directory(await store.loginSpans());
}

/** {@link resolvePerson} against a directory already loaded. */
export function personIn(dir: IdentityDirectory, input: string, ts?: string): Person {
  const key = dir.resolve(input, ts);
  if (key === null) {
    const login = input.trim().replace(/^[@#]/, "").replace(/^id:/, "").toLowerCase();
    return { key: login, user_id: null, login, logins: [], keys: [login] };
  }
  return {
    key,
    user_id: userIdOfKey(key),
    login: dir.currentLogin(key) ?? key,
    logins: dir.history(key),
    keys: dir.keysOf(key),
  };
}

/** True when the opt-out list names any of the person's logins (then none of it is served). */
export function personOptedOut(p: Person, privacy: PrivacyFilter): boolean {
  if (!privacy.allows(p.login, "")) return true;
  return p.logins.some((s) => !privacy.allows(s.login, ""));
}

const DAY_MS = 86_400_000;

/**
 * The person's messages matching `q` (its `by` is ignored), raw (the caller applies the opt-out
 * list): newest first, ties by message_id, at
 * most `q.limit`. Each login is searched over its use by this person (a day's margin either
 * side), and only messages whose person is theirs are kept.
 */
export async function personMessages(
  store: Store,
  p: Person,
  q: Omit<MessageQuery, "by">,
): Promise<Message[]> {
  const spans: Array<{ login: string; since?: number; until?: number }> = p.logins.length
    ? p.logins.map((s, i) => ({
      login: s.login,
      // The first login from the start, the current one to the end: the rollups that record
      // the spans may lag the log.
      ...(i > 0 ? { since: Date.parse(s.first_seen) - DAY_MS } : {}),
      ...(s.login !== p.login ? { until: Date.parse(s.last_seen) + DAY_MS } : {}),
    }))
    : [{ login: p.login }];
  const all: Message[] = [];
  for (const s of spans) {
    const sinceMs = max(q.sinceMs, s.since);
    const untilMs = min(q.untilMs, s.until);
    if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) continue;
    // Ask for more until `limit` of the person's own are found or the login is exhausted.
    for (let ask = q.limit;; ask *= 4) {
      const r = await store.searchMessages({
        ...q,
        by: { kind: "user", value: s.login },
        ...(sinceMs !== undefined ? { sinceMs } : {}),
        ...(untilMs !== undefined ? { untilMs } : {}),
        limit: ask,
      });
      const mine = r.messages.filter((m) => belongs(m, p));
      if (r.messages.length < ask || mine.length >= q.limit) {
        all.push(...mine.slice(0, q.limit));
        break;
      }
    }
  }
  // Newest first, ties by message_id (the search order).
  const keyed = all.map((m) => ({ ts: Date.parse(m.ts), mid: m.message_id, m }));
  keyed.sort((a, b) => b.ts - a.ts || (a.mid < b.mid ? -1 : a.mid > b.mid ? 1 : 0));
  const out: Message[] = [];
  let last = "";
  for (const k of keyed) {
    if (k.mid === last) continue;
    last = k.mid;
    out.push(k.m);
    if (out.length >= q.limit) break;
  }
  return out;
}

/** True when `m` was written by person `p`. */
export function belongs(m: Message, p: Person): boolean {
  return p.keys.includes(personKey(m));
}

function max(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function min(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
