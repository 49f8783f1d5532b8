/**
 * The options of the live source and their checked, resolved form: channels normalized, the
 * server URL and the login checked at once (a bad one is a {@link UsageError} before any
 * connection), defaults filled in.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { SCHEMES } from "./transport.ts";

/** Options of {@link liveSource}. */
export interface LiveOptions {
  /** Channel logins to monitor (normalized again here: `#Name` becomes `name`). */
  channels: string[];
  /** `wss://`, `ws://`, `ircs://` or `irc://` URL. @default "wss://irc-ws.chat.twitch.tv:443" */
  server?: string;
  /** An OAuth token (`oauth:` added when missing). Without one the login is anonymous. */
  token?: string;
  /** The account's login; required with a token. Anonymous logins use `justinfan<digits>`. */
  nick?: string;
  /** JOINs allowed per window (Twitch: 20 for normal accounts). @default 20 */
  joinsPerWindow?: number;
  /** The JOIN window in milliseconds. @default 10000 */
  joinWindowMs?: number;
  /** Channels per connection. @default 90 */
  channelsPerConnection?: number;
  /** Idle time after which we send our own PING. @default 60000 */
  pingIntervalMs?: number;
  /** How long to wait for the PONG (and for the welcome after connecting). @default 10000 */
  pongTimeoutMs?: number;
  /** First reconnect delay before jitter. @default 1000 */
  backoffBaseMs?: number;
  /** Longest reconnect delay. @default 60000 */
  backoffMaxMs?: number;
  /** Time and timers (receive times, pings, JOIN pacing, backoff). @default the system clock */
  clock?: Clock;
  /** Data items held for a reader that falls behind before new ones are shed. @default 25000 */
  queueLimit?: number;
  /** Uniform random in [0, 1) (jitter, anonymous nick). @default Math.random */
  random?: () => number;
}

/** Twitch's chat server over WebSocket with TLS. */
export const DEFAULT_SERVER = "wss://irc-ws.chat.twitch.tv:443";

/** {@link LiveOptions} checked and with their defaults. */
export interface LiveConfig {
  channels: string[];
  server: URL;
  serverLabel: string;
  pass: string | undefined;
  nick: string;
  anonymous: boolean;
  joinsPerWindow: number;
  joinWindowMs: number;
  channelsPerConnection: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  clock: Clock;
  queueLimit: number;
  random: () => number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${name} must be a positive number (got ${value})`);
  }
  return value;
}

/**
 * Checks `options` and fills in the defaults; throws a {@link UsageError} naming what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveLiveOptions } from "./live_config.ts";
 * const config = resolveLiveOptions({ channels: ["#Some_Channel"], random: () => 0 });
 * assert.deepEqual(config.channels, ["some_channel"]);
 * assert.equal(config.nick, "justinfan10000");
 * assert.throws(() => resolveLiveOptions({ channels: [] }), /no channels/);
 * ```
 */
export function resolveLiveOptions(options: LiveOptions): LiveConfig {
  const server = serverUrl(options.server ?? DEFAULT_SERVER);
  const random = options.random ?? Math.random;
  const { pass, nick } = login(options, random);
  return {
    channels: channelList(options.channels),
    server,
    serverLabel: `${server.protocol}//${server.host}`,
    pass,
    nick,
    anonymous: pass === undefined,
    joinsPerWindow: Math.floor(positive("joinsPerWindow", options.joinsPerWindow, 20)),
    joinWindowMs: positive("joinWindowMs", options.joinWindowMs, 10_000),
    channelsPerConnection: Math.floor(
      positive("channelsPerConnection", options.channelsPerConnection, 90),
    ),
    pingIntervalMs: positive("pingIntervalMs", options.pingIntervalMs, 60_000),
    pongTimeoutMs: positive("pongTimeoutMs", options.pongTimeoutMs, 10_000),
    backoffBaseMs: positive("backoffBaseMs", options.backoffBaseMs, 1000),
    backoffMaxMs: positive("backoffMaxMs", options.backoffMaxMs, 60_000),
    clock: options.clock ?? systemClock,
    queueLimit: Math.floor(positive("queueLimit", options.queueLimit, 25_000)),
    random,
  };
}

/** Channel logins normalized, without repeats; at least one. */
function channelList(raw: readonly string[]): string[] {
  const channels: string[] = [];
  for (const name of raw) {
    const login = normalizeLogin(name);
    if (!login.ok) throw new UsageError(`channel ${JSON.stringify(name)}: ${login.reason}`);
    if (!channels.includes(login.value)) channels.push(login.value);
  }
  if (channels.length === 0) throw new UsageError("no channels to join");
  return channels;
}

/** The server URL: one of the schemes a transport exists for, without credentials. */
function serverUrl(text: string): URL {
  let server: URL;
  try {
    server = new URL(text);
  } catch {
    throw new UsageError(`server ${JSON.stringify(text)} is not a URL`);
  }
  if (!SCHEMES.includes(server.protocol)) {
    throw new UsageError(
      `server ${JSON.stringify(text)}: expected a wss://, ws://, ircs:// or irc:// URL`,
    );
  }
  if (server.username || server.password) {
    throw new UsageError("server URL must not hold credentials; use TWITCH_OAUTH_TOKEN");
  }
  return server;
}

/** PASS and NICK: a token with its account's login, or an anonymous `justinfan` login. */
function login(
  options: LiveOptions,
  random: () => number,
): { pass: string | undefined; nick: string } {
  const token = options.token?.trim();
  if (token) {
    if (!options.nick) throw new UsageError("a token needs the account's login (TWITCH_NICK)");
    const nick = normalizeLogin(options.nick);
    if (!nick.ok) throw new UsageError(`nick: ${nick.reason}`);
    return { pass: token.startsWith("oauth:") ? token : `oauth:${token}`, nick: nick.value };
  }
  const nick = options.nick && !options.token
    ? anonymousOrGiven(options.nick, random)
    : `justinfan${anonymousDigits(random)}`;
  return { pass: undefined, nick };
}

function anonymousDigits(random: () => number): number {
  return 10_000 + Math.floor(random() * 89_999);
}

/** Without a token only `justinfan` logins are accepted by Twitch; keep one given, else make one. */
function anonymousOrGiven(nick: string, random: () => number): string {
  const login = normalizeLogin(nick);
  return login.ok && /^justinfan\d+$/.test(login.value)
    ? login.value
    : `justinfan${anonymousDigits(random)}`;
}
