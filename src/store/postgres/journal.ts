/**
 * The journal: each monitor's own `data/logs/messages.jsonl` and `events.jsonl` (the spec's
 * file contract, written first, as the embedded store writes them) are pushed into PostgreSQL
 * from where the last push stopped. The position is kept in `postgres_journal.json` beside
 * the logs, as a log mark (offset and hashes of the prefix) with the id of the database it was
 * pushed to, and advanced only after the database committed:
 *
 * - the database went away: lines stay in the log, and the next push (with backoff, or at the
 *   next start) sends them; a crash between a commit and the mark's update sends a batch
 *   again, which the database ignores (unique ids), so nothing is lost or doubled;
 * - the log was rewritten (forget, retention) or the database is another one (new instance
 *   id): the whole log is pushed again, with the same idempotence.
 *
 * One pusher per data dir at a time (a lock file beside the journal); others skip.
 *
 * @module
 */
import { join } from "node:path";
import { ChatEvent, type Message } from "../../schemas.ts";
import { StoreError } from "../../errors.ts";
import { openLineBatches } from "../../line_reader.ts";
import { EMPTY_MARK, type LogMark, markHolds, markOf } from "../log/log_mark.ts";
import { parseLogRecord } from "../log/log_record.ts";
import { layout } from "../layout.ts";
import { jsonText, writeFileAtomic } from "../atomic.ts";
import type { PgDatabase } from "./database.ts";

/** The journal's position in each log, and the database it refers to. */
interface JournalState {
  version: 1;
  /** `osint_meta.instance` of the database pushed to. */
  instance: string;
  messages: LogMark;
  events: LogMark;
}

/** Where the journal position of a data dir is kept. */
export function journalPath(dataDir: string): string {
  return join(dataDir, "postgres_journal.json");
}

/** What one push did. */
export interface PushResult {
  /** Message lines read from the log. */
  lines: number;
  /** Messages new to the database (folded into rollups). */
  written: number;
  /** Lines that are not records (skipped, as search skips them). */
  skipped: number;
  /** Events new to the database. */
  events: number;
  /** Persons (rollup keys) and channels whose rollups changed. */
  users: Set<string>;
  channels: Set<string>;
  /** True when a log was pushed again from its start (rewritten, or another database). */
  rebuilt: boolean;
  /** Bytes of the message log now in the database. */
  offset: number;
}

/** Options of {@link pushJournal}. */
export interface PushOptions {
  /** Lines per database transaction. @default 5000 */
  batchLines?: number;
  /** Called after each committed batch with the bytes done and the log's size. */
  onProgress?: (done: number, total: number) => void;
  /** Messages only: fold rollups. @default true */
  rollups?: boolean;
  /** The caller holds the journal lock ({@link withJournalLock}). @default false */
  locked?: boolean;
}

/**
 * Messages queued for the rollups between two compactions inside one push (this process holds
 * their folds in memory until then: a few hundred MB at most for half a million messages).
 */
const COMPACT_EVERY = 500_000;

async function readState(dataDir: string): Promise<JournalState | null> {
  try {
    const v = JSON.parse(await Deno.readTextFile(journalPath(dataDir)));
    if (v?.version === 1 && typeof v.instance === "string") return v as JournalState;
  } catch {
    // Missing or unreadable: push from the start (idempotent).
  }
  return null;
}

async function saveState(dataDir: string, state: JournalState): Promise<void> {
  await writeFileAtomic(journalPath(dataDir), jsonText(state));
}

/** The bytes of each log not yet pushed (by the journal's position; 0 without a log). */
export async function journalBacklog(dataDir: string): Promise<number> {
  const state = await readState(dataDir);
  let total = 0;
  for (const which of ["messages", "events"] as const) {
    try {
      const size = (await Deno.stat(layout(dataDir)[which])).size;
      total += Math.max(0, size - (state?.[which].offset ?? 0));
    } catch {
      // No log.
    }
  }
  return total;
}

/**
 * Pushes what the logs hold beyond the journal's position into the database. Returns null when
 * another process is pushing this data dir (it will push these lines too).
 */
export async function pushJournal(
  dataDir: string,
  db: PgDatabase,
  options: PushOptions = {},
): Promise<PushResult | null> {
  const lock = options.locked ? null : await openJournalLock(dataDir);
  try {
    if (lock !== null && !(await lock.tryLock(true))) return null;
    const instance = await db.instance();
    const stored = await readState(dataDir);
    const state: JournalState = stored !== null && stored.instance === instance
      ? stored
      : { version: 1, instance, messages: EMPTY_MARK, events: EMPTY_MARK };
    const result: PushResult = {
      lines: 0,
      written: 0,
      skipped: 0,
      events: 0,
      users: new Set(),
      channels: new Set(),
      rebuilt: stored !== null && stored.instance !== instance,
      offset: state.messages.offset,
    };
    for (const which of ["messages", "events"] as const) {
      await pushLog(dataDir, which, db, state, result, options);
    }
    if (db.queuedSinceCompact > 0 && db.compactDue()) await db.compact();
    return result;
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(`cannot push ${dataDir} into the database: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    lock?.close();
  }
}

async function openJournalLock(dataDir: string): Promise<Deno.FsFile> {
  await Deno.mkdir(dataDir, { recursive: true });
  return await Deno.open(`${journalPath(dataDir)}.lock`, { read: true, write: true, create: true });
}

/**
 * Runs `fn` holding the journal lock of a data dir (waiting for a push in progress to end), so
 * that no push of this data dir reads the logs meanwhile: forget rewrites them, and a push
 * that had read a line before the rewrite must not store it after the database forgot it.
 * Inside, push with `locked: true`.
 */
export async function withJournalLock<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const lock = await openJournalLock(dataDir);
  try {
    await lock.lock(true);
    return await fn();
  } finally {
    lock.close();
  }
}

/**
 * Batches of one log stored at once: while the database works on one, the next is sent on
 * another connection of the pool (the server uses a second core), and this process parses the
 * one after. Positions are saved in log order, each once its batch and every earlier one
 * committed.
 */
const IN_FLIGHT = 2;

async function pushLog(
  dataDir: string,
  which: "messages" | "events",
  db: PgDatabase,
  state: JournalState,
  result: PushResult,
  options: PushOptions,
): Promise<void> {
  const path = layout(dataDir)[which];
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  try {
    const size = (await file.stat()).size;
    let mark = state[which];
    if (!markHolds(file, size, mark)) {
      mark = EMPTY_MARK;
      result.rebuilt = true;
    }
    if (mark.offset >= size) {
      if (which === "messages") result.offset = mark.offset;
      return;
    }
    const save = async (upTo: number) => {
      state[which] = markOf(file, upTo);
      await saveState(dataDir, state);
      if (which === "messages") result.offset = upTo;
      options.onProgress?.(upTo, size);
    };
    const inflight: Array<{ stored: Promise<void>; done: Promise<void> }> = [];
    // The chain of saved positions: each waits for its batch and for the one before.
    let saved: Promise<void> = Promise.resolve();
    const records = logBatches(path, which, mark.offset, size, result, options.batchLines ?? 5000);
    try {
      for await (const { batch, end } of records) {
        if (inflight.length >= IN_FLIGHT) await inflight.shift()!.done;
        const stored = storeBatch(db, which, batch, result, options);
        const done = saved.then(() => stored).then(() => save(end));
        // Awaited in turn or at the end; a failure meanwhile is not unhandled.
        stored.catch(() => {});
        done.catch(() => {});
        saved = done;
        inflight.push({ stored, done });
      }
      await saved;
    } catch (e) {
      // No batch is left running once the push returns (a later one may have committed: its
      // position was not saved, so the next push sends it again, which stores nothing twice).
      await Promise.allSettled(inflight.map((f) => f.stored));
      throw e;
    }
  } finally {
    file.close();
  }
}

/**
 * Stores one batch of records of a log; messages fold the new ones into the rollups, and a
 * long push compacts as it goes (reads then fold fewer queued messages).
 */
async function storeBatch(
  db: PgDatabase,
  which: "messages" | "events",
  batch: Array<Message | ChatEvent>,
  result: PushResult,
  options: PushOptions,
): Promise<void> {
  if (batch.length === 0) return;
  if (which === "events") {
    result.events += (await db.appendEvents(batch as ChatEvent[])).length;
    return;
  }
  const r = await db.appendMessages(batch as Message[], {
    ...(options.rollups === false ? { rollups: false } : {}),
  });
  result.written += r.written.length;
  for (const u of r.touched.users) result.users.add(u);
  for (const c of r.touched.channels) result.channels.add(c);
  if (db.queuedSinceCompact >= COMPACT_EVERY) await db.compact();
}

/**
 * The records of a log from `start` up to `size`, in batches of `batchLines`, each with the
 * offset where it ends (a last batch may be empty: lines that are not records still move the
 * position). A torn last line (a writer mid-append, or a crash) ends the read: not a record yet.
 */
async function* logBatches(
  path: string,
  which: "messages" | "events",
  start: number,
  size: number,
  result: PushResult,
  batchLines: number,
): AsyncGenerator<{ batch: Array<Message | ChatEvent>; end: number }> {
  let records: Array<Message | ChatEvent> = [];
  let end = start;
  let yielded = start;
  const batches = await openLineBatches(path, { start });
  scan: for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial || item.offset + item.bytes > size) break scan;
      end = item.offset + item.bytes;
      if (!("text" in item)) {
        result.skipped++;
        continue;
      }
      const r = which === "messages" ? messageOf(item.text, result) : eventOf(item.text);
      if (r !== null) records.push(r);
      if (records.length >= batchLines) {
        yield { batch: records, end };
        yielded = end;
        records = [];
      }
    }
  }
  if (end > yielded) yield { batch: records, end };
}

/** A message line as a message (counted), or null when it is not one (counted as skipped). */
function messageOf(text: string, result: PushResult): Message | null {
  result.lines++;
  const m = parseLogRecord(text);
  if (m === null) result.skipped++;
  return m;
}

/** An event line as an event, or null when it is not one. */
function eventOf(text: string): ChatEvent | null {
  let v: unknown = null;
  try {
    v = JSON.parse(text);
  } catch {
    // Not JSON.
  }
  const r = ChatEvent.safeParse(v);
  return r.success ? r.data : null;
}
