/**
 * The embedded store's pass over the message log for the interaction graph, for the part of
 * the log the index does not cover (or all of it, without a usable index): every message in
 * scope reduced to who wrote it and whom it addressed. Most lines address no one (no mention,
 * no reply): their author is read with `indexOf`, without parsing the line.
 *
 * @module
 */
import { openLineBatches } from "../../line_reader.ts";
import { layout } from "../layout.ts";
import { parseLogRecord } from "../log/log_record.ts";
import type { InteractionInput, InteractionRecord, InteractionScope } from "../store.ts";
import { AuthorTally } from "../author_tally.ts";
import { readIndexed } from "./index_reader.ts";
import { indexedInteractions } from "./interaction_index.ts";

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

/**
 * Reads the log from byte `start` (a line boundary) to its last whole line: the messages in
 * scope that address someone go to `addressing`, and every message in scope is counted.
 */
export async function scanInteractions(
  dataDir: string,
  q: InteractionScope,
  start: number,
  addressing: InteractionRecord[],
  tally: AuthorTally,
): Promise<void> {
  const sinceIso = q.sinceMs === undefined ? null : new Date(q.sinceMs).toISOString();
  const untilIso = q.untilMs === undefined ? null : new Date(q.untilMs).toISOString();
  const channelNeedle = q.channel === undefined ? null : `"channel":"${q.channel}"`;
  const excluded = q.excludeChannels?.length ? new Set(q.excludeChannels) : null;
  let batches;
  try {
    batches = await openLineBatches(layout(dataDir).messages, { start });
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
      if (excluded !== null && excluded.has(r.channel)) continue;
      if (sinceIso !== null && r.ts < sinceIso) continue;
      if (untilIso !== null && r.ts >= untilIso) continue;
      tally.add(r.user_id !== null && r.user_id !== "" ? `#${r.user_id}` : r.user_name);
      if (r.mentions.length > 0 || (r.reply_to && r.reply_to.user_name !== "")) addressing.push(r);
    }
  }
}

/**
 * The embedded store's {@link Store.interactions}: the indexed part from the interactions
 * table and the person index, the unindexed tail of the log (or, without a usable index, all of
 * it) by a scan.
 */
export async function embeddedInteractions(
  dataDir: string,
  q: InteractionScope,
): Promise<InteractionInput> {
  const indexed = await readIndexed(dataDir, "messages", (ix) => indexedInteractions(ix.db, q));
  const addressing = indexed?.value.addressing ?? [];
  const tally = new AuthorTally();
  for (const a of indexed?.value.authors ?? []) tally.add(a.person, a.count);
  if (indexed === null || indexed.offset < indexed.size) {
    await scanInteractions(dataDir, q, indexed?.offset ?? 0, addressing, tally);
  }
  return { addressing, authors: tally.counts() };
}
