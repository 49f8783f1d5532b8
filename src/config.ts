/**
 * Configuration: the options every subcommand shares, from flags, the environment and `.env`.
 * Flags win over the environment, which wins over `.env`, which wins over defaults.
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import { joinPath } from "./path_join.ts";

/**
 * `./fixtures` when the working directory has one; otherwise the fixtures shipped beside the
 * program (inside the compiled executable, where `deno compile --include fixtures` puts them).
 */
export function defaultFixturesDir(): string {
  try {
    if (Deno.statSync("./fixtures").isDirectory) return "./fixtures";
  } catch {
    // Not here (or not readable): use the shipped copy.
  }
  // A file path when this module is a file (also inside a compiled executable); not in a bundle
  // served over http.
  const here = import.meta.dirname;
  return here === undefined ? "./fixtures" : joinPath(here, "..", "fixtures");
}

/** Options shared by every subcommand. */
export interface CommonOptions {
  /** `--data-dir`, env `OSINT_DATA_DIR`. @default "./data" */
  dataDir: string;
  /** `--fixtures-dir`, env `OSINT_FIXTURES_DIR`. @default "./fixtures", else the shipped ones */
  fixturesDir: string;
  /**
   * `--database-url`, env `OSINT_DATABASE_URL`: a `postgresql://` URL selects the PostgreSQL
   * store (holds a password, maybe: never print it). @default undefined (the embedded store)
   */
  databaseUrl?: string;
  /** `--debug`: stack traces and internal detail on stderr. */
  debug: boolean;
  /** `--quiet`: no progress and no summary, only errors and requested output. */
  quiet: boolean;
}

/** Reads the environment: the real one merged over a `.env` file in the working directory. */
export type Env = (name: string) => string | undefined;

/**
 * Parses `.env` text: `KEY=value` lines, `#` comments, optional quotes; no interpolation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDotEnv } from "./config.ts";
 * const vars = parseDotEnv('# bot\nexport OSINT_DATA_DIR=./d # here\nTOKEN="oauth:a#b" # c\n');
 * assert.deepEqual([...vars], [["OSINT_DATA_DIR", "./d"], ["TOKEN", "oauth:a#b"]]);
 * ```
 */
export function parseDotEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] ?? "";
    // A quoted value may be followed by a comment: `TOKEN="oauth:abc" # bot`.
    const quoted = /^(["'])(.*?)\1\s*(?:#.*)?$/.exec(value);
    if (quoted) {
      value = quoted[2]!;
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out.set(m[1]!, value);
  }
  return out;
}

/** The process environment over `.env` (when readable). Empty values count as unset. */
export function loadEnv(dotEnvPath = ".env"): Env {
  let fileVars = new Map<string, string>();
  try {
    fileVars = parseDotEnv(Deno.readTextFileSync(dotEnvPath));
  } catch {
    // No .env (or no permission to read it): the environment alone.
  }
  return (name) => {
    let v: string | undefined;
    try {
      v = Deno.env.get(name);
    } catch {
      v = undefined;
    }
    if (v === undefined || v === "") v = fileVars.get(name);
    return v === "" ? undefined : v;
  };
}

/**
 * Resolves the common options from parsed flags and the environment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commonOptions } from "./config.ts";
 * const vars: Record<string, string> = { OSINT_DATA_DIR: "/srv/osint", OSINT_FIXTURES_DIR: "/fx" };
 * const env = (name: string) => vars[name];
 * assert.deepEqual(commonOptions({ quiet: true }, env), {
 *   dataDir: "/srv/osint",
 *   fixturesDir: "/fx",
 *   debug: false,
 *   quiet: true,
 * });
 * // A flag wins over the environment; an empty data dir is a usage error.
 * assert.equal(commonOptions({ "data-dir": "./mine" }, env).dataDir, "./mine");
 * assert.throws(() => commonOptions({ "data-dir": " " }, env), /--data-dir must not be empty/);
 * ```
 */
export function commonOptions(
  flags: {
    "data-dir"?: string;
    "fixtures-dir"?: string;
    "database-url"?: string;
    debug?: boolean;
    quiet?: boolean;
  },
  env: Env,
): CommonOptions {
  const dataDir = flags["data-dir"] ?? env("OSINT_DATA_DIR") ?? "./data";
  const fixturesDir = flags["fixtures-dir"] ?? env("OSINT_FIXTURES_DIR") ?? defaultFixturesDir();
  if (!dataDir.trim()) throw new UsageError("--data-dir must not be empty");
  const databaseUrl = flags["database-url"] ?? env("OSINT_DATABASE_URL");
  return {
    dataDir,
    fixturesDir,
    ...(databaseUrl !== undefined && databaseUrl.trim() !== "" ? { databaseUrl } : {}),
    debug: flags.debug ?? false,
    quiet: flags.quiet ?? false,
  };
}

/**
 * True when a command line (or the environment) names a database URL: the command then reaches
 * PostgreSQL over the network, so it must keep the net permission it would otherwise drop. It
 * lives here, beside the environment, so that `main.ts` can ask it without loading the flag
 * parser and its imports (libphonenumber's metadata cost every command 35 ms of start-up).
 */
export function usesDatabase(args: readonly string[], env: Env): boolean {
  return env("OSINT_DATABASE_URL") !== undefined ||
    args.some((a) => a === "--database-url" || a.startsWith("--database-url="));
}
