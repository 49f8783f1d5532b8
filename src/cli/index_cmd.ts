/**
 * `index rebuild | status`: the search index (`<data>/index.sqlite`), derived from the log.
 * Never needs the network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { layout } from "../store/layout.ts";
import { type LogMark, markHolds } from "../store/log_mark.ts";
import { MessageIndex } from "../store/message_index.ts";
import { ProfileStore } from "../store/profile_store.ts";
import { rebuildDerived, writerBusy } from "../store/derived.ts";
import { COMMON_HELP, parseCommand, subcommandHelp } from "./args.ts";
import type { CliIO } from "./io.ts";

const HELP = `Usage: twitch-osint index rebuild | status

  rebuild   rebuilds <data>/index.sqlite from <data>/logs/messages.jsonl
  status    prints, as JSON, how much of the log the index covers and whether it is current,
            and the same for the rollup state behind the profiles (profiles.sqlite)

The index is derived data: deleting it loses nothing, and search catches it up by itself.

${COMMON_HELP}
`;

/** How far a derived store covers the log. */
type Coverage = "current" | "behind" | "stale" | "missing" | "no-log";

/** The state of the index (and of the rollups behind the profiles) of a data dir. */
export interface IndexStatus {
  index: string;
  log: string;
  state: Coverage;
  log_bytes: number;
  indexed_bytes: number;
  indexed_messages: number;
  /** The same for the rollup state behind the profile files (`profiles.sqlite`). */
  profiles_state: Coverage;
  profiles_bytes: number;
  /** `busy` while a monitor (or a rebuild) is writing it. */
  writer: "busy" | "free";
}

/** Where a mark stands against the log (`logBytes` null: there is no log). */
function coverage(logPath: string, logBytes: number | null, mark: LogMark | null): Coverage {
  if (logBytes === null) return "no-log";
  if (mark === null) return "missing";
  const f = Deno.openSync(logPath, { read: true });
  try {
    if (!markHolds(f, logBytes, mark)) return "stale";
  } finally {
    f.close();
  }
  return mark.offset < logBytes ? "behind" : "current";
}

async function status(dataDir: string): Promise<IndexStatus> {
  const l = layout(dataDir);
  let logBytes: number | null = null;
  try {
    logBytes = (await Deno.stat(l.messages)).size;
  } catch {
    // No log yet.
  }
  const writer = (await writerBusy(dataDir)) ? "busy" : "free";
  const rollups = ProfileStore.persistedMark(dataDir);
  const out = (state: Coverage, indexedBytes: number, indexedMessages: number): IndexStatus => ({
    index: l.index,
    log: l.messages,
    log_bytes: logBytes ?? 0,
    state,
    indexed_bytes: indexedBytes,
    indexed_messages: indexedMessages,
    profiles_state: coverage(l.messages, logBytes, rollups),
    profiles_bytes: rollups?.offset ?? 0,
    writer,
  });
  let ix: MessageIndex;
  try {
    await Deno.stat(l.index);
    ix = MessageIndex.open(l.index, { readOnly: true });
  } catch {
    return out(coverage(l.messages, logBytes, null), 0, 0);
  }
  try {
    const mark = ix.mark;
    return out(coverage(l.messages, logBytes, mark), mark.offset, ix.count());
  } finally {
    ix.close();
  }
}

/** `index <subcommand>`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  const p = parseCommand(rest, HELP, io, {});
  if (p === null) return 0;
  const { dataDir, quiet } = p.common;
  switch (sub) {
    case "rebuild": {
      const t0 = performance.now();
      const r = await rebuildDerived(dataDir, { profiles: false });
      if (!quiet) {
        io.err(
          `index: ${r.indexed} messages indexed in ${
            ((performance.now() - t0) / 1000).toFixed(1)
          }s` +
            (r.skipped ? ` (${r.skipped} log lines skipped: not message records)` : "") +
            ` -> ${layout(dataDir).index}\n`,
        );
      }
      return 0;
    }
    case "status":
      io.out(JSON.stringify(await status(dataDir), null, 2) + "\n");
      return 0;
    default:
      throw new UsageError(`unknown index subcommand "${sub}" (expected rebuild or status)`);
  }
}
