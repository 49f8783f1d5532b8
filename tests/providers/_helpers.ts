/**
 * Shared fakes for provider tests: a clock that only moves when slept on, and a context
 * builder over the shipped fixtures and a temporary data dir.
 */
import type { Clock, ProviderContext } from "../../src/providers/provider.ts";
import type { Subject, SubjectType } from "../../src/schemas.ts";
import { subjectKey } from "../../src/subjects.ts";

/** The repository's fixtures folder, whatever the working directory. */
export const FIXTURES: string = new URL("../../fixtures", import.meta.url).pathname;

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
  return {
    fixturesDir: FIXTURES,
    dataDir: "/nonexistent-data-dir",
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
