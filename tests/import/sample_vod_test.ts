import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));

Deno.test("the sample VOD shares no Twitch id with the shipped live fixtures, so after the demo its import stores all 303", () => {
  const vod = JSON.parse(
    readFileSync(FIXTURES + "vod_2001234567.twitchdownloader.json", "utf8"),
  ) as {
    comments: { _id: string }[];
  };
  const vodIds = new Set(vod.comments.map((c) => c._id));
  assert.equal(vodIds.size, 303);
  const live = readdirSync(FIXTURES + "chat").filter((f) => f.endsWith(".jsonl"));
  assert.ok(live.length >= 2, live.join(","));
  let seen = 0;
  for (const f of live) {
    for (const line of readFileSync(FIXTURES + "chat/" + f, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const id = (JSON.parse(line) as { message_id?: string }).message_id;
      if (id === undefined) continue;
      seen++;
      assert.ok(!vodIds.has(id), `${f}: ${id} is also a comment of the sample VOD`);
    }
  }
  assert.ok(seen >= 300, String(seen)); // devchat carries Twitch ids; example_channel mostly not
});
