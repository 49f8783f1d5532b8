/**
 * Forgetting, the orchestration: removing every trace of a user or a channel from a data dir, and retention
 * (dropping messages older than N days) the same way.
 *
 * What `forget` touches, in order:
 * 1. `logs/messages.jsonl` and `logs/messages.jsonl.corrupt`, under the message log's lock;
 *    then `logs/events.jsonl` and its `.corrupt`, under the event log's lock. Each file is
 *    rewritten atomically ({@link rewriteLines}): a monitor appending at the same time waits
 *    for the lock, then notices the new file and re-reads its ids, so it loses nothing.
 *    - Lines of the user (author) or of the channel, or older than the cutoff, are dropped.
 *    - For a forgotten user, other people's records are scrubbed: every whole-word,
 *      case-insensitive occurrence of the login in any string becomes `[forgotten]` (so
 *      `@someuser` becomes `@[forgotten]`), the login leaves `mentions`, relationship signals
 *      naming them as target and watchlist hits of their username subject are dropped, and
 *      their Twitch user ids (read from their own dropped records) leave event parameters.
 * 2. The index and the profiles (derived): when no monitor holds the index, the database files
 *    (`index.sqlite`, `profiles.sqlite`, their `-wal`, `-shm`) are deleted, so that no freed
 *    SQLite page keeps old text,
 *    and rebuilt from the rewritten log with every profile (files of users and channels that
 *    no longer occur are removed). When a monitor holds it, that monitor notices the rewritten
 *    log and rebuilds both by itself.
 * 3. Subjects: a username subject equal to a forgotten user leaves `subjects.json` with its
 *    enrichment and report files; `chat_presence` cross-references in other enrichment files
 *    lose the forgotten channel or user, and remaining reports are regenerated.
 * 4. A check: every file under the data dir is searched (bytes, binary files included) for the
 *    forgotten logins as whole words; what remains is reported (the opt-out list, which must
 *    keep the name to do its job, is reported apart).
 *
 * The rule is in `forget_rule.ts`, the record decisions in `forget_decisions.ts`; the Store
 * applies them to what it holds (`Store.forgetRecords`, `removeProfiles`, `residue`). What
 * follows a change (rebuilding derived data, refreshing presence, regenerating reports) is
 * given as hooks by the caller (the CLI handler), so forget knows nothing of them.
 *
 * @module
 */
import { relative } from "node:path";
import { wrapError } from "../errors.ts";
import type { Subject } from "../schemas.ts";
import { jsonText, writeFileAtomic } from "../store/atomic.ts";
import { layout } from "../store/layout.ts";
import type { ForgetChange, Store } from "../store/store.ts";
import { readSubjects, writeSubjects } from "../subjects/subject_list.ts";
import { enrichmentPath, REPORT_FORMATS, reportPath } from "../subjects/subject_files.ts";
import { forgetPlan } from "./forget_decisions.ts";
import { compileRule, type ForgetRule, type ForgetSelector, scrubDeep } from "./forget_rule.ts";

export { type ForgetSelector, FORGOTTEN } from "./forget_rule.ts";

/** Per-file outcome for the summary (a path relative to the data dir). */
export type FileChange = ForgetChange;

/** What {@link forget} did (or, dry, would do). */
export interface ForgetSummary {
  dryRun: boolean;
  files: FileChange[];
  /** Subjects removed from subjects.json. */
  subjects: string[];
  /** Files deleted (enrichment, reports, profiles), relative to the data dir. */
  deleted: string[];
  /** How the index and profiles were brought in line. */
  derived: "rebuilt" | "monitor" | "none" | "skipped";
  /** Reports regenerated after the change. */
  reports: string[];
  /** Files that still hold a forgotten login as a word (after the change), with counts. */
  remaining: Array<{ file: string; count: number }>;
  /**
   * Derived files (index, profiles) that still hold the name because a running monitor holds
   * them: it rebuilds them from the rewritten log at its next write. Not a failed check.
   */
  awaitingMonitor: Array<{ file: string; count: number }>;
  /** The opt-out list names a forgotten user (kept on purpose). */
  optoutKeeps: string[];
  /** Notes for the person running it. */
  notes: string[];
  /** True when nothing was (or would be) changed. */
  nothing: boolean;
}

/** Hooks into the derived data and the reports, so that forget needs no knowledge of them. */
export interface ForgetHooks {
  /**
   * Rebuilds the index and every profile from the rewritten log after deleting the index
   * files. Returns "monitor" when a running monitor holds the index (it rebuilds by itself).
   */
  rebuildDerived?: (dataDir: string) => Promise<"rebuilt" | "monitor">;
  /** Regenerates the report files that exist for remaining subjects; returns their paths. */
  regenerateReports?: (dataDir: string, subjects: readonly Subject[]) => Promise<string[]>;
  /** Refreshes chat_presence enrichment of username subjects from the rebuilt profiles. */
  refreshPresence?: (dataDir: string, subjects: readonly Subject[]) => Promise<void>;
}

/** Options of {@link forget}. */
export interface ForgetOptions {
  dryRun?: boolean;
  hooks?: ForgetHooks;
  /** Called when another forget holds this data dir: this one waits for it to finish. */
  onWait?: () => void;
}

/**
 * One forget at a time per data dir. Two at once each rewrote the logs, then one rebuilt the
 * derived files while the other, finding the writer lock taken, left the rebuild to "a running
 * monitor" that did not exist: the second user's rows stayed in the index and profiles.
 * The second forget now waits for the first (`onWait` says so) and then runs on its result.
 */
async function lockForgets(dataDir: string, onWait?: () => void): Promise<Deno.FsFile> {
  await Deno.mkdir(dataDir, { recursive: true });
  const f = await Deno.open(layout(dataDir).forgetLock, { read: true, write: true, create: true });
  try {
    if (!(await f.tryLock(true))) {
      onWait?.();
      await f.lock(true);
    }
    return f;
  } catch (e) {
    f.close();
    throw wrapError(e, `lock ${layout(dataDir).forgetLock}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reports of a subject key, whatever their format. */
export function reportFiles(dataDir: string, key: string): string[] {
  return REPORT_FORMATS.map((format) => reportPath(dataDir, key, format));
}

/**
 * Removes chat_presence cross-references to forgotten channels (and scrubs forgotten users)
 * in one enrichment record. Returns the new record, or null when nothing changed.
 */
export function scrubEnrichment(
  enrichment: Record<string, unknown>,
  rule: ForgetRule,
): Record<string, unknown> | null {
  const before = JSON.stringify(enrichment);
  const providers = enrichment.providers as Record<string, Record<string, unknown>> | undefined;
  const presence = providers?.chat_presence?.data as Record<string, unknown> | null | undefined;
  if (presence && typeof presence === "object") {
    if (Array.isArray(presence.channels)) {
      presence.channels = presence.channels.filter((c) =>
        !(typeof c === "string" && rule.channels.has(c))
      );
    }
    const per = presence.per_channel as Record<string, number> | undefined;
    if (per && typeof per === "object") {
      let total = 0;
      for (const c of Object.keys(per)) {
        if (rule.channels.has(c)) delete per[c];
        else total += Number(per[c]) || 0;
      }
      if (typeof presence.message_count === "number") presence.message_count = total;
    }
  }
  const next = rule.users.size
    ? scrubDeep(enrichment, rule) as Record<string, unknown>
    : enrichment;
  return JSON.stringify(next) === before ? null : next;
}

/**
 * Forgets users, channels or old messages in a data dir (see the module doc). Idempotent: a
 * second run with the same selector changes nothing and says so (`nothing: true`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Message } from "../schemas.ts";
 * import { openStore } from "../store/store.ts";
 * import { forget } from "./forget.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const said = (id: string, user: string, text: string, mentions: string[]): Message => ({
 *   ts: "2025-09-02T12:00:00.000Z",
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions,
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 * });
 * await store.appendMessages([
 *   said("m1", "bob", "hi", []),
 *   said("m2", "ann", "hey @bob", ["bob"]),
 * ]);
 * const first = await forget(store, { users: ["bob"] });
 * assert.deepEqual(first.files[0], { file: "logs/messages.jsonl", removed: 1, scrubbed: 1 });
 * assert.deepEqual(first.remaining, []);
 * const log = await Deno.readTextFile(`${store.dataDir}/logs/messages.jsonl`);
 * assert.match(log, /"text":"hey @\[forgotten\]","mentions":\[\]/);
 * assert.doesNotMatch(log, /bob/);
 * assert.equal((await forget(store, { users: ["bob"] })).nothing, true);
 * await store.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export async function forget(
  store: Store,
  selector: ForgetSelector,
  options: ForgetOptions = {},
): Promise<ForgetSummary> {
  const dataDir = store.dataDir;
  const dryRun = options.dryRun === true;
  if (dryRun) return await forgetLocked(store, selector, options);
  const lock = await lockForgets(dataDir, options.onWait);
  try {
    return await forgetLocked(store, selector, options);
  } finally {
    lock.close();
  }
}

/** A summary of nothing done yet. */
function emptySummary(dryRun: boolean): ForgetSummary {
  return {
    dryRun,
    files: [],
    subjects: [],
    deleted: [],
    derived: "none",
    reports: [],
    remaining: [],
    awaitingMonitor: [],
    optoutKeeps: [],
    notes: [],
    nothing: true,
  };
}

async function forgetLocked(
  store: Store,
  selector: ForgetSelector,
  options: ForgetOptions,
): Promise<ForgetSummary> {
  const dataDir = store.dataDir;
  const dryRun = options.dryRun === true;
  const rule = compileRule(selector);
  const summary = emptySummary(dryRun);

  // 1. The logs: messages first (they teach us the forgotten users' ids for the events).
  summary.files.push(...await store.forgetRecords(forgetPlan(rule), { dryRun }));
  const logsChanged = summary.files.some((f) => f.removed + f.scrubbed > 0);

  // 2. Subjects, enrichment and reports of forgotten users; their profiles; cross-references.
  const { remainingSubjects, changed: subjectsChanged } = await forgetSubjects(
    store,
    rule,
    dryRun,
    summary,
  );

  let changed = logsChanged || subjectsChanged;
  // What the check finds, when nothing was written since it was computed.
  let found: Array<{ file: string; count: number; derived: boolean }> | null = null;
  if (!dryRun && !changed && rule.word !== null) {
    // Nothing left in the logs, but an earlier run may have failed before the rebuild: derived
    // files that still hold the name are rebuilt all the same.
    const residue = await store.residue(rule.word, rule.anyUser!);
    found = residue;
    const stale = residue.filter((f) => f.derived);
    if (stale.length) {
      changed = true;
      // Rebuilt below: the check looks again.
      found = null;
      summary.notes.push(
        `derived files still held the name (${stale.map((f) => f.file).join(", ")}): rebuilt`,
      );
    }
  }
  summary.nothing = !changed;

  // 3. Derived data, presence and reports, only when something changed.
  if (!dryRun && changed) await runHooks(dataDir, options.hooks ?? {}, remainingSubjects, summary);
  if (summary.derived === "monitor") {
    summary.notes.push(
      "a running monitor holds the index: it rebuilds the index and profiles from the rewritten log at its next write",
    );
  }

  // 4. The check: the names, and for retention whatever is still older than the cutoff.
  if (!dryRun) await checkRemaining(store, rule, summary, found);
  return summary;
}

/**
 * What follows a forget that changed something, as the hooks say: derived data rebuilt (or
 * left to a running monitor), chat presence refreshed after a rebuild, the remaining reports
 * regenerated; recorded in `summary`.
 */
async function runHooks(
  dataDir: string,
  hooks: ForgetHooks,
  remainingSubjects: readonly Subject[],
  summary: ForgetSummary,
): Promise<void> {
  if (hooks.rebuildDerived) summary.derived = await hooks.rebuildDerived(dataDir);
  else summary.derived = "skipped";
  if (summary.derived === "rebuilt" && hooks.refreshPresence) {
    await hooks.refreshPresence(dataDir, remainingSubjects);
  }
  if (hooks.regenerateReports) {
    summary.reports = (await hooks.regenerateReports(dataDir, remainingSubjects)).map((p) =>
      relative(dataDir, p)
    );
  }
}

/**
 * Forgets the subjects that are forgotten users (their entry, enrichment and report files),
 * the profiles of forgotten users and channels, and their names in the remaining enrichment
 * files; records it in `summary`. Returns the subjects kept and whether anything changed.
 */
async function forgetSubjects(
  store: Store,
  rule: ForgetRule,
  dryRun: boolean,
  summary: ForgetSummary,
): Promise<{ remainingSubjects: Subject[]; changed: boolean }> {
  const dataDir = store.dataDir;
  const subjects = await readSubjects(dataDir);
  const gone = subjects.filter((s) => s.type === "username" && rule.users.has(s.value));
  const remainingSubjects = subjects.filter((s) => !gone.includes(s));
  summary.subjects = gone.map((s) => s.key);
  if (gone.length && !dryRun) await writeSubjects(dataDir, remainingSubjects);
  for (const s of gone) {
    for (const p of [enrichmentPath(dataDir, s.key), ...reportFiles(dataDir, s.key)]) {
      if (await exists(p)) {
        if (!dryRun) await Deno.remove(p);
        summary.deleted.push(relative(dataDir, p));
      }
    }
  }
  // Profiles of the forgotten: the rebuild would sweep them, but a monitor may hold the index.
  summary.deleted.push(...await store.removeProfiles("user", rule.users, { dryRun }));
  summary.deleted.push(...await store.removeProfiles("channel", rule.channels, { dryRun }));

  // Cross-references in the remaining enrichment files.
  let enrichmentChanged = 0;
  for (const s of remainingSubjects) {
    const p = enrichmentPath(dataDir, s.key);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(await Deno.readTextFile(p));
    } catch {
      continue;
    }
    const next = scrubEnrichment(json, rule);
    if (next === null) continue;
    enrichmentChanged++;
    if (!dryRun) await writeFileAtomic(p, jsonText(next));
    summary.files.push({ file: relative(dataDir, p), removed: 0, scrubbed: 1 });
  }
  const changed = gone.length > 0 || summary.deleted.length > 0 || enrichmentChanged > 0;
  return { remainingSubjects, changed };
}

/**
 * The check after a forget: what is still older than the cutoff (retention), and where the
 * names still occur (`found`, when already computed and nothing was written since), sorted
 * into the opt-out list's own entries, derived files a running monitor will rebuild, and the
 * rest.
 */
async function checkRemaining(
  store: Store,
  rule: ForgetRule,
  summary: ForgetSummary,
  found: Array<{ file: string; count: number; derived: boolean }> | null,
): Promise<void> {
  const dataDir = store.dataDir;
  if (rule.before !== null) {
    const older = forgetPlan(compileRule({ before: rule.before }));
    for (const f of await store.forgetRecords(older, { dryRun: true })) {
      if (f.removed > 0) summary.remaining.push({ file: f.file, count: f.removed });
    }
  }
  found ??= await findRemaining(store, rule);
  const optout = relative(dataDir, layout(dataDir).privacy);
  for (const { file, count, derived } of found) {
    if (file === optout) summary.optoutKeeps.push(...rule.users);
    else if (derived && summary.derived === "monitor") {
      summary.awaitingMonitor.push({ file, count });
    } else summary.remaining.push({ file, count });
  }
}

/**
 * Where the forgotten logins of `rule` still occur as whole words, in everything the store
 * holds: `{ file, count }` per file.
 */
export async function findRemaining(
  store: Store,
  rule: ForgetRule,
): Promise<Array<{ file: string; count: number; derived: boolean }>> {
  if (rule.word === null) return [];
  return await store.residue(rule.word, rule.anyUser!);
}
