/**
 * `privacy optout add|remove|list`: the opt-out list (`<data>/privacy.json`). Users and channels
 * on it are neither stored (a running monitor picks a change up within seconds) nor served.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { readPrivacy, updatePrivacy } from "../privacy/optout.ts";
import { openStore, type Store } from "../store/store.ts";
import {
  choice,
  COMMON_HELP,
  parseCommand,
  type Parsed,
  storeConfig,
  subcommandHelp,
} from "./args.ts";
import type { CliIO, Handler } from "./io.ts";

const HELP = `Usage: twitch-osint privacy optout <add|remove|list> [--user X]... [--channel Y]...

The opt-out list: users and channels whose messages are neither stored nor served, by every
source (live, replay) and every command, from the moment they are added (a running monitor
re-reads the list every 2 seconds).

  optout add --user X [--channel Y]     add names (repeat the flags for several)
  optout remove --user X [--channel Y]  remove names
  optout list [--format table|json]     show the list

Adding a name does not delete what was stored before: run "twitch-osint forget --user X"
(or --channel Y) for that. The list itself keeps the name, which it needs to do its job.

${COMMON_HELP}

Example:
  twitch-osint privacy optout add --user someuser
`;

function names(values: unknown, flag: string): string[] {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  const out: string[] = [];
  for (const raw of list) {
    for (const part of String(raw).split(",")) {
      if (part.trim() === "") continue;
      const n = normalizeLogin(part);
      if (!n.ok) throw new UsageError(`--${flag}: ${n.reason}`);
      if (!out.includes(n.value)) out.push(n.value);
    }
  }
  return out;
}

/**
 * `privacy <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./privacy.ts";
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
 * const add = ["optout", "add", "--user", "@Cat", "--channel", "#Secret"];
 * await run([...add, "--data-dir", dataDir], io);
 * assert.equal(out, "added user cat\nadded channel secret\n");
 * assert.match(err, /stays on disk until you run: twitch-osint forget --user cat/);
 * out = "";
 * await run(["optout", "list", "--data-dir", dataDir], io);
 * assert.equal(out, "user     cat\nchannel  secret\n");
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export const run: Handler = async (args: string[], io: CliIO): Promise<number> => {
  const [group, sub, ...rest] = args;
  if (group === undefined || group === "--help" || group === "-h") {
    (group ? io.out : io.err)(HELP);
    return group ? 0 : 2;
  }
  if (group !== "optout") {
    throw new UsageError(`unknown privacy subcommand "${group}" (expected optout)`);
  }
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  const p = parseCommand(rest, HELP, io, {
    user: { type: "string", multiple: true },
    channel: { type: "string", multiple: true },
    format: { type: "string" },
  });
  if (p === null) return 0;
  const { quiet } = p.common;
  const store = await openStore(storeConfig(p.common));
  try {
    return await optout(store, sub, p, io, quiet);
  } finally {
    await store.close();
  }
};

async function optout(
  store: Store,
  sub: string | undefined,
  p: Parsed,
  io: CliIO,
  quiet: boolean,
): Promise<number> {
  if (sub === "list") {
    const format = choice(p, "format", ["table", "json"]);
    const file = await readPrivacy(store);
    if (format === "json") {
      io.out(JSON.stringify(file.optout, null, 2) + "\n");
    } else {
      for (const u of file.optout.users) io.out(`user     ${u}\n`);
      for (const c of file.optout.channels) io.out(`channel  ${c}\n`);
      if (!quiet && file.optout.users.length + file.optout.channels.length === 0) {
        io.err("privacy: the opt-out list is empty\n");
      }
    }
    return 0;
  }
  if (sub !== "add" && sub !== "remove") {
    throw new UsageError(`unknown optout subcommand "${sub}" (expected add, remove or list)`);
  }
  if (p.values.format !== undefined) throw new UsageError("--format applies to list only");
  const users = names(p.values.user, "user");
  const channels = names(p.values.channel, "channel");
  if (users.length + channels.length === 0) {
    throw new UsageError(`optout ${sub} needs --user or --channel`);
  }
  const add = sub === "add";
  const r = await updatePrivacy(store, { add, users, channels });
  const verb = add ? "added" : "removed";
  for (const c of r.changed) io.out(`${verb} ${c}\n`);
  const all = [...users.map((u) => `user ${u}`), ...channels.map((c) => `channel ${c}`)];
  const same = all.filter((x) => !r.changed.includes(x));
  if (!quiet) {
    for (const x of same) io.err(`privacy: ${x} was already ${add ? "on" : "off"} the list\n`);
    if (add && r.changed.length) {
      const flags = [...users.map((u) => `--user ${u}`), ...channels.map((c) => `--channel ${c}`)];
      io.err(
        "privacy: from now on their messages are neither stored nor served; what was stored " +
          `before stays on disk until you run: twitch-osint forget ${flags.join(" ")}\n`,
      );
    }
  }
  return 0;
}
