import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CONTRACT,
  contractJsonSchemas,
  FixtureLine,
  Message,
  SubjectsFile,
} from "../src/schemas.ts";
import { REPO } from "./support/cli.ts";

const DIR = join(REPO, "docs", "schemas");

Deno.test("contractJsonSchemas() matches docs/schemas/ file for file (run `deno task schemas`)", async () => {
  const want = contractJsonSchemas();
  const onDisk: Record<string, string> = {};
  for await (const e of Deno.readDir(DIR)) {
    if (e.isFile && e.name.endsWith(".json")) {
      onDisk[e.name] = await Deno.readTextFile(join(DIR, e.name));
    }
  }
  assert.deepEqual(
    Object.keys(onDisk).sort(),
    Object.keys(want).sort(),
    "schema files added or missing",
  );
  for (const [file, text] of Object.entries(want)) {
    assert.equal(onDisk[file], text, `docs/schemas/${file} drifted from src/schemas.ts`);
  }
});

Deno.test("contractJsonSchemas() gives valid JSON Schema text for every contract entry", () => {
  const texts = contractJsonSchemas();
  assert.deepEqual(Object.keys(texts), Object.keys(CONTRACT));
  for (const [file, text] of Object.entries(texts)) {
    assert.ok(text.endsWith("}\n"), file);
    const schema = JSON.parse(text) as Record<string, unknown>;
    assert.match(String(schema.$schema), /json-schema\.org/, file);
  }
  const message = JSON.parse(texts["message.schema.json"]!) as { required: string[] };
  for (
    const field of [
      "ts",
      "channel",
      "message_id",
      "user_id",
      "user_name",
      "text",
      "mentions",
      "urls",
      "emotes",
      "source",
    ]
  ) {
    assert.ok(message.required.includes(field), `message.schema.json must require ${field}`);
  }
});

Deno.test("Message accepts the stored form and rejects other timestamp forms", () => {
  const m = {
    ts: "2025-09-02T12:00:00.000Z",
    channel: "example_channel",
    message_id: "h_0123",
    user_id: null,
    user_name: "someuser",
    text: "hey @mod",
    mentions: ["mod"],
    urls: [],
    emotes: [],
    source: "fixture",
  };
  assert.ok(Message.safeParse(m).success);
  assert.equal(Message.safeParse({ ...m, ts: "2025-09-02T12:00:00Z" }).success, false);
  assert.equal(Message.safeParse({ ...m, channel: "#Example" }).success, false);
  assert.equal(Message.safeParse({ ...m, source: "carrier-pigeon" }).success, false);
});

Deno.test("FixtureLine needs only the spec's four fields", () => {
  assert.ok(
    FixtureLine.safeParse({ ts: "2025-09-02T12:00:00Z", channel: "c", user_name: "u", text: "" })
      .success,
  );
  assert.equal(
    FixtureLine.safeParse({ ts: "2025-09-02T12:00:00Z", channel: "c", user_name: "u" }).success,
    false,
  );
  assert.ok(SubjectsFile.safeParse({ version: 1, subjects: [] }).success);
});
