/**
 * `gravatar_like` (email): the Gravatar hashes of an address, its avatar and profile URLs, and
 * whether an avatar exists.
 *
 * Offline (the default) `exists` comes from `fixtures/gravatar.json`, a list of hashes known to
 * have an avatar, so the answer is deterministic and no request leaves the machine. With
 * `--network` it asks the avatar endpoint with `d=404` (Gravatar's documented way to get a 404
 * instead of a default image), through the injected fetch, with a per-request timeout, a
 * per-host rate limit and backoff on HTTP 429.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { NetworkError } from "../../errors.ts";
import { normalizeEmail } from "../../normalize.ts";
import type { Subject } from "../../schemas.ts";
import type { Clock, Provider, ProviderContext } from "./provider.ts";
import { parseWith, promiseCache, readJsonFile, resolveIn } from "./fixture_file.ts";

/** `fixtures/gravatar.json`: hashes (SHA-256 or legacy MD5, hex) known to have an avatar. */
export const GravatarFixture = z.object({
  existing: z.array(
    z.string().regex(/^(?:[0-9a-f]{32}|[0-9a-f]{64})$/, {
      message: "expected a lowercase hex MD5 (32) or SHA-256 (64) hash",
    }),
  ),
});
export type GravatarFixture = z.infer<typeof GravatarFixture>;

/** `options.gravatar_like` in the providers config. */
export const GravatarOptions = z.strictObject({
  /** Endpoint origin; tests point it at a loopback server. @default "https://gravatar.com" */
  base_url: z.url().default("https://gravatar.com"),
  /** Minimum spacing between two requests to one host. @default 1000 */
  min_interval_ms: z.number().int().nonnegative().default(1000),
  /** Time limit of one request. @default 4000 */
  request_timeout_ms: z.number().int().positive().default(4000),
  /** Retries after HTTP 429 before giving up. @default 2 */
  max_retries: z.number().int().nonnegative().max(10).default(2),
  /** First backoff after a 429 without Retry-After; doubles each time. @default 1000 */
  backoff_ms: z.number().int().nonnegative().default(1000),
  /** Known-hash file, relative to the fixtures folder. @default "gravatar.json" */
  fixture: z.string().min(1).default("gravatar.json"),
});
export type GravatarOptions = z.output<typeof GravatarOptions>;

/** The Gravatar hashes of an email: SHA-256 (current) and MD5 (legacy), over the normalized form. */
export function gravatarHashes(email: string): { email: string; sha256: string; md5: string } {
  // Gravatar hashes the trimmed, lowercased address; normalizeEmail does exactly that first.
  const n = normalizeEmail(email);
  const e = n.ok ? n.value : email.trim().toLowerCase();
  return {
    email: e,
    sha256: createHash("sha256").update(e).digest("hex"),
    md5: createHash("md5").update(e).digest("hex"),
  };
}

/**
 * Spaces requests per host: each call reserves the next free slot synchronously (so concurrent
 * callers queue in call order) and then sleeps until it comes.
 */
export class HostRateLimiter {
  #next = new Map<string, number>();
  #intervalMs: number;
  #clock: Clock;
  constructor(intervalMs: number, clock: Clock) {
    this.#intervalMs = intervalMs;
    this.#clock = clock;
  }
  /** Waits for `host`'s next slot; returns the milliseconds waited. */
  async wait(host: string, signal?: AbortSignal): Promise<number> {
    const now = this.#clock.now();
    const slot = Math.max(now, this.#next.get(host) ?? now);
    this.#next.set(host, slot + this.#intervalMs);
    const delay = slot - now;
    if (delay > 0) await this.#clock.sleep(delay, signal);
    return delay;
  }
  /** Pushes `host`'s next slot to at least `until` (after a 429). */
  holdUntil(host: string, until: number): void {
    this.#next.set(host, Math.max(this.#next.get(host) ?? 0, until));
  }
}

/** Seconds or HTTP-date of a Retry-After header, as milliseconds from `now`. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

/**
 * Asks the endpoint whether the avatar exists (200 yes, 404 no), a request at a time per host,
 * retrying after a 429 as Retry-After (or the doubling backoff) says, up to `max_retries`.
 */
async function askNetwork(
  url: URL,
  ctx: ProviderContext,
  o: GravatarOptions,
  rl: HostRateLimiter,
): Promise<{ exists: boolean; http_status: number; attempts: number }> {
  for (let attempt = 0;; attempt++) {
    await rl.wait(url.host, ctx.signal);
    const res = await requestStatus(url, ctx, o.request_timeout_ms);
    if (res.status === 200) return { exists: true, http_status: 200, attempts: attempt + 1 };
    if (res.status === 404) return { exists: false, http_status: 404, attempts: attempt + 1 };
    if (res.status === 429) {
      if (attempt >= o.max_retries) {
        throw new NetworkError(`${url.host}: HTTP 429 (rate limited) after ${attempt + 1} tries`);
      }
      const now = ctx.clock.now();
      const wait = retryAfterMs(res.headers.get("retry-after"), now) ??
        o.backoff_ms * 2 ** attempt;
      rl.holdUntil(url.host, now + wait);
      continue;
    }
    throw new NetworkError(`${url.host}: unexpected HTTP ${res.status}`);
  }
}

/**
 * One GET of `url` within `timeoutMs` (or until the run is aborted), its body released: only
 * the status and headers matter. A failure is a NetworkError naming the host.
 */
async function requestStatus(
  url: URL,
  ctx: ProviderContext,
  timeoutMs: number,
): Promise<Response> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(
    () => ac.abort(new NetworkError(`${url.host}: no answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const res = await ctx.fetch(url, {
      method: "GET",
      redirect: "manual",
      signal: ac.signal,
      headers: { accept: "image/*" },
    });
    // Only the status matters; release the connection.
    await res.body?.cancel().catch(() => {});
    return res;
  } catch (e) {
    if (ac.signal.aborted && ac.signal.reason instanceof Error) throw ac.signal.reason;
    throw new NetworkError(`${url.host}: ${e instanceof Error ? e.message : e}`, { cause: e });
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Creates the provider; each instance has its own rate limiter and fixture cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGravatarLike } from "./gravatar_like.ts";
 * import { type ProviderContext, systemClock } from "./provider.ts";
 * const fixturesDir = await Deno.makeTempDir();
 * // The legacy MD5 of "ann@example.com" is known to have an avatar.
 * await Deno.writeTextFile(
 *   `${fixturesDir}/gravatar.json`,
 *   '{ "existing": ["257c57037d384ae37ea27a07e8a01665"] }',
 * );
 * const asked: string[] = [];
 * const ctx: ProviderContext = {
 *   fixturesDir,
 *   dataDir: fixturesDir,
 *   readProfile: () => Promise.resolve(null),
 *   fetch: (url) => {
 *     asked.push(String(url));
 *     return Promise.resolve(new Response(null, { status: 404 }));
 *   },
 *   signal: new AbortController().signal,
 *   network: false,
 *   clock: systemClock,
 *   env: () => undefined,
 *   options: { base_url: "http://avatars.test" },
 * };
 * const gravatar = createGravatarLike();
 * const subject = { key: "email-ann", type: "email" as const, value: " Ann@Example.com " };
 * const offline = await gravatar.enrich(subject, ctx);
 * assert.equal(offline.email, "ann@example.com");
 * assert.equal(offline.sha256, "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476");
 * assert.equal(offline.exists, true);
 * assert.equal(offline.checked, "fixture:gravatar.json");
 * assert.deepEqual(asked, []);
 * // With --network the endpoint answers, with d=404 so a missing avatar is a 404.
 * const online = await gravatar.enrich(subject, { ...ctx, network: true });
 * assert.deepEqual([online.exists, online.http_status, online.checked], [false, 404, "network"]);
 * assert.deepEqual(asked, [`http://avatars.test/avatar/${offline.sha256}?d=404`]);
 * await Deno.remove(fixturesDir, { recursive: true });
 * ```
 */
export function createGravatarLike(): Provider {
  let limiter: { clock: Clock; interval: number; limiter: HostRateLimiter } | undefined;
  const cached = promiseCache();
  const knownHashes = (path: string): Promise<Set<string>> =>
    cached(path, () => readJsonFile(path, GravatarFixture).then((f) => new Set(f.existing)));

  const limiterFor = (clock: Clock, interval: number): HostRateLimiter => {
    if (!limiter || limiter.clock !== clock || limiter.interval !== interval) {
      limiter = { clock, interval, limiter: new HostRateLimiter(interval, clock) };
    }
    return limiter.limiter;
  };

  return {
    name: "gravatar_like",
    description:
      "email: SHA-256/MD5 hashes, avatar and profile URLs; exists from fixtures (or the endpoint with --network)",
    supports: ["email"],
    needsNetwork: false,
    usesNetwork: true,
    needsKey: false,
    checkOptions(options: unknown): void {
      parseWith(GravatarOptions, options, "options.gravatar_like");
    },
    async enrich(subject: Subject, ctx: ProviderContext): Promise<Record<string, unknown>> {
      const o = parseWith(GravatarOptions, ctx.options, "options.gravatar_like");
      const h = gravatarHashes(subject.value);
      const base = o.base_url.replace(/\/+$/, "");
      const avatar = `${base}/avatar/${h.sha256}?d=404`;
      const data: Record<string, unknown> = {
        email: h.email,
        sha256: h.sha256,
        md5: h.md5,
        avatar_url: avatar,
        legacy_avatar_url: `${base}/avatar/${h.md5}?d=404`,
        profile_url: `${base}/${h.sha256}`,
      };
      if (ctx.network) {
        const rl = limiterFor(ctx.clock, o.min_interval_ms);
        const r = await askNetwork(new URL(avatar), ctx, o, rl);
        return { ...data, exists: r.exists, checked: "network", http_status: r.http_status };
      }
      const known = await knownHashes(resolveIn(ctx.fixturesDir, o.fixture));
      const exists = known.has(h.sha256) || known.has(h.md5);
      // Offline, "false" means "not among the known hashes", which `checked` makes explicit.
      return { ...data, exists, checked: `fixture:${o.fixture}` };
    },
  };
}
