/**
 * A scripted Twitch-like chat server on loopback, for tests, benchmarks and the live demo.
 *
 * `Deno.serve` with `Deno.upgradeWebSocket` speaks enough of Twitch's IRC: CAP (ACK, NAK or
 * silence), PASS/NICK with anonymous `justinfan` logins or a token check, the welcome numerics,
 * JOIN/PART echoes, PING/PONG, and PRIVMSG lines with Twitch-like tags. In front of it sits a
 * small TCP relay, so that a test can also do what a WebSocket server cannot do politely: drop
 * every connection abruptly (no close frame) and refuse connections for a while.
 *
 * Everything clients send is recorded with its arrival time; JOIN times let a test check the
 * pacing.
 *
 * @module
 */

/** How the server behaves; all can be changed while it runs through {@link FakeTwitch.options}. */
export interface FakeTwitchOptions {
  /** Answer `CAP REQ` with NAK (a server without Twitch's capabilities). */
  capNak?: boolean;
  /** Do not answer `CAP REQ` at all (a plain IRC server). */
  capIgnore?: boolean;
  /** Send messages without tags (what a client gets after a NAK). */
  noTags?: boolean;
  /** When set, a login must present exactly this PASS; anything else is refused like Twitch. */
  acceptToken?: string;
  /** Refuse every login with this NOTICE text (e.g. "Improperly formatted auth"). */
  rejectLogin?: string;
  /** Stop answering PINGs (and stay silent): the link looks dead to the client. */
  frozen?: boolean;
  /** On a JOIN, send again the last N messages of that channel (like a history replay). */
  replayOnJoin?: number;
  /** Send the welcome only after this many ms (0: at once). */
  welcomeDelayMs?: number;
}

/** One line received from a client. */
export interface Received {
  at: number;
  line: string;
}

/** One client connection as the server saw it. */
export class FakeConnection {
  readonly id: number;
  readonly socket: WebSocket;
  readonly received: Received[] = [];
  readonly joined: Set<string> = new Set();
  nick: string | undefined;
  pass: string | undefined;
  loggedIn = false;
  open = true;

  constructor(id: number, socket: WebSocket) {
    this.id = id;
    this.socket = socket;
  }

  /** Sends one or more lines (each gets `\r\n`) in a single WebSocket message. */
  send(...lines: string[]): void {
    if (this.open && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(lines.map((l) => l + "\r\n").join(""));
    }
  }
}

/** A message the server sent to clients. */
export interface Said {
  id: string;
  channel: string;
  user: string;
  text: string;
  ts: number;
  line: string;
}

interface Relay {
  client: Deno.Conn;
  upstream: Deno.Conn;
  done: Promise<unknown>;
}

/** A running fake server; `await using server = await FakeTwitch.start()`. */
export class FakeTwitch implements AsyncDisposable {
  readonly options: FakeTwitchOptions;
  readonly connections: FakeConnection[] = [];
  readonly said: Said[] = [];
  /** Arrival times of every JOINed channel, over all connections (the limit is per account). */
  readonly joinTimes: number[] = [];
  /** Connection attempts refused so far. */
  refusedCount = 0;
  #refuse = 0;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
  #relays = new Set<Relay>();
  #accepting: Promise<void>;
  #seq = 0;
  #waiters = new Set<() => void>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  private constructor(options: FakeTwitchOptions, host: string, port: number) {
    this.options = options;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => this.#upgrade(request),
    );
    this.#listener = Deno.listen({ hostname: host, port });
    this.#accepting = this.#accept();
  }

  /** Starts the server on 127.0.0.1 (`port` 0 picks a free one). */
  static start(options: FakeTwitchOptions = {}, port = 0): Promise<FakeTwitch> {
    return Promise.resolve(new FakeTwitch(options, "127.0.0.1", port));
  }

  /** The URL clients connect to (through the relay). */
  get url(): string {
    return `ws://127.0.0.1:${this.#listener.addr.port}`;
  }

  /** Every line received from every client, in arrival order per connection. */
  get receivedLines(): string[] {
    return this.connections.flatMap((c) => c.received.map((r) => r.line));
  }

  /** Refuse the next `count` connection attempts (accept the TCP connection and close it). */
  refuse(count: number): void {
    this.#refuse = count;
  }

  /** Sends a PRIVMSG from `user` to every client in `channel`; returns what was sent. */
  say(channel: string, user: string, text: string, extraTags: Record<string, string> = {}): Said {
    const seq = ++this.#seq;
    const id = extraTags.id ?? `fake-${seq.toString().padStart(8, "0")}`;
    const ts = Date.now();
    const tags: Record<string, string> = {
      "badge-info": "",
      badges: "",
      color: "#1E90FF",
      "display-name": user.toUpperCase(),
      emotes: "",
      "first-msg": "0",
      flags: "",
      id,
      mod: "0",
      "room-id": String(1000 + channel.length),
      subscriber: "0",
      "tmi-sent-ts": String(ts),
      turbo: "0",
      "user-id": String(100_000 + seq),
      "user-type": "",
      ...extraTags,
    };
    const prefix = `:${user}!${user}@${user}.tmi.twitch.tv PRIVMSG #${channel} :${text}`;
    const line = this.options.noTags ? prefix : `@${formatTags(tags)} ${prefix}`;
    const said = { id, channel, user, text, ts, line };
    this.said.push(said);
    this.sendToChannel(channel, line);
    return said;
  }

  /** Sends a raw line to every logged-in client that joined `channel`. */
  sendToChannel(channel: string, line: string): void {
    for (const c of this.connections) if (c.open && c.joined.has(channel)) c.send(line);
  }

  /** Sends raw lines to every open connection. */
  sendAll(...lines: string[]): void {
    for (const c of this.connections) if (c.open) c.send(...lines);
  }

  /** Asks every client to reconnect, as Twitch does before a restart. */
  reconnectAll(): void {
    this.sendAll(":tmi.twitch.tv RECONNECT");
  }

  /** Closes every WebSocket politely (close frame with `code`). */
  closeAll(code = 1000): void {
    for (const c of this.connections) {
      if (c.open) c.socket.close(code);
    }
  }

  /** Cuts every TCP connection at once: no close frame, as when a link or a server dies. */
  dropAll(): void {
    for (const relay of this.#relays) {
      closeQuietly(relay.client);
      closeQuietly(relay.upstream);
    }
  }

  /** Open connections. */
  get openConnections(): FakeConnection[] {
    return this.connections.filter((c) => c.open);
  }

  /** The most JOINs seen in any span of `windowMs` (to compare with the limit). */
  maxJoinsInWindow(windowMs: number): number {
    let best = 0;
    let from = 0;
    for (let to = 0; to < this.joinTimes.length; to++) {
      while (this.joinTimes[to]! - this.joinTimes[from]! >= windowMs) from++;
      best = Math.max(best, to - from + 1);
    }
    return best;
  }

  /** Resolves when `predicate` holds (checked after every event), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake server: timed out after ${timeoutMs}ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(check, 20);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }

  #changed(): void {
    for (const w of [...this.#waiters]) w();
  }

  #later(ms: number, f: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      f();
    }, ms);
    this.#timers.add(t);
  }

  async #accept(): Promise<void> {
    for await (const client of this.#listener) {
      if (this.#refuse > 0) {
        this.#refuse--;
        this.refusedCount++;
        closeQuietly(client);
        this.#changed();
        continue;
      }
      let upstream: Deno.Conn;
      try {
        upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#server.addr.port });
      } catch {
        closeQuietly(client);
        continue;
      }
      const relay: Relay = { client, upstream, done: Promise.resolve() };
      relay.done = Promise.allSettled([
        pipe(client, upstream),
        pipe(upstream, client),
      ]).then(() => {
        closeQuietly(client);
        closeQuietly(upstream);
        this.#relays.delete(relay);
      });
      this.#relays.add(relay);
    }
  }

  #upgrade(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("fake twitch: WebSocket only\n", { status: 400 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const conn = new FakeConnection(this.connections.length + 1, socket);
    this.connections.push(conn);
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      for (const line of event.data.split("\r\n")) {
        if (line) this.#handle(conn, line);
      }
      this.#changed();
    };
    socket.onclose = () => {
      conn.open = false;
      this.#changed();
    };
    socket.onerror = () => {};
    return response;
  }

  #handle(conn: FakeConnection, line: string): void {
    const at = Date.now();
    conn.received.push({ at, line });
    const space = line.indexOf(" ");
    const command = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? "" : line.slice(space + 1);
    const o = this.options;
    switch (command) {
      case "CAP":
        if (o.capIgnore) return;
        if (rest.startsWith("LS")) {
          // Clients that negotiate (IRCv3 `CAP LS 302`, as @twurple/chat does) ask first.
          conn.send(
            `:tmi.twitch.tv CAP * LS :twitch.tv/membership twitch.tv/tags twitch.tv/commands`,
          );
        }
        if (rest.startsWith("REQ")) {
          const caps = rest.slice(rest.indexOf(":") + 1);
          conn.send(`:tmi.twitch.tv CAP * ${o.capNak ? "NAK" : "ACK"} :${caps}`);
        }
        return;
      case "PASS":
        conn.pass = rest;
        return;
      case "NICK": {
        conn.nick = rest.trim().toLowerCase();
        const anonymous = conn.pass === undefined && /^justinfan\d+$/.test(conn.nick);
        const refused = o.rejectLogin ??
          (o.acceptToken !== undefined
            ? (conn.pass === `oauth:${o.acceptToken}`
              ? undefined
              : anonymous
              ? undefined
              : "Login authentication failed")
            : (conn.pass === undefined && !anonymous ? "Improperly formatted auth" : undefined));
        if (refused) {
          conn.send(`:tmi.twitch.tv NOTICE * :${refused}`);
          this.#later(5, () => conn.open && conn.socket.close(1000));
          return;
        }
        const welcome = () => {
          if (!conn.open) return;
          conn.loggedIn = true;
          const n = conn.nick!;
          conn.send(
            `:tmi.twitch.tv 001 ${n} :Welcome, GLHF!`,
            `:tmi.twitch.tv 002 ${n} :Your host is tmi.twitch.tv`,
            `:tmi.twitch.tv 003 ${n} :This server is rather new`,
            `:tmi.twitch.tv 004 ${n} :-`,
            `:tmi.twitch.tv 375 ${n} :-`,
            `:tmi.twitch.tv 372 ${n} :You are in a maze of twisty passages, all alike.`,
            `:tmi.twitch.tv 376 ${n} :>`,
          );
          this.#changed();
        };
        if (o.welcomeDelayMs) this.#later(o.welcomeDelayMs, welcome);
        else welcome();
        return;
      }
      case "JOIN": {
        if (!conn.loggedIn) return;
        for (const raw of rest.split(",")) {
          const channel = raw.trim().replace(/^#/, "").toLowerCase();
          if (!channel) continue;
          this.joinTimes.push(at);
          conn.joined.add(channel);
          const n = conn.nick!;
          conn.send(`:${n}!${n}@${n}.tmi.twitch.tv JOIN #${channel}`);
          if (!o.noTags) {
            conn.send(
              `@emote-only=0;followers-only=-1;r9k=0;room-id=1;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #${channel}`,
            );
          }
          const replay = o.replayOnJoin ?? 0;
          if (replay > 0) {
            const history = this.said.filter((s) => s.channel === channel).slice(-replay);
            for (const s of history) conn.send(s.line);
          }
        }
        return;
      }
      case "PART":
        for (const raw of rest.split(",")) conn.joined.delete(raw.trim().replace(/^#/, ""));
        return;
      case "PING":
        if (!o.frozen) conn.send(`:tmi.twitch.tv PONG tmi.twitch.tv ${rest || ":tmi.twitch.tv"}`);
        return;
      default:
        return;
    }
  }

  /** Stops everything: sockets, relay, listener, HTTP server. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of this.connections) {
      if (c.open) {
        try {
          c.socket.close(1001);
        } catch {
          // Closing already.
        }
      }
    }
    this.dropAll();
    this.#listener.close();
    await this.#accepting.catch(() => {});
    await Promise.allSettled([...this.#relays].map((r) => r.done));
    await this.#server.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags).map(([k, v]) => `${k}=${escapeTag(v)}`).join(";");
}

/** IRCv3 tag escaping (the inverse of the parser's unescaping). */
export function escapeTag(value: string): string {
  return value.replace(
    /[\\; \r\n]/g,
    (c) => c === "\\" ? "\\\\" : c === ";" ? "\\:" : c === " " ? "\\s" : c === "\r" ? "\\r" : "\\n",
  );
}

async function pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await from.read(buffer);
      if (n === null) break;
      let chunk = buffer.subarray(0, n);
      while (chunk.length > 0) chunk = chunk.subarray(await to.write(chunk));
    }
  } catch {
    // One side was cut: the other is closed below.
  }
  closeQuietly(from);
  closeQuietly(to);
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
