/**
 * A generated message log for the read benchmarks: `n` realistic messages (300 channels,
 * 30,000 users, a message every 300 ms on average from 2025-09-01) written as `chat run` would
 * store them, with a rare phrase ("zeppelin route") a few dozen times in a million lines.
 *
 * @module
 */
import { join } from "node:path";
import { generateChat } from "../scripts/chatgen.ts";
import { extractEmoteNames, extractMentions, extractUrls } from "../src/analysis/extract.ts";
import type { Message } from "../src/schemas.ts";

/** The time of the first generated message. */
export const START: number = Date.parse("2025-09-01T00:00:00Z");
/** Mean gap between two generated messages. */
export const MEAN_GAP_MS = 300;

const EMOTES = new Set([
  "Kappa",
  "LUL",
  "PogChamp",
  "KEKW",
  "monkaS",
  "Sadge",
  "catJAM",
  "OMEGALUL",
]);

/** Writes `n` generated messages as a message log at `path`. */
export async function writeMessageLog(path: string, n: number): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const channels = Array.from({ length: 300 }, (_, i) => `channel_${i}`);
  let buf: string[] = [];
  let i = 0;
  for (
    const l of generateChat({
      seed: 7,
      channels,
      users: 30000,
      count: n,
      startMs: START,
      meanGapMs: MEAN_GAP_MS,
      ids: true,
    })
  ) {
    const text = i % 40000 === 7 ? `anyone seen the zeppelin route ${l.text}` : l.text;
    const m: Message = {
      ts: l.ts,
      channel: l.channel,
      message_id: l.message_id!,
      user_id: l.user_id ?? null,
      user_name: l.user_name,
      text,
      mentions: extractMentions(text),
      urls: extractUrls(text),
      emotes: extractEmoteNames(text, EMOTES),
      source: "fixture",
    };
    buf.push(JSON.stringify(m));
    if (buf.length >= 20000) {
      await f.write(enc.encode(buf.join("\n") + "\n"));
      buf = [];
    }
    i++;
  }
  if (buf.length) await f.write(enc.encode(buf.join("\n") + "\n"));
  f.close();
}
