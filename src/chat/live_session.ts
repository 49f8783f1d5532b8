/**
 * One live connection's protocol, as a state machine without a socket: text in (`data`), the
 * passing of time in (`tick`), and out through {@link SessionIO} the lines to send, the items to
 * yield, the channels to join and the end of the session. The connection (`live.ts`) wires it to
 * a transport and a clock; tests drive it directly.
 *
 * States: connecting (waiting for the welcome, within `pongTimeoutMs`) → welcomed (JOINs asked
 * of the pacer, PINGs answered, an idle link pinged, a missing PONG ends it) → finished (by
 * RECONNECT, a refused login, a dead link or the owner). Lines after the end are ignored.
 *
 * Before anything is parsed, a token echoed back by the server is replaced by `[token]`, so it
 * reaches no item (and so no file). Messages for channels this connection did not join are
 * dropped with a problem.
 *
 * @module
 */
import type { ChatItem } from "./source.ts";
import { type IrcLine, parseIrcLine, prefixNick } from "./irc.ts";
import { channelOf, privmsgMeaning, type TwitchMeaning, twitchMeaning } from "./twitch.ts";
import type { RecentIds } from "./recent_ids.ts";
import { NetworkError } from "../errors.ts";

/** What a session asks of its connection. */
export interface SessionIO {
  /** Sends one line (without `\r\n`). */
  send(line: string): void;
  /** Hands an item to the reader. */
  emit(item: ChatItem): void;
  /** Sends `JOIN`s for `channels`, paced under the account's limit. */
  join(channels: readonly string[]): void;
  /** Ends the connection: why (for the status line), and the error when it is fatal. */
  finish(reason: string, fatal?: NetworkError): void;
}

/** What a session knows of its login and its share of the channels. */
export interface SessionSetup {
  nick: string;
  /** `oauth:...`, or undefined for an anonymous login. */
  pass: string | undefined;
  /** Raw IRC over TCP (needs `USER` and `CAP END`). */
  tcp: boolean;
  /** `wss://host:port`, for people. */
  serverLabel: string;
  /** Prefix of problem locations (`server:line`). */
  where: string;
  /** `connection` or `connection 2`, for status lines. */
  label: string;
  /** This connection's channels (normalized logins). */
  channels: readonly string[];
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** Shared by the connections of a source: a message seen again is yielded once. */
  recent: RecentIds;
}

const LOGIN_FAILURES = [
  "login authentication failed",
  "improperly formatted auth",
  "invalid nick",
  "login unsuccessful",
];

/** Longest line kept while waiting for its end (a TCP peer that never ends a line). */
const MAX_PARTIAL = 1_000_000;

/** The secrets to scrub for a login with `pass`: the pass and the bare token. */
export function secretsOf(pass: string | undefined): string[] {
  if (!pass) return [];
  return [pass, pass.slice("oauth:".length)].filter((s) => s.length >= 4);
}

/** Replaces every secret in `text` by `[token]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  for (const s of secrets) if (text.includes(s)) text = text.split(s).join("[token]");
  return text;
}

/**
 * One connection's protocol state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ChatItem } from "./source.ts";
 * import { LiveSession } from "./live_session.ts";
 * import { RecentIds } from "./recent_ids.ts";
 * const sent: string[] = [], items: ChatItem[] = [], ends: string[] = [];
 * const t0 = Date.parse("2025-09-02T12:34:56.000Z");
 * const session = new LiveSession({
 *   nick: "watcher",
 *   pass: "oauth:s3cretvalue",
 *   tcp: false,
 *   serverLabel: "wss://irc.example:443",
 *   where: "irc.example",
 *   label: "connection",
 *   channels: ["example_channel"],
 *   pingIntervalMs: 60_000,
 *   pongTimeoutMs: 10_000,
 *   recent: new RecentIds(100),
 * }, {
 *   send: (line) => sent.push(line),
 *   emit: (item) => items.push(item),
 *   join: (channels) => sent.push(`(join ${channels.join(",")})`),
 *   finish: (reason) => ends.push(reason),
 * }, t0);
 * session.open();
 * session.data(":tmi.twitch.tv 001 watcher :Welcome\r\nPING :tmi.twitch.tv\r\n", true, t0);
 * const privmsg = "@id=abc;tmi-sent-ts=" + t0 + " :ann!ann@ann.tmi.twitch.tv PRIVMSG";
 * session.data(`${privmsg} #example_channel :hi s3cretvalue\r\n`, true, t0);
 * session.data(`${privmsg} #other :x\r\n`, true, t0);
 * assert.deepEqual(sent, [
 *   "CAP REQ :twitch.tv/tags twitch.tv/commands",
 *   "PASS oauth:s3cretvalue",
 *   "NICK watcher",
 *   "(join example_channel)",
 *   "PONG :tmi.twitch.tv",
 * ]);
 * // The echoed token never reaches an item; a channel not joined is a problem.
 * assert.deepEqual(items.slice(2), [
 *   {
 *     kind: "message",
 *     draft: {
 *       ts: "2025-09-02T12:34:56.000Z",
 *       channel: "example_channel",
 *       message_id: "abc",
 *       user_id: null,
 *       user_name: "ann",
 *       text: "hi [token]",
 *       source: "twitch-irc",
 *     },
 *   },
 *   {
 *     kind: "problem",
 *     where: "irc.example:4",
 *     reason: "PRIVMSG for #other, a channel this monitor did not join: dropped",
 *   },
 * ]);
 * // An idle link is pinged; without a PONG the session ends.
 * session.tick(t0 + 60_000);
 * assert.equal(sent.at(-1), "PING :twitch-osint");
 * session.tick(t0 + 70_000);
 * assert.deepEqual(ends, ["no PONG within 10s; the link is dead"]);
 * assert.equal(session.finished, true);
 * ```
 */
export class LiveSession {
  readonly #setup: SessionSetup;
  readonly #io: SessionIO;
  readonly #secrets: string[];
  readonly #channels: Set<string>;
  readonly #openedAt: number;
  #welcomed = false;
  #finished = false;
  #lineNo = 0;
  #partial = "";
  #lastReceived: number;
  #pingSentAt = -1;
  #joined = new Set<string>();
  #announced = false;

  /** A session that opened at `now` (epoch ms). */
  constructor(setup: SessionSetup, io: SessionIO, now: number) {
    this.#setup = setup;
    this.#io = io;
    this.#secrets = secretsOf(setup.pass);
    this.#channels = new Set(setup.channels);
    this.#openedAt = now;
    this.#lastReceived = now;
  }

  /** Whether the server welcomed the login (which resets the reconnect backoff). */
  get welcomed(): boolean {
    return this.#welcomed;
  }

  /** Whether the session has ended. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Channels the server confirmed joining. */
  get joined(): ReadonlySet<string> {
    return this.#joined;
  }

  /** The transport is open: log in. Twitch wants CAP before PASS/NICK. */
  open(): void {
    const { nick, pass, tcp, serverLabel } = this.#setup;
    this.#status(`connected to ${serverLabel}`);
    this.#io.send("CAP REQ :twitch.tv/tags twitch.tv/commands");
    if (pass) this.#io.send(`PASS ${pass}`);
    this.#io.send(`NICK ${nick}`);
    if (tcp) this.#io.send(`USER ${nick} 8 * :${nick}`);
  }

  /** The owner ended the session (abort, closed transport): ignore whatever comes after. */
  close(): void {
    this.#finished = true;
  }

  /**
   * Text from the transport at `now`. `whole` says the chunk ends at a message boundary (one
   * WebSocket message), so a last line without `\r\n` is complete.
   */
  data(text: string, whole: boolean, now: number): void {
    if (this.#finished) return;
    this.#lastReceived = now;
    if (this.#secrets.length > 0) text = scrubSecrets(text, this.#secrets);
    let data = this.#partial ? this.#partial + text : text;
    this.#partial = "";
    let start = 0;
    while (!this.#finished) {
      const nl = data.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) this.#line(data.slice(start, end), now);
      start = nl + 1;
    }
    if (this.#finished || start >= data.length) return;
    data = data.slice(start);
    if (whole) {
      const end = data.endsWith("\r") ? data.length - 1 : data.length;
      if (end > 0) this.#line(data.slice(0, end), now);
    } else if (data.length > MAX_PARTIAL) {
      this.#problem(this.#lineNo + 1, "line longer than 1 MB dropped");
    } else {
      this.#partial = data;
    }
  }

  /** Time passes: a missing welcome or PONG ends the session, an idle link is pinged. */
  tick(now: number): void {
    if (this.#finished) return;
    const { pongTimeoutMs, pingIntervalMs } = this.#setup;
    if (!this.#welcomed && now - this.#openedAt >= pongTimeoutMs) {
      this.#end(`no welcome from the server within ${seconds(pongTimeoutMs)}`);
    } else if (this.#pingSentAt >= 0) {
      if (now - this.#pingSentAt >= pongTimeoutMs) {
        this.#end(`no PONG within ${seconds(pongTimeoutMs)}; the link is dead`);
      }
    } else if (now - this.#lastReceived >= pingIntervalMs) {
      this.#pingSentAt = now;
      this.#io.send("PING :twitch-osint");
    }
  }

  #end(reason: string, fatal?: NetworkError): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#io.finish(reason, fatal);
  }

  #status(text: string): void {
    this.#io.emit({
      kind: "status",
      text: scrubSecrets(`${this.#setup.label}: ${text}`, this.#secrets),
    });
  }

  #problem(lineNo: number, reason: string): void {
    this.#io.emit({ kind: "problem", where: `${this.#setup.where}:${lineNo}`, reason });
  }

  #line(raw: string, now: number): void {
    const lineNo = ++this.#lineNo;
    // The hot path: a PRIVMSG in Twitch's usual shape is read without an IrcLine.
    const fast = privmsgMeaning(raw, now);
    if (fast !== undefined) return this.#meaning(fast, "PRIVMSG", lineNo);
    const line = parseIrcLine(raw);
    if (!line.ok) {
      this.#problem(lineNo, `${line.reason}: ${JSON.stringify(raw.slice(0, 120))}`);
      return;
    }
    switch (line.command) {
      case "PRIVMSG":
      case "USERNOTICE":
      case "CLEARMSG":
      case "CLEARCHAT":
        return this.#meaning(twitchMeaning(line, now), line.command, lineNo);
      case "PING":
        this.#io.send(
          line.params.length > 0 ? `PONG :${line.params[line.params.length - 1]}` : "PONG",
        );
        return;
      case "PONG":
        this.#pingSentAt = -1;
        return;
      case "RECONNECT":
        return this.#end("the server asked to reconnect (RECONNECT)");
      case "001":
        return this.#welcome();
      case "CAP":
        return this.#cap(line);
      case "464":
      case "NOTICE":
        return this.#notice(line);
      case "JOIN":
        return this.#joinEcho(line);
      case "PART":
        return this.#partEcho(line);
      default:
        return;
    }
  }

  #meaning(meaning: TwitchMeaning | undefined, command: string, lineNo: number): void {
    if (meaning === undefined) return;
    if (meaning.kind === "invalid") return this.#problem(lineNo, meaning.reason);
    const channel = meaning.kind === "message" ? meaning.draft.channel : meaning.event.channel;
    if (!this.#channels.has(channel)) {
      return this.#problem(
        lineNo,
        `${command} for #${channel}, a channel this monitor did not join: dropped`,
      );
    }
    const id = meaning.kind === "message"
      ? meaning.draft.message_id
      : `event ${meaning.event.event_id}`;
    if (!this.#setup.recent.add(id)) return;
    // Without a warning a meaning is an item already: no second object per message.
    if (meaning.warning === undefined) return this.#io.emit(meaning);
    this.#io.emit({
      kind: "warning",
      where: `${this.#setup.where}:${lineNo}`,
      reason: meaning.warning,
    });
    this.#io.emit(
      meaning.kind === "message"
        ? { kind: "message", draft: meaning.draft }
        : { kind: "event", event: meaning.event },
    );
  }

  #welcome(): void {
    if (this.#welcomed) return;
    this.#welcomed = true;
    const { channels, serverLabel } = this.#setup;
    this.#status(`logged in to ${serverLabel}; joining ${channels.length} channel(s)`);
    this.#io.join(channels);
  }

  #cap(line: IrcLine): void {
    const verb = line.params[1];
    if (verb === "NAK") {
      this.#status(
        "the server refused the Twitch capabilities (CAP NAK); messages lack Twitch tags",
      );
    }
    // A plain IRC server holds registration until CAP END; Twitch ignores it.
    if (this.#setup.tcp && (verb === "ACK" || verb === "NAK")) this.#io.send("CAP END");
  }

  #notice(line: IrcLine): void {
    const text = line.params[line.params.length - 1] ?? "";
    const target = line.params[0] ?? "";
    const lower = text.toLowerCase();
    const refused = line.command === "464" ||
      target === "*" && LOGIN_FAILURES.some((f) => lower.includes(f));
    if (!this.#welcomed && refused) {
      const { serverLabel, nick, pass } = this.#setup;
      const hint = pass === undefined ? "" : " (check TWITCH_OAUTH_TOKEN and TWITCH_NICK)";
      const message = `${serverLabel} refused the login as ${nick}: ${
        text || "password incorrect"
      }${hint}`;
      this.#end("login refused", new NetworkError(scrubSecrets(message, this.#secrets)));
    } else if (target.startsWith("#")) {
      this.#status(`${target}: ${text}`);
    }
  }

  #joinEcho(line: IrcLine): void {
    if (prefixNick(line.prefix)?.toLowerCase() !== this.#setup.nick) return;
    const channel = channelOf(line.params[0]);
    if (channel === undefined || !this.#channels.has(channel)) return;
    this.#joined.add(channel);
    if (!this.#announced && this.#joined.size === this.#channels.size) {
      this.#announced = true;
      this.#status(`joined ${this.#joined.size} channel(s)`);
    }
  }

  #partEcho(line: IrcLine): void {
    if (prefixNick(line.prefix)?.toLowerCase() !== this.#setup.nick) return;
    const channel = channelOf(line.params[0]);
    if (channel !== undefined) this.#joined.delete(channel);
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
