/**
 * `index rebuild | status`: the search index (`<data>/index.sqlite`), derived from the log.
 * Never needs the network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { layout } from "../store/layout.ts";
import { markHolds, MessageIndex } from "../store/index.ts";
import { rebuildDerived, tryWriterLock } from "../store/derived.ts";
import { COMMON_HELP, parseFlags } from "./args.ts";
import type { CliIO } from "./io.ts";

const HELP = `Usage: twitch-osint index rebuild | status

  rebuild   rebuilds <data>/index.sqlite from <data>/logs/messages.jsonl
  status    prints, as JSON, how much of the log the index covers and whether it is current

The index is derived data: deleting it loses nothing, and search catches it up by itself.

${COMMON_HELP}
`;

/** The state of the index of a data dir. */
export interface IndexStatus {
  index: string;
  log: string;
  state: "current" | "behind" | "stale" | "missing" | "no-log";
  log_bytes: number;
  indexed_bytes: number;
  indexed_messages: number;
  /** `busy` while a monitor (or a rebuild) is writing it. */
  writer: "busy" | "free";
}

async function status(dataDir: string): Promise<IndexStatus> {
  const l = layout(dataDir);
  let logBytes = 0;
  let hasLog = true;
  try {
    logBytes = (await Deno.stat(l.messages)).size;
  } catch {
    hasLog = false;
  }
  const lock = await tryWriterLock(dataDir).catch(() => null);
  const writer = lock ? "free" : "busy";
  lock?.close();
  const base = { index: l.index, log: l.messages, log_bytes: logBytes, writer } as const;
  let ix: MessageIndex;
  try {
    await Deno.stat(l.index);
    ix = MessageIndex.open(l.index, { readOnly: true });
  } catch {
    return { ...base, state: hasLog ? "missing" : "no-log", indexed_bytes: 0, indexed_messages: 0 };
  }
  try {
    const mark = ix.mark;
    let holds = false;
    if (hasLog) {
      const f = Deno.openSync(l.messages, { read: true });
      try {
        holds = markHolds(f, logBytes, mark);
      } finally {
        f.close();
      }
    }
    return {
      ...base,
      state: !hasLog ? "no-log" : !holds ? "stale" : mark.offset < logBytes ? "behind" : "current",
      indexed_bytes: mark.offset,
      indexed_messages: ix.count(),
    };
  } finally {
    ix.close();
  }
}

/** `index <subcommand>`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    (sub ? io.out : io.err)(HELP);
    return sub ? 0 : 2;
  }
  const p = parseFlags(rest, {}, io.env);
  if (p.help) {
    io.out(HELP);
    return 0;
  }
  if (p.positionals.length) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
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
