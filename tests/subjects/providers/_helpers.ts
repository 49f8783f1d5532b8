/**
 * Shared fakes for provider tests: a clock that only moves when slept on, and a context
 * builder over the shipped fixtures and a temporary data dir.
 */
import type { Clock, ProviderContext } from "../../../src/subjects/providers/provider.ts";
import type { Subject, SubjectType, UserProfile } from "../../../src/schemas.ts";
import { subjectKey } from "../../../src/subjects/loading.ts";
import { storeAt } from "../../support/store.ts";

/** The repository's fixtures folder, whatever the working directory. */
export const FIXTURES: string = new URL("../../../fixtures", import.meta.url).pathname;

/**
 * A virtual clock starting at `start`: `sleep(ms)` yields one real macrotask, then moves time to
 * at least (time of the call + ms), so concurrent sleepers wake in order at their own times
 * without real waiting. Records each sleep's length.
 */
export function fakeClock(start = Date.UTC(2025, 0, 1)): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      c.sleeps.push(ms);
      const target = c.t + ms;
      await new Promise((r) => setTimeout(r, 0));
      c.t = Math.max(c.t, target);
    },
  };
  return c;
}

/** A subject as `subjects load` would produce it. */
export function subject(type: SubjectType, value: string): Subject {
  return { key: subjectKey(type, value), type, value };
}

/** A provider context; fetch throws unless given, so an offline test cannot reach out. */
export function context(overrides: Partial<ProviderContext> = {}): ProviderContext {
  const dataDir = overrides.dataDir ?? "/nonexistent-data-dir";
  return {
    fixturesDir: FIXTURES,
    dataDir,
    readProfile: (kind, name) => storeAt(dataDir).readProfile(kind, name),
    fetch: () => Promise.reject(new Error("test: network used without a fake fetch")),
    signal: new AbortController().signal,
    network: false,
    clock: fakeClock(),
    env: () => undefined,
    options: {},
    ...overrides,
  };
}

/** A temporary folder removed when the returned object is disposed (`await using`). */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "osint-enrich-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** A provider as a JS object literal. */
export function providerLiteral(name: string, extra = ""): string {
  return `{
  name: ${JSON.stringify(name)},
  description: "test provider",
  supports: ["username"],
  needsNetwork: false,
  needsKey: false,
  ${extra}
  enrich(subject) { return Promise.resolve({ echoed: subject.value }); },
}`;
}

/** Source of a third-party provider module exporting `provider`. */
export function moduleSource(name: string, extra = ""): string {
  return `export const provider = ${providerLiteral(name, extra)};\n`;
}

/** A valid profile as the profile code writes it. */
export function profile(user: string): UserProfile {
  return {
    user_name: user,
    user_id: "1234",
    display_name: "SomeUser",
    login_history: [{
      login: user,
      first_seen: "2025-09-01T10:00:00.000Z",
      last_seen: "2025-09-02T12:34:56.000Z",
      message_count: 5,
    }],
    display_names: ["SomeUser"],
    channels_participated: ["devchat", "example_channel"],
    per_channel: { devchat: 3, example_channel: 2 },
    message_count: 5,
    first_seen: "2025-09-01T10:00:00.000Z",
    last_seen: "2025-09-02T12:34:56.000Z",
    top_keywords: [],
    keyword_counts: [],
    top_mentions: [],
    top_emotes: [],
    url_domains: [],
    activity: { by_hour: Array(24).fill(0), by_day: {} },
    facts: {
      asked_about_streamer_relationship: false,
      suspected_relationship_targets: [],
      evidence: [],
    },
  };
}
