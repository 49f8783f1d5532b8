/**
 * `index rebuild | status`: the search index (`<data>/index.sqlite`), derived from the log.
 * Never needs the network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { layout } from "../store/layout.ts";
import { openStore, type Store } from "../store/store.ts";
import { COMMON_HELP, parseCommand, storeConfig, subcommandHelp } from "./args.ts";
import type { CliIO } from "./io.ts";

const HELP = `Usage: twitch-osint index rebuild | status

  rebuild   rebuilds <data>/index.sqlite from <data>/logs/messages.jsonl
  status    prints, as JSON, how much of the log the index covers and whether it is current,
            and the same for the rollup state behind the profiles (profiles.sqlite)

The index is derived data: deleting it loses nothing, and search catches it up by itself.

${COMMON_HELP}
`;

/** `index <subcommand>`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  const p = parseCommand(rest, HELP, io, {});
  if (p === null) return 0;
  const { dataDir, quiet } = p.common;
  const store = await openStore(storeConfig(p.common));
  try {
    return await subcommand(store, sub, dataDir, quiet, io);
  } finally {
    await store.close();
  }
}

async function subcommand(
  store: Store,
  sub: string | undefined,
  dataDir: string,
  quiet: boolean,
  io: CliIO,
): Promise<number> {
  switch (sub) {
    case "rebuild": {
      const t0 = performance.now();
      const r = await store.rebuild({ profiles: false });
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
      io.out(JSON.stringify(await store.status(), null, 2) + "\n");
      return 0;
    default:
      throw new UsageError(`unknown index subcommand "${sub}" (expected rebuild or status)`);
  }
}
