/**
 * Helpers for CLI tests: run `main()` in-process with a fake {@link CliIO} that captures what
 * was printed, or run `main.ts` as a real `deno run` process in a temporary directory.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { main } from "../../main.ts";
import type { Env } from "../../src/config.ts";

/** The repository root (where main.ts and deno.json live). */
export const REPO: string = fileURLToPath(new URL("../..", import.meta.url));

/** main.ts, as an absolute path. */
export const MAIN: string = join(REPO, "main.ts");

/** The repository's shipped fixtures. */
export const FIXTURES: string = join(REPO, "fixtures");

/** What a command printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary directory removed (recursively) when disposed. */
export interface TempDir extends AsyncDisposable {
  path: string;
}

/** Creates a temporary directory for `await using`. */
export async function tempDir(prefix = "osint_test_"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** An {@link Env} over a plain record (nothing from the real environment or `.env`). */
export function envOf(vars: Record<string, string> = {}): Env {
  return (name) => (vars[name] === "" ? undefined : vars[name]);
}

/** Options of {@link runMain}. */
export interface RunMainOptions {
  env?: Record<string, string>;
  /** Pretend stderr is a terminal (progress line shown). @default false */
  errIsTerminal?: boolean;
  /** Aborts the command as SIGINT would. @default never aborted */
  signal?: AbortSignal;
  /** Answers yes/no questions as a person at a terminal would. @default not a terminal */
  confirm?: (question: string) => Promise<boolean>;
}

/** Runs `main(argv)` in this process with captured output. */
export async function runMain(argv: string[], options: RunMainOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    errIsTerminal: options.errIsTerminal ?? false,
    env: envOf(options.env),
    signal: options.signal ?? new AbortController().signal,
    ...(options.confirm ? { confirm: options.confirm } : {}),
  });
  return { code, stdout, stderr };
}

/** Options of {@link spawnCli}. */
export interface SpawnOptions {
  /** Working directory of the child (a temp dir, so that no `.env` or `./data` is picked up). */
  cwd: string;
  /** Deno permission flags. @default read, write, env */
  permissions?: string[];
  /** Extra environment variables (the child gets only these and what deno needs). */
  env?: Record<string, string>;
  /** The script to run. @default main.ts of the repository */
  entry?: string;
  /** Run without the repository's deno.json (a self-contained bundle). @default false */
  noConfig?: boolean;
}

/** The environment a child deno needs to find its cache, and nothing of ours. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...extra };
}

/** Starts `deno run <permissions> main.ts ...args` as a real process (stdout/stderr piped). */
export function spawnCli(args: string[], options: SpawnOptions): Deno.ChildProcess {
  const permissions = options.permissions ?? ["--allow-read", "--allow-write", "--allow-env"];
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...(options.noConfig ? ["--no-config"] : ["--config", join(REPO, "deno.json")]),
      ...permissions,
      options.entry ?? MAIN,
      ...args,
    ],
    cwd: options.cwd,
    clearEnv: true,
    env: childEnv(options.env),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Collects a spawned child's exit code and output. */
export async function collect(child: Deno.ChildProcess): Promise<CliResult> {
  const r = await child.output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

/** Runs main.ts as a real process to completion. */
export function runCli(args: string[], options: SpawnOptions): Promise<CliResult> {
  return collect(spawnCli(args, options));
}

/**
 * Reads `messages.jsonl` of a data dir as parsed records (throws on a line that is not JSON).
 * `whileWriting`: a monitor may be appending, so a last line without its newline yet is a
 * batch still being written, left out (otherwise it is an error).
 */
export async function readMessages(
  dataDir: string,
  options: { whileWriting?: boolean } = {},
): Promise<Array<Record<string, unknown>>> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dataDir, "logs", "messages.jsonl"));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  if (options.whileWriting) text = text.slice(0, text.lastIndexOf("\n") + 1);
  if (text === "") return [];
  if (!text.endsWith("\n")) throw new Error("messages.jsonl does not end with a newline");
  return text.slice(0, -1).split("\n").map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`messages.jsonl:${i + 1} is not JSON: ${(e as Error).message}`);
    }
  });
}

/** The message ids of records; fails the caller's expectation through the returned counts. */
export function idsOf(records: Array<Record<string, unknown>>): string[] {
  return records.map((r) => String(r.message_id));
}

/** Writes fixture lines (objects or raw strings) to `<dir>/chat/<channel>.jsonl`. */
export async function writeFixture(
  fixturesDir: string,
  channel: string,
  lines: Array<Record<string, unknown> | string>,
): Promise<string> {
  const path = join(fixturesDir, "chat", `${channel}.jsonl`);
  await Deno.mkdir(join(fixturesDir, "chat"), { recursive: true });
  await Deno.writeTextFile(
    path,
    lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n",
  );
  return path;
}

/**
 * Replays the shipped fixtures of both channels with no delay, in-process, with `args` added
 * (at least `--data-dir`); fails with the command's stderr unless it exits 0.
 */
export async function replayShipped(args: string[]): Promise<CliResult> {
  const r = await runMain([
    "chat",
    "run",
    "--channels",
    "example_channel,devchat",
    "--offline",
    "--speed",
    "0",
    "--fixtures-dir",
    FIXTURES,
    ...args,
  ]);
  if (r.code !== 0) throw new Error(`chat run exited ${r.code}: ${r.stderr}`);
  return r;
}
