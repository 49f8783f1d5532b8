/**
 * Privacy below the views: every public read of the query layer (and the reports built on it)
 * is walked with an opted-out user, an opted-out channel and a forgotten user in the data, and
 * none of them comes out.
 */
import { assert, assertEquals } from "../support/assert.ts";
import type { ChatEvent, Message, Subject } from "../../src/schemas.ts";
import { NotFoundError } from "../../src/errors.ts";
import { updatePrivacy } from "../../src/privacy/optout.ts";
import { forget } from "../../src/privacy/forget.ts";
import { buildQuery, searchMessages } from "../../src/query/search.ts";
import { deletions, searchEvents } from "../../src/query/events.ts";
import { listProfiles, readProfile } from "../../src/query/profiles.ts";
import { messagesAbout, readHits } from "../../src/query/hits.ts";
import { buildReport } from "../../src/subjects/reports.ts";
import { writeSubjects } from "../../src/subjects/loading.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { tempDir } from "../support/cli.ts";
import { msg, relSignal } from "../support/messages.ts";

const OPTED = "opted_user";
const GONE = "gone_user";
const HIDDEN = "hidden_chan";
const KEEP = "keeper";

/** Authors and channels that must never be served. */
function hidden(r: { user_name?: string | null; channel?: string }): boolean {
  return r.user_name === OPTED || r.user_name === GONE || r.channel === HIDDEN;
}

function subject(value: string): Subject {
  return { key: `username_${value}`, type: "username", value };
}

async function seeded(dataDir: string): Promise<Store> {
  const store = await openStore({ dataDir });
  const messages: Message[] = [];
  const events: ChatEvent[] = [];
  let n = 0;
  for (const user of [OPTED, GONE, KEEP]) {
    for (const channel of ["main_chan", HIDDEN]) {
      for (let i = 0; i < 3; i++) {
        const ts = new Date(Date.UTC(2025, 8, 2, 12, 0, n++)).toISOString();
        const m = msg({
          ts,
          channel,
          user_name: user,
          message_id: `${user}-${channel}-${i}`,
          text: `hello dating ${i}`,
          signals: [relSignal(KEEP, "is he dating")],
        });
        m.hits = [{ subject_key: `username_${user}`, how: "author" }];
        messages.push(m);
        events.push({
          kind: "clearchat",
          event_id: `ev-${user}-${channel}-${i}`,
          ts,
          channel,
          user_name: user,
          user_id: null,
          duration_seconds: 60,
          source: "fixture",
        });
        events.push({
          kind: "clearmsg",
          event_id: `del-${user}-${channel}-${i}`,
          ts,
          channel,
          user_name: user,
          target_message_id: m.message_id,
          text: "hello dating",
          source: "fixture",
        });
      }
    }
  }
  await store.appendMessages(messages);
  await store.appendEvents(events);
  await writeSubjects(dataDir, [subject(OPTED), subject(GONE), subject(KEEP)]);
  await store.catchUp();
  await updatePrivacy(store, { users: [OPTED], channels: [HIDDEN] });
  await forget(store, { users: [GONE] }, {
    hooks: {
      rebuildDerived: async () => (await store.tryRebuild({ fresh: true })) ? "rebuilt" : "monitor",
    },
  });
  return store;
}

Deno.test("every public read leaves out opted-out users and channels and forgotten users", async () => {
  await using dir = await tempDir();
  const store = await seeded(dir.path);
  try {
    // Messages, through the index and by scan, every filter, with a total.
    for (const scan of [false, true]) {
      for (
        const q of [
          buildQuery({ limit: 100 }),
          buildQuery({ contains: "dating", limit: 100 }),
          buildQuery({ by: "user", value: OPTED }),
          buildQuery({ by: "user", value: GONE }),
          buildQuery({ by: "channel", value: HIDDEN }),
          buildQuery({ since: "2025-09-02", until: "2025-09-03", limit: 1 }),
        ]
      ) {
        const page = await searchMessages(store, q, { scan, total: true });
        assertEquals(page.messages.filter(hidden), [], JSON.stringify(q));
        const byName = q.clauses.some((c) =>
          c[0]!.term.field === "from" || c[0]!.term.field === "in"
        );
        if (!byName) {
          assertEquals(page.total, 3);
          assert(page.messages.length > 0);
        } else {
          assertEquals([page.messages.length, page.total], [0, 0]);
        }
      }
    }
    // Events.
    const { events, total } = await searchEvents(store, buildQuery({ limit: 100 }));
    assertEquals(total, events.length);
    assertEquals(events.filter(hidden), []);
    assertEquals(events.length, 6);
    assertEquals(
      [...(await deletions(store)).keys()].filter((id) => id.startsWith(GONE)),
      [],
    );
    // Profiles.
    assertEquals(await listProfiles(store, "user"), [KEEP]);
    assertEquals(await listProfiles(store, "channel"), ["main_chan"]);
    for (const [kind, name] of [["user", OPTED], ["user", GONE], ["channel", HIDDEN]] as const) {
      let failed: unknown = null;
      await readProfile(store, kind, name).catch((e) => failed = e);
      assert(failed instanceof NotFoundError, `${kind} ${name}`);
    }
    assertEquals((await readProfile(store, "user", KEEP)).user_name, KEEP);
    // Hits and the messages about a subject.
    const hits = await readHits(store);
    assertEquals(hits.filter(hidden), []);
    assertEquals(hits.map((h) => h.subject_key), Array(3).fill(`username_${KEEP}`));
    for (const user of [OPTED, GONE, KEEP]) {
      const about = await Array.fromAsync(messagesAbout(store, { user }));
      assertEquals(about.filter(hidden), [], user);
    }
    // Reports.
    const kept = await buildReport(store, `username_${KEEP}`);
    assertEquals(kept.hits.items.filter(hidden), []);
    assertEquals(kept.signals.items.filter(hidden), []);
    assertEquals(kept.presence.channels.map((c) => c.channel), ["main_chan"]);
    const opted = await buildReport(store, `username_${OPTED}`);
    assertEquals([opted.opted_out, opted.hits.total, opted.presence.seen], [true, 0, false]);
    // The forgotten user is no subject any more, and no read knows their name.
    let failed: unknown = null;
    await buildReport(store, `username_${GONE}`).catch((e) => failed = e);
    assert(failed instanceof NotFoundError);
    const everything = JSON.stringify([
      await searchMessages(store, buildQuery({ limit: 1000 })),
      await searchEvents(store, buildQuery({ limit: 1000 })),
      kept,
    ]);
    assert(!everything.includes(GONE));
  } finally {
    await store.close();
  }
});
