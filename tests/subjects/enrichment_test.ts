import { assert, assertEquals, assertRejects, assertThrows } from "../support/assert.ts";
import fc from "fast-check";
import {
  canonicalJson,
  enrichmentPath,
  enrichSubjects,
  keepRanAt,
  SAFE_KEY_RE,
} from "../../src/subjects/enrichment.ts";
import { UsageError } from "../../src/errors.ts";
import type { Provider } from "../../src/subjects/providers/provider.ts";
import { Enrichment, type Subject, type SubjectType } from "../../src/schemas.ts";
import { subjectKey } from "../../src/subjects/loading.ts";
import { openStore } from "../../src/store/store.ts";
import { fakeClock, FIXTURES, subject, tempDir } from "./providers/_helpers.ts";

/** A provider built from a function, supporting the given types. */
function fake(
  name: string,
  enrich: Provider["enrich"],
  supports: SubjectType[] = ["email", "username", "phone"],
  extra: Partial<Provider> = {},
): Provider {
  return {
    name,
    description: name,
    supports,
    needsNetwork: false,
    needsKey: false,
    enrich,
    ...extra,
  };
}

const ok = (data: Record<string, unknown>) => () => Promise.resolve(data);

async function readEnrichment(dataDir: string, key: string): Promise<Enrichment> {
  return Enrichment.parse(JSON.parse(await Deno.readTextFile(`${dataDir}/enrichment/${key}.json`)));
}

const ALICE = subject("email", "alice@example.com");
const SOMEUSER = subject("username", "someuser");
const PHONE = subject("phone", "+12025550123");

Deno.test("enrichSubjects() times out a slow provider and isolates errors per (subject, provider)", async () => {
  await using dir = await tempDir();
  let lateSettled = false;
  const late = Promise.withResolvers<void>();
  const providers = [
    fake("good", (s) => Promise.resolve({ v: s.value })),
    fake(
      "thrower",
      (s) =>
        s.type === "email" ? Promise.reject(new Error("bad email\nstack")) : ok({ fine: true })(),
    ),
    // Ignores its signal on purpose, and answers only when the test lets it: the runner must
    // not wait for it.
    fake("sleeper", () =>
      late.promise.then(() => {
        lateSettled = true;
        return { late: true };
      })),
    fake("liar", () => Promise.resolve([1, 2] as unknown as Record<string, unknown>)),
  ];
  const s = await enrichSubjects([ALICE, SOMEUSER], {
    dataDir: dir.path,
    fixturesDir: FIXTURES,
    registry: { providers },
    timeoutMs: 40,
  });
  // The run is over while the timed-out provider has not answered yet.
  assert(!lateSettled, "the runner waited for a timed-out provider");
  assertEquals(s.counts, { ok: 3, error: 5, skipped: 0 });
  assertEquals(s.errors, [
    { subject_key: ALICE.key, provider: "liar", message: "returned an array, not an object" },
    { subject_key: ALICE.key, provider: "sleeper", message: "timed out after 40 ms" },
    { subject_key: ALICE.key, provider: "thrower", message: "bad email" },
    { subject_key: SOMEUSER.key, provider: "liar", message: "returned an array, not an object" },
    { subject_key: SOMEUSER.key, provider: "sleeper", message: "timed out after 40 ms" },
  ]);
  const a = await readEnrichment(dir.path, ALICE.key);
  assertEquals(a.subject, ALICE);
  assertEquals(Object.keys(a.providers), ["good", "liar", "sleeper", "thrower"]);
  assertEquals(a.providers.good?.data, { v: "alice@example.com" });
  assertEquals(a.providers.thrower, {
    ...a.providers.thrower!,
    status: "error",
    data: null,
    error: "bad email",
  });
  const u = await readEnrichment(dir.path, SOMEUSER.key);
  assertEquals(u.providers.thrower?.data, { fine: true });
  // Let the ignored provider finish so the test leaks nothing.
  late.resolve();
  await late.promise;
  await Promise.resolve();
  assert(lateSettled);
});

Deno.test("enrichSubjects() records unsupported, network-only and key-less providers as skipped", async () => {
  await using dir = await tempDir();
  let called = 0;
  const count = () => (called++, Promise.resolve({}));
  const providers = [
    fake("emails_only", count, ["email"]),
    fake("net", count, ["phone"], { needsNetwork: true }),
    fake("keyed", count, ["phone"], { needsKey: true, keyEnv: "TEST_KEY" }),
  ];
  const s = await enrichSubjects([PHONE], {
    dataDir: dir.path,
    fixturesDir: FIXTURES,
    registry: { providers },
  });
  assertEquals(s.counts, { ok: 0, error: 0, skipped: 3 });
  assertEquals(called, 0);
  const e = await readEnrichment(dir.path, PHONE.key);
  assertEquals(e.providers.emails_only?.data, { reason: "supports email subjects only" });
  assertEquals(e.providers.net?.data, { reason: "needs the network (--network)" });
  assertEquals(e.providers.keyed?.data, { reason: "needs a key in TEST_KEY" });
  const s2 = await enrichSubjects([PHONE], {
    dataDir: dir.path,
    fixturesDir: FIXTURES,
    registry: { providers },
    network: true,
    env: (n) => (n === "TEST_KEY" ? "secret" : undefined),
  });
  assertEquals(s2.counts, { ok: 2, error: 0, skipped: 1 });
});

Deno.test("enrichSubjects() re-run with the same inputs leaves files byte-identical and untouched", async () => {
  await using dir = await tempDir();
  const subjects = [ALICE, SOMEUSER, PHONE, subject("username", "mod123")];
  const opts = { dataDir: dir.path, fixturesDir: FIXTURES };
  const first = await enrichSubjects(subjects, { ...opts, clock: fakeClock(Date.UTC(2025, 0, 1)) });
  assertEquals([first.written, first.unchanged], [4, 0]);
  const before = new Map<string, { text: string; mtime: number }>();
  for (const s of subjects) {
    const path = `${dir.path}/enrichment/${s.key}.json`;
    before.set(s.key, {
      text: await Deno.readTextFile(path),
      mtime: (await Deno.stat(path)).mtime!.getTime(),
    });
  }
  // Files set an hour back: a rewrite would give them a new mtime, whatever the clock's grain.
  for (const s of subjects) {
    const path = `${dir.path}/enrichment/${s.key}.json`;
    const past = new Date(before.get(s.key)!.mtime - 3_600_000);
    await Deno.utime(path, past, past);
    before.get(s.key)!.mtime = past.getTime();
  }
  // A later clock: ran_at would differ if it were rewritten.
  const second = await enrichSubjects(subjects, {
    ...opts,
    clock: fakeClock(Date.UTC(2026, 5, 1)),
  });
  assertEquals([second.written, second.unchanged], [0, 4]);
  for (const s of subjects) {
    const path = `${dir.path}/enrichment/${s.key}.json`;
    assertEquals(await Deno.readTextFile(path), before.get(s.key)!.text);
    assertEquals((await Deno.stat(path)).mtime!.getTime(), before.get(s.key)!.mtime);
  }
  const alice = await readEnrichment(dir.path, ALICE.key);
  assertEquals(alice.providers.gravatar_like?.ran_at, "2025-01-01T00:00:00.000Z");
});

Deno.test("enrichSubjects() updates ran_at only for a provider whose result changed", async () => {
  await using dir = await tempDir();
  let version = 1;
  const providers = [
    fake("steady", ok({ a: 1 })),
    fake("moving", () => Promise.resolve({ version })),
  ];
  const run = (t: number) =>
    enrichSubjects([SOMEUSER], {
      dataDir: dir.path,
      fixturesDir: FIXTURES,
      registry: { providers },
      clock: fakeClock(t),
    });
  await run(Date.UTC(2025, 0, 1));
  version = 2;
  const s = await run(Date.UTC(2025, 0, 2));
  assertEquals(s.written, 1);
  const e = await readEnrichment(dir.path, SOMEUSER.key);
  assertEquals(e.providers.steady?.ran_at, "2025-01-01T00:00:00.000Z");
  assertEquals(e.providers.moving?.ran_at, "2025-01-02T00:00:00.000Z");
  assertEquals(e.providers.moving?.data, { version: 2 });
});

Deno.test("enrichSubjects() filters by provider and type, keeping earlier results of the others", async () => {
  await using dir = await tempDir();
  let n = 0;
  const providers = [fake("a", () => Promise.resolve({ n: ++n })), fake("b", ok({ b: true }))];
  const opts = { dataDir: dir.path, fixturesDir: FIXTURES, registry: { providers } };
  await enrichSubjects([ALICE, SOMEUSER], opts);
  const s = await enrichSubjects([ALICE, SOMEUSER], {
    ...opts,
    providers: ["a"],
    type: "username",
  });
  assertEquals(s.subjects, 1);
  assertEquals(s.counts, { ok: 1, error: 0, skipped: 0 });
  const u = await readEnrichment(dir.path, SOMEUSER.key);
  assertEquals(u.providers.a?.data, { n: 3 });
  assertEquals(u.providers.b?.data, { b: true });
  assertEquals((await readEnrichment(dir.path, ALICE.key)).providers.a?.data, { n: 1 });
  const e = await assertRejects(
    () => enrichSubjects([ALICE], { ...opts, providers: ["a", "zzz"] }),
    UsageError,
  );
  assertEquals(e.message, 'unknown provider "zzz" (known: a, b)');
});

Deno.test("enrichSubjects() refuses keys that are not safe file names, and never writes outside", async () => {
  await using dir = await tempDir();
  const bad: Subject[] = [
    { key: "../escape", type: "username", value: "someuser" },
    { key: "a/b", type: "username", value: "someuser" },
    { key: "..", type: "username", value: "someuser" },
    { key: "email_" + "x".repeat(300), type: "email", value: "alice@example.com" },
  ];
  const s = await enrichSubjects(bad, { dataDir: `${dir.path}/data`, fixturesDir: FIXTURES });
  assertEquals(s.errors.length, 4);
  assert(
    s.errors.every((e) => e.provider === "(file)" && e.message.includes("not a safe file name")),
  );
  const entries = [...Deno.readDirSync(dir.path)];
  assertEquals(entries, []);
});

Deno.test("enrichSubjects() refuses a value not in normalized form", async () => {
  await using dir = await tempDir();
  const s = await enrichSubjects(
    [{ key: "email_alice@example.com", type: "email", value: "Alice@Example.com" }],
    { dataDir: dir.path, fixturesDir: FIXTURES },
  );
  assertEquals(s.errors[0]?.provider, "(file)");
  assert(s.errors[0]?.message.includes("not in normalized form"));
  assertEquals(s.written, 0);
});

Deno.test("enrichmentPath() stays inside <data>/enrichment for every subject key", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<SubjectType>("email", "username", "phone"),
      fc.string({ unit: "binary", maxLength: 15 }),
      (type, value) => {
        // Up to 15 code points (at most 180 encoded bytes): the key is safe and the file is a
        // direct child of the folder. Longer values can exceed the 200-byte name limit.
        const key = subjectKey(type, value);
        assert(SAFE_KEY_RE.test(key), key);
        const path = enrichmentPath("/d", key);
        assertEquals(path, `/d/enrichment/${key}.json`);
      },
    ),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (key) => {
      try {
        const path = enrichmentPath("/d", key);
        const name = path.slice("/d/enrichment/".length);
        assert(path.startsWith("/d/enrichment/") && !name.includes("/") && !name.startsWith("."));
      } catch (e) {
        assert(e instanceof UsageError);
      }
    }),
  );
  assertThrows(() => enrichmentPath("/d", ".hidden"), UsageError);
});

Deno.test("enrichSubjects() stops on abort and leaves unfinished subjects unwritten", async () => {
  await using dir = await tempDir();
  const ac = new AbortController();
  const providers = [
    // Answers only when aborted, and the run is aborted as soon as it is first asked.
    fake("slow", (_s, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        queueMicrotask(() => ac.abort());
      })),
  ];
  const s = await enrichSubjects([ALICE, SOMEUSER, PHONE], {
    dataDir: dir.path,
    fixturesDir: FIXTURES,
    registry: { providers },
    signal: ac.signal,
    concurrency: 1,
  });
  assert(s.interrupted);
  assertEquals(s.written, 0);
});

Deno.test("keepRanAt() and canonicalJson() ignore key order only", () => {
  assertEquals(
    canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] }),
    canonicalJson({ a: [{ c: 2, d: 1 }], b: 1 }),
  );
  assert(canonicalJson([1, 2]) !== canonicalJson([2, 1]));
  const old = {
    status: "ok" as const,
    data: { a: 1, b: 2 },
    error: null,
    ran_at: "2025-01-01T00:00:00.000Z",
  };
  const next = { ...old, data: { b: 2, a: 1 }, ran_at: "2026-01-01T00:00:00.000Z" };
  assertEquals(keepRanAt(next, old).ran_at, old.ran_at);
  assertEquals(keepRanAt({ ...next, data: { a: 2, b: 2 } }, old).ran_at, next.ran_at);
  assertEquals(keepRanAt(next, undefined), next);
});

Deno.test("enrichSubjects() brings profiles up to date before chat_presence reads them", async () => {
  await using dir = await tempDir();
  // Messages in the log only (as `import --log-only` leaves them): no profile folded yet.
  const store = await openStore({ dataDir: dir.path });
  await store.appendMessages([{
    ts: "2025-09-02T12:00:00.000Z",
    channel: "example_channel",
    message_id: "m1",
    user_id: null,
    user_name: "someuser",
    text: "hi",
    mentions: [],
    urls: [],
    emotes: [],
    source: "import:irc",
  }]);
  await store.close();
  const r = await enrichSubjects([SOMEUSER], {
    dataDir: dir.path,
    fixturesDir: FIXTURES,
    providers: ["chat_presence"],
  });
  assertEquals(r.counts, { ok: 1, error: 0, skipped: 0 });
  const data = (await readEnrichment(dir.path, SOMEUSER.key)).providers.chat_presence?.data;
  assertEquals([data?.seen, data?.message_count, data?.per_channel], [true, 1, {
    example_channel: 1,
  }]);
});
