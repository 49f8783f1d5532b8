import { assert, assertEquals, assertRejects } from "../../support/assert.ts";
import fc from "fast-check";
import {
  createHandlePresence,
  HandlesFixture,
  indexHandles,
  presenceOf,
  SitesFile,
} from "../../../src/subjects/providers/handle_presence.ts";
import { InputError } from "../../../src/errors.ts";
import { context, FIXTURES, subject, tempDir } from "./_helpers.ts";

async function shipped(name: string): Promise<unknown> {
  return JSON.parse(await Deno.readTextFile(`${FIXTURES}/${name}`));
}

Deno.test("fixtures/handles.json holds the spec's entries exactly", async () => {
  const handles = HandlesFixture.parse(await shipped("handles.json"));
  assertEquals(handles.someuser, ["twitch", "twitter"]);
  assertEquals(handles.mod123, ["twitch", "github"]);
  assertEquals(handles.ghost, []);
  SitesFile.parse(await shipped("sites.json"));
});

Deno.test("handle_presence: the spec's handles on the default platforms", async () => {
  const p = createHandlePresence();
  const ctx = context();
  const someuser = await p.enrich(subject("username", "someuser"), ctx);
  assertEquals(someuser, {
    handle: "someuser",
    known: true,
    present: ["twitch", "twitter"],
    platforms: {
      twitch: { status: "present", url: "https://www.twitch.tv/someuser" },
      github: { status: "absent", url: "https://github.com/someuser" },
      twitter: { status: "present", url: "https://x.com/someuser" },
    },
  });
  const mod = await p.enrich(subject("username", "mod123"), ctx);
  assertEquals(mod.present, ["twitch", "github"]);
  assertEquals(
    (mod.platforms as Record<string, { status: string }>).twitter?.status,
    "absent",
  );
  const ghost = await p.enrich(subject("username", "ghost"), ctx);
  assertEquals(ghost.known, true);
  assertEquals(
    Object.values(ghost.platforms as Record<string, { status: string }>).map((v) => v.status),
    ["absent", "absent", "absent"],
  );
});

Deno.test("handle_presence: an unlisted handle is unknown everywhere, never absent", async () => {
  const r = await createHandlePresence().enrich(subject("username", "nobody_here"), context());
  assertEquals(r.known, false);
  assertEquals(r.present, []);
  const platforms = r.platforms as Record<string, { status: string; reason?: string }>;
  assertEquals(platforms.twitch, {
    status: "unknown",
    url: "https://www.twitch.tv/nobody_here",
    reason: "handle not in handles.json",
  });
  // GitHub forbids "_": the rule decides before the data.
  assertEquals(platforms.github?.status, "invalid");
});

Deno.test("handle_presence: a handle impossible on a platform is invalid, even if listed", async () => {
  const r = await createHandlePresence().enrich(subject("username", "some_user"), context());
  const platforms = r.platforms as Record<string, { status: string; reason?: string }>;
  assertEquals(platforms.github?.status, "invalid");
  assert(platforms.github?.reason?.includes("no _"), platforms.github?.reason);
  assertEquals(platforms.twitch?.status, "present");
  const long = await createHandlePresence().enrich(
    subject("username", "a_rather_long_handle_x"),
    context(),
  );
  assertEquals((long.platforms as Record<string, { status: string }>).twitter?.status, "invalid");
});

Deno.test("handle_presence: platforms are configurable; sites without data stay unknown", async () => {
  const p = createHandlePresence();
  const ctx = context({ options: { platforms: ["reddit", "youtube", "mastodon", "twitch"] } });
  const devchat = await p.enrich(subject("username", "devchat"), ctx);
  const d = devchat.platforms as Record<string, { status: string; reason?: string }>;
  assertEquals(Object.keys(d), ["reddit", "youtube", "mastodon", "twitch"]);
  assertEquals(d.reddit?.status, "present");
  // youtube is in sites.json but the fixture was never checked against it.
  assertEquals(d.youtube?.status, "unknown");
  assertEquals(d.youtube?.reason, "handles.json was not checked against this site");
  assertEquals(d.mastodon, { status: "unknown", url: null, reason: "no entry in sites.json" });
  assertEquals(devchat.present, ["reddit", "twitch"]);
});

Deno.test("handle_presence: a malformed handles.json is an error naming file, line and column", async () => {
  await using dir = await tempDir();
  await Deno.copyFile(`${FIXTURES}/sites.json`, `${dir.path}/sites.json`);
  const path = `${dir.path}/handles.json`;
  await Deno.writeTextFile(path, '{"someuser": ["twitch",\n "twitter"], "mod123" ["github"]}');
  const ctx = context({ fixturesDir: dir.path });
  const e = await assertRejects(
    () => createHandlePresence().enrich(subject("username", "someuser"), ctx),
    InputError,
  );
  assert(e.message.startsWith(`${path}:2:23: invalid JSON`), e.message);
  await Deno.writeTextFile(path, '{"someuser": ["twitch", 3]}');
  const e2 = await assertRejects(
    () => createHandlePresence().enrich(subject("username", "someuser"), ctx),
    InputError,
  );
  assert(e2.message.startsWith(`${path}: someuser[1]: `), e2.message);
});

Deno.test("handle_presence: a malformed sites.json names the field (bad regex, bad template)", async () => {
  await using dir = await tempDir();
  await Deno.copyFile(`${FIXTURES}/handles.json`, `${dir.path}/handles.json`);
  const path = `${dir.path}/sites.json`;
  const site = (over: Record<string, unknown>) =>
    JSON.stringify({
      twitch: {
        name: "Twitch",
        profile_url: "https://www.twitch.tv/{username}",
        username: { pattern: "^[a-z]+$", rule: "letters" },
        ...over,
      },
    });
  const ctx = context({ fixturesDir: dir.path });
  await Deno.writeTextFile(path, site({ username: { pattern: "([a-z", rule: "x" } }));
  const e = await assertRejects(
    () => createHandlePresence().enrich(subject("username", "someuser"), ctx),
    InputError,
  );
  assert(
    e.message.startsWith(`${path}: twitch.username.pattern: not a valid regular expression`),
    e.message,
  );
  await Deno.writeTextFile(path, site({ profile_url: "https://www.twitch.tv/" }));
  const e2 = await assertRejects(
    () => createHandlePresence().enrich(subject("username", "someuser"), ctx),
    InputError,
  );
  assert(e2.message.startsWith(`${path}: twitch.profile_url: `), e2.message);
  await Deno.writeTextFile(path, site({}));
  const ok = await createHandlePresence().enrich(subject("username", "someuser"), ctx);
  assertEquals(ok.present, ["twitch"]);
});

Deno.test("presenceOf() never says present or absent for a handle it has no data for", () => {
  const sites = SitesFile.parse({
    a: {
      name: "A",
      profile_url: "https://a.example/{username}",
      username: { pattern: "^[a-z0-9_]{1,10}$", rule: "r" },
      fixture_complete: true,
    },
  });
  fc.assert(
    fc.property(
      fc.string({ maxLength: 12 }),
      fc.dictionary(fc.string(), fc.constant<string[]>(["a"])),
      (h, file) => {
        const handles = indexHandles(file);
        const r = presenceOf(h, ["a", "b"], handles, sites);
        const known = handles.has(h.trim().replace(/^@/, "").toLowerCase());
        if (!known) assert(r.a?.status === "unknown" || r.a?.status === "invalid");
        assertEquals(r.b?.status, "unknown");
        if (r.a?.status === "present") assert(known);
      },
    ),
  );
});
