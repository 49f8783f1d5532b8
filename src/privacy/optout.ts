/**
 * The opt-out list (`data/privacy.json` in the embedded store): users and channels whose
 * messages are neither stored nor served, by every source and every command, from the moment
 * they are added. The query layer applies it (`src/query/privacy_filter.ts`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { readPrivacy, updatePrivacy } from "./optout.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * deepStrictEqual((await updatePrivacy(store, { users: ["someuser"] })).changed, ["user someuser"]);
 * deepStrictEqual((await readPrivacy(store)).optout.users, ["someuser"]);
 * await store.close();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */
import type { PrivacyFile } from "../schemas.ts";
import type { Store } from "../store/store.ts";

/** Reads the opt-out list; absent means empty. */
export function readPrivacy(store: Store): Promise<PrivacyFile> {
  return store.readOptOut();
}

/** Adds or removes names; returns what changed. Names must already be normalized logins. */
export async function updatePrivacy(
  store: Store,
  change: { add?: boolean; users?: string[]; channels?: string[] },
): Promise<{ file: PrivacyFile; changed: string[] }> {
  const file = await store.readOptOut();
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
    await store.writeOptOut(file);
  }
  return { file, changed };
}
