/**
 * Who wrote a message: a person is their Twitch `user_id` when one is known (live chat carries
 * it in the `user-id` tag, most imports too); a message without one keeps its login as identity.
 * Twitch users rename themselves and Twitch recycles logins, so a login names a person only at a
 * time: a {@link IdentityDirectory} holds every (person, login) span observed and resolves a
 * login at a time.
 *
 * Pure: no I/O. The spans come from the person rollups (`login_history`), which the store keeps.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { IdentityDirectory, personKey } from "./identity.ts";
 * const dir = new IdentityDirectory([
 *   { person: "#1", login: "old", first_seen: "2025-01-01T00:00:00.000Z", last_seen: "2025-01-05T00:00:00.000Z", count: 3 },
 *   { person: "#1", login: "new", first_seen: "2025-02-01T00:00:00.000Z", last_seen: "2025-02-03T00:00:00.000Z", count: 2 },
 * ]);
 * deepStrictEqual(personKey({ user_id: "1", user_name: "new" }), "#1");
 * deepStrictEqual(dir.resolve("old"), "#1");
 * deepStrictEqual(dir.currentLogin("#1"), "new");
 * ```
 *
 * @module
 */

/**
 * The key of a person: `#<user_id>` when the message carries an id, else its login. `#` never
 * occurs in a login, so the two kinds cannot collide.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { personKey } from "./identity.ts";
 * strictEqual(personKey({ user_id: null, user_name: "someuser" }), "someuser");
 * strictEqual(personKey({ user_id: "42", user_name: "someuser" }), "#42");
 * ```
 */
export function personKey(m: { user_id: string | null; user_name: string }): string {
  return m.user_id !== null && m.user_id !== "" ? `#${m.user_id}` : m.user_name;
}

/**
 * The person key of what an event is about (see {@link personKey}): its user id when it has
 * one, else its login (a CLEARMSG names only the deleted message's author's login); null for
 * an event about no one (a whole chat cleared).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { eventPersonKey } from "./identity.ts";
 * strictEqual(eventPersonKey({ kind: "clearchat", user_id: "42", user_name: "someuser" }), "#42");
 * strictEqual(eventPersonKey({ kind: "clearmsg", user_name: "someuser" }), "someuser");
 * strictEqual(eventPersonKey({ kind: "clearchat", user_id: null, user_name: null }), null);
 * ```
 */
export function eventPersonKey(
  e: { kind: string; user_name: string | null; user_id?: string | null },
): string | null {
  const id = e.kind === "clearmsg" ? null : e.user_id ?? null;
  if (id !== null && id !== "") return `#${id}`;
  return e.user_name;
}

/** The Twitch user id in a person key, or null for a login-only person. */
export function userIdOfKey(key: string): string | null {
  return key.startsWith("#") ? key.slice(1) : null;
}

/** One login as used by one person: when first and last seen and how many messages. */
export interface LoginSpan {
  person: string;
  login: string;
  first_seen: string;
  last_seen: string;
  count: number;
  /** The message id of the last message under this login (orders spans with equal times). */
  last_mid?: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when span `a` was last used after span `b` (ties: the smaller message id, then key). */
function laterThan(a: LoginSpan, b: LoginSpan): boolean {
  if (a.last_seen !== b.last_seen) return a.last_seen > b.last_seen;
  const am = a.last_mid ?? "";
  const bm = b.last_mid ?? "";
  if (am !== bm) return am < bm;
  return a.person < b.person;
}

/**
 * The holder of a login at a time among the spans of that login: a span that covers `ts` (the
 * latest claim when several do), else the last holder before `ts`, else the first one after it.
 * With no `ts`, the current holder (the latest use). Null when there is no span.
 */
export function holderAt(spans: readonly LoginSpan[], ts?: string): LoginSpan | null {
  let best: LoginSpan | null = null;
  if (ts === undefined) {
    for (const s of spans) if (best === null || laterThan(s, best)) best = s;
    return best;
  }
  for (const s of spans) {
    if (s.first_seen <= ts && ts <= s.last_seen) {
      if (
        best === null || s.first_seen > best.first_seen ||
        (s.first_seen === best.first_seen && s.person < best.person)
      ) best = s;
    }
  }
  if (best) return best;
  for (const s of spans) {
    if (s.last_seen < ts && (best === null || laterThan(s, best))) best = s;
  }
  if (best) return best;
  for (const s of spans) {
    if (
      best === null || s.first_seen < best.first_seen ||
      (s.first_seen === best.first_seen && s.person < best.person)
    ) best = s;
  }
  return best;
}

/**
 * The name a person's profile is filed under: their current login when they are that login's
 * latest holder, else `person:<key>` (not a login: the store hashes it into `~<hash>.json`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { IdentityDirectory, profileNameOf } from "./identity.ts";
 * const dir = new IdentityDirectory([
 *   { person: "#1", login: "name", first_seen: "2025-01-01T00:00:00.000Z", last_seen: "2025-01-02T00:00:00.000Z", count: 1 },
 *   { person: "#2", login: "name", first_seen: "2025-03-01T00:00:00.000Z", last_seen: "2025-03-02T00:00:00.000Z", count: 1 },
 * ]);
 * strictEqual(profileNameOf("#2", dir), "name");
 * strictEqual(profileNameOf("#1", dir), "person:#1");
 * ```
 */
export function profileNameOf(person: string, dir: IdentityDirectory): string {
  const login = dir.currentLogin(person);
  if (login !== null && dir.resolveLogin(login) === person) return login;
  // A login-only person with no spans yet is its login.
  if (login !== null && dir.holders(login).length === 0) return login;
  return `person:${person}`;
}

/**
 * Every login span observed, indexed both ways. Spans are kept per rollup key (`#<id>`, or a
 * login for messages without an id); the directory presents persons: a login seen without an
 * id belongs to the person who holds it with an id (the latest such holder, when Twitch
 * recycled it), else it stands alone as a login-only person. So fixture lines without ids and
 * live lines with them are one person.
 */
export class IdentityDirectory {
  #byLogin = new Map<string, Map<string, LoginSpan>>();
  #byKey = new Map<string, Map<string, LoginSpan>>();
  #canonical = new Map<string, string>();
  #history = new Map<string, LoginSpan[]>();

  constructor(spans: Iterable<LoginSpan>) {
    for (const s of spans) this.add(s);
  }

  /** Adds (or replaces) one span. */
  add(s: LoginSpan): void {
    let byPerson = this.#byLogin.get(s.login);
    if (!byPerson) this.#byLogin.set(s.login, byPerson = new Map());
    byPerson.set(s.person, s);
    let mine = this.#byKey.get(s.person);
    if (!mine) this.#byKey.set(s.person, mine = new Map());
    mine.set(s.login, s);
    if (this.#canonical.size) this.#canonical.clear();
    if (this.#history.size) this.#history.clear();
  }

  /**
   * The person a rollup key belongs to: an id key is itself; a login key is the latest holder
   * of that login with an id, else itself.
   */
  canonical(key: string): string {
    if (key.startsWith("#")) return key;
    const known = this.#canonical.get(key);
    if (known !== undefined) return known;
    const spans = this.#byLogin.get(key);
    let out = key;
    if (spans) {
      let best: LoginSpan | null = null;
      for (const x of spans.values()) {
        if (x.person.startsWith("#") && (best === null || laterThan(x, best))) best = x;
      }
      if (best) out = best.person;
    }
    this.#canonical.set(key, out);
    return out;
  }

  /** The rollup keys that make up a person (the person's own key first). */
  keysOf(person: string): string[] {
    const out = [person];
    for (const s of this.#byKey.get(person)?.values() ?? []) {
      if (s.person !== s.login && this.#byKey.has(s.login) && this.canonical(s.login) === person) {
        out.push(s.login);
      }
    }
    return out;
  }

  /** Every span held, as added. */
  spans(): LoginSpan[] {
    return [...this.#byKey.values()].flatMap((m) => [...m.values()]);
  }

  /** Every person known (login keys that belong to an id person are not listed). */
  persons(): string[] {
    return [...this.#byKey.keys()].filter((k) => this.canonical(k) === k);
  }

  /** Every span of a login, oldest first, by rollup key. */
  holders(login: string): LoginSpan[] {
    return [...(this.#byLogin.get(login)?.values() ?? [])].sort((a, b) =>
      cmp(a.first_seen, b.first_seen) || cmp(a.person, b.person)
    );
  }

  /** A person's logins, oldest first (the spans of all their keys, merged per login). */
  history(person: string): LoginSpan[] {
    const known = this.#history.get(person);
    if (known) return known;
    const by = new Map<string, LoginSpan>();
    for (const key of this.keysOf(person)) {
      for (const s of this.#byKey.get(key)?.values() ?? []) {
        const had = by.get(s.login);
        if (!had) {
          by.set(s.login, s.person === person ? s : { ...s, person });
          continue;
        }
        const later = laterThan(s, had) ? s : had;
        by.set(s.login, {
          person,
          login: s.login,
          first_seen: s.first_seen < had.first_seen ? s.first_seen : had.first_seen,
          last_seen: later.last_seen,
          count: had.count + s.count,
          ...(later.last_mid !== undefined ? { last_mid: later.last_mid } : {}),
        });
      }
    }
    const out = [...by.values()];
    if (out.length > 1) {
      out.sort((a, b) => cmp(a.first_seen, b.first_seen) || cmp(a.login, b.login));
    }
    this.#history.set(person, out);
    return out;
  }

  /** The login a person used last; for a login-only person without spans, the login itself. */
  currentLogin(person: string): string | null {
    const mine = this.history(person);
    if (mine.length === 0) return userIdOfKey(person) === null ? person : null;
    return mine.length === 1 ? mine[0]!.login : holderAt(mine)!.login;
  }

  /** The person holding `login` at `ts` (now when absent); null when the login was never seen. */
  resolveLogin(login: string, ts?: string): string | null {
    const spans = this.#byLogin.get(login);
    if (!spans || spans.size === 0) return null;
    if (spans.size === 1) return this.canonical(spans.values().next().value!.person);
    return this.canonical(holderAt([...spans.values()], ts)!.person);
  }

  /**
   * A person from what an analyst types: a person key (`#123`), a numeric user id (`123`, when
   * no login `123` was seen, or written `id:123`), or a login (any they used; resolved at `ts`,
   * now when absent). Null when nothing matches.
   */
  resolve(input: string, ts?: string): string | null {
    const s = input.trim().replace(/^@/, "").toLowerCase();
    if (s.startsWith("#") || s.startsWith("id:")) {
      const key = `#${s.slice(s.startsWith("#") ? 1 : 3)}`;
      return this.#byKey.has(key) ? key : null;
    }
    const byLogin = this.resolveLogin(s, ts);
    if (byLogin !== null) return byLogin;
    if (/^\d+$/.test(s) && this.#byKey.has(`#${s}`)) return `#${s}`;
    return null;
  }

  /** The person of a message: its id, else the person its login belongs to. */
  personOf(m: { user_id: string | null; user_name: string }): string {
    return this.canonical(personKey(m));
  }

  /**
   * The person an `@login` mention at `ts` names: the holder of the login then, or the login
   * itself when it was never seen writing (a login-only person without messages).
   */
  mentioned(login: string, ts: string): string {
    return this.resolveLogin(login, ts) ?? login;
  }
}
