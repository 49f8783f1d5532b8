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
 * import { openStore } from "../store/store.ts";
 * import { interactionGraph } from "./graph.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const g = await interactionGraph(store, {});
 * deepStrictEqual([g.nodes.length, g.edges.length], [0, 0]);
 * await store.close();
 * ```
 *
 * @module
 */
import type { IdentityDirectory } from "../analysis/identity.ts";
import {
  addressees,
  type Contact,
  contactsOf,
  type GraphData,
  InteractionGraph,
} from "../analysis/interactions.ts";
import type { Message } from "../schemas.ts";
import type { Store } from "../store/store.ts";
import { type Literal, only } from "../store/message_query.ts";
import { type PrivacyFilter, privacyFilter } from "./privacy_filter.ts";
import { fullDirectory, type Person, personIn, personMessages, personOptedOut } from "./person.ts";

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

/** The persons the opt-out list names through any of their logins. */
function optedOutPersons(dir: IdentityDirectory, privacy: PrivacyFilter): Set<string> {
  const out = new Set<string>();
  if (privacy.exclusion().users.size === 0) return out;
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
  store: Store,
  q: GraphQuery,
  options: { privacy?: PrivacyFilter } = {},
): Promise<GraphResult> {
  const privacy = options.privacy ?? await privacyFilter(store);
  const dir = await fullDirectory(store);
  const hidden = optedOutPersons(dir, privacy);
  const graph = new InteractionGraph(dir);
  let messages = 0;
  const scope = {
    ...(q.channel !== undefined ? { channel: q.channel } : {}),
    ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
    ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
    // Opted-out channels are left out by the store (as searches leave them out).
    excludeChannels: [...privacy.exclusion().channels],
  };
  const input = await store.interactions(scope);
  for (const a of input.authors) {
    const p = dir.canonical(a.person);
    const login = a.person.startsWith("#") ? null : a.person;
    if (!privacy.allows(login, "") || hidden.has(p)) continue;
    messages += a.count;
    graph.count(p, a.count);
  }
  for (const m of input.addressing) {
    if (!privacy.allows(m.user_name, m.channel) || hidden.has(dir.personOf(m))) continue;
    graph.address(m);
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
  store: Store,
  q: { user: string; sinceMs?: number; untilMs?: number; limit?: number },
  options: { privacy?: PrivacyFilter } = {},
): Promise<Neighbors> {
  const privacy = options.privacy ?? await privacyFilter(store);
  const dir = await fullDirectory(store);
  const person = personIn(dir, q.user);
  if (personOptedOut(person, privacy)) return { person, opted_out: true, contacts: [] };
  const hidden = optedOutPersons(dir, privacy);
  const window = {
    clauses: [] as Literal[][],
    limit: 1_000_000,
    ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
    ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
  };
  const seen = new Map<string, Message>();
  for (const m of await personMessages(store, person, window)) seen.set(m.message_id, m);
  const logins = person.logins.length ? person.logins.map((s) => s.login) : [person.login];
  for (const login of logins) {
    const r = await store.searchMessages({
      ...window,
      clauses: [only({ field: "text", value: `@${login}` })],
    });
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
