/**
 * `graph export` and `graph neighbors`: who talks to whom (@mentions and replies), resolved to
 * persons. Never needs the network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { GRAPH_FORMATS, graphChunks } from "../export/graph_formats.ts";
import { toCsv } from "../export/csv.ts";
import { normalizeLogin } from "../normalize.ts";
import { interactionGraph, neighbors } from "../query/graph.ts";
import { parseTimeBound } from "../query/search.ts";
import { writeChunksAtomic } from "../store/atomic.ts";
import { openStore, type Store } from "../store/store.ts";
import {
  choice,
  COMMON_HELP,
  intFlag,
  parseCommand,
  type Parsed,
  required,
  storeConfig,
  str,
  subcommandHelp,
} from "./args.ts";
import type { CliIO } from "./io.ts";
import { columns } from "./table.ts";

const HELP = `Usage: twitch-osint graph export --format gexf|graphml|json|csv --out FILE
                               [--channel C] [--since T] [--until T] [--min-weight N]
       twitch-osint graph neighbors --user NAME|ID [--since T] [--until T] [--limit N]
                                    [--format table|json|csv]

An interaction graph from @mentions and replies: an edge A -> B counts the messages in which A
addressed B, with the first and last time and the channels. Nodes are persons (their Twitch
user id, else their login); a mention of an old login is the person who held it then.

  export      writes the graph for Gephi (gexf), Cytoscape/yEd/NetworkX (graphml), scripts
              (json: {nodes, edges}) or spreadsheets (csv: the edge table)
  neighbors   a person's closest contacts, both directions summed, heaviest first

Options:
  --channel C       only messages in channel C
  --since T         from T, inclusive; --until T: before T, exclusive
  --min-weight N    leave out edges of fewer than N messages (default 1)
  --out FILE        where export writes (atomically)
  --user NAME|ID    any login the person used, or their user id (123, id:123)
  --limit N         at most N contacts (default 20)

${COMMON_HELP}

Examples:
  twitch-osint graph export --format gexf --out chat.gexf --min-weight 3
  twitch-osint graph neighbors --user someuser
`;

function window(p: Parsed): { sinceMs?: number; untilMs?: number } {
  const now = Date.now();
  const since = str(p, "since");
  const until = str(p, "until");
  const out: { sinceMs?: number; untilMs?: number } = {};
  if (since !== undefined) out.sinceMs = parseTimeBound(since, "--since", now);
  if (until !== undefined) out.untilMs = parseTimeBound(until, "--until", now);
  if (out.sinceMs !== undefined && out.untilMs !== undefined && out.sinceMs > out.untilMs) {
    throw new UsageError("--since is after --until");
  }
  return out;
}

/**
 * `graph <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./graph.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * const said = (id: string, s: number, user: string, text: string, mentions: string[]) => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions,
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * });
 * await store.appendMessages([
 *   said("m1", 1, "ann", "hi\x1b[2J all", []),
 *   said("m2", 2, "bob", "hey @ann", ["ann"]),
 *   said("m3", 3, "cat", "hello @bob", ["bob"]),
 * ]);
 * await store.close();
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * await run(["neighbors", "--user", "bob", "--data-dir", dataDir, "--format", "json"], io);
 * const { contacts } = JSON.parse(out);
 * type Contact = { login: string; to: number; from: number };
 * assert.deepEqual(contacts.map((c: Contact) => [c.login, c.to, c.from]), [
 *   ["ann", 1, 0],
 *   ["cat", 0, 1],
 * ]);
 * const file = `${dataDir}/graph.csv`;
 * await run(["export", "--format", "csv", "--out", file, "--data-dir", dataDir], io);
 * assert.match(await Deno.readTextFile(file), /bob/);
 * await assert.rejects(run(["neighbors", "--data-dir", dataDir], io), {
 *   name: "UsageError",
 *   message: "--user is required",
 * });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  if (sub !== "export" && sub !== "neighbors") {
    throw new UsageError(`unknown graph subcommand "${sub}" (expected export or neighbors)`);
  }
  const p = parseCommand(rest, HELP, io, {
    format: { type: "string" },
    out: { type: "string" },
    channel: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    "min-weight": { type: "string" },
    user: { type: "string" },
    limit: { type: "string" },
  });
  if (p === null) return 0;
  const store = await openStore(storeConfig(p.common));
  try {
    await store.catchUp();
    return sub === "export" ? await exportGraph(store, p, io) : await printNeighbors(store, p, io);
  } finally {
    await store.close();
  }
}

/** `graph export`: the interaction graph written to --out in the --format asked. */
async function exportGraph(store: Store, p: Parsed, io: CliIO): Promise<number> {
  const { quiet } = p.common;
  for (const f of ["user", "limit"]) {
    if (str(p, f) !== undefined) throw new UsageError(`--${f} applies to graph neighbors only`);
  }
  if (str(p, "format") === undefined) {
    throw new UsageError(`--format is required (${GRAPH_FORMATS.join(", ")})`);
  }
  const format = choice(p, "format", GRAPH_FORMATS);
  const out = required(p, "out");
  const channelFlag = str(p, "channel");
  let channel: string | undefined;
  if (channelFlag !== undefined) {
    const n = normalizeLogin(channelFlag);
    if (!n.ok) throw new UsageError(`--channel: ${n.reason}`);
    channel = n.value;
  }
  const minWeight = intFlag(p, "min-weight", { min: 1, default: 1 })!;
  const g = await interactionGraph(store, {
    ...window(p),
    ...(channel !== undefined ? { channel } : {}),
    minWeight,
  });
  // Written as it is made: a million messages' graph is tens of MB of XML.
  await writeChunksAtomic(out, graphChunks(format, g));
  if (!quiet) {
    io.err(
      `graph: ${g.nodes.length} persons, ${g.edges.length} edges from ${g.messages} messages` +
        ` -> ${out}\n`,
    );
  }
  return 0;
}

/** `graph neighbors`: a person's closest contacts as a table, JSON or CSV. */
async function printNeighbors(store: Store, p: Parsed, io: CliIO): Promise<number> {
  for (const f of ["out", "channel", "min-weight"]) {
    if (str(p, f) !== undefined) throw new UsageError(`--${f} applies to graph export only`);
  }
  const format = choice(p, "format", ["table", "json", "csv"]);
  const limit = intFlag(p, "limit", { min: 1, default: 20 })!;
  const r = await neighbors(store, { user: required(p, "user"), ...window(p), limit });
  if (r.opted_out) {
    io.err(`error: user "${r.person.login}" is on the opt-out list: nothing of it is served\n`);
    return 1;
  }
  const head = ["login", "person", "weight", "to", "from", "first_seen", "last_seen", "channels"];
  const rows = r.contacts.map((c) => [
    c.login,
    c.person,
    c.weight,
    c.to,
    c.from,
    c.first_seen,
    c.last_seen,
    c.channels,
  ]);
  if (format === "json") io.out(JSON.stringify(r, null, 2) + "\n");
  else if (format === "csv") io.out(toCsv(head, rows));
  else if (rows.length === 0) io.out(`(no contacts of ${r.person.login})\n`);
  else {
    io.out(columns(
      head,
      rows.map((row) => row.map((c) => Array.isArray(c) ? c.join(",") : String(c))),
      true,
    ));
  }
  return 0;
}
