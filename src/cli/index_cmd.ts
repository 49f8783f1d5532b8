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

/**
 * `index <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./index_cmd.ts";
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
 * await run(["rebuild", "--data-dir", dataDir], io);
 * assert.match(err, /^index: 3 messages indexed in [\d.]+s -> /);
 * await run(["status", "--data-dir", dataDir], io);
 * const status = JSON.parse(out);
 * assert.deepEqual([status.state, status.indexed_messages, status.writer], ["current", 3, "free"]);
 * assert.equal(status.indexed_bytes, status.log_bytes);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
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
