/**
 * `profiles show | list | rebuild`: the per-user and per-channel profiles derived from the
 * message log. `show` and `list` first bring profiles up to date with the log when no monitor
 * is writing (a running monitor keeps them current itself). Never needs the network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { jsonText } from "../store/atomic.ts";
import { profileDir } from "../store/layout.ts";
import { openStore, type ProfileKind, type Store } from "../store/store.ts";
import { personProfileName } from "../query/person.ts";
import { privacyFilter } from "../query/privacy_filter.ts";
import { listProfiles, readProfile } from "../query/profiles.ts";
import {
  COMMON_HELP,
  parseCommand,
  type Parsed,
  storeConfig,
  str,
  subcommandHelp,
} from "./args.ts";
import type { CliIO } from "./io.ts";
import { requireMessageLog } from "./totals.ts";

const HELP = `Usage: twitch-osint profiles show --user NAME | --channel NAME
       twitch-osint profiles list [--users | --channels]
       twitch-osint profiles rebuild

  show      prints one profile (<data>/profiles/users/NAME.json or channels/NAME.json). A
            user profile is a person's: --user takes any login they used (the file is
            named after their current one) or their Twitch user id (123, id:123)
  list      lists the profiles: "user NAME" and "channel NAME" lines (names only with
            --users or --channels)
  rebuild   recomputes every profile from <data>/logs/messages.jsonl and rewrites the files
            (the same bytes the live updates write); removes profiles of vanished names

${COMMON_HELP}

Examples:
  twitch-osint profiles show --user someuser
  twitch-osint profiles list --channels
`;

/**
 * `profiles <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./profiles.ts";
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
 * await run(["list", "--users", "--data-dir", dataDir], io);
 * assert.equal(out, "ann\nbob\ncat\n");
 * out = "";
 * await run(["show", "--user", "bob", "--data-dir", dataDir], io);
 * const bob = JSON.parse(out);
 * assert.deepEqual([bob.user_name, bob.message_count, bob.top_mentions], ["bob", 1, [
 *   { name: "ann", count: 1 },
 * ]]);
 * await assert.rejects(run(["show", "--user", "nobody", "--data-dir", dataDir], io), {
 *   name: "NotFoundError",
 *   message: /^no profile for user "nobody"/,
 * });
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  const p = parseCommand(rest, HELP, io, {
    user: { type: "string" },
    channel: { type: "string" },
    users: { type: "boolean" },
    channels: { type: "boolean" },
  });
  if (p === null) return 0;
  const store = await openStore(storeConfig(p.common));
  try {
    return await subcommand(store, sub, p, io);
  } finally {
    await store.close();
  }
}

async function subcommand(
  store: Store,
  sub: string | undefined,
  p: Parsed,
  io: CliIO,
): Promise<number> {
  const { dataDir, quiet } = p.common;
  // The readers need a data dir with a log: a wrong --data-dir is an error, not "nothing".
  if ((sub === "show" || sub === "list") && p.common.databaseUrl === undefined) {
    await requireMessageLog(dataDir, io, quiet);
  }
  switch (sub) {
    case "show":
      return await show(store, p, io);
    case "list":
      return await list(store, p, io);
    case "rebuild":
      return await rebuild(store, p, io);
    default:
      throw new UsageError(`unknown profiles subcommand "${sub}" (expected show, list or rebuild)`);
  }
}

/** `profiles show --user NAME | --channel NAME`: the profile as JSON. */
async function show(store: Store, p: Parsed, io: CliIO): Promise<number> {
  const user = str(p, "user");
  const channel = str(p, "channel");
  if ((user === undefined) === (channel === undefined)) {
    throw new UsageError("profiles show needs exactly one of --user NAME or --channel NAME");
  }
  const kind: ProfileKind = user !== undefined ? "user" : "channel";
  // A user is a person: a login they used, or their Twitch user id (123, id:123).
  const asId = kind === "user" && /^(id:|#)?\d+$/i.test(user!.trim());
  const n = asId ? { ok: true as const, value: user!.trim() } : normalizeLogin((user ?? channel)!);
  if (!n.ok) throw new UsageError(`--${kind}: ${n.reason}`);
  let name = n.value;
  if (kind === "user") {
    await store.catchUp();
    name = await personProfileName(store, n.value, await privacyFilter(store));
  }
  // Opted out or absent: NotFoundError, printed as "error: ..." with exit code 1.
  io.out(jsonText(await readProfile(store, kind, name)));
  return 0;
}

/** `profiles list [--users | --channels]`: one name a line, channels first. */
async function list(store: Store, p: Parsed, io: CliIO): Promise<number> {
  const onlyUsers = p.values.users === true;
  const onlyChannels = p.values.channels === true;
  if (onlyUsers && onlyChannels) throw new UsageError("give --users or --channels, not both");
  const out: string[] = [];
  if (!onlyUsers) {
    for (const c of await listProfiles(store, "channel")) {
      out.push(onlyChannels ? c : `channel ${c}`);
    }
  }
  if (!onlyChannels) {
    for (const u of await listProfiles(store, "user")) out.push(onlyUsers ? u : `user ${u}`);
  }
  io.out(out.map((l) => l + "\n").join(""));
  return 0;
}

/** `profiles rebuild`: every profile from the log; what it did on stderr. */
async function rebuild(store: Store, p: Parsed, io: CliIO): Promise<number> {
  const { dataDir, quiet } = p.common;
  const t0 = performance.now();
  const r = await store.rebuild({ index: false });
  if (!quiet) {
    io.err(
      `profiles: rebuilt from ${r.folded} messages in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      }s: ${r.profiles.users} user and ${r.profiles.channels} channel profiles written` +
        (r.profiles.removed ? `, ${r.profiles.removed} stale removed` : "") +
        (r.skipped ? `, ${r.skipped} log lines skipped (not message records)` : "") +
        `\nprofiles: in ${profileDir(dataDir, "user")} and ${profileDir(dataDir, "channel")}\n`,
    );
  }
  return 0;
}
