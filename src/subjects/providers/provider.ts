/**
 * The enrichment provider contract: what a provider declares about itself and the context the
 * runner (`src/enrich.ts`) hands to each call. Everything a provider may touch of the outside
 * world arrives through {@link ProviderContext}, so tests inject fakes (a fetch function, a
 * clock, temporary folders) instead of patching internals.
 *
 * A provider never writes files and never prints: it returns a plain JSON-able record, or
 * throws (an error from `src/errors.ts` when it can name the cause). The runner records the
 * result, the error or the time-out for that (subject, provider) pair only.
 *
 * @module
 */
import type { Subject, SubjectType } from "../../schemas.ts";
import type { Env } from "../../config.ts";

/** Time as a provider sees it: injected so tests run without real waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** What the runner passes to {@link Provider.enrich}. */
export interface ProviderContext {
  /** Lookup data (`handles.json`, `sites.json`, `gravatar.json`). */
  fixturesDir: string;
  /** The data directory. Read it; never write it. */
  dataDir: string;
  /**
   * Reads a profile (user or channel) through the Store, as in its profile file: null when
   * there is none; throws when it cannot be read.
   */
  readProfile(kind: "user" | "channel", name: string): Promise<Record<string, unknown> | null>;
  /** The only way to reach the network; tests pass a fake. */
  fetch: typeof fetch;
  /** Aborted when the provider's time limit passes or the command is interrupted. */
  signal: AbortSignal;
  /** `--network`: false means no request may leave the machine. */
  network: boolean;
  clock: Clock;
  /** Reads API keys and similar settings; never log what it returns. */
  env: Env;
  /** This provider's section of the providers config (`options.<name>`), `{}` when absent. */
  options: Readonly<Record<string, unknown>>;
}

/** An enrichment provider. */
export interface Provider {
  /** Unique, `[a-z][a-z0-9_]*`: the key of its results in enrichment files. */
  readonly name: string;
  /** One line for `providers list`. */
  readonly description: string;
  /** The subject types it can enrich; the runner records the others as skipped. */
  readonly supports: readonly SubjectType[];
  /** True when it cannot work offline; the runner skips it unless `--network` is on. */
  readonly needsNetwork: boolean;
  /** True when it may use the network if allowed (with `--network`) but also works offline. */
  readonly usesNetwork?: boolean;
  /** True when it needs an API key; `keyEnv` names the variable it is read from. */
  readonly needsKey: boolean;
  /** The environment variable holding the key; the runner skips the provider when unset. */
  readonly keyEnv?: string;
  /** Throws (any Error, with a message naming the field) when `options` are unusable. */
  checkOptions?(options: unknown): void;
  /** Enriches one subject of a supported type. Must honour `ctx.signal`. */
  enrich(subject: Subject, ctx: ProviderContext): Promise<Record<string, unknown>>;
}

/**
 * How `providers list` describes a provider's use of the network.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkUse } from "./provider.ts";
 * import { builtinProviders } from "./registry.ts";
 * assert.deepEqual(builtinProviders().map((p) => [p.name, networkUse(p)]), [
 *   ["gravatar_like", "optional"],
 *   ["handle_presence", "no"],
 *   ["phone_info", "no"],
 *   ["chat_presence", "no"],
 * ]);
 * ```
 */
export function networkUse(p: Provider): "required" | "optional" | "no" {
  if (p.needsNetwork) return "required";
  return p.usesNetwork ? "optional" : "no";
}
