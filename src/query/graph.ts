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
      if (channelNeedle !== null && !item.text.includes(channelNeedle)) continue;
      const m = parseLogRecord(item.text);
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
