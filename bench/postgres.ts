/**
 * PostgreSQL benchmark, with the embedded store beside it in the same run (a private
 * PostgreSQL started for the run, see tests/support/postgres.ts: initdb as the `postgres` user,
 * trust auth, a free loopback port, a temporary directory, stopped at the end; `fsync` and
 * `full_page_writes` off there, as in the tests; `shared_buffers` 512 MB, `wal_buffers` 32 MB,
 * `max_wal_size` 4 GB set here: say so when quoting the figures; each append still commits
 * with `synchronous_commit` on).
 *
 * 1. Ingest with rollups, one monitor: a data dir's log pushed into the database (the path
 *    every monitor's appends take: parse, COPY into a staging table, INSERT ... ON CONFLICT DO
 *    NOTHING RETURNING, queue the new ones for their rollups, upsert login spans; then the
 *    compaction that folds the queue into the rollups, included in the time), against the
 *    embedded store building its index and rollups from the same log; CPU seconds per 100k of
 *    the monitor and the server.
 *    Then the same push as a process of its own started cold (`bench/_pg_push.ts`), as each monitor of
 *    step 2 runs: the like-for-like base of step 2's ratio, with the cores it kept busy.
 * 2. Two monitors at once: two processes, two data dirs with half the log each plus a shared
 *    slice (channels both monitors joined), pushing into one database; combined rate against
 *    one monitor process, a check that every message is stored once, their CPU per 100k, the
 *    cores kept busy, what bounds the ratio on this machine (cores busy against CPU per
 *    message), and where the server's backends waited (`pg_stat_activity` sampled every 50 ms,
 *    by wait event).
 * 3. Search latency by query shape (those of bench/search.ts), medians, database against the
 *    embedded index, each answer compared.
 * 4. (`--search-rows N`) Search latency over N rows, database only: the rows are generated and
 *    COPYed straight into the messages table with its secondary indexes built afterwards (what
 *    a restore does), no rollups: this measures read latency, not ingest. Table and index
 *    sizes per million messages.
 * 5. (`--import N`) `db import` of a data dir of N messages (the journal push the command
 *    runs), with the sizes of every table per million messages.
 *
 * With `--statements`, `pg_stat_statements` is loaded in the bench cluster and steps 1 and 2
 * print the server time, calls and WAL per statement (per 100k messages).
 *
 * With `--tree DIR --alternate N` (instead of steps 1-3): N rounds, each pushing the log with
 * one monitor in-process and then with two monitor processes (as step 2), once with this tree
 * and once with `DIR`'s code, the order swapped every round (so that neither always runs first
 * or on a warmer cache), each into a fresh database; per round the rates, CPU per 100k and lock
 * waits, and at the end the median of each round's ratio, this tree against the baseline.
 *
 *   deno run -A bench/postgres.ts [--count 200000] [--runs 15] [--search-rows 1000000]
 *     [--import 1000000] [--tree /work/main] [--alternate 3] [--statements]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { generateChat } from "../scripts/chatgen.ts";
import { extractEmoteNames, extractMentions, extractUrls } from "../src/analysis/extract.ts";
import type { Message } from "../src/schemas.ts";
import { buildQuery, type SearchOptions } from "../src/query/search.ts";
import { openStore } from "../src/store/store.ts";
import { rebuildDerived } from "../src/store/embedded/derived_writer.ts";
import { layout } from "../src/store/layout.ts";
import { PgDatabase } from "../src/store/postgres/database.ts";
import { pushJournal } from "../src/store/postgres/journal.ts";
import { pgPrefilter } from "../src/store/postgres/prefilter.ts";
import { copyRows } from "../src/store/postgres/copy.ts";
import { openPool } from "../src/store/postgres/client.ts";
import { fold } from "../src/normalize.ts";
import { testCluster } from "../tests/support/postgres.ts";
import { DENO } from "./_proc.ts";

const { values } = benchArgs(import.meta.url, {
  options: {
    count: { type: "string", default: "200000" },
    runs: { type: "string", default: "15" },
    "search-rows": { type: "string", default: "0" },
    import: { type: "string", default: "0" },
    "skip-ingest": { type: "boolean", default: false },
    // Load pg_stat_statements in the bench cluster and print where each step's server time went.
    statements: { type: "boolean", default: false },
    // Another tree (e.g. /work/main) whose PostgreSQL push runs beside this one: the baseline.
    tree: { type: "string" },
    // With --tree: N rounds of steps 1 and 2 alternating the two trees (see the header).
    alternate: { type: "string", default: "0" },
  },
});

/** The script each monitor process runs (only the store's write path is loaded). */
const PUSH_SCRIPT = new URL("./_pg_push.ts", import.meta.url).pathname;

/** The PostgreSQL push of this tree, or of `--tree`. */
async function pusher(tree: string | undefined) {
  if (tree === undefined) return { open: PgDatabase.open, push: pushJournal };
  const d = await import(join(tree, "src/store/postgres/database.ts"));
  const j = await import(join(tree, "src/store/postgres/journal.ts"));
  return {
    open: d.PgDatabase.open as (url: string) => Promise<PgDatabase>,
    push: j.pushJournal as typeof pushJournal,
  };
}

const count = Number(values.count);
/** The cores of this machine (the monitors and the server share them). */
const CORES = navigator.hardwareConcurrency;
const runs = Number(values.runs);
const START = Date.parse("2025-09-01T00:00:00Z");
const EMOTES = new Set(["Kappa", "LUL", "PogChamp", "KEKW", "monkaS", "Sadge", "catJAM"]);

function generate(n: number): Message[] {
  return [...generateStream(n)];
}

function* generateStream(n: number): Generator<Message> {
  const channels = Array.from({ length: 300 }, (_, i) => `channel_${i}`);
  let i = 0;
  for (
    const l of generateChat({
      seed: 7,
      channels,
      users: 30000,
      count: n,
      startMs: START,
      meanGapMs: 300,
      ids: true,
    })
  ) {
    const text = i++ % 40000 === 7 ? `anyone seen the zeppelin route ${l.text}` : l.text;
    yield {
      ts: l.ts,
      channel: l.channel,
      message_id: l.message_id!,
      user_id: l.user_id ?? null,
      user_name: l.user_name,
      text,
      mentions: extractMentions(text),
      urls: extractUrls(text),
      emotes: extractEmoteNames(text, EMOTES),
      source: "fixture",
    };
  }
}

async function writeLog(dataDir: string, messages: Iterable<Message>): Promise<void> {
  const path = layout(dataDir).messages;
  await Deno.mkdir(join(path, ".."), { recursive: true });
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let lines: string[] = [];
  const flush = async () => {
    if (lines.length > 0) await f.write(enc.encode(lines.join("\n") + "\n"));
    lines = [];
  };
  for (const m of messages) {
    lines.push(JSON.stringify(m));
    if (lines.length >= 20000) await flush();
  }
  await flush();
  f.close();
}

/** CPU seconds (user + system) of a process, with its reaped children's when asked. */
function cpuOf(pid: number, children = false): number {
  try {
    const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
    let t = Number(f[11]) + Number(f[12]);
    if (children) t += Number(f[13]) + Number(f[14]);
    return t / 100; // USER_HZ
  } catch {
    return 0; // Gone, or not Linux.
  }
}

/** CPU seconds of the bench cluster's server: the postmaster, its live and reaped backends. */
function serverCpu(): number {
  let pm = 0;
  try {
    pm = Number(Deno.readTextFileSync(join(cluster.dataDir, "postmaster.pid")).split("\n")[0]);
  } catch {
    return 0;
  }
  let t = cpuOf(pm, true);
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const f = Deno.readTextFileSync(`/proc/${e.name}/stat`).split(") ")[1]!.split(" ");
      if (Number(f[1]) === pm) t += cpuOf(Number(e.name));
    } catch {
      // Gone meanwhile.
    }
  }
  return t;
}

/** CPU seconds of this process and of the server. */
const cpuNow = () => ({ client: cpuOf(Deno.pid), server: serverCpu() });
/** CPU seconds of this process's reaped children (the monitors of step 2) and of the server. */
const childCpuNow = () => ({
  client: cpuOf(Deno.pid, true) - cpuOf(Deno.pid),
  server: serverCpu(),
});

/**
 * Samples, every 50 ms until `stop` resolves, what the server's backends of the database at
 * `url` are doing: how many samples found one working, and what the others waited for (by wait event
 * type and event: `Lock` another transaction's row or table lock, with the table of the row
 * when it waits for a row another transaction updated, `LWLock` a shared buffer or the WAL,
 * `Client` the monitor's next bytes, `IO` the disk).
 */
async function sampleWaits(
  url: string,
  stop: Promise<unknown>,
): Promise<{ text: string; samples: number; locks: number }> {
  const name = new URL(url).pathname.slice(1);
  const admin = openPool(url);
  const tally = new Map<string, number>();
  let working = 0;
  let done = false;
  stop.finally(() => done = true);
  while (!done) {
    const rows = await admin.sql<Array<{ w: string | null }>>`
      SELECT a.wait_event_type || ':' || a.wait_event || coalesce(' (' || (
          SELECT string_agg(DISTINCT l.relation::regclass::text, ',') FROM pg_locks l
          WHERE l.pid = a.pid AND l.locktype = 'tuple') || ' row)', '') AS w
      FROM pg_stat_activity a
      WHERE a.datname = ${name} AND a.state = 'active' AND a.pid <> pg_backend_pid()`;
    for (const r of rows) {
      if (r.w === null) working++;
      else tally.set(r.w, (tally.get(r.w) ?? 0) + 1);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await admin.close();
  const waits = [...tally].sort((x, y) => y[1] - x[1]).slice(0, 5)
    .map(([w, n]) => `${n} ${w}`).join(", ");
  let locks = 0;
  let samples = working;
  for (const [w, n] of tally) {
    samples += n;
    if (w.startsWith("Lock:")) locks += n;
  }
  return {
    text: `backend samples: ${working} working; waiting: ${waits || "none"}`,
    samples,
    locks,
  };
}
const cpuSince = (a: { client: number; server: number }, per: number) => {
  const b = cpuNow();
  const c = (b.client - a.client) * per;
  const s = (b.server - a.server) * per;
  return `CPU per 100k: monitor ${c.toFixed(1)} s + server ${s.toFixed(1)} s = ${
    (c + s).toFixed(1)
  } s`;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const fmtRate = (n: number, secs: number) =>
  `${Math.round(n / secs).toLocaleString("en-US").padStart(8)} msgs/s`;
const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)).padStart(7) + " ms";

const outDir = new URL("./.out/", import.meta.url).pathname;
await Deno.mkdir(outDir, { recursive: true });
const work = await Deno.makeTempDir({ dir: outDir, prefix: "osint_bench_pg_" });
const searchRows = Number(values["search-rows"]);
const importRows = Number(values.import);
const cluster = await testCluster();
const endOf = (n: number) => START + n * 300;
try {
  // The settings the README recommends for a server of its own (the test cluster's defaults
  // are a 64 MB cache): a cache that holds the hot indexes, WAL buffers for bulk inserts, and
  // checkpoints no more often than every 4 GB of WAL. Durability stays as the test cluster has
  // it (each push commits with synchronous_commit on; fsync off: a bench cluster never outlives
  // its run).
  const settings = ["shared_buffers = '512MB'", "wal_buffers = '32MB'", "max_wal_size = '4GB'"];
  if (values.statements) settings.push("shared_preload_libraries = 'pg_stat_statements'");
  for (const s of settings) {
    await cluster.tool("psql", ["-d", "postgres", "-qc", `ALTER SYSTEM SET ${s}`]);
  }
  await cluster.stop();
  await cluster.start();
  if (values.statements) {
    await cluster.tool("psql", ["-d", "postgres", "-qc", "CREATE EXTENSION pg_stat_statements"]);
  }
  if (Number(values.alternate) > 0) await alternateIngest(Number(values.alternate));
  else if (!values["skip-ingest"]) await ingestAndSearch();
  if (searchRows > 0) await searchAtScale(searchRows);
  if (importRows > 0) await importRate(importRows);
} finally {
  await Deno.remove(work, { recursive: true }).catch(() => {});
  // Stopped here too, not only at exit: a server left running after a failure would keep the
  // file descriptors it inherited (a `flock` on the bench lock, when run under one).
  await cluster.stop("immediate").catch(() => {});
}

/**
 * With `--statements`: the statements of database `url` that took the most server time, per
 * 100k messages (execution time, calls, WAL).
 */
async function statementReport(url: string, messages: number): Promise<void> {
  if (!values.statements) return;
  const admin = openPool(cluster.adminUrl);
  const per = 100_000 / messages;
  const rows = await admin.sql<
    Array<{ q: string; calls: string; ms: number; wal: string }>
  >`
    SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS q, calls::text,
      total_exec_time AS ms, wal_bytes::text AS wal
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
    WHERE d.datname = ${new URL(url).pathname.slice(1)}
    ORDER BY total_exec_time DESC LIMIT 8`;
  console.log("    server time per 100k by statement (pg_stat_statements):");
  for (const r of rows) {
    console.log(
      `    ${(r.ms * per / 1000).toFixed(2).padStart(6)} s ${r.calls.padStart(5)} calls ` +
        `${(Number(r.wal) * per / 1e6).toFixed(0).padStart(4)} MB WAL  ${r.q}`,
    );
  }
  await admin.close();
}

/** The query shapes of bench/search.ts over `n` generated messages. */
function searchCases(sample: readonly Message[], n: number): Array<[string, SearchOptions]> {
  const counts = new Map<string, number>();
  for (const m of sample.slice(0, 2000)) {
    counts.set(m.user_name, (counts.get(m.user_name) ?? 0) + 1);
  }
  const busyUser = [...counts].sort((x, y) => y[1] - x[1])[5]![0];
  const oneUser = sample[1234]!.user_name;
  const since = new Date(endOf(n) - 3 * 86400_000).toISOString();
  const until = new Date(endOf(n) - 3 * 86400_000 + 3600_000).toISOString();
  return [
    ["one user", { by: "user", value: oneUser }],
    ["channel + 1 h window", { by: "channel", value: "channel_3", since, until }],
    ["common word", { contains: "speedrun" }],
    ["rare word", { contains: "zeppelin" }],
    ["user + word", { by: "user", value: busyUser, contains: "dating" }],
    ["two words, no filter", { contains: "clutch insane" }],
  ];
}

/** Table and index sizes of a database, per million messages. */
async function sizes(db: PgDatabase, messages: number): Promise<void> {
  const rows = await db.pool.sql<Array<{ t: string; heap: string; idx: string }>>`
    SELECT c.relname AS t, pg_table_size(c.oid)::text AS heap,
      pg_indexes_size(c.oid)::text AS idx
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC`;
  const per = 1e6 / messages;
  console.log("  table               table MB/1M msgs   indexes MB/1M msgs");
  let total = 0;
  for (const r of rows) {
    const h = Number(r.heap) * per / 1e6;
    const i = Number(r.idx) * per / 1e6;
    total += h + i;
    if (h + i < 0.05) continue;
    console.log(`  ${r.t.padEnd(20)}${h.toFixed(0).padStart(12)}${i.toFixed(0).padStart(20)}`);
  }
  console.log(`  total ${total.toFixed(0)} MB per million messages`);
  if (rows.some((r) => r.t === "messages")) {
    const idx = await db.pool.sql<Array<{ i: string; b: string }>>`
      SELECT indexrelid::regclass::text AS i, pg_relation_size(indexrelid)::text AS b
      FROM pg_index WHERE indrelid = 'messages'::regclass ORDER BY 2 DESC`;
    console.log(
      "  messages indexes: " +
        idx.map((r) => `${r.i} ${(Number(r.b) * per / 1e6).toFixed(0)} MB`).join(", "),
    );
  }
}

async function ingestAndSearch(): Promise<void> {
  console.log(`postgres benchmark: ${count.toLocaleString("en-US")} messages (${work})`);
  const all = generate(count);
  const one = join(work, "one");
  await writeLog(one, all);

  // 1. One monitor.
  let t0 = performance.now();
  await rebuildDerived(one);
  const embeddedSecs = (performance.now() - t0) / 1000;
  let baseSecs = 0;
  let baseCpu = "";
  if (values.tree !== undefined) {
    const base = await pusher(values.tree);
    const dir = join(work, "one_base");
    await writeLog(dir, all);
    const bdb = await base.open(await cluster.database("bench_base"));
    const c0 = cpuNow();
    t0 = performance.now();
    await base.push(dir, bdb);
    if ("compact" in bdb) await bdb.compact();
    baseSecs = (performance.now() - t0) / 1000;
    baseCpu = cpuSince(c0, 100_000 / count);
    await bdb.close();
  }
  const url1 = await cluster.database("bench");
  const db = await PgDatabase.open(url1);
  const c1 = cpuNow();
  t0 = performance.now();
  const pushed = await pushJournal(one, db);
  await db.compact(); // whatever the push left queued: the figure includes every fold
  const pgSecs = (performance.now() - t0) / 1000;
  const pgCpu = cpuSince(c1, 100_000 / count);
  console.log("\n1. ingest with rollups, one monitor");
  console.log(`  embedded (index + rollups + profile files)  ${fmtRate(count, embeddedSecs)}`);
  if (values.tree !== undefined) {
    console.log(
      `  postgres, ${values.tree} (baseline)   ${fmtRate(count, baseSecs)}  ` +
        `(${(embeddedSecs / baseSecs).toFixed(2)}x embedded)`,
    );
    console.log(`    ${baseCpu}`);
  }
  console.log(
    `  postgres (insert + queue + compaction)    ${fmtRate(count, pgSecs)}  ` +
      `(${(embeddedSecs / pgSecs).toFixed(2)}x embedded; ${pushed?.written} stored; ` +
      `compaction ${(db.compactMs / 1000).toFixed(1)} s of ${pgSecs.toFixed(1)} s)` +
      (values.tree !== undefined ? `; ${(baseSecs / pgSecs).toFixed(2)}x the baseline` : ""),
  );
  console.log(`    ${pgCpu}`);

  await statementReport(url1, count);
  const child = monitorProcess;
  /** CPU of the monitor processes and the server since `a`: per 100k, and cores kept busy. */
  const cpuSince2 = (a: { client: number; server: number }, secs: number, what = "monitors") => {
    const b = childCpuNow();
    const c = (b.client - a.client) * 100_000 / count;
    const sv = (b.server - a.server) * 100_000 / count;
    const cores = (c + sv) * count / 100_000 / secs;
    return {
      perMsg: c + sv,
      cores,
      text: `CPU per 100k: ${what} ${c.toFixed(1)} s + server ${sv.toFixed(1)} s = ${
        (c + sv).toFixed(1)
      } s (${cores.toFixed(2)} of ${CORES} cores busy)`,
    };
  };
  // One monitor again, as a process of its own started cold, exactly as each of step 2's
  // monitors runs (its start, module loading and JIT warm-up on the clock): the like-for-like
  // base of step 2's ratio. The run above shares this process's already warm JIT.
  const oneProc = async (tree?: string) => {
    const dir = join(work, tree === undefined ? "one_proc" : "one_proc_base");
    await writeLog(dir, all);
    const url = await cluster.database(tree === undefined ? "bench_proc" : "bench_proc_base");
    await (await (await pusher(tree)).open(url)).close(); // migrated before the clock starts
    const c = childCpuNow();
    const t = performance.now();
    await child(dir, url, tree);
    const secs = (performance.now() - t) / 1000;
    return { secs, cpu: cpuSince2(c, secs, "monitor"), url };
  };
  const baseProc = values.tree !== undefined ? await oneProc(values.tree) : null;
  const proc = await oneProc();
  if (baseProc !== null) {
    console.log(
      `  baseline, one monitor process     ${fmtRate(count, baseProc.secs)}  (${
        (baseSecs / baseProc.secs).toFixed(2)
      }x in-process)`,
    );
    console.log(`    ${baseProc.cpu.text}`);
  }
  console.log(
    `  one monitor process (cold start)  ${fmtRate(count, proc.secs)}  (${
      (pgSecs / proc.secs).toFixed(2)
    }x in-process)` +
      (baseProc !== null ? `; ${(baseProc.secs / proc.secs).toFixed(2)}x the baseline` : ""),
  );
  console.log(`    ${proc.cpu.text}`);

  // 2. Two monitors, two processes, one database; 10% of the messages seen by both.
  const shared = Math.floor(count / 10);
  const rest = all.slice(shared);
  const a = join(work, "a");
  const b = join(work, "b");
  await writeLog(a, [...all.slice(0, shared), ...rest.filter((_, i) => i % 2 === 0)]);
  await writeLog(b, [...all.slice(0, shared), ...rest.filter((_, i) => i % 2 === 1)]);
  const url2 = await cluster.database("bench2");
  await (await PgDatabase.open(url2)).close(); // migrate before the clock starts
  // The baseline's two monitors first (fresh data dirs: the journal is per dir), then this
  // tree's: the order is the same as for one monitor.
  let baseTwo = 0;
  let baseTwoNotes = "";
  if (values.tree !== undefined) {
    // The same two monitors with the baseline's code (fresh data dirs: the journal is per dir).
    const url3 = await cluster.database("bench3");
    await (await (await pusher(values.tree)).open(url3)).close();
    const a3 = join(work, "a3");
    const b3 = join(work, "b3");
    await writeLog(a3, [...all.slice(0, shared), ...rest.filter((_, i) => i % 2 === 0)]);
    await writeLog(b3, [...all.slice(0, shared), ...rest.filter((_, i) => i % 2 === 1)]);
    const c3 = childCpuNow();
    t0 = performance.now();
    const run = Promise.all([child(a3, url3, values.tree), child(b3, url3, values.tree)]);
    const waits = sampleWaits(url3, run);
    await run;
    baseTwo = (performance.now() - t0) / 1000;
    baseTwoNotes = `${cpuSince2(c3, baseTwo).text}; ${(await waits).text}`;
  }
  const c2 = childCpuNow();
  t0 = performance.now();
  const running = Promise.all([child(a, url2), child(b, url2)]);
  const waits = sampleWaits(url2, running);
  const outs = await running;
  const twoSecs = (performance.now() - t0) / 1000;
  const twoCpu = cpuSince2(c2, twoSecs);
  const twoNotes = `${twoCpu.text}; ${(await waits).text}`;
  const written = outs.map((o) => JSON.parse(new TextDecoder().decode(o.stdout)).written as number)
    .reduce((x, y) => x + y, 0);
  const db2 = await PgDatabase.open(url2);
  const st = await db2.status();
  await db2.close();
  console.log("\n2. two monitor processes, one database (10% of messages seen by both)");
  console.log(
    `  together  ${fmtRate(count, twoSecs)}  (${(proc.secs / twoSecs).toFixed(2)}x one monitor ` +
      `process, ${(pgSecs / twoSecs).toFixed(2)}x in-process; stored ${st.messages} of ${count}, ` +
      `new per monitors' appends ${written})`,
  );
  console.log(`    ${twoNotes}`);
  // What bounds the ratio on this machine: two monitors go faster than one only by keeping
  // more cores busy, and slower by every CPU-second each message costs them more.
  console.log(
    `    limit: ${(twoCpu.cores / proc.cpu.cores).toFixed(2)}x the cores busy / ` +
      `${(twoCpu.perMsg / proc.cpu.perMsg).toFixed(2)}x the CPU per message = ` +
      `${(twoCpu.cores / proc.cpu.cores / (twoCpu.perMsg / proc.cpu.perMsg)).toFixed(2)}x; ` +
      `with ${CORES} cores and one monitor keeping ${proc.cpu.cores.toFixed(2)} busy, two can be ` +
      `at most ${(CORES / proc.cpu.cores).toFixed(2)}x one at the same CPU per message`,
  );
  await statementReport(url2, count);
  if (values.tree !== undefined) {
    console.log(
      `  baseline  ${fmtRate(count, baseTwo)}  (${(baseProc!.secs / baseTwo).toFixed(2)}x its ` +
        `one monitor process, ${(baseSecs / baseTwo).toFixed(2)}x in-process; this tree ` +
        `${(baseTwo / twoSecs).toFixed(2)}x the baseline)`,
    );
    console.log(`    ${baseTwoNotes}`);
  }

  // 3. Search latency by query shape.
  const cases = searchCases(all, count);
  const embedded = await openStore({ dataDir: one });
  console.log(`\n3. search, medians of ${runs} (library calls; same answers checked)`);
  console.log("  query                     embedded    postgres   pg/embedded");
  for (const [name, o] of cases) {
    const q = buildQuery(o);
    // These flag queries are all SQL can narrow by exactly (no check on records needed).
    const pq = { ...pgPrefilter(q).filter, limit: q.limit };
    const e = await embedded.searchMessages(q);
    const p = await db.searchMessages(pq);
    const same = JSON.stringify(e.messages) === JSON.stringify(p);
    const te: number[] = [];
    const tp: number[] = [];
    for (let i = 0; i < runs; i++) {
      let s = performance.now();
      await embedded.searchMessages(q);
      te.push(performance.now() - s);
      s = performance.now();
      await db.searchMessages(pq);
      tp.push(performance.now() - s);
    }
    const me = median(te);
    const mp = median(tp);
    console.log(
      `  ${name.padEnd(24)}${fmtMs(me)}  ${fmtMs(mp)}  ${(mp / me).toFixed(1).padStart(8)}x` +
        `  ${same ? "same" : "DIFFERENT"} (${p.length})`,
    );
  }
  const size = (await db.status()).bytes;
  console.log(
    `\n  database size ${(size / 1e6).toFixed(0)} MB for ${count.toLocaleString("en-US")} ` +
      `messages (${(size / count).toFixed(0)} bytes per message, indexes and rollups included)`,
  );
  await db.close();
}

/** Section 4: search latency over `n` rows COPYed in (read latency; no rollups). */
async function searchAtScale(n: number): Promise<void> {
  console.log(`\n4. search over ${n.toLocaleString("en-US")} rows, database only (rows COPYed in)`);
  const db = await PgDatabase.open(await cluster.database("scale"));
  const sql = db.pool.sql;
  const secondary = [
    "messages_user ON messages (user_name, ts_ms DESC)",
    "messages_channel ON messages (channel, ts_ms DESC)",
    "messages_ts ON messages (ts_ms DESC)",
    "messages_folded ON messages USING gin (folded gin_trgm_ops)",
  ];
  for (const d of secondary) await sql.unsafe(`DROP INDEX ${d.split(" ")[0]}`);
  let t0 = performance.now();
  const sample: Message[] = [];
  let batch: Message[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await sql.begin(async (tx) => {
      await copyRows(
        tx,
        "messages",
        ["message_id", "ts_ms", "user_name", "channel", "folded", "record"],
        batch.map((m) => [
          m.message_id,
          Date.parse(m.ts),
          m.user_name,
          m.channel,
          fold(m.text),
          JSON.stringify(m),
        ]),
      );
    });
    batch = [];
  };
  for (const m of generateStream(n)) {
    if (sample.length < 2000) sample.push(m);
    batch.push(m);
    if (batch.length >= 50_000) await flush();
  }
  await flush();
  const loadSecs = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await sql`SET maintenance_work_mem = '512MB'`;
  for (const d of secondary) await sql.unsafe(`CREATE INDEX ${d}`);
  await sql`ANALYZE messages`;
  const indexSecs = (performance.now() - t0) / 1000;
  console.log(
    `  loaded in ${loadSecs.toFixed(0)} s (COPY), secondary indexes built in ` +
      `${indexSecs.toFixed(0)} s`,
  );
  console.log(`  query                     postgres (median of ${runs})   results`);
  for (const [name, o] of searchCases(sample, n)) {
    const q = buildQuery(o);
    const pq = { ...pgPrefilter(q).filter, limit: q.limit };
    const first = await db.searchMessages(pq);
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await db.searchMessages(pq);
      t.push(performance.now() - s);
    }
    console.log(`  ${name.padEnd(24)}${fmtMs(median(t))}        (${first.length})`);
  }
  await sizes(db, n);
  await db.close();
}

/** Section 5: `db import` of a data dir of `n` messages. */
async function importRate(n: number): Promise<void> {
  console.log(`\n5. db import of a data dir of ${n.toLocaleString("en-US")} messages`);
  const dir = join(work, "import");
  await writeLog(dir, generateStream(n));
  const db = await PgDatabase.open(await cluster.database("import"));
  const t0 = performance.now();
  const r = await pushJournal(dir, db);
  await db.compact();
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `  ${fmtRate(n, secs)}  (${secs.toFixed(0)} s; ${r?.written} stored, rollups folded; ` +
      `compaction ${(db.compactMs / 1000).toFixed(0)} s of it)`,
  );
  await sizes(db, n);
  await db.close();
  await Deno.remove(dir, { recursive: true });
}

/** The command of one monitor process of steps 1 and 2, of this tree or of `tree`. */
function monitorProcess(dir: string, url: string, tree?: string) {
  return new Deno.Command(DENO, {
    args: [
      "run",
      "-A",
      PUSH_SCRIPT,
      "--push",
      dir,
      "--url",
      url,
      ...(tree ? ["--tree", tree] : []),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
}

/** Drops a database of the bench cluster (each alternate run writes about 1 KB a message). */
async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await cluster.tool("psql", ["-d", "postgres", "-qc", `DROP DATABASE ${name}`]);
}

/** One figure of an alternate run: seconds, CPU per 100k (monitor, server), lock samples. */
interface AltRun {
  secs: number;
  monitor: number;
  server: number;
  locks?: string;
}

/** `--alternate N`: see the module's header. */
async function alternateIngest(rounds: number): Promise<void> {
  const tree = values.tree;
  if (tree === undefined) throw new Error("--alternate needs --tree (the baseline)");
  console.log(
    `postgres benchmark, alternating with ${tree}: ${count.toLocaleString("en-US")} messages, ` +
      `${rounds} rounds`,
  );
  const all = generate(count);
  const shared = Math.floor(count / 10);
  const rest = all.slice(shared);
  const halves = [0, 1].map((h) => [
    ...all.slice(0, shared),
    ...rest.filter((_, i) => i % 2 === h),
  ]);
  const per = 100_000 / count;
  const one = new Map<string, AltRun[]>([["this", []], ["base", []]]);
  const two = new Map<string, AltRun[]>([["this", []], ["base", []]]);
  let n = 0;
  const fmtRun = (r: AltRun) =>
    `${fmtRate(count, r.secs)}  CPU per 100k: monitor ${r.monitor.toFixed(1)} s + server ` +
    `${r.server.toFixed(1)} s = ${(r.monitor + r.server).toFixed(1)} s${r.locks ?? ""}`;
  for (let round = 0; round < rounds; round++) {
    const order: Array<["this" | "base", string | undefined]> = round % 2 === 0
      ? [["base", tree], ["this", undefined]]
      : [["this", undefined], ["base", tree]];
    console.log(`\nround ${round + 1}`);
    for (const [name, t] of order) {
      const dir = join(work, `alt_one_${n++}`);
      await writeLog(dir, all);
      const p = await pusher(t);
      const url = await cluster.database("alt");
      const db = await p.open(url);
      const c0 = cpuNow();
      const t0 = performance.now();
      await p.push(dir, db);
      if ("compact" in db) await db.compact();
      const secs = (performance.now() - t0) / 1000;
      const c1 = cpuNow();
      await db.close();
      const r = {
        secs,
        monitor: (c1.client - c0.client) * per,
        server: (c1.server - c0.server) * per,
      };
      one.get(name)!.push(r);
      console.log(`  one monitor, in-process, ${name.padEnd(4)} ${fmtRun(r)}`);
      await dropDatabase(url);
      await Deno.remove(dir, { recursive: true });
    }
    for (const [name, t] of order) {
      const dirs = [0, 1].map((h) => join(work, `alt_two_${n}_${h}`));
      n++;
      for (const [h, d] of dirs.entries()) await writeLog(d, halves[h]!);
      const url = await cluster.database("alt");
      await (await (await pusher(t)).open(url)).close(); // migrated before the clock starts
      const c0 = childCpuNow();
      const t0 = performance.now();
      const run = Promise.all(dirs.map((d) => monitorProcess(d, url, t)));
      const waits = sampleWaits(url, run);
      await run;
      const secs = (performance.now() - t0) / 1000;
      const c1 = childCpuNow();
      const w = await waits;
      const r = {
        secs,
        monitor: (c1.client - c0.client) * per,
        server: (c1.server - c0.server) * per,
        locks: `; ${w.locks} of ${w.samples} backend samples waiting for a lock\n    ${w.text}`,
      };
      two.get(name)!.push(r);
      console.log(`  two monitor processes, ${name.padEnd(4)} ${fmtRun(r)}`);
      await dropDatabase(url);
      for (const d of dirs) await Deno.remove(d, { recursive: true });
    }
  }
  const ratios = (m: Map<string, AltRun[]>, f: (r: AltRun) => number) =>
    m.get("this")!.map((r, i) => f(m.get("base")![i]!) / f(r));
  const show = (xs: number[]) =>
    `median ${median(xs).toFixed(2)}x (${xs.map((x) => x.toFixed(2)).join(", ")})`;
  console.log(`\nthis tree against ${tree}, per round (above 1: this tree better)`);
  for (const [label, m] of [["one monitor", one], ["two monitors", two]] as const) {
    console.log(`  ${label}: rate ${show(ratios(m, (r) => r.secs))}`);
    console.log(`    CPU per message ${show(ratios(m, (r) => r.monitor + r.server))}`);
    console.log(
      `    server CPU ${show(ratios(m, (r) => r.server))}; monitor CPU ${
        show(ratios(m, (r) => r.monitor))
      }`,
    );
  }
}
