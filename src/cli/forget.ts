/**
 * `forget --user X | --channel Y | --older-than-days N | --retention [--dry-run]`: removes every
 * trace of a user or a channel, or messages older than a retention period, from the data dir
 * (see `src/forget.ts` for what is touched and how).
 *
 * @module
 */
import { OsintError, UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import type { Subject } from "../schemas.ts";
import {
  forget,
  type ForgetHooks,
  type ForgetSelector,
  type ForgetSummary,
} from "../privacy/forget.ts";
import { retentionCutoff } from "../privacy/retention.ts";
import { openStore, type Store } from "../store/store.ts";
import { directoryAbout, personIn } from "../query/person.ts";
import { enrichSubjects } from "../subjects/enrichment.ts";
import { regenerateReports } from "../subjects/report_files.ts";
import { renderReportHtml } from "../web/render/report.ts";
import { COMMON_HELP, numberFlag, parseCommand, type Parsed, storeConfig, str } from "./args.ts";
import type { CliIO, Handler } from "./io.ts";

const HELP =
  `Usage: twitch-osint forget (--user X | --channel Y | --older-than-days N | --retention) [--dry-run] [--yes]

Removes every trace of a user or a channel from the data dir, or messages older than N days:
  - their lines in logs/messages.jsonl, logs/events.jsonl and the .corrupt files beside them,
    rewritten atomically under each log's lock (a monitor running meanwhile loses nothing);
  - for a user, their name in other people's messages and events too ("@someuser" becomes
    "@[forgotten]"; mentions, signals naming them and hits of their subject are dropped);
  - the index and the profiles, rebuilt from the rewritten log (theirs deleted, every other
    one recomputed); a running monitor rebuilds them itself instead;
  - a username subject equal to the user, with its enrichment and report files; chat presence
    in other enrichment files; remaining reports are regenerated.
Then every file of the data dir is searched for the name (for retention: the logs for anything
still older than the cutoff); anything left is reported and the command fails (exit 1).
Running it again removes nothing and says so. One forget runs at a time on a data dir: a second
one waits for the first.

Retention (--older-than-days, --retention) first shows what it would remove and asks on a
terminal; elsewhere (piped, scripts) it needs --yes.

Options:
  --user X              a user to forget (repeat for several)
  --channel Y           a channel to forget (repeat for several)
  --older-than-days N   retention: drop messages and events older than N days (decimals allowed)
  --retention           the same with N from OSINT_RETAIN_DAYS (environment or .env)
  --dry-run             count what would be removed; change nothing
  --yes                 retention without asking (scripts, cron)

To keep them from being stored again, add them to the opt-out list first:
  twitch-osint privacy optout add --user X

${COMMON_HELP}

Examples:
  twitch-osint forget --user someuser
  OSINT_RETAIN_DAYS=30 twitch-osint forget --retention --dry-run
`;

function loginList(v: unknown, flag: string): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const out: string[] = [];
  for (const raw of list) {
    const n = normalizeLogin(String(raw));
    if (!n.ok) throw new UsageError(`--${flag}: ${n.reason}`);
    if (!out.includes(n.value)) out.push(n.value);
  }
  return out;
}

function describe(sel: ForgetSelector, days: number | null): string {
  const parts = [
    ...(sel.users ?? []).map((u) => `user ${u}`),
    ...(sel.channels ?? []).map((c) => `channel ${c}`),
  ];
  if (sel.before !== undefined) {
    parts.push(`messages older than ${days} day(s) (before ${sel.before})`);
  }
  return parts.join(", ");
}

/** The human summary of a forget run. */
function formatSummary(
  s: ForgetSummary,
  what: string,
  dataDir: string,
  sel: ForgetSelector,
): string {
  const L: string[] = [];
  const verb = s.dryRun ? "would remove" : "removed";
  if (s.nothing) {
    L.push(`forget: nothing to remove for ${what}${s.dryRun ? "" : " (already forgotten)"}`);
  } else {
    L.push(`forget: ${what}${s.dryRun ? " (dry run: nothing changed)" : ""}`);
    const width = Math.max(...s.files.map((f) => f.file.length), 10);
    for (const f of s.files) {
      if (f.removed === 0 && f.scrubbed === 0 && !f.file.startsWith("logs/messages.jsonl")) {
        continue;
      }
      L.push(
        `  ${f.file.padEnd(width)}  ${verb} ${f.removed} line(s), scrubbed ${f.scrubbed}`,
      );
    }
    for (const k of s.subjects) L.push(`  subjects.json: ${verb} subject ${k}`);
    for (const d of s.deleted) L.push(`  ${s.dryRun ? "would delete" : "deleted"} ${d}`);
    if (!s.dryRun) {
      const derived = {
        rebuilt: "index and profiles: rebuilt from the rewritten log (fresh index files)",
        monitor: "index and profiles: a running monitor holds them and rebuilds them itself",
        none: "index and profiles: unchanged",
        skipped: "index and profiles: not rebuilt",
      }[s.derived];
      L.push(`  ${derived}`);
      if (s.reports.length) L.push(`  reports regenerated: ${s.reports.join(", ")}`);
    }
  }
  for (const n of s.notes) L.push(`  note: ${n}`);
  const names = (sel.users?.length ?? 0) + (sel.channels?.length ?? 0) > 0;
  if (!s.dryRun && !s.nothing && s.remaining.length + s.awaitingMonitor.length === 0) {
    L.push(
      names
        ? `  check: no file under ${dataDir} holds the name any more`
        : `  check: nothing older than ${sel.before} is left in the logs`,
    );
  }
  for (const r of s.remaining) {
    L.push(`  check: ${r.file} still holds ${r.count} trace(s) of what was to be forgotten`);
  }
  for (const r of s.awaitingMonitor) {
    L.push(
      `  check: ${r.file} still holds ${r.count} trace(s) until the running monitor rebuilds it`,
    );
  }
  if (s.optoutKeeps.length) {
    L.push(
      `  check: privacy.json keeps ${s.optoutKeeps.join(", ")} on the opt-out list, on purpose`,
    );
  }
  return L.join("\n") + "\n";
}

/** The days of `--older-than-days`, or of `--retention` (OSINT_RETAIN_DAYS); null for neither. */
function retentionDays(p: Parsed, io: CliIO): number | null {
  if (str(p, "older-than-days") !== undefined) {
    if (p.values.retention === true) {
      throw new UsageError("give either --older-than-days or --retention, not both");
    }
    return numberFlag(p, "older-than-days", 0);
  }
  if (p.values.retention !== true) return null;
  const raw = io.env("OSINT_RETAIN_DAYS");
  if (raw === undefined || raw.trim() === "") {
    throw new UsageError("--retention needs OSINT_RETAIN_DAYS (days of messages to keep)");
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError(`OSINT_RETAIN_DAYS must be a number of days >= 0, got "${raw}"`);
  }
  return n;
}

/**
 * Retention removes everything before a date, whoever wrote it: shows what it would remove,
 * then asks (without someone to ask, a UsageError says to add --yes). False: they said no.
 */
async function confirmRetention(
  store: Store,
  selector: ForgetSelector,
  what: string,
  dataDir: string,
  io: CliIO,
): Promise<boolean> {
  const preview = await forget(store, selector, { dryRun: true });
  if (preview.nothing) return true;
  io.err(formatSummary(preview, what, dataDir, selector));
  if (!io.confirm) {
    throw new UsageError(
      `retention would remove the lines above; run again with --yes to remove them ` +
        `(or --dry-run to only count)`,
    );
  }
  return await io.confirm("forget: remove them?");
}

/**
 * `forget`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { run } from "./forget.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * const said = (id: string, s: number, user: string, text: string, mentions: string[]) => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions,
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * });
 * await store.appendMessages([
 *   said("m1", 1, "ann", "hi\x1b[2J all", []),
 *   said("m2", 2, "bob", "hey @ann", ["ann"]),
 *   said("m3", 3, "cat", "hello @bob", ["bob"]),
 * ]);
 * await store.close();
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * await run(["--user", "bob", "--dry-run", "--data-dir", dataDir], io);
 * assert.equal(
 *   out,
 *   "forget: user bob (dry run: nothing changed)\n" +
 *     "  logs/messages.jsonl  would remove 1 line(s), scrubbed 1\n" +
 *     "  would delete profiles/users/bob.json\n",
 * );
 * out = "";
 * await run(["--user", "bob", "--data-dir", dataDir], io);
 * assert.ok(out.includes("\n  index and profiles: rebuilt from the rewritten log (fresh index"));
 * assert.match(out, /\n  check: no file under .* holds the name any more\n$/);
 * assert.doesNotMatch(await Deno.readTextFile(`${dataDir}/logs/messages.jsonl`), /bob/);
 * out = "";
 * await run(["--user", "bob", "--data-dir", dataDir], io);
 * assert.equal(out, "forget: nothing to remove for user bob (already forgotten)\n");
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export const run: Handler = async (args: string[], io: CliIO): Promise<number> => {
  const p = parseCommand(args, HELP, io, {
    user: { type: "string", multiple: true },
    channel: { type: "string", multiple: true },
    "older-than-days": { type: "string" },
    retention: { type: "boolean" },
    "dry-run": { type: "boolean" },
    yes: { type: "boolean" },
  });
  if (p === null) return 0;
  const users = loginList(p.values.user, "user");
  const channels = loginList(p.values.channel, "channel");
  const days = retentionDays(p, io);
  if (users.length + channels.length === 0 && days === null) {
    throw new UsageError("forget needs --user, --channel, --older-than-days or --retention");
  }
  const { dataDir, fixturesDir } = p.common;
  const dryRun = p.values["dry-run"] === true;
  const store = await openStore(storeConfig(p.common));
  try {
    const selector: ForgetSelector = {
      ...await personsOf(store, users),
      channels,
      ...(days !== null ? { before: retentionCutoff(days, Date.now()) } : {}),
    };
    const what = describe(selector, days);
    if (days !== null && !dryRun && p.values.yes !== true) {
      if (!(await confirmRetention(store, selector, what, dataDir, io))) {
        io.err("forget: nothing changed\n");
        return 1;
      }
    }
    const summary = await forget(store, selector, {
      dryRun,
      hooks: forgetHooks(store, fixturesDir),
      onWait: () => io.err("forget: another forget is running on this data dir; waiting for it\n"),
    });
    io.out(formatSummary(summary, what, dataDir, selector));
    if (summary.remaining.length > 0) {
      throw new OsintError(
        `forget: the check found traces left in ${summary.remaining.length} file(s) (listed above)`,
      );
    }
  } finally {
    await store.close();
  }
  return 0;
};

/**
 * What follows a forget that changed something: the index and every profile rebuilt from
 * fresh files (SQLite keeps deleted rows in free pages until reused), or left to a running
 * monitor that holds the writer lock (it notices the rewritten log and rebuilds by itself);
 * chat presence refreshed; the remaining reports regenerated.
 */
export function forgetHooks(store: Store, fixturesDir: string): ForgetHooks {
  return {
    rebuildDerived: async () => (await store.tryRebuild({ fresh: true })) ? "rebuilt" : "monitor",
    refreshPresence: async (dataDir: string, subjects: readonly Subject[]) => {
      const usernames = subjects.filter((s) => s.type === "username");
      if (usernames.length === 0) return;
      // Presence is read from the store the forget went through (embedded or PostgreSQL).
      await enrichSubjects(usernames, {
        dataDir,
        fixturesDir,
        providers: ["chat_presence"],
        store,
      });
    },
    regenerateReports: (_dataDir: string, subjects: readonly Subject[]) =>
      regenerateReports(store, subjects, { html: renderReportHtml }),
  };
}

/**
 * A user is a person: forgetting one login forgets every login they used (but not one Twitch
 * gave to someone else too: their records under it go by their id), and their user id.
 */
async function personsOf(
  store: Store,
  users: readonly string[],
): Promise<{ users: string[]; userIds?: string[] }> {
  if (users.length === 0) return { users: [] };
  await store.catchUp();
  const dir = await directoryAbout(store, users);
  const persons = users.map((u) => personIn(dir, u));
  const own = (login: string, key: string) =>
    dir.holders(login).every((h) => dir.canonical(h.person) === key);
  const all = new Set(users);
  for (const x of persons) for (const s of x.logins) if (own(s.login, x.key)) all.add(s.login);
  const userIds = persons.flatMap((x) => x.user_id === null ? [] : [x.user_id]);
  return { users: [...all].sort(), ...(userIds.length ? { userIds } : {}) };
}
