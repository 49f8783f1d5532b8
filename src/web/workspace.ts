/**
 * The workspace's one door to data: every route and every page of `serve` reads through a
 * {@link Workspace}, which asks the query layer (`src/query/`) over the Store what the CLI
 * handlers ask, so the opt-out list is applied below every view and a route's JSON is what the
 * CLI prints for the same question. Any Store serves it (embedded or PostgreSQL).
 *
 * @module
 */
import type { ChannelProfile, ChatEvent, PrivacyFile, UserProfile } from "../schemas.ts";
import {
  ChannelProfile as ChannelProfileSchema,
  Enrichment,
  UserProfile as UserProfileSchema,
} from "../schemas.ts";
import { NotFoundError, UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { buildQuery, parseTimeBound, searchMessages, type SearchOptions } from "../query/search.ts";
import { deletions, markDeleted, searchEvents, type ShownMessage } from "../query/events.ts";
import { type PrivacyFilter, privacyFilter } from "../query/privacy_filter.ts";
import { listProfiles, readProfile } from "../query/profiles.ts";
import { type HitRow, readHits } from "../query/hits.ts";
import { readPrivacy, updatePrivacy } from "../privacy/optout.ts";
import { readSubjects, resolveSubject } from "../subjects/loading.ts";
import { enrichmentPath } from "../subjects/subject_files.ts";
import { buildReport, type SubjectReport } from "../subjects/reports.ts";
import { readJsonFile } from "../store/json_file.ts";
import type { ProfileKind, Store } from "../store/store.ts";
import { Follower, type LiveItem } from "./follow.ts";
import type { Page, ProfileSummary, SubjectSummary } from "./render/view_model.ts";

export type { Page, ProfileSummary, SubjectSummary };

/** How a profile list is ordered. */
export type ProfileSort = "name" | "messages" | "last_seen" | "first_seen" | "related";

/** The event kinds search knows. */
export type EventKind = ChatEvent["kind"];

/** Options of {@link openWorkspace}. */
export interface WorkspaceOptions {
  /** Events counted for a total before it says "at least". @default 500 */
  countCap?: number;
  /** How long a list of profile summaries is reused, ms. @default 2000 */
  listTtlMs?: number;
  /** Least time between two catch-ups of derived data, ms. @default 1000 */
  catchUpMs?: number;
  /** How often the live stream looks at the log, ms. @default 250 */
  pollMs?: number;
}

/** The data the workspace serves. */
export interface Workspace {
  readonly dataDir: string;
  /** Where the data is (the Store's location: a path, or host and database). */
  readonly location: string;
  readonly countCap: number;
  /**
   * A page of a message search. The total is counted (`total: false` skips it: the page then
   * says only what it holds) and reused for {@link TOTAL_TTL_MS} by the same query.
   */
  searchMessages(
    o: SearchOptions,
    offset: number,
    options?: { total?: boolean },
  ): Promise<Page<ShownMessage>>;
  searchEvents(o: SearchOptions & { kind?: string }, offset: number): Promise<Page<ChatEvent>>;
  listProfiles(
    kind: ProfileKind,
    o: { sort: ProfileSort; order: "asc" | "desc"; offset: number; limit: number },
  ): Promise<Page<ProfileSummary>>;
  /** Throws NotFoundError when there is none or it is not served (opt-out), UsageError on a bad name. */
  userProfile(name: string): Promise<UserProfile>;
  channelProfile(name: string): Promise<ChannelProfile>;
  subjects(): Promise<SubjectSummary[]>;
  /** The report of a subject found by key or value; null when none is loaded. */
  subjectReport(ref: string): Promise<SubjectReport | null>;
  hits(o: { subject?: string; since?: string; limit?: number }): Promise<HitRow[]>;
  optout(): Promise<PrivacyFile["optout"]>;
  setOptout(
    change: { add: boolean; users?: string[]; channels?: string[] },
  ): Promise<{ optout: PrivacyFile["optout"]; changed: string[] }>;
  /** Messages and hits stored from now on, until `signal` aborts. */
  follow(signal: AbortSignal): Promise<AsyncIterable<LiveItem>>;
  close(): Promise<void>;
}

const DEFAULT_COUNT_CAP = 500;

/**
 * How long a search's total is reused by the same query, ms: counting every match of a common
 * word costs far more than the page, and paging or a busy page asks the same again and again.
 */
export const TOTAL_TTL_MS = 2000;

/**
 * The store as the server uses it: bringing derived data up to date (which the query layer asks
 * before reading profiles) at most once per `ms`, shared by the requests of that moment, instead
 * of once per request. A running monitor keeps derived data current by itself meanwhile.
 */
export function throttleCatchUp(store: Store, ms: number): Store {
  let last = -Infinity;
  let running: Promise<Awaited<ReturnType<Store["catchUp"]>>> | null = null;
  const catchUp: Store["catchUp"] = (options) => {
    if (options !== undefined) return store.catchUp(options);
    if (running) return running;
    if (performance.now() - last < ms) return Promise.resolve(null);
    running = store.catchUp().finally(() => {
      last = performance.now();
      running = null;
    });
    return running;
  };
  return new Proxy(store, {
    get(target, key) {
      if (key === "catchUp") return catchUp;
      const v = Reflect.get(target, key, target);
      // Methods run on the store itself (its private fields are not on the proxy).
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** Opens the workspace over a Store (which it closes with itself). */
export function openWorkspace(raw: Store, options: WorkspaceOptions = {}): Workspace {
  const store = throttleCatchUp(raw, options.catchUpMs ?? 1000);
  const dataDir = store.dataDir;
  const countCap = options.countCap ?? DEFAULT_COUNT_CAP;
  const listTtl = options.listTtlMs ?? 2000;
  let privacy: Promise<PrivacyFilter> | null = null;
  const allowed = async (): Promise<PrivacyFilter> => {
    privacy ??= privacyFilter(store);
    const p = await privacy;
    await p.refresh();
    return p;
  };
  const summaries = new Map<ProfileKind, { at: number; list: Promise<ProfileSummary[]> }>();
  const totals = new Map<string, { at: number; total: number; counting: boolean }>();
  const follower = new Follower(store, allowed, options.pollMs ?? 250);

  /** Every profile summary of a kind the opt-out list allows, reused for a short while. */
  const summariesOf = (kind: ProfileKind): Promise<ProfileSummary[]> => {
    const hit = summaries.get(kind);
    if (hit && Date.now() - hit.at < listTtl) return hit.list;
    const list = (async () => {
      const out: ProfileSummary[] = [];
      for (const name of await listProfiles(store, kind)) {
        const p = await store.readProfile(kind, name).catch(() => null);
        const s = p === null ? null : summaryOf(kind, p);
        if (s !== null) out.push(s);
      }
      return out;
    })();
    summaries.set(kind, { at: Date.now(), list });
    list.catch(() => summaries.delete(kind));
    return list;
  };

  return {
    dataDir,
    location: raw.location,
    countCap,
    async searchMessages(o, offset, options = {}) {
      const q = buildQuery(o);
      const p = await allowed();
      const ex = p.exclusion();
      const key = JSON.stringify([q.clauses, q.sinceMs, q.untilMs, [...ex.users], [
        ...ex.channels,
      ]]);
      const known = totals.get(key);
      // A known total serves while it is fresh, and while one request counts it again.
      const usable = known !== undefined &&
        (known.counting || performance.now() - known.at < TOTAL_TTL_MS);
      const count = options.total !== false && !usable;
      if (count && known) known.counting = true;
      let r;
      try {
        r = await searchMessages(store, { ...q, limit: offset + q.limit }, {
          total: count,
          privacy: p,
        });
      } finally {
        if (count && known) known.counting = false;
      }
      if (count && r.total !== undefined) {
        totals.delete(key);
        totals.set(key, { at: performance.now(), total: r.total, counting: false });
        if (totals.size > 256) totals.delete(totals.keys().next().value!);
      }
      const items = markDeleted(r.messages.slice(offset), await deletions(store));
      const total = r.total ?? (usable ? known.total : offset + items.length);
      return { items, offset, limit: q.limit, total, exact: options.total !== false };
    },
    async searchEvents(o, offset) {
      const { kind, ...rest } = o;
      if (
        kind !== undefined && kind !== "usernotice" && kind !== "clearmsg" && kind !== "clearchat"
      ) {
        throw new UsageError(`--kind must be usernotice, clearmsg or clearchat, got "${kind}"`);
      }
      const q = buildQuery(rest, Date.now(), "events");
      const p = await allowed();
      // The event log is small: the store counts every match.
      const page = await searchEvents(
        store,
        { ...q, ...(offset > 0 ? { offset } : {}), ...(kind ? { kind } : {}) },
        { privacy: p },
      );
      return {
        items: page.events,
        offset,
        limit: q.limit,
        total: page.total,
        exact: true,
      };
    },
    async listProfiles(kind, o) {
      const list = [...await summariesOf(kind)];
      const key = (s: ProfileSummary): string | number =>
        o.sort === "name"
          ? s.name
          : o.sort === "messages"
          ? s.message_count
          : o.sort === "related"
          ? s.related
          : o.sort === "first_seen"
          ? s.first_seen
          : s.last_seen;
      const dir = o.order === "asc" ? 1 : -1;
      list.sort((a, b) => {
        const x = key(a), y = key(b);
        if (x !== y) return (x < y ? -1 : 1) * dir;
        return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      });
      return {
        items: list.slice(o.offset, o.offset + o.limit),
        offset: o.offset,
        limit: o.limit,
        total: list.length,
        exact: true,
      };
    },
    async userProfile(name) {
      const n = login(name, "user");
      // Whether someone opted out is not the web's to tell: not served is not found.
      if (!(await allowed()).allows(n, "")) throw new NotFoundError(noProfile("user", n));
      const r = UserProfileSchema.safeParse(await readProfile(store, "user", n));
      if (!r.success) throw new NotFoundError(`no readable profile for user "${n}"`);
      return r.data;
    },
    async channelProfile(name) {
      const n = login(name, "channel");
      if (!(await allowed()).allows(null, n)) throw new NotFoundError(noProfile("channel", n));
      const r = ChannelProfileSchema.safeParse(await readProfile(store, "channel", n));
      if (!r.success) throw new NotFoundError(`no readable profile for channel "${n}"`);
      return r.data;
    },
    async subjects() {
      const subjects = await readSubjects(dataDir);
      const counts = new Map<string, number>();
      for (const h of await readHits(store)) {
        counts.set(h.subject_key, (counts.get(h.subject_key) ?? 0) + 1);
      }
      const out: SubjectSummary[] = [];
      for (const s of subjects) {
        const e = Enrichment.safeParse(
          await readJsonFile(enrichmentPath(dataDir, s.key)).catch(() => undefined),
        );
        const providers: SubjectSummary["providers"] = {};
        for (const [name, r] of Object.entries(e.success ? e.data.providers : {})) {
          providers[name] = r.status;
        }
        out.push({
          key: s.key,
          type: s.type,
          value: s.value,
          hits: counts.get(s.key) ?? 0,
          providers,
        });
      }
      return out;
    },
    async subjectReport(ref) {
      const found = resolveSubject(await readSubjects(dataDir), ref);
      if (!found) return null;
      await store.catchUp();
      return await buildReport(store, found.key);
    },
    async hits(o) {
      let subject: string | undefined;
      if (o.subject !== undefined) {
        const subjects = await readSubjects(dataDir);
        const found = resolveSubject(subjects, o.subject);
        if (!found) throw new NotFoundError(`subject: no loaded subject "${o.subject}"`);
        subject = found.key;
      }
      const since = o.since === undefined
        ? undefined
        : new Date(parseTimeBound(o.since, "--since", Date.now())).toISOString();
      return await readHits(store, {
        ...(subject !== undefined ? { subject } : {}),
        ...(since !== undefined ? { since } : {}),
        limit: o.limit ?? 50,
      });
    },
    async optout() {
      return (await readPrivacy(store)).optout;
    },
    async setOptout(change) {
      const norm = (names: string[] | undefined, kind: string) =>
        (names ?? []).map((n) => login(n, kind));
      const r = await updatePrivacy(store, {
        add: change.add,
        users: norm(change.users, "user"),
        channels: norm(change.channels, "channel"),
      });
      summaries.clear();
      return { optout: r.file.optout, changed: r.changed };
    },
    follow(signal) {
      return follower.subscribe(signal);
    },
    async close() {
      follower.close();
      await store.close();
    },
  };
}

/** The message of a profile that is not served. */
function noProfile(kind: ProfileKind, name: string): string {
  return `no profile for ${kind} "${name}"`;
}

/** The summary of a profile record, or null when it is not one. */
function summaryOf(kind: ProfileKind, v: Record<string, unknown>): ProfileSummary | null {
  if (kind === "user") {
    const r = UserProfileSchema.safeParse(v);
    if (!r.success) return null;
    const p = r.data;
    return {
      name: p.user_name,
      message_count: p.message_count,
      related: p.channels_participated.length,
      first_seen: p.first_seen,
      last_seen: p.last_seen,
      display_name: p.display_name,
    };
  }
  const r = ChannelProfileSchema.safeParse(v);
  if (!r.success) return null;
  const p = r.data;
  return {
    name: p.channel,
    message_count: p.message_count,
    related: p.unique_users,
    first_seen: p.first_seen,
    last_seen: p.last_seen,
    display_name: null,
  };
}

/** A login from a route or form, normalized; a UsageError (400) names what was wrong. */
function login(name: string, kind: string): string {
  const n = normalizeLogin(name);
  if (!n.ok) throw new UsageError(`${kind}: ${n.reason}`);
  return n.value;
}
