import assert from "node:assert/strict";
import { implausibleChatTime, parseChatTime, sentTimeMs } from "../../src/chat/chat_time.ts";
import { parseFixtureLine } from "../../src/chat/replay.ts";

const NOW = Date.UTC(2025, 8, 2, 12);

Deno.test("parseChatTime() reads numbers below 10^11 as epoch seconds, others as milliseconds", () => {
  for (const input of [1756814411, "1756814411", 1756814411000, "1756814411000"]) {
    const r = parseChatTime(input, NOW);
    assert.ok(r.ok, JSON.stringify(input));
    assert.equal(r.value, "2025-09-02T12:00:11.000Z", JSON.stringify(input));
  }
});

Deno.test("parseChatTime() refuses 24:00 and other times of day past the clock face", () => {
  for (const input of ["2025-09-02T24:00:00Z", "2025-09-02T23:60:00Z", "2025-09-02T23:59:60Z"]) {
    const r = parseChatTime(input, NOW);
    assert.ok(!r.ok, input);
    assert.match(r.reason, /is not a time of day/);
  }
  assert.ok(parseChatTime("2025-09-02T23:59:59.999Z", NOW).ok);
  assert.ok(parseChatTime("2025-09-02 00:00", NOW).ok);
});

Deno.test("parseChatTime() refuses times before 2007 or more than a day ahead of the clock", () => {
  const cases: Array<[unknown, RegExp]> = [
    [8640000000000000, /more than a day ahead/],
    [253402300800000, /more than a day ahead/],
    ["2025-09-03T12:00:00.001Z", /more than a day ahead/],
    ["2006-12-31T23:59:59Z", /before 2007/],
    [0, /before 2007/],
  ];
  for (const [input, why] of cases) {
    const r = parseChatTime(input, NOW);
    assert.ok(!r.ok, JSON.stringify(input));
    assert.match(r.reason, why);
  }
  assert.ok(parseChatTime("2025-09-03T12:00:00.000Z", NOW).ok, "exactly a day ahead is allowed");
  assert.ok(parseChatTime("2007-01-01T00:00:00Z", NOW).ok);
  assert.equal(implausibleChatTime(NOW, NOW), undefined);
});

Deno.test("sentTimeMs() reads tmi-sent-ts by the same rule", () => {
  assert.equal(sentTimeMs("1756814411", NOW), 1756814411000);
  assert.match(String(sentTimeMs("253402300800000", NOW)), /more than a day ahead/);
  assert.match(String(sentTimeMs("abc", NOW)), /is not a time/);
});

Deno.test("parseFixtureLine() applies the chat time rule to fixture times", () => {
  const line = (ts: unknown) =>
    parseFixtureLine(
      JSON.stringify({ ts, channel: "c", user_name: "u", text: "t" }),
      "c",
      "f:1",
      NOW,
    );
  const seconds = line(1756814411);
  assert.ok("draft" in seconds && seconds.draft.ts === "2025-09-02T12:00:11.000Z");
  for (const ts of [8640000000000000, "2025-09-02T24:00:00Z", "1999-01-01T00:00:00Z"]) {
    const r = line(ts);
    assert.ok("reason" in r, JSON.stringify(ts));
    assert.equal(r.where, "f:1: ts");
  }
});
