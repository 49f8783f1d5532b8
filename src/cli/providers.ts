/**
 * `providers list`: the enrichment providers this installation has (built-in and those named
 * in the providers config), what subject types each supports, and whether it needs the network
 * or an API key.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { choice, COMMON_HELP, parseCommand, str, subcommandHelp } from "./args.ts";
import type { CliIO, Handler } from "./io.ts";
import { columns } from "./table.ts";
import { loadRegistry } from "../subjects/providers/registry.ts";
import { networkUse } from "../subjects/providers/provider.ts";

const HELP = `Usage: twitch-osint providers list [--format table|json] [--providers-config FILE]

Lists the enrichment providers: built-in ones, then third-party ones loaded from the modules
named in the providers config (<data>/providers.json, or FILE; see docs/providers.md).

Columns: name, subject types, network (no / optional: only with --network / required),
key (the environment variable holding it), where it comes from, description.

Options:
  --format table|json      output format (default table)
  --providers-config FILE  providers config instead of <data>/providers.json

${COMMON_HELP}

Example:
  twitch-osint providers list --format json
`;

/** One row of `providers list`. */
export interface ProviderRow {
  name: string;
  supports: string[];
  network: "no" | "optional" | "required";
  key: string | null;
  origin: string;
  description: string;
}

function table(rows: ProviderRow[]): string {
  const head = ["NAME", "TYPES", "NETWORK", "KEY", "ORIGIN", "DESCRIPTION"];
  const cells = rows.map((r) => [
    r.name,
    r.supports.join(","),
    r.network,
    r.key ?? "no",
    r.origin,
    r.description,
  ]);
  return columns(head, cells);
}

/**
 * `providers <subcommand>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./providers.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const dataDir = await Deno.makeTempDir();
 * assert.equal(await run(["list", "--data-dir", dataDir, "--format", "json"], io), 0);
 * type Row = { name: string; network: string; origin: string };
 * assert.deepEqual(JSON.parse(out).map((p: Row) => [p.name, p.network, p.origin]), [
 *   ["gravatar_like", "optional", "built-in"],
 *   ["handle_presence", "no", "built-in"],
 *   ["phone_info", "no", "built-in"],
 *   ["chat_presence", "no", "built-in"],
 * ]);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export const run: Handler = async (args: string[], io: CliIO): Promise<number> => {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  if (sub !== "list") throw new UsageError(`unknown providers subcommand "${sub}" (expected list)`);
  const p = parseCommand(rest, HELP, io, {
    format: { type: "string" },
    "providers-config": { type: "string" },
  });
  if (p === null) return 0;
  const format = choice(p, "format", ["table", "json"]);
  const registry = await loadRegistry({
    dataDir: p.common.dataDir,
    configPath: str(p, "providers-config"),
  });
  const rows: ProviderRow[] = registry.providers.map((q) => ({
    name: q.name,
    supports: [...q.supports],
    network: networkUse(q),
    key: q.needsKey ? (q.keyEnv ?? "yes") : null,
    origin: registry.origins[q.name] ?? "built-in",
    description: q.description,
  }));
  io.out(format === "json" ? JSON.stringify(rows, null, 2) + "\n" : table(rows));
  return 0;
};
