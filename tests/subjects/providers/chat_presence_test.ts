import { assert, assertEquals, assertRejects } from "../../support/assert.ts";
import { createChatPresence } from "../../../src/subjects/providers/chat_presence.ts";
import { InputError } from "../../../src/errors.ts";
import { context, profile, subject, tempDir } from "./_helpers.ts";

Deno.test("chat_presence: a user with a profile is seen, with counts, channels and a pointer", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/profiles/users`, { recursive: true });
  await Deno.writeTextFile(
    `${dir.path}/profiles/users/someuser.json`,
    JSON.stringify(profile("someuser")),
  );
  const r = await createChatPresence().enrich(
    subject("username", "someuser"),
    context({ dataDir: dir.path }),
  );
  assertEquals(r, {
    seen: true,
    message_count: 5,
    channels: ["devchat", "example_channel"],
    per_channel: { devchat: 3, example_channel: 2 },
    first_seen: "2025-09-01T10:00:00.000Z",
    last_seen: "2025-09-02T12:34:56.000Z",
    profile: "profiles/users/someuser.json",
    display_name: "SomeUser",
    user_id: "1234",
  });
});

Deno.test("chat_presence: no profile means seen: false with empty values", async () => {
  await using dir = await tempDir();
  const r = await createChatPresence().enrich(
    subject("username", "mod123"),
    context({ dataDir: dir.path }),
  );
  assertEquals([r.seen, r.message_count, r.channels, r.first_seen, r.profile], [
    false,
    0,
    [],
    null,
    null,
  ]);
  // A value that is no Twitch login can never name a profile file (nor escape the folder).
  const odd = await createChatPresence().enrich(
    subject("username", "../../etc/passwd"),
    context({ dataDir: dir.path }),
  );
  assertEquals(odd.seen, false);
});

Deno.test("chat_presence: a damaged profile is an error naming the file and field", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/profiles/users`, { recursive: true });
  const path = `${dir.path}/profiles/users/someuser.json`;
  await Deno.writeTextFile(path, JSON.stringify({ ...profile("someuser"), message_count: -1 }));
  const e = await assertRejects(
    () =>
      createChatPresence().enrich(subject("username", "someuser"), context({ dataDir: dir.path })),
    InputError,
  );
  assert(e.message.startsWith(`${path}: message_count: `), e.message);
});
