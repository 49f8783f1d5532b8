/**
 * The README's samples are what the program writes: each ```json block that follows a line
 * naming its source (`<!-- sample: message "TEXT" -->`) must equal that record from a real
 * offline run of the shipped fixtures.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readMessages, replayShipped, REPO, tempDir } from "./support/cli.ts";

const readme = await Deno.readTextFile(join(REPO, "README.md"));

/** `{ text, json }` for every `<!-- sample: message "TEXT" -->` followed by a ```json block. */
function messageSamples(): Array<{ text: string; json: unknown }> {
  const out: Array<{ text: string; json: unknown }> = [];
  const re = /<!-- sample: message "(.*?)" -->\s*```json\n([\s\S]*?)\n```/g;
  for (const m of readme.matchAll(re)) out.push({ text: m[1]!, json: JSON.parse(m[2]!) });
  return out;
}

Deno.test("README: every sample message record is what an offline run of the fixtures stores", async () => {
  const samples = messageSamples();
  assert.ok(samples.length >= 1, "the README has at least one marked sample record");
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const r = await replayShipped(["--quiet", "--data-dir", data]);
  assert.equal(r.code, 0, r.stderr);
  const records = await readMessages(data);
  for (const s of samples) {
    const found = records.find((m) => m.text === s.text);
    assert.ok(found, `no stored message with text ${JSON.stringify(s.text)}`);
    assert.deepEqual(found, s.json, `README sample for ${JSON.stringify(s.text)}`);
  }
});
