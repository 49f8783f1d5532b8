/**
 * Command-line options of the benchmark scripts: `node:util`'s `parseArgs`, with `--help`
 * printing the script's own doc comment (its usage lines live there, so they are written once)
 * and a wrong option or value ending the script with one line naming it (exit 2), instead of a
 * stack trace or a run with a silently wrong setting.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { usageOf } from "./_args.ts";
 * deepStrictEqual(usageOf("/** Does X.\n *\n *   deno run b.ts [--n 3]\n *" + "/\ncode"), "Does X.\n\n  deno run b.ts [--n 3]");
 * ```
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** The text of a module's leading doc comment, without its `*` margins. */
export function usageOf(source: string): string {
  const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(source);
  if (!m) return "";
  return (m[1] ?? "").split("\n").map((l) => l.replace(/^\s*\* ?/, "")).join("\n").trim();
}

/** Ends the script: the usage on `--help`, else one line naming what is wrong. */
function stop(script: string, message: string | null): never {
  if (message === null) {
    const path = new URL(script).pathname;
    console.log(usageOf(Deno.readTextFileSync(path)));
    Deno.exit(0);
  }
  const name = new URL(script).pathname.split("/").slice(-2).join("/");
  console.error(`${name}: ${message} (see --help)`);
  Deno.exit(2);
}

/**
 * `parseArgs` over `Deno.args` for the script at `script` (its `import.meta.url`). Options are
 * strict: an unknown one, or a missing value, stops the script with one line.
 */
export function benchArgs<C extends Omit<ParseArgsConfig, "args">>(
  script: string,
  config: C,
): ReturnType<typeof parseArgs<C & { args: string[] }>> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) stop(script, null);
  try {
    return parseArgs({ ...config, args: Deno.args });
  } catch (e) {
    // node:util reports every misuse as a TypeError with an ERR_PARSE_ARGS_* code.
    stop(script, e instanceof Error ? e.message : String(e));
  }
}
