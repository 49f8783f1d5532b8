/**
 * A workspace to test the server against: the shipped fixtures replayed into a temporary data
 * dir with the sample subjects loaded and enriched, a channel of hostile chat text, and one
 * user put on the opt-out list after their messages were stored (so only the serving side can
 * keep them out). The server runs on a free loopback port.
 *
 * @module
 */
import { join } from "node:path";
import { FIXTURES, replayShipped, REPO, runMain, tempDir, writeFixture } from "../support/cli.ts";
import { type RunningServer, startServer } from "../../src/web/server.ts";
import type { ChatEvent } from "../../src/schemas.ts";
import { eventLog } from "../../src/store/log/logs.ts";

/** The hostile lines of `hostile_chan`, by user `evil_user`. */
export const HOSTILE_TEXTS = [
  "<img src=x onerror=\"document.title='pwned'\">",
  "</script><script>document.title='pwned2'</script>",
  "hello @someuser see https://example.com/<b>x</b> Kappa",
];

/** Moderation events of the test data (one about the opted-out user). */
export const EVENTS: ChatEvent[] = [
  {
    kind: "clearchat",
    ts: "2025-09-02T12:11:00.000Z",
    channel: "example_channel",
    event_id: "e1",
    user_name: "grumpy_fox",
    user_id: null,
    duration_seconds: 600,
    source: "twitch-irc",
  },
  {
    kind: "clearchat",
    ts: "2025-09-02T12:12:00.000Z",
    channel: "example_channel",
    event_id: "e2",
    user_name: "pixel_fox",
    user_id: null,
    duration_seconds: null,
    source: "twitch-irc",
  },
  {
    kind: "usernotice",
    ts: "2025-09-02T12:13:00.000Z",
    channel: "devchat",
    event_id: "e3",
    notice: "raid",
    user_name: "raider",
    user_id: null,
    text: "",
    system_text: "5 raiders from raider have joined!",
    params: {},
    source: "twitch-irc",
  },
];

/** The user put on the opt-out list after the replay. */
export const OPTED_OUT = "pixel_fox";

/** A prepared data dir (removed on dispose). */
export interface WebData extends AsyncDisposable {
  dataDir: string;
}

/**
 * Builds the data dir, in a child process: the CLI drops the net permission of the process it
 * runs in (least privilege), and the tests' process needs it to reach its server.
 */
export async function webData(): Promise<WebData> {
  const dir = await tempDir("osint_web_");
  const dataDir = join(dir.path, "data");
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--config",
      join(REPO, "deno.json"),
      "--allow-all",
      import.meta.filename!,
      dir.path,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    await dir[Symbol.asyncDispose]();
    throw new Error(`building the test data failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return { dataDir, [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose]() };
}

/** What the child process does: writes fixtures and runs the CLI steps into `<root>/data`. */
async function build(root: string): Promise<void> {
  const fixtures = join(root, "fixtures");
  await Deno.mkdir(join(fixtures, "chat"), { recursive: true });
  for (const f of ["emotes.json", "handles.json", "sites.json", "gravatar.json"]) {
    await Deno.copyFile(join(FIXTURES, f), join(fixtures, f));
  }
  for (const ch of ["example_channel", "devchat"]) {
    await Deno.copyFile(
      join(FIXTURES, "chat", `${ch}.jsonl`),
      join(fixtures, "chat", `${ch}.jsonl`),
    );
  }
  await writeFixture(
    fixtures,
    "hostile_chan",
    HOSTILE_TEXTS.map((text, i) => ({
      ts: `2025-09-02T12:20:0${i}.000Z`,
      channel: "hostile_chan",
      user_name: "evil_user",
      text,
    })),
  );
  const dataDir = join(root, "data");
  const common = ["--data-dir", dataDir, "--fixtures-dir", fixtures, "--quiet"];
  await must(["subjects", "load", "--path", join(REPO, "subjects.csv"), ...common]);
  // Enrichment before the run: chat presence is stale until the report recomputes it.
  await must(["subjects", "enrich", ...common]);
  await replayShipped(["--data-dir", dataDir, "--fixtures-dir", fixtures, "--quiet"]);
  await must(["chat", "run", "--channels", "hostile_chan", "--offline", "--speed", "0", ...common]);
  // No moderation in the offline fixtures: a few events as a monitor records them.
  await eventLog(dataDir).append(EVENTS);
  await must(["privacy", "optout", "add", "--user", OPTED_OUT, ...common]);
  await must(["profiles", "rebuild", ...common]);
}

async function must(argv: string[]): Promise<void> {
  const r = await runMain(argv);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} exited ${r.code}: ${r.stderr}`);
}

if (import.meta.main) await build(Deno.args[0]!);

/** Errors the servers of these tests answered with a 500 (a test checks there are none). */
export const INTERNAL_ERRORS: unknown[] = [];

/** A server on a free loopback port over `dataDir`. */
export function serveOn(
  dataDir: string,
  o: { token?: string; host?: string } = {},
): Promise<RunningServer> {
  return startServer({
    dataDir,
    host: o.host ?? "127.0.0.1",
    port: 0,
    token: o.token ?? null,
    onInternalError: (e) => INTERNAL_ERRORS.push(e),
  });
}

/** GET (or another method) on the server; the body read as text. */
export async function call(
  base: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const res = await fetch(base + path, { redirect: "manual", ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** One server-sent event. */
export interface LiveEvent {
  event: string;
  data: string;
}

/** A subscription to `GET /live`, read as the events arrive. */
export interface LiveReader extends AsyncDisposable {
  /** Every event so far, in order. */
  readonly events: LiveEvent[];
  /**
   * Reads until `done` holds; throws if the stream ends first, or if nothing made it hold
   * within `timeoutMs` (a guard against a hang, not a measure: generous on a loaded machine).
   */
  until(done: () => boolean, timeoutMs?: number): Promise<void>;
}

/** Subscribes to `GET /live` on `base` and reads until the server says it is following. */
export async function openLive(base: string): Promise<LiveReader> {
  const abort = new AbortController();
  const res = await fetch(base + "/live", { signal: abort.signal });
  if (res.status !== 200 || !/text\/event-stream/.test(res.headers.get("content-type") ?? "")) {
    throw new Error(`GET /live answered ${res.status} ${res.headers.get("content-type")}`);
  }
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: LiveEvent[] = [];
  let buffer = "";
  const until = async (done: () => boolean, timeoutMs = 120_000) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`waited ${timeoutMs} ms; got ${JSON.stringify(events)}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([read(done), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
  const read = async (done: () => boolean) => {
    while (!done()) {
      const { value, done: end } = await reader.read();
      if (end) throw new Error(`the stream ended; got ${JSON.stringify(events)}`);
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join("\n");
        events.push({ event, data });
      }
    }
  };
  await until(() => events.some((e) => e.event === "ready"));
  return {
    events,
    until,
    [Symbol.asyncDispose]: async () => {
      abort.abort();
      await reader.cancel().catch(() => {});
    },
  };
}
