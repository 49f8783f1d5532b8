/**
 * Random paths and query strings thrown at every route of `serve`: no answer is a 5xx, every
 * error is a one-line JSON (or a page) and nothing reaches the file system outside the data dir.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { INTERNAL_ERRORS, serveOn, webData } from "./_workspace.ts";

const ROUTES = [
  "/healthz",
  "/search",
  "/events",
  "/profiles/users",
  "/profiles/channels",
  "/profiles/users/{}",
  "/profiles/channels/{}",
  "/subjects",
  "/subjects/{}",
  "/hits",
  "/timeline",
  "/graph/neighbors",
  "/openapi.json",
  "/docs",
  "/",
  "/ui/search",
  "/ui/users",
  "/ui/users/{}",
  "/ui/users/{}/timeline",
  "/ui/users/{}/contacts",
  "/ui/channels/{}",
  "/ui/subjects",
  "/ui/subjects/{}",
  "/ui/optout",
  "/login",
  "/assets/{}",
  "/privacy/optout",
];

const PARAMS = [
  "by",
  "value",
  "since",
  "until",
  "contains",
  "limit",
  "offset",
  "kind",
  "sort",
  "order",
  "subject",
  "next",
  "q",
  "user",
  "context",
];

/** Text that has broken parsers before: path tricks, bad escapes, huge and odd numbers. */
const NASTY = fc.constantFrom(
  "..",
  "../..",
  "%2e%2e",
  "..%2F..%2Fetc%2Fpasswd",
  "a%5Cb",
  "%00",
  "a%00b",
  "%",
  "%ZZ",
  "%E0%A4%A",
  "-1",
  "0",
  "1e309",
  "99999999999999999999",
  "NaN",
  "0x10",
  " ",
  "2025-13-45",
  "T24:00:00Z",
  "8640000000000001",
  "user",
  "channel",
  "someuser",
  "username_someuser",
  "<script>",
  "\u202e",
  "😀",
  "~",
  "x".repeat(3000),
);

const piece = fc.oneof(
  NASTY,
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.string({ maxLength: 12, unit: "binary" }).map(encodeURIComponent),
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  name: piece,
  query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), piece), piece), { maxLength: 5 }),
  method: fc.constantFrom("GET", "GET", "GET", "POST", "DELETE", "HEAD"),
});

Deno.test("no random path or query string gets a 5xx from any route", async () => {
  await using data = await webData();
  await using server = await serveOn(data.dataDir, { token: "a-test-token-of-32-characters-xx" });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const path = r.route.replace("{}", r.name);
      const qs = r.query.map(([k, v]) => `${k}=${v}`).join("&");
      const res = await fetch(`${server.url}${path}${qs ? `?${qs}` : ""}`, {
        method: r.method,
        redirect: "manual",
        ...(r.method === "POST"
          ? { body: qs, headers: { "Content-Type": "application/json" } }
          : {}),
      });
      const text = await res.text();
      assert.ok(
        res.status < 500,
        `${r.method} ${path}?${qs} answered ${res.status}: ${text.slice(0, 200)}`,
      );
      const isJson = (res.headers.get("content-type") ?? "").includes("json");
      if (r.method !== "HEAD" && res.status >= 400 && isJson) {
        const body = JSON.parse(text) as { error?: unknown };
        assert.equal(typeof body.error, "string");
        assert.doesNotMatch(String(body.error), /\n\s+at /);
      }
    }),
    { numRuns: 400 },
  );
  assert.deepEqual(INTERNAL_ERRORS, []);
});
