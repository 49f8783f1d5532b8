/**
 * Profiles through the query layer: one user's or channel's profile, and the list of them,
 * brought up to date with the log first (when no monitor is writing: a running monitor keeps
 * them current itself), with opted-out users and channels never served.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 * import { NotFoundError } from "../errors.ts";
 * import { openStore } from "../store/store.ts";
 * import { listProfiles, readProfile } from "./profiles.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * deepStrictEqual(await listProfiles(store, "user"), []);
 * await rejects(readProfile(store, "user", "nobody"), NotFoundError);
 * await store.close();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */
import { NotFoundError } from "../errors.ts";
import type { ProfileKind, Store } from "../store/store.ts";
import { type PrivacyFilter, privacyFilter } from "./privacy_filter.ts";

/** True when the opt-out list allows serving this profile. */
function allowed(privacy: PrivacyFilter, kind: ProfileKind, name: string): boolean {
  // No channel is named "": this asks about the user alone.
  return kind === "user" ? privacy.allows(name, "") : privacy.allows(null, name);
}

/**
 * The profile of a user or channel (as in its profile file). Throws NotFoundError when the
 * name is on the opt-out list or has no profile.
 */
export async function readProfile(
  store: Store,
  kind: ProfileKind,
  name: string,
): Promise<Record<string, unknown>> {
  const privacy = await privacyFilter(store);
  if (!allowed(privacy, kind, name)) {
    throw new NotFoundError(`${kind} "${name}" is on the opt-out list: its profile is not served`);
  }
  await store.catchUp();
  const profile = await store.readProfile(kind, name);
  if (profile === null) {
    // No location in the message: the web serves it to clients, who need not learn the
    // server's paths (a data dir that is missing or holds no log is its own error, naming it).
    throw new NotFoundError(`no profile for ${kind} "${name}": no messages from it`);
  }
  return profile;
}

/** Names of the profiles of a kind the opt-out list allows, sorted. */
export async function listProfiles(store: Store, kind: ProfileKind): Promise<string[]> {
  await store.catchUp();
  const privacy = await privacyFilter(store);
  return (await store.listProfiles(kind)).filter((n) => allowed(privacy, kind, n));
}
