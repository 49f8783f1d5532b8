/**
 * A route's JSON is what the CLI prints for the same question: each route is asked first (the
 * server needs the net), then the CLI in this process (which drops the net), and the two
 * compared.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { call, OPTED_OUT, serveOn, webData } from "./_workspace.ts";
import { runMain } from "../support/cli.ts";

/** Route path and the CLI arguments that ask the same, with how to read the CLI's output. */
const CASES: { route: string; cli: string[]; read?: (stdout: string) => unknown }[] = [
  {
    route: "/search?by=channel&value=example_channel&limit=30",
    cli: ["search", "messages", "--by", "channel", "--value", "example_channel", "--limit", "30"],
  },
  {
    route: "/search?contains=dating&limit=10",
    cli: ["search", "messages", "--contains", "dating", "--limit", "10", "--format", "json"],
  },
  {
    route: "/search?by=user&value=someuser&since=2025-09-02T12:00:00Z&until=2025-09-02T12:05:00Z",
    cli: [
      "search",
      "messages",
      "--by",
      "user",
      "--value",
      "someuser",
      "--since",
      "2025-09-02T12:00:00Z",
      "--until",
      "2025-09-02T12:05:00Z",
    ],
  },
  { route: "/search?limit=1000", cli: ["search", "messages", "--limit", "1000"] },
  {
    route: "/events?kind=clearchat&limit=50",
    cli: ["search", "events", "--kind", "clearchat", "--limit", "50"],
  },
  { route: "/events?limit=100", cli: ["search", "events", "--limit", "100"] },
  {
    route: `/events?q=${encodeURIComponent("raid OR from:grumpy_fox")}`,
    cli: ["search", "events", "--query", "raid OR from:grumpy_fox", "--format", "json"],
  },
  { route: "/profiles/users/someuser", cli: ["profiles", "show", "--user", "someuser"] },
  {
    route: "/profiles/channels/example_channel",
    cli: ["profiles", "show", "--channel", "example_channel"],
  },
  {
    route: "/profiles/users?sort=name&limit=1000",
    cli: ["profiles", "list", "--users"],
    read: (out) => out.split("\n").filter(Boolean),
  },
  {
    route: "/profiles/channels?sort=name",
    cli: ["profiles", "list", "--channels"],
    read: (out) => out.split("\n").filter(Boolean),
  },
  {
    route: "/timeline?user=someuser&context=1",
    cli: ["timeline", "--user", "someuser", "--context", "1", "--format", "json"],
  },
  {
    route: "/graph/neighbors?user=someuser",
    cli: ["graph", "neighbors", "--user", "someuser", "--format", "json"],
  },
  { route: "/hits?limit=10", cli: ["subjects", "hits", "--limit", "10", "--format", "json"] },
  {
    route: "/hits?subject=someuser&since=2025-09-02T12:00:00Z",
    cli: [
      "subjects",
      "hits",
      "--subject",
      "someuser",
      "--since",
      "2025-09-02T12:00:00Z",
      "--format",
      "json",
    ],
  },
];

/** What a route answered, as the CLI would print it. */
function shape(route: string, body: unknown): unknown {
  if (route.startsWith("/profiles/users?") || route.startsWith("/profiles/channels?")) {
    return (body as { name: string }[]).map((p) => p.name);
  }
  return body;
}

/** A report without what differs between two builds: the time it was built. */
function timeless(report: Record<string, unknown>): unknown {
  const r = structuredClone(report) as {
    generated_at?: string;
    enrichment: { providers: { name: string; ran_at: string; rests_on: string }[] };
  };
  delete r.generated_at;
  for (const p of r.enrichment.providers) {
    if (p.name === "chat_presence") {
      p.ran_at = "";
      p.rests_on = p.rests_on.replace(/\(\d{4}-[^)]*\)/, "()");
    }
  }
  return r;
}

Deno.test("each route answers what the CLI prints for the same question", async () => {
  await using data = await webData();
  const answers = new Map<string, unknown>();
  let report: Record<string, unknown>;
  let optedOutStatus: number;
  {
    await using server = await serveOn(data.dataDir);
    for (const c of CASES) {
      const r = await call(server.url, c.route);
      assert.equal(r.status, 200, `${c.route}: ${r.text}`);
      answers.set(c.route, shape(c.route, r.json()));
    }
    report = (await call(server.url, "/subjects/username_someuser")).json() as Record<
      string,
      unknown
    >;
    optedOutStatus = (await call(server.url, `/profiles/users/${OPTED_OUT}`)).status;
  }
  const d = ["--data-dir", data.dataDir];
  for (const c of CASES) {
    const r = await runMain([...c.cli, ...d]);
    assert.equal(r.code, 0, `${c.cli.join(" ")}: ${r.stderr}`);
    const printed = (c.read ?? JSON.parse)(r.stdout);
    assert.deepEqual(answers.get(c.route), printed, `${c.route} vs ${c.cli.join(" ")}`);
    assert.ok(Array.isArray(printed) ? printed.length > 0 : printed !== null, c.route);
  }
  const out = join(data.dataDir, "parity_report.json");
  const rep = await runMain([
    "subjects",
    "report",
    "username_someuser",
    "--format",
    "json",
    "--out",
    out,
    ...d,
  ]);
  assert.equal(rep.code, 0, rep.stderr);
  assert.deepEqual(timeless(report), timeless(JSON.parse(await Deno.readTextFile(out))));
  // Not served either way.
  const hidden = await runMain(["profiles", "show", "--user", OPTED_OUT, ...d]);
  assert.notEqual(hidden.code, 0);
  assert.equal(optedOutStatus, 404);
});
