/**
 * `users find TEXT`: persons by login, past login, display name or user id, typos forgiven.
 * Never needs the network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { toCsv } from "../export/csv.ts";
import { findUsers } from "../query/users.ts";
import { openStore } from "../store/store.ts";
import { choice, COMMON_HELP, intFlag, parseCommand, storeConfig, subcommandHelp } from "./args.ts";
import type { CliIO } from "./io.ts";
import { columns } from "./table.ts";

const HELP = `Usage: twitch-osint users find TEXT [--limit N] [--format table|json|csv]

Finds persons whose login, past logins, display names or Twitch user id match TEXT exactly, as
a prefix, as a substring, or as a near miss (one typo for up to 5 characters, two beyond),
ranked by how they match, then by how many messages they wrote.

Options:
  --limit N     at most N persons (default 20)
  --format F    table (default), json or csv

${COMMON_HELP}

Examples:
  twitch-osint users find sara
  twitch-osint users find 123456
`;

/**
 * `users <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./users.ts";
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
 * assert.equal(await run(["find", "An", "--data-dir", dataDir, "--format", "json"], io), 0);
 * const [ann] = JSON.parse(out);
 * assert.deepEqual([ann.login, ann.how, ann.messages], ["ann", "prefix", 1]);
 * await assert.rejects(run(["find", "--data-dir", dataDir], io), {
 *   name: "UsageError",
 *   message: "users find needs one TEXT to look for",
 * });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  if (sub !== "find") throw new UsageError(`unknown users subcommand "${sub}" (expected find)`);
  const p = parseCommand(rest, HELP, io, {
    limit: { type: "string" },
    format: { type: "string" },
  }, { positionals: true });
  if (p === null) return 0;
  if (p.positionals.length !== 1 || p.positionals[0]!.trim() === "") {
    throw new UsageError("users find needs one TEXT to look for");
  }
  const format = choice(p, "format", ["table", "json", "csv"]);
  const limit = intFlag(p, "limit", { min: 1, default: 20 })!;
  const store = await openStore(storeConfig(p.common));
  let found;
  try {
    await store.catchUp();
    found = await findUsers(store, p.positionals[0]!, { limit });
  } finally {
    await store.close();
  }
  const head = ["login", "user_id", "messages", "how", "matched", "past_logins", "display_names"];
  const rows = found.map((m) => [
    m.login,
    m.user_id ?? "",
    m.messages,
    m.how === "near" ? `near (${m.distance})` : m.how,
    `${m.field}: ${m.matched}`,
    m.past_logins,
    m.display_names,
  ]);
  if (format === "json") io.out(JSON.stringify(found, null, 2) + "\n");
  else if (format === "csv") io.out(toCsv(head, rows));
  else if (rows.length === 0) io.out("(no one matches)\n");
  else {
    io.out(columns(
      head,
      rows.map((r) => r.map((c) => Array.isArray(c) ? c.join(",") : String(c))),
      true,
    ));
  }
  return 0;
}
