/**
 * The opt-out list (`data/privacy.json`): users and channels whose messages are neither stored
 * nor served, by every source and every command, from the moment they are added.
 *
 * @module
 */
import { join } from "node:path";
import { PrivacyFile } from "../schemas.ts";
import { jsonText, writeFileAtomic } from "../store/atomic.ts";
import { readSchemaFile } from "../store/json_file.ts";
import type { Literal } from "../query/message_query.ts";

/** Path of the opt-out list in a data dir. */
export function privacyPath(dataDir: string): string {
  return join(dataDir, "privacy.json");
}

const EMPTY: PrivacyFile = { version: 1, optout: { users: [], channels: [] } };

/** Reads the opt-out list; absent means empty. */
export async function readPrivacy(dataDir: string): Promise<PrivacyFile> {
  return (await readSchemaFile(privacyPath(dataDir), PrivacyFile)) ?? structuredClone(EMPTY);
}

/** Adds or removes names; returns what changed. Names must already be normalized logins. */
export async function updatePrivacy(
  dataDir: string,
  change: { add?: boolean; users?: string[]; channels?: string[] },
): Promise<{ file: PrivacyFile; changed: string[] }> {
  const file = await readPrivacy(dataDir);
  const changed: string[] = [];
  const apply = (list: string[], names: string[] | undefined, label: string) => {
    for (const n of names ?? []) {
      const has = list.includes(n);
      if (change.add !== false && !has) {
        list.push(n);
        changed.push(`${label} ${n}`);
      } else if (change.add === false && has) {
        list.splice(list.indexOf(n), 1);
        changed.push(`${label} ${n}`);
      }
    }
    list.sort();
  };
  apply(file.optout.users, change.users, "user");
  apply(file.optout.channels, change.channels, "channel");
  if (changed.length) {
    await writeFileAtomic(privacyPath(dataDir), jsonText(file), { skipIfUnchanged: true });
  }
  return { file, changed };
}

/** A filter over messages (or any record with a user and a channel) from the opt-out list. */
export interface PrivacyFilter {
  /** True when a record of this user in this channel may be stored and served. */
  allows(userName: string | null, channel: string): boolean;
  /** Re-reads the list if the file changed since the last read. */
  refresh(): Promise<void>;
}

/** A filter over the data dir's opt-out list, refreshed on demand. */
export async function privacyFilter(dataDir: string): Promise<PrivacyFilter> {
  let users = new Set<string>();
  let channels = new Set<string>();
  let stamp = "";
  const load = async () => {
    let next = "";
    try {
      const st = await Deno.stat(privacyPath(dataDir));
      next = `${st.mtime?.getTime()}:${st.size}:${st.ino}`;
    } catch {
      next = "absent";
    }
    if (next === stamp) return;
    const f = await readPrivacy(dataDir);
    users = new Set(f.optout.users);
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
  };
}

/**
 * The first `limit` items of an ordered result that the opt-out list allows, from a query that
 * returns the first N items of that order for any N (search: newest first). Asks for `limit`,
 * and while some were filtered out and the query may hold more, asks again for twice as many.
 * The result is what the query would give if the opted-out records were not in the data.
 *
 * @example
 * ```ts
 * import { takeAllowed } from "./optout.ts";
 * const all = [1, 2, 3, 4, 5, 6];
 * const got = await takeAllowed((n) => Promise.resolve(all.slice(0, n)), 3, (x) => x % 2 === 0);
 * console.assert(got.join() === "2,4,6");
 * ```
 */
export async function takeAllowed<T>(
  query: (limit: number) => Promise<T[]>,
  limit: number,
  allows: (item: T) => boolean,
): Promise<T[]> {
  let ask = limit;
  for (;;) {
    const got = await query(ask);
    const kept = got.filter(allows);
    // Fewer than asked: the query is exhausted. Enough kept: they are the first `limit`.
    if (got.length < ask || kept.length >= limit) return kept.slice(0, limit);
    ask = Math.min(ask * 2, Number.MAX_SAFE_INTEGER);
  }
}

/**
 * The opt-out list as clauses of a search query (`-from:user`, `-in:channel`): AND'ed to any
 * query, they keep opted-out records out of its results and its counts alike, through the
 * index and the scan.
 */
export async function optOutClauses(dataDir: string): Promise<Literal[][]> {
  const f = await readPrivacy(dataDir);
  return [
    ...f.optout.users.map((value) => [{ negated: true, term: { field: "from" as const, value } }]),
    ...f.optout.channels.map((value) => [{ negated: true, term: { field: "in" as const, value } }]),
  ];
}
