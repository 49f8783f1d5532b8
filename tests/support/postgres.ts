/**
 * A private PostgreSQL for the tests: one cluster per test process (started on first use,
 * stopped and deleted when the process ends), a fresh database per test.
 *
 * - Finds Debian's server under `/usr/lib/postgresql/<version>/bin`; when it is missing and we
 *   are root (CI on a fresh machine), installs it with `apt-get install -y postgresql` (one
 *   installer at a time: a lock file under the temporary directory).
 * - `initdb` (as the `postgres` user when we are root: the server refuses to run as root) with
 *   trust authentication, UTF-8 and the C locale, in a new temporary directory; the server
 *   listens on a free loopback port and on a Unix socket inside that directory only.
 * - Durability is off (`fsync`, `synchronous_commit`, `full_page_writes`): a test cluster
 *   never outlives its run.
 * - Clusters left behind by a killed test process (their owner pid is gone) are stopped and
 *   deleted by the next run.
 *
 * In CI (`CI` or `OSINT_REQUIRE_POSTGRES` set, as `.ci/run` does) a server that cannot start is
 * an error: {@link postgresOrSkip} throws and the test file fails. Elsewhere the PostgreSQL tests
 * are skipped with one line saying why.
 *
 * @module
 */
import { join } from "node:path";

/** A running test cluster. */
export interface TestCluster {
  /** The superuser URL of the maintenance database (`postgres`). */
  readonly adminUrl: string;
  readonly host: string;
  readonly port: number;
  /** The server's bin directory (for pg_dump, pg_ctl). */
  readonly bin: string;
  /** The data directory of the cluster. */
  readonly dataDir: string;
  /** Creates a new empty database and returns its URL. */
  database(prefix?: string): Promise<string>;
  /**
   * Stops the server (`immediate`: as if killed, no shutdown checkpoint); a no-op when stopped.
   * {@link TestCluster.start} starts it again.
   */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts a stopped server on the same port. */
  start(): Promise<void>;
  /** Runs a bin tool (psql, pg_dump) as the cluster's owner; returns stdout. */
  tool(name: string, args: string[]): Promise<string>;
}

const ROOT_PREFIX = "twitch_osint_pg_";

function isRoot(): boolean {
  return Deno.uid?.() === 0;
}

async function run(
  cmd: string,
  args: string[],
  options: { asOwner?: boolean; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let argv = [cmd, ...args];
  if (options.asOwner && isRoot()) argv = ["runuser", "-u", "postgres", "--", ...argv];
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    ...(options.env ? { env: options.env } : {}),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function runSync(cmd: string, args: string[], asOwner: boolean): void {
  let argv = [cmd, ...args];
  if (asOwner && isRoot()) argv = ["runuser", "-u", "postgres", "--", ...argv];
  try {
    new Deno.Command(argv[0]!, { args: argv.slice(1), stdout: "null", stderr: "null" })
      .outputSync();
  } catch {
    // Best effort at exit.
  }
}

/** The newest installed server's bin directory, or null. */
export function findPostgresBin(): string | null {
  let versions: number[] = [];
  try {
    versions = [...Deno.readDirSync("/usr/lib/postgresql")]
      .map((e) => Number(e.name))
      .filter((n) => Number.isFinite(n))
      .sort((a, b) => b - a);
  } catch {
    return null;
  }
  for (const v of versions) {
    const bin = `/usr/lib/postgresql/${v}/bin`;
    try {
      Deno.statSync(join(bin, "initdb"));
      return bin;
    } catch {
      // Client only.
    }
  }
  return null;
}

async function install(): Promise<void> {
  if (!isRoot()) {
    throw new Error("PostgreSQL is not installed and we are not root to apt-get install it");
  }
  // One installer at a time across parallel test processes.
  const lockPath = join(Deno.env.get("TMPDIR") ?? "/tmp", "twitch_osint_pg_install.lock");
  const lock = await Deno.open(lockPath, { create: true, write: true });
  try {
    await lock.lock(true);
    if (findPostgresBin() !== null) return;
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    const update = await run("apt-get", ["update"], { env });
    if (update.code !== 0) throw new Error(`apt-get update failed: ${update.stderr.trim()}`);
    const inst = await run("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], {
      env,
    });
    if (inst.code !== 0) {
      throw new Error(`apt-get install postgresql failed: ${inst.stderr.trim()}`);
    }
  } finally {
    await lock.unlock().catch(() => {});
    lock.close();
  }
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function pidAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Stops and deletes clusters whose test process is gone (killed before its cleanup). */
function sweepOrphans(tmp: string, bin: string): void {
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(tmp)];
  } catch {
    return;
  }
  for (const e of entries) {
    const m = new RegExp(`^${ROOT_PREFIX}(\\d+)_`).exec(e.name);
    if (!m || !e.isDirectory || pidAlive(Number(m[1]))) continue;
    const root = join(tmp, e.name);
    runSync(join(bin, "pg_ctl"), ["stop", "-D", join(root, "data"), "-m", "immediate"], true);
    try {
      Deno.removeSync(root, { recursive: true });
    } catch {
      // Someone else's.
    }
  }
}

let databases = 0;

async function startCluster(): Promise<TestCluster> {
  let bin = findPostgresBin();
  if (bin === null) {
    await install();
    bin = findPostgresBin();
    if (bin === null) {
      throw new Error("postgresql installed but no initdb under /usr/lib/postgresql");
    }
  }
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  sweepOrphans(tmp, bin);
  const root = await Deno.makeTempDir({ dir: tmp, prefix: `${ROOT_PREFIX}${Deno.pid}_` });
  const dataDir = join(root, "data");
  if (isRoot()) {
    const chown = await run("chown", ["postgres:postgres", root]);
    if (chown.code !== 0) throw new Error(`chown ${root}: ${chown.stderr.trim()}`);
  }
  const init = await run(join(bin, "initdb"), [
    "-D",
    dataDir,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ], { asOwner: true });
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr.trim()}`);
  const port = freePort();
  const host = "127.0.0.1";
  const opts = [
    `-p ${port}`,
    `-k ${root}`,
    `-h ${host}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
    "-c shared_buffers=64MB",
  ].join(" ");
  const log = join(root, "server.log");
  const ctl = async (args: string[]) => {
    const r = await run(join(bin, "pg_ctl"), args, { asOwner: true });
    if (r.code !== 0) {
      let tail = "";
      try {
        tail = (await Deno.readTextFile(log)).split("\n").slice(-5).join(" | ");
      } catch {
        // No log yet.
      }
      throw new Error(`pg_ctl ${args[0]} failed: ${(r.stderr || r.stdout).trim()} ${tail}`);
    }
  };
  let running = false;
  const start = async () => {
    if (running) return;
    await ctl(["start", "-D", dataDir, "-w", "-t", "60", "-l", log, "-o", opts]);
    running = true;
  };
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    if (!running) return;
    await ctl(["stop", "-D", dataDir, "-w", "-m", mode]);
    running = false;
  };
  await start();
  // Stop and delete the cluster when this process ends.
  globalThis.addEventListener("unload", () => {
    runSync(join(bin, "pg_ctl"), ["stop", "-D", dataDir, "-m", "immediate"], true);
    try {
      Deno.removeSync(root, { recursive: true });
    } catch {
      // Best effort.
    }
  });
  const adminUrl = `postgresql://postgres@${host}:${port}/postgres`;
  const tool = async (name: string, args: string[]) => {
    const r = await run(join(bin, name), [
      "-h",
      host,
      "-p",
      String(port),
      "-U",
      "postgres",
      ...args,
    ]);
    if (r.code !== 0) throw new Error(`${name} failed: ${r.stderr.trim()}`);
    return r.stdout;
  };
  return {
    adminUrl,
    host,
    port,
    bin,
    dataDir,
    stop,
    start,
    tool,
    async database(prefix = "t") {
      const name = `${prefix}_${Deno.pid}_${++databases}`;
      await tool("psql", [
        "-d",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-qc",
        `CREATE DATABASE ${name}`,
      ]);
      return `postgresql://postgres@${host}:${port}/${name}`;
    },
  };
}

let shared: Promise<TestCluster> | null = null;

/** The cluster of this test process, started on first use. Throws when it cannot start. */
export function testCluster(): Promise<TestCluster> {
  shared ??= startCluster();
  return shared;
}

/**
 * The cluster, or null when it cannot start outside CI (the caller skips its tests, and the
 * reason is printed once). In CI (`CI` or `OSINT_REQUIRE_POSTGRES` set) a failure to start
 * throws: PostgreSQL tests fail, never skip.
 */
export async function postgresOrSkip(): Promise<TestCluster | null> {
  try {
    return await testCluster();
  } catch (e) {
    if (Deno.env.get("CI") || Deno.env.get("OSINT_REQUIRE_POSTGRES")) throw e;
    console.error(`skipping PostgreSQL tests: ${e instanceof Error ? e.message : e}`);
    return null;
  }
}
