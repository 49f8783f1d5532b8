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
import type { ChatEvent } from "../schemas.ts";
import { markDeleted, type ShownMessage } from "./events.ts";
import type { Store } from "../store/store.ts";
import { type PrivacyFilter, privacyFilter, withOptOut } from "./privacy_filter.ts";
import {
  belongs,
  directoryAbout,
  type Person,
  personClause,
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
  /** The whole message, for `message` and `context` entries (with `deleted_at` when deleted). */
  message?: ShownMessage;
}

/** A person's timeline. */
export interface Timeline {
  person: Person;
  /** True when the opt-out list names the person: nothing else is served. */
  opted_out: boolean;
  entries: TimelineEntry[];
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

function eventEntry(e: ChatEvent, theirs: ReadonlySet<string>): TimelineEntry | null {
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
        detail: { theirs: theirs.has(e.target_message_id) },
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

/** A person's timeline, oldest first. */
export async function timeline(
  store: Store,
  q: TimelineQuery,
  options: { privacy?: PrivacyFilter } = {},
): Promise<Timeline> {
  const privacy = options.privacy ?? await privacyFilter(store);
  const dir = await directoryAbout(store, [q.user]);
  const person = personIn(dir, q.user);
  if (personOptedOut(person, privacy)) return { person, opted_out: true, entries: [] };

  const window = {
    ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
    ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
  };
  // Their messages, by the person index (the opt-out list joins the query).
  const own = (await store.searchMessages(withOptOut({
    clauses: [personClause(person)],
    limit: q.limit ?? MAX_ENTRIES,
    ...window,
  }, privacy))).messages;
  const entries: TimelineEntry[] = [];
  const ids = new Set<string>();
  for (const m of own) ids.add(m.message_id);
  // Events about them, by the event index: their keys and logins (a CLEARMSG names a login,
  // resolved at its time below).
  const { events } = await store.searchEvents({
    clauses: [personEventClause(person)],
    limit: Number.MAX_SAFE_INTEGER,
    ...window,
  });
  const n = q.context ?? 0;
  const context = n > 0
    ? (await store.around(own, n)).filter((m) =>
      !ids.has(m.message_id) && !belongs(m, person) && privacy.allows(m.user_name, m.channel)
    )
    : [];
  const deleted = await store.deletions([...ids, ...context.map((m) => m.message_id)]);
  // Their messages (newest first) with what each carries, oldest first: already in order but
  // for messages of one millisecond; the few other entries are sorted and merged in.
  for (const m of markDeleted(own, deleted).reverse()) {
    entries.push(messageEntry(m, "message"));
    for (const h of m.hits ?? []) {
      entries.push({
        ts: m.ts,
        kind: "hit",
        channel: m.channel,
        user_name: m.user_name,
        message_id: m.message_id,
        text: `watchlist: ${h.subject_key} (${h.how})`,
        detail: { subject_key: h.subject_key, how: h.how },
      });
    }
    for (const s of m.signals ?? []) {
      entries.push({
        ts: m.ts,
        kind: "signal",
        channel: m.channel,
        user_name: m.user_name,
        message_id: m.message_id,
        text: `${s.type}: ${s.snippet}`,
        detail: { ...s },
      });
    }
  }
  const mine = nearlySorted(entries.splice(0));
  // Renames: each login after the first, from when it was first seen.
  for (let i = 1; i < person.logins.length; i++) {
    const prev = person.logins[i - 1]!;
    const next = person.logins[i]!;
    if (!inWindow(next.first_seen, q)) continue;
    entries.push({
      ts: next.first_seen,
      kind: "rename",
      channel: null,
      user_name: next.login,
      message_id: null,
      text: `${prev.login} -> ${next.login}`,
      detail: { from: prev.login, to: next.login, last_seen_as_before: prev.last_seen },
    });
  }
  for (const e of events) {
    if (!inWindow(e.ts, q) || !privacy.allows(null, e.channel)) continue;
    const aboutThem = eventPerson(e, dir) === person.key ||
      (e.kind === "clearmsg" && ids.has(e.target_message_id));
    if (!aboutThem) continue;
    const entry = eventEntry(e, ids);
    if (entry) entries.push(entry);
  }
  for (const m of markDeleted(context, deleted)) entries.push(messageEntry(m, "context"));
  const all = merge(mine, entries.sort(compareEntries));
  const kept = q.limit !== undefined && all.length > q.limit
    ? all.slice(all.length - q.limit)
    : all;
  return { person, opted_out: false, entries: kept };
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

/** The most messages a timeline reads without a limit. */
const MAX_ENTRIES = 1_000_000;

function messageEntry(m: ShownMessage, kind: "message" | "context"): TimelineEntry {
  return {
    ts: m.ts,
    kind,
    channel: m.channel,
    user_name: m.user_name,
    message_id: m.message_id,
    text: m.text,
    message: m,
  };
}
