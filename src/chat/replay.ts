/**
 * The offline source: replays `<fixtures>/chat/<channel>.jsonl` files, the channels interleaved
 * by timestamp, at the pace of the fixtures' own gaps divided by `speed`.
 *
 * @module
 */
import { join } from "node:path";
import { FixtureLine } from "../schemas.ts";
import { isNormalLogin, normalizeLogin } from "../normalize.ts";
import { messageIdFor } from "../analysis/message_id.ts";
import { emoteNamesFromTag } from "../analysis/emote_ranges.ts";
import { type LineItem, openLineBatches } from "../line_reader.ts";
import type { ChatBatch, ChatItem, MessageDraft } from "./source.ts";
import { sleep as clockSleep, systemClock } from "./clock.ts";
import { parseChatTime } from "./chat_time.ts";
import { oversizedDraft } from "./draft_limits.ts";

/** Options of {@link replaySource}. */
export interface ReplayOptions {
  /** Normalized channel logins. */
  channels: string[];
  fixturesDir: string;
  /** Pace divisor: 2 plays twice as fast; 0 means no delay. @default 1 */
  speed?: number;
  /** Longest wait between two messages, so a demo keeps moving. @default 3000 */
  maxGapMs?: number;
  /** Injected for tests. @default a sleep on the system clock */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Injected clock (pacing, and the chat time rule's "a day ahead"). @default Date.now */
  now?: () => number;
}

/** The fixture file of a channel. */
export function fixturePath(fixturesDir: string, channel: string): string {
  return join(fixturesDir, "chat", `${channel}.jsonl`);
}

type Parsed = { draft: MessageDraft; ms: number } | { where: string; reason: string };

/**
 * A narrower, allocation-free test than the `FixtureLine` schema for the common shape (required
 * fields, optional ones of the right type): lines that pass need no zod parse. Anything else
 * goes through the schema, which stays the contract and names the bad field. A property test
 * checks that whatever passes here also passes the schema.
 */
export function isPlainFixtureLine(v: unknown): v is FixtureLine {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  // Numbers must be finite, as z.number() requires: JSON.parse reads 1e400 as Infinity.
  if (typeof o.ts !== "string" && !Number.isFinite(o.ts)) return false;
  if (typeof o.channel !== "string" || typeof o.user_name !== "string") return false;
  if (typeof o.text !== "string") return false;
  const id = o.message_id;
  if (id !== undefined && (typeof id !== "string" || id.length < 1 || id.length > 128)) {
    return false;
  }
  const uid = o.user_id;
  if (uid !== undefined && uid !== null && typeof uid !== "string" && !Number.isFinite(uid)) {
    return false;
  }
  if (o.display_name !== undefined && typeof o.display_name !== "string") return false;
  if (o.emotes !== undefined && typeof o.emotes !== "string") return false;
  return true;
}

/**
 * Turns one fixture line into a draft, or says why it cannot be used. Pure. `where` is the
 * `file:line` used in problem reports; `nowMs` the clock for the chat time rule
 * (`chat_time.ts`). Records over the length rule (`draft_limits.ts`) are refused.
 */
export function parseFixtureLine(
  text: string,
  channel: string,
  where: string,
  nowMs: number = Date.now(),
): Parsed {
  return parseLine(text, channel, where, 0, nowMs);
}

/**
 * {@link parseFixtureLine} with `where` as a file and a line number (`line` > 0) or as it is
 * (`line` 0): the `file:line` string is built only for a line with a problem, not for each of
 * the hundreds of thousands a second that have none.
 */
function parseLine(
  text: string,
  channel: string,
  file: string,
  line: number,
  nowMs: number,
): Parsed {
  const fl = readFixtureJson(text, file, line);
  if (fl instanceof LineProblem) return fl;
  // The file's channel is normalized already: a line that spells it so needs no work.
  if (fl.channel !== channel) {
    const ch = normalizeLogin(fl.channel);
    if (!ch.ok) return { where: whereOf(file, line, "channel"), reason: ch.reason };
    if (ch.value !== channel) {
      return {
        where: whereOf(file, line, "channel"),
        reason: `"${ch.value}" does not match file ${channel}`,
      };
    }
  }
  let userName = fl.user_name;
  if (!isNormalLogin(userName)) {
    const user = normalizeLogin(userName);
    if (!user.ok) return { where: whereOf(file, line, "user_name"), reason: user.reason };
    userName = user.value;
  }
  const ts = parseChatTime(fl.ts, nowMs);
  if (!ts.ok) return { where: whereOf(file, line, "ts"), reason: ts.reason };
  const draft: MessageDraft = {
    ts: ts.value,
    channel,
    message_id: fl.message_id ?? messageIdFor(channel, ts.value, userName, fl.text),
    user_id: fl.user_id === undefined || fl.user_id === null ? null : String(fl.user_id),
    user_name: userName,
    text: fl.text,
    source: "fixture",
  };
  if (fl.display_name !== undefined) draft.display_name = fl.display_name;
  if (fl.emotes !== undefined) draft.emotes = emoteNamesFromTag(fl.emotes, fl.text);
  const tooLong = oversizedDraft(draft);
  if (tooLong !== undefined) return { where: whereOf(file, line, "text"), reason: tooLong };
  return { draft, ms: ts.ms };
}

/** What is wrong with a line (a class: a line's own JSON can hold any keys, never this). */
class LineProblem {
  constructor(readonly where: string, readonly reason: string) {}
}

/** The line as a {@link FixtureLine}, or the problem with it (bad JSON, a field's type). */
function readFixtureJson(text: string, file: string, line: number): FixtureLine | LineProblem {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return new LineProblem(
      whereOf(file, line),
      `bad JSON (${(e as Error).message.split("\n")[0]})`,
    );
  }
  if (isPlainFixtureLine(json)) return json;
  const r = FixtureLine.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  return new LineProblem(
    whereOf(file, line, issue.path.length ? issue.path.join(".") : "line"),
    issue.message,
  );
}

/** `file:line` (or `file` alone for line 0), and `: field` when one is named. */
function whereOf(file: string, line: number, field?: string): string {
  const where = line > 0 ? `${file}:${line}` : file;
  return field === undefined ? where : `${where}: ${field}`;
}

/** The lines of one channel's fixture, a chunk at a time (a problem when it cannot be opened). */
async function openChannel(path: string): Promise<AsyncGenerator<LineItem[]> | ChatItem> {
  try {
    return await openLineBatches(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such fixture file"
      : `cannot read (${(e as Error).message})`;
    return { kind: "problem", where: path, reason: why };
  }
}

/** Most items handed over at once when they are due together (speed 0, or a burst). */
const HAND_OVER = 1024;

/**
 * A cursor over one channel: the chunk of lines read last, a position in it, and the next
 * message. Lines are parsed one at a time as the replay reaches them, so that only the head of
 * each channel is held as a draft, not a whole chunk of them.
 */
interface Cursor {
  channel: string;
  path: string;
  it: AsyncGenerator<LineItem[]> | null;
  buf: LineItem[];
  pos: number;
  /** The clock when the chunk was read (the chat time rule's "a day ahead"). */
  nowMs: number;
  head: { draft: MessageDraft; ms: number } | null;
}

/**
 * Moves `c` to its next message in the chunk at hand, pushing the problems met on the way.
 * False when the chunk is used up first (the caller reads the next one).
 */
function step(c: Cursor, problems: ChatItem[]): boolean {
  while (c.pos < c.buf.length) {
    const item = c.buf[c.pos++]!;
    if ("error" in item) {
      problems.push({ kind: "problem", where: `${c.path}:${item.line}`, reason: item.error });
      continue;
    }
    if (item.text.trim() === "") continue;
    const p = parseLine(item.text, c.channel, c.path, item.line, c.nowMs);
    if ("draft" in p) {
      c.head = p;
      return true;
    }
    problems.push({ kind: "problem", where: p.where, reason: p.reason });
  }
  return false;
}

/**
 * Moves `c` to its next usable message, collecting problems on the way; awaits only when its
 * chunk is used up (the common case takes no await, and no promise).
 */
async function advance(c: Cursor, problems: ChatItem[], now: () => number): Promise<void> {
  c.head = null;
  while (!step(c, problems)) {
    if (c.it === null) return;
    const r = await c.it.next();
    if (r.done) {
      c.it = null;
      return;
    }
    c.buf = r.value;
    c.pos = 0;
    c.nowMs = now();
  }
}

/** The cursor whose next message is the earliest (the first of equals), or null when all ended. */
function earliest(cursors: readonly Cursor[]): Cursor | null {
  let best: Cursor | null = null;
  for (const c of cursors) {
    if (c.head && (best === null || c.head.ms < best.head!.ms)) best = c;
  }
  return best;
}

/**
 * Items due now, gathered to go out together (one hand-over, not one await per message);
 * whatever is gathered goes out before any sleep, so pacing is unchanged.
 */
class Gathered {
  ready: ChatItem[] = [];

  /** Adds the problems met so far (and empties their list). */
  takeProblems(problems: ChatItem[]): void {
    for (let k = 0; k < problems.length; k++) this.ready.push(problems[k]!);
    problems.length = 0;
  }

  /** What is gathered, as one item or a batch; the list starts again. */
  handOver(): ChatItem | ChatBatch {
    const out = this.ready;
    this.ready = [];
    return out.length === 1 ? out[0]! : { kind: "batch", items: out };
  }
}

/** The replay's pace: the fixtures' gaps divided by `speed`, each at most `maxGap`. */
interface Pace {
  speed: number;
  maxGap: number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  now: () => number;
}

/**
 * A replay source over the fixture files of `channels`. Malformed lines come out as
 * `problem` items (`file:line: field: reason`) and the replay goes on. Items due at once are
 * handed over as a batch.
 */
export function replaySource(
  options: ReplayOptions,
): (signal: AbortSignal) => AsyncGenerator<ChatItem | ChatBatch> {
  const pace: Pace = {
    speed: options.speed ?? 1,
    maxGap: options.maxGapMs ?? 3000,
    sleep: options.sleep ??
      ((ms: number, signal: AbortSignal) => clockSleep(systemClock, ms, signal)),
    now: options.now ?? Date.now,
  };
  return (signal: AbortSignal) =>
    replayCursors(
      options.channels.map((channel) => ({
        channel,
        path: fixturePath(options.fixturesDir, channel),
        it: null,
        buf: [],
        pos: 0,
        nowMs: 0,
        head: null,
      })),
      pace,
      signal,
    );
}

/** The channels' messages merged by time, paced, until all end or `signal` aborts. */
async function* replayCursors(
  cursors: Cursor[],
  pace: Pace,
  signal: AbortSignal,
): AsyncGenerator<ChatItem | ChatBatch> {
  const { speed, maxGap, sleep, now } = pace;
  const problems: ChatItem[] = [];
  const out = new Gathered();
  const opened: Array<AsyncGenerator<LineItem[]>> = [];
  try {
    for (const c of cursors) {
      const it = await openChannel(c.path);
      if ("kind" in it) problems.push(it);
      else opened.push(c.it = it);
      await advance(c, problems, now);
    }
    let prevMs: number | null = null;
    let due = now();
    while (!signal.aborted) {
      out.takeProblems(problems);
      const best = earliest(cursors);
      if (best === null) break;
      const head = best.head!;
      if (speed > 0 && prevMs !== null) {
        // Schedule against an absolute deadline so that many short sleeps do not drift.
        due += Math.min(Math.max(0, head.ms - prevMs) / speed, maxGap);
        const wait = due - now();
        if (wait > 1) {
          if (out.ready.length) yield out.handOver();
          await sleep(wait, signal);
        }
        if (signal.aborted) break;
      }
      prevMs = head.ms;
      out.ready.push({ kind: "message", draft: head.draft });
      if (out.ready.length >= HAND_OVER) yield out.handOver();
      if (!step(best, problems)) await advance(best, problems, now);
    }
    out.takeProblems(problems);
    if (out.ready.length) yield out.handOver();
  } finally {
    await Promise.all(opened.map((it) => it.return(undefined)));
  }
}

/** Channels that have a fixture file, for help and error messages. */
export async function availableFixtureChannels(fixturesDir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(join(fixturesDir, "chat"))) {
      if (e.isFile && e.name.endsWith(".jsonl")) out.push(e.name.slice(0, -6));
    }
  } catch {
    // No fixtures folder: none available.
  }
  return out.sort();
}
