/**
 * A person's timeline: everything about one person in time order across every channel: their
 * messages (under every login), moderation aimed at them (timeouts and bans from CLEARCHAT,
 * their deleted messages from CLEARMSG), their subs, raids and announcements (USERNOTICE), their
 * renames, and the watchlist hits and relationship signals their messages carry. With
 * `context: N`, the N messages before and after each of theirs in that channel (as `grep -C`).
 * Opted-out persons and channels are never served; forgotten ones are gone from the logs.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { timeline } from "./timeline.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const t = await timeline(store, { user: "nobody" });
 * deepStrictEqual(t.entries, []);
 * await store.close();
 * ```
 *
 * @module
 */
import { eventPersonKey, type IdentityDirectory } from "../analysis/identity.ts";
import type { ChatEvent, Message } from "../schemas.ts";
import type { ShownMessage } from "./events.ts";
import type { PersonMessages, Store } from "../store/store.ts";
import { type PrivacyFilter, privacyFilter } from "./privacy_filter.ts";
import {
  belongs,
  directoryAbout,
  type Person,
  personEventClause,
  personIn,
  personOptedOut,
} from "./person.ts";

/** What a timeline asks. */
export interface TimelineQuery {
  /** Any login the person used, or their user id (`123`, `#123`, `id:123`). */
  user: string;
  /** Inclusive, epoch ms. */
  sinceMs?: number;
  /** Exclusive, epoch ms. */
  untilMs?: number;
  /** Messages before and after each of theirs, per channel. @default 0 */
  context?: number;
  /** Only the latest this many entries (a page): the newest messages are read, no more. @default all */
  limit?: number;
}

/** The kinds of timeline entry. */
export type TimelineKind =
  | "message"
  | "context"
  | "rename"
  | "timeout"
  | "ban"
  | "deleted"
  | "notice"
  | "hit"
  | "signal";

/** One thing that happened, flat enough for a table or a CSV row. */
export interface TimelineEntry {
  ts: string;
  kind: TimelineKind;
  channel: string | null;
  /** The login as written in the record (a rename: the new login). */
  user_name: string | null;
  /** The message the entry is or concerns, when there is one. */
  message_id: string | null;
  /** The message text, or what happened, in words. */
  text: string;
  /** Per kind: a timeout's seconds, a notice's id, a hit's subject, a signal, a rename's logins. */
  detail?: Record<string, unknown>;
  /** When a moderator deleted the message (`message` and `context` entries). */
  deleted_at?: string;
  /**
   * The whole message, for `message` and `context` entries (with `deleted_at` when deleted):
   * always from {@link timeline}, from {@link timelineStream} only with `messages: true`.
   */
  message?: ShownMessage;
}

/** A person's timeline. */
export interface Timeline {
  person: Person;
  /** True when the opt-out list names the person: nothing else is served. */
  opted_out: boolean;
  entries: TimelineEntry[];
}

/** A person's timeline being produced: the entries come a batch at a time, oldest first. */
export interface TimelineStream {
  person: Person;
  /** True when the opt-out list names the person: no entries come. */
  opted_out: boolean;
  entries: AsyncIterable<TimelineEntry[]>;
}

/** Options of {@link timelineStream} and {@link timeline}. */
export interface TimelineOptions {
  /** The opt-out list as a filter. @default the store's */
  privacy?: PrivacyFilter;
  /**
   * Each message entry with the whole message (`message`), read from the log: what a page or
   * `--format json` shows. Without it the entries come from the person index alone.
   * @default false for timelineStream, true for timeline
   */
  messages?: boolean;
}

const KIND_ORDER: Record<TimelineKind, number> = {
  rename: 0,
  context: 1,
  message: 2,
  hit: 3,
  signal: 4,
  deleted: 5,
  timeout: 6,
  ban: 7,
  notice: 8,
};

/** Time order; at one time a rename first, then messages (by id) and what they carry. */
function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  const am = a.message_id ?? "";
  const bm = b.message_id ?? "";
  if (am !== bm) return am < bm ? -1 : 1;
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

function inWindow(ts: string, q: TimelineQuery): boolean {
  const ms = Date.parse(ts);
  return (q.sinceMs === undefined || ms >= q.sinceMs) &&
    (q.untilMs === undefined || ms < q.untilMs);
}

/** The person an event is about: its user id, else its login resolved at its time. */
function eventPerson(e: ChatEvent, dir: IdentityDirectory): string | null {
  const key = eventPersonKey(e);
  if (key === null || key.startsWith("#")) return key;
  return dir.resolveLogin(key, e.ts) ?? key;
}

/** An event as an entry (a deletion's `detail.theirs` is settled when it is handed out). */
function eventEntry(e: ChatEvent): TimelineEntry | null {
  const base = { ts: e.ts, channel: e.channel, user_name: e.user_name };
  switch (e.kind) {
    case "clearchat":
      return e.duration_seconds === null
        ? { ...base, kind: "ban", message_id: null, text: "banned" }
        : {
          ...base,
          kind: "timeout",
          message_id: null,
          text: `timed out for ${e.duration_seconds}s`,
          detail: { duration_seconds: e.duration_seconds },
        };
    case "clearmsg":
      return {
        ...base,
        kind: "deleted",
        message_id: e.target_message_id,
        text: `message deleted: ${e.text}`,
        detail: { theirs: false },
      };
    case "usernotice":
      return {
        ...base,
        kind: "notice",
        message_id: null,
        text: [e.system_text, e.text].filter((s) => s !== "").join(" | "),
        detail: { notice: e.notice, ...e.params },
      };
  }
}

/** Renames: each login of `person` after the first, from when it was first seen. */
function renameEntries(person: Person, q: TimelineQuery): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (let i = 1; i < person.logins.length; i++) {
    const prev = person.logins[i - 1]!;
    const next = person.logins[i]!;
    if (!inWindow(next.first_seen, q)) continue;
    out.push({
      ts: next.first_seen,
      kind: "rename",
      channel: null,
      user_name: next.login,
      message_id: null,
      text: `${prev.login} -> ${next.login}`,
      detail: { from: prev.login, to: next.login, last_seen_as_before: prev.last_seen },
    });
  }
  return out;
}

/**
 * The entries of the events about `person` in the window and in served channels. A CLEARMSG
 * naming a login that was someone else's at its time is theirs only when it deleted one of
 * their messages: known once that message is read (it comes before); such entries are added
 * to `undecided`.
 */
function eventEntries(
  events: readonly ChatEvent[],
  about: { person: Person; dir: IdentityDirectory; q: TimelineQuery; privacy: PrivacyFilter },
  undecided: Set<TimelineEntry>,
): TimelineEntry[] {
  const { person, dir, q, privacy } = about;
  const out: TimelineEntry[] = [];
  for (const e of events) {
    if (!inWindow(e.ts, q) || !privacy.allows(null, e.channel)) continue;
    const mine = eventPerson(e, dir) === person.key;
    if (!mine && e.kind !== "clearmsg") continue;
    const entry = eventEntry(e);
    if (entry === null) continue;
    out.push(entry);
    if (!mine) undecided.add(entry);
  }
  return out;
}

/**
 * The `n` messages before and after each of `mine` (the person's messages) in its channel:
 * other people's, in served channels, as context entries (marked when deleted).
 */
async function contextEntries(
  store: Store,
  mine: readonly TimelineEntry[],
  n: number,
  o: { person: Person; privacy: PrivacyFilter; withMessages: boolean },
): Promise<TimelineEntry[]> {
  const anchors = mine.filter((e) => e.kind === "message").map((e) => ({
    channel: e.channel!,
    ts: e.ts,
    message_id: e.message_id!,
  }));
  const ids = new Set(anchors.map((a) => a.message_id));
  const context = (await store.around(anchors, n)).filter((m) =>
    !ids.has(m.message_id) && !belongs(m, o.person) && o.privacy.allows(m.user_name, m.channel)
  );
  const ctxDeleted = await store.deletions(context.map((m) => m.message_id));
  return context.map((m) =>
    messageEntry(m, "context", ctxDeleted.get(m.message_id), o.withMessages)
  );
}

/**
 * A person's timeline, oldest first, produced as it is read: their messages come from the
 * store's person index in time order (without whole records unless `messages`), and the few
 * other entries (renames, moderation, notices) are sorted and merged in. With `limit` or
 * `context` the entries are gathered first (the latest `limit`; context needs every anchor).
 */
export async function timelineStream(
  store: Store,
  q: TimelineQuery,
  options: TimelineOptions = {},
): Promise<TimelineStream> {
  const privacy = options.privacy ?? await privacyFilter(store);
  const dir = await directoryAbout(store, [q.user]);
  const person = personIn(dir, q.user);
  if (personOptedOut(person, privacy)) return { person, opted_out: true, entries: empty() };
  const withMessages = options.messages ?? false;
  // Events about them, by the event index: their keys and logins (a CLEARMSG names a login,
  // resolved at its time below). All of them: a deletion after the window still marks a
  // message inside it.
  const { events } = await store.searchEvents({
    clauses: [personEventClause(person)],
    limit: Number.MAX_SAFE_INTEGER,
  });
  const deleted = new Map<string, string>();
  for (const e of events) if (e.kind === "clearmsg") deleted.set(e.target_message_id, e.ts);
  const others: TimelineEntry[] = renameEntries(person, q);
  const undecided = new Set<TimelineEntry>();
  for (const e of eventEntries(events, { person, dir, q, privacy }, undecided)) others.push(e);
  // The deleted messages that turn out to be theirs, as their messages are read.
  const watch = new Set<string>();
  for (const e of others) if (e.kind === "deleted") watch.add(e.message_id!);
  const theirs = new Set<string>();
  const own = store.personMessages({
    persons: person.keys,
    ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
    ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    excludeChannels: [...privacy.exclusion().channels],
    records: withMessages,
  });
  const ownEntries = messageEntries(own, deleted, withMessages, watch, theirs);
  const n = q.context ?? 0;
  others.sort(compareEntries);
  if (n === 0 && q.limit === undefined) {
    return {
      person,
      opted_out: false,
      entries: mergeStream(ownEntries, others, (e) => decided(e, undecided, theirs)),
    };
  }
  // Gathered: context needs every anchor, a limit keeps the latest entries.
  const mine: TimelineEntry[] = [];
  for await (const batch of ownEntries) for (const e of batch) mine.push(e);
  const rest = others.filter((e) => decided(e, undecided, theirs));
  if (n > 0) {
    for (const e of await contextEntries(store, mine, n, { person, privacy, withMessages })) {
      rest.push(e);
    }
  }
  const all = merge(mine, rest.sort(compareEntries));
  const kept = q.limit !== undefined && all.length > q.limit
    ? all.slice(all.length - q.limit)
    : all;
  return { person, opted_out: false, entries: once(kept) };
}

/** A person's timeline, oldest first, gathered (each message entry with its whole message). */
export async function timeline(
  store: Store,
  q: TimelineQuery,
  options: TimelineOptions = {},
): Promise<Timeline> {
  const s = await timelineStream(store, q, { messages: true, ...options });
  const entries: TimelineEntry[] = [];
  for await (const batch of s.entries) for (const e of batch) entries.push(e);
  return { person: s.person, opted_out: s.opted_out, entries };
}

async function* empty(): AsyncGenerator<TimelineEntry[]> {}

async function* once(entries: TimelineEntry[]): AsyncGenerator<TimelineEntry[]> {
  if (entries.length > 0) yield entries;
}

/**
 * True when an entry of the others is to be shown, once the messages before it are read: a
 * deletion says whether the message was theirs, and an undecided one is shown only if so.
 */
function decided(
  e: TimelineEntry,
  undecided: ReadonlySet<TimelineEntry>,
  theirs: ReadonlySet<string>,
): boolean {
  if (e.kind !== "deleted") return true;
  const mine = theirs.has(e.message_id!);
  e.detail = { theirs: mine };
  return mine || !undecided.has(e);
}

/** Their messages as entries (each followed by its hits and signals), a batch at a time. */
async function* messageEntries(
  own: AsyncIterable<PersonMessages>,
  deleted: ReadonlyMap<string, string>,
  withMessages: boolean,
  watch: ReadonlySet<string>,
  theirs: Set<string>,
): AsyncGenerator<TimelineEntry[]> {
  for await (const b of own) {
    const out: TimelineEntry[] = [];
    const { ts, channel, user_name, message_id, text, records } = b;
    for (let i = 0; i < b.length; i++) {
      const id = message_id[i]!;
      const at = deleted.size > 0 ? deleted.get(id) : undefined;
      if (watch.size > 0 && watch.has(id)) theirs.add(id);
      const e: TimelineEntry = {
        ts: ts[i]!,
        kind: "message",
        channel: channel[i]!,
        user_name: user_name[i]!,
        message_id: id,
        text: text[i]!,
      };
      if (at !== undefined) e.deleted_at = at;
      out.push(e);
      const r = records.size > 0 ? records.get(i) : undefined;
      if (r === undefined) continue;
      if (withMessages) e.message = at === undefined ? r : { ...r, deleted_at: at };
      for (const h of r.hits ?? []) {
        out.push({
          ts: e.ts,
          kind: "hit",
          channel: e.channel,
          user_name: e.user_name,
          message_id: id,
          text: `watchlist: ${h.subject_key} (${h.how})`,
          detail: { subject_key: h.subject_key, how: h.how },
        });
      }
      for (const s of r.signals ?? []) {
        out.push({
          ts: e.ts,
          kind: "signal",
          channel: e.channel,
          user_name: e.user_name,
          message_id: id,
          text: `${s.type}: ${s.snippet}`,
          detail: { ...s },
        });
      }
    }
    // In order (the store's is the timeline's) unless a message brought hits or signals.
    yield out.length === b.length ? out : nearlySorted(out);
  }
}

/**
 * Their entries (a stream in order) with the others (sorted) merged in: the others up to a
 * batch's last entry go out with it, each as `shown` decides once the messages before it are
 * read.
 */
async function* mergeStream(
  own: AsyncIterable<TimelineEntry[]>,
  others: readonly TimelineEntry[],
  shown: (e: TimelineEntry) => boolean,
): AsyncGenerator<TimelineEntry[]> {
  let j = 0;
  for await (const batch of own) {
    if (batch.length === 0) continue;
    const last = batch[batch.length - 1]!;
    let k = j;
    while (k < others.length && compareEntries(others[k]!, last) < 0) k++;
    yield k === j ? batch : merge(batch, others.slice(j, k).filter(shown));
    j = k;
  }
  const rest = others.slice(j).filter(shown);
  if (rest.length > 0) yield rest;
}

/** Sorts a list that is in order but for a few neighbours (insertion sort: linear then). */
function nearlySorted(list: TimelineEntry[]): TimelineEntry[] {
  for (let i = 1; i < list.length; i++) {
    const x = list[i]!;
    let j = i - 1;
    if (compareEntries(list[j]!, x) <= 0) continue;
    while (j >= 0 && compareEntries(list[j]!, x) > 0) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = x;
  }
  return list;
}

/** Two sorted lists as one (stable: `a` first on ties). */
function merge(a: TimelineEntry[], b: TimelineEntry[]): TimelineEntry[] {
  if (b.length === 0) return a;
  const out: TimelineEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    out.push(compareEntries(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!);
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

function messageEntry(
  m: Message,
  kind: "message" | "context",
  deletedAt: string | undefined,
  withMessage: boolean,
): TimelineEntry {
  const e: TimelineEntry = {
    ts: m.ts,
    kind,
    channel: m.channel,
    user_name: m.user_name,
    message_id: m.message_id,
    text: m.text,
  };
  if (deletedAt !== undefined) e.deleted_at = deletedAt;
  if (withMessage) e.message = deletedAt === undefined ? m : { ...m, deleted_at: deletedAt };
  return e;
}
