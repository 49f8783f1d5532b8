/**
 * Live Twitch chat: a {@link ChatSource} that connects to Twitch's chat servers (or any IRC
 * server reachable by WebSocket or TCP), logs in, joins channels under the rate limit and yields
 * what it reads until its signal aborts.
 *
 * It survives the real world: it answers PING, pings an idle link itself and drops it when the
 * PONG does not come, and on RECONNECT, a closed socket, a reset or a dead link it reconnects
 * with capped exponential backoff and jitter and joins every channel again. Only a refused login
 * is fatal (retrying cannot fix a bad token): the iterator then throws a {@link NetworkError}.
 *
 * Many channels are spread over several connections; one JOIN pacer serves them all, since
 * Twitch's limit is per account. A message seen again (replayed after a reconnect, or sent
 * twice by the server) is yielded once; the store deduplicates by `message_id` as well.
 *
 * The token never appears in a status, a problem or an error.
 *
 * @module
 */
import type { ChatItem, ChatSource } from "./source.ts";
import { parseIrcLine, prefixNick } from "./irc.ts";
import { channelOf, twitchMeaning } from "./twitch.ts";
import { backoffDelay } from "./backoff.ts";
import { JoinPacer } from "./join_pacer.ts";
import { openTransport, SCHEMES, type Transport } from "./transport.ts";
import { errorMessage, NetworkError, UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { abortableSleep } from "./sleep.ts";

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
  /** Clock in epoch ms (receive times, ping timing). @default Date.now */
  now?: () => number;
  /** Uniform random in [0, 1) (jitter, anonymous nick). @default Math.random */
  random?: () => number;
}

/** Twitch's chat server over WebSocket with TLS. */
export const DEFAULT_SERVER = "wss://irc-ws.chat.twitch.tv:443";

interface Config {
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
  now: () => number;
  random: () => number;
}

/**
 * A source reading live chat from `options.channels`. Options are checked at once: a bad
 * channel, server URL or a token without a nick throws a {@link UsageError} here, not later.
 *
 * @example
 * ```ts ignore
 * import { liveSource } from "./live.ts";
 * const source = liveSource({ channels: ["somechannel"] }); // anonymous, read-only
 * for await (const item of source(AbortSignal.timeout(10_000))) {
 *   if (item.kind === "message") console.log(item.draft.user_name, item.draft.text);
 * }
 * ```
 */
export function liveSource(options: LiveOptions): ChatSource {
  const config = resolve(options);
  return (signal) => run(config, signal);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${name} must be a positive number (got ${value})`);
  }
  return value;
}

function resolve(options: LiveOptions): Config {
  const channels: string[] = [];
  const seen = new Set<string>();
  for (const raw of options.channels) {
    const login = normalizeLogin(raw);
    if (!login.ok) throw new UsageError(`channel ${JSON.stringify(raw)}: ${login.reason}`);
    if (!seen.has(login.value)) {
      seen.add(login.value);
      channels.push(login.value);
    }
  }
  if (channels.length === 0) throw new UsageError("no channels to join");

  const serverText = options.server ?? DEFAULT_SERVER;
  let server: URL;
  try {
    server = new URL(serverText);
  } catch {
    throw new UsageError(`server ${JSON.stringify(serverText)} is not a URL`);
  }
  if (!SCHEMES.includes(server.protocol)) {
    throw new UsageError(
      `server ${JSON.stringify(serverText)}: expected a wss://, ws://, ircs:// or irc:// URL`,
    );
  }
  if (server.username || server.password) {
    throw new UsageError("server URL must not hold credentials; use TWITCH_OAUTH_TOKEN");
  }

  const random = options.random ?? Math.random;
  const token = options.token?.trim();
  let pass: string | undefined;
  let nick: string;
  if (token) {
    if (!options.nick) throw new UsageError("a token needs the account's login (TWITCH_NICK)");
    const login = normalizeLogin(options.nick);
    if (!login.ok) throw new UsageError(`nick: ${login.reason}`);
    nick = login.value;
    pass = token.startsWith("oauth:") ? token : `oauth:${token}`;
  } else {
    nick = options.nick && !options.token
      ? anonymousOrGiven(options.nick, random)
      : `justinfan${anonymousDigits(random)}`;
  }
  return {
    channels,
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
    now: options.now ?? Date.now,
    random,
  };
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

/** Items from every connection, in arrival order; a fatal error is thrown after what came before it. */
class ItemQueue {
  #items: ChatItem[] = [];
  #head = 0;
  #ended = false;
  #error: unknown = undefined;
  #failed = false;
  #wake: (() => void) | undefined;

  push(item: ChatItem): void {
    if (this.#ended || this.#failed) return;
    this.#items.push(item);
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** The next item, or undefined at the end. */
  async next(): Promise<ChatItem | undefined> {
    while (true) {
      if (this.#head < this.#items.length) {
        const item = this.#items[this.#head]!;
        this.#head++;
        // Compact now and then so a long run does not keep every item ever read.
        if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        return item;
      }
      if (this.#failed) throw this.#error;
      if (this.#ended) return undefined;
      await new Promise<void>((r) => (this.#wake = r));
    }
  }
}

/** Recently seen ids, bounded: a replay after a reconnect is seconds old, not hours. */
class RecentIds {
  #set = new Set<string>();
  #ring: string[];
  #next = 0;

  constructor(capacity: number) {
    this.#ring = new Array<string>(capacity).fill("");
  }

  /** Adds `id`; false when it was seen already. */
  add(id: string): boolean {
    if (this.#set.has(id)) return false;
    // An id sliced from a WebSocket message would keep that whole message (hundreds of lines)
    // alive for as long as the id is remembered: keep a copy of its own instead.
    id = (" " + id).slice(1);
    const old = this.#ring[this.#next]!;
    if (old) this.#set.delete(old);
    this.#ring[this.#next] = id;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#set.add(id);
    return true;
  }
}

interface Shared {
  config: Config;
  queue: ItemQueue;
  pacer: JoinPacer;
  recent: RecentIds;
  signal: AbortSignal;
  connections: number;
  /** Removes the token from text meant for people (a server could echo anything). */
  scrub(text: string): string;
}

async function* run(config: Config, outer: AbortSignal): AsyncGenerator<ChatItem> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (outer.aborted) return;
  outer.addEventListener("abort", stop, { once: true });

  const groups: string[][] = [];
  for (let i = 0; i < config.channels.length; i += config.channelsPerConnection) {
    groups.push(config.channels.slice(i, i + config.channelsPerConnection));
  }
  const queue = new ItemQueue();
  const pass = config.pass;
  const secrets = pass ? [pass, pass.slice("oauth:".length)].filter((s) => s.length >= 4) : [];
  const shared: Shared = {
    config,
    queue,
    // A margin keeps us under the limit as the server measures it, after network jitter.
    pacer: new JoinPacer(
      config.joinsPerWindow,
      config.joinWindowMs + Math.min(1000, Math.max(50, config.joinWindowMs * 0.05)),
    ),
    recent: new RecentIds(100_000),
    signal: controller.signal,
    connections: groups.length,
    scrub: (text) => secrets.reduce((t, s) => t.split(s).join("[token]"), text),
  };

  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const spread = `${plural(config.channels.length, "channel")} over ${
    plural(groups.length, "connection")
  } to ${config.serverLabel}`;
  queue.push({
    kind: "status",
    text: config.anonymous
      ? `anonymous read-only login as ${config.nick} (no token): ${spread}`
      : `logging in as ${config.nick} with a token: ${spread}`,
  });

  const workers = groups.map((channels, i) =>
    connectionLoop(shared, i + 1, channels).catch((error) => {
      queue.fail(error);
      controller.abort();
    })
  );
  const all = Promise.all(workers).then(() => queue.end());
  try {
    while (true) {
      const item = await queue.next();
      if (item === undefined) break;
      yield item;
    }
  } finally {
    controller.abort();
    outer.removeEventListener("abort", stop);
    await all;
  }
}

/** One connection slot: connect, run, reconnect with backoff, until aborted or refused. */
async function connectionLoop(shared: Shared, index: number, channels: string[]): Promise<void> {
  const { config, signal } = shared;
  let attempt = 0;
  const label = shared.connections > 1 ? `connection ${index}` : "connection";
  while (!signal.aborted) {
    const outcome = await runSession(shared, index, label, channels);
    if (signal.aborted) return;
    if (outcome.welcomed) attempt = 0;
    const delay = backoffDelay(attempt, {
      baseMs: config.backoffBaseMs,
      maxMs: config.backoffMaxMs,
      random: config.random,
    });
    attempt++;
    shared.queue.push({
      kind: "status",
      text: shared.scrub(
        `${label}: ${outcome.reason}; reconnecting in ${duration(delay)} (attempt ${attempt})`,
      ),
    });
    await abortableSleep(delay, signal);
  }
}

interface Outcome {
  /** Why the session ended, for the status line. */
  reason: string;
  /** Whether the server welcomed us (login worked), which resets the backoff. */
  welcomed: boolean;
}

const LOGIN_FAILURES = [
  "login authentication failed",
  "improperly formatted auth",
  "invalid nick",
  "login unsuccessful",
];

/**
 * One connection from open to close. Resolves with why it ended; rejects only with a
 * NetworkError for a refused login.
 */
function runSession(
  shared: Shared,
  index: number,
  label: string,
  channels: string[],
): Promise<Outcome> {
  const { config, queue, signal } = shared;
  const where = shared.connections > 1 ? `${config.serverLabel}#${index}` : config.serverLabel;
  const tcp = config.server.protocol === "irc:" || config.server.protocol === "ircs:";

  return new Promise<Outcome>((resolveOutcome, rejectOutcome) => {
    let transport: Transport | undefined;
    let finished = false;
    let welcomed = false;
    let lineNo = 0;
    let partial = "";
    const openedAt = config.now();
    let lastReceived = openedAt;
    let pingSentAt = -1;
    const joined = new Set<string>();
    let announcedJoins = false;
    let ticker: ReturnType<typeof setInterval> | undefined;

    const status = (text: string) =>
      queue.push({ kind: "status", text: shared.scrub(`${label}: ${text}`) });
    const send = (line: string) => transport?.send(line + "\r\n");

    const finish = (reason: string, fatal?: NetworkError) => {
      if (finished) return;
      finished = true;
      if (ticker !== undefined) clearInterval(ticker);
      signal.removeEventListener("abort", onAbort);
      const t = transport;
      const settle = () => {
        if (fatal) rejectOutcome(fatal);
        else resolveOutcome({ reason, welcomed });
      };
      if (t) {
        t.close();
        t.closed.then(settle, settle);
      } else {
        settle();
      }
    };
    const onAbort = () => finish("stopped");
    signal.addEventListener("abort", onAbort, { once: true });

    const joinAll = async () => {
      for (const channel of channels) {
        if (finished) return;
        const at = shared.pacer.reserve(Date.now());
        const wait = at - Date.now();
        if (wait > 0) await abortableSleep(wait, signal);
        if (finished) return;
        send(`JOIN #${channel}`);
      }
    };

    const tick = () => {
      const t = config.now();
      if (!welcomed && t - openedAt >= config.pongTimeoutMs) {
        finish(`no welcome from the server within ${seconds(config.pongTimeoutMs)}`);
      } else if (pingSentAt >= 0) {
        if (t - pingSentAt >= config.pongTimeoutMs) {
          finish(`no PONG within ${seconds(config.pongTimeoutMs)}; the link is dead`);
        }
      } else if (t - lastReceived >= config.pingIntervalMs) {
        pingSentAt = t;
        send("PING :twitch-osint");
      }
    };

    const handleLine = (raw: string) => {
      lineNo++;
      const line = parseIrcLine(raw);
      if (!line.ok) {
        queue.push({
          kind: "problem",
          where: `${where}:${lineNo}`,
          reason: shared.scrub(`${line.reason}: ${JSON.stringify(raw.slice(0, 120))}`),
        });
        return;
      }
      switch (line.command) {
        case "PRIVMSG":
        case "USERNOTICE":
        case "CLEARMSG":
        case "CLEARCHAT": {
          const meaning = twitchMeaning(line, config.now());
          if (meaning === undefined) return;
          if (meaning.kind === "invalid") {
            queue.push({
              kind: "problem",
              where: `${where}:${lineNo}`,
              reason: shared.scrub(meaning.reason),
            });
          } else if (meaning.kind === "message") {
            if (shared.recent.add(meaning.draft.message_id)) queue.push(meaning);
          } else if (shared.recent.add(`event ${meaning.event.event_id}`)) {
            queue.push(meaning);
          }
          return;
        }
        case "PING":
          send(line.params.length > 0 ? `PONG :${line.params[line.params.length - 1]}` : "PONG");
          return;
        case "PONG":
          pingSentAt = -1;
          return;
        case "RECONNECT":
          finish("the server asked to reconnect (RECONNECT)");
          return;
        case "001":
          if (!welcomed) {
            welcomed = true;
            status(`logged in to ${config.serverLabel}; joining ${channels.length} channel(s)`);
            joinAll().catch(() => {});
          }
          return;
        case "CAP": {
          const verb = line.params[1];
          if (verb === "NAK") {
            status(
              "the server refused the Twitch capabilities (CAP NAK); messages lack Twitch tags",
            );
          }
          // A plain IRC server holds registration until CAP END; Twitch ignores it.
          if (tcp && (verb === "ACK" || verb === "NAK")) send("CAP END");
          return;
        }
        case "464":
        case "NOTICE": {
          const text = line.params[line.params.length - 1] ?? "";
          const target = line.params[0] ?? "";
          const lower = text.toLowerCase();
          if (
            !welcomed &&
            (line.command === "464" ||
              target === "*" && LOGIN_FAILURES.some((f) => lower.includes(f)))
          ) {
            finish(
              "login refused",
              new NetworkError(
                shared.scrub(
                  `${config.serverLabel} refused the login as ${config.nick}: ${
                    text || "password incorrect"
                  }` +
                    (config.anonymous ? "" : " (check TWITCH_OAUTH_TOKEN and TWITCH_NICK)"),
                ),
              ),
            );
          } else if (target.startsWith("#")) {
            status(`${target}: ${text}`);
          }
          return;
        }
        case "JOIN": {
          if (prefixNick(line.prefix)?.toLowerCase() !== config.nick) return;
          const channel = channelOf(line.params[0]);
          if (channel === undefined || !channels.includes(channel)) return;
          joined.add(channel);
          if (!announcedJoins && joined.size === channels.length) {
            announcedJoins = true;
            status(`joined ${joined.size} channel(s)`);
          }
          return;
        }
        case "PART": {
          if (prefixNick(line.prefix)?.toLowerCase() !== config.nick) return;
          const channel = channelOf(line.params[0]);
          if (channel !== undefined) joined.delete(channel);
          return;
        }
        default:
          return;
      }
    };

    const onData = (text: string, whole: boolean) => {
      if (finished) return;
      lastReceived = config.now();
      let data = partial ? partial + text : text;
      partial = "";
      let start = 0;
      while (!finished) {
        const nl = data.indexOf("\n", start);
        if (nl < 0) break;
        const end = nl > start && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (end > start) handleLine(data.slice(start, end));
        start = nl + 1;
      }
      if (finished || start >= data.length) return;
      data = data.slice(start);
      if (whole) {
        const end = data.endsWith("\r") ? data.length - 1 : data.length;
        if (end > 0) handleLine(data.slice(0, end));
      } else if (data.length > 1_000_000) {
        // A TCP peer that never ends its line: report and drop rather than grow forever.
        queue.push({
          kind: "problem",
          where: `${where}:${lineNo + 1}`,
          reason: "line longer than 1 MB dropped",
        });
      } else {
        partial = data;
      }
    };

    openTransport(config.server, {
      onData,
      onClose: (reason) => finish(`connection lost (${reason})`),
    }, signal).then(
      (t) => {
        if (finished) {
          t.close();
          return;
        }
        transport = t;
        status(`connected to ${config.serverLabel}`);
        // Twitch wants CAP before PASS/NICK; a server without CAP answers 421 or nothing.
        send("CAP REQ :twitch.tv/tags twitch.tv/commands");
        if (config.pass) send(`PASS ${config.pass}`);
        send(`NICK ${config.nick}`);
        if (tcp) send(`USER ${config.nick} 8 * :${config.nick}`);
        const every = Math.max(10, Math.min(config.pingIntervalMs, config.pongTimeoutMs) / 4);
        ticker = setInterval(tick, every);
      },
      (error) => finish(shared.scrub(errorMessage(error))),
    );
  });
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
