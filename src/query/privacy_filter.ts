/**
 * The privacy filter of the query layer: the opt-out list (users and channels whose messages
 * are neither stored nor served) applied under every read, so that no view can serve what must
 * not be served. A user is a person: one opted out under any login is left out under every
 * login they used (and by their user id). A forgotten user or channel is gone from the store
 * itself (`forget`).
 *
 * @module
 */
import type { Exclusion, MessageQuery, Store } from "../store/store.ts";
import type { Literal } from "../store/message_query.ts";
import { IdentityDirectory } from "../analysis/identity.ts";

/** A filter over messages (or any record with a user and a channel) from the opt-out list. */
export interface PrivacyFilter {
  /** True when a record of this user in this channel may be stored and served. */
  allows(userName: string | null, channel: string): boolean;
  /** Re-reads the list if the file changed since the last read. */
  refresh(): Promise<void>;
  /** The users and channels left out, as the Store takes them (for totals). */
  exclusion(): Exclusion;
}

/**
 * The persons the opt-out list names, through any login they used: every login of theirs (so
 * that an opted-out person is refused under every login, in a channel's messages too) and the
 * keys of those with a user id (which also cover a login the rollups have not seen yet).
 */
async function optedOutPersons(
  store: Store,
  listed: readonly string[],
): Promise<{ logins: Set<string>; keys: Set<string> }> {
  const logins = new Set(listed);
  const keys = new Set<string>();
  if (listed.length === 0) return { logins, keys };
  // The store's identities are current with the log (it catches its rollups up first), so a
  // person's other logins are refused as soon as the log holds them.
  const dir = new IdentityDirectory(await store.loginSpans(listed));
  for (const login of listed) {
    for (const h of dir.holders(login)) {
      const person = dir.canonical(h.person);
      if (person.startsWith("#")) keys.add(person);
      for (const s of dir.history(person)) logins.add(s.login);
    }
  }
  return { logins, keys };
}

/** A filter over the store's opt-out list, refreshed on demand. */
export async function privacyFilter(store: Store): Promise<PrivacyFilter> {
  let users = new Set<string>();
  let persons = new Set<string>();
  let channels = new Set<string>();
  let stamp = "";
  const load = async () => {
    const next = await store.optOutStamp();
    if (next === stamp) return;
    const f = await store.readOptOut();
    const opted = await optedOutPersons(store, f.optout.users);
    users = opted.logins;
    persons = opted.keys;
    channels = new Set(f.optout.channels);
    stamp = next;
  };
  await load();
  return {
    // Nearly every data dir has an empty list: skip the lookups then (this runs per message).
    allows: (u, c) =>
      (channels.size === 0 || !channels.has(c)) &&
      (u === null || users.size === 0 || !users.has(u)),
    refresh: load,
    exclusion: () => ({ users, channels, persons }),
  };
}

/**
 * The query with the opt-out list joined as clauses (`-from:user`, `-in:channel`): its page and
 * its total then leave the opted-out records out, in every store, through the index and the
 * scan alike.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { withOptOut } from "./privacy_filter.ts";
 * const filter = { exclusion: () => ({ users: new Set(["fan88"]), channels: new Set<string>() }) };
 * deepStrictEqual(withOptOut({ clauses: [], limit: 5 }, filter).clauses, [
 *   [{ negated: true, term: { field: "from", value: "fan88" } }],
 * ]);
 * ```
 */
export function withOptOut<Q extends MessageQuery>(
  q: Q,
  filter: Pick<PrivacyFilter, "exclusion">,
): Q {
  const { users, channels, persons } = filter.exclusion();
  if (users.size === 0 && channels.size === 0 && (persons?.size ?? 0) === 0) return q;
  const clauses: Literal[][] = [
    ...[...users].sort().map((value) => [{
      negated: true,
      term: { field: "from" as const, value },
    }]),
    ...[...persons ?? []].sort().map((value) => [{
      negated: true,
      term: { field: "person" as const, value },
    }]),
    ...[...channels].sort().map((value) => [{
      negated: true,
      term: { field: "in" as const, value },
    }]),
  ];
  return { ...q, clauses: [...q.clauses, ...clauses] };
}
