/**
 * The embedded store's pass over the message log for the interaction graph: every message in
 * scope reduced to who wrote it and whom it addressed. Most lines address no one (no mention,
 * no reply): their author is read with `indexOf`, without parsing the line, which is what
 * makes a graph of a million messages take seconds.
 *
 * @module
 */
import { openLineBatches } from "../line_reader.ts";
import { layout } from "./layout.ts";
import { parseLogRecord } from "./log_record.ts";
import type { InteractionRecord, InteractionScope } from "./store.ts";

const NO_MENTIONS = '"mentions":[],';
const REPLY = '"reply_to":';

function field(line: string, key: string): string | null {
  const i = line.indexOf(key);
  if (i === -1) return null;
  const start = i + key.length;
  const end = line.indexOf('"', start);
  if (end === -1) return null;
  const v = line.slice(start, end);
  return v.includes("\\") ? null : v;
}

/**
 * Who wrote a line that addresses no one, read with `indexOf` (inside a JSON string every `"`
 * is escaped, so `"key":"` only matches a key); null when the line has another shape.
 */
function authorOf(line: string): InteractionRecord | null {
  const ts = field(line, '"ts":"');
  const channel = field(line, '"channel":"');
  const user_name = field(line, '"user_name":"');
  if (ts === null || channel === null || user_name === null) return null;
  const user_id = line.includes('"user_id":null') ? null : field(line, '"user_id":"');
  return { ts, channel, user_id, user_name, mentions: [] };
}

/** Every message of the log in scope, as interaction records, in log order. */
export async function* scanInteractions(
  dataDir: string,
  q: InteractionScope,
): AsyncGenerator<InteractionRecord> {
  const sinceIso = q.sinceMs === undefined ? null : new Date(q.sinceMs).toISOString();
  const untilIso = q.untilMs === undefined ? null : new Date(q.untilMs).toISOString();
  const channelNeedle = q.channel === undefined ? null : `"channel":"${q.channel}"`;
  let batches;
  try {
    batches = await openLineBatches(layout(dataDir).messages, { start: 0 });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial) return;
      if (!("text" in item)) continue;
      const line = item.text;
      if (channelNeedle !== null && !line.includes(channelNeedle)) continue;
      let r: InteractionRecord | null = null;
      if (line.includes(NO_MENTIONS) && !line.includes(REPLY)) r = authorOf(line);
      if (r === null) {
        const m = parseLogRecord(line);
        if (m === null) continue;
        r = {
          ts: m.ts,
          channel: m.channel,
          user_id: m.user_id,
          user_name: m.user_name,
          mentions: m.mentions,
          ...(m.reply_to ? { reply_to: m.reply_to } : {}),
        };
      }
      if (q.channel !== undefined && r.channel !== q.channel) continue;
      if (sinceIso !== null && r.ts < sinceIso) continue;
      if (untilIso !== null && r.ts >= untilIso) continue;
      yield r;
    }
  }
}
