import { deepStrictEqual as assertEquals, match as assertMatch } from "node:assert/strict";
import { join } from "node:path";
import { runMain, tempDir } from "../support/cli.ts";

const msg = (id: string, user: string, ts: string, text: string) =>
  JSON.stringify({
    ts,
    channel: "chan",
    message_id: id,
    user_id: null,
    user_name: user,
    text,
    mentions: [],
    urls: [],
    emotes: [],
    source: "twitch-irc",
  });

async function dataDir(path: string) {
  await Deno.mkdir(join(path, "logs"), { recursive: true });
  await Deno.writeTextFile(
    join(path, "logs", "messages.jsonl"),
    [
      msg("m1", "ann", "2025-09-02T12:00:00.000Z", "hello there"),
      msg("m2", "bob", "2025-09-02T12:00:01.000Z", "something rude"),
    ].join("\n") + "\n",
  );
  const events = [
    {
      kind: "clearmsg",
      ts: "2025-09-02T12:00:05.000Z",
      channel: "chan",
      event_id: "e1",
      target_message_id: "m2",
      user_name: "bob",
      text: "something rude",
      source: "twitch-irc",
    },
    {
      kind: "clearchat",
      ts: "2025-09-02T12:00:06.000Z",
      channel: "chan",
      event_id: "e2",
      user_name: "bob",
      user_id: "7",
      duration_seconds: 600,
      source: "twitch-irc",
    },
    {
      kind: "usernotice",
      ts: "2025-09-02T11:59:00.000Z",
      channel: "chan",
      event_id: "e3",
      notice: "raid",
      user_name: "cara",
      user_id: "9",
      text: "",
      system_text: "12 raiders from cara have joined!",
      params: { viewerCount: "12" },
      source: "twitch-irc",
    },
  ];
  await Deno.writeTextFile(
    join(path, "logs", "events.jsonl"),
    events.map((e) => JSON.stringify(e)).join("\n") + "\n",
  );
}

Deno.test("search messages marks messages deleted in chat; search events finds moderation", async () => {
  await using dir = await tempDir();
  await dataDir(dir.path);
  const d = ["--data-dir", dir.path];
  const all = await runMain(["search", "messages", "--format", "jsonl", ...d]);
  assertEquals(all.code, 0, all.stderr);
  const rows = all.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(rows.map((m) => [m.message_id, m.deleted_at ?? null]), [
    ["m2", "2025-09-02T12:00:05.000Z"],
    ["m1", null],
  ]);
  const table = await runMain(["search", "messages", "--format", "table", ...d]);
  assertMatch(table.stdout, /\[deleted\] something rude/);

  const ev = await runMain(["search", "events", "--format", "jsonl", ...d]);
  assertEquals(ev.stdout.trim().split("\n").map((l) => JSON.parse(l).event_id), ["e2", "e1", "e3"]);
  const bans = await runMain(
    ["search", "events", "--kind", "clearchat", "--by", "user", "--value", "bob", ...d],
  );
  assertEquals(JSON.parse(bans.stdout).map((e: { event_id: string }) => e.event_id), ["e2"]);
  const raids = await runMain([
    "search",
    "events",
    "--contains",
    "raiders",
    "--format",
    "table",
    ...d,
  ]);
  assertMatch(raids.stdout, /raid\s+cara\s+12 raiders from cara have joined!/);

  const bad = await runMain(["search", "events", "--kind", "nope", ...d]);
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /--kind must be usernotice, clearmsg or clearchat/);
  const misplaced = await runMain(["search", "messages", "--kind", "clearmsg", ...d]);
  assertEquals(misplaced.code, 2);
});
