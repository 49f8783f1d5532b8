/**
 * The Store's reads by person (issue 16): a person's messages and events, messages around
 * others (`--context`), deletions of given messages and the interaction graph's input give
 * what a brute-force pass over the records gives, whether the embedded store answers from no
 * index (a scan), a full index, or an index with an unindexed tail; and the PostgreSQL store
 * gives the same (when a PostgreSQL is at hand).
 */
import assert from "node:assert/strict";
import { openStore, type Store } from "../../src/store/store.ts";
import type { ChatEvent, Message } from "../../src/schemas.ts";
import { eventPersonKey, personKey } from "../../src/analysis/identity.ts";
import type { Literal } from "../../src/store/message_query.ts";
import { timeline, timelineStream } from "../../src/query/timeline.ts";
import { searchMessages } from "../../src/query/search.ts";
import { msg, relSignal } from "../support/messages.ts";
import fc from "fast-check";
import { IsoTimes } from "../../src/store/iso_times.ts";
import type { PersonMessageQuery } from "../../src/store/store.ts";
import { tempDir } from "../support/cli.ts";
import { postgresOrSkip } from "../support/postgres.ts";
import { MessageIndex } from "../../src/store/embedded/message_index.ts";
import { layout } from "../../src/store/layout.ts";

const pg = await postgresOrSkip();
const BASE = Date.parse("2025-09-02T12:00:00.000Z");
const at = (s: number) => new Date(BASE + s * 1000).toISOString();

/** Chat of a few people in two channels: a rename (one id), a login-only user, replies. */
function chat(): { messages: Message[]; events: ChatEvent[] } {
  const messages: Message[] = [];
  const people = [
    { id: "7", login: (i: number) => (i < 40 ? "oldname" : "newname") },
    { id: null, login: () => "plainuser" },
    { id: "8", login: () => "talker" },
    { id: "9", login: () => "quiet" },
  ];
  for (let i = 0; i < 120; i++) {
    const p = people[(i * 7) % people.length]!;
    const mentions = i % 5 === 0 ? ["oldname"] : i % 7 === 0 ? ["talker", "plainuser"] : [];
    messages.push(msg({
      // Some share a millisecond: ties are ordered by message id.
      ts: at(Math.floor(i / 3)),
      channel: i % 3 === 0 ? "devchat" : "example_channel",
      message_id: `m${String(i).padStart(3, "0")}`,
      user_id: p.id,
      user_name: p.login(i),
      // Some as written differ from their folding (the person index keeps them as written).
      text: mentions.length
        ? mentions.map((m) => `@${m}`).join(" ") + " hi"
        : i % 4 === 1
        ? `Line ${i} KEKW Ünïcode`
        : `line ${i}`,
      mentions,
      source: "twitch-irc",
      // Some carry signals: the timeline reads their records for them.
      ...(i % 13 === 0 ? { signals: [relSignal("talker", `line ${i}`)] } : {}),
    }));
    if (i % 11 === 0 && i > 0) {
      const m = messages[messages.length - 1]!;
      messages[messages.length - 1] = {
        ...m,
        reply_to: { message_id: "m000", user_name: "quiet", user_id: "9" },
      };
    }
  }
  const events: ChatEvent[] = [
    {
      kind: "clearchat",
      event_id: "e1",
      ts: at(5),
      channel: "devchat",
      user_name: "oldname",
      user_id: "7",
      duration_seconds: 60,
      source: "twitch-irc",
    },
    {
      kind: "clearmsg",
      event_id: "e2",
      ts: at(20),
      channel: "example_channel",
      target_message_id: "m004",
      user_name: "oldname",
      text: "line 4",
      source: "twitch-irc",
    },
    {
      kind: "usernotice",
      event_id: "e3",
      ts: at(30),
      channel: "devchat",
      notice: "sub",
      user_name: "plainuser",
      user_id: null,
      text: "",
      system_text: "plainuser subscribed",
      params: {},
      source: "twitch-irc",
    },
    {
      kind: "clearchat",
      event_id: "e4",
      ts: at(35),
      channel: "devchat",
      user_name: null,
      user_id: null,
      duration_seconds: null,
      source: "twitch-irc",
    },
  ];
  return { messages, events };
}

const clause = (keys: string[]): Literal[] =>
  keys.map((value) => ({ negated: false, term: { field: "person" as const, value } }));

const ids = (ms: readonly { message_id: string }[]) => ms.map((m) => m.message_id);

function asc(a: Message, b: Message): number {
  return a.ts !== b.ts ? (a.ts < b.ts ? -1 : 1) : a.message_id < b.message_id ? -1 : 1;
}

/** What every read must give, computed from the records themselves. */
async function checkReads(store: Store, all: Message[], events: ChatEvent[], label: string) {
  for (const keys of [["#7"], ["plainuser"], ["#8", "plainuser"], ["nobody"]]) {
    const page = await store.searchMessages({ clauses: [clause(keys)], limit: 1000 });
    const want = all.filter((m) => keys.includes(personKey(m)))
      .sort((a, b) =>
        a.ts !== b.ts ? (a.ts < b.ts ? 1 : -1) : a.message_id < b.message_id ? -1 : 1
      );
    assert.deepEqual(ids(page.messages), ids(want), `${label}: messages of ${keys}`);
    const limited = await store.searchMessages({ clauses: [clause(keys)], limit: 5 });
    assert.deepEqual(ids(limited.messages), ids(want.slice(0, 5)), `${label}: page of ${keys}`);
    const evs = await store.searchEvents({ clauses: [clause(keys)], limit: 100 });
    const wantEvents = events.filter((e) => keys.includes(eventPersonKey(e) ?? "\u0000"));
    assert.deepEqual(
      evs.events.map((e) => e.event_id).sort(),
      wantEvents.map((e) => e.event_id).sort(),
      `${label}: events of ${keys}`,
    );
  }
  // A person's messages for a timeline: oldest first, as written, records when they matter.
  for (const keys of [["#7"], ["plainuser"], ["#8", "plainuser"], ["nobody"]]) {
    const want = all.filter((m) => keys.includes(personKey(m))).sort(asc);
    const shown = (ms: readonly Message[]) =>
      ms.map((m) => [m.ts, m.message_id, m.channel, m.user_name, m.text, m.signals?.length ?? 0]);
    const cases: Array<[PersonMessageQuery, Message[]]> = [
      [{ persons: keys }, want],
      [{ persons: keys, limit: 5 }, want.slice(-5)],
      [{ persons: keys, records: true }, want],
      [
        { persons: keys, excludeChannels: ["devchat"], sinceMs: BASE + 5_000 },
        want.filter((m) => m.channel !== "devchat" && Date.parse(m.ts) >= BASE + 5_000),
      ],
    ];
    for (const [q, expected] of cases) {
      const got: Message[] = [];
      for await (const b of store.personMessages(q)) {
        for (let i = 0; i < b.length; i++) {
          const r = b.records.get(i);
          if (q.records) assert.ok(r, `${label}: record of ${b.message_id[i]}`);
          got.push({
            ...msg({
              ts: b.ts[i]!,
              message_id: b.message_id[i]!,
              channel: b.channel[i]!,
              user_name: b.user_name[i]!,
              text: b.text[i]!,
            }),
            ...(r?.signals ? { signals: r.signals } : {}),
          });
        }
      }
      assert.deepEqual(
        shown(got),
        shown(expected),
        `${label}: person messages ${JSON.stringify(q)}`,
      );
    }
  }
  // Context: two before and two after each anchor in its channel.
  const anchors = all.filter((_, i) => i % 17 === 3);
  const around = await store.around(anchors, 2);
  const want = new Map<string, Message>();
  for (const a of anchors) {
    const inChannel = all.filter((m) => m.channel === a.channel).sort(asc);
    const i = inChannel.findIndex((m) => m.message_id === a.message_id);
    for (const m of [...inChannel.slice(Math.max(0, i - 2), i), ...inChannel.slice(i + 1, i + 3)]) {
      want.set(m.message_id, m);
    }
  }
  assert.deepEqual(ids(around), ids([...want.values()].sort(asc)), `${label}: around`);
  assert.deepEqual(
    [...(await store.deletions(["m004", "m005"]))],
    [["m004", at(20)]],
    `${label}: deletions`,
  );
  // The interaction graph's input.
  const input = await store.interactions({});
  const addressing = all.filter((m) => m.mentions.length || m.reply_to);
  assert.deepEqual(
    input.addressing.map((r) => `${r.ts} ${r.user_name} ${r.mentions} ${r.reply_to?.user_name}`)
      .sort(),
    addressing.map((m) => `${m.ts} ${m.user_name} ${m.mentions} ${m.reply_to?.user_name}`).sort(),
    `${label}: addressing`,
  );
  const counts = new Map<string, number>();
  for (const m of all) counts.set(personKey(m), (counts.get(personKey(m)) ?? 0) + 1);
  assert.deepEqual(
    new Map(input.authors.map((a) => [a.person, a.count])),
    counts,
    `${label}: authors`,
  );
  const noDevchat = await store.interactions({ excludeChannels: ["devchat"] });
  assert.equal(
    noDevchat.authors.reduce((n, a) => n + a.count, 0),
    all.filter((m) => m.channel !== "devchat").length,
    `${label}: authors without a channel`,
  );
  assert.ok(noDevchat.addressing.every((r) => r.channel !== "devchat"), `${label}: excluded`);
  const inDevchat = await store.interactions({ channel: "devchat", sinceMs: BASE + 10_000 });
  assert.equal(
    inDevchat.authors.reduce((n, a) => n + a.count, 0),
    all.filter((m) => m.channel === "devchat" && Date.parse(m.ts) >= BASE + 10_000).length,
    `${label}: authors in a scope`,
  );
}

Deno.test("embedded store: reads by person agree with the records, by scan, index and index + tail", async () => {
  await using dir = await tempDir();
  const { messages, events } = chat();
  const store = await openStore({ dataDir: dir.path });
  try {
    const half = messages.slice(0, 70);
    await store.appendMessages(half);
    await store.appendEvents(events.slice(0, 2));
    await checkReads(store, half, events.slice(0, 2), "no index");
    await store.catchUp();
    await checkReads(store, half, events.slice(0, 2), "index");
    await store.appendMessages(messages.slice(70));
    await store.appendEvents(events.slice(2));
    await checkReads(store, messages, events, "index + tail");
    await store.catchUp();
    await checkReads(store, messages, events, "index again");
  } finally {
    await store.close();
  }
});

Deno.test("embedded store: reads by person across many person_rows segments agree with a scan", async (t) => {
  const from = (value: string): Literal[] => [{ negated: false, term: { field: "from", value } }];
  const word = (value: string): Literal[] => [{ negated: false, term: { field: "text", value } }];
  // In time order, and shuffled (old chat imported late: segments overlap in time).
  const orders: Array<[string, (i: number) => number]> = [
    ["in time order", (i) => i],
    ["shuffled", (i) => (i * 37) % 120],
  ];
  for (const [label, at] of orders) {
    await t.step(label, async () => {
      await using dir = await tempDir();
      // Segments of 8 rowids (rowids from 1: 16 of them): every read crosses several.
      MessageIndex.open(layout(dir.path).index, { segmentShift: 3 }).close();
      const { messages: inOrder, events } = chat();
      const messages = inOrder.map((_, i) => inOrder[at(i)]!);
      // Seven messages of one person in one millisecond, the newest of theirs, spread over the
      // log with message ids that fall as rowids grow: the newest few by (ts, message_id) lie
      // in the oldest segments, which a read must not skip.
      for (let k = 0; k < 7; k++) {
        const tie = msg({
          ts: new Date(BASE + 45_000).toISOString(),
          message_id: `t${6 - k}`,
          user_id: "8",
          user_name: "talker",
          text: `line tie ${k}`,
        });
        messages.splice(10 + 15 * k, 0, tie);
      }
      const store = await openStore({ dataDir: dir.path });
      try {
        await store.appendEvents(events);
        // Commits of 25 rows: some end inside a segment, which the next one adds to.
        for (let i = 0; i < messages.length; i += 25) {
          await store.appendMessages(messages.slice(i, i + 25));
          await store.catchUp();
        }
        const ix = MessageIndex.open(layout(dir.path).index, { readOnly: true });
        const segs = ix.db.prepare("SELECT count(*) AS n FROM person_segments").get();
        ix.close();
        assert.equal(Number(segs?.n), 16);
        await checkReads(store, messages, events, label);
        const queries = [
          { clauses: [from("talker")], limit: 1000 },
          { clauses: [from("talker")], limit: 4 },
          { clauses: [from("oldname"), word("line")], limit: 3 },
          { clauses: [from("newname"), word("kekw")], limit: 2, sinceMs: BASE + 20_000 },
          { clauses: [clause(["#7", "#8"]), word("line")], limit: 6, untilMs: BASE + 30_000 },
        ];
        for (const q of queries) {
          const ix = await store.searchMessages(q, { total: true });
          const scan = await store.searchMessages(q, { total: true, scan: true });
          assert.deepEqual(ids(ix.messages), ids(scan.messages), `${label}: ${JSON.stringify(q)}`);
          assert.equal(ix.total, scan.total, `${label}: total of ${JSON.stringify(q)}`);
        }
      } finally {
        await store.close();
      }
    });
  }
});

Deno.test("timeline: every message of the person, by index, in time order", async () => {
  await using dir = await tempDir();
  const { messages, events } = chat();
  const store = await openStore({ dataDir: dir.path });
  try {
    await store.appendMessages(messages);
    await store.appendEvents(events);
    await store.catchUp();
    const t = await timeline(store, { user: "oldname", context: 1 });
    const theirs = messages.filter((m) => m.user_id === "7").sort(asc);
    assert.deepEqual(
      ids(t.entries.filter((e) => e.kind === "message").map((e) => e.message!)),
      ids(theirs),
    );
    const kinds = new Set(t.entries.map((e) => e.kind));
    for (const k of ["rename", "timeout", "deleted", "context"]) {
      assert.ok(kinds.has(k as never), k);
    }
    const order = t.entries.map((e) => e.ts);
    assert.deepEqual(order, [...order].sort());
    const page = await timeline(store, { user: "newname", limit: 3 });
    assert.deepEqual(page.entries, (await timeline(store, { user: "#7" })).entries.slice(-3));
    // The stream (from the person index alone) gives the same entries without whole messages.
    for (const q of [{ user: "#7" }, { user: "plainuser", limit: 7 }, { user: "#7", context: 1 }]) {
      const whole = await timeline(store, q);
      const s = await timelineStream(store, q);
      const streamed = [];
      for await (const b of s.entries) streamed.push(...b);
      assert.deepEqual(streamed, whole.entries.map(({ message: _, ...e }) => e), JSON.stringify(q));
      assert.ok(whole.entries.some((e) => e.kind === "signal") || q.user === "plainuser");
    }
  } finally {
    await store.close();
  }
});

Deno.test({
  name: "postgres store: reads by person agree with the records",
  ignore: pg === null,
  fn: async () => {
    await using dir = await tempDir();
    const { messages, events } = chat();
    const store = await openStore({ dataDir: dir.path, databaseUrl: await pg!.database("person") });
    try {
      await store.appendMessages(messages);
      await store.appendEvents(events);
      await checkReads(store, messages, events, "postgres");
    } finally {
      await store.close();
    }
  },
});

Deno.test("opt-out of one login leaves the person out under every login, in a channel's search too", async () => {
  await using dir = await tempDir();
  const { messages } = chat();
  const store = await openStore({ dataDir: dir.path });
  try {
    await store.appendMessages(messages);
    await store.catchUp();
    await store.writeOptOut({ version: 1, optout: { users: ["oldname"], channels: [] } });
    const page = await searchMessages(store, {
      clauses: [[{ negated: false, term: { field: "in", value: "devchat" } }]],
      limit: 1000,
    }, { total: true });
    const want = messages.filter((m) => m.channel === "devchat" && m.user_id !== "7");
    assert.deepEqual(ids(page.messages).sort(), ids(want).sort());
    assert.equal(page.total, want.length);
    assert.equal((await timeline(store, { user: "newname" })).opted_out, true);
  } finally {
    await store.close();
  }
});

Deno.test("IsoTimes.of() writes what Date#toISOString writes, in runs and alone", () => {
  const iso = new IsoTimes();
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -62167219200000, max: 253402300799999 }), { maxLength: 20 }),
      fc.integer({ min: 0, max: 120_000 }),
      (starts, step) => {
        for (const start of starts) {
          for (let k = 0; k < 5; k++) {
            const ms = start + k * step;
            if (ms > 253402300799999) continue;
            assert.equal(iso.of(ms), new Date(ms).toISOString());
          }
        }
      },
    ),
  );
});
