/**
 * Live Twitch chat: a {@link ChatSource} that connects to Twitch's chat servers (or any IRC
 * server reachable by WebSocket or TCP), logs in, joins channels under the rate limit and yields
 * what it reads until its signal aborts.
 *
 * It survives the real world: it answers PING, pings an idle link itself and drops it when the
 * PONG does not come, and on RECONNECT, a closed socket, a reset or a dead link it reconnects
 * with capped exponential backoff and jitter and joins every channel again. A refused login is
 * fatal (retrying cannot fix a bad token), and so is a run that ends without ever joining a
 * channel: the iterator then throws a {@link NetworkError} with the last connection error.
 *
 * Many channels are spread over several connections; one JOIN pacer serves them all, since
 * Twitch's limit is per account. A message seen again (replayed after a reconnect, or sent
 * twice by the server) is yielded once; the store deduplicates by `message_id` as well. Items
 * reach the reader in batches through a bounded queue ({@link ItemQueue}).
 *
 * The protocol of one connection is {@link LiveSession}; this module wires it to a transport,
 * the clock and the pacer. The token never appears in a status, a problem, an error or an item.
 *
 * @module
 */
import type { ChatBatch, ChatItem, ChatSource } from "./source.ts";
import { backoffDelay } from "./backoff.ts";
import { JoinPacer } from "./join_pacer.ts";
import { openTransport, type Transport } from "./transport.ts";
import { errorMessage, NetworkError } from "../errors.ts";
import { type Clock, sleep } from "./clock.ts";
import { ItemQueue } from "./item_queue.ts";
import { RecentIds } from "./recent_ids.ts";
import { type LiveConfig, type LiveOptions, resolveLiveOptions } from "./live_config.ts";
import {
  LiveSession,
  scrubSecrets,
  secretsOf,
  type SessionIO,
  type SessionSetup,
} from "./live_session.ts";

export { DEFAULT_SERVER, type LiveOptions } from "./live_config.ts";

/**
 * A source reading live chat from `options.channels`. Options are checked at once: a bad
 * channel, server URL or a token without a nick throws a {@link UsageError} here, not later.
 *
 * @example
 * ```ts ignore
 * import { liveSource } from "./live.ts";
 * const source = liveSource({ channels: ["somechannel"] }); // anonymous, read-only
 * for await (const item of source(AbortSignal.timeout(10_000))) {
 *   if (item.kind === "batch") console.log(`${item.items.length} items`);
 * }
 * ```
 */
export function liveSource(options: LiveOptions): ChatSource {
  const config = resolveLiveOptions(options);
  return (signal) => new LiveRun(config, signal);
}

/** What the connections of one source share. */
interface Shared {
  config: LiveConfig;
  queue: ItemQueue;
  pacer: JoinPacer;
  recent: RecentIds;
  signal: AbortSignal;
  connections: number;
  secrets: string[];
  /** Whether any connection joined a channel. */
  joinedAny: boolean;
  /** Why the last connection attempt or session ended. */
  lastFailure: string | undefined;
}

/**
 * One run of the source, as a hand-written async iterator rather than an async generator: when
 * items are queued, `next()` hands them over at once (one microtask), so under a flood the
 * reader keeps up with the socket instead of falling a few WebSocket messages behind, and the
 * items spend less time alive (less garbage promoted, less memory).
 */
class LiveRun implements AsyncIterableIterator<ChatBatch> {
  readonly #config: LiveConfig;
  readonly #outer: AbortSignal;
  readonly #controller = new AbortController();
  readonly #stop = () => this.#controller.abort();
  #shared: Shared | undefined;
  #all: Promise<void> = Promise.resolve();
  #fatal = false;
  #done = false;

  constructor(config: LiveConfig, outer: AbortSignal) {
    this.#config = config;
    this.#outer = outer;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChatBatch> {
    return this;
  }

  next(): Promise<IteratorResult<ChatBatch, undefined>> {
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    const shared = this.#shared ?? this.#start();
    if (shared === undefined) return Promise.resolve({ done: true, value: undefined });
    const items = shared.queue.takeNow();
    if (items !== undefined) return Promise.resolve({ done: false, value: batch(items) });
    return this.#wait(shared);
  }

  async #wait(shared: Shared): Promise<IteratorResult<ChatBatch, undefined>> {
    let items: ChatItem[] | undefined;
    try {
      items = await shared.queue.take();
    } catch (error) {
      await this.#finish(true);
      throw error;
    }
    if (items !== undefined) return { done: false, value: batch(items) };
    await this.#finish(false);
    return { done: true, value: undefined };
  }

  /** The reader stopped early (`break`): stop the connections, wait for them, say how it went. */
  async return(): Promise<IteratorResult<ChatBatch, undefined>> {
    await this.#finish(false);
    return { done: true, value: undefined };
  }

  #start(): Shared | undefined {
    const config = this.#config;
    if (this.#outer.aborted) {
      this.#done = true;
      return undefined;
    }
    this.#outer.addEventListener("abort", this.#stop, { once: true });
    const groups: string[][] = [];
    for (let i = 0; i < config.channels.length; i += config.channelsPerConnection) {
      groups.push(config.channels.slice(i, i + config.channelsPerConnection));
    }
    const shared: Shared = {
      config,
      queue: new ItemQueue(config.queueLimit),
      // A margin keeps us under the limit as the server measures it, after network jitter.
      pacer: new JoinPacer(
        config.joinsPerWindow,
        config.joinWindowMs + Math.min(1000, Math.max(50, config.joinWindowMs * 0.05)),
      ),
      recent: new RecentIds(100_000),
      signal: this.#controller.signal,
      connections: groups.length,
      secrets: secretsOf(config.pass),
      joinedAny: false,
      lastFailure: undefined,
    };
    this.#shared = shared;
    shared.queue.push({ kind: "status", text: loginText(config, groups.length) });
    const workers = groups.map((channels, i) =>
      connectionLoop(shared, i + 1, channels).catch((error) => {
        this.#fatal = true;
        shared.queue.fail(error);
        this.#controller.abort();
      })
    );
    this.#all = Promise.all(workers).then(() => shared.queue.end());
    return shared;
  }

  /**
   * Ends the run once. A monitor that never got into a channel has failed, whatever ended it:
   * unless another error is on its way, that is thrown with the last connection error.
   */
  async #finish(failed: boolean): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#controller.abort();
    this.#outer.removeEventListener("abort", this.#stop);
    await this.#all;
    const shared = this.#shared;
    if (
      !failed && !this.#fatal && shared !== undefined && !shared.joinedAny &&
      shared.lastFailure !== undefined
    ) {
      throw new NetworkError(
        `never joined a channel; the last connection error: ${shared.lastFailure}`,
      );
    }
  }
}

function batch(items: ChatItem[]): ChatBatch {
  return { kind: "batch", items };
}

function loginText(config: LiveConfig, connections: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const spread = `${plural(config.channels.length, "channel")} over ${
    plural(connections, "connection")
  } to ${config.serverLabel}`;
  return config.anonymous
    ? `anonymous read-only login as ${config.nick} (no token): ${spread}`
    : `logging in as ${config.nick} with a token: ${spread}`;
}

/** One connection slot: connect, run, reconnect with backoff, until aborted or refused. */
async function connectionLoop(shared: Shared, index: number, channels: string[]): Promise<void> {
  const { config, signal } = shared;
  let attempt = 0;
  const label = shared.connections > 1 ? `connection ${index}` : "connection";
  while (!signal.aborted) {
    const outcome = await runSession(shared, index, label, channels);
    if (outcome.joined) shared.joinedAny = true;
    if (signal.aborted) return;
    shared.lastFailure = outcome.reason;
    if (outcome.welcomed) attempt = 0;
    const delay = backoffDelay(attempt, {
      baseMs: config.backoffBaseMs,
      maxMs: config.backoffMaxMs,
      random: config.random,
    });
    attempt++;
    shared.queue.push({
      kind: "status",
      text: `${label}: ${outcome.reason}; reconnecting in ${duration(delay)} (attempt ${attempt})`,
    });
    await sleep(config.clock, delay, signal);
  }
}

interface Outcome {
  /** Why the session ended, for the status line (scrubbed). */
  reason: string;
  /** Whether the server welcomed us (login worked), which resets the backoff. */
  welcomed: boolean;
  /** Whether any channel was joined. */
  joined: boolean;
}

/** Sends `JOIN`s for `channels` as the shared pacer allows, until `stopped()`. */
async function paceJoins(
  shared: Shared,
  channels: readonly string[],
  send: (line: string) => void,
  stopped: () => boolean,
): Promise<void> {
  const clock = shared.config.clock;
  for (const channel of channels) {
    if (stopped()) return;
    const wait = shared.pacer.reserve(clock.now()) - clock.now();
    if (wait > 0) await sleep(clock, wait, shared.signal);
    if (stopped()) return;
    send(`JOIN #${channel}`);
  }
}

/** Calls `fn` every `ms` on `clock` until the returned function is called. */
function every(clock: Clock, ms: number, fn: () => void): () => void {
  let cancel = clock.after(ms, function again() {
    fn();
    cancel = clock.after(ms, again);
  });
  return () => cancel();
}

function setupOf(shared: Shared, index: number, label: string, channels: string[]): SessionSetup {
  const config = shared.config;
  return {
    nick: config.nick,
    pass: config.pass,
    tcp: config.server.protocol === "irc:" || config.server.protocol === "ircs:",
    serverLabel: config.serverLabel,
    where: shared.connections > 1 ? `${config.serverLabel}#${index}` : config.serverLabel,
    label,
    channels,
    pingIntervalMs: config.pingIntervalMs,
    pongTimeoutMs: config.pongTimeoutMs,
    recent: shared.recent,
  };
}

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
  return new Promise<Outcome>((resolve, reject) => {
    new SessionRun(shared, setupOf(shared, index, label, channels), resolve, reject).start();
  });
}

/**
 * The state of one connection: its transport once open, the ticker that drives the session's
 * timers, and the {@link LiveSession} that reads its lines. Finishing closes all three once,
 * then settles the outcome when the transport has closed.
 */
class SessionRun {
  #shared: Shared;
  #session: LiveSession;
  #resolve: (outcome: Outcome) => void;
  #reject: (error: NetworkError) => void;
  #transport: Transport | undefined;
  #stopTicker: (() => void) | undefined;
  #done = false;
  #onAbort = () => this.#finish("stopped");

  constructor(
    shared: Shared,
    setup: SessionSetup,
    resolve: (outcome: Outcome) => void,
    reject: (error: NetworkError) => void,
  ) {
    this.#shared = shared;
    this.#resolve = resolve;
    this.#reject = reject;
    const send = (line: string) => this.#transport?.send(line + "\r\n");
    const io: SessionIO = {
      send,
      emit: (item: ChatItem) => void shared.queue.push(item),
      join: (list) => void paceJoins(shared, list, send, () => this.#done).catch(() => {}),
      finish: (reason, fatal) => this.#finish(reason, fatal),
    };
    this.#session = new LiveSession(setup, io, shared.config.clock.now());
  }

  /** Opens the transport; the session starts once it is open. */
  start(): void {
    const { config, signal } = this.#shared;
    const clock = config.clock;
    signal.addEventListener("abort", this.#onAbort, { once: true });
    openTransport(config.server, {
      onData: (text, whole) => this.#session.data(text, whole, clock.now()),
      onClose: (reason) => this.#finish(`connection lost (${reason})`),
    }, signal).then(
      (t) => this.#opened(t),
      (error) => this.#finish(errorMessage(error)),
    );
  }

  #opened(t: Transport): void {
    if (this.#done) {
      t.close();
      return;
    }
    const { config } = this.#shared;
    const clock = config.clock;
    this.#transport = t;
    this.#session.open();
    const tickMs = Math.max(10, Math.min(config.pingIntervalMs, config.pongTimeoutMs) / 4);
    this.#stopTicker = every(clock, tickMs, () => this.#session.tick(clock.now()));
  }

  #finish(reason: string, fatal?: NetworkError): void {
    if (this.#done) return;
    this.#done = true;
    const session = this.#session;
    session.close();
    this.#stopTicker?.();
    this.#shared.signal.removeEventListener("abort", this.#onAbort);
    const settle = () => {
      if (fatal) this.#reject(fatal);
      else {
        this.#resolve({
          reason: scrubSecrets(reason, this.#shared.secrets),
          welcomed: session.welcomed,
          joined: session.joined.size > 0,
        });
      }
    };
    const transport = this.#transport;
    if (transport) {
      transport.close();
      transport.closed.then(settle, settle);
    } else settle();
  }
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
