/**
 * `profiles show | list | rebuild`: the per-user and per-channel profiles derived from the
 * message log. `show` and `list` first bring profiles up to date with the log when no monitor
 * is writing (a running monitor keeps them current itself). Never needs the network.
 *
 * @module
 */
import { join } from "node:path";
import { NotFoundError, UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { profileDir, type ProfileKind, profilePath } from "../store/layout.ts";
import { catchUpDerived, rebuildDerived } from "../store/derived.ts";
import { privacyFilter } from "../privacy/optout.ts";
import { COMMON_HELP, parseCommand, str, subcommandHelp } from "./args.ts";
import type { CliIO } from "./io.ts";
import { requireMessageLog } from "./totals.ts";

const HELP = `Usage: twitch-osint profiles show --user NAME | --channel NAME
       twitch-osint profiles list [--users | --channels]
       twitch-osint profiles rebuild

  show      prints one profile (<data>/profiles/users/NAME.json or channels/NAME.json)
  list      lists the profiles: "user NAME" and "channel NAME" lines (names only with
            --users or --channels)
  rebuild   recomputes every profile from <data>/logs/messages.jsonl and rewrites the files
            (the same bytes the live updates write); removes profiles of vanished names

${COMMON_HELP}

Examples:
  twitch-osint profiles show --user someuser
  twitch-osint profiles list --channels
`;

async function listNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".json")) continue;
      if (!e.name.startsWith("~")) {
        names.push(e.name.slice(0, -5));
        continue;
      }
      // A name that is not a login is hashed into the file name: read it from the file.
      try {
        const v = JSON.parse(await Deno.readTextFile(join(dir, e.name)));
        const n = v.user_name ?? v.channel;
        if (typeof n === "string") names.push(n);
      } catch {
        // Being replaced or unreadable: skip.
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

/** `profiles <subcommand>`. */
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
  const { dataDir, quiet } = p.common;
  // The readers need a data dir with a log: a wrong --data-dir is an error, not "nothing".
  if (sub === "show" || sub === "list") await requireMessageLog(dataDir, io, quiet);
  switch (sub) {
    case "show": {
      const user = str(p, "user");
      const channel = str(p, "channel");
      if ((user === undefined) === (channel === undefined)) {
        throw new UsageError("profiles show needs exactly one of --user NAME or --channel NAME");
      }
      const kind: ProfileKind = user !== undefined ? "user" : "channel";
      const n = normalizeLogin((user ?? channel)!);
      if (!n.ok) throw new UsageError(`--${kind}: ${n.reason}`);
      const privacy = await privacyFilter(dataDir);
      if (kind === "user" ? !privacy.allows(n.value, "") : !privacy.allows(null, n.value)) {
        io.err(`error: ${kind} "${n.value}" is on the opt-out list: its profile is not served\n`);
        return 1;
      }
      await catchUpDerived(dataDir);
      const path = profilePath(dataDir, kind, n.value);
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
        throw new NotFoundError(
          `no profile for ${kind} "${n.value}" (no messages from it in ${dataDir})`,
          { cause: e },
        );
      }
      io.out(text);
      return 0;
    }
    case "list": {
      const onlyUsers = p.values.users === true;
      const onlyChannels = p.values.channels === true;
      if (onlyUsers && onlyChannels) throw new UsageError("give --users or --channels, not both");
      await catchUpDerived(dataDir);
      const privacy = await privacyFilter(dataDir);
      const out: string[] = [];
      if (!onlyUsers) {
        for (const c of await listNames(profileDir(dataDir, "channel"))) {
          if (!privacy.allows(null, c)) continue;
          out.push(onlyChannels ? c : `channel ${c}`);
        }
      }
      if (!onlyChannels) {
        for (const u of await listNames(profileDir(dataDir, "user"))) {
          if (!privacy.allows(u, "")) continue;
          out.push(onlyUsers ? u : `user ${u}`);
        }
      }
      io.out(out.map((l) => l + "\n").join(""));
      return 0;
    }
    case "rebuild": {
      const t0 = performance.now();
      const r = await rebuildDerived(dataDir, { index: false });
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
    default:
      throw new UsageError(`unknown profiles subcommand "${sub}" (expected show, list or rebuild)`);
  }
}
