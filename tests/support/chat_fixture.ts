/**
 * Temporary fixture folders for chat tests: a `chat/<channel>.jsonl` per channel, written from
 * hand-made lines or from the seeded generator, and the shipped emotes list beside them.
 *
 * @module
 */
import { join } from "node:path";
import { generateChat, type GenLine, type GenOptions } from "../../scripts/chatgen.ts";
import { FIXTURES } from "./cli.ts";

/** A fixture line (the spec's four fields and optional ids): what the generator writes. */
export type FixtureRow = GenLine;

/** Writes `rows` as fixtures under `dir/chat/<channel>.jsonl` (plus emotes.json); returns dir. */
export async function writeFixtures(dir: string, rows: Iterable<FixtureRow>): Promise<string> {
  const byChannel = new Map<string, string[]>();
  for (const r of rows) {
    let list = byChannel.get(r.channel);
    if (!list) byChannel.set(r.channel, list = []);
    list.push(JSON.stringify(r));
  }
  await Deno.mkdir(join(dir, "chat"), { recursive: true });
  for (const [channel, lines] of byChannel) {
    await Deno.writeTextFile(join(dir, "chat", `${channel}.jsonl`), lines.join("\n") + "\n");
  }
  await Deno.copyFile(join(FIXTURES, "emotes.json"), join(dir, "emotes.json"));
  return dir;
}

/** Generated chat as fixture rows (with Twitch-like ids). */
export function generatedRows(o: GenOptions): FixtureRow[] {
  return [...generateChat({ ...o, ids: true })];
}
