/**
 * The log's dedup at scale: appends N small records with random (UUID) ids through `JsonlLog`
 * in batches of 5,000, as `chat run` does, then appends again a sample of ids that left the
 * in-memory window long ago (each must come back as a duplicate) and a batch of new ones.
 * Prints, at each tenth of the way, where the known ids are (memory, disk, filters) and the
 * process's RSS, beside what the former all-in-memory table would hold (16 bytes a slot at a
 * load of at most 1/2). Peak RSS is for the whole process (the records themselves are garbage).
 *
 *   deno run -A bench/dedup.ts [--count 2000000] [--keep]
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { JsonlLog } from "../src/store/log/log.ts";

const { values } = benchArgs(import.meta.url, {
  options: { count: { type: "string", default: "2000000" }, keep: { type: "boolean" } },
});
const count = Number(values.count);
const dir = await Deno.makeTempDir({ prefix: "osint-dedup-" });
interface Rec {
  message_id: string;
  n: number;
}
const open = () =>
  new JsonlLog<Rec>(join(dir, "messages.jsonl"), {
    idKey: "message_id",
    idOf: (r) => r.message_id,
    serialize: (r) => JSON.stringify(r),
  });
const log = open();
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const oldTable = (n: number) => 16 * 2 ** Math.ceil(Math.log2(Math.max(16, 2 * (n + 1))));
const sample: string[] = [];
let peakRss = 0;
const t0 = performance.now();
console.log(`dedup benchmark: ${count.toLocaleString("en-US")} ids in ${dir}`);
for (let done = 0; done < count;) {
  const batch: Rec[] = [];
  for (let i = 0; i < 5000 && done < count; i++, done++) {
    const id = crypto.randomUUID();
    if (done % 1000 === 0) sample.push(id);
    batch.push({ message_id: id, n: done });
  }
  const r = await log.append(batch);
  if (r.written.length !== batch.length) {
    throw new Error(`new ids taken for repeats: ${r.duplicates}`);
  }
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  if (done % Math.max(5000, Math.floor(count / 10 / 5000) * 5000) === 0 || done === count) {
    const s = log.idStats;
    console.log(
      `  ${done.toLocaleString("en-US").padStart(11)} ids: ${s.inMemory} in memory, ` +
        `${s.onDisk} on disk in ${s.runs} runs (filters ${mb(s.filterBytes)}); the former ` +
        `table ${mb(oldTable(done))}; rss ${mb(Deno.memoryUsage().rss)}; ` +
        `${Math.round(done / ((performance.now() - t0) / 1000)).toLocaleString("en-US")} ids/s`,
    );
  }
}
// Old ids (all but the last ones are out of the window): every one must be a duplicate.
const restarted = open();
const t1 = performance.now();
const again = await restarted.append(sample.map((id, n) => ({ message_id: id, n })));
const t2 = performance.now();
if (again.duplicates !== sample.length || again.written.length !== 0) {
  throw new Error(`expected ${sample.length} duplicates, got ${again.duplicates}`);
}
const fresh = Array.from({ length: 5000 }, (_, n) => ({ message_id: crypto.randomUUID(), n }));
const t3 = performance.now();
const added = await restarted.append(fresh);
const t4 = performance.now();
if (added.written.length !== fresh.length) throw new Error("a new id was taken for a repeat");
console.log(
  `  a restarted writer: ${sample.length} old ids found again in ${(t2 - t1).toFixed(0)} ms ` +
    `(opening the runs and catching up included), 5,000 new ids appended in ${
      (t4 - t3).toFixed(0)
    } ms; peak rss ${mb(peakRss)}`,
);
if (!values.keep) await Deno.remove(dir, { recursive: true });
