/**
 * Live mode without Twitch: starts the scripted Twitch-like chat server on loopback and streams
 * made-up chat (messages with emotes, replies, /me, cheers, now and then a sub, a deleted
 * message or a timeout) into a few channels, until Ctrl-C or --duration-seconds (default 60).
 * The monitor writes into its own data dir, `./data-live-demo` unless --data-dir says otherwise,
 * so the invented chat never mixes with `./data` (the offline demo's and your own).
 *
 *   deno task live-demo                          # server only; prints the command for a monitor
 *   deno task live-demo --monitor                # also runs `chat run` against it
 *   deno run -A scripts/live_demo.ts --port 6680 --rate 40 --channels a,b --duration-seconds 60
 *
 * Options: --port N (default: a free one), --channels a,b,c, --rate N (messages per second over
 * all channels, default 15), --duration-seconds N (default 60; 0 runs until Ctrl-C), --monitor, --data-dir DIR (for the
 * monitor, default ./data-live-demo),
 * --reconnect-every N (send Twitch's RECONNECT every N seconds, to watch the client recover).
 */
import { parseArgs } from "node:util";
import { FakeTwitch } from "../tests/support/fake_twitch.ts";
import { FakeChat } from "../tests/support/fake_chat.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: "0" },
    channels: { type: "string", default: "demo_channel,devchat,speedrun_zone" },
    rate: { type: "string", default: "15" },
    "duration-seconds": { type: "string", default: "60" },
    monitor: { type: "boolean", default: false },
    "data-dir": { type: "string", default: "data-live-demo" },
    "reconnect-every": { type: "string", default: "0" },
    help: { type: "boolean", short: "h", default: false },
  },
});

// deno-lint-ignore no-console -- a script for people: it talks on the terminal
const say = (text: string) => console.error(`live-demo: ${text}`);

if (values.help) {
  say("see the header of scripts/live_demo.ts for options");
  Deno.exit(0);
}

const channels = values.channels!.split(",").map((c) => c.trim().toLowerCase().replace(/^#/, ""))
  .filter((c) => /^[a-z0-9_]{1,25}$/.test(c));
const rate = Math.max(0.1, Number(values.rate));
const durationSeconds = Number(values["duration-seconds"]);
const port = Number(values.port);
if (
  channels.length === 0 || !Number.isFinite(rate) || !Number.isInteger(port) ||
  !Number.isFinite(durationSeconds) || durationSeconds < 0
) {
  say("usage: --channels a,b --rate N --port N --duration-seconds N (see the file header)");
  Deno.exit(2);
}

const server = await FakeTwitch.start({}, port);
const chat = new FakeChat(Date.now() % 100_000);
const root = new URL("..", import.meta.url).pathname;
// Relative to where the user runs it (`deno task` runs in the project root).
const dataDir = values["data-dir"]!;
const monitorArgs = [
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-sys=osRelease,hostname",
  `${root}main.ts`,
  "chat",
  "run",
  "--server",
  server.url,
  "--channels",
  channels.join(","),
  ...(durationSeconds > 0 ? ["--duration-seconds", String(durationSeconds)] : []),
  "--data-dir",
  dataDir,
];

say(`fake Twitch chat server at ${server.url}`);
say(
  `channels: ${channels.join(", ")}; about ${rate} messages/s; ` +
    (durationSeconds > 0 ? `for ${durationSeconds}s (or Ctrl-C)` : "until Ctrl-C"),
);
if (values.monitor) say(`the monitor writes into ${dataDir}/ (not ./data)`);
if (!values.monitor) {
  say(`monitor it from another terminal with:\n  deno ${monitorArgs.join(" ")}`);
}

const stop = new AbortController();
let monitor: Deno.ChildProcess | undefined;
if (values.monitor) {
  monitor = new Deno.Command(Deno.execPath(), {
    args: monitorArgs,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  monitor.status.then(() => stop.abort());
}

const onSignal = () => stop.abort();
Deno.addSignalListener("SIGINT", onSignal);
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);
const duration = durationSeconds;
// With a monitor, the server runs until the monitor has stopped at its own --duration-seconds
// (counted from its own start, however long that start takes on a loaded machine) and flushed.
const durationTimer = duration > 0 && monitor === undefined
  ? setTimeout(() => stop.abort(), duration * 1000)
  : undefined;

const reconnectEvery = Number(values["reconnect-every"]);
let sent = 0;
let lastReconnect = Date.now();
let lastReport = Date.now();
const recent: string[] = [];
const started = Date.now();

while (!stop.signal.aborted) {
  await new Promise((r) => setTimeout(r, 1000 / rate));
  if (stop.signal.aborted) break;
  const channel = channels[Math.floor(chat.random() * channels.length)]!;
  const now = Date.now();
  const r = chat.random();
  if (r < 0.01 && recent.length > 0) {
    const target = recent[Math.floor(chat.random() * recent.length)]!;
    server.sendToChannel(
      channel,
      `@login=someone;room-id=1;target-msg-id=${target};tmi-sent-ts=${now} :tmi.twitch.tv CLEARMSG #${channel} :deleted text`,
    );
  } else if (r < 0.02) {
    const user = chat.users[Math.floor(chat.random() * chat.users.length)]!;
    server.sendToChannel(
      channel,
      `@ban-duration=60;room-id=1;target-user-id=1;tmi-sent-ts=${now} :tmi.twitch.tv CLEARCHAT #${channel} :${user}`,
    );
  } else if (r < 0.04) {
    const user = chat.users[Math.floor(chat.random() * chat.users.length)]!;
    server.sendToChannel(
      channel,
      `@id=${crypto.randomUUID()};login=${user};msg-id=sub;msg-param-cumulative-months=1;msg-param-sub-plan=1000;` +
        `room-id=1;system-msg=${user}\\ssubscribed\\sat\\sTier\\s1.;tmi-sent-ts=${now};user-id=1 ` +
        `:tmi.twitch.tv USERNOTICE #${channel} :hello everyone`,
    );
  } else {
    const line = chat.line(channel, now);
    server.sendToChannel(channel, line.line);
    recent.push(line.id);
    if (recent.length > 50) recent.shift();
    sent++;
  }
  if (reconnectEvery > 0 && now - lastReconnect >= reconnectEvery * 1000) {
    lastReconnect = now;
    say("sending RECONNECT to every client");
    server.reconnectAll();
  }
  if (now - lastReport >= 10_000) {
    lastReport = now;
    say(
      `${sent} messages sent in ${Math.round((now - started) / 1000)}s; ` +
        `${server.openConnections.length} client(s) connected`,
    );
  }
}

if (durationTimer !== undefined) clearTimeout(durationTimer);
Deno.removeSignalListener("SIGINT", onSignal);
if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGTERM", onSignal);
if (monitor) {
  try {
    monitor.kill("SIGINT");
  } catch {
    // It ended already.
  }
  await monitor.status;
}
await server.close();
say(`stopped after ${sent} messages`);
if (monitor) {
  say(
    `the monitor's data is in ${dataDir}/; look at it with, e.g.:\n` +
      `  deno task cli search messages --data-dir ${dataDir} --limit 5\n` +
      `  deno task cli profiles list --data-dir ${dataDir}`,
  );
}
