/**
 * `users find TEXT`: the persons whose logins (current or past), display names or user id match
 * a prefix, a substring or a near miss of `TEXT`, ranked by how they match, then by activity.
 * Opted-out persons are never listed.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { findUsers } from "./users.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * deepStrictEqual(await findUsers(store, "someone"), []);
 * await store.close();
 * ```
 *
 * @module
 */
import { IdentityDirectory, userIdOfKey } from "../analysis/identity.ts";
import { type FindablePerson, findPersons, type PersonMatch } from "../analysis/name_match.ts";
import type { Store } from "../store/store.ts";
import { type PrivacyFilter, privacyFilter } from "./privacy_filter.ts";

/** Persons matching `text`, best first, at most `limit` (default 20). */
export async function findUsers(
  store: Store,
  text: string,
  options: { limit?: number; privacy?: PrivacyFilter } = {},
): Promise<PersonMatch[]> {
  const privacy = options.privacy ?? await privacyFilter(store);
  const dir = new IdentityDirectory(await store.loginSpans());
  const rawNames = await store.displayNames();
  // Display names are kept per rollup key: gather them per person.
  const displays = new Map<string, string[]>();
  for (const [key, names] of rawNames) {
    const p = dir.canonical(key);
    displays.set(p, [...new Set([...(displays.get(p) ?? []), ...names])].sort());
  }
  const people: FindablePerson[] = [];
  for (const key of dir.persons()) {
    const spans = dir.history(key);
    if (spans.some((s) => !privacy.allows(s.login, ""))) continue;
    const login = dir.currentLogin(key) ?? key;
    people.push({
      person: key,
      login,
      past_logins: spans.map((s) => s.login).filter((l) => l !== login),
      display_names: displays.get(key) ?? [],
      user_id: userIdOfKey(key),
      messages: spans.reduce((n, s) => n + s.count, 0),
    });
  }
  return findPersons(text, people, options.limit ?? 20);
}
