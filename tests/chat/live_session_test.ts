import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { LiveSession, type SessionSetup } from "../../src/chat/live_session.ts";
import { RecentIds } from "../../src/chat/recent_ids.ts";
import type { ChatItem, MessageDraft } from "../../src/chat/source.ts";
import { NetworkError } from "../../src/errors.ts";

const T0 = Date.UTC(2025, 8, 2, 12);
const TOKEN = "s3cr3tTokenValue42";

/** A session driven by hand, with everything it did recorded. */
function harness(extra: Partial<SessionSetup> = {}) {
  const sent: string[] = [];
  const items: ChatItem[] = [];
  const joins: string[][] = [];
  const ends: Array<{ reason: string; fatal: NetworkError | undefined }> = [];
  const session = new LiveSession({
    nick: "justinfan12345",
    pass: undefined,
    tcp: false,
    serverLabel: "wss://irc.test:443",
    where: "wss://irc.test:443",
    label: "connection",
    channels: ["alpha", "beta"],
    pingIntervalMs: 60_000,
    pongTimeoutMs: 10_000,
    recent: new RecentIds(100),
    ...extra,
  }, {
    send: (line) => sent.push(line),
    emit: (item) => items.push(item),
    join: (channels) => joins.push([...channels]),
    finish: (reason, fatal) => ends.push({ reason, fatal }),
  }, T0);
  const lines = (...ls: string[]) => session.data(ls.map((l) => l + "\r\n").join(""), true, T0);
  return {
    session,
    sent,
    items,
    joins,
    ends,
    lines,
    messages: () => items.flatMap((i) => i.kind === "message" ? [i.draft] : []),
    problems: () => items.flatMap((i) => i.kind === "problem" ? [i.reason] : []),
    warnings: () => items.flatMap((i) => i.kind === "warning" ? [i.reason] : []),
  };
}

const privmsg = (tags: string, channel: string, text: string, user = "ann") =>
  `@${tags} :${user}!${user}@${user}.tmi.twitch.tv PRIVMSG #${channel} :${text}`;

function welcomed(extra: Partial<SessionSetup> = {}) {
  const h = harness(extra);
  h.session.open();
  h.lines(":tmi.twitch.tv 001 justinfan12345 :Welcome, GLHF!");
  return h;
}

Deno.test("LiveSession logs in, joins after the welcome and announces the joins", () => {
  const h = harness();
  h.session.open();
  assertEquals(h.sent, ["CAP REQ :twitch.tv/tags twitch.tv/commands", "NICK justinfan12345"]);
  assertEquals(h.joins, [], "no JOIN before the welcome");
  h.lines(":tmi.twitch.tv 001 justinfan12345 :Welcome, GLHF!");
  assertEquals(h.joins, [["alpha", "beta"]]);
  assert(h.session.welcomed);
  h.lines(
    ":justinfan12345!justinfan12345@justinfan12345.tmi.twitch.tv JOIN #alpha",
    ":justinfan12345!justinfan12345@justinfan12345.tmi.twitch.tv JOIN #beta",
  );
  assertEquals([...h.session.joined].sort(), ["alpha", "beta"]);
  assertMatch(
    h.items.flatMap((i) => i.kind === "status" ? [i.text] : []).at(-1)!,
    /joined 2 channel/,
  );
});

Deno.test("LiveSession over raw IRC sends USER and ends CAP negotiation", () => {
  const h = harness({ tcp: true });
  h.session.open();
  assert(h.sent.includes("USER justinfan12345 8 * :justinfan12345"));
  h.lines(":irc.local CAP * NAK :twitch.tv/tags twitch.tv/commands");
  assertEquals(h.sent.at(-1), "CAP END");
});

Deno.test("LiveSession answers PING, pings an idle link and ends a dead one", () => {
  const h = welcomed({ pingIntervalMs: 1000, pongTimeoutMs: 500 });
  h.lines("PING :tmi.twitch.tv");
  assertEquals(h.sent.at(-1), "PONG :tmi.twitch.tv");
  h.session.tick(T0 + 999);
  assert(!h.sent.includes("PING :twitch-osint"), "not idle yet");
  h.session.tick(T0 + 1000);
  assertEquals(h.sent.at(-1), "PING :twitch-osint");
  h.lines(":tmi.twitch.tv PONG tmi.twitch.tv :twitch-osint");
  h.session.tick(T0 + 1600);
  assertEquals(h.ends, [], "the PONG came");
  h.session.data("", true, T0 + 1000); // data at T0 + 1000 resets the idle time
  h.session.tick(T0 + 2000);
  assertEquals(h.sent.filter((l) => l.startsWith("PING ")).length, 2);
  h.session.tick(T0 + 2500);
  assertEquals(h.ends.map((e) => e.reason), ["no PONG within 0.5s; the link is dead"]);
  assert(h.session.finished);
});

Deno.test("LiveSession ends when no welcome comes in time, and on RECONNECT", () => {
  const slow = harness({ pongTimeoutMs: 2000 });
  slow.session.open();
  slow.session.tick(T0 + 1999);
  assertEquals(slow.ends, []);
  slow.session.tick(T0 + 2000);
  assertEquals(slow.ends.map((e) => e.reason), ["no welcome from the server within 2s"]);

  const h = welcomed();
  h.lines(":tmi.twitch.tv RECONNECT", privmsg("id=m1", "alpha", "after the end"));
  assertEquals(h.ends.map((e) => e.reason), ["the server asked to reconnect (RECONNECT)"]);
  assertEquals(h.messages(), [], "lines after the end are ignored");
});

Deno.test("LiveSession treats a refused login as fatal and never shows the token", () => {
  const h = harness({ nick: "mybot", pass: `oauth:${TOKEN}` });
  h.session.open();
  assert(h.sent.includes(`PASS oauth:${TOKEN}`));
  h.lines(`:tmi.twitch.tv NOTICE * :Login authentication failed for ${TOKEN}`);
  assertEquals(h.ends.length, 1);
  const fatal = h.ends[0]!.fatal;
  assert(fatal instanceof NetworkError);
  assertMatch(fatal.message, /refused the login as mybot: Login authentication failed/);
  assert(!fatal.message.includes(TOKEN), "token absent from the error");
});

Deno.test("LiveSession yields messages once, splits chunks and keeps a partial TCP line", () => {
  const h = welcomed();
  const line = privmsg("id=m1;tmi-sent-ts=1756814400000", "alpha", "hello");
  h.lines(line, line);
  h.session.data(privmsg("id=m2", "beta", "split ").slice(0, 30), false, T0);
  assertEquals(h.messages().length, 1);
  h.session.data(privmsg("id=m2", "beta", "split ").slice(30) + "\r\n", false, T0);
  assertEquals(h.messages().map((m) => m.text), ["hello", "split "]);
  h.lines("@only-tags");
  assertMatch(h.problems()[0]!, /tags without a command/);
});

Deno.test("LiveSession drops messages for channels the monitor never joined, with a problem", () => {
  const h = welcomed();
  h.lines(
    privmsg("id=x1", "otherchannel", "injected"),
    "@target-msg-id=m9 :tmi.twitch.tv CLEARMSG #otherchannel :gone",
    privmsg("id=a1", "alpha", "ours"),
  );
  assertEquals(h.messages().map((m) => m.channel), ["alpha"]);
  assertEquals(h.items.filter((i) => i.kind === "event"), []);
  assertEquals(h.problems().length, 2);
  assertMatch(h.problems()[0]!, /PRIVMSG for #otherchannel, a channel this monitor did not join/);
  assertMatch(h.problems()[1]!, /CLEARMSG for #otherchannel/);
});

Deno.test("LiveSession scrubs a token the server echoes back before anything is made of it", () => {
  const h = welcomed({ nick: "mybot", pass: `oauth:${TOKEN}` });
  h.lines(
    privmsg(`id=m1;display-name=${TOKEN}`, "alpha", `your token is oauth:${TOKEN} and ${TOKEN}`),
    `@login=ann;id=e1 :tmi.twitch.tv USERNOTICE #alpha :${TOKEN}`,
    `:tmi.twitch.tv NOTICE #alpha :echo ${TOKEN}`,
    `@id=${TOKEN} :bad`,
  );
  const [m] = h.messages();
  assertEquals(m!.text, "your token is [token] and [token]");
  assertEquals(m!.display_name, "[token]");
  assert(!JSON.stringify(h.items).includes(TOKEN), "token absent from every item");
  assertEquals(h.items.filter((i) => i.kind === "event").length, 1);
});

Deno.test("LiveSession keeps a message with an implausible tmi-sent-ts at its receive time, with a warning", () => {
  const h = welcomed();
  const received = Date.UTC(2025, 8, 2, 12, 30);
  const cases = ["253402300800000", "8640000000000000", "999", "-5", "12abc"];
  for (const [i, ts] of cases.entries()) {
    h.session.data(privmsg(`id=t${i};tmi-sent-ts=${ts}`, "alpha", "x") + "\r\n", true, received);
  }
  // Seconds, not milliseconds: 1756814411 is 2025-09-02T12:00:11Z, not January 1970.
  h.session.data(privmsg("id=s1;tmi-sent-ts=1756814411", "alpha", "x") + "\r\n", true, received);
  const ts = h.messages().map((m: MessageDraft) => m.ts);
  assertEquals(ts.slice(0, cases.length), cases.map(() => new Date(received).toISOString()));
  assertEquals(ts.at(-1), "2025-09-02T12:00:11.000Z");
  assertEquals(h.warnings().length, cases.length);
  assertMatch(h.warnings()[0]!, /tmi-sent-ts 253402300800000: .*more than a day ahead/);
  assertMatch(h.warnings()[2]!, /before 2007/);
  assert(h.warnings().every((w) => w.endsWith("the receive time is used")));
  assertEquals(h.problems(), []);
});

Deno.test("LiveSession refuses a message over the length rule, however often it comes", () => {
  const h = welcomed();
  const huge = privmsg("id=big1", "alpha", "x".repeat(70 * 1024));
  h.lines(huge, huge, privmsg(`id=big2;badges=${"b/1,".repeat(1000)}`, "alpha", "short"));
  assertEquals(h.messages(), []);
  assertEquals(h.problems().length, 3);
  assertMatch(h.problems()[0]!, /text of 71680 characters is longer than 2000/);
  assertMatch(h.problems()[2]!, /fields other than the text/);
});
