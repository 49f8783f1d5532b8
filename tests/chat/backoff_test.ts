import fc from "fast-check";
import { assert, assertEquals } from "../support/assert.ts";
import { backoffDelay } from "../../src/chat/backoff.ts";

Deno.test("backoffDelay() doubles from the base up to the cap", () => {
  const top = (attempt: number) =>
    backoffDelay(attempt, { baseMs: 100, maxMs: 1000, random: () => 0.9999999 });
  assertEquals([0, 1, 2, 3, 4, 5, 50].map(top), [100, 200, 400, 800, 1000, 1000, 1000]);
  const bottom = (attempt: number) =>
    backoffDelay(attempt, { baseMs: 100, maxMs: 1000, random: () => 0 });
  assertEquals([0, 1, 2, 3, 4].map(bottom), [50, 100, 200, 400, 500]);
});

Deno.test("backoffDelay() stays within half and all of the nominal delay", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 1, max: 600_000 }),
      fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      (attempt, baseMs, maxMs, r) => {
        const d = backoffDelay(attempt, { baseMs, maxMs, random: () => r });
        const nominal = Math.min(Math.max(baseMs, maxMs), baseMs * 2 ** Math.min(attempt, 40));
        assert(d >= Math.floor(nominal / 2) && d <= Math.ceil(nominal), `${d} for ${nominal}`);
      },
    ),
  );
  assertEquals(backoffDelay(0, { baseMs: 100, random: () => NaN }), 75, "bad random falls back");
});
