/**
 * Who talks to whom, from the store: the interaction graph of a data dir (optionally one
 * channel and a time window), and one person's closest contacts. Mentions and replies are
 * resolved to persons through the identity directory (a mention of an old login is the person
 * who held it then). Opted-out persons and channels appear nowhere: not as authors, not as
 * targets.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { interactionGraph } from "./graph.ts";
 * const g = await interactionGraph(await Deno.makeTempDir(), {});
 * deepStrictEqual([g.nodes.length, g.edges.length], [0, 0]);
 * ```
 *
 * @module
 */
import type { IdentityDirectory } from "../analysis/identity.ts";
import {
  addressees,
  type Contact,
  contactsOf,
  InteractionGraph,
} from "../analysis/interactions.ts";
import type { Message } from "../schemas.ts";
import type { GraphData } from "../export/graph_formats.ts";
import { readIdentityDirectory } from "../store/profile_store.ts";
import { type PrivacyFilter, privacyFilter } from "../privacy/optout.ts";
import { search } from "./search.ts";
import { layout } from "../store/layout.ts";
import { openLineBatches } from "../line_reader.ts";
import { parseLogRecord } from "../store/log_record.ts";
import { type Person, personIn, personMessages, personOptedOut } from "./person.ts";

/** What part of the chat a graph covers. */
export interface GraphQuery {
  channel?: string;
  /** Inclusive, epoch ms. */
  sinceMs?: number;
  /** Exclusive, epoch ms. */
  untilMs?: number;
  /** Edges lighter than this are left out. @default 1 */
  minWeight?: number;
}

/** Where graph queries read from. */
export interface GraphSource {
  dataDir: string;
  privacy?: PrivacyFilter;
}

/** The persons the opt-out list names through any of their logins. */
function optedOutPersons(dir: IdentityDirectory, privacy: PrivacyFilter): Set<string> {
  const out = new Set<string>();
  for (const p of dir.persons()) {
    if (dir.history(p).some((s) => !privacy.allows(s.login, ""))) out.add(p);
  }
  return out;
}

const NO_MENTIONS = '"mentions":[],';
const REPLY = '"reply_to":';

/**
 * The fields of a log line that say who wrote it where and when, read with `indexOf`. The
 * values read (`ts`, logins, a numeric id) never need JSON escaping; a line of another shape
 * gives null and is parsed in full instead.
 */
function authorOf(
  line: string,
): { ts: string; channel: string; user_id: string | null; user_name: string } | null {
  const ts = field(line, '"ts":"');
  const channel = field(line, '"channel":"');
  const user_name = field(line, '"user_name":"');
  if (ts === null || channel === null || user_name === null) return null;
  const user_id = line.includes('"user_id":null') ? null : field(line, '"user_id":"');
  return { ts, channel, user_id, user_name };
}

function field(line: string, key: string): string | null {
  const i = line.indexOf(key);
  if (i === -1) return null;
  const start = i + key.length;
  const end = line.indexOf('"', start);
  if (end === -1) return null;
  const v = line.slice(start, end);
  return v.includes("\\") ? null : v;
}

/** A graph of the messages in scope, with how many were read. */
export interface GraphResult extends GraphData {
  /** Messages in scope (after privacy). */
  messages: number;
}

/** The interaction graph of the whole log (or one channel, a time window). */
export async function interactionGraph(
  source: string | GraphSource,
  q: GraphQuery,
): Promise<GraphResult> {
  const src = typeof source === "string" ? { dataDir: source } : source;
  const privacy = src.privacy ?? await privacyFilter(src.dataDir);
  const dir = readIdentityDirectory(src.dataDir);
  const hidden = optedOutPersons(dir, privacy);
  const graph = new InteractionGraph(dir);
  const sinceIso = q.sinceMs === undefined ? null : new Date(q.sinceMs).toISOString();
  const untilIso = q.untilMs === undefined ? null : new Date(q.untilMs).toISOString();
  const channelNeedle = q.channel === undefined ? null : `"channel":"${q.channel}"`;
  let messages = 0;
  let batches;
  try {
    batches = await openLineBatches(layout(src.dataDir).messages, { start: 0 });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    return { nodes: [], edges: [], messages: 0 };
  }
  scan: for await (const batch of batches) {
    for (const item of batch) {
      if (item.partial) break scan;
      if (!("text" in item)) continue;
      const line = item.text;
      if (channelNeedle !== null && !line.includes(channelNeedle)) continue;
      // Most lines address no one: only their author counts, read without parsing the line.
      if (line.includes(NO_MENTIONS) && !line.includes(REPLY)) {
        const a = authorOf(line);
        if (a === null) continue;
        if (sinceIso !== null && a.ts < sinceIso) continue;
        if (untilIso !== null && a.ts >= untilIso) continue;
        if (q.channel !== undefined && a.channel !== q.channel) continue;
        if (!privacy.allows(a.user_name, a.channel) || hidden.has(dir.personOf(a))) continue;
        messages++;
        graph.count(a);
        continue;
      }
      const m = parseLogRecord(line);
      if (m === null) continue;
      if (q.channel !== undefined && m.channel !== q.channel) continue;
      if (sinceIso !== null && m.ts < sinceIso) continue;
      if (untilIso !== null && m.ts >= untilIso) continue;
      if (!privacy.allows(m.user_name, m.channel) || hidden.has(dir.personOf(m))) continue;
      messages++;
      graph.add(m);
    }
  }
  const edges = graph.edges(q.minWeight ?? 1).filter((e) =>
    !hidden.has(e.target) && privacy.allows(dir.currentLogin(e.target) ?? e.target, "")
  );
  return { nodes: graph.nodes(edges), edges, messages };
}

/** A person's contacts. */
export interface Neighbors {
  person: Person;
  opted_out: boolean;
  contacts: Contact[];
}

/**
 * A person's closest contacts: everyone they addressed or who addressed them (mentions and
 * replies, both directions summed), heaviest first. Reads only the messages involved: theirs,
 * and those whose text names one of their logins with `@`.
 */
export async function neighbors(
  source: string | GraphSource,
  q: { user: string; sinceMs?: number; untilMs?: number; limit?: number },
): Promise<Neighbors> {
  const src = typeof source === "string" ? { dataDir: source } : source;
  const privacy = src.privacy ?? await privacyFilter(src.dataDir);
  const dir = readIdentityDirectory(src.dataDir);
  const person = personIn(dir, q.user);
  if (personOptedOut(person, privacy)) return { person, opted_out: true, contacts: [] };
  const hidden = optedOutPersons(dir, privacy);
  const window = {
    terms: [] as string[],
    limit: 1_000_000,
    ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
    ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
  };
  const seen = new Map<string, Message>();
  for (const m of await personMessages(src.dataDir, person, window)) seen.set(m.message_id, m);
  const logins = person.logins.length ? person.logins.map((s) => s.login) : [person.login];
  for (const login of logins) {
    const r = await search(src.dataDir, { ...window, terms: [`@${login}`] });
    for (const m of r.messages) {
      if (addressees(m, dir).some((a) => a.person === person.key)) seen.set(m.message_id, m);
    }
  }
  const graph = new InteractionGraph(dir);
  for (const m of seen.values()) {
    if (!privacy.allows(m.user_name, m.channel) || hidden.has(dir.personOf(m))) continue;
    graph.add(m);
  }
  const contacts = contactsOf(person.key, graph.edges(), dir).filter((c) =>
    !hidden.has(c.person) && privacy.allows(c.login, "")
  );
  return { person, opted_out: false, contacts: contacts.slice(0, q.limit ?? contacts.length) };
}
