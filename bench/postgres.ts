/**
 * PostgreSQL benchmark, with the embedded store beside it in the same run (a private
 * PostgreSQL started for the run, see tests/support/postgres.ts; durability off there, as in
 * the tests: say so when quoting the figures).
 *
 * 1. Ingest with rollups, one monitor: a data dir's log pushed into the database (the path
 *    every monitor's appends take: parse, INSERT ... ON CONFLICT, fold rollups under row
 *    locks), against the embedded store building its index and rollups from the same log.
 * 2. Two monitors at once: two processes, two data dirs with half the log each plus a shared
 *    slice (channels both monitors joined), pushing into one database; combined rate against
 *    one, and a check that every message is stored once.
 * 3. Search latency by query shape (those of bench/search.ts), medians, database against the
 *    embedded index, each answer compared.
 *
 *   deno run -A bench/postgres.ts [--count 200000] [--runs 15]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { generateChat } from "../scripts/chatgen.ts";
import { extractEmoteNames, extractMentions, extractUrls } from "../src/analysis/extract.ts";
import type { Message } from "../src/schemas.ts";
import { buildQuery, type SearchOptions } from "../src/query/search.ts";
import { openStore } from "../src/store/store.ts";
import { rebuildDerived } from "../src/store/derived_writer.ts";
import { layout } from "../src/store/layout.ts";
import { PgDatabase } from "../src/store/postgres/database.ts";
import { pushJournal } from "../src/store/postgres/journal.ts";
import { testCluster } from "../tests/support/postgres.ts";
import { DENO } from "./_proc.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "200000" },
    runs: { type: "string", default: "15" },
    // Internal: one monitor process of step 2.
    push: { type: "string" },
    url: { type: "string" },
  },
});

if (values.push !== undefined) {
  // A child: push one data dir into the database, print the seconds it took.
  const db = await PgDatabase.open(values.url!);
  const t0 = performance.now();
  const r = await pushJournal(values.push, db);
  console.log(JSON.stringify({ secs: (performance.now() - t0) / 1000, written: r?.written ?? 0 }));
  await db.close();
  Deno.exit(0);
}

const count = Number(values.count);
const runs = Number(values.runs);
const START = Date.parse("2025-09-01T00:00:00Z");
const EMOTES = new Set(["Kappa", "LUL", "PogChamp", "KEKW", "monkaS", "Sadge", "catJAM"]);

function generate(n: number): Message[] {
  const out: Message[] = [];
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
    out.push({
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
    });
  }
  return out;
}

async function writeLog(dataDir: string, messages: readonly Message[]): Promise<void> {
  const path = layout(dataDir).messages;
  await Deno.mkdir(join(path, ".."), { recursive: true });
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  for (let i = 0; i < messages.length; i += 20000) {
    const lines = messages.slice(i, i + 20000).map((m) => JSON.stringify(m)).join("\n") + "\n";
    await f.write(enc.encode(lines));
  }
  f.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const fmtRate = (n: number, secs: number) =>
  `${Math.round(n / secs).toLocaleString("en-US").padStart(8)} msgs/s`;
const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)).padStart(7) + " ms";

const work = await Deno.makeTempDir({ prefix: "osint_bench_pg_" });
try {
  console.log(`postgres benchmark: ${count.toLocaleString("en-US")} messages (${work})`);
  const all = generate(count);
  const one = join(work, "one");
  await writeLog(one, all);
  const cluster = await testCluster();

  // 1. One monitor.
  let t0 = performance.now();
  await rebuildDerived(one);
  const embeddedSecs = (performance.now() - t0) / 1000;
  const url1 = await cluster.database("bench");
  const db = await PgDatabase.open(url1);
  t0 = performance.now();
  const pushed = await pushJournal(one, db);
  const pgSecs = (performance.now() - t0) / 1000;
  console.log("\n1. ingest with rollups, one monitor");
  console.log(`  embedded (index + rollups + profile files)  ${fmtRate(count, embeddedSecs)}`);
  console.log(
    `  postgres (insert + rollups under row locks)  ${fmtRate(count, pgSecs)}  ` +
      `(${(embeddedSecs / pgSecs).toFixed(2)}x embedded; ${pushed?.written} stored)`,
  );

  // 2. Two monitors, two processes, one database; 10% of the messages seen by both.
  const shared = Math.floor(count / 10);
  const rest = all.slice(shared);
  const a = join(work, "a");
  const b = join(work, "b");
  await writeLog(a, [...all.slice(0, shared), ...rest.filter((_, i) => i % 2 === 0)]);
  await writeLog(b, [...all.slice(0, shared), ...rest.filter((_, i) => i % 2 === 1)]);
  const url2 = await cluster.database("bench2");
  await (await PgDatabase.open(url2)).close(); // migrate before the clock starts
  const self = new URL(import.meta.url).pathname;
  const child = (dir: string) =>
    new Deno.Command(DENO, {
      args: ["run", "-A", self, "--push", dir, "--url", url2],
      stdout: "piped",
      stderr: "inherit",
    }).output();
  t0 = performance.now();
  const outs = await Promise.all([child(a), child(b)]);
  const twoSecs = (performance.now() - t0) / 1000;
  const written = outs.map((o) => JSON.parse(new TextDecoder().decode(o.stdout)).written as number)
    .reduce((x, y) => x + y, 0);
  const db2 = await PgDatabase.open(url2);
  const st = await db2.status();
  await db2.close();
  console.log("\n2. two monitor processes, one database (10% of messages seen by both)");
  console.log(
    `  together  ${fmtRate(count, twoSecs)}  (${(pgSecs / twoSecs).toFixed(2)}x one monitor; ` +
      `stored ${st.messages} of ${count}, new per monitors' appends ${written})`,
  );

  // 3. Search latency by query shape.
  const counts = new Map<string, number>();
  for (const m of all.slice(0, 2000)) counts.set(m.user_name, (counts.get(m.user_name) ?? 0) + 1);
  const busyUser = [...counts].sort((x, y) => y[1] - x[1])[5]![0];
  const oneUser = all[1234]!.user_name;
  const endMs = START + count * 300;
  const since = new Date(endMs - 3 * 86400_000).toISOString();
  const until = new Date(endMs - 3 * 86400_000 + 3600_000).toISOString();
  const cases: Array<[string, SearchOptions]> = [
    ["one user", { by: "user", value: oneUser }],
    ["channel + 1 h window", { by: "channel", value: "channel_3", since, until }],
    ["common word", { contains: "speedrun" }],
    ["rare word", { contains: "zeppelin" }],
    ["user + word", { by: "user", value: busyUser, contains: "dating" }],
    ["two words, no filter", { contains: "clutch insane" }],
  ];
  const embedded = await openStore({ dataDir: one });
  console.log(`\n3. search, medians of ${runs} (library calls; same answers checked)`);
  console.log("  query                     embedded    postgres   pg/embedded");
  for (const [name, o] of cases) {
    const q = buildQuery(o);
    const pq = {
      ...(q.by?.kind === "user" ? { user: q.by.value } : {}),
      ...(q.by?.kind === "channel" ? { channel: q.by.value } : {}),
      ...(q.sinceMs !== undefined ? { sinceMs: q.sinceMs } : {}),
      ...(q.untilMs !== undefined ? { untilMs: q.untilMs } : {}),
      terms: q.terms,
      limit: q.limit,
    };
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
} finally {
  await Deno.remove(work, { recursive: true }).catch(() => {});
}
