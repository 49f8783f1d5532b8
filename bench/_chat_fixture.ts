/**
 * The generated chat fixture the ingest benchmarks replay: `n` messages of 20,000 users over
 * `channels` channels (seed 42, a message every 50 ms on average from 2025-09-01), one JSONL
 * file per channel under `<dir>/chat/`, with the shipped `emotes.json` beside it, as
 * `chat run --offline --fixtures-dir <dir>` reads it.
 *
 * @module
 */
import { join } from "node:path";
import { generateChat } from "../scripts/chatgen.ts";

/**
 * The benchmarks' chat: `n` messages of 20,000 users over `channels` (seed 42, a message every
 * 50 ms on average from 2025-09-01), the same lines for every bench that replays or imports them.
 */
export function benchChat(channels: string[], n: number): ReturnType<typeof generateChat> {
  return generateChat({
    seed: 42,
    channels,
    users: 20000,
    count: n,
    startMs: Date.parse("2025-09-01T00:00:00Z"),
    meanGapMs: 50,
    ids: true,
  });
}

/**
 * The arguments after `deno` that replay fixture `fx` through tree `tree`'s `chat run` into
 * `dataDir` as fast as it goes, started with the flags of the tree's `cli` task (`taskFlags`).
 */
export function offlineChatRunArgs(
  tree: string,
  taskFlags: string[],
  fx: ChatFixture,
  dataDir: string,
  extra: string[] = [],
): string[] {
  return [
    "run",
    ...taskFlags,
    join(tree, "main.ts"),
    "chat",
    "run",
    "--offline",
    "--speed",
    "0",
    "--quiet",
    "--channels",
    fx.channels.join(","),
    "--fixtures-dir",
    fx.dir,
    "--data-dir",
    dataDir,
    ...extra,
  ];
}

/** Lines in the file at `path` (`wc -l`, without reading it into memory). */
export async function lineCount(path: string): Promise<number> {
  const r = await new Deno.Command("wc", { args: ["-l", path], stdout: "piped" }).output();
  return Number(new TextDecoder().decode(r.stdout).trim().split(/\s+/)[0]);
}

/** A written fixture: its folder and channel names. */
export interface ChatFixture {
  dir: string;
  channels: string[];
}

/** Writes the fixture of `n` messages over `nChannels` channels into `dir` (created). */
export async function writeChatFixture(
  dir: string,
  n: number,
  nChannels: number,
): Promise<ChatFixture> {
  await Deno.mkdir(join(dir, "chat"), { recursive: true });
  const channels = Array.from({ length: nChannels }, (_, i) => `bench_channel_${i}`);
  const files = new Map<string, Deno.FsFile>();
  for (const c of channels) {
    files.set(
      c,
      await Deno.open(join(dir, "chat", `${c}.jsonl`), {
        write: true,
        create: true,
        truncate: true,
      }),
    );
  }
  const enc = new TextEncoder();
  const bufs = new Map<string, string[]>(channels.map((c) => [c, []]));
  for (
    const l of benchChat(channels, n)
  ) {
    const b = bufs.get(l.channel)!;
    b.push(JSON.stringify(l));
    if (b.length >= 10000) {
      await files.get(l.channel)!.write(enc.encode(b.join("\n") + "\n"));
      b.length = 0;
    }
  }
  for (const [c, b] of bufs) {
    if (b.length) await files.get(c)!.write(enc.encode(b.join("\n") + "\n"));
    files.get(c)!.close();
  }
  const root = new URL("..", import.meta.url).pathname;
  await Deno.copyFile(join(root, "fixtures", "emotes.json"), join(dir, "emotes.json"));
  return { dir, channels };
}

/**
 * The fixture of `n` messages over `nChannels` channels under `out` (`memory-fx-N-C`), written
 * once and reused while its stamp matches, so benches that replay the same sizes share it.
 */
export async function cachedChatFixture(
  out: string,
  n: number,
  nChannels: number,
): Promise<{ dir: string; channels: string[] }> {
  const dir = join(out, `memory-fx-${n}-${nChannels}`);
  const stamp = join(dir, "stamp.json");
  const want = JSON.stringify({ v: 1, n, nChannels });
  const channels = Array.from({ length: nChannels }, (_, i) => `bench_channel_${i}`);
  try {
    if ((await Deno.readTextFile(stamp)) === want) return { dir, channels };
  } catch {
    // Not written yet.
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const fx = await writeChatFixture(dir, n, nChannels);
  await Deno.writeTextFile(stamp, want);
  return fx;
}
