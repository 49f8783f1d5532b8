/**
 * twitch-osint: the command-line entry. Dispatches to a subcommand handler in `src/cli/`
 * (imported lazily so start-up stays fast) and is the one place where errors become messages
 * and exit codes: 0 success, 2 usage error, 1 failure.
 *
 * @module
 */
import { errorMessage, OsintError } from "./src/errors.ts";
import { loadEnv, usesDatabase } from "./src/config.ts";
import { type CliIO, type Handler, writerFor } from "./src/cli/io.ts";

const COMMANDS: Record<string, { summary: string; load: () => Promise<Handler> }> = {
  subjects: {
    summary: "load, enrich, report on subjects (emails, usernames, phones)",
    load: async () => (await import("./src/cli/subjects.ts")).run,
  },
  chat: {
    summary: "monitor channels live or replay fixtures offline",
    load: async () => (await import("./src/cli/chat.ts")).run,
  },
  import: {
    summary: "import chat saved by other tools (TwitchDownloader, justlog, IRC, ...)",
    load: async () => (await import("./src/cli/import.ts")).run,
  },
  search: {
    summary: "search collected messages",
    load: async () => (await import("./src/cli/search.ts")).run,
  },
  profiles: {
    summary: "show, list and rebuild user and channel profiles",
    load: async () => (await import("./src/cli/profiles.ts")).run,
  },
  index: {
    summary: "rebuild or inspect the search index",
    load: async () => (await import("./src/cli/index_cmd.ts")).run,
  },
  providers: {
    summary: "list enrichment providers",
    load: async () => (await import("./src/cli/providers.ts")).run,
  },
  signals: {
    summary: "explain the relationship-signal analyzer on a text",
    load: async () => (await import("./src/cli/signals.ts")).run,
  },
  privacy: {
    summary: "manage the opt-out list",
    load: async () => (await import("./src/cli/privacy.ts")).run,
  },
  forget: {
    summary: "remove every trace of a user or channel",
    load: async () => (await import("./src/cli/forget.ts")).run,
  },
  timeline: {
    summary: "everything about one person in time order, across renames and channels",
    load: async () => (await import("./src/cli/timeline.ts")).run,
  },
  graph: {
    summary: "who talks to whom: export the interaction graph, list a person's contacts",
    load: async () => (await import("./src/cli/graph.ts")).run,
  },
  users: {
    summary: "find persons by login, past login, display name or id (typos forgiven)",
    load: async () => (await import("./src/cli/users.ts")).run,
  },
  db: {
    summary: "the PostgreSQL database of a fleet: migrate, status, import",
    load: async () => (await import("./src/cli/db.ts")).run,
  },
  serve: {
    summary: "the workspace in the browser, and its JSON API",
    load: async () => (await import("./src/cli/serve.ts")).run,
  },
};

/**
 * Least privilege, in one place: what each command drops before it reads any input, whatever
 * the launcher granted. `chat` and `subjects` decide in their handlers, since only their flags
 * say whether they need the net (live mode, `--network`).
 */
const DROPS: Readonly<Record<string, Deno.PermissionName[]>> = {
  search: ["net"],
  import: ["net"],
  profiles: ["net"],
  index: ["net"],
  privacy: ["net"],
  forget: ["net"],
  signals: ["net"],
  providers: ["net"],
  timeline: ["net"],
  graph: ["net"],
  users: ["net"],
};

const USAGE = `twitch-osint: watch public Twitch chat, build profiles, enrich subjects

Usage: twitch-osint <command> [options]     (each command has --help)

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join("\n")}

Example:
  twitch-osint chat run --channels example_channel --duration-seconds 15 --offline
`;

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], io?: Partial<CliIO>): Promise<number> {
  const controller = new AbortController();
  const full: CliIO = {
    out: io?.out ?? writerFor(Deno.stdout),
    err: io?.err ?? writerFor(Deno.stderr),
    errIsTerminal: io?.errIsTerminal ?? Deno.stderr.isTerminal(),
    env: io?.env ?? loadEnv(),
    signal: io?.signal ?? controller.signal,
    ...(io?.confirm
      ? { confirm: io.confirm }
      : io === undefined && Deno.stdin.isTerminal()
      ? { confirm: (q: string) => Promise.resolve(globalThis.confirm(q)) }
      : {}),
  };
  const debug = argv.includes("--debug");
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? full.err : full.out)(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    full.out("twitch-osint 0.1.0\n");
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    full.err(`error: unknown command "${name}" (see --help)\n`);
    return 2;
  }
  const onSignal = () => controller.abort();
  const listen = io?.signal === undefined;
  if (listen) {
    Deno.addSignalListener("SIGINT", onSignal);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);
  }
  try {
    // A PostgreSQL store is reached over the network: keep net then.
    const database = usesDatabase(rest, full.env);
    for (const permission of DROPS[name] ?? []) {
      if (permission === "net" && database) continue;
      await Deno.permissions.revoke({ name: permission });
    }
    const handler = await command.load();
    return await handler(rest, full);
  } catch (e) {
    full.err(`error: ${errorMessage(e)}\n`);
    if (debug && e instanceof Error && e.stack) full.err(`${e.stack}\n`);
    return e instanceof OsintError ? e.exitCode : 1;
  } finally {
    if (listen) {
      Deno.removeSignalListener("SIGINT", onSignal);
      if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGTERM", onSignal);
    }
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
