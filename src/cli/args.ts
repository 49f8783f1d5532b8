/**
 * Flag parsing for every subcommand, as `node:util`'s `parseArgs` reads flags (`flag_parser.ts`,
 * which spares start-up Node's compatibility layer), with the options they all share and parse
 * failures turned into {@link UsageError} (exit code 2).
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { type CommonOptions, commonOptions, type Env } from "../config.ts";
import type { StoreConfig } from "../store/store.ts";
import { DEFAULT_REGION } from "../normalize.ts";
import type { CliIO } from "./io.ts";
import { parseFlagArgs } from "./flag_parser.ts";

/** A flag definition as `parseArgs` takes it. */
export type FlagSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }
>;

/** The flags every subcommand accepts. */
const COMMON_FLAGS: FlagSpec = {
  "data-dir": { type: "string" },
  "fixtures-dir": { type: "string" },
  "database-url": { type: "string" },
  debug: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
};

/** The common help lines appended to every subcommand's help. */
export const COMMON_HELP = `Common options:
  --data-dir DIR       where data is written (env OSINT_DATA_DIR, default ./data)
  --fixtures-dir DIR   replay fixtures and lookup data (env OSINT_FIXTURES_DIR, default ./fixtures)
  --database-url URL   a PostgreSQL shared by a fleet of monitors (env OSINT_DATABASE_URL;
                       default: the embedded store in the data dir)
  --quiet, -q          no progress or summary on stderr
  --debug              stack traces on errors
  --help, -h           this help`;

export { usesDatabase } from "../config.ts";

/** Which store the common options select: PostgreSQL with a database URL, else embedded. */
export function storeConfig(common: CommonOptions): StoreConfig {
  return {
    dataDir: common.dataDir,
    ...(common.databaseUrl !== undefined ? { databaseUrl: common.databaseUrl } : {}),
  };
}

/** Parsed flags: string/boolean values by name, and positionals. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  common: CommonOptions;
  help: boolean;
}

/**
 * Parses `args` against `spec` plus the common flags. Unknown flags are usage errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intFlag, parseFlags } from "./args.ts";
 * const spec = { limit: { type: "string" }, user: { type: "string", multiple: true } } as const;
 * const env = (name: string) => (name === "OSINT_DATA_DIR" ? "/srv/osint" : undefined);
 * const p = parseFlags(["--user", "ann", "--user=bob", "-q", "--limit", "-5", "extra"], spec, env);
 * assert.deepEqual(p.values.user, ["ann", "bob"]);
 * assert.deepEqual(p.positionals, ["extra"]);
 * assert.deepEqual([p.common.dataDir, p.common.quiet, p.help], ["/srv/osint", true, false]);
 * // A negative number reaches the flag's own check instead of a parser complaint.
 * assert.throws(() => intFlag(p, "limit", { min: 1 }), {
 *   name: "UsageError",
 *   message: "--limit must be at least 1, got -5",
 * });
 * assert.throws(() => parseFlags(["--nope"], spec, env), {
 *   name: "UsageError",
 *   message: "unknown option --nope",
 * });
 * ```
 */
export function parseFlags(args: string[], spec: FlagSpec, env: Env): Parsed {
  const options = { ...COMMON_FLAGS, ...spec };
  let parsed;
  try {
    parsed = parseFlagArgs(joinNegativeValues(args, options), options);
  } catch (e) {
    // parseArgs messages are long and mention the API; keep the part that names the flag.
    const msg = e instanceof Error ? e.message.split(". ")[0]! : String(e);
    const said = msg.replace(/^Option '(.*?)' /, "option $1 ").replace(
      /^Unknown option '(.*?)'$/,
      "unknown option $1",
    );
    throw new UsageError(said, { cause: e });
  }
  const values = parsed.values as Parsed["values"];
  const common = commonOptions(
    {
      ...(typeof values["data-dir"] === "string" ? { "data-dir": values["data-dir"] } : {}),
      ...(typeof values["fixtures-dir"] === "string"
        ? { "fixtures-dir": values["fixtures-dir"] }
        : {}),
      ...(typeof values["database-url"] === "string"
        ? { "database-url": values["database-url"] }
        : {}),
      debug: values.debug === true,
      quiet: values.quiet === true,
    },
    env,
  );
  return { values, positionals: parsed.positionals, common, help: values.help === true };
}

/**
 * Rewrites `--flag -5` as `--flag=-5` for string flags. `parseArgs` refuses a value that starts
 * with `-` as "ambiguous", so a negative number never reached the flag's own check
 * (`--limit must be at least 1, got -1`); joining them lets every flag give its own message.
 */
function joinNegativeValues(args: readonly string[], spec: FlagSpec): string[] {
  const shortToLong = new Map<string, string>();
  for (const [name, f] of Object.entries(spec)) if (f.short) shortToLong.set(f.short, name);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    const name = a.startsWith("--")
      ? a.slice(2)
      : /^-[^-]$/.test(a)
      ? shortToLong.get(a[1]!)
      : undefined;
    if (
      name !== undefined && !a.includes("=") && spec[name]?.type === "string" &&
      next !== undefined && /^-(\d|\.\d)/.test(next)
    ) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** A string flag's value, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

/** A string flag that must be present. */
export function required(p: Parsed, name: string): string {
  const v = str(p, name);
  if (v === undefined || v.trim() === "") throw new UsageError(`--${name} is required`);
  return v;
}

/** An integer flag within bounds. */
export function intFlag(
  p: Parsed,
  name: string,
  options: { min?: number; max?: number; default?: number } = {},
): number | undefined {
  const v = str(p, name);
  if (v === undefined) return options.default;
  if (!/^-?\d+$/.test(v.trim())) {
    throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  }
  const n = Number(v);
  if (options.min !== undefined && n < options.min) {
    throw new UsageError(`--${name} must be at least ${options.min}, got ${n}`);
  }
  if (options.max !== undefined && n > options.max) {
    throw new UsageError(`--${name} must be at most ${options.max}, got ${n}`);
  }
  return n;
}

/** A non-negative decimal flag. */
export function numberFlag(p: Parsed, name: string, fallback: number): number {
  const v = str(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--${name} must be a number >= 0, got "${v}"`);
  }
  return n;
}

/**
 * The region national phone forms are read in: `--region`, else env `OSINT_DEFAULT_REGION`,
 * else US. A bad value is a usage error: a region libphonenumber does not know would silently
 * find no national phone numbers, so none would be redacted.
 */
export function regionFlag(p: Parsed, env: Env): string {
  const region = str(p, "region") ?? env("OSINT_DEFAULT_REGION") ?? DEFAULT_REGION;
  if (!/^[A-Za-z]{2}$/.test(region)) {
    throw new UsageError(`--region must be a two-letter country code, got "${region}"`);
  }
  return region;
}

/**
 * The help of a command with subcommands when none is given (to stderr, exit 2) or help is
 * asked for (to stdout, exit 0); null when `sub` names a subcommand to run.
 */
export function subcommandHelp(sub: string | undefined, help: string, io: CliIO): number | null {
  if (sub !== undefined && sub !== "--help" && sub !== "-h") return null;
  (sub ? io.out : io.err)(help);
  return sub ? 0 : 2;
}

/**
 * {@link parseFlags}, then `--help` (printed: null is returned, exit 0) and stray arguments
 * (a usage error, unless `positionals` are the command's own).
 */
export function parseCommand(
  args: string[],
  help: string,
  io: CliIO,
  spec: FlagSpec,
  options: { positionals?: boolean } = {},
): Parsed | null {
  const p = parseFlags(args, spec, io.env);
  if (p.help) {
    io.out(help);
    return null;
  }
  if (!options.positionals && p.positionals.length) {
    throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
  }
  return p;
}

/** A flag that must be one of `allowed` (the first is the default when it is absent). */
export function choice<T extends string>(p: Parsed, name: string, allowed: readonly T[]): T {
  const v = str(p, name) ?? allowed[0]!;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  const list = allowed.length > 1
    ? `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`
    : allowed[0];
  throw new UsageError(`--${name} must be ${list}, got "${v}"`);
}
