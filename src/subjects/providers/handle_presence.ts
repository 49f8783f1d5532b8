/**
 * `handle_presence` (username): on which platforms a handle exists, from lookup data only.
 *
 * Platforms are data, not code. `fixtures/sites.json` gives each platform its profile URL
 * template and the username rule it enforces; `fixtures/handles.json` (the spec's format: a
 * handle mapped to the platforms it is on) gives the observations. For each configured
 * platform (default twitch, github, twitter) the answer is one of:
 *
 * - `invalid`: the handle breaks the platform's username rule, so no account can have it;
 * - `present`: handles.json lists the platform for the handle;
 * - `absent`: handles.json knows the handle, does not list the platform, and the site is marked
 *   `fixture_complete` (the fixture was checked against it);
 * - `unknown`: anything else (handle not in handles.json, platform not in sites.json, or a site
 *   the fixture was never checked against). Never a guess.
 *
 * @module
 */
import { z } from "zod";
import type { Subject } from "../../schemas.ts";
import type { Provider, ProviderContext } from "./provider.ts";
import { parseWith, promiseCache, readJsonFile, resolveIn } from "./fixture_file.ts";

/** The platforms checked when the config names none. */
export const DEFAULT_PLATFORMS: readonly string[] = ["twitch", "github", "twitter"];

const PlatformName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, {
  message: "expected a platform name (lowercase letters, digits, _ . -)",
});

/** `fixtures/handles.json`: handle -> platforms it is known to be on (the spec's format). */
export const HandlesFixture = z.record(z.string().min(1), z.array(PlatformName));
export type HandlesFixture = z.infer<typeof HandlesFixture>;

/** One platform in `fixtures/sites.json`. */
export const Site = z.strictObject({
  /** Display name. */
  name: z.string().min(1),
  /** Profile URL with a `{username}` placeholder. */
  profile_url: z.string().regex(/^https?:\/\/[^\s]*\{username\}[^\s]*$/, {
    message: "expected an http(s) URL template containing {username}",
  }),
  username: z.strictObject({
    /** A JavaScript regular expression the whole handle must match. */
    pattern: z.string().min(1),
    /** Regular-expression flags, e.g. "i" for case-insensitive platforms. */
    flags: z.string().regex(/^[imsu]*$/).default(""),
    /** The rule in words, quoted when a handle breaks it. */
    rule: z.string().min(1),
  }).superRefine((u, ctx) => {
    try {
      new RegExp(u.pattern, u.flags);
    } catch (e) {
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: `not a valid regular expression: ${e instanceof Error ? e.message : e}`,
      });
    }
  }),
  /** True when handles.json was checked against this platform, so an unlisted handle is absent. */
  fixture_complete: z.boolean().default(false),
});
export type Site = z.output<typeof Site>;

/** `fixtures/sites.json`: platform name -> site. */
export const SitesFile = z.record(PlatformName, Site);
export type SitesFile = z.output<typeof SitesFile>;

/** `options.handle_presence` in the providers config. */
export const HandlePresenceOptions = z.strictObject({
  /** Platforms to report, in this order. @default ["twitch", "github", "twitter"] */
  platforms: z.array(PlatformName).min(1).default([...DEFAULT_PLATFORMS]),
  /** Relative to the fixtures folder. @default "handles.json" */
  handles: z.string().min(1).default("handles.json"),
  /** Relative to the fixtures folder. @default "sites.json" */
  sites: z.string().min(1).default("sites.json"),
});
export type HandlePresenceOptions = z.output<typeof HandlePresenceOptions>;

/** One platform's answer. */
export type PlatformPresence =
  | { status: "present" | "absent"; url: string }
  | { status: "invalid"; url: null; reason: string }
  | { status: "unknown"; url: string | null; reason: string };

/**
 * The pure decision for one handle: `handles` and `sites` already loaded. Handle keys in
 * `handles` must be lowercase (see {@link indexHandles}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { indexHandles, presenceOf, type SitesFile } from "./handle_presence.ts";
 * const site = (name: string, pattern: string, complete: boolean) => ({
 *   name,
 *   profile_url: `https://${name}.example/{username}`,
 *   username: { pattern, flags: "i", rule: `${pattern} only` },
 *   fixture_complete: complete,
 * });
 * const sites: SitesFile = {
 *   github: site("github", "^[a-z0-9-]{1,39}$", true),
 *   twitter: site("twitter", "^[a-z0-9_]{1,15}$", false),
 *   twitch: site("twitch", "^[a-z0-9_]{4,25}$", true),
 * };
 * const handles = indexHandles({ "Pixel_Fox": ["twitch"] });
 * const platforms = ["twitch", "github", "twitter", "reddit"];
 * assert.deepEqual(presenceOf("@pixel_fox", platforms, handles, sites), {
 *   twitch: { status: "present", url: "https://twitch.example/pixel_fox" },
 *   github: { status: "invalid", url: null, reason: "github usernames: ^[a-z0-9-]{1,39}$ only" },
 *   twitter: {
 *     status: "unknown",
 *     url: "https://twitter.example/pixel_fox",
 *     reason: "handles.json was not checked against this site",
 *   },
 *   reddit: { status: "unknown", url: null, reason: "no entry in sites.json" },
 * });
 * assert.equal(presenceOf("pixel-fox", ["github"], handles, sites).github?.status, "unknown");
 * ```
 */
export function presenceOf(
  handle: string,
  platforms: readonly string[],
  handles: ReadonlyMap<string, readonly string[]>,
  sites: SitesFile,
): Record<string, PlatformPresence> {
  const h = handle.trim().replace(/^@/, "");
  const listed = handles.get(h.toLowerCase());
  const out: Record<string, PlatformPresence> = {};
  for (const p of platforms) {
    const site = Object.hasOwn(sites, p) ? sites[p] : undefined;
    if (!site) {
      out[p] = { status: "unknown", url: null, reason: "no entry in sites.json" };
      continue;
    }
    if (!new RegExp(site.username.pattern, site.username.flags).test(h)) {
      out[p] = {
        status: "invalid",
        url: null,
        reason: `${site.name} usernames: ${site.username.rule}`,
      };
      continue;
    }
    const url = site.profile_url.replaceAll("{username}", encodeURIComponent(h));
    if (listed === undefined) {
      out[p] = { status: "unknown", url, reason: "handle not in handles.json" };
    } else if (listed.includes(p)) {
      out[p] = { status: "present", url };
    } else if (site.fixture_complete) {
      out[p] = { status: "absent", url };
    } else {
      out[p] = { status: "unknown", url, reason: "handles.json was not checked against this site" };
    }
  }
  return out;
}

/** handles.json as a lowercase-keyed map; the same handle in two cases merges its platforms. */
export function indexHandles(file: HandlesFixture): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [handle, platforms] of Object.entries(file)) {
    const k = handle.trim().replace(/^@/, "").toLowerCase();
    const merged = new Set([...(out.get(k) ?? []), ...platforms]);
    out.set(k, [...merged].sort());
  }
  return out;
}

/** Creates the provider; each instance caches the two files it reads. */
export function createHandlePresence(): Provider {
  const cached = promiseCache();

  return {
    name: "handle_presence",
    description:
      "username: present/absent/invalid/unknown per platform, from fixtures/handles.json and fixtures/sites.json",
    supports: ["username"],
    needsNetwork: false,
    needsKey: false,
    checkOptions(options: unknown): void {
      parseWith(HandlePresenceOptions, options, "options.handle_presence");
    },
    async enrich(subject: Subject, ctx: ProviderContext): Promise<Record<string, unknown>> {
      const o = parseWith(HandlePresenceOptions, ctx.options, "options.handle_presence");
      const handlesPath = resolveIn(ctx.fixturesDir, o.handles);
      const sitesPath = resolveIn(ctx.fixturesDir, o.sites);
      const [handles, sites] = await Promise.all([
        cached(
          `h:${handlesPath}`,
          async () => indexHandles(await readJsonFile(handlesPath, HandlesFixture)),
        ),
        cached(`s:${sitesPath}`, () => readJsonFile(sitesPath, SitesFile)),
      ]);
      ctx.signal.throwIfAborted();
      const platforms = presenceOf(subject.value, o.platforms, handles, sites);
      const handle = subject.value.trim().replace(/^@/, "");
      return {
        handle,
        known: handles.has(handle.toLowerCase()),
        present: Object.entries(platforms).filter(([, v]) => v.status === "present").map(([k]) =>
          k
        ),
        platforms,
      };
    },
  };
}
