import fc from "fast-check";
import { assert, assertEquals } from "../support/assert.ts";
import { JoinPacer } from "../../src/chat/join_pacer.ts";

Deno.test("JoinPacer.reserve() lets a burst through, then waits for the window", () => {
  const pacer = new JoinPacer(3, 1000);
  assertEquals([0, 0, 0, 0, 0, 0, 0].map(() => pacer.reserve(0)), [
    0,
    0,
    0,
    1000,
    1000,
    1000,
    2000,
  ]);
  assertEquals(pacer.reserve(5000), 5000, "idle time frees the window");
});

Deno.test("JoinPacer.reserve() never exceeds the limit in any window", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 25 }),
      fc.integer({ min: 1, max: 20_000 }),
      fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 120 }),
      (limit, windowMs, gaps) => {
        const pacer = new JoinPacer(limit, windowMs);
        let now = 0;
        const times: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const at = pacer.reserve(now);
          assert(at >= now, "never in the past");
          times.push(at);
          now = Math.max(now, at);
        }
        for (let i = limit; i < times.length; i++) {
          assert(
            times[i]! - times[i - limit]! >= windowMs,
            `limit ${limit} per ${windowMs}ms kept`,
          );
        }
      },
    ),
  );
});
