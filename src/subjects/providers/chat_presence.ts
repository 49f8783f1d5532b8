/**
 * `chat_presence` (username): links a subject to what the chat monitor has seen of it, read from
 * the user's profile through the Store (`ctx.readProfile`; in the embedded store the file
 * `<data dir>/profiles/users/<user>.json`, the `UserProfile` schema): message
 * count, channels, first and last seen, and the profile's path relative to the data dir.
 * A user never seen (no profile file) gives `seen: false` and empty values.
 *
 * @module
 */
import { relative } from "node:path";
import { InputError } from "../../errors.ts";
import { LOGIN_RE } from "../../normalize.ts";
import { type Subject, UserProfile } from "../../schemas.ts";
import { profilePath } from "../../store/layout.ts";
import type { Provider, ProviderContext } from "./provider.ts";
import { joinPath, parseWith } from "./fixture_file.ts";

/** What `chat_presence` reports for a user without a profile. */
function unseen(reason: string): Record<string, unknown> {
  return {
    seen: false,
    message_count: 0,
    channels: [],
    per_channel: {},
    first_seen: null,
    last_seen: null,
    profile: null,
    display_name: null,
    user_id: null,
    reason,
  };
}

/**
 * Creates the provider (stateless: profiles change while the monitor runs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createChatPresence } from "./chat_presence.ts";
 * import { type ProviderContext, systemClock } from "./provider.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * await store.appendMessages([{
 *   ts: "2025-09-02T12:00:00.000Z",
 *   channel: "example_channel",
 *   message_id: "m1",
 *   user_id: "42",
 *   user_name: "ann",
 *   text: "hi",
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 * }]);
 * await store.catchUp();
 * const ctx: ProviderContext = {
 *   fixturesDir: "fixtures",
 *   dataDir: store.dataDir,
 *   readProfile: (kind, name) => store.readProfile(kind, name),
 *   fetch: () => Promise.reject(new Error("no network here")),
 *   signal: new AbortController().signal,
 *   network: false,
 *   clock: systemClock,
 *   env: () => undefined,
 *   options: {},
 * };
 * const presence = createChatPresence();
 * const ann = await presence.enrich({ key: "username-ann", type: "username", value: "@Ann" }, ctx);
 * assert.equal(ann.seen, true);
 * assert.deepEqual(ann.per_channel, { example_channel: 1 });
 * assert.equal(ann.profile, "profiles/users/ann.json");
 * assert.equal(ann.user_id, "42");
 * const bob = await presence.enrich({ key: "username-bob", type: "username", value: "bob" }, ctx);
 * assert.equal(bob.seen, false);
 * assert.equal(bob.reason, "no profile: never seen in chat");
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function createChatPresence(): Provider {
  return {
    name: "chat_presence",
    description:
      "username: messages, channels, first/last seen from the monitor's user profile (data/profiles/users)",
    supports: ["username"],
    needsNetwork: false,
    needsKey: false,
    async enrich(subject: Subject, ctx: ProviderContext): Promise<Record<string, unknown>> {
      const user = subject.value.trim().replace(/^@/, "").toLowerCase();
      // Only a valid login can name a profile file, which also keeps the path inside profiles/.
      if (!LOGIN_RE.test(user)) return unseen("not a Twitch login, so never seen in chat");
      const rel = relative(ctx.dataDir, profilePath(ctx.dataDir, "user", user));
      const path = joinPath(ctx.dataDir, rel);
      let raw: Record<string, unknown> | null;
      try {
        raw = await ctx.readProfile("user", user);
      } catch (e) {
        throw new InputError(path, `cannot read: ${e instanceof Error ? e.message : e}`, {
          cause: e,
        });
      }
      if (raw === null) return unseen("no profile: never seen in chat");
      const profile = parseWith(UserProfile, raw, path);
      return {
        seen: true,
        message_count: profile.message_count,
        channels: profile.channels_participated,
        per_channel: profile.per_channel,
        first_seen: profile.first_seen,
        last_seen: profile.last_seen,
        profile: rel,
        display_name: profile.display_name,
        user_id: profile.user_id,
      };
    },
  };
}
