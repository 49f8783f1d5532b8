/**
 * One person's messages, whatever login they wrote under: the person an analyst names (any of
 * their logins, or their user id) is resolved through the identity directory
 * (`src/analysis/identity.ts`, persisted beside the profile rollups) into their person keys
 * (their id, and logins they wrote under without one), which the store's index by person
 * answers: a recycled login's other holder is left out. Results come in search order: newest
 * first, ties by message_id.
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
import type { Literal } from "../store/message_query.ts";
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Message } from "../schemas.ts";
 * import { openStore } from "../store/store.ts";
 * import { personMessages, resolvePerson } from "./person.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const said = (id: string, s: number, user: string, user_id: string | null): Message => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id,
 *   user_name: user,
 *   text: "hi",
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 * });
 * // User 42 renamed ann_old to ann_new; someone without an id wrote as bob.
 * await store.appendMessages([
 *   said("m1", 1, "ann_old", "42"),
 *   said("m2", 2, "bob", null),
 *   said("m3", 3, "ann_new", "42"),
 * ]);
 * const ann = await resolvePerson(store, "@Ann_Old");
 * assert.equal(ann.key, "#42");
 * assert.equal(ann.login, "ann_new");
 * assert.deepEqual(ann.logins.map((s) => s.login), ["ann_old", "ann_new"]);
 * const found = await personMessages(store, ann, { clauses: [], limit: 10 });
 * assert.deepEqual(found.map((m) => m.message_id), ["m3", "m1"]);
 * // A login never seen is a login-only person.
 * assert.deepEqual(await resolvePerson(store, "nobody"), {
 *   key: "nobody",
 *   user_id: null,
 *   login: "nobody",
 *   logins: [],
 *   keys: ["nobody"],
 * });
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
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

/**
 * The clause that matches the person's messages: one `person` literal per rollup key of theirs
 * (their id, and logins they wrote under without one), answered by the index by person.
 */
export function personClause(p: Person): Literal[] {
  return p.keys.map((value) => ({ negated: false, term: { field: "person", value } }));
}

/**
 * The clause that matches events about the person: their keys, and each login they used (a
 * CLEARMSG names only a login; the caller resolves a login at the event's time).
 */
export function personEventClause(p: Person): Literal[] {
  const logins = new Set([p.login, ...p.logins.map((s) => s.login)]);
  const keys = new Set([...p.keys, ...logins]);
  const out: Literal[] = [...keys].map((value) => ({
    negated: false,
    term: { field: "person", value },
  }));
  // A person known only by login (their messages carried no id) may still be named by an event
  // that carries one (a CLEARCHAT has the target's id): match their logins as written too. A
  // person known by id is not, or a recycled login's other holder would be served as theirs.
  if (p.user_id === null) {
    for (const value of logins) out.push({ negated: false, term: { field: "from", value } });
  }
  return out;
}

/**
 * The person's messages matching `q` (its `by` is ignored), raw (the caller applies the opt-out
 * list): newest first, ties by message_id, at most `q.limit`. Found by the person index: every
 * message whose person key is one of theirs, whatever login it was written under.
 */
export async function personMessages(
  store: Store,
  p: Person,
  q: MessageQuery,
): Promise<Message[]> {
  const r = await store.searchMessages({ ...q, clauses: [personClause(p), ...q.clauses] });
  return r.messages;
}

/** True when `m` was written by person `p`. */
export function belongs(m: Message, p: Person): boolean {
  return p.keys.includes(personKey(m));
}
