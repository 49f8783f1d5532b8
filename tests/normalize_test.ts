import assert from "node:assert/strict";
import fc from "fast-check";
import {
  epochMs,
  isoFromMs,
  normalizeEmail,
  normalizeLogin,
  normalizeTimestamp,
  parseTimestamp,
} from "../src/normalize.ts";
import { normalizePhone } from "../src/phone.ts";

const value = (r: { ok: true; value: string } | { ok: false; reason: string }) =>
  r.ok ? r.value : `FAIL: ${r.reason}`;

Deno.test("normalizeLogin() lowercases, trims and strips one @ or #", () => {
  assert.equal(value(normalizeLogin("#Example_Channel")), "example_channel");
  assert.equal(value(normalizeLogin("  @SomeUser ")), "someuser");
  assert.equal(value(normalizeLogin("abc")), "abc");
  assert.equal(value(normalizeLogin("a".repeat(25))), "a".repeat(25));
});

Deno.test("normalizeLogin() reports what breaks Twitch's login rule", () => {
  for (
    const bad of ["", "  ", "@", "a".repeat(26), "bad name", "bad-name", "émile", "@#x", "a.b"]
  ) {
    const r = normalizeLogin(bad);
    assert.equal(r.ok, false, `accepted ${JSON.stringify(bad)}`);
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});

Deno.test("normalizeLogin() is idempotent and its output matches the login rule", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (s) => {
      const r = normalizeLogin(s);
      if (!r.ok) return;
      assert.match(r.value, /^[a-z0-9_]{1,25}$/);
      assert.deepEqual(normalizeLogin(r.value), r);
    }),
  );
});

Deno.test("normalizeEmail() trims and lowercases valid addresses", () => {
  assert.equal(value(normalizeEmail("  Alice@Example.COM ")), "alice@example.com");
  assert.equal(
    value(normalizeEmail("first.last+tag@sub.example.co.uk")),
    "first.last+tag@sub.example.co.uk",
  );
  assert.equal(value(normalizeEmail("o'brien@example.ie")), "o'brien@example.ie");
});

Deno.test("normalizeEmail() rejects malformed addresses", () => {
  for (
    const bad of [
      "",
      "plainaddress",
      "@example.com",
      "alice@",
      "alice@example",
      "alice@@example.com",
      "a..b@example.com",
      ".a@example.com",
      "a.@example.com",
      "alice@-example.com",
      "alice@example.c0m",
      "alice@exa_mple.com",
      "al ice@example.com",
      "Alice, Smith <alice@example.com>",
      `${"a".repeat(65)}@example.com`,
      `a@${"b".repeat(250)}.com`,
    ]
  ) {
    assert.equal(normalizeEmail(bad).ok, false, `accepted ${JSON.stringify(bad)}`);
  }
});

Deno.test("normalizePhone() gives E.164 for international and national forms", () => {
  assert.equal(value(normalizePhone("+12025550123")), "+12025550123");
  assert.equal(value(normalizePhone("(202) 555-0123")), "+12025550123");
  assert.equal(value(normalizePhone("202.555.0123")), "+12025550123");
  assert.equal(value(normalizePhone("+44 20 7946 0958")), "+442079460958");
  assert.equal(value(normalizePhone("020 7946 0958", "GB")), "+442079460958");
  assert.equal(value(normalizePhone("020 7946 0958", "gb")), "+442079460958");
  assert.equal(value(normalizePhone("030 123456", "DE")), "+4930123456");
});

Deno.test("normalizePhone() rejects letters, impossible lengths and empty input", () => {
  for (const bad of ["", "12", "call me", "+1 202 555 01234567", "202-555-O123", "+1 (202) abc"]) {
    assert.equal(normalizePhone(bad).ok, false, `accepted ${JSON.stringify(bad)}`);
  }
});

Deno.test("normalizeTimestamp() gives one UTC ISO form with milliseconds", () => {
  const want = "2025-09-02T12:34:56.000Z";
  for (
    const input of [
      "2025-09-02T12:34:56Z",
      "2025-09-02T12:34:56.000Z",
      "2025-09-02T12:34:56",
      "2025-09-02 12:34:56",
      "2025-09-02T14:34:56+02:00",
      "2025-09-02T14:34:56+0200",
      "2025-09-02T08:34:56-04:00",
      "2025-09-02t12:34:56z",
      1756816496000,
      "1756816496000",
    ]
  ) {
    assert.equal(value(normalizeTimestamp(input)), want, `input ${JSON.stringify(input)}`);
  }
  assert.equal(value(normalizeTimestamp("2025-09-02T12:34:56.5Z")), "2025-09-02T12:34:56.500Z");
  assert.equal(value(normalizeTimestamp("2025-09-02T12:34:56,25Z")), "2025-09-02T12:34:56.250Z");
  assert.equal(
    value(normalizeTimestamp("2025-09-02T12:34:56.123456789Z")),
    "2025-09-02T12:34:56.123Z",
  );
  assert.equal(value(normalizeTimestamp("2025-09-02")), "2025-09-02T00:00:00.000Z");
  assert.equal(value(normalizeTimestamp("2024-02-29T00:00:00Z")), "2024-02-29T00:00:00.000Z");
});

Deno.test("normalizeTimestamp() rejects garbage, missing values and impossible dates", () => {
  for (
    const bad of [
      undefined,
      null,
      true,
      {},
      "",
      "yesterday",
      "12:00",
      "2025-13-01T00:00:00Z",
      "2025-09-02T12:60:00Z",
      "2025-09-02T12:34:60Z",
      "2025-02-29T00:00:00Z",
      "2025-02-29T12:00:00+01:00",
      "2025-02-30",
      "2025-09-31T00:00:00Z",
      "2025-04-31 10:00:00",
      "1900-02-29T00:00:00Z",
      "1969-12-31T23:59:59Z",
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      9e15,
    ]
  ) {
    assert.equal(normalizeTimestamp(bad).ok, false, `accepted ${String(bad)}`);
  }
});

const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

Deno.test("parseTimestamp() round-trips every stored timestamp (fast path agrees with Date)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_MS }), (ms) => {
      const iso = isoFromMs(ms);
      const r = parseTimestamp(iso);
      assert.deepEqual(r, { ok: true, value: iso, ms });
      // The second-precision form takes the same fast path.
      const secs = `${iso.slice(0, 19)}Z`;
      const r2 = parseTimestamp(secs);
      assert.deepEqual(r2, { ok: true, value: `${iso.slice(0, 19)}.000Z`, ms: ms - (ms % 1000) });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("parseTimestamp() outputs sort as strings in time order", () => {
  // Found by a random run: 1e8 epoch seconds and 1e11 epoch milliseconds are one instant.
  const [s, ms] = [parseTimestamp(100_000_000), parseTimestamp(100_000_000_000)];
  assert.ok(s.ok && ms.ok);
  assert.equal(s.value, ms.value);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: MAX_MS }),
      fc.integer({ min: 0, max: MAX_MS }),
      (a, b) => {
        const ra = parseTimestamp(a), rb = parseTimestamp(b);
        assert.ok(ra.ok && rb.ok);
        // A number under 1e11 is read as epoch seconds (epochMs), so compare the times they denote:
        // 1e8 (seconds) and 1e11 (milliseconds) are the same instant.
        const order = Math.sign(epochMs(a) - epochMs(b));
        assert.equal(order, ra.value < rb.value ? -1 : ra.value > rb.value ? 1 : 0);
      },
    ),
  );
});

Deno.test("parseTimestamp() agrees with a calendar check on any date-shaped string", () => {
  // Day 1..31 in any month: only real calendar days are accepted, in both code paths.
  fc.assert(
    fc.property(
      fc.integer({ min: 1970, max: 2100 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
      fc.boolean(),
      (y, mo, d, canonical) => {
        const date = `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
        const input = canonical ? `${date}T06:07:08.009Z` : `${date} 06:07:08`;
        const real = new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d;
        const r = parseTimestamp(input);
        assert.equal(r.ok, real, `${input}: ${JSON.stringify(r)}`);
        if (r.ok) assert.equal(r.value, `${date}T06:07:08.${canonical ? "009" : "000"}Z`);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("parseTimestamp() reads 1 to 9 digits of a fraction as the general path does (milliseconds, cut)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: MAX_MS }),
      fc.integer({ min: 1, max: 9 }),
      fc.stringMatching(/^\d{6}$/),
      (ms, k, more) => {
        const iso = isoFromMs(ms);
        const fraction = (iso.slice(20, 23) + more).slice(0, k);
        const input = `${iso.slice(0, 19)}.${fraction}Z`;
        const cut = ms - (ms % 1000) + Number(fraction.padEnd(3, "0").slice(0, 3));
        const r = parseTimestamp(input);
        assert.deepEqual(r, { ok: true, value: isoFromMs(cut), ms: cut });
        // The same time with a space for the T goes the general way (Date.parse): it agrees.
        assert.deepEqual(parseTimestamp(input.replace("T", " ")), r);
      },
    ),
    { numRuns: 2000 },
  );
  for (
    const bad of [
      "2025-09-02T12:34:56.Z",
      "2025-09-02T12:34:56.1234567890Z",
      "2025-09-02T12:34:56.1a3Z",
    ]
  ) {
    assert.equal(parseTimestamp(bad).ok, false, bad);
  }
});
