/**
 * Messages around others in their channel (`timeline --context N`, as `grep -C`): the `n`
 * before and the `n` after each anchor in (ts, message_id) order. The embedded store reads
 * them from the channel index (`(cid, ts)`: two short index walks per anchor) and scans only the
 * unindexed tail of the log; `aroundBySearch` (`store/messages_around.ts`) answers with message
 * searches alone, for any store.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openStore } from "../store.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * deepStrictEqual(await store.around([{ channel: "c", ts: "2025-09-02T12:00:00.000Z", message_id: "m" }], 2), []);
 * await store.close();
 * ```
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { openLineBatches } from "../../line_reader.ts";
import { wrapError } from "../../errors.ts";
import { readIndexed } from "./index_reader.ts";
import { layout } from "../layout.ts";
import { parseLogRecord } from "../log/log_record.ts";
import { readRecords } from "./candidate_records.ts";
import type { Candidate } from "./index_query.ts";
import type { MessageIndex } from "./message_index.ts";
import { ascending } from "../messages_around.ts";
import type { Anchor } from "../store.ts";

/** The `n` nearest before and after `a` among `pool` (any order), by {@link ascending}. */
function nearest(pool: readonly Message[], a: Anchor, n: number): Message[] {
  const sorted = [...pool].sort(ascending);
  const before = sorted.filter((m) => ascending(m, a) < 0);
  const after = sorted.filter((m) => ascending(m, a) > 0);
  return [...before.slice(Math.max(0, before.length - n)), ...after.slice(0, n)];
}

type Row = { ts: number; mid: string; off: number; len: number };

/** The indexed neighbours of each anchor: `n` before, `n` after, as candidates. */
function indexedAround(ix: MessageIndex, anchors: readonly Anchor[], n: number): Candidate[][] {
  const before = ix.db.prepare(
    "SELECT ts, mid, off, len FROM messages INDEXED BY messages_channel " +
      "WHERE cid = ? AND ts <= ? AND NOT (ts = ? AND mid >= ?) ORDER BY ts DESC, mid DESC LIMIT ?",
  );
  const after = ix.db.prepare(
    "SELECT ts, mid, off, len FROM messages INDEXED BY messages_channel " +
      "WHERE cid = ? AND ts >= ? AND NOT (ts = ? AND mid <= ?) ORDER BY ts ASC, mid ASC LIMIT ?",
  );
  const out: Candidate[][] = [];
  for (const a of anchors) {
    const cid = ix.lookupName(a.channel);
    if (cid === null) {
      out.push([]);
      continue;
    }
    const ms = Date.parse(a.ts);
    const rows = [
      ...before.all(cid, ms, ms, a.message_id, n) as Row[],
      ...after.all(cid, ms, ms, a.message_id, n) as Row[],
    ];
    out.push(rows.map((r) => ({
      ts: Number(r.ts),
      mid: r.mid,
      offset: Number(r.off),
      length: Number(r.len),
    })));
  }
  return out;
}

/** The messages of the log from byte `start` on in one of `channels`. */
async function tailOf(
  logPath: string,
  start: number,
  channels: ReadonlySet<string>,
): Promise<Map<string, Message[]>> {
  const out = new Map<string, Message[]>();
  let batches;
  try {
    batches = await openLineBatches(logPath, { start });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return out;
    throw wrapError(e, `read ${logPath}`);
  }
  read: for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial) break read;
      if (!("text" in item)) continue;
      const m = parseLogRecord(item.text);
      if (m === null || !channels.has(m.channel)) continue;
      const list = out.get(m.channel);
      if (list) list.push(m);
      else out.set(m.channel, [m]);
    }
  }
  return out;
}

/**
 * The embedded store's {@link Store.around}: by the channel index, plus the unindexed tail;
 * null when there is no usable index (the caller then answers by search).
 */
export async function indexedMessagesAround(
  dataDir: string,
  anchors: readonly Anchor[],
  n: number,
): Promise<Message[] | null> {
  if (anchors.length === 0 || n <= 0) return [];
  const logPath = layout(dataDir).messages;
  const indexed = await readIndexed(dataDir, "messages", (ix) => indexedAround(ix, anchors, n));
  if (indexed === null) return null;
  const tail = indexed.offset < indexed.size
    ? await tailOf(logPath, indexed.offset, new Set(anchors.map((a) => a.channel)))
    : new Map<string, Message[]>();
  // Every anchor's neighbours read from the log at once (in log order), each line once.
  const spots = new Map<number, Candidate>();
  for (const list of indexed.value) for (const c of list) spots.set(c.offset, c);
  const unique = [...spots.values()].sort((a, b) => a.offset - b.offset);
  const records = readRecords(logPath, unique);
  if (records === null) return null;
  const byOffset = new Map<number, Message>(unique.map((c, i) => [c.offset, records[i]!]));
  const out = new Map<string, Message>();
  for (const [i, a] of anchors.entries()) {
    const mine = indexed.value[i]!.map((c) => byOffset.get(c.offset)!);
    const extra = tail.get(a.channel);
    for (const m of extra ? nearest([...mine, ...extra], a, n) : mine) out.set(m.message_id, m);
  }
  return [...out.values()].sort(ascending);
}
