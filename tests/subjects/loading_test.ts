import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import {
  loadSubjectsFile,
  mergeSubjects,
  parseSubjectsCsv,
  readSubjects,
  sortSubjects,
  subjectKey,
  subjectsPath,
  unterminatedQuoteLine,
  writeSubjects,
} from "../../src/subjects/loading.ts";
import { StoreError } from "../../src/errors.ts";
import { type Subject, SubjectsFile } from "../../src/schemas.ts";
import { tempDir } from "../support/cli.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string | Uint8Array) =>
  parseSubjectsCsv(typeof s === "string" ? enc(s) : s, "s.csv");
const keys = (subjects: Subject[]) => subjects.map((s) => s.key);
const messages = (r: { problems: Error[] }) => r.problems.map((p) => p.message);

Deno.test("subjectKey() percent-encodes everything outside [a-z0-9._+@-]", () => {
  assert.equal(subjectKey("email", "alice@example.com"), "email_alice@example.com");
  assert.equal(subjectKey("phone", "+12025550123"), "phone_+12025550123");
  assert.equal(subjectKey("email", "a/b@example.com"), "email_a%2Fb@example.com");
  assert.equal(subjectKey("username", ".."), "username_..");
  assert.equal(subjectKey("email", "é"), "email_%C3%A9");
  assert.equal(subjectKey("email", "A%"), "email_%41%25");
});

Deno.test("subjectKey() is injective and file-name safe", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      const ka = subjectKey("email", a);
      assert.match(ka, /^email_[a-z0-9._+@%A-F-]*$/);
      assert.ok(!ka.includes("/"));
      if (a !== b) assert.notEqual(ka, subjectKey("email", b));
    }),
  );
});

Deno.test("parseSubjectsCsv() normalizes the spec's file", () => {
  const r = parse(
    "type,value\nemail,alice@example.com\nusername,someuser\nphone,+12025550123\nusername,mod123\n",
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.subjects, [
    { key: "email_alice@example.com", type: "email", value: "alice@example.com" },
    { key: "username_someuser", type: "username", value: "someuser" },
    { key: "phone_+12025550123", type: "phone", value: "+12025550123" },
    { key: "username_mod123", type: "username", value: "mod123" },
  ]);
});

Deno.test("parseSubjectsCsv() keeps the raw spelling when normalization changed it", () => {
  const r = parse(
    'type,value\nemail, Alice@Example.COM \nusername,@SomeUser\nphone,"(202) 555-0123"\n',
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.subjects, [
    {
      key: "email_alice@example.com",
      type: "email",
      value: "alice@example.com",
      raw: "Alice@Example.COM",
    },
    { key: "username_someuser", type: "username", value: "someuser", raw: "@SomeUser" },
    { key: "phone_+12025550123", type: "phone", value: "+12025550123", raw: "(202) 555-0123" },
  ]);
});

Deno.test("parseSubjectsCsv() reports each bad row at its line and keeps the good ones", () => {
  const r = parse(
    [
      "type,value", // 1
      "email,good@example.com", // 2
      "fax,123", // 3 unknown type
      "email,", // 4 empty value
      "email,not-an-email", // 5 invalid email
      "phone,12", // 6 invalid phone
      "username,extra,column", // 7 extra columns
      'email,"Alice, Smith <alice@example.com>"', // 8 quoted comma: one field, bad email
      "", // 9 blank: skipped silently
      ",someone", // 10 empty type
      "username,bad name", // 11 invalid login
      'phone,"+1 (202) 555-0199"', // 12 quoted, good
      "USERNAME,Carol", // 13 type is case-insensitive
    ].join("\n") + "\n",
  );
  assert.deepEqual(keys(r.subjects), [
    "email_good@example.com",
    "phone_+12025550199",
    "username_carol",
  ]);
  const where = r.problems.map((p) => p.where);
  assert.deepEqual(where, [
    "s.csv:3",
    "s.csv:4",
    "s.csv:5",
    "s.csv:6",
    "s.csv:7",
    "s.csv:8",
    "s.csv:10",
    "s.csv:11",
  ]);
  const msg = messages(r);
  assert.match(msg[0]!, /^s\.csv:3: unknown type "fax"/);
  assert.match(msg[1]!, /^s\.csv:4: empty value for email/);
  assert.match(msg[2]!, /^s\.csv:5: value: email "not-an-email"/);
  assert.match(msg[3]!, /^s\.csv:6: value: phone "12"/);
  assert.match(msg[4]!, /^s\.csv:7: 3 fields, expected 2/);
  assert.match(msg[5]!, /^s\.csv:8: value: email "alice, smith/);
  assert.match(msg[6]!, /^s\.csv:10: empty type/);
  assert.match(msg[7]!, /^s\.csv:11: value: login "bad name"/);
  for (const m of msg) assert.ok(!m.includes("\n"), `multi-line problem: ${m}`);
});

Deno.test("parseSubjectsCsv() strips a BOM and reads CRLF files", () => {
  const r = parse("\uFEFFtype,value\r\nemail,a@example.com\r\n\r\nusername,bob\r\n");
  assert.deepEqual(r.problems, []);
  assert.deepEqual(keys(r.subjects), ["email_a@example.com", "username_bob"]);
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc("type,value\nusername,bob\n")]);
  assert.deepEqual(keys(parse(bytes).subjects), ["username_bob"]);
});

Deno.test("parseSubjectsCsv() reads a file without header as type,value and says so", () => {
  const r = parse("email,a@example.com\nusername,bob\n");
  assert.deepEqual(keys(r.subjects), ["email_a@example.com", "username_bob"]);
  assert.deepEqual(messages(r), ['s.csv:1: missing header "type,value" (rows read as type,value)']);
});

Deno.test("parseSubjectsCsv() follows the header's column order and extra columns", () => {
  const r = parse("note,value,type\nboss,alice@example.com,email\n,bob,username\nx,y,z,w\n");
  assert.deepEqual(keys(r.subjects), ["email_alice@example.com", "username_bob"]);
  assert.deepEqual(r.problems.map((p) => p.where), ["s.csv:4"]);
});

Deno.test("parseSubjectsCsv() reports rows with invalid UTF-8 and keeps the others", () => {
  const bytes = new Uint8Array([
    ...enc("type,value\nusername,ok_one\nusername,b"),
    0xff,
    0xfe,
    ...enc("ad\nusername,ok_two\n"),
  ]);
  const r = parse(bytes);
  assert.deepEqual(keys(r.subjects), ["username_ok_one", "username_ok_two"]);
  assert.deepEqual(messages(r), ["s.csv:3: invalid UTF-8"]);
});

Deno.test("parseSubjectsCsv() names the line where an unterminated quote opened and reads the rows after it", () => {
  const plain = parse('type,value\nemail,alice@example.com\nusername,"bob\nusername,carol\n');
  assert.deepEqual(keys(plain.subjects), ["email_alice@example.com", "username_carol"]);
  assert.deepEqual(messages(plain), [
    "s.csv:3: unterminated quote: the quoted value does not close on this line (row skipped)",
  ]);
  const r = parse(
    'type,value\nemail,alice@example.com\nusername,"bob\nusername,carol\nusername,"dan"\n',
  );
  assert.deepEqual(keys(r.subjects), ["email_alice@example.com", "username_carol", "username_dan"]);
  assert.deepEqual(messages(r).filter((m) => /quote/.test(m)), [
    "s.csv:3: unterminated quote: the quoted value does not close on this line (row skipped)",
  ]);
});

Deno.test('unterminatedQuoteLine() finds a quote left open at the end of its line, following RFC 4180: quotes open fields, "" escapes, a quote inside a field is a character', () => {
  assert.equal(unterminatedQuoteLine('a,b\nc,"d\ne,f\n'), 2);
  assert.equal(unterminatedQuoteLine('a,"multi\nline",b\nc,d\n'), 1);
  assert.equal(unterminatedQuoteLine('a,"say ""hi"""\nb,x"y\n'), null);
  assert.equal(unterminatedQuoteLine('a,b\r\n"c\r\n'), 2);
});

Deno.test("parseSubjectsCsv() never throws on arbitrary bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const r = parseSubjectsCsv(bytes, "x.csv");
      for (const p of r.problems) assert.match(p.message, /^x\.csv:\d+: /);
    }),
  );
});

const subj = (type: Subject["type"], value: string, raw?: string): Subject => ({
  key: subjectKey(type, value),
  type,
  value,
  ...(raw ? { raw } : {}),
});

Deno.test("mergeSubjects() merges by key, keeps the first spelling and sorts", () => {
  const existing = [subj("username", "bob"), subj("email", "a@example.com", "A@example.com")];
  const r = mergeSubjects(existing, [
    subj("email", "a@example.com"),
    subj("phone", "+12025550123"),
    subj("phone", "+12025550123", "(202) 555-0123"),
  ]);
  assert.deepEqual(r.subjects, [
    subj("email", "a@example.com", "A@example.com"),
    subj("phone", "+12025550123"),
    subj("username", "bob"),
  ]);
  assert.deepEqual(r.added, [subj("phone", "+12025550123")]);
  assert.equal(r.unchanged, 1);
});

Deno.test("mergeSubjects() with replace keeps only the incoming set", () => {
  const r = mergeSubjects([subj("username", "bob"), subj("username", "carol")], [
    subj("username", "carol"),
    subj("email", "x@example.com"),
  ], true);
  assert.deepEqual(keys(r.subjects), ["email_x@example.com", "username_carol"]);
  assert.equal(r.unchanged, 1);
  assert.deepEqual(keys(r.added), ["email_x@example.com"]);
});

Deno.test("mergeSubjects() is idempotent: merging the same set twice changes nothing", () => {
  const arbSubject = fc.tuple(
    fc.constantFrom("email", "username", "phone") as fc.Arbitrary<Subject["type"]>,
    fc.stringMatching(/^[a-z0-9]{1,6}$/),
  ).map(([t, v]) => subj(t, v));
  fc.assert(
    fc.property(fc.array(arbSubject), fc.array(arbSubject), (a, b) => {
      const once = mergeSubjects(a, b);
      const twice = mergeSubjects(once.subjects, b);
      assert.deepEqual(twice.subjects, once.subjects);
      assert.deepEqual(twice.added, []);
      assert.deepEqual(sortSubjects(twice.subjects), twice.subjects);
    }),
  );
});

Deno.test("loadSubjectsFile() writes subjects.json once; a second load leaves it byte-identical", async () => {
  await using dir = await tempDir();
  const csv = join(dir.path, "subjects.csv");
  await Deno.writeTextFile(csv, "type,value\nusername,Bob\nemail,a@example.com\nfax,1\n");
  const data = join(dir.path, "data");
  const first = await loadSubjectsFile(csv, data, { displayName: "subjects.csv" });
  assert.equal(first.read, 2);
  assert.equal(first.added.length, 2);
  assert.deepEqual(first.problems.map((p) => p.message), [
    'subjects.csv:4: unknown type "fax" (expected email, username or phone)',
  ]);
  const bytes1 = await Deno.readFile(subjectsPath(data));
  const stat1 = await Deno.stat(subjectsPath(data));
  const parsed = SubjectsFile.parse(JSON.parse(new TextDecoder().decode(bytes1)));
  assert.deepEqual(keys(parsed.subjects), ["email_a@example.com", "username_bob"]);

  const second = await loadSubjectsFile(csv, data);
  assert.equal(second.added.length, 0);
  assert.equal(second.unchanged, 2);
  assert.deepEqual(await Deno.readFile(subjectsPath(data)), bytes1);
  assert.deepEqual((await Deno.stat(subjectsPath(data))).mtime, stat1.mtime, "file was rewritten");
  assert.deepEqual(await readSubjects(data), parsed.subjects);
});

Deno.test("loadSubjectsFile() merges a second file and --replace drops the rest", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const a = join(dir.path, "a.csv"), b = join(dir.path, "b.csv");
  await Deno.writeTextFile(a, "type,value\nusername,bob\n");
  await Deno.writeTextFile(b, "type,value\nusername,carol\n");
  await loadSubjectsFile(a, data);
  await loadSubjectsFile(b, data);
  assert.deepEqual(keys(await readSubjects(data)), ["username_bob", "username_carol"]);
  const r = await loadSubjectsFile(b, data, { replace: true });
  assert.deepEqual(keys(r.subjects), ["username_carol"]);
  assert.deepEqual(keys(await readSubjects(data)), ["username_carol"]);
});

Deno.test("loadSubjectsFile() writes nothing when no row loads", async () => {
  await using dir = await tempDir();
  const csv = join(dir.path, "bad.csv");
  await Deno.writeTextFile(csv, "type,value\nfax,1\n");
  const r = await loadSubjectsFile(csv, join(dir.path, "data"));
  assert.equal(r.read, 0);
  assert.equal(r.problems.length, 1);
  await assert.rejects(Deno.stat(join(dir.path, "data", "subjects.json")), Deno.errors.NotFound);
});

Deno.test("loadSubjectsFile() uses the region for national phone forms", async () => {
  await using dir = await tempDir();
  const csv = join(dir.path, "p.csv");
  await Deno.writeTextFile(csv, "type,value\nphone,020 7946 0958\n");
  const r = await loadSubjectsFile(csv, join(dir.path, "data"), { region: "GB" });
  assert.deepEqual(keys(r.subjects), ["phone_+442079460958"]);
});

Deno.test("readSubjects() names the file when subjects.json is corrupt", async () => {
  await using dir = await tempDir();
  assert.deepEqual(await readSubjects(dir.path), []);
  await Deno.writeTextFile(subjectsPath(dir.path), "{not json");
  await assert.rejects(readSubjects(dir.path), StoreError);
  await Deno.writeTextFile(subjectsPath(dir.path), '{"version":2,"subjects":[]}');
  await assert.rejects(readSubjects(dir.path), (err: Error) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.message, /subjects\.json/);
    return true;
  });
});

Deno.test("writeSubjects() reports whether it wrote, and sorts", async () => {
  await using dir = await tempDir();
  const list = [subj("username", "zed"), subj("email", "a@example.com")];
  assert.equal(await writeSubjects(dir.path, list), true);
  assert.equal(await writeSubjects(dir.path, [...list].reverse()), false);
  assert.deepEqual(keys(await readSubjects(dir.path)), ["email_a@example.com", "username_zed"]);
  const leftovers = [...Deno.readDirSync(dir.path)].map((e) => e.name);
  assert.deepEqual(leftovers, ["subjects.json"], "no temporary files left behind");
});
