import { assert, assertEquals, assertMatch, assertRejects } from "../support/assert.ts";
import { FakeTwitch } from "../support/fake_twitch.ts";
import { type LiveOptions, liveSource } from "../../src/chat/live.ts";
import type { ChatItem, MessageDraft } from "../../src/chat/source.ts";
import { NetworkError, UsageError } from "../../src/errors.ts";
import { Message } from "../../src/schemas.ts";
import { FakeClock } from "../support/fake_clock.ts";

/** A running client: items as they come, and a stop that waits for the source to end. */
interface Client {
  items: ChatItem[];
  done: Promise<void>;
  stop(): Promise<void>;
  messages(): MessageDraft[];
  statuses(): string[];
  waitFor(
    predicate: (items: ChatItem[]) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<void>;
}

function startClient(options: LiveOptions): Client {
  const controller = new AbortController();
  const items: ChatItem[] = [];
  const source = liveSource(options);
  const done = (async () => {
    for await (const item of source(controller.signal)) {
      if (item.kind === "batch") items.push(...item.items);
      else items.push(item);
    }
  })();
  // Keep an early failure from being reported as unhandled before a test awaits it.
  done.catch(() => {});
  return {
    items,
    done,
    async stop() {
      controller.abort();
      await done.catch(() => {});
    },
    messages: () => items.flatMap((i) => i.kind === "message" ? [i.draft] : []),
    statuses: () => items.flatMap((i) => i.kind === "status" ? [i.text] : []),
    waitFor(predicate, what, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const poll = setInterval(() => {
          if (!predicate(items)) return;
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }, 10);
        const timer = setTimeout(() => {
          clearInterval(poll);
          reject(
            new Error(`timed out waiting for ${what}; items: ${JSON.stringify(items.slice(-8))}`),
          );
        }, timeoutMs);
      });
    },
  };
}

/**
 * Options that keep tests fast: short backoff, no idle pings unless a test asks, and a welcome
 * timeout a loaded machine cannot miss. Tests that check timing pass a {@link FakeClock}.
 */
function fast(server: FakeTwitch, extra: Partial<LiveOptions> = {}): LiveOptions {
  return {
    channels: ["alpha"],
    server: server.url,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    pingIntervalMs: 60_000,
    pongTimeoutMs: 60_000,
    ...extra,
  };
}

const joinedAll = (n: number) => (items: ChatItem[]) =>
  items.filter((i) => i.kind === "status" && i.text.includes("joined")).length >= n;

function countIds(messages: MessageDraft[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.message_id, (counts.get(m.message_id) ?? 0) + 1);
  return counts;
}

Deno.test("liveSource() logs in anonymously, requests Twitch caps and yields messages", async () => {
  await using server = await FakeTwitch.start();
  const client = startClient(fast(server, { channels: ["#Alpha", "beta"] }));
  await client.waitFor(joinedAll(1), "joins");
  const a = server.say("alpha", "ann", "hello @bob", { emotes: "", "first-msg": "1" });
  const b = server.say("beta", "bob", "\x01ACTION waves\x01", {
    badges: "moderator/1,subscriber/12",
  });
  await client.waitFor(() => client.messages().length === 2, "two messages");
  await client.stop();

  const first = client.statuses()[0]!;
  assertMatch(first, /anonymous read-only login as justinfan\d+/);
  const lines = server.receivedLines;
  assertEquals(lines[0], "CAP REQ :twitch.tv/tags twitch.tv/commands");
  assert(!lines.some((l) => l.startsWith("PASS")), "no PASS when anonymous");
  assert(lines.some((l) => /^NICK justinfan\d+$/.test(l)));
  assert(lines.includes("JOIN #alpha") && lines.includes("JOIN #beta"));

  const [m1, m2] = client.messages();
  assertEquals(m1!.message_id, a.id);
  assertEquals(m1!.channel, "alpha");
  assertEquals(m1!.user_name, "ann");
  assertEquals(m1!.text, "hello @bob");
  assertEquals(m1!.ts, new Date(a.ts).toISOString());
  assertEquals(m1!.first_msg, true);
  assertEquals(m1!.source, "twitch-irc");
  assertEquals(m2!.message_id, b.id);
  assertEquals(m2!.text, "waves");
  assertEquals(m2!.action, true);
  assertEquals(m2!.badges, ["moderator/1", "subscriber/12"]);
  for (const m of client.messages()) {
    const full = { ...m, mentions: [], urls: [], emotes: m.emotes ?? [] };
    assert(Message.safeParse(full).success, `schema-valid message: ${JSON.stringify(m)}`);
  }
});

Deno.test("liveSource() logs in with a token and never shows it", async () => {
  const token = "s3cr3tTokenValue42";
  await using server = await FakeTwitch.start({ acceptToken: token });
  const client = startClient(fast(server, { token, nick: "MyBot" }));
  await client.waitFor(joinedAll(1), "join");
  server.say("alpha", "ann", "hi");
  await client.waitFor(() => client.messages().length === 1, "message");
  server.dropAll();
  await client.waitFor(
    () => client.statuses().filter((s) => s.includes("joined")).length >= 2,
    "rejoin after a drop",
  );
  await client.stop();

  assert(server.receivedLines.includes(`PASS oauth:${token}`), "oauth: prefix added");
  assert(server.receivedLines.includes("NICK mybot"));
  assertMatch(client.statuses()[0]!, /logging in as mybot with a token/);
  const everything = JSON.stringify(client.items);
  assert(!everything.includes(token), "token absent from every item");
});

for (const refusal of ["Login authentication failed", "Improperly formatted auth"]) {
  Deno.test(`liveSource() stops with a NetworkError on "${refusal}"`, async () => {
    const token = "wrongTokenValue99";
    await using server = await FakeTwitch.start({ rejectLogin: refusal });
    const client = startClient(fast(server, { token: `oauth:${token}`, nick: "mybot" }));
    const error = await assertRejects(() => client.done, NetworkError);
    assertMatch(error.message, new RegExp(refusal));
    assert(!error.message.includes(token), "token absent from the error");
    assert(!JSON.stringify(client.items).includes(token), "token absent from the items");
    // No reconnect loop: the source has ended (its connections with it), after one attempt.
    assertEquals(server.connections.length, 1);
    await client.stop();
  });
}

Deno.test("liveSource() works with a server that answers CAP NAK and sends no tags", async () => {
  await using server = await FakeTwitch.start({ capNak: true, noTags: true });
  const before = Date.now();
  const client = startClient(fast(server));
  await client.waitFor(joinedAll(1), "join");
  server.say("alpha", "ann", "plain irc");
  server.say("alpha", "ann", "plain irc again");
  await client.waitFor(() => client.messages().length === 2, "messages");
  await client.stop();

  assert(client.statuses().some((s) => s.includes("CAP NAK")));
  const [m1, m2] = client.messages();
  assertEquals(m1!.text, "plain irc");
  assertMatch(m1!.message_id, /^h_[0-9a-f]{32}$/);
  assert(m1!.message_id !== m2!.message_id);
  assertEquals(m1!.user_id, null);
  assertEquals(m1!.emotes, undefined, "no emotes tag: emotes left to the analyzer");
  assert(Date.parse(m1!.ts) >= before - 1000 && Date.parse(m1!.ts) <= Date.now() + 1000);
});

Deno.test("liveSource() works with a server that ignores CAP", async () => {
  await using server = await FakeTwitch.start({ capIgnore: true, noTags: true });
  const client = startClient(fast(server));
  await client.waitFor(joinedAll(1), "join");
  server.say("alpha", "ann", "still here");
  await client.waitFor(() => client.messages().length === 1, "message");
  await client.stop();
  assertEquals(client.messages()[0]!.text, "still here");
});

Deno.test("liveSource() paces JOINs on its clock and spreads channels over connections", async () => {
  await using server = await FakeTwitch.start();
  const clock = new FakeClock();
  const channels = Array.from({ length: 12 }, (_, i) => `chan_${i}`);
  const client = startClient(fast(server, {
    channels,
    joinsPerWindow: 5,
    joinWindowMs: 300,
    channelsPerConnection: 5,
    clock,
  }));
  // The window is 300 ms plus a 50 ms margin. While the clock stands still, only the first
  // window's five JOINs can go out; the others wait on the clock's timers.
  const joinsWaiting = () => clock.pending.some((ms) => ms > 0 && ms <= 350);
  await server.waitFor(
    () => server.connections.filter((c) => c.loggedIn).length === 3 && joinsWaiting(),
    20_000,
    "three logins and JOINs waiting",
  );
  await server.waitFor(() => server.joinTimes.length === 5, 20_000, "the first window");
  await clock.advance(349);
  assertEquals(server.joinTimes.length, 5, "nothing more before the window ends");
  await clock.advance(1);
  await server.waitFor(() => server.joinTimes.length === 10, 20_000, "the second window");
  await clock.advance(349);
  assertEquals(server.joinTimes.length, 10);
  await clock.advance(1);
  await client.waitFor(joinedAll(3), "three connections joined");
  await client.stop();

  assertEquals(server.connections.length, 3);
  assertEquals(server.connections.map((c) => c.joined.size).sort(), [2, 5, 5]);
  assertEquals(server.joinTimes.length, 12);
});

Deno.test("liveSource() answers PING and pings an idle link on its clock", async () => {
  await using server = await FakeTwitch.start();
  const clock = new FakeClock();
  const client = startClient(fast(server, { pingIntervalMs: 100, pongTimeoutMs: 500, clock }));
  await client.waitFor(joinedAll(1), "join");
  server.sendAll("PING :tmi.twitch.tv");
  await server.waitFor(() => server.receivedLines.includes("PONG :tmi.twitch.tv"), 20_000, "PONG");
  const ours = () => server.receivedLines.filter((l) => l === "PING :twitch-osint").length;
  assertEquals(ours(), 0, "not idle while the clock stands still");
  await clock.advance(100);
  await server.waitFor(() => ours() === 1, 20_000, "our PING");
  // A message after the server's PONG shows the client has read the PONG too.
  server.say("alpha", "ann", "after the pong");
  await client.waitFor(() => client.messages().length === 1, "a message after the PONG");
  await clock.advance(100);
  await server.waitFor(() => ours() === 2, 20_000, "our second PING");
  await client.stop();
  assertEquals(server.connections.length, 1, "answered PINGs keep the link");
});

Deno.test("liveSource() treats a missing PONG as a dead link and reconnects", async () => {
  await using server = await FakeTwitch.start({ frozen: true });
  const clock = new FakeClock();
  const client = startClient(fast(server, { pingIntervalMs: 80, pongTimeoutMs: 150, clock }));
  await client.waitFor(joinedAll(1), "join");
  await clock.advance(80);
  await server.waitFor(() => server.receivedLines.includes("PING :twitch-osint"), 20_000, "PING");
  await clock.advance(149);
  assert(!client.statuses().some((s) => s.includes("no PONG")), "within the PONG timeout");
  await clock.advance(20); // the next check (every timeout / 4, at most 20 ms here)
  await client.waitFor(
    () => client.statuses().some((s) => s.includes("no PONG")),
    "dead link detected",
  );
  server.options.frozen = false;
  await client.waitFor(
    () => client.statuses().some((s) => s.includes("reconnecting in")),
    "a reconnect planned",
  );
  await clock.advance(200); // the longest backoff
  await client.waitFor(joinedAll(2), "rejoined");
  server.say("alpha", "ann", "back");
  await client.waitFor(() => client.messages().length === 1, "message after reconnect");
  await client.stop();
  assert(server.connections.length >= 2);
});

Deno.test("liveSource() reconnects on RECONNECT and rejoins every channel", async () => {
  await using server = await FakeTwitch.start();
  const client = startClient(fast(server, { channels: ["alpha", "beta", "gamma"] }));
  await client.waitFor(joinedAll(1), "join");
  server.say("beta", "ann", "before");
  await client.waitFor(() => client.messages().length === 1, "first message");
  server.reconnectAll();
  await client.waitFor(joinedAll(2), "rejoin");
  server.say("gamma", "bob", "after");
  await client.waitFor(() => client.messages().length === 2, "second message");
  await client.stop();

  assertEquals(server.connections.length, 2);
  assertEquals([...server.connections[1]!.joined].sort(), ["alpha", "beta", "gamma"]);
  assert(client.statuses().some((s) => s.includes("RECONNECT")));
});

Deno.test("liveSource() survives abrupt disconnects; every message is yielded exactly once", async () => {
  await using server = await FakeTwitch.start({ replayOnJoin: 5 });
  const client = startClient(fast(server, { channels: ["alpha", "beta"] }));
  const sent: string[] = [];
  for (let round = 1; round <= 3; round++) {
    await client.waitFor(joinedAll(round), `joins of round ${round}`);
    for (let i = 0; i < 20; i++) {
      sent.push(server.say(i % 2 ? "alpha" : "beta", `user_${i}`, `round ${round} line ${i}`).id);
    }
    await client.waitFor(() => client.messages().length === sent.length, `round ${round} messages`);
    // The replay of the last five per channel on rejoin must not come out twice.
    server.dropAll();
  }
  await client.waitFor(joinedAll(4), "final rejoin");
  // The server replays history on the JOIN, before anything said after it: once this last
  // message is here, every replay of the final rejoin has been read (and must have been dropped).
  sent.push(server.say("alpha", "last", "after the final rejoin").id);
  await client.waitFor(() => client.messages().some((m) => m.user_name === "last"), "last");
  await client.stop();

  const counts = countIds(client.messages());
  assertEquals(counts.size, sent.length);
  for (const id of sent) assertEquals(counts.get(id), 1, `message ${id} once`);
  assert(client.statuses().some((s) => s.includes("connection lost")));
});

Deno.test("liveSource() backs off while the server refuses, then connects", async () => {
  await using server = await FakeTwitch.start();
  server.refuse(3);
  const client = startClient(
    fast(server, { backoffBaseMs: 40, backoffMaxMs: 1000, random: () => 0.999 }),
  );
  await client.waitFor(joinedAll(1), "join after refusals");
  server.say("alpha", "ann", "finally");
  await client.waitFor(() => client.messages().length === 1, "message");
  await client.stop();

  assertEquals(server.refusedCount, 3);
  const delays = client.statuses()
    .map((s) => /reconnecting in (\d+)ms/.exec(s)?.[1])
    .filter((d): d is string => d !== undefined)
    .map(Number);
  assertEquals(delays, [40, 80, 160], "exponential delays with jitter at its top");
});

Deno.test("liveSource() splits several lines per message, keeps odd bytes, reports bad lines", async () => {
  await using server = await FakeTwitch.start();
  const client = startClient(fast(server));
  await client.waitFor(joinedAll(1), "join");
  const conn = server.connections[0]!;
  const line = (id: string, text: string) =>
    `@id=${id};tmi-sent-ts=1700000000000;user-id=7 :ann!ann@ann.tmi.twitch.tv PRIVMSG #alpha :${text}`;
  // Three lines in one WebSocket message, the last without its \r\n.
  conn.socket.send(`${line("m1", "one")}\r\n${line("m2", "two")}\r\n${line("m3", "three")}`);
  // Invalid UTF-8 in a binary message: decoded with U+FFFD, not dropped.
  const bytes = new TextEncoder().encode(line("m4", "bad X here") + "\r\n");
  bytes[bytes.indexOf(0x58)] = 0xff;
  conn.socket.send(bytes);
  // A malformed line, a line for a channel name Twitch cannot have, and the same id again.
  conn.send("@only-tags", ":nick!n@h PRIVMSG #bad-channel! :x", line("m1", "one"));
  await client.waitFor(
    (items) =>
      items.filter((i) => i.kind === "problem").length === 2 && client.messages().length === 4,
    "messages and problems",
  );
  await client.stop();

  assertEquals(client.messages().map((m) => m.text), ["one", "two", "three", "bad \uFFFD here"]);
  const problems = client.items.flatMap((i) => i.kind === "problem" ? [i] : []);
  assertMatch(problems[0]!.where, /^ws:\/\/127\.0\.0\.1:\d+:\d+$/);
  assertMatch(problems[0]!.reason, /tags without a command/);
  assertMatch(problems[1]!.reason, /invalid channel/);
});

Deno.test("liveSource() yields moderation events", async () => {
  await using server = await FakeTwitch.start();
  const client = startClient(fast(server));
  await client.waitFor(joinedAll(1), "join");
  server.sendToChannel(
    "alpha",
    "@login=ann;target-msg-id=m-9;tmi-sent-ts=1700000000000 :tmi.twitch.tv CLEARMSG #alpha :oops",
  );
  server.sendToChannel(
    "alpha",
    "@ban-duration=600;target-user-id=5;tmi-sent-ts=1700000001000 :tmi.twitch.tv CLEARCHAT #alpha :bob",
  );
  await client.waitFor(
    (items) => items.filter((i) => i.kind === "event").length === 2,
    "two events",
  );
  await client.stop();
  const events = client.items.flatMap((i) => i.kind === "event" ? [i.event] : []);
  assertEquals(events.map((e) => e.kind), ["clearmsg", "clearchat"]);
});

Deno.test("liveSource() ends on an abort while waiting to reconnect, without waiting the delay", async () => {
  await using server = await FakeTwitch.start();
  server.refuse(1000);
  const clock = new FakeClock();
  const client = startClient(
    fast(server, { backoffBaseMs: 5000, backoffMaxMs: 5000, random: () => 0.5, clock }),
  );
  await client.waitFor(
    () => client.statuses().some((s) => s.includes("reconnecting")),
    "a refusal",
  );
  await clock.waitForTimer((ms) => ms === 3750);
  await client.stop(); // the clock never moves: the abort alone ends the wait
  assertEquals(clock.pending, [], "the backoff timer was cancelled");
});

Deno.test("liveSource() rejects bad options at once", () => {
  const cases: Array<[Partial<LiveOptions>, RegExp]> = [
    [{ token: "abcdef123456" }, /TWITCH_NICK/],
    [{ server: "http://example.invalid" }, /wss:\/\//],
    [{ server: "not a url" }, /not a URL/],
    [{ channels: ["bad channel!"] }, /channel/],
    [{ channels: [] }, /no channels/],
    [{ joinsPerWindow: 0 }, /joinsPerWindow/],
  ];
  for (const [extra, message] of cases) {
    let caught: unknown;
    try {
      liveSource({ channels: ["alpha"], ...extra });
    } catch (error) {
      caught = error;
    }
    assert(caught instanceof UsageError, `UsageError for ${JSON.stringify(extra)}`);
    assertMatch((caught as UsageError).message, message);
    assert(
      !(caught as UsageError).message.includes("abcdef123456"),
      "token absent from the message",
    );
  }
});

Deno.test("liveSource() speaks raw IRC over TCP (irc://) to a plain server", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const received: string[] = [];
  const encoder = new TextEncoder();
  const serving = (async () => {
    const conn = await listener.accept();
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(4096);
    let pending = "";
    let welcomed = false;
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        pending += decoder.decode(buffer.subarray(0, n), { stream: true });
        const lines = pending.split("\r\n");
        pending = lines.pop()!;
        for (const line of lines) {
          received.push(line);
          if (line.startsWith("CAP REQ")) {
            await conn.write(encoder.encode(":irc.local 421 * CAP :Unknown command\r\n"));
          }
          if (line.startsWith("USER") && !welcomed) {
            welcomed = true;
            await conn.write(encoder.encode(":irc.local 001 x :Welcome\r\n"));
          }
          if (line === "JOIN #alpha") {
            const nick = received.find((l) => l.startsWith("NICK "))!.slice(5);
            await conn.write(
              encoder.encode(`:${nick}!u@h JOIN #alpha\r\n:ann!u@h PRIVMSG #alpha :split `),
            );
            // The rest of the line in another TCP segment, with a byte that is not UTF-8.
            await conn.write(
              new Uint8Array([...encoder.encode("acr"), 0xfe, ...encoder.encode("ss reads\r\n")]),
            );
          }
        }
      }
    } catch {
      // The client went away.
    }
    conn.close();
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  const client = startClient({
    channels: ["alpha"],
    server: `irc://127.0.0.1:${port}`,
    backoffBaseMs: 20,
  });
  await client.waitFor(() => client.messages().length === 1, "message over TCP");
  await client.stop();
  listener.close();
  await serving;
  assert(received.some((l) => /^USER justinfan\d+ /.test(l)), "USER sent for plain IRC");
  assertEquals(client.messages()[0]!.text, "split acr\uFFFDss reads");
  assertEquals(client.messages()[0]!.user_name, "ann");
});

Deno.test("liveSource() that never joins a channel throws the last connection error", async () => {
  await using server = await FakeTwitch.start();
  server.refuse(1000);
  const client = startClient(fast(server));
  await client.waitFor(
    () => client.statuses().filter((s) => s.includes("reconnecting")).length >= 2,
    "two refusals",
  );
  const controller = client.stop();
  const error = await assertRejects(() => client.done, NetworkError);
  await controller;
  assertMatch(error.message, /^never joined a channel; the last connection error: /);
  assertMatch(error.message, /cannot connect to ws:\/\/127\.0\.0\.1:\d+/);
});

Deno.test("liveSource() that joined once ends without an error when stopped", async () => {
  await using server = await FakeTwitch.start();
  const client = startClient(fast(server));
  await client.waitFor(joinedAll(1), "join");
  server.refuse(1000);
  server.dropAll();
  await client.waitFor(
    () => client.statuses().filter((s) => s.includes("reconnecting")).length >= 2,
    "refusals after the drop",
  );
  await client.stop();
  await client.done; // resolves: the monitor did get in
});

Deno.test("liveSource() against a hostile server: foreign channels, bad times, huge lines", async () => {
  await using server = await FakeTwitch.start();
  const client = startClient(fast(server));
  await client.waitFor(joinedAll(1), "join");
  const conn = server.connections[0]!;
  const line = (tags: string, channel: string, text: string) =>
    `@${tags} :ann!ann@ann.tmi.twitch.tv PRIVMSG #${channel} :${text}`;
  const before = Date.now();
  conn.send(
    line("id=f1;tmi-sent-ts=1756814400000", "otherchannel", "injected"),
    line("id=t1;tmi-sent-ts=253402300800000", "alpha", "year 10000"),
    line("id=t2;tmi-sent-ts=1756814411", "alpha", "seconds"),
    line("id=h1;tmi-sent-ts=1756814400000", "alpha", "x".repeat(70 * 1024)),
    line("id=ok;tmi-sent-ts=1756814400000", "alpha", "fine"),
  );
  await client.waitFor(() => client.messages().some((m) => m.message_id === "ok"), "last line");
  await client.stop();
  const messages = client.messages();
  assertEquals(messages.map((m) => m.message_id), ["t1", "t2", "ok"]);
  const t1 = Date.parse(messages[0]!.ts);
  assert(t1 >= before - 1000 && t1 <= Date.now() + 1000, `receive time, got ${messages[0]!.ts}`);
  assertEquals(messages[1]!.ts, "2025-09-02T12:00:11.000Z");
  const problems = client.items.flatMap((i) => i.kind === "problem" ? [i.reason] : []);
  assertEquals(problems.length, 2);
  assertMatch(problems[0]!, /#otherchannel, a channel this monitor did not join/);
  assertMatch(problems[1]!, /longer than 2000/);
  const warnings = client.items.flatMap((i) => i.kind === "warning" ? [i.reason] : []);
  assertEquals(warnings.length, 1);
  assertMatch(warnings[0]!, /tmi-sent-ts 253402300800000: .* the receive time is used/);
});

Deno.test("liveSource() scrubs a token the server echoes in chat before yielding it", async () => {
  const token = "s3cr3tTokenValue42";
  await using server = await FakeTwitch.start({ acceptToken: token });
  const client = startClient(fast(server, { token, nick: "mybot" }));
  await client.waitFor(joinedAll(1), "join");
  server.say("alpha", "ann", `you logged in with oauth:${token}`, { "display-name": token });
  server.sendToChannel("alpha", `@login=ann;id=e1 :tmi.twitch.tv USERNOTICE #alpha :${token}`);
  await client.waitFor(
    (items) => items.some((i) => i.kind === "event") && client.messages().length === 1,
    "the echo",
  );
  await client.stop();
  assertEquals(client.messages()[0]!.text, "you logged in with [token]");
  assert(!JSON.stringify(client.items).includes(token), "token absent from every item");
});
