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
import { ChatEvent, Message, type PrivacyFile } from "../schemas.ts";
import type { Store } from "../store/store.ts";
import { forgetRecord } from "./forget_decisions.ts";
import { compileRule, type ForgetRule } from "./forget_rule.ts";

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

/** What {@link optOutScrubber} returns: the record as it may be stored, or null to refuse it. */
export interface OptOutScrubber {
  message(m: Message): Message | null;
  event(e: ChatEvent): ChatEvent | null;
}

/**
 * Opt-out is `forget` going forward, with one rule for both: an opted-out user's own records
 * are refused, and their login leaves other people's records as `forget` removes it (`@login`
 * becomes `@[forgotten]`, the login leaves `mentions`, signals naming them and hits of their
 * username subject are dropped; events aimed at them, such as a timeout, are refused).
 * `users()` is read on every call, so a list refreshed while a monitor runs applies at once.
 */
export function optOutScrubber(users: () => ReadonlySet<string>): OptOutScrubber {
  let seen: ReadonlySet<string> | null = null;
  let rule: ForgetRule | null = null;
  const ruleFor = (): ForgetRule | null => {
    const now = users();
    if (now.size === 0) return null;
    if (now !== seen) {
      seen = now;
      rule = compileRule({ users: [...now] });
    }
    return rule;
  };
  const decide = <T>(rec: T, kind: "message" | "event", parse: (v: unknown) => T): T | null => {
    const r = ruleFor();
    // Nearly always: no opt-out, or a record that names none of them (checked cheaply).
    if (r === null || !r.anyUser!.test(JSON.stringify(rec))) return rec;
    const d = forgetRecord(rec as Record<string, unknown>, kind, r);
    if (d === "keep") return rec;
    if (d === "drop") return null;
    return parse(d.replace);
  };
  return {
    message: (m) => decide(m, "message", (v) => Message.parse(v)),
    event: (e) => decide(e, "event", (v) => ChatEvent.parse(v)),
  };
}
