import assert from "node:assert/strict";
import { join } from "node:path";
import { readPrivacy } from "../../src/privacy/optout.ts";
import { readSubjects } from "../../src/subjects/loading.ts";
import { StoreError } from "../../src/errors.ts";
import { tempDir } from "../support/cli.ts";
import { storeAt } from "../support/store.ts";

Deno.test("readSubjects() / readPrivacy(): missing is empty; bad JSON and bad fields name the file", async () => {
  await using dir = await tempDir();
  assert.deepEqual(await readSubjects(dir.path), []);
  assert.deepEqual((await readPrivacy(storeAt(dir.path))).optout, { users: [], channels: [] });

  const subjects = join(dir.path, "subjects.json");
  await Deno.writeTextFile(subjects, "{ not json");
  await assert.rejects(
    () => readSubjects(dir.path),
    (e: unknown) => e instanceof StoreError && e.message.startsWith(`${subjects}: not valid JSON`),
  );
  await Deno.writeTextFile(subjects, JSON.stringify({ version: 1, subjects: [{ type: 5 }] }));
  await assert.rejects(
    () => readSubjects(dir.path),
    (e: unknown) => e instanceof StoreError && e.message.startsWith(`${subjects}: subjects.0`),
  );

  const privacy = join(dir.path, "privacy.json");
  await Deno.writeTextFile(privacy, JSON.stringify({ version: 1, optout: { users: 3 } }));
  await assert.rejects(
    () => readPrivacy(storeAt(dir.path)),
    (e: unknown) => e instanceof StoreError && e.message.startsWith(`${privacy}: optout`),
  );
});
