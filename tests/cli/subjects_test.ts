/** `subjects load` end to end through `main()`, and once as a real process. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SubjectsFile } from "../../src/schemas.ts";
import { FIXTURES, REPO, runCli, runMain, tempDir } from "../support/cli.ts";

const enc = new TextEncoder();

/** `subjects load` of `csv` into `data`, enrichment off unless asked. */
const load = (csv: string, data: string, ...more: string[]) =>
  runMain([
    "subjects",
    "load",
    "--path",
    csv,
    "--data-dir",
    data,
    "--fixtures-dir",
    FIXTURES,
    ...more,
  ]);

async function subjectKeys(data: string): Promise<string[]> {
  const file = SubjectsFile.parse(JSON.parse(await Deno.readTextFile(join(data, "subjects.json"))));
  return file.subjects.map((s) => s.key);
}

Deno.test("subjects load reports each bad row as file:LINE: reason, loads the rest, exits 0", async () => {
  await using dir = await tempDir();
  const csv = join(dir.path, "subjects.csv");
  const data = join(dir.path, "data");
  const rows = [
    "type,value,note", // 1: header with an extra column is fine
    "email,alice@example.com,boss", // 2
    "fax,12345,", // 3 unknown type
    "username,,", // 4 empty value
    "email,alice@,", // 5 invalid email
    "phone,555,", // 6 invalid phone
    'username,"some,user",x', // 7 quoted field with a comma: one value, not a login
    "username,carol,x,y", // 8 extra columns
    'phone,"(202) 555-0123",quoted', // 9
  ];
  const bytes = new Uint8Array([
    0xef,
    0xbb,
    0xbf, // BOM
    ...enc.encode(rows.join("\r\n") + "\r\n"),
    ...enc.encode("username,bad"),
    0xff, // 10 invalid UTF-8
    ...enc.encode("name\r\nUSERNAME,@SomeUser,\r\n"), // 11
  ]);
  await Deno.writeFile(csv, bytes);
  const r = await load(csv, data, "--no-enrich");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  const problems = r.stderr.split("\n").filter((l) => l.startsWith(`${csv}:`));
  assert.deepEqual(problems.map((l) => l.slice(csv.length + 1).split(":")[0]), [
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "10",
  ]);
  assert.match(problems[0]!, /unknown type "fax"/);
  assert.match(problems[1]!, /empty value for username/);
  assert.match(problems[2]!, /email "alice@"/);
  assert.match(problems[3]!, /phone "555"/);
  assert.match(problems[4]!, /login "some,user"/);
  assert.match(problems[5]!, /4 fields, expected 3/);
  assert.match(problems[6]!, /invalid UTF-8/);
  assert.match(r.stderr, /subjects: 3 read, 3 new or changed, 0 already loaded, 7 rejected; 3 in /);
  assert.deepEqual(await subjectKeys(data), [
    "email_alice@example.com",
    "phone_+12025550123",
    "username_someuser",
  ]);
});

Deno.test("subjects load without a header says so and still loads the rows", async () => {
  await using dir = await tempDir();
  const csv = join(dir.path, "nohead.csv");
  await Deno.writeTextFile(csv, "email,bob@example.com\nusername,bob\n");
  const r = await load(csv, join(dir.path, "data"), "--no-enrich");
  assert.equal(r.code, 0);
  assert.match(r.stderr, new RegExp(`^${csv}:1: missing header "type,value"`, "m"));
  assert.deepEqual(await subjectKeys(join(dir.path, "data")), [
    "email_bob@example.com",
    "username_bob",
  ]);
});

Deno.test("subjects load exits 1 when nothing could be loaded, and writes nothing", async () => {
  await using dir = await tempDir();
  const csv = join(dir.path, "bad.csv");
  const data = join(dir.path, "data");
  await Deno.writeTextFile(csv, "type,value\nfax,1\nemail,nope\n");
  const r = await load(csv, data, "--no-enrich");
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${csv}:2: unknown type`));
  assert.match(r.stderr, new RegExp(`${csv}:3: value: email`));
  assert.match(r.stderr, new RegExp(`error: no subject could be loaded from ${csv}\\n$`));
  await assert.rejects(Deno.stat(join(data, "subjects.json")), Deno.errors.NotFound);
  const empty = join(dir.path, "empty.csv");
  await Deno.writeTextFile(empty, "");
  assert.equal((await load(empty, data, "--no-enrich")).code, 1);
});

Deno.test("subjects load of the same file twice leaves subjects.json byte-identical", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const csv = join(REPO, "subjects.csv");
  const first = await load(csv, data, "--no-enrich");
  assert.equal(first.code, 0, first.stderr);
  const bytes = await Deno.readFile(join(data, "subjects.json"));
  const second = await load(csv, data, "--no-enrich");
  assert.equal(second.code, 0);
  assert.match(second.stderr, /4 read, 0 new or changed, 4 already loaded, 0 rejected; 4 in /);
  assert.deepEqual(await Deno.readFile(join(data, "subjects.json")), bytes);
  assert.deepEqual(await subjectKeys(data), [
    "email_alice@example.com",
    "phone_+12025550123",
    "username_mod123",
    "username_someuser",
  ]);
});

Deno.test("subjects load merges by default and --replace keeps only the new file", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const other = join(dir.path, "other.csv");
  await Deno.writeTextFile(other, "type,value\nusername,Zed\nemail,ALICE@example.com\n");
  await load(join(REPO, "subjects.csv"), data, "--no-enrich");
  const merged = await load(other, data, "--no-enrich");
  assert.equal(merged.code, 0);
  assert.match(merged.stderr, /2 read, 1 new or changed, 1 already loaded, 0 rejected; 5 in /);
  assert.equal((await subjectKeys(data)).length, 5);
  const replaced = await load(other, data, "--no-enrich", "--replace");
  assert.equal(replaced.code, 0);
  assert.deepEqual(await subjectKeys(data), ["email_alice@example.com", "username_zed"]);
});

Deno.test("subjects load --region reads national phone forms", async () => {
  await using dir = await tempDir();
  const csv = join(dir.path, "gb.csv");
  await Deno.writeTextFile(csv, "type,value\nphone,020 7946 0958\n");
  const r = await load(csv, join(dir.path, "data"), "--no-enrich", "--region", "GB");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await subjectKeys(join(dir.path, "data")), ["phone_+442079460958"]);
  const env = await runMain(
    ["subjects", "load", "--path", csv, "--data-dir", join(dir.path, "d2"), "--no-enrich"],
    { env: { OSINT_DEFAULT_REGION: "GB" } },
  );
  assert.equal(env.code, 0, env.stderr);
  assert.deepEqual(await subjectKeys(join(dir.path, "d2")), ["phone_+442079460958"]);
});

Deno.test("subjects load --quiet prints nothing on success, enrichment included", async () => {
  await using dir = await tempDir();
  const r = await load(join(REPO, "subjects.csv"), join(dir.path, "data"), "--quiet");
  assert.deepEqual(r, { code: 0, stdout: "", stderr: "" });
});

Deno.test("subjects usage errors exit 2 with one line and no stack", async (t) => {
  await using dir = await tempDir();
  const csv = join(REPO, "subjects.csv");
  const cases: Array<[string, string[], RegExp]> = [
    ["no --path", ["subjects", "load"], /--path is required/],
    [
      "bad region",
      ["subjects", "load", "--path", csv, "--region", "USA"],
      /--region must be a two-letter/,
    ],
    ["unknown flag", ["subjects", "load", "--path", csv, "--frobnicate"], /frobnicate/],
    ["unknown subcommand", ["subjects", "unload"], /unknown subjects subcommand "unload"/],
    [
      "empty data dir",
      ["subjects", "load", "--path", csv, "--data-dir", ""],
      /--data-dir must not be empty/,
    ],
  ];
  for (const [name, argv, want] of cases) {
    await t.step(name, async () => {
      const r = await runMain([
        ...argv,
        ...(argv.includes("--data-dir") ? [] : ["--data-dir", dir.path]),
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^error: [^\n]+\n$/);
      assert.match(r.stderr, want);
    });
  }
});

Deno.test("subjects load of a missing file is a one-line runtime error (exit 1), stack only with --debug", async () => {
  await using dir = await tempDir();
  const missing = join(dir.path, "missing.csv");
  const r = await runMain(["subjects", "load", "--path", missing, "--data-dir", dir.path]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^error: ${missing}: cannot read \\([^\\n]*\\)\\n$`));
  const debug = await runMain([
    "subjects",
    "load",
    "--path",
    missing,
    "--data-dir",
    dir.path,
    "--debug",
  ]);
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /^error: .*\n.*InputError[^\n]*\n\s+at /);
});

Deno.test("subjects --help and subjects load --help exit 0 with an example", async () => {
  for (const argv of [["subjects", "--help"], ["subjects", "load", "--help"], ["subjects", "-h"]]) {
    const r = await runMain(argv);
    assert.equal(r.code, 0, argv.join(" "));
    assert.match(r.stdout, /Usage: twitch-osint subjects/);
    assert.match(r.stdout, /Example:\n\s+twitch-osint subjects load --path subjects\.csv/);
  }
  const bare = await runMain(["subjects"]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /Usage: twitch-osint subjects/);
});

Deno.test("subjects load runs as a real process with --allow-read --allow-write --allow-env only", async () => {
  await using dir = await tempDir();
  await Deno.copyFile(join(REPO, "subjects.csv"), join(dir.path, "subjects.csv"));
  const r = await runCli(
    [
      "subjects",
      "load",
      "--path",
      "subjects.csv",
      "--data-dir",
      "data",
      "--fixtures-dir",
      FIXTURES,
    ],
    { cwd: dir.path },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^subjects: 4 read, 4 new or changed/m);
  assert.deepEqual((await subjectKeys(join(dir.path, "data"))).length, 4);
});

Deno.test("subjects list shows the loaded subjects as table, json and csv; empty says so", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const csv = join(dir.path, "s.csv");
  await Deno.writeTextFile(csv, "type,value\nusername,someuser\nemail,Alice@Example.com\n");
  const empty = await runMain(["subjects", "list", "--data-dir", data]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, "");
  assert.match(empty.stderr, /no subjects loaded/);
  assert.equal((await load(csv, data, "--no-enrich")).code, 0);
  const json = await runMain(["subjects", "list", "--format", "json", "--data-dir", data]);
  assert.deepEqual(JSON.parse(json.stdout), [
    { key: "email_alice@example.com", type: "email", value: "alice@example.com" },
    { key: "username_someuser", type: "username", value: "someuser" },
  ]);
  const asCsv = await runMain(["subjects", "list", "--format", "csv", "--data-dir", data]);
  assert.equal(
    asCsv.stdout,
    "key,type,value\r\nemail_alice@example.com,email,alice@example.com\r\n" +
      "username_someuser,username,someuser\r\n",
  );
  const table = await runMain(["subjects", "list", "--data-dir", data]);
  assert.match(table.stdout, /^key\s+type\s+value\n/);
  assert.match(table.stdout, /username_someuser\s+username\s+someuser/);
});

Deno.test("subjects remove takes a subject and its derived files off; an unknown one is not found (exit 1)", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const csv = join(dir.path, "s.csv");
  await Deno.writeTextFile(csv, "type,value\nusername,someuser\nusername,other\n");
  assert.equal((await load(csv, data)).code, 0);
  await Deno.stat(join(data, "enrichment", "username_someuser.json"));
  const r = await runMain(["subjects", "remove", "someuser", "--data-dir", data]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /removed username_someuser and 1 derived file\(s\); 1 subject\(s\) left/);
  assert.deepEqual(await subjectKeys(data), ["username_other"]);
  await assert.rejects(
    Deno.stat(join(data, "enrichment", "username_someuser.json")),
    Deno.errors.NotFound,
  );
  const again = await runMain(["subjects", "remove", "someuser", "--data-dir", data]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no loaded subject matches "someuser"/);
});

Deno.test("subjects load --help shows the help of load, not of every subjects command", async () => {
  const r = await runMain(["subjects", "load", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: twitch-osint subjects load --path FILE/);
  assert.doesNotMatch(r.stdout, /hits \[--subject/);
});
