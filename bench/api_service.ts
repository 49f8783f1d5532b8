/**
 * The server's own time per request (`bench/api.ts` measures it under 50 clients; this one
 * without the socket and the queue): each route of `bench/api.ts` asked one request at a time
 * through `app.request()` for a few seconds, over the data dir `bench/api.ts` built, by this
 * checkout and by a baseline checkout, each in its own process. Prints mean, p50 and p99 per
 * route and the ratio of the means (baseline / this).
 *
 *   deno run -A bench/api_service.ts --baseline /work/main [--count 1000000] [--seconds 4]
 *
 * Build the data first: `deno run -A bench/api.ts --count 1000000 --build-only`.
 */
import { benchArgs } from "./_args.ts";
import { join } from "node:path";
import { DENO, measure } from "./_proc.ts";

const PATHS = [
  "/search?by=channel&value=channel_3&limit=20",
  "/search?contains=dating&limit=20",
  "/profiles/users/someuser",
  "/profiles/channels/channel_3",
  "/",
];

interface Figures {
  n: number;
  mean: number;
  p50: number;
  p99: number;
}

/** In the child: one checkout's figures for every route, as JSON on stdout. */
async function child(tree: string, dataDir: string, seconds: number): Promise<void> {
  const { createApp } = await import(`file://${join(tree, "src/web/app.ts")}`);
  const { openWorkspace } = await import(`file://${join(tree, "src/web/workspace.ts")}`);
  const { openStore } = await import(`file://${join(tree, "src/store/store.ts")}`);
  const ws = openWorkspace(await openStore({ dataDir }));
  const app = createApp({ workspace: ws, host: "127.0.0.1", token: null });
  const ask = async (p: string) => await (await app.request("http://127.0.0.1" + p)).arrayBuffer();
  // Warm up: the first answers open the index and build what is reused.
  for (const p of PATHS) await ask(p);
  const out: Record<string, Figures> = {};
  for (const p of PATHS) {
    const t: number[] = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      await ask(p);
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    out[p] = {
      n: t.length,
      mean: t.reduce((a, b) => a + b, 0) / t.length,
      p50: t[t.length >> 1]!,
      p99: t[Math.floor(t.length * 0.99)]!,
    };
  }
  await ws.close();
  console.log(JSON.stringify(out));
}

const { values } = benchArgs(import.meta.url, {
  options: {
    baseline: { type: "string" },
    count: { type: "string", default: "1000000" },
    seconds: { type: "string", default: "4" },
    child: { type: "string" },
    data: { type: "string" },
  },
});
const seconds = Number(values.seconds);
if (values.child !== undefined) {
  await child(values.child, values.data!, seconds);
} else {
  const here = new URL("..", import.meta.url).pathname;
  const dataDir = join(here, "bench", ".out", `api-${values.count}`, "data");
  const trees = [...(values.baseline ? [["baseline", values.baseline]] : []), ["this", here]];
  const figures = new Map<string, Record<string, Figures>>();
  console.log(`api service time: ${dataDir}, ${seconds}s per route, one request at a time`);
  for (const [name, tree] of trees) {
    const r = await measure(DENO, [
      "run",
      "-A",
      import.meta.filename!,
      "--child",
      tree!,
      "--data",
      dataDir,
      "--seconds",
      String(seconds),
    ], { cwd: here });
    if (r.code !== 0) throw new Error(`${name}: ${r.stderr}`);
    figures.set(name!, JSON.parse(r.stdout.trim().split("\n").pop()!));
  }
  const fmt = (f: Figures | undefined) =>
    f === undefined
      ? "—".padStart(26)
      : `${f.mean.toFixed(2).padStart(8)}${f.p50.toFixed(2).padStart(8)}${
        f.p99.toFixed(1).padStart(10)
      }`;
  console.log(
    "route".padEnd(46) + "baseline mean/p50/p99 ms".padStart(26) +
      "this mean/p50/p99 ms".padStart(26) + "ratio".padStart(8),
  );
  for (const p of PATHS) {
    const b = figures.get("baseline")?.[p];
    const t = figures.get("this")![p]!;
    console.log(
      p.padEnd(46) + fmt(b) + fmt(t) +
        (b === undefined ? "" : `${(b.mean / t.mean).toFixed(0)}x`).padStart(8),
    );
  }
}
