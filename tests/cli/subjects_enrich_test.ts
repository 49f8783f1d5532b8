import { assert, assertEquals } from "../support/assert.ts";
import { main } from "../../main.ts";
import { enrichAfterLoad } from "../../src/cli/subjects_enrich.ts";
import { loadSubjectsFile } from "../../src/subjects/loading.ts";
import { Enrichment } from "../../src/schemas.ts";
import { FIXTURES, tempDir } from "../subjects/providers/_helpers.ts";
import { fakeIO } from "./_fake_io.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SPEC_CSV = `${ROOT}subjects.csv`;
const KEYS = [
  "email_alice@example.com",
  "phone_+12025550123",
  "username_mod123",
  "username_someuser",
];

async function files(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dataDir}/enrichment`)) out.push(e.name);
  return out.sort();
}

async function read(dataDir: string, key: string): Promise<Enrichment> {
  return Enrichment.parse(JSON.parse(await Deno.readTextFile(`${dataDir}/enrichment/${key}.json`)));
}

type Platforms = Record<string, { status: string }>;
const statuses = (e: Enrichment) =>
  Object.fromEntries(
    Object.entries(e.providers.handle_presence?.data?.platforms as Platforms).map((
      [k, v],
    ) => [k, v.status]),
  );

Deno.test("offline quick start: subjects load enriches one file per subject in subjects.csv", async () => {
  await using dir = await tempDir();
  // A child process: `subjects load` drops the net permission, which must not leak into this one.
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "subjects",
      "load",
      "--path",
      "subjects.csv",
      "--data-dir",
      dir.path,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assert(
    stderr.includes("enrich: 4 subjects, 4 files written, 0 unchanged; ok 6, error 0, skipped 10"),
    stderr,
  );
  assertEquals(await files(dir.path), KEYS.map((k) => `${k}.json`));

  const alice = await read(dir.path, "email_alice@example.com");
  assertEquals(alice.subject, {
    key: "email_alice@example.com",
    type: "email",
    value: "alice@example.com",
  });
  assertEquals(alice.providers.gravatar_like?.status, "ok");
  assertEquals(alice.providers.gravatar_like?.data?.exists, true);
  assertEquals(
    alice.providers.gravatar_like?.data?.sha256,
    "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976",
  );
  assertEquals(alice.providers.handle_presence?.status, "skipped");

  const someuser = await read(dir.path, "username_someuser");
  assertEquals(statuses(someuser), { twitch: "present", github: "absent", twitter: "present" });
  assertEquals(someuser.providers.chat_presence?.data?.seen, false);
  const mod = await read(dir.path, "username_mod123");
  assertEquals(statuses(mod), { twitch: "present", github: "present", twitter: "absent" });

  const phone = await read(dir.path, "phone_+12025550123");
  const p = phone.providers.phone_info?.data ?? {};
  assertEquals([p.e164, p.valid, p.region, p.fictional], ["+12025550123", true, "US", true]);

  // Re-running leaves every file as it was.
  const before = await Promise.all(
    KEYS.map((k) => Deno.readTextFile(`${dir.path}/enrichment/${k}.json`)),
  );
  const io = fakeIO();
  assertEquals(
    await main(["subjects", "enrich", "--data-dir", dir.path, "--fixtures-dir", FIXTURES], io),
    0,
  );
  assertEquals(
    io.stdout,
    "enrich: 4 subjects, 0 files written, 4 unchanged; ok 6, error 0, skipped 10\n",
  );
  assertEquals(io.stderr, "");
  const after = await Promise.all(
    KEYS.map((k) => Deno.readTextFile(`${dir.path}/enrichment/${k}.json`)),
  );
  assertEquals(after, before);
});

Deno.test("subjects enrich --providers --type re-runs a subset", async () => {
  await using dir = await tempDir();
  await loadSubjectsFile(SPEC_CSV, dir.path);
  const io = fakeIO();
  const code = await main([
    "subjects",
    "enrich",
    "--providers",
    "handle_presence,phone_info",
    "--type",
    "username",
    "--data-dir",
    dir.path,
    "--fixtures-dir",
    FIXTURES,
  ], io);
  assertEquals(code, 0);
  assertEquals(
    io.stdout,
    "enrich: 2 subjects, 2 files written, 0 unchanged; ok 2, error 0, skipped 2\n",
  );
  assertEquals(await files(dir.path), ["username_mod123.json", "username_someuser.json"]);
  const e = await read(dir.path, "username_mod123");
  assertEquals(Object.keys(e.providers), ["handle_presence", "phone_info"]);
});

Deno.test("subjects enrich: a malformed handles.json is one error line per subject, the rest goes on", async () => {
  await using dir = await tempDir();
  await using fx = await tempDir();
  for (const f of ["sites.json", "gravatar.json"]) {
    await Deno.copyFile(`${FIXTURES}/${f}`, `${fx.path}/${f}`);
  }
  await Deno.writeTextFile(`${fx.path}/handles.json`, '{"someuser": ["twitch"]\n"mod123": []}');
  await loadSubjectsFile(SPEC_CSV, dir.path);
  const io = fakeIO();
  assertEquals(
    await main(["subjects", "enrich", "--data-dir", dir.path, "--fixtures-dir", fx.path], io),
    0,
  );
  const where =
    `${fx.path}/handles.json:2:1: invalid JSON: Expected ',' or '}' after property value`;
  assertEquals(io.stderr.split("\n").filter(Boolean), [
    `username_mod123: handle_presence: ${where}`,
    `username_someuser: handle_presence: ${where}`,
  ]);
  assertEquals(
    io.stdout,
    "enrich: 4 subjects, 4 files written, 0 unchanged; ok 4, error 2, skipped 10\n",
  );
  const e = await read(dir.path, "username_someuser");
  assertEquals(e.providers.handle_presence?.status, "error");
  assertEquals(e.providers.chat_presence?.status, "ok");
});

Deno.test("subjects enrich --network asks the configured endpoint, with a time limit", async () => {
  await using dir = await tempDir();
  const ALICE = "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976";
  let slow = false;
  // A slow answer waits until the test is done with it (never a race against the time limit).
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      if (slow) await released;
      return new Response(null, { status: new URL(req.url).pathname.endsWith(ALICE) ? 200 : 404 });
    },
  );
  await Deno.writeTextFile(
    `${dir.path}/providers.json`,
    JSON.stringify({
      options: {
        gravatar_like: { base_url: `http://127.0.0.1:${server.addr.port}`, min_interval_ms: 0 },
      },
    }),
  );
  await loadSubjectsFile(SPEC_CSV, dir.path);
  const args = [
    "subjects",
    "enrich",
    "--network",
    "--type",
    "email",
    "--data-dir",
    dir.path,
    "--fixtures-dir",
    FIXTURES,
  ];
  const io = fakeIO();
  assertEquals(await main(args, io), 0);
  const alice = await read(dir.path, "email_alice@example.com");
  assertEquals(alice.providers.gravatar_like?.data?.checked, "network");
  assertEquals(alice.providers.gravatar_like?.data?.exists, true);

  slow = true;
  const io2 = fakeIO();
  assertEquals(await main([...args, "--timeout-ms", "100"], io2), 0);
  assertEquals(io2.stderr, "email_alice@example.com: gravatar_like: timed out after 100 ms\n");
  release();
});

Deno.test("subjects enrich: usage errors exit 2, no subjects exits 1", async () => {
  await using dir = await tempDir();
  const run = async (...args: string[]) => {
    const io = fakeIO();
    return [
      await main(["subjects", "enrich", "--data-dir", dir.path, ...args], io),
      io.stderr,
    ] as const;
  };
  const [c1, e1] = await run();
  assertEquals(c1, 1);
  assert(e1.includes("no subjects in"), e1);
  await loadSubjectsFile(SPEC_CSV, dir.path);
  assertEquals((await run("--type", "fax"))[0], 2);
  assertEquals((await run("--timeout-ms", "0"))[0], 2);
  assertEquals((await run("--providers", "nope"))[0], 2);
  assertEquals((await run("--providers", ","))[0], 2);
  assertEquals((await run("extra"))[0], 2);
});

Deno.test("enrichAfterLoad() enriches the given subjects and reports on stderr", async () => {
  await using dir = await tempDir();
  const { added } = await loadSubjectsFile(SPEC_CSV, dir.path);
  const io = fakeIO();
  const s = await enrichAfterLoad(
    added.filter((x) => x.type === "phone"),
    { dataDir: dir.path, fixturesDir: FIXTURES, debug: false, quiet: false },
    io,
  );
  assertEquals(s.written, 1);
  assertEquals(io.stdout, "");
  assertEquals(
    io.stderr,
    "enrich: 1 subject, 1 file written, 0 unchanged; ok 1, error 0, skipped 3\n",
  );
  const quiet = fakeIO();
  await enrichAfterLoad(added, {
    dataDir: dir.path,
    fixturesDir: FIXTURES,
    debug: false,
    quiet: true,
  }, quiet);
  assertEquals(quiet.stderr, "");
  assertEquals(await files(dir.path), KEYS.map((k) => `${k}.json`));
});
