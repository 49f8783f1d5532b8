/**
 * The PostgreSQL Store (`OSINT_DATABASE_URL`, `--database-url`): one database is the system of
 * record of a fleet of monitors on many machines, and every reader (CLI, web server) of any
 * data dir that has the URL sees everything the fleet wrote.
 *
 * - Writes go to the data dir's own logs first (the spec's file contract, through the embedded
 *   store), then into the database from those logs (the journal, see `journal.ts`): a
 *   database that is down or restarting loses nothing, the monitor keeps writing its log and
 *   catches the database up when it returns (retrying with backoff while following).
 * - The database stores each message once (unique `message_id`) and folds only the new ones
 *   into rollups under row locks, so several monitors joined to the same channels count each
 *   message once; see `database.ts`.
 * - Reads come from the database (raw: the query layer applies the opt-out list, which lives
 *   in the database too); a read first pushes what this data dir's logs hold beyond the
 *   journal, so a process always reads its own writes.
 * - Profile files in `data/profiles/` are written from the database's rollups (the same pure
 *   functions as the embedded store, so the same bytes).
 *
 * @module
 */
import { relative } from "node:path";
import {
  type ChannelProfile,
  type ChatEvent,
  type Message,
  PrivacyFile,
  UserProfile,
} from "../../schemas.ts";
import { StoreError } from "../../errors.ts";
import { type LoginSpan, personKey } from "../../analysis/identity.ts";
import {
  facetsOf,
  foldUser,
  loginSpans as rollupLoginSpans,
  newUserState,
  type UserState,
} from "../../analysis/rollups.ts";
import { AuthorTally } from "../interaction_scan.ts";
import { aroundBySearch } from "../message_context.ts";
import { jsonText, writeFileAtomic } from "../atomic.ts";
import { layout, profileDir, type ProfileKind, profilePath } from "../layout.ts";
import type {
  AboutQuery,
  Anchor,
  AppendOutcome,
  CatchUpSummary,
  EventPage,
  EventQuery,
  Follower,
  FollowSummary,
  ForgetChange,
  ForgetPlan,
  InteractionInput,
  InteractionRecord,
  InteractionScope,
  MessagePage,
  MessageQuery,
  RebuildRequest,
  RebuildSummary,
  Residue,
  SearchMessagesOptions,
  Store,
  StoreConfig,
  StoreStatus,
} from "../store.ts";
import { isConnectionError } from "./client.ts";
import { PgDatabase, type PgDatabaseOptions } from "./database.ts";
import type { PgMessageFilter } from "./messages.ts";
import {
  type MatchContext,
  matchesEvent,
  matchesMessage,
  type QueryFilter,
} from "../message_query.ts";
import { journalBacklog, pushJournal, type PushResult, withJournalLock } from "./journal.ts";

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions extends PgDatabaseOptions {
  /**
   * How long {@link Follower.close} keeps retrying to push the last lines into an unreachable
   * database before it gives up (they stay in the log for the next start). @default 30000
   */
  closeRetryMs?: number;
  /** Longest wait between two retries while the database is unreachable. @default 5000 */
  maxBackoffMs?: number;
}

/**
 * What SQL can narrow a query by (a sole positive `from:`/`in:` literal in its own clause, the
 * time window, positive text literals through the folded text), and whether that is the whole
 * query (`exact`): otherwise the rest is checked on each candidate.
 */
export function pgPrefilter(q: QueryFilter): { filter: PgMessageFilter; exact: boolean } {
  const terms: string[] = [];
  const filter: PgMessageFilter = { terms };
  if (q.sinceMs !== undefined) filter.sinceMs = q.sinceMs;
  if (q.untilMs !== undefined) filter.untilMs = q.untilMs;
  let exact = true;
  for (const clause of q.clauses) {
    const one = clause.length === 1 && !clause[0]!.negated ? clause[0]!.term : null;
    if (one?.field === "from" && filter.user === undefined) {
      filter.user = one.value;
    } else if (one?.field === "in" && filter.channel === undefined) {
      filter.channel = one.value;
    } else if (one?.field === "text") {
      terms.push(one.value);
    } else {
      exact = false;
    }
  }
  return { filter, exact };
}

/** True when some term of `q` checks which messages were deleted (`is:deleted`). */
function needsDeletions(q: QueryFilter): boolean {
  return q.clauses.some((c) => c.some((l) => l.term.field === "is" && l.term.value === "deleted"));
}

/** True when a message concerns the subject of `q` (as the embedded store decides it). */
function concerns(m: Message, q: AboutQuery): boolean {
  const hits = m.hits ?? [];
  if (q.subjectKey !== undefined ? hits.some((h) => h.subject_key === q.subjectKey) : hits.length) {
    return true;
  }
  if (q.user === undefined) return false;
  return m.user_name === q.user || (m.signals ?? []).some((s) => s.target === q.user);
}

/**
 * Opens the PostgreSQL store of `config.databaseUrl` over `config.dataDir`, with `local` (the
 * embedded store of the same data dir) for the logs and files. Migrates the schema; throws
 * StoreError naming host and port when the database cannot be reached.
 */
export async function openPostgresStore(
  config: StoreConfig,
  local: Store,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  if (config.databaseUrl === undefined) throw new StoreError("no database URL");
  const db = await PgDatabase.open(config.databaseUrl, options);
  return new PostgresStore(config.dataDir, db, local, options);
}

/** The PostgreSQL Store of one data dir. */
export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  readonly dataDir: string;
  readonly db: PgDatabase;
  #local: Store;
  #options: PostgresStoreOptions;
  /** Open followers: while one runs, it pushes (appends return without waiting). */
  #following = 0;
  /** Pushes of this process, one after another. */
  #chain: Promise<unknown> = Promise.resolve();
  #dirtyUsers = new Set<string>();
  #dirtyChannels = new Set<string>();

  constructor(dataDir: string, db: PgDatabase, local: Store, options: PostgresStoreOptions = {}) {
    this.dataDir = dataDir;
    this.db = db;
    this.#local = local;
    this.#options = options;
  }

  /** The database, password hidden. */
  get location(): string {
    return this.db.display;
  }

  /** Pushes the logs' backlog into the database (serialized in this process). */
  push(
    options: { onProgress?: (done: number, total: number) => void; locked?: boolean } = {},
  ): Promise<PushResult | null> {
    const run = this.#chain.then(async () => {
      const r = await pushJournal(this.dataDir, this.db, options);
      if (r !== null) {
        for (const u of r.users) this.#dirtyUsers.add(u);
        for (const c of r.channels) this.#dirtyChannels.add(c);
      }
      return r;
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Pushes when the logs hold lines the database has not seen, unless a follower does it. */
  async #sync(): Promise<void> {
    if (this.#following > 0) return;
    if ((await journalBacklog(this.dataDir)) === 0) return;
    await this.push();
    await this.writeDirtyProfiles();
  }

  async appendMessages(messages: readonly Message[]): Promise<AppendOutcome<Message>> {
    const out = await this.#local.appendMessages(messages);
    if (this.#following === 0 && out.written.length > 0) {
      await this.push();
      await this.writeDirtyProfiles();
    }
    return out;
  }

  async appendEvents(events: readonly ChatEvent[]): Promise<AppendOutcome<ChatEvent>> {
    const out = await this.#local.appendEvents(events);
    if (this.#following === 0 && out.written.length > 0) await this.push();
    return out;
  }

  follow(options: { worker?: boolean; flushIntervalMs?: number } = {}): Promise<Follower> {
    this.#following++;
    return Promise.resolve(
      new PgFollower(this, options.flushIntervalMs ?? 1000, this.#options, () => {
        this.#following--;
      }),
    );
  }

  /**
   * Writes the profile files of the users and channels whose rollups changed since the last
   * write, from the database's current state (a file of a name with no state is removed).
   * Returns how many files were written.
   */
  async writeDirtyProfiles(): Promise<number> {
    const users = [...this.#dirtyUsers];
    const channels = [...this.#dirtyChannels];
    this.#dirtyUsers.clear();
    this.#dirtyChannels.clear();
    try {
      return (await this.#writeProfiles("user", users)) +
        (await this.#writeProfiles("channel", channels));
    } catch (e) {
      for (const u of users) this.#dirtyUsers.add(u);
      for (const c of channels) this.#dirtyChannels.add(c);
      throw e;
    }
  }

  async #writeProfiles(kind: ProfileKind, names: readonly string[]): Promise<number> {
    if (names.length === 0) return 0;
    await Deno.mkdir(profileDir(this.dataDir, kind), { recursive: true });
    let written = 0;
    for (let i = 0; i < names.length; i += 1000) {
      const chunk = names.slice(i, i + 1000);
      const profiles = await this.db.profiles(kind, chunk);
      for (const n of chunk) {
        const p = profiles.get(n);
        const path = profilePath(this.dataDir, kind, n);
        if (p === undefined) {
          await Deno.remove(path).catch(() => {});
          continue;
        }
        await writeFileAtomic(path, jsonText(p), { skipIfUnchanged: true });
        written++;
      }
    }
    return written;
  }

  async catchUp(
    options: { index?: boolean; profiles?: boolean } = {},
  ): Promise<CatchUpSummary | null> {
    const r = await this.push();
    if (r === null) return null;
    if (options.profiles !== false) await this.writeDirtyProfiles();
    return {
      lines: r.lines,
      indexed: r.written,
      folded: r.written,
      skipped: r.skipped,
      rebuilt: r.rebuilt,
      offset: r.offset,
    };
  }

  async rebuild(request: RebuildRequest = {}): Promise<RebuildSummary> {
    const r = await this.tryRebuild(request);
    if (r === null) {
      throw new StoreError(
        `another process is pushing ${this.dataDir} into the database; try again when it ends`,
      );
    }
    return r;
  }

  /**
   * Pushes the logs, then (profiles) rewrites every profile file of this data dir from the
   * database and removes files of names the database has no profile of. The database's own
   * indexes need no rebuild.
   */
  async tryRebuild(request: RebuildRequest = {}): Promise<RebuildSummary | null> {
    const r = await this.push();
    if (r === null) return null;
    const profiles = { users: 0, channels: 0, removed: 0 };
    if (request.profiles !== false) {
      this.#dirtyUsers.clear();
      this.#dirtyChannels.clear();
      for (const kind of ["user", "channel"] as const) {
        const names = await this.db.profileNames(kind);
        const n = await this.#writeProfiles(kind, names);
        if (kind === "user") profiles.users = n;
        else profiles.channels = n;
        const keep = new Set(names);
        for (const stale of await this.#local.listProfiles(kind)) {
          if (keep.has(stale)) continue;
          await Deno.remove(profilePath(this.dataDir, kind, stale)).catch(() => {});
          profiles.removed++;
        }
      }
    }
    return {
      lines: r.lines,
      indexed: r.written,
      folded: r.written,
      skipped: r.skipped,
      rebuilt: true,
      offset: r.offset,
      profiles,
    };
  }

  async status(): Promise<StoreStatus> {
    const local = await this.#local.status();
    const st = await this.db.status();
    const backlog = await journalBacklog(this.dataDir);
    const pushed = Math.max(0, local.log_bytes - backlog);
    const state = local.state === "no-log" ? "no-log" : backlog > 0 ? "behind" : "current";
    return {
      index: `${this.location} (schema ${st.schemaVersion})`,
      log: local.log,
      state,
      log_bytes: local.log_bytes,
      indexed_bytes: pushed,
      indexed_messages: st.messages,
      profiles_state: state,
      profiles_bytes: pushed,
      // Profile files of this data dir are rewritten from the database on every push.
      profiles_pending_files: 0,
      writer: "free",
    };
  }

  async searchMessages(
    q: MessageQuery,
    options: SearchMessagesOptions = {},
  ): Promise<MessagePage> {
    await this.#sync();
    const { filter, exact } = pgPrefilter(q);
    const ctx: MatchContext = {
      deleted: needsDeletions(q) ? await this.db.deletions() : new Set<string>(),
    };
    const offset = q.offset ?? 0;
    const need = offset + q.limit;
    const counting = options.total !== undefined && options.total !== false;
    // SQL narrows; the reference predicate decides on every candidate (in SQL's order).
    const found: Message[] = [];
    let count = 0;
    for await (const batch of this.db.candidateMessages(filter)) {
      for (const m of batch) {
        if (!matchesMessage(m, Date.parse(m.ts), q, ctx)) continue;
        count++;
        if (found.length < need) found.push(m);
      }
      if (found.length >= need && (!counting || exact)) break;
    }
    const page: MessagePage = {
      messages: found.slice(offset),
      complete: true,
      via: "database",
      tailBytes: 0,
    };
    if (counting) {
      page.total = exact && found.length >= need ? await this.db.countMessages(filter) : count;
      page.totalExact = true;
    }
    return page;
  }

  async searchEvents(q: EventQuery): Promise<EventPage> {
    await this.#sync();
    const { filter } = pgPrefilter(q);
    const candidates = await this.db.searchEvents({
      ...filter,
      ...(q.kind !== undefined ? { kind: q.kind } : {}),
    });
    const all = candidates.filter((e) => matchesEvent(e, q));
    const from = q.offset ?? 0;
    return { events: all.slice(from, from + q.limit), total: all.length };
  }

  async deletions(ids?: readonly string[]): Promise<Map<string, string>> {
    await this.#sync();
    return await this.db.deletions(ids);
  }

  async readProfile(kind: ProfileKind, name: string): Promise<Record<string, unknown> | null> {
    await this.#sync();
    const p: UserProfile | ChannelProfile | null = kind === "user"
      ? await this.db.userProfile(name)
      : await this.db.channelProfile(name);
    return p as Record<string, unknown> | null;
  }

  async userProfile(name: string): Promise<UserProfile | null> {
    const v = await this.readProfile("user", name);
    if (v === null) return null;
    const r = UserProfile.safeParse(v);
    return r.success ? r.data : null;
  }

  async listProfiles(kind: ProfileKind): Promise<string[]> {
    await this.#sync();
    return await this.db.profileNames(kind);
  }

  // Identity (issue 16). The database keeps its rollups by login, not yet by person, so these
  // reads fold the person states from the messages table on each call: correct, and linear in
  // the number of stored messages (see the README's PostgreSQL section).
  async #personStates(): Promise<Map<string, UserState>> {
    await this.#sync();
    const states = new Map<string, UserState>();
    for await (const batch of this.db.allMessages()) {
      for (const m of batch) {
        const key = personKey(m);
        let s = states.get(key);
        if (!s) states.set(key, s = newUserState(m.user_name));
        foldUser(s, m, facetsOf(m));
      }
    }
    return states;
  }

  async loginSpans(about?: readonly string[]): Promise<LoginSpan[]> {
    const states = await this.#personStates();
    const spans = [...states.values()].flatMap((s) => rollupLoginSpans(s));
    if (about === undefined) return spans;
    const wanted = new Set(about.map((a) => a.toLowerCase().replace(/^@/, "")));
    const persons = new Set(
      spans.filter((s) =>
        wanted.has(s.login) || wanted.has(s.person) || wanted.has(s.person.replace(/^#/, ""))
      ).map((s) => s.person),
    );
    const logins = new Set(spans.filter((s) => persons.has(s.person)).map((s) => s.login));
    return spans.filter((s) => persons.has(s.person) || logins.has(s.login));
  }

  async displayNames(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const [key, s] of await this.#personStates()) {
      if (s.display_names.size > 0) out.set(key, [...s.display_names].sort());
    }
    return out;
  }

  async interactions(q: InteractionScope): Promise<InteractionInput> {
    await this.#sync();
    const since = q.sinceMs === undefined ? null : new Date(q.sinceMs).toISOString();
    const until = q.untilMs === undefined ? null : new Date(q.untilMs).toISOString();
    const where = q.channel === undefined ? {} : { channel: q.channel };
    const addressing: InteractionRecord[] = [];
    const tally = new AuthorTally();
    for await (const batch of this.db.allMessages(where)) {
      for (const m of batch) {
        if ((since !== null && m.ts < since) || (until !== null && m.ts >= until)) continue;
        if (q.excludeChannels?.includes(m.channel)) continue;
        tally.add(personKey(m));
        if (m.mentions.length === 0 && !(m.reply_to && m.reply_to.user_name !== "")) continue;
        addressing.push({
          ts: m.ts,
          channel: m.channel,
          user_id: m.user_id,
          user_name: m.user_name,
          mentions: m.mentions,
          ...(m.reply_to ? { reply_to: m.reply_to } : {}),
        });
      }
    }
    return { addressing, authors: tally.counts() };
  }

  around(anchors: readonly Anchor[], n: number): Promise<Message[]> {
    return aroundBySearch((q) => this.searchMessages(q), anchors, n);
  }

  async *messagesAbout(q: AboutQuery): AsyncIterable<Message> {
    await this.#sync();
    // A cheap superset in SQL (the JSON holds the subject key, or the login anywhere), then
    // the exact rule; one pass, so storage order holds.
    const needles = [
      q.subjectKey !== undefined ? `"subject_key":"${q.subjectKey}"` : '"hits":[',
      ...(q.user !== undefined ? [q.user] : []),
    ];
    for await (const batch of this.db.messagesContaining(needles, q.user)) {
      for (const m of batch) if (concerns(m, q)) yield m;
    }
  }

  async readOptOut(): Promise<PrivacyFile> {
    const o = await this.db.optout();
    return PrivacyFile.parse({ version: 1, optout: { users: o.users, channels: o.channels } });
  }

  async writeOptOut(file: PrivacyFile): Promise<void> {
    await this.db.replaceOptout({ users: file.optout.users, channels: file.optout.channels });
  }

  optOutStamp(): Promise<string> {
    return this.db.optoutStamp();
  }

  /**
   * Forgets in this data dir's logs (as the embedded store does) and in the database (rows
   * deleted, others' records scrubbed by the same plan, rollups recomputed, profile files of
   * this data dir rewritten or removed). Other monitors' data dirs keep their own logs: run
   * forget there too (see the README).
   */
  async forgetRecords(
    plan: ForgetPlan,
    options: { dryRun?: boolean } = {},
  ): Promise<ForgetChange[]> {
    const dryRun = options.dryRun === true;
    // No push of this data dir runs meanwhile (one that read a line before the rewrite would
    // store it again after the database forgot it); what the logs hold is pushed first.
    const [local, r] = await withJournalLock(this.dataDir, async () => {
      if (!dryRun) await this.push({ locked: true });
      const local = await this.#local.forgetRecords(plan, options);
      const r = await this.db.forget({
        users: [...plan.users],
        channels: [...plan.channels],
        ...(plan.before !== null ? { beforeMs: Date.parse(plan.before) } : {}),
        decide: (rec, kind) => plan.record(rec, kind),
        dryRun,
      });
      return [local, r] as const;
    });
    if (!dryRun) {
      for (const u of r.touched.users.keys()) this.#dirtyUsers.add(u);
      for (const c of r.touched.channels.keys()) this.#dirtyChannels.add(c);
      for (const u of r.gone.users) this.#dirtyUsers.add(u);
      for (const c of r.gone.channels) this.#dirtyChannels.add(c);
      await this.writeDirtyProfiles();
    }
    return [
      ...local,
      { file: "postgres:messages", ...r.messages },
      { file: "postgres:events", ...r.events },
    ];
  }

  async removeProfiles(
    kind: ProfileKind,
    names: Iterable<string>,
    options: { dryRun?: boolean } = {},
  ): Promise<string[]> {
    const list = [...names];
    const files = await this.#local.removeProfiles(kind, list, options);
    if (options.dryRun === true) return files;
    const rows = await this.db.deleteProfiles(kind, list);
    return [...files, ...rows.map((n) => `postgres:rollups/${kind}/${n}`)];
  }

  async residue(word: RegExp, any: RegExp): Promise<Residue[]> {
    const local = await this.#local.residue(word, any);
    const tables = await this.db.residue(word, any);
    return [
      ...local,
      ...tables.map((t) => ({
        // The opt-out table is the fleet's opt-out list: named as the list is, so forget
        // reports it as kept on purpose.
        file: t.table === "optout"
          ? relative(this.dataDir, layout(this.dataDir).privacy)
          : `postgres:${t.table}`,
        count: t.count,
        derived: t.table === "rollups",
      })),
    ];
  }

  async close(): Promise<void> {
    await this.#chain;
    await this.db.close();
    await this.#local.close();
  }
}

/**
 * Follows a monitor's appends: each flush kicks a push of the logs into the database; while
 * the database is unreachable the lines wait in the log and the push is retried with backoff
 * (doubling up to `maxBackoffMs`); profile files are rewritten at most every `flushIntervalMs`.
 */
class PgFollower implements Follower {
  #store: PostgresStore;
  #flushIntervalMs: number;
  #options: PostgresStoreOptions;
  #done: () => void;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #backoff = 0;
  #lastProfiles = 0;
  #closed = false;
  #down = false;
  readonly summary: FollowSummary & { notes: string[] } = {
    mode: "inline",
    indexed: 0,
    folded: 0,
    skipped: 0,
    profilesWritten: 0,
    problems: [],
    notes: [],
  };

  constructor(
    store: PostgresStore,
    flushIntervalMs: number,
    options: PostgresStoreOptions,
    done: () => void,
  ) {
    this.#store = store;
    this.#flushIntervalMs = flushIntervalMs;
    this.#options = options;
    this.#done = done;
  }

  /** Kicks a push (bound: the runner passes it on as a plain function). */
  afterFlush = (_written: readonly Message[]): Promise<void> => {
    if (this.#timer === null) this.#kick();
    return Promise.resolve();
  };

  #kick(): void {
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.#pushOnce().finally(() => {
      this.#running = null;
      if (this.#again && !this.#closed && this.#timer === null) {
        this.#again = false;
        this.#kick();
      }
    });
  }

  /** One push; on an unreachable database, schedules a retry. Never throws. */
  async #pushOnce(): Promise<void> {
    try {
      const r = await this.#store.push();
      if (r !== null) {
        this.summary.indexed += r.written;
        this.summary.folded += r.written;
        this.summary.skipped += r.skipped;
      }
      if (this.#down) {
        this.#down = false;
        this.summary.notes.push("the database is back: the log's backlog was pushed into it");
      }
      this.#backoff = 0;
      const now = performance.now();
      if (now - this.#lastProfiles >= this.#flushIntervalMs) {
        this.#lastProfiles = now;
        this.summary.profilesWritten += await this.#store.writeDirtyProfiles();
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!isConnectionError(e)) {
        this.summary.problems.push(msg);
      } else if (!this.#down) {
        // A note: it becomes a problem only if the database is still away at the end.
        this.#down = true;
        this.summary.notes.push(
          `${msg}; messages are kept in the local log and pushed when it is back`,
        );
      }
      if (this.#closed) throw e;
      const max = this.#options.maxBackoffMs ?? 5000;
      this.#backoff = Math.min(max, this.#backoff === 0 ? 100 : this.#backoff * 2);
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#kick();
      }, this.#backoff);
    }
  }

  async close(): Promise<FollowSummary> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
    const deadline = performance.now() + (this.#options.closeRetryMs ?? 30_000);
    let wait = 100;
    try {
      for (;;) {
        try {
          await this.#pushOnce();
          break;
        } catch (e) {
          if (!isConnectionError(e)) break;
          if (performance.now() + wait > deadline) {
            this.summary.problems.push(
              "the database could not be reached before the end: the last messages are in " +
                "the local log and are pushed at the next start (or by `db import`)",
            );
            break;
          }
          await new Promise((r) => setTimeout(r, wait));
          wait = Math.min(wait * 2, this.#options.maxBackoffMs ?? 5000);
        }
      }
      try {
        this.summary.profilesWritten += await this.#store.writeDirtyProfiles();
      } catch (e) {
        this.summary.problems.push(e instanceof Error ? e.message : String(e));
      }
    } finally {
      this.#done();
    }
    return this.summary;
  }
}
