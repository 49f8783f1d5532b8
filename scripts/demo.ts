/**
 * The offline demo (`deno task demo`): loads the sample subjects, replays the sample chat of
 * two channels at 40x the real pace, then shows what an analyst gets: a search, profiles,
 * enrichment and watchlist files. No keys, no server, no network. Uses its own data dir
 * (./data, or OSINT_DATA_DIR) and is safe to run again: nothing is stored twice.
 */
import { main } from "../main.ts";

const dataDir = Deno.env.get("OSINT_DATA_DIR") ?? "./data";
const say = (text: string) => console.log(`\n\x1b[1m$ ${text}\x1b[0m`);

async function step(argv: string[]): Promise<void> {
  say(`twitch-osint ${argv.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  const code = await main(argv);
  if (code !== 0) {
    console.error(`demo: step failed with exit code ${code}`);
    Deno.exit(code);
  }
}

await step(["subjects", "load", "--path", "subjects.csv"]);
await step([
  "chat",
  "run",
  "--channels",
  "example_channel,devchat",
  "--duration-seconds",
  "30",
  "--offline",
  "--speed",
  "40",
]);
await step(["search", "messages", "--by", "user", "--value", "someuser", "--contains", "dating"]);
await step([
  "search",
  "messages",
  "--by",
  "channel",
  "--value",
  "example_channel",
  "--since",
  "2025-09-02T12:00:00Z",
  "--limit",
  "8",
  "--format",
  "table",
]);
await step(["profiles", "show", "--user", "someuser"]);
// Chat presence is part of enrichment: refresh it now that the monitor has seen the subjects.
await step(["subjects", "enrich", "--providers", "chat_presence"]);
await step(["subjects", "hits", "--limit", "8"]);
await step(["subjects", "report", "username_someuser", "--format", "md"]);
await step([
  "signals",
  "explain",
  "hey @mod is he still dating sara?",
  "--channel",
  "example_channel",
]);

console.log(`
Done. Outputs (all plain files, safe to delete and rebuild):
  ${dataDir}/subjects.json                 normalized subjects
  ${dataDir}/enrichment/<subject>.json     what each provider found
  ${dataDir}/logs/messages.jsonl           the append-only message log
  ${dataDir}/profiles/users/<user>.json    per-user profiles
  ${dataDir}/profiles/channels/<c>.json    per-channel profiles (streamer signals)
  ${dataDir}/reports/<subject>.md          subject reports
  ${dataDir}/index.sqlite                  the search index (derived from the log)
  ${dataDir}/profiles.sqlite               the rollup state behind the profiles (derived)

Open the workspace in your browser (channels, search, people, subjects, reports):
  deno task serve${dataDir === "./data" ? "" : ` --data-dir ${dataDir}`}
  then open http://127.0.0.1:8080/   (Ctrl-C stops it; --port N picks another port)
Or keep to the terminal: deno task cli search messages --help`);
