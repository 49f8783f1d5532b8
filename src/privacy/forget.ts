/**
 * Forgetting: removing every trace of a user or a channel from a data dir, and retention
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
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { wrapError } from "../errors.ts";
import type { Subject } from "../schemas.ts";
import { CORRUPT_HEADER, idFromLine, type JsonlLog } from "../store/log.ts";
import { eventLog, messageLog } from "../store/layout.ts";
import { type LineDecision, type LineView, rewriteLines } from "../store/rewrite.ts";
import { readSubjects, subjectKey, writeSubjects } from "../subjects/loading.ts";
import { privacyPath } from "./optout.ts";
import { jsonText, writeFileAtomic } from "../store/atomic.ts";
import { profilePath } from "../store/layout.ts";
import { tryRebuildDerived } from "../store/derived.ts";
import { enrichmentPath, enrichSubjects } from "../subjects/enrichment.ts";
import { regenerateReports, REPORT_FORMATS, reportPath } from "../subjects/reports.ts";

/** The marker that replaces a forgotten login in other people's records. */
export const FORGOTTEN = "[forgotten]";

/** Who or what to forget. Names must be normalized logins. */
export interface ForgetSelector {
  users?: readonly string[];
  channels?: readonly string[];
  /** Drop records with `ts` strictly before this UTC timestamp (retention). */
  before?: string;
}

/** A compiled selector: what the per-record functions need. */
export interface ForgetRule {
  users: ReadonlySet<string>;
  channels: ReadonlySet<string>;
  before: string | null;
  /** Keys of the username subjects of forgotten users (their hits are dropped). */
  subjectKeys: ReadonlySet<string>;
  /** Twitch user ids of forgotten users, learned from their dropped records. */
  userIds: Set<string>;
  /** Whole-word, case-insensitive matcher of the forgotten logins; null when no user. */
  word: RegExp | null;
  /** Cheap pre-filter: does a line contain any forgotten login at all (any case). */
  anyUser: RegExp | null;
}

const WORD = "A-Za-z0-9_";

/** Compiles a selector. Logins are plain `[a-z0-9_]`, so they need no regex escaping. */
export function compileRule(sel: ForgetSelector): ForgetRule {
  const users = new Set(sel.users ?? []);
  const alternatives = [...users].sort((a, b) => b.length - a.length).join("|");
  return {
    users,
    channels: new Set(sel.channels ?? []),
    before: sel.before ?? null,
    subjectKeys: new Set([...users].map((u) => subjectKey("username", u))),
    userIds: new Set(),
    word: users.size ? new RegExp(`(?<![${WORD}])(?:${alternatives})(?![${WORD}])`, "gi") : null,
    anyUser: users.size ? new RegExp(alternatives, "i") : null,
  };
}

/** Replaces whole-word occurrences of the forgotten logins in `s` by {@link FORGOTTEN}. */
export function scrubText(s: string, rule: ForgetRule): string {
  if (rule.word === null || !rule.anyUser!.test(s)) return s;
  rule.word.lastIndex = 0;
  return s.replace(rule.word, FORGOTTEN);
}

/** Scrubs every string in a JSON value (keys kept); ids of forgotten users become markers. */
function scrubDeep(v: unknown, rule: ForgetRule): unknown {
  if (typeof v === "string") return rule.userIds.has(v) ? FORGOTTEN : scrubText(v, rule);
  if (Array.isArray(v)) return v.map((x) => scrubDeep(x, rule));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = scrubDeep(x, rule);
    return out;
  }
  return v;
}

/** What to do with one record. */
export type RecordDecision = "keep" | "drop" | { replace: Record<string, unknown> };

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/**
 * Decides one message record (`kind: "message"`) or event record (`"event"`). Fields that
 * name the record's place (`channel`, ids of the record itself) are never scrubbed, so a kept
 * record still satisfies the schema. Learns the user ids of dropped records of forgotten users.
 */
export function forgetRecord(
  rec: Record<string, unknown>,
  kind: "message" | "event",
  rule: ForgetRule,
): RecordDecision {
  const user = str(rec.user_name);
  const channel = str(rec.channel);
  const ts = str(rec.ts);
  if (user !== null && rule.users.has(user.toLowerCase())) {
    const id = str(rec.user_id);
    if (id !== null && id !== "") rule.userIds.add(id);
    return "drop";
  }
  if (channel !== null && rule.channels.has(channel)) return "drop";
  if (rule.before !== null && ts !== null && ts < rule.before) return "drop";
  if (rule.users.size === 0) return "keep";

  const next: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (k === "channel" || k === "message_id" || k === "event_id" || k === "ts") {
      next[k] = v;
    } else if (kind === "message" && k === "mentions" && Array.isArray(v)) {
      next[k] = v.filter((x) => !(typeof x === "string" && rule.users.has(x.toLowerCase())));
    } else if (kind === "message" && k === "signals" && Array.isArray(v)) {
      const kept = v.filter((s) => {
        const t = (s as { target?: unknown })?.target;
        return !(typeof t === "string" && rule.users.has(t.toLowerCase()));
      });
      if (kept.length) next[k] = scrubDeep(kept, rule);
    } else if (kind === "message" && k === "hits" && Array.isArray(v)) {
      const kept = v.filter((h) => {
        const key = (h as { subject_key?: unknown })?.subject_key;
        return !(typeof key === "string" && rule.subjectKeys.has(key));
      });
      if (kept.length) next[k] = kept;
    } else {
      next[k] = scrubDeep(v, rule);
    }
  }
  return JSON.stringify(next) === JSON.stringify(rec) ? "keep" : { replace: next };
}

/** True when a line may concern the rule at all (a cheap test before parsing). */
function mayConcern(text: string, rule: ForgetRule): boolean {
  if (rule.anyUser !== null && rule.anyUser.test(text)) return true;
  if (rule.userIds.size) {
    for (const id of rule.userIds) if (text.includes(id)) return true;
  }
  for (const c of rule.channels) if (text.includes(c)) return true;
  if (rule.before !== null) {
    const ts = idFromLine(text, "ts");
    if (ts === null || ts < rule.before) return true;
  }
  return false;
}

/**
 * Decides one line of a JSONL log. A line that is not a JSON object (should not happen in a
 * log) is dropped when it names a forgotten user or channel, otherwise kept as it is.
 */
export function forgetLine(
  line: LineView,
  kind: "message" | "event",
  rule: ForgetRule,
): LineDecision {
  if (!mayConcern(line.text, rule)) return "keep";
  let rec: unknown = null;
  if (line.utf8 && !line.partial) {
    try {
      rec = JSON.parse(line.text);
    } catch {
      rec = null;
    }
  }
  if (typeof rec !== "object" || rec === null || Array.isArray(rec)) {
    return namesAny(line.text, rule) ? "drop" : "keep";
  }
  const d = forgetRecord(rec as Record<string, unknown>, kind, rule);
  return typeof d === "string" ? d : { replace: JSON.stringify(d.replace) };
}

/** True when text holds a forgotten login or channel as a word (for lines we cannot parse). */
function namesAny(text: string, rule: ForgetRule): boolean {
  if (rule.word !== null) {
    rule.word.lastIndex = 0;
    if (rule.word.test(text)) return true;
  }
  for (const c of rule.channels) {
    if (new RegExp(`(?<![${WORD}])${c}(?![${WORD}])`, "i").test(text)) return true;
  }
  return false;
}

/**
 * Decides one entry of a `.corrupt` file (a header line and the torn bytes after it): true to
 * drop it, when the torn bytes name a forgotten user or channel or one of the forgotten users'
 * ids, or when it is older than the retention cutoff (its own `ts` when readable, else the
 * time it was set aside, from the header).
 */
export function dropCorruptEntry(header: string | null, body: string, rule: ForgetRule): boolean {
  if (namesAny(body, rule)) return true;
  for (const id of rule.userIds) if (body.includes(id)) return true;
  if (rule.before !== null) {
    const at = header === null ? null : CORRUPT_HEADER.exec(header)?.[1] ?? null;
    const ts = /"ts":"([^"]+)"/.exec(body)?.[1] ?? at;
    if (ts !== null && ts < rule.before) return true;
  }
  return false;
}

/** Per-file outcome for the summary. */
export interface FileChange {
  /** Path relative to the data dir. */
  file: string;
  removed: number;
  scrubbed: number;
}

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
}

async function rewriteLog<T>(
  dataDir: string,
  log: JsonlLog<T>,
  kind: "message" | "event",
  rule: ForgetRule,
  dryRun: boolean,
  files: FileChange[],
): Promise<void> {
  await log.withLock(async () => {
    if (!dryRun) await removeStaleRewrites(log.path);
    const main = await rewriteLines(log.path, (l) => forgetLine(l, kind, rule), { dryRun });
    files.push({
      file: relative(dataDir, log.path),
      removed: main.dropped,
      scrubbed: main.replaced,
    });
    const corruptPath = `${log.path}.corrupt`;
    const c = await rewriteCorrupt(corruptPath, rule, dryRun);
    if (c !== null) files.push({ file: relative(dataDir, corruptPath), ...c });
  });
}

/**
 * Removes temporary files a killed rewrite left beside a log (`<log>.rewrite-*`): they may hold
 * the very lines being forgotten. Called under the log's lock, so none is in use.
 */
async function removeStaleRewrites(logPath: string): Promise<void> {
  const dir = dirname(logPath);
  const prefix = `${basename(logPath)}.rewrite-`;
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.startsWith(prefix)) {
        await Deno.remove(join(dir, e.name)).catch(() => {});
      }
    }
  } catch {
    // No folder yet: nothing left over.
  }
}

/** Rewrites a `.corrupt` file, dropping whole entries (header and body) that concern the rule. */
async function rewriteCorrupt(
  path: string,
  rule: ForgetRule,
  dryRun: boolean,
): Promise<{ removed: number; scrubbed: number } | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw wrapError(e, `read ${path}`);
  }
  // Latin-1: one char per byte, so that kept bytes are written back exactly.
  const text = new TextDecoder("latin1").decode(bytes);
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const keep: string[] = [];
  let removed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const isHeader = CORRUPT_HEADER.test(line);
    const body = isHeader ? lines[i + 1] : line;
    if (isHeader && (body === undefined || CORRUPT_HEADER.test(body))) {
      keep.push(line); // a header without a body holds no data
      continue;
    }
    if (isHeader) i++;
    if (dropCorruptEntry(isHeader ? line : null, body!, rule)) {
      removed++;
      continue;
    }
    if (isHeader) keep.push(line);
    keep.push(body!);
  }
  if (removed > 0 && !dryRun) {
    const out = keep.length ? keep.join("\n") + "\n" : "";
    if (out === "") await Deno.remove(path);
    else await writeFileAtomic(path, Uint8Array.from(out, (ch) => ch.charCodeAt(0)));
  }
  return { removed, scrubbed: 0 };
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

/** Bytes the check reads at a time (a whole file in one string fails past 512 MiB). */
const CHECK_CHUNK = 8 * 1024 * 1024;
/** Characters a window keeps of the one before: more than a login (25) and its neighbours. */
const CHECK_OVERLAP = 64;

/**
 * Whole-word occurrences of `word` in the bytes of a file (latin1, so any file), read in
 * windows that overlap: a match is counted in the window where it ends, unless it ends at the
 * window's edge, where the next character (a word boundary or not) is not known yet.
 */
async function occurrences(path: string, word: RegExp, any: RegExp): Promise<number> {
  const file = await Deno.open(path, { read: true });
  try {
    const dec = new TextDecoder("latin1");
    const buf = new Uint8Array(CHECK_CHUNK);
    let tail = "";
    let count = 0;
    for (;;) {
      const n = await file.read(buf);
      const last = n === null;
      const window = last ? tail : tail + dec.decode(buf.subarray(0, n));
      if (any.test(window)) {
        for (const m of window.matchAll(word)) {
          const end = m.index + m[0].length;
          if (end >= tail.length && (last || end < window.length)) count++;
        }
      }
      if (last) return count;
      tail = window.slice(-CHECK_OVERLAP);
    }
  } finally {
    file.close();
  }
}

/**
 * Counts whole-word, case-insensitive occurrences of any forgotten login in every file under
 * `dataDir` (read as bytes, so SQLite and other binary files are searched too).
 */
export async function findRemaining(
  dataDir: string,
  rule: ForgetRule,
): Promise<Array<{ file: string; count: number }>> {
  const out: Array<{ file: string; count: number }> = [];
  if (rule.word === null) return out;
  const walk = async (dir: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = [];
      for await (const e of Deno.readDir(dir)) entries.push(e);
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory) {
        await walk(p);
        continue;
      }
      if (!e.isFile) continue;
      let n: number;
      try {
        n = await occurrences(p, rule.word!, rule.anyUser!);
      } catch {
        continue;
      }
      if (n > 0) out.push({ file: relative(dataDir, p), count: n });
    }
  };
  await walk(dataDir);
  return out;
}

/**
 * Forgets users, channels or old messages in a data dir (see the module doc). Idempotent: a
 * second run with the same selector changes nothing and says so (`nothing: true`).
 */
export async function forget(
  dataDir: string,
  selector: ForgetSelector,
  options: ForgetOptions = {},
): Promise<ForgetSummary> {
  const dryRun = options.dryRun === true;
  const hooks = options.hooks ?? {};
  const rule = compileRule(selector);
  const summary: ForgetSummary = {
    dryRun,
    files: [],
    subjects: [],
    deleted: [],
    derived: "none",
    reports: [],
    remaining: [],
    optoutKeeps: [],
    notes: [],
    nothing: true,
  };

  // 1. The logs: messages first (they teach us the forgotten users' ids for the events).
  await rewriteLog(dataDir, messageLog(dataDir), "message", rule, dryRun, summary.files);
  await rewriteLog(dataDir, eventLog(dataDir), "event", rule, dryRun, summary.files);
  const logsChanged = summary.files.some((f) => f.removed + f.scrubbed > 0);

  // 2. Subjects, enrichment and reports of forgotten users.
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
  for (const u of rule.users) {
    const p = profilePath(dataDir, "user", u);
    if (await exists(p)) {
      if (!dryRun) await Deno.remove(p);
      summary.deleted.push(relative(dataDir, p));
    }
  }
  for (const c of rule.channels) {
    const p = profilePath(dataDir, "channel", c);
    if (await exists(p)) {
      if (!dryRun) await Deno.remove(p);
      summary.deleted.push(relative(dataDir, p));
    }
  }

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

  let changed = logsChanged || gone.length > 0 || summary.deleted.length > 0 ||
    enrichmentChanged > 0;
  // What the check finds, when nothing was written since it was computed.
  let found: Array<{ file: string; count: number }> | null = null;
  if (!dryRun && !changed && rule.word !== null) {
    // Nothing left in the logs, but an earlier run may have failed before the rebuild: derived
    // files that still hold the name are rebuilt all the same.
    found = await findRemaining(dataDir, rule);
    const stale = found.filter((f) => DERIVED.test(f.file));
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
  if (!dryRun && changed) {
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
  if (summary.derived === "monitor") {
    summary.notes.push(
      "a running monitor holds the index: it rebuilds the index and profiles from the rewritten log at its next write",
    );
  }

  // 4. The check.
  if (!dryRun) {
    found ??= await findRemaining(dataDir, rule);
    const optout = relative(dataDir, privacyPath(dataDir));
    for (const f of found) {
      if (f.file === optout) summary.optoutKeeps.push(...rule.users);
      else summary.remaining.push(f);
    }
  }
  return summary;
}

/** Files derived from the log (rebuilt, never edited in place). */
const DERIVED = /^(?:index\.sqlite|profiles\.sqlite|profiles\/|reports\/)/;

/** The UTC cutoff of a retention of `days` days at `nowMs`. */
export function retentionCutoff(days: number, nowMs: number): string {
  return new Date(nowMs - days * 86_400_000).toISOString();
}

/**
 * Deletes the index files and rebuilds the index and every profile from the log, holding the
 * index writer lock; returns "monitor" without touching anything when a running monitor holds
 * it (that monitor notices the rewritten log and rebuilds by itself).
 */
export async function rebuildDerivedFresh(dataDir: string): Promise<"rebuilt" | "monitor"> {
  // Fresh files: SQLite keeps deleted rows in free pages and the WAL until they are reused.
  return (await tryRebuildDerived(dataDir, { fresh: true })) ? "rebuilt" : "monitor";
}

/** The hooks `forget` uses in the CLI: fresh index and profiles, presence, reports. */
export function defaultForgetHooks(fixturesDir: string): ForgetHooks {
  return {
    rebuildDerived: rebuildDerivedFresh,
    refreshPresence: async (dataDir, subjects) => {
      const usernames = subjects.filter((s) => s.type === "username");
      if (usernames.length === 0) return;
      await enrichSubjects(usernames, {
        dataDir,
        fixturesDir,
        providers: ["chat_presence"],
      });
    },
    regenerateReports: (dataDir, subjects) => regenerateReports(dataDir, subjects),
  };
}
