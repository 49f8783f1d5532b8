/**
 * The workspace's one door to data: every route and every page of `serve` reads through a
 * {@link Workspace}, which asks the same library functions the CLI handlers ask, with the same
 * opt-out rule applied, so that a route's JSON is what the CLI prints for the same question.
 *
 * This is a thin adapter on purpose: when the Store seam's query layer lands (issue 12), its
 * methods switch to it and nothing above changes.
 *
 * @module
 */
import { join } from "node:path";
import type { ChannelProfile, ChatEvent, PrivacyFile, Subject, UserProfile } from "../schemas.ts";
import {
  ChannelProfile as ChannelProfileSchema,
  UserProfile as UserProfileSchema,
} from "../schemas.ts";
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { buildQuery, search, type SearchOptions } from "../query/search.ts";
import { deletions, markDeleted, searchEvents, type ShownMessage } from "../query/events.ts";
import {
  type PrivacyFilter,
  privacyFilter,
  readPrivacy,
  takeAllowed,
  updatePrivacy,
} from "../privacy/optout.ts";
import { readSubjects } from "../subjects/loading.ts";
import { type HitRow, readHits, resolveSubject } from "../subjects/hits.ts";
import { buildReport, type SubjectReport } from "../subjects/reports.ts";
import { parseTimeBound } from "../query/search.ts";
import { profileDir, type ProfileKind, profilePath } from "../store/layout.ts";
import { catchUpDerived } from "../store/derived.ts";
import { readJsonFile } from "../store/json_file.ts";
import { Follower, type LiveItem } from "./follow.ts";

/** One page of an ordered result, with how many there are in all. */
export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  /** Matches in all, counted up to {@link Workspace.countCap}; exact when `exact`. */
  total: number;
  exact: boolean;
}

/** A profile in a list. */
export interface ProfileSummary {
  name: string;
  message_count: number;
  /** Users: channels participated in; channels: distinct users. */
  related: number;
  first_seen: string;
  last_seen: string;
  display_name: string | null;
}

/** How a profile list is ordered. */
export type ProfileSort = "name" | "messages" | "last_seen" | "first_seen" | "related";

/** A loaded subject in the list, with its hit count and enrichment statuses. */
export interface SubjectSummary {
  key: string;
  type: Subject["type"];
  value: string;
  hits: number;
  providers: Record<string, "ok" | "error" | "skipped">;
}

/** The event kinds search knows. */
export type EventKind = ChatEvent["kind"];

/** Options of {@link openWorkspace}. */
export interface WorkspaceOptions {
  /** Matches counted for a total before it says "at least". @default 500 */
  countCap?: number;
  /** How often the live stream looks at the log, ms. @default 250 */
  pollMs?: number;
}

/** The data the workspace serves. */
export interface Workspace {
  readonly dataDir: string;
  readonly countCap: number;
  searchMessages(o: SearchOptions, offset: number): Promise<Page<ShownMessage>>;
  searchEvents(o: SearchOptions & { kind?: string }, offset: number): Promise<Page<ChatEvent>>;
  listProfiles(
    kind: ProfileKind,
    o: { sort: ProfileSort; order: "asc" | "desc"; offset: number; limit: number },
  ): Promise<Page<ProfileSummary>>;
  /** null when there is none, or it is not served (opt-out). Throws UsageError on a bad name. */
  userProfile(name: string): Promise<UserProfile | null>;
  channelProfile(name: string): Promise<ChannelProfile | null>;
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
  close(): void;
}

const DEFAULT_COUNT_CAP = 500;
/** Profiles are brought up to date with the log at most this often (ms). */
const CATCH_UP_EVERY_MS = 1000;

/** Opens the workspace over a data dir. */
export function openWorkspace(dataDir: string, options: WorkspaceOptions = {}): Workspace {
  const countCap = options.countCap ?? DEFAULT_COUNT_CAP;
  let privacy: Promise<PrivacyFilter> | null = null;
  const allowed = async (): Promise<PrivacyFilter> => {
    if (privacy === null) privacy = privacyFilter(dataDir);
    const p = await privacy;
    await p.refresh();
    return p;
  };
  let lastCatchUp = 0;
  let catching: Promise<unknown> | null = null;
  const freshProfiles = async (): Promise<void> => {
    if (catching) return void await catching;
    if (Date.now() - lastCatchUp < CATCH_UP_EVERY_MS) return;
    catching = catchUpDerived(dataDir).catch(() => null).finally(() => {
      lastCatchUp = Date.now();
      catching = null;
    });
    await catching;
  };
  const summaries = new Map<ProfileKind, { stamp: string; list: ProfileSummary[] }>();
  const follower = new Follower(dataDir, allowed, options.pollMs ?? 250);

  async function paged<T>(
    want: number,
    offset: number,
    run: (ask: number) => Promise<T[]>,
  ): Promise<{ items: T[]; total: number; exact: boolean }> {
    const ask = Math.max(offset + want, countCap);
    const all = await run(ask);
    return { items: all.slice(offset, offset + want), total: all.length, exact: all.length < ask };
  }

  return {
    dataDir,
    countCap,
    async searchMessages(o, offset) {
      const q = buildQuery(o);
      const p = await allowed();
      const r = await paged(q.limit, offset, (ask) =>
        takeAllowed(
          async (limit) => (await search(dataDir, { ...q, limit })).messages,
          ask,
          (m) => p.allows(m.user_name, m.channel),
        ));
      const items = markDeleted(r.items, await deletions(dataDir));
      return { items, offset, limit: q.limit, total: r.total, exact: r.exact };
    },
    async searchEvents(o, offset) {
      const { kind, ...rest } = o;
      if (
        kind !== undefined && kind !== "usernotice" && kind !== "clearmsg" && kind !== "clearchat"
      ) {
        throw new UsageError(`--kind must be usernotice, clearmsg or clearchat, got "${kind}"`);
      }
      const q = buildQuery(rest);
      const p = await allowed();
      const r = await paged(q.limit, offset, (ask) =>
        takeAllowed(
          (limit) => searchEvents(dataDir, { ...q, limit, ...(kind ? { kind } : {}) }),
          ask,
          (e) => p.allows(e.user_name, e.channel),
        ));
      return { items: r.items, offset, limit: q.limit, total: r.total, exact: r.exact };
    },
    async listProfiles(kind, o) {
      await freshProfiles();
      const p = await allowed();
      const list = (await readSummaries(dataDir, kind, summaries)).filter((s) =>
        kind === "user" ? p.allows(s.name, "") : p.allows(null, s.name)
      );
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
      const p = await allowed();
      if (!p.allows(n, "")) return null;
      await freshProfiles();
      const v = await readProfile(profilePath(dataDir, "user", n));
      const r = v === undefined ? null : UserProfileSchema.safeParse(v);
      return r?.success ? r.data : null;
    },
    async channelProfile(name) {
      const n = login(name, "channel");
      const p = await allowed();
      if (!p.allows(null, n)) return null;
      await freshProfiles();
      const v = await readProfile(profilePath(dataDir, "channel", n));
      const r = v === undefined ? null : ChannelProfileSchema.safeParse(v);
      return r?.success ? r.data : null;
    },
    async subjects() {
      const subjects = await readSubjects(dataDir);
      const counts = new Map<string, number>();
      for (const h of await readHits(dataDir)) {
        counts.set(h.subject_key, (counts.get(h.subject_key) ?? 0) + 1);
      }
      const out: SubjectSummary[] = [];
      for (const s of subjects) {
        const e = await readJsonFile(join(dataDir, "enrichment", `${s.key}.json`)).catch(() =>
          undefined
        ) as { providers?: Record<string, { status: "ok" | "error" | "skipped" }> } | undefined;
        const providers: SubjectSummary["providers"] = {};
        for (const [name, r] of Object.entries(e?.providers ?? {})) providers[name] = r.status;
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
      await freshProfiles();
      return await buildReport(dataDir, found.key);
    },
    async hits(o) {
      let subject: string | undefined;
      if (o.subject !== undefined) {
        const found = resolveSubject(await readSubjects(dataDir), o.subject);
        if (!found) throw new UsageError(`--subject: no loaded subject "${o.subject}"`);
        subject = found.key;
      }
      const since = o.since === undefined
        ? undefined
        : new Date(parseTimeBound(o.since, "--since", Date.now())).toISOString();
      return await readHits(dataDir, {
        ...(subject !== undefined ? { subject } : {}),
        ...(since !== undefined ? { since } : {}),
        limit: o.limit ?? 50,
      });
    },
    async optout() {
      return (await readPrivacy(dataDir)).optout;
    },
    async setOptout(change) {
      const norm = (names: string[] | undefined, kind: string) =>
        (names ?? []).map((n) => login(n, kind));
      const r = await updatePrivacy(dataDir, {
        add: change.add,
        users: norm(change.users, "user"),
        channels: norm(change.channels, "channel"),
      });
      return { optout: r.file.optout, changed: r.changed };
    },
    follow(signal) {
      return follower.subscribe(signal);
    },
    close() {
      follower.close();
    },
  };
}

/** A login from a route or form, normalized; a UsageError (400) names what was wrong. */
function login(name: string, kind: string): string {
  const n = normalizeLogin(name);
  if (!n.ok) throw new UsageError(`${kind}: ${n.reason}`);
  return n.value;
}

async function readProfile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/** The summaries of every profile of a kind, re-read when the folder changed. */
async function readSummaries(
  dataDir: string,
  kind: ProfileKind,
  cache: Map<ProfileKind, { stamp: string; list: ProfileSummary[] }>,
): Promise<ProfileSummary[]> {
  const dir = profileDir(dataDir, kind);
  let stamp: string;
  try {
    const st = await Deno.stat(dir);
    stamp = `${st.mtime?.getTime()}:${st.ino}`;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const hit = cache.get(kind);
  if (hit && hit.stamp === stamp) return [...hit.list];
  const list: ProfileSummary[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile || !e.name.endsWith(".json")) continue;
    const v = await readProfile(join(dir, e.name)) as Record<string, unknown> | undefined;
    if (!v || typeof v !== "object") continue;
    if (kind === "user") {
      const r = UserProfileSchema.safeParse(v);
      if (!r.success) continue;
      const p = r.data;
      list.push({
        name: p.user_name,
        message_count: p.message_count,
        related: p.channels_participated.length,
        first_seen: p.first_seen,
        last_seen: p.last_seen,
        display_name: p.display_name,
      });
    } else {
      const r = ChannelProfileSchema.safeParse(v);
      if (!r.success) continue;
      const p = r.data;
      list.push({
        name: p.channel,
        message_count: p.message_count,
        related: p.unique_users,
        first_seen: p.first_seen,
        last_seen: p.last_seen,
        display_name: null,
      });
    }
  }
  cache.set(kind, { stamp, list });
  return [...list];
}
