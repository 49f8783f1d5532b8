/**
 * `users find TEXT`: the persons whose logins (current or past), display names or user id match
 * a prefix, a substring or a near miss of `TEXT`, ranked by how they match, then by activity.
 * Opted-out persons are never listed.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { findUsers } from "./users.ts";
 * deepStrictEqual(await findUsers(await Deno.makeTempDir(), "someone"), []);
 * ```
 *
 * @module
 */
import { userIdOfKey } from "../analysis/identity.ts";
import { type FindablePerson, findPersons, type PersonMatch } from "../analysis/name_match.ts";
import { readDisplayNames, readIdentityDirectory } from "../store/profile_store.ts";
import { type PrivacyFilter, privacyFilter } from "../privacy/optout.ts";

/** Persons matching `text`, best first, at most `limit` (default 20). */
export async function findUsers(
  source: string | { dataDir: string; privacy?: PrivacyFilter },
  text: string,
  options: { limit?: number } = {},
): Promise<PersonMatch[]> {
  const src = typeof source === "string" ? { dataDir: source } : source;
  const privacy = src.privacy ?? await privacyFilter(src.dataDir);
  const dir = readIdentityDirectory(src.dataDir);
  const displays = readDisplayNames(src.dataDir);
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
