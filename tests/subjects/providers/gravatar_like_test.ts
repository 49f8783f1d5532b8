import { assert, assertEquals, assertRejects } from "../../support/assert.ts";
import fc from "fast-check";
import {
  createGravatarLike,
  gravatarHashes,
  HostRateLimiter,
  retryAfterMs,
} from "../../../src/subjects/providers/gravatar_like.ts";
import { InputError, NetworkError } from "../../../src/errors.ts";
import { context, fakeClock, subject, tempDir } from "./_helpers.ts";

const ALICE_SHA256 = "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976";
const ALICE_MD5 = "c160f8cc69a4f0bf2b0362752353d060";

Deno.test("gravatarHashes() hashes the trimmed, lowercased address (SHA-256 and MD5)", () => {
  assertEquals(gravatarHashes("alice@example.com"), {
    email: "alice@example.com",
    sha256: ALICE_SHA256,
    md5: ALICE_MD5,
  });
  assertEquals(gravatarHashes("  Alice@Example.COM "), gravatarHashes("alice@example.com"));
});

Deno.test("gravatar_like offline: alice exists from fixtures/gravatar.json, others do not", async () => {
  const p = createGravatarLike();
  const a = await p.enrich(subject("email", "alice@example.com"), context());
  assertEquals(a, {
    email: "alice@example.com",
    sha256: ALICE_SHA256,
    md5: ALICE_MD5,
    avatar_url: `https://gravatar.com/avatar/${ALICE_SHA256}?d=404`,
    legacy_avatar_url: `https://gravatar.com/avatar/${ALICE_MD5}?d=404`,
    profile_url: `https://gravatar.com/${ALICE_SHA256}`,
    exists: true,
    checked: "fixture:gravatar.json",
  });
  const b = await p.enrich(subject("email", "bob@example.com"), context());
  assertEquals(b.exists, false);
  assertEquals(b.sha256, gravatarHashes("bob@example.com").sha256);
});

Deno.test("gravatar_like offline: a legacy MD5 in the fixture also counts", async () => {
  await using dir = await tempDir();
  const md5 = gravatarHashes("carol@example.org").md5;
  await Deno.writeTextFile(`${dir.path}/gravatar.json`, JSON.stringify({ existing: [md5] }));
  const r = await createGravatarLike().enrich(
    subject("email", "carol@example.org"),
    context({ fixturesDir: dir.path }),
  );
  assertEquals(r.exists, true);
});

Deno.test("gravatar_like: a malformed gravatar.json names the file and the place", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/gravatar.json`;
  await Deno.writeTextFile(path, '{\n  "existing": [\n    "abc",\n  ]\n}\n');
  const e1 = await assertRejects(
    () =>
      createGravatarLike().enrich(subject("email", "a@b.cd"), context({ fixturesDir: dir.path })),
    InputError,
  );
  assert(e1.message.startsWith(`${path}:4:3: invalid JSON`), e1.message);
  await Deno.writeTextFile(path, '{"existing": ["not-a-hash"]}');
  const e2 = await assertRejects(
    () =>
      createGravatarLike().enrich(subject("email", "a@b.cd"), context({ fixturesDir: dir.path })),
    InputError,
  );
  assert(e2.message.startsWith(`${path}: existing[0]: expected a lowercase hex`), e2.message);
});

/** A fake fetch answering from a script of statuses; records each URL and its time. */
function scriptedFetch(
  statuses: Array<number | [number, Record<string, string>]>,
  clock: { now(): number },
) {
  const calls: Array<{ url: string; at: number }> = [];
  const f = (input: string | URL | Request, _init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input instanceof Request ? input.url : input), at: clock.now() });
    const next = statuses.shift() ?? 500;
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    return Promise.resolve(new Response(status === 200 ? "img" : null, { status, headers }));
  };
  return { fetch: f as typeof fetch, calls };
}

Deno.test("gravatar_like --network: 200 means exists, 404 means not, asked with d=404", async () => {
  const clock = fakeClock();
  const { fetch, calls } = scriptedFetch([200, 404], clock);
  const p = createGravatarLike();
  const ctx = context({ network: true, fetch, clock, options: { min_interval_ms: 0 } });
  const a = await p.enrich(subject("email", "alice@example.com"), ctx);
  assertEquals([a.exists, a.checked, a.http_status], [true, "network", 200]);
  const b = await p.enrich(subject("email", "bob@example.com"), ctx);
  assertEquals([b.exists, b.http_status], [false, 404]);
  assertEquals(calls[0]?.url, `https://gravatar.com/avatar/${ALICE_SHA256}?d=404`);
});

Deno.test("gravatar_like --network: backs off on 429 (Retry-After, then doubling) and gives up", async () => {
  const clock = fakeClock();
  const { fetch, calls } = scriptedFetch([[429, { "retry-after": "3" }], 429, 200], clock);
  const p = createGravatarLike();
  const opts = { min_interval_ms: 0, backoff_ms: 100, max_retries: 2 };
  const r = await p.enrich(
    subject("email", "alice@example.com"),
    context({ network: true, fetch, clock, options: opts }),
  );
  assertEquals(r.exists, true);
  assertEquals(calls.length, 3);
  // 3 s from Retry-After, then 100 * 2^1 ms of backoff.
  assertEquals(calls.map((c) => c.at - calls[0]!.at), [0, 3000, 3200]);

  const exhausted = scriptedFetch([429, 429, 429, 200], clock);
  const e = await assertRejects(
    () =>
      createGravatarLike().enrich(
        subject("email", "alice@example.com"),
        context({ network: true, fetch: exhausted.fetch, clock, options: opts }),
      ),
    NetworkError,
  );
  assert(e.message.includes("429"), e.message);
  assertEquals(exhausted.calls.length, 3);
});

Deno.test("gravatar_like --network: requests to one host are spaced by min_interval_ms", async () => {
  const clock = fakeClock();
  const { fetch, calls } = scriptedFetch([404, 404, 404, 404], clock);
  const p = createGravatarLike();
  const ctx = context({ network: true, fetch, clock, options: { min_interval_ms: 250 } });
  await Promise.all(
    ["a@x.io", "b@x.io", "c@x.io", "d@x.io"].map((e) => p.enrich(subject("email", e), ctx)),
  );
  // Concurrent callers each reserve the next slot: the first goes at once, the rest wait.
  assertEquals(clock.sleeps, [250, 500, 750]);
  const start = calls[0]!.at;
  assertEquals(calls.map((c) => c.at - start), [0, 250, 500, 750]);
});

Deno.test("gravatar_like --network: a request that hangs fails after request_timeout_ms", async () => {
  const hanging = ((_u: unknown, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
    })) as typeof fetch;
  const e = await assertRejects(
    () =>
      createGravatarLike().enrich(
        subject("email", "alice@example.com"),
        context({ network: true, fetch: hanging, options: { request_timeout_ms: 30 } }),
      ),
    NetworkError,
  );
  assert(e.message.includes("no answer within 30 ms"), e.message);
});

Deno.test("gravatar_like --network: asks a real HTTP server on loopback", async () => {
  const seen: string[] = [];
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      const url = new URL(req.url);
      seen.push(url.pathname + url.search);
      return new Response(null, { status: url.pathname.endsWith(ALICE_SHA256) ? 200 : 404 });
    },
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const p = createGravatarLike();
  const ctx = context({
    network: true,
    fetch: globalThis.fetch,
    options: { base_url: base, min_interval_ms: 0 },
  });
  assertEquals((await p.enrich(subject("email", "alice@example.com"), ctx)).exists, true);
  assertEquals((await p.enrich(subject("email", "bob@example.com"), ctx)).exists, false);
  assertEquals(seen[0], `/avatar/${ALICE_SHA256}?d=404`);
});

Deno.test("HostRateLimiter() gives each host its own slots, the interval apart", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 20 }),
      fc.integer({ min: 1, max: 1000 }),
      async (hosts, interval) => {
        // A frozen clock: every wait returns the delay it reserved.
        const rl = new HostRateLimiter(interval, { now: () => 0, sleep: () => Promise.resolve() });
        const delays: Record<string, number[]> = {};
        for (const h of hosts) (delays[h] ??= []).push(await rl.wait(h));
        for (const d of Object.values(delays)) d.forEach((ms, i) => assertEquals(ms, i * interval));
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("HostRateLimiter() does not wait once the clock passed the next slot", async () => {
  const clock = fakeClock(0);
  const rl = new HostRateLimiter(100, clock);
  assertEquals(await rl.wait("h"), 0);
  clock.t += 500;
  assertEquals(await rl.wait("h"), 0);
  assertEquals(await rl.wait("h"), 100);
  rl.holdUntil("h", clock.now() + 1000);
  assertEquals(await rl.wait("h"), 1000);
});

Deno.test("retryAfterMs() reads seconds and HTTP dates", () => {
  assertEquals(retryAfterMs("7", 0), 7000);
  assertEquals(retryAfterMs(null, 0), undefined);
  assertEquals(retryAfterMs("Wed, 01 Jan 2025 00:00:10 GMT", Date.UTC(2025, 0, 1)), 10_000);
  assertEquals(retryAfterMs("soon", 0), undefined);
});
