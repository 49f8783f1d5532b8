import fc from "fast-check";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { parseIrcLine } from "../../src/chat/irc.ts";
import {
  channelOf,
  privmsgMeaning,
  type TwitchMeaning,
  twitchMeaning,
} from "../../src/chat/twitch.ts";
import { FakeChat } from "../support/fake_chat.ts";
import type { MessageDraft } from "../../src/chat/source.ts";
import { ChatEvent, Message } from "../../src/schemas.ts";

// Hand-written lines in Twitch's shape (the real corpus lives outside the repository and is
// exercised by corpus_test.ts when present).
const RECEIVED = Date.UTC(2025, 8, 2, 12, 0, 0, 0);
const TAGS = "badge-info=;color=#8A2BE2;flags=;mod=0;room-id=4242;subscriber=0;turbo=0;user-type=";

function meaning(text: string, receivedAt = RECEIVED): TwitchMeaning | undefined {
  const line = parseIrcLine(text);
  if (!line.ok) throw new Error(`line does not parse: ${line.reason}`);
  return twitchMeaning(line, receivedAt);
}

function draft(text: string, receivedAt = RECEIVED): MessageDraft {
  const m = meaning(text, receivedAt);
  if (m?.kind !== "message") throw new Error(`expected a message, got ${JSON.stringify(m)}`);
  const full = { ...m.draft, mentions: [], urls: [], emotes: m.draft.emotes ?? [] };
  const check = Message.safeParse(full);
  assert(check.success, `schema-valid: ${JSON.stringify(full)}`);
  return m.draft;
}

function event(text: string): ChatEvent {
  const m = meaning(text);
  if (m?.kind !== "event") throw new Error(`expected an event, got ${JSON.stringify(m)}`);
  assert(ChatEvent.safeParse(m.event).success, `schema-valid: ${JSON.stringify(m.event)}`);
  return m.event;
}

const privmsg = (tags: string, user: string, channel: string, text: string) =>
  `@${TAGS};${tags} :${user}!${user}@${user}.tmi.twitch.tv PRIVMSG #${channel} :${text}`;

Deno.test("twitchMeaning() turns a PRIVMSG into a message draft", () => {
  const d = draft(privmsg(
    "badges=subscriber/12,premium/1;display-name=Chatty\\sMcChat;emotes=;first-msg=1;" +
      "id=0b3e5c1a-0000-4000-8000-000000000001;tmi-sent-ts=1725278400123;user-id=555001",
    "chattymcchat",
    "ExampleChannel",
    "hi chat",
  ));
  assertEquals(d, {
    ts: "2024-09-02T12:00:00.123Z",
    channel: "examplechannel",
    message_id: "0b3e5c1a-0000-4000-8000-000000000001",
    user_id: "555001",
    user_name: "chattymcchat",
    text: "hi chat",
    emotes: [],
    source: "twitch-irc",
    display_name: "Chatty McChat",
    badges: ["subscriber/12", "premium/1"],
    first_msg: true,
  });
  // Keys in schema order: the order they are written to disk.
  assertEquals(Object.keys(d).slice(0, 8), [
    "ts",
    "channel",
    "message_id",
    "user_id",
    "user_name",
    "text",
    "emotes",
    "source",
  ]);
});

Deno.test("twitchMeaning() marks /me actions and strips the ACTION wrapper", () => {
  const d = draft(
    privmsg(
      "id=a1;tmi-sent-ts=1725278400000;emotes=25:6-10",
      "ann",
      "chan",
      "\x01ACTION waves Kappa\x01",
    ),
  );
  assertEquals([d.text, d.action, d.emotes], ["waves Kappa", true, ["Kappa"]]);
  assertEquals(draft(privmsg("id=a2", "ann", "chan", "\x01ACTION no end")).text, "no end");
  assertEquals(draft(privmsg("id=a3", "ann", "chan", "\x01ACTION\x01")).action, true);
  assertEquals(draft(privmsg("id=a4", "ann", "chan", "ACTION plain")).action, undefined);
});

Deno.test("twitchMeaning() links replies, reads bits, badges and first messages", () => {
  const reply = draft(privmsg(
    "id=r1;reply-parent-msg-id=p-77;reply-parent-user-login=OtherUser;" +
      "reply-parent-display-name=OtherUser;reply-parent-msg-body=who\\sasked\\:\\s!",
    "ann",
    "chan",
    "@OtherUser me",
  ));
  assertEquals(reply.reply_to, { message_id: "p-77", user_name: "otheruser" });
  const cheer = draft(privmsg("id=b1;bits=250;badges=bits/1000", "ann", "chan", "cheer250 gg"));
  assertEquals([cheer.bits, cheer.badges], [250, ["bits/1000"]]);
  const none = draft(privmsg("id=b2;bits=;badges=;first-msg=0", "ann", "chan", "gg"));
  assertEquals([none.bits, none.badges, none.first_msg, none.reply_to], [
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
});

Deno.test("twitchMeaning() reads emotes by code point, tolerating Twitch's faults", async (t) => {
  const cases: Array<[string, string, string[]]> = [
    ["25:0-4,12-16/1902:6-10", "Kappa Keepo Kappa", ["Kappa", "Keepo", "Kappa"]],
    // An emoji (two UTF-16 units, one code point) before the emote.
    ["25:2-6", "😂 Kappa", ["Kappa"]],
    ["483:2-3,7-8", "👍 <3 👍 <3", ["<3", "<3"]],
    ["1:0-4,8-12", "Kappa 🎉 Kappa", ["Kappa", "Kappa"]],
    // Modified-emote ids and a bogus "/3" group.
    ["300196486_TK:0-7", "emoteX_TK", ["emoteX_T"]],
    ["80481_/3:0-5", "abcdef!", ["abcdef"]],
    // Offsets past the end are clamped; a range wholly past the end is skipped.
    ["25:9-13", "a b c d  Kapp", ["Kapp"]],
    ["25:40-44", "short", []],
  ];
  for (const [tag, text, names] of cases) {
    await t.step(`${tag} over ${JSON.stringify(text)}`, () => {
      assertEquals(draft(privmsg(`id=e;emotes=${tag}`, "ann", "chan", text)).emotes, names);
    });
  }
});

Deno.test("twitchMeaning() without Twitch tags hashes the id and uses the receive time", () => {
  const line = ":plainuser!plainuser@irc.example PRIVMSG #plain :no tags here";
  const a = draft(line);
  const b = draft(line);
  assertMatch(a.message_id, /^h_[0-9a-f]{32}$/);
  assertEquals(a.message_id, b.message_id, "same input, same id");
  assert(draft(line, RECEIVED + 1).message_id !== a.message_id, "another time, another id");
  assertEquals(a.ts, "2025-09-02T12:00:00.000Z");
  assertEquals(a.user_id, null);
  assertEquals(a.emotes, undefined);
  assertEquals(
    draft(privmsg("id=x;tmi-sent-ts=garbage", "ann", "c", "x")).ts,
    "2025-09-02T12:00:00.000Z",
  );
});

Deno.test("twitchMeaning() formats timestamps like Date#toISOString across days", () => {
  const times = [
    Date.UTC(2007, 0, 1),
    Date.UTC(2007, 0, 1) + 999,
    Date.UTC(2024, 1, 29) - 1,
    Date.UTC(2024, 1, 29),
    1_725_278_400_123,
    1_725_278_400_124,
    RECEIVED + 86_400_000,
  ];
  for (const ms of times) {
    assertEquals(
      draft(privmsg(`id=t${ms};tmi-sent-ts=${ms}`, "ann", "c", "x")).ts,
      new Date(ms).toISOString(),
    );
  }
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(2007, 0, 1), max: RECEIVED + 86_400_000 }), (ms) => {
      assertEquals(
        draft(privmsg(`id=q;tmi-sent-ts=${ms}`, "ann", "c", "x")).ts,
        new Date(ms).toISOString(),
      );
    }),
    { numRuns: 300 },
  );
});

Deno.test("twitchMeaning() reports PRIVMSGs that cannot be stored", () => {
  assertEquals(meaning(":ann!ann@h PRIVMSG #bad-name! :x")?.kind, "invalid");
  assertEquals(meaning(":a-b!x@h PRIVMSG #chan :x")?.kind, "invalid");
  assertEquals(meaning("PRIVMSG #chan :no prefix")?.kind, "invalid");
  assertEquals(meaning(":ann!ann@h PRIVMSG")?.kind, "invalid");
  assertEquals(draft(":ANN!ann@h PRIVMSG #CHAN :x").user_name, "ann");
});

Deno.test("twitchMeaning() records USERNOTICE events with their parameters", () => {
  const sub = event(
    "@badges=subscriber/0;display-name=NewSub;id=un-1;login=newsub;msg-id=resub;" +
      "msg-param-cumulative-months=7;msg-param-sub-plan=1000;room-id=1;" +
      "system-msg=NewSub\\ssubscribed\\sat\\sTier\\s1.;tmi-sent-ts=1725278400000;user-id=31337 " +
      ":tmi.twitch.tv USERNOTICE #somechannel :\x01ACTION still here\x01",
  );
  assertEquals(sub, {
    kind: "usernotice",
    ts: "2024-09-02T12:00:00.000Z",
    channel: "somechannel",
    event_id: "un-1",
    notice: "resub",
    user_name: "newsub",
    user_id: "31337",
    text: "still here",
    system_text: "NewSub subscribed at Tier 1.",
    params: { "cumulative-months": "7", "sub-plan": "1000" },
    source: "twitch-irc",
  });
  const raid = event(
    "@login=raider;msg-id=raid;msg-param-viewerCount=12;tmi-sent-ts=1725278400000 :tmi.twitch.tv USERNOTICE #somechannel",
  );
  assertEquals([raid.kind, raid.kind === "usernotice" && raid.text], ["usernotice", ""]);
  assertMatch(raid.event_id, /^h_[0-9a-f]{32}$/);
});

Deno.test("twitchMeaning() records CLEARMSG deletions and CLEARCHAT timeouts, bans and clears", () => {
  const deleted = event(
    "@login=rude_user;room-id=;target-msg-id=deleted-1;tmi-sent-ts=1725278400000 :tmi.twitch.tv CLEARMSG #chan :\x01ACTION rude\x01",
  );
  assertEquals(
    deleted.kind === "clearmsg" && [deleted.target_message_id, deleted.user_name, deleted.text],
    [
      "deleted-1",
      "rude_user",
      "rude",
    ],
  );
  const again = event(
    "@login=rude_user;target-msg-id=deleted-1;tmi-sent-ts=1725278400999 :tmi.twitch.tv CLEARMSG #chan rude",
  );
  assertEquals(again.event_id, deleted.event_id, "one deletion, one id");
  assertEquals(meaning(":tmi.twitch.tv CLEARMSG #chan :x")?.kind, "invalid");

  const timeout = event(
    "@ban-duration=600;room-id=1;target-user-id=77;tmi-sent-ts=1725278400000 :tmi.twitch.tv CLEARCHAT #chan :Spammer",
  );
  assertEquals(
    timeout.kind === "clearchat" && [timeout.user_name, timeout.user_id, timeout.duration_seconds],
    [
      "spammer",
      "77",
      600,
    ],
  );
  const ban = event(
    "@target-user-id=78;tmi-sent-ts=1725278400000 :tmi.twitch.tv CLEARCHAT #chan :banned_one",
  );
  assertEquals(ban.kind === "clearchat" && ban.duration_seconds, null);
  const clear = event("@tmi-sent-ts=1725278400000 :tmi.twitch.tv CLEARCHAT #chan");
  assertEquals(clear.kind === "clearchat" && [clear.user_name, clear.user_id], [null, null]);
});

Deno.test("twitchMeaning() ignores lines without chat meaning", () => {
  for (
    const text of [
      "PING :tmi.twitch.tv",
      ":tmi.twitch.tv RECONNECT",
      "@room-id=1;slow=5 :tmi.twitch.tv ROOMSTATE #chan",
      "@msg-id=subs_on :tmi.twitch.tv NOTICE #chan :This room is now in subscribers-only mode.",
      ":someone!someone@someone.tmi.twitch.tv JOIN #chan",
      "@badges=;color= :tmi.twitch.tv GLOBALUSERSTATE",
      ":tmi.twitch.tv 001 justinfan1 :Welcome, GLHF!",
      ":tmi.twitch.tv WHATEVERNEW #chan :future command",
    ]
  ) {
    assertEquals(meaning(text), undefined, text);
  }
});

Deno.test("channelOf() normalizes channel params", () => {
  assertEquals(channelOf("#SomeChannel"), "somechannel");
  assertEquals(channelOf("plain"), "plain");
  assertEquals(channelOf("#"), undefined);
  assertEquals(channelOf("#chatrooms:1:abc"), undefined);
  assertEquals(channelOf(undefined), undefined);
});

Deno.test("twitchMeaning() never throws and yields schema-valid records", () => {
  const tag = fc.constantFrom(
    "id=x",
    "tmi-sent-ts=1725278400000",
    "tmi-sent-ts=-5",
    "tmi-sent-ts=99999999999999999999",
    "emotes=25:0-4",
    "emotes=1:3-1,9-",
    "emotes=/:/",
    "bits=abc",
    "bits=10",
    "badges=,,",
    "login=X",
    "target-msg-id=t",
    "ban-duration=1.5",
    "msg-id=sub",
    "msg-param-x=y",
    "reply-parent-msg-id=p",
  );
  fc.assert(
    fc.property(
      fc.array(tag, { maxLength: 6 }),
      fc.constantFrom("PRIVMSG", "USERNOTICE", "CLEARMSG", "CLEARCHAT"),
      fc.constantFrom(":ann!ann@h", ":tmi.twitch.tv", ":bad nick", ""),
      fc.constantFrom("#chan", "#", "#Bad!", ""),
      fc.string({ unit: "binary", maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, "")),
      (tags, command, prefix, channel, text) => {
        const raw = `${tags.length ? `@${tags.join(";")} ` : ""}${
          prefix ? prefix + " " : ""
        }${command} ${channel} :${text}`;
        const line = parseIrcLine(raw);
        if (!line.ok) return;
        const m = twitchMeaning(line, RECEIVED);
        if (m?.kind === "message") {
          const full = { ...m.draft, mentions: [], urls: [], emotes: m.draft.emotes ?? [] };
          assert(Message.safeParse(full).success, JSON.stringify(full));
        } else if (m?.kind === "event") {
          assert(ChatEvent.safeParse(m.event).success, JSON.stringify(m.event));
        }
      },
    ),
    { numRuns: 1000 },
  );
});

/** What the general path (parse the line, then read its meaning) makes of `raw`. */
function slowMeaning(raw: string, receivedAt: number): TwitchMeaning | undefined {
  const line = parseIrcLine(raw);
  return line.ok ? twitchMeaning(line, receivedAt) : undefined;
}

Deno.test("privmsgMeaning() reads Twitch's PRIVMSGs as the general path does, key order included", () => {
  const chat = new FakeChat(3);
  for (let i = 0; i < 2000; i++) {
    const { line } = chat.line(i % 2 ? "some_channel" : "Other_Chan", RECEIVED + i * 7);
    const fast = privmsgMeaning(line, RECEIVED);
    assert(fast !== undefined, `read on the fast path: ${line}`);
    assertEquals(JSON.stringify(fast), JSON.stringify(slowMeaning(line, RECEIVED)));
  }
});

Deno.test("privmsgMeaning() equals the general path on any line it accepts", () => {
  const tag = fc.oneof(
    fc.constantFrom(
      "id=m1",
      "id=",
      "id",
      "tmi-sent-ts=1725278400000",
      "tmi-sent-ts=5",
      "tmi-sent-ts=x",
      "user-id=42",
      "display-name=A\\sB",
      "emotes=25:0-4",
      "emotes=1:3-1,9-",
      "badges=a/1,,b/2",
      "badges=,",
      "bits=100",
      "first-msg=1",
      "reply-parent-msg-id=p",
      "reply-parent-user-login=Bob",
      "reply-parent-user-id=7",
      "idx=1",
      "i=2",
      "",
    ),
    fc.tuple(
      fc.constantFrom("id", "user-id", "display-name", "bits", "emotes"),
      fc.string({ maxLength: 6 }).map((v) => v.replace(/[ ;\r\n]/g, "")),
    ).map(([k, v]) => `${k}=${v}`),
  );
  // Mostly Twitch's shape, so that the fast path has lines to read; sometimes anything else.
  const usually = <T>(good: T, ...others: T[]) =>
    fc.oneof({ arbitrary: fc.constant(good), weight: 4 }, fc.constantFrom(good, ...others));
  const prefix = usually(
    ":ann!ann@ann.tmi.twitch.tv",
    ":Ann!ann@h",
    ":ann@h",
    ":ann",
    ":tmi.twitch.tv",
    ":bad nick!x@y",
    ":",
    "",
  );
  const middle = usually(" PRIVMSG ", " PRIVMSG  ", " privmsg ", " NOTICE ", "  PRIVMSG ");
  const channel = usually("#chan", "#Chan_2", "#", "#bad!", "chan", "#" + "c".repeat(26));
  const text = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom("\x01ACTION waves\x01", "\x01ACTION\x01", "Kappa hi", ":colon", ""),
  ).map((t) => t.replace(/[\r\n]/g, ""));
  const beforeText = usually(" :", "  :", " ", "");
  let accepted = 0;
  fc.assert(
    fc.property(
      fc.array(tag, { minLength: 1, maxLength: 8 }),
      prefix,
      middle,
      channel,
      beforeText,
      text,
      usually("", "\r", " "),
      (tags, p, m, c, b, t, end) => {
        const raw = `@${tags.join(";")} ${p}${m}${c}${b}${t}${end}`;
        const fast = privmsgMeaning(raw, RECEIVED);
        if (fast === undefined) return;
        accepted++;
        assertEquals(JSON.stringify(fast), JSON.stringify(slowMeaning(raw, RECEIVED)));
      },
    ),
    { numRuns: 3000 },
  );
  assert(accepted > 100, `the fast path read ${accepted} of 3000 lines`);
});
