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
  UserProfile as UserProfileSchema,
} from "../schemas.ts";
import { NotFoundError, UsageError } from "../errors.ts";
import { buildQuery, parseTimeBound, type SearchOptions } from "../query/search.ts";
import { searchEvents, type ShownMessage } from "../query/events.ts";
import { type PrivacyFilter, privacyFilter } from "../query/privacy_filter.ts";
import type { HitRow } from "../query/hits.ts";
import { type Timeline, timeline } from "../query/timeline.ts";
import { type Neighbors, neighbors } from "../query/graph.ts";
import { readPrivacy, updatePrivacy } from "../privacy/optout.ts";
import { readSubjects, resolveSubject } from "../subjects/subject_list.ts";
import { buildReport, type SubjectReport } from "../subjects/reports.ts";
import type { ProfileKind, Store } from "../store/store.ts";
import { Follower, type LiveItem } from "./follow.ts";
import { Freshness } from "./freshness.ts";
import { HitRows, ProfileReads } from "./kept_reads.ts";
import { MessagePages } from "./message_pages.ts";
import { type ProfileSort, ProfileSummaries } from "./profile_summaries.ts";
import { login, personRef, timeWindow } from "./request_input.ts";
import { subjectSummaries } from "./subject_summaries.ts";
import type { Page, ProfileSummary, SubjectSummary } from "./render/view_model.ts";

export type { Page, ProfileSummary, SubjectSummary };

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

/** Whose timeline or contacts, over which time, how many. */
export interface PersonWindow {
  /** Any login the person used, or their user id. */
  user: string;
  since?: string;
  until?: string;
  limit?: number;
}

/** The data the workspace serves. */
export interface Workspace {
  readonly dataDir: string;
  /** Where the data is (the Store's location: a path, or host and database). */
  readonly location: string;
  readonly countCap: number;
  /**
   * A page of a message search. The total is counted (`total: false` skips it: the page then
   * says only what it holds) and reused for a moment by the same query (`message_pages.ts`).
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
  /**
   * A person's timeline (`timeline --user X --format json`): the person and their entries,
   * oldest first. Throws NotFoundError when the opt-out list names them, UsageError on a bad
   * time or number.
   */
  timeline(o: PersonWindow & { context?: number }): Promise<Pick<Timeline, "person" | "entries">>;
  /** A person's closest contacts (`graph neighbors --user X --format json`); as `timeline`. */
  neighbors(o: PersonWindow): Promise<Neighbors>;
  /** Messages and hits stored from now on, until `signal` aborts. */
  follow(signal: AbortSignal): Promise<AsyncIterable<LiveItem>>;
  close(): Promise<void>;
}

const DEFAULT_COUNT_CAP = 500;

/**
 * Opens the workspace over a Store (which it closes with itself). Answers are reused while the
 * store's change stamp holds (see `freshness.ts`): a search's page and total, the deleted
 * messages, a profile and the profile lists, so that a busy page or many clients asking the
 * same cost one read until a monitor stores something.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { openWorkspace } from "./workspace.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const said = (id: string, s: number, user: string, text: string) => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * });
 * await store.appendMessages([said("m1", 1, "ann", "hi"), said("m2", 2, "cat", "hi")]);
 * const workspace = openWorkspace(store);
 * const page = await workspace.searchMessages({ contains: "hi" }, 0);
 * assert.deepEqual(page.items.map((m) => m.user_name), ["cat", "ann"]);
 * assert.equal((await workspace.userProfile("cat")).message_count, 1);
 * // Once opted out, a person is served by no view.
 * assert.deepEqual(await workspace.setOptout({ add: true, users: ["cat"] }), {
 *   optout: { users: ["cat"], channels: [] },
 *   changed: ["user cat"],
 * });
 * const after = await workspace.searchMessages({ contains: "hi" }, 0);
 * assert.deepEqual(after.items.map((m) => m.user_name), ["ann"]);
 * await assert.rejects(workspace.userProfile("cat"), { name: "NotFoundError" });
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function openWorkspace(raw: Store, options: WorkspaceOptions = {}): Workspace {
  return new StoreWorkspace(raw, options);
}

/** The {@link Workspace} over a Store: the query layer's answers, reused while they hold. */
class StoreWorkspace implements Workspace {
  readonly dataDir: string;
  readonly location: string;
  readonly countCap: number;
  #store: Store;
  #privacy: Promise<PrivacyFilter> | null = null;
  #pages: MessagePages;
  #summaries: ProfileSummaries;
  #profiles: ProfileReads;
  #hitRows: HitRows;
  #follower: Follower;

  constructor(raw: Store, options: WorkspaceOptions) {
    const fresh = new Freshness(raw, options.catchUpMs ?? 1000);
    this.#store = fresh.store;
    this.dataDir = this.#store.dataDir;
    this.location = raw.location;
    this.countCap = options.countCap ?? DEFAULT_COUNT_CAP;
    const allowed = () => this.#allowed();
    this.#pages = new MessagePages(fresh, allowed);
    this.#summaries = new ProfileSummaries(fresh, options.listTtlMs ?? 2000);
    this.#profiles = new ProfileReads(fresh);
    this.#hitRows = new HitRows(fresh, allowed);
    this.#follower = new Follower(this.#store, allowed, options.pollMs ?? 250);
  }

  /** The privacy filter, brought up to date with the opt-out list. */
  async #allowed(): Promise<PrivacyFilter> {
    this.#privacy ??= privacyFilter(this.#store);
    const p = await this.#privacy;
    await p.refresh();
    return p;
  }

  searchMessages(
    o: SearchOptions,
    offset: number,
    options: { total?: boolean } = {},
  ): Promise<Page<ShownMessage>> {
    return this.#pages.page(o, offset, options);
  }

  async searchEvents(
    o: SearchOptions & { kind?: string },
    offset: number,
  ): Promise<Page<ChatEvent>> {
    const { kind, ...rest } = o;
    if (
      kind !== undefined && kind !== "usernotice" && kind !== "clearmsg" && kind !== "clearchat"
    ) {
      throw new UsageError(`--kind must be usernotice, clearmsg or clearchat, got "${kind}"`);
    }
    const q = buildQuery(rest, Date.now(), "events");
    const p = await this.#allowed();
    // The event log is small: the store counts every match.
    const page = await searchEvents(
      this.#store,
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
  }

  listProfiles(
    kind: ProfileKind,
    o: { sort: ProfileSort; order: "asc" | "desc"; offset: number; limit: number },
  ): Promise<Page<ProfileSummary>> {
    return this.#summaries.page(kind, o);
  }

  async userProfile(name: string): Promise<UserProfile> {
    const n = login(name, "user");
    // Whether someone opted out is not the web's to tell: not served is not found.
    if (!(await this.#allowed()).allows(n, "")) throw new NotFoundError(noProfile("user", n));
    return await this.#profiles.get("user", n, (v) => {
      const r = UserProfileSchema.safeParse(v);
      return r.success ? r.data : null;
    });
  }

  async channelProfile(name: string): Promise<ChannelProfile> {
    const n = login(name, "channel");
    if (!(await this.#allowed()).allows(null, n)) {
      throw new NotFoundError(noProfile("channel", n));
    }
    return await this.#profiles.get("channel", n, (v) => {
      const r = ChannelProfileSchema.safeParse(v);
      return r.success ? r.data : null;
    });
  }

  async subjects(): Promise<SubjectSummary[]> {
    return await subjectSummaries(this.dataDir, await this.#hitRows.rows());
  }

  async subjectReport(ref: string): Promise<SubjectReport | null> {
    const found = await resolveSubject(await readSubjects(this.dataDir), ref);
    if (!found) return null;
    await this.#store.catchUp();
    return await buildReport(this.#store, found.key);
  }

  async hits(o: { subject?: string; since?: string; limit?: number }): Promise<HitRow[]> {
    let subject: string | undefined;
    if (o.subject !== undefined) {
      const subjects = await readSubjects(this.dataDir);
      const found = await resolveSubject(subjects, o.subject);
      if (!found) throw new NotFoundError(`subject: no loaded subject "${o.subject}"`);
      subject = found.key;
    }
    const since = o.since === undefined
      ? undefined
      : new Date(parseTimeBound(o.since, "--since", Date.now())).toISOString();
    return await this.#hitRows.rows({
      ...(subject !== undefined ? { subject } : {}),
      ...(since !== undefined ? { since } : {}),
      limit: o.limit ?? 50,
    });
  }

  async optout(): Promise<PrivacyFile["optout"]> {
    return (await readPrivacy(this.#store)).optout;
  }

  async setOptout(
    change: { add: boolean; users?: string[]; channels?: string[] },
  ): Promise<{ optout: PrivacyFile["optout"]; changed: string[] }> {
    const norm = (names: string[] | undefined, kind: string) =>
      (names ?? []).map((n) => login(n, kind));
    const r = await updatePrivacy(this.#store, {
      add: change.add,
      users: norm(change.users, "user"),
      channels: norm(change.channels, "channel"),
    });
    this.#summaries.clear();
    this.#profiles.clear();
    return { optout: r.file.optout, changed: r.changed };
  }

  async timeline(
    o: PersonWindow & { context?: number },
  ): Promise<Pick<Timeline, "person" | "entries">> {
    const user = personRef(o.user);
    // Logins and renames come from the rollups (as the CLI, which catches up first).
    await this.#store.catchUp();
    const t = await timeline(this.#store, {
      user,
      context: o.context ?? 0,
      ...timeWindow(o),
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
    }, { privacy: await this.#allowed() });
    if (t.opted_out) throw new NotFoundError(`no timeline for user "${user}"`);
    return { person: t.person, entries: t.entries };
  }

  async neighbors(o: PersonWindow): Promise<Neighbors> {
    const user = personRef(o.user);
    const r = await neighbors(this.#store, { user, ...timeWindow(o), limit: o.limit ?? 20 }, {
      privacy: await this.#allowed(),
    });
    if (r.opted_out) throw new NotFoundError(`no contacts for user "${user}"`);
    return r;
  }

  follow(signal: AbortSignal): Promise<AsyncIterable<LiveItem>> {
    return this.#follower.subscribe(signal);
  }

  async close(): Promise<void> {
    this.#follower.close();
    await this.#store.close();
  }
}

/** The message of a profile that is not served. */
function noProfile(kind: ProfileKind, name: string): string {
  return `no profile for ${kind} "${name}"`;
}
