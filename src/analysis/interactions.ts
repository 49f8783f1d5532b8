/**
 * Who talks to whom: a directed, weighted graph from `@mentions` and replies (`reply_to`),
 * resolved to persons (a mention of an old login is the person who held it then, see
 * {@link IdentityDirectory.mentioned}). An edge A -> B counts the messages in which A addressed
 * B: a Twitch reply starts with `@parent`, so a reply that also mentions its parent counts once.
 * Each edge keeps its first and last time and its channels. Pure: messages in, graph out; the
 * result depends on the set of messages folded, not their order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { IdentityDirectory } from "./identity.ts";
 * import { InteractionGraph } from "./interactions.ts";
 * const g = new InteractionGraph(new IdentityDirectory([]));
 * g.add({ ts: "2025-01-01T00:00:00.000Z", channel: "c", user_id: null, user_name: "a", mentions: ["b"] });
 * g.add({ ts: "2025-01-02T00:00:00.000Z", channel: "d", user_id: null, user_name: "a", mentions: ["b"] });
 * const [e] = g.edges();
 * strictEqual(e!.weight, 2);
 * strictEqual(e!.channels.join(","), "c,d");
 * ```
 *
 * @module
 */
import type { IdentityDirectory } from "./identity.ts";

/** What the graph needs of a message. */
export interface InteractionSource {
  ts: string;
  channel: string;
  user_id: string | null;
  user_name: string;
  mentions: readonly string[];
  reply_to?:
    | { message_id: string; user_name: string; user_id?: string | null | undefined }
    | undefined;
}

/** One directed edge: `source` addressed `target` in `weight` messages. */
export interface InteractionEdge {
  source: string;
  target: string;
  weight: number;
  mentions: number;
  replies: number;
  first_seen: string;
  last_seen: string;
  /** Sorted. */
  channels: string[];
}

/** One person in the graph. */
export interface InteractionNode {
  id: string;
  /** Their current login (the latest one seen). */
  label: string;
  user_id: string | null;
  /** Messages they wrote in the graph's scope. */
  messages: number;
}

interface EdgeState {
  weight: number;
  mentions: number;
  replies: number;
  first: string;
  last: string;
  channels: Set<string>;
}

/** The people a message addresses: `{ person, how }`, each person once, never the author. */
export function addressees(
  m: InteractionSource,
  dir: IdentityDirectory,
): Array<{ person: string; mention: boolean; reply: boolean }> {
  const from = dir.personOf(m);
  const out = new Map<string, { person: string; mention: boolean; reply: boolean }>();
  if (m.reply_to && m.reply_to.user_name !== "") {
    const id = m.reply_to.user_id;
    const to = id ? `#${id}` : dir.mentioned(m.reply_to.user_name, m.ts);
    if (to !== from) out.set(to, { person: to, mention: false, reply: true });
  }
  for (const login of m.mentions) {
    const to = dir.mentioned(login, m.ts);
    if (to === from) continue;
    const seen = out.get(to);
    if (seen) seen.mention = true;
    else out.set(to, { person: to, mention: true, reply: false });
  }
  return [...out.values()];
}

/** An interaction graph being built. */
export class InteractionGraph {
  readonly directory: IdentityDirectory;
  #edges = new Map<string, Map<string, EdgeState>>();
  #authored = new Map<string, number>();

  constructor(directory: IdentityDirectory) {
    this.directory = directory;
  }

  /** Counts `n` messages a person wrote (their activity only, not whom they addressed). */
  count(person: string, n = 1): void {
    this.#authored.set(person, (this.#authored.get(person) ?? 0) + n);
  }

  /** Folds one message in: its author's activity and whom it addressed. */
  add(m: InteractionSource): void {
    this.count(this.directory.personOf(m));
    this.address(m);
  }

  /** Folds in whom a message addressed (its author's activity is counted apart). */
  address(m: InteractionSource): void {
    const from = this.directory.personOf(m);
    const to = addressees(m, this.directory);
    if (to.length === 0) return;
    let out = this.#edges.get(from);
    if (!out) this.#edges.set(from, out = new Map());
    for (const a of to) {
      let e = out.get(a.person);
      if (!e) {
        e = { weight: 0, mentions: 0, replies: 0, first: m.ts, last: m.ts, channels: new Set() };
        out.set(a.person, e);
      }
      e.weight++;
      if (a.mention) e.mentions++;
      if (a.reply) e.replies++;
      if (m.ts < e.first) e.first = m.ts;
      if (m.ts > e.last) e.last = m.ts;
      e.channels.add(m.channel);
    }
  }

  /** Edges of at least `minWeight`, heaviest first, then by source and target. */
  edges(minWeight = 1): InteractionEdge[] {
    const out: InteractionEdge[] = [];
    for (const [source, targets] of this.#edges) {
      for (const [target, e] of targets) {
        if (e.weight < minWeight) continue;
        out.push({
          source,
          target,
          weight: e.weight,
          mentions: e.mentions,
          replies: e.replies,
          first_seen: e.first,
          last_seen: e.last,
          channels: [...e.channels].sort(),
        });
      }
    }
    return out.sort((a, b) =>
      b.weight - a.weight || cmp(a.source, b.source) || cmp(a.target, b.target)
    );
  }

  /** The nodes of a list of edges, by id. */
  nodes(edges: readonly InteractionEdge[]): InteractionNode[] {
    const ids = new Set<string>();
    for (const e of edges) {
      ids.add(e.source);
      ids.add(e.target);
    }
    return [...ids].sort().map((id) => ({
      id,
      label: this.directory.currentLogin(id) ?? id,
      user_id: id.startsWith("#") ? id.slice(1) : null,
      messages: this.#authored.get(id) ?? 0,
    }));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A graph to write or serve: its nodes and edges. */
export interface GraphData {
  nodes: readonly InteractionNode[];
  edges: readonly InteractionEdge[];
}

/** A person's contact: both directions of their edges with one other person, summed. */
export interface Contact {
  person: string;
  login: string;
  /** Messages in which the person addressed the contact, and the contact addressed them. */
  to: number;
  from: number;
  weight: number;
  first_seen: string;
  last_seen: string;
  channels: string[];
}

/**
 * A person's closest contacts from a graph's edges: weight is both directions summed; heaviest
 * first, then by login.
 */
export function contactsOf(
  person: string,
  edges: readonly InteractionEdge[],
  dir: IdentityDirectory,
): Contact[] {
  const by = new Map<string, Contact & { ch: Set<string> }>();
  for (const e of edges) {
    const other = e.source === person ? e.target : e.target === person ? e.source : null;
    if (other === null || other === person) continue;
    let c = by.get(other);
    if (!c) {
      c = {
        person: other,
        login: dir.currentLogin(other) ?? other,
        to: 0,
        from: 0,
        weight: 0,
        first_seen: e.first_seen,
        last_seen: e.last_seen,
        channels: [],
        ch: new Set(),
      };
      by.set(other, c);
    }
    if (e.source === person) c.to += e.weight;
    else c.from += e.weight;
    c.weight += e.weight;
    if (e.first_seen < c.first_seen) c.first_seen = e.first_seen;
    if (e.last_seen > c.last_seen) c.last_seen = e.last_seen;
    for (const ch of e.channels) c.ch.add(ch);
  }
  return [...by.values()].map(({ ch, ...c }) => ({ ...c, channels: [...ch].sort() }))
    .sort((a, b) => b.weight - a.weight || cmp(a.login, b.login) || cmp(a.person, b.person));
}
