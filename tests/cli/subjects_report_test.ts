import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { join } from "node:path";
import { readMessages, replayShipped, REPO, runMain, tempDir } from "../support/cli.ts";

async function quickStart(dataDir: string): Promise<string[]> {
  const d = ["--data-dir", dataDir];
  assertEquals(
    (await runMain(["subjects", "load", "--path", join(REPO, "subjects.csv"), ...d])).code,
    0,
  );
  await replayShipped(d);
  // Enrichment again, now that chat_presence has profiles to read.
  assertEquals((await runMain(["subjects", "enrich", ...d])).code, 0);
  return d;
}

Deno.test("subjects report writes a readable Markdown report whose facts match the data", async () => {
  await using dir = await tempDir();
  const d = await quickStart(dir.path);
  const r = await runMain(["subjects", "report", "username_someuser", ...d]);
  assertEquals(r.code, 0, r.stderr);
  const path = join(dir.path, "reports", "username_someuser.md");
  assertEquals(r.stdout, `${path}\n`);
  const md = await Deno.readTextFile(path);

  const log = await readMessages(dir.path);
  const theirs = log.filter((m) => m.user_name === "someuser");
  const perChannel = (c: string) => theirs.filter((m) => m.channel === c).length;
  const hits = log.flatMap((m) =>
    ((m.hits ?? []) as Array<{ subject_key: string; how: string }>).filter((h) =>
      h.subject_key === "username_someuser"
    )
  );
  const ts = theirs.map((m) => m.ts as string).sort();

  assertMatch(md, /^# Subject report: someuser \(username\)$/m);
  assertMatch(md, /unverified leads/);
  assertMatch(md, /^- Key: `username_someuser`$/m);
  assertMatch(md, /^### handle_presence: ok \(inferred, unverified\)$/m);
  assertMatch(md, /^\| present \| twitch, twitter \|$/m);
  assertMatch(md, /^### chat_presence: ok \(observed\)$/m);
  assertMatch(md, /^\| seen \| true \|$/m);
  assertMatch(md, /^Rests on: user profile profiles\/users\/someuser\.json/m);
  assertMatch(md, new RegExp(`^- Messages: ${theirs.length}$`, "m"));
  assertMatch(md, new RegExp(`^- First seen: ${ts[0]}$`, "m"));
  assertMatch(md, new RegExp(`^- Last seen: ${ts.at(-1)}$`, "m"));
  assertMatch(
    md,
    new RegExp(`^\\| example_channel \\| ${perChannel("example_channel")} \\|$`, "m"),
  );
  assertMatch(md, new RegExp(`^\\| devchat \\| ${perChannel("devchat")} \\|$`, "m"));
  assertMatch(md, /^- Activity: busiest hours \d\d:00 UTC/m);
  const authored = hits.filter((h) => h.how === "author").length;
  const mentioned = hits.filter((h) => h.how === "mention").length;
  assertMatch(
    md,
    new RegExp(
      `^${hits.length} hit\\(s\\): ${authored} as author, ${mentioned} as @mention, 0 in text`,
      "m",
    ),
  );
  assertMatch(md, /\| mention \| mod123 \| @someuser lol idk \|/);
  assertMatch(md, /^## Relationship signals \(inferred, unverified\)$/m);
  assertMatch(
    md,
    /\| someuser \| written by subject \| question \| sara \| 0\.\d\d \| .*dating sara/,
  );
});

Deno.test("subjects report --format html and json; --out; --all; lookup by value", async () => {
  await using dir = await tempDir();
  const d = await quickStart(dir.path);
  const html = await runMain(["subjects", "report", "someuser", "--format", "html", ...d]);
  assertEquals(html.code, 0, html.stderr);
  const page = await Deno.readTextFile(html.stdout.trim());
  assertMatch(page, /^<!doctype html>/);
  assertMatch(page, /<h1[^>]*>Subject: someuser <span class="muted">\(username\)<\/span><\/h1>/);
  assertMatch(page, /<h2 id="hits">Watchlist hits<\/h2>/);
  assertMatch(page, />#example_channel<\/a><\/td>/);

  const out = join(dir.path, "elsewhere.json");
  const json = await runMain([
    "subjects",
    "report",
    "(202) 555-0123",
    "--format",
    "json",
    "--out",
    out,
    ...d,
  ]);
  assertEquals(json.stdout, `${out}\n`);
  const r = JSON.parse(await Deno.readTextFile(out));
  assertEquals(r.subject, { key: "phone_+12025550123", type: "phone", value: "+12025550123" });
  assertEquals(
    r.enrichment.providers.find((p: { name: string }) => p.name === "phone_info").status,
    "ok",
  );
  assert(r.hits.total >= 1);
  assert(r.hits.items.every((h: { how: string }) => h.how === "text"));

  const all = await runMain(["subjects", "report", "--all", ...d]);
  assertEquals(all.stdout.trim().split("\n").length, 4);
  const names = (await Array.fromAsync(Deno.readDir(join(dir.path, "reports")))).map((e) => e.name)
    .sort();
  assertEquals(names, [
    "email_alice@example.com.md",
    "phone_+12025550123.md",
    "username_mod123.md",
    "username_someuser.html",
    "username_someuser.md",
  ]);
});

Deno.test("subjects report: usage errors exit 2", async () => {
  await using dir = await tempDir();
  const d = await quickStart(dir.path);
  for (
    const args of [[], ["someuser", "--format", "pdf"], ["someuser", "mod123"], [
      "--all",
      "someuser",
    ]]
  ) {
    const r = await runMain(["subjects", "report", ...args, ...d]);
    assertEquals(r.code, 2, args.join(" "));
    assertMatch(r.stderr, /^error: /);
  }
});

Deno.test("the README's quick start: the HTML report's presence is fresh, never 'unseen' beside messages", async () => {
  // Issue 11 item 1: load (which enriches, before any chat), run, report. The report said
  // "seen false ... never seen in chat" in chat_presence and listed 39 messages below it.
  await using dir = await tempDir();
  const d = ["--data-dir", dir.path, "--quiet"];
  assertEquals(
    (await runMain(["subjects", "load", "--path", join(REPO, "subjects.csv"), ...d])).code,
    0,
  );
  await replayShipped(d);
  const r = await runMain(["subjects", "report", "username_someuser", "--format", "html", ...d]);
  assertEquals(r.code, 0, r.stderr);
  const page = await Deno.readTextFile(r.stdout.trim());
  assertMatch(page, /Seen in chat: 39 message\(s\) in 2 channel\(s\)/);
  assert(!/never seen in chat/.test(page), "no stale 'never seen in chat'");
  assertMatch(page, /<th scope="row">seen<\/th>\s*<td>true<\/td>/);
  assertMatch(page, /<th scope="row">message_count<\/th>\s*<td>39<\/td>/);
});

Deno.test("not found is one class of error with one exit code (1) everywhere", async () => {
  await using dir = await tempDir();
  const d = await quickStart(dir.path);
  for (
    const args of [
      ["subjects", "report", "nobody"],
      ["subjects", "hits", "--subject", "nobody"],
      ["subjects", "remove", "nobody"],
      ["profiles", "show", "--user", "nobody"],
    ]
  ) {
    const r = await runMain([...args, ...d]);
    assertEquals(r.code, 1, args.join(" "));
    assertMatch(r.stderr, /^error: (--subject: )?no /);
  }
});
