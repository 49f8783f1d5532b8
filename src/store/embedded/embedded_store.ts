/**
 * The embedded store: today's data dir, unchanged on disk. `logs/messages.jsonl` and
 * `logs/events.jsonl` are the canonical, append-only records (one lock each); the search index
 * (`index.sqlite`), the rollups (`profiles.sqlite`) and the profile files are derived from the
 * message log by one writer at a time ({@link openDerived}), and rebuildable byte for byte.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { EmbeddedStore } from "./embedded_store.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = new EmbeddedStore(dataDir);
 * const m = { ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "someuser", text: "hi", mentions: [], urls: [], emotes: [], source: "fixture" as const };
 * deepStrictEqual((await store.appendMessages([m, m])).written.length, 1);
 * deepStrictEqual((await store.appendMessages([m])).duplicates, 1);
 * deepStrictEqual((await store.searchMessages({ clauses: [[{ negated: false, term: { field: "text", value: "hi" } }]], limit: 5 })).messages, [m]);
 * await store.close();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */
import { StoreError, wrapError } from "../../errors.ts";
import { readJsonLines } from "../../line_reader.ts";
import type { ChatEvent, Message, PrivacyFile, UserProfile } from "../../schemas.ts";
import { joinPath as join } from "../../path_join.ts";
import { deletions, searchEvents } from "./event_search.ts";
import { readJsonFile, readSchemaFile } from "../json_file.ts";
import { layout, profileDir, type ProfileKind, profilePath } from "../layout.ts";
import type { JsonlLog } from "../log/log.ts";
import type { LineBatch } from "../log/line_batch.ts";
import { search } from "./message_search.ts";
import type { LoginSpan } from "../../analysis/identity.ts";
import type {
  AboutQuery,
  Anchor,
  AppendOutcome,
  CatchUpSummary,
  EventPage,
  EventQuery,
  Follower,
  ForgetChange,
  ForgetPlan,
  InteractionInput,
  InteractionScope,
  MessageCursor,
  MessageLineWriter,
  MessagePage,
  MessageQuery,
  NewMessages,
  PersonMessageQuery,
  PersonMessages,
  RebuildRequest,
  RebuildSummary,
  Residue,
  SearchMessagesOptions,
  Store,
  StoreStatus,
} from "../store.ts";

/**
 * The write side (derived writer, forget, residue, the interaction scan) is loaded on first use: a search or
 * a profile read, the common short-lived commands, would otherwise parse ~20 modules it never
 * runs, which cost the CLI ~15% of its start-up (issue 11's benchmark clause).
 */
const derivedWriter = () => import("./derived_writer.ts");
// What a search never runs loads on first use too (a search loads ~20 of the store's modules).
const profileState = () => import("./profile_state.ts");
const embeddedStatus = () => import("./embedded_status.ts");
const derived = () => import("./derived.ts");
const logs = () => import("../log/logs.ts");

/** The opt-out list's schema, imported only when there is a list to check (see `SchemaRef`). */
const privacySchema = async () => (await import("../../schemas.ts")).PrivacyFile;

const EMPTY_OPTOUT: PrivacyFile = { version: 1, optout: { users: [], channels: [] } };

/** The embedded Store over one data dir. */
export class EmbeddedStore implements Store {
  readonly kind = "embedded" as const;
  readonly dataDir: string;
  #messages: JsonlLog<Message> | null = null;
  #events: JsonlLog<ChatEvent> | null = null;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** The data dir. */
  get location(): string {
    return this.dataDir;
  }

  async appendMessages(messages: readonly Message[]): Promise<AppendOutcome<Message>> {
    const { messageLog } = await logs();
    // After the await: two first appends at once share one log (and its dedup window).
    this.#messages ??= messageLog(this.dataDir);
    return this.#messages.append(messages);
  }

  async messageLines(): Promise<MessageLineWriter> {
    const { messageLog } = await logs();
    this.#messages ??= messageLog(this.dataDir);
    const log = this.#messages;
    return {
      batch: () => log.lines(),
      // Only this writer's batches come here: they are the log's own LineBatch.
      append: (batch) => log.appendLines(batch as LineBatch<Message>),
    };
  }

  async appendEvents(events: readonly ChatEvent[]): Promise<AppendOutcome<ChatEvent>> {
    const { eventLog } = await logs();
    this.#events ??= eventLog(this.dataDir);
    return this.#events.append(events);
  }

  follow(options: { worker?: boolean; flushIntervalMs?: number } = {}): Promise<Follower> {
    return derived().then((m) => m.openDerived(this.dataDir, options));
  }

  async catchUp(
    options: { index?: boolean; profiles?: boolean } = {},
  ): Promise<CatchUpSummary | null> {
    // Nothing to do (the common case of a reader): answered without the writer's databases.
    const { derivedCurrent } = await import("./derived_current.ts");
    const current = derivedCurrent(this.dataDir, options);
    if (current !== null) return current;
    return await derivedWriter().then((m) => m.catchUpDerived(this.dataDir, options));
  }

  rebuild(request: RebuildRequest = {}): Promise<RebuildSummary> {
    return derivedWriter().then((m) => m.rebuildDerived(this.dataDir, request));
  }

  tryRebuild(request: RebuildRequest = {}): Promise<RebuildSummary | null> {
    return derivedWriter().then((m) => m.tryRebuildDerived(this.dataDir, request));
  }

  async status(): Promise<StoreStatus> {
    return await (await embeddedStatus()).storeStatus(this.dataDir);
  }

  async searchMessages(
    q: MessageQuery,
    options: SearchMessagesOptions = {},
  ): Promise<MessagePage> {
    return await search(this.dataDir, q, options);
  }

  searchEvents(q: EventQuery): Promise<EventPage> {
    return searchEvents(this.dataDir, q);
  }

  deletions(ids?: readonly string[]): Promise<Map<string, string>> {
    return deletions(this.dataDir, ids);
  }

  async around(anchors: readonly Anchor[], n: number): Promise<Message[]> {
    const { indexedMessagesAround } = await import("./message_context.ts");
    const { aroundBySearch } = await import("../messages_around.ts");
    return await indexedMessagesAround(this.dataDir, anchors, n) ??
      await aroundBySearch((q) => this.searchMessages(q), anchors, n);
  }

  async readProfile(kind: ProfileKind, name: string): Promise<Record<string, unknown> | null> {
    const v = await readJsonFile(profilePath(this.dataDir, kind, name));
    if (v === undefined) return null;
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw new StoreError(`${profilePath(this.dataDir, kind, name)}: not a profile`);
    }
    return v as Record<string, unknown>;
  }

  async userProfile(name: string): Promise<UserProfile | null> {
    const v = await readJsonFile(profilePath(this.dataDir, "user", name));
    if (v === undefined) return null;
    const { UserProfile } = await import("../../schemas.ts");
    const r = UserProfile.safeParse(v);
    return r.success ? r.data : null;
  }

  listProfiles(kind: ProfileKind): Promise<string[]> {
    return listNames(profileDir(this.dataDir, kind));
  }

  async *messagesAbout(q: AboutQuery): AsyncIterable<Message> {
    // A login or a subject key needs no JSON escaping: a wanted line holds it verbatim.
    const needle = q.user !== undefined
      ? q.user
      : q.subjectKey !== undefined
      ? `"subject_key":"${q.subjectKey}"`
      : '"hits":[';
    for await (const values of readJsonLines(layout(this.dataDir).messages, needle)) {
      for (const v of values) {
        const m = v as Message;
        if (typeof m !== "object" || m === null || typeof m.ts !== "string") continue;
        if (concerns(m, q)) yield m;
      }
    }
  }

  async messagesSince(cursor: MessageCursor | null): Promise<NewMessages> {
    const { logMessagesSince } = await import("./log_tail.ts");
    return await logMessagesSince(layout(this.dataDir).messages, cursor);
  }

  async changeStamp(): Promise<string> {
    // Appends grow a log; forget and retention replace it (a new file): size and inode tell.
    const l = layout(this.dataDir);
    const parts: string[] = [];
    for (const path of [l.messages, l.events]) {
      try {
        const st = await Deno.stat(path);
        parts.push(`${st.ino ?? ""}:${st.size}:${st.mtime?.getTime() ?? ""}`);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw wrapError(e, `read ${path}`);
        parts.push("absent");
      }
    }
    return parts.join("/");
  }

  /**
   * Every person's logins (or those of the persons `about` names), current with the log: the
   * rollups they are read from are caught up first when they lag behind it (see
   * {@link EmbeddedStore.#currentIdentities}).
   */
  async loginSpans(about?: readonly string[]): Promise<LoginSpan[]> {
    await this.#currentIdentities();
    const { readIdentitiesAbout, readLoginSpans } = await profileState();
    return about === undefined
      ? readLoginSpans(this.dataDir)
      : readIdentitiesAbout(this.dataDir, about).spans();
  }

  async *personMessages(q: PersonMessageQuery): AsyncIterable<PersonMessages> {
    const { embeddedPersonMessages } = await import("./person_rows.ts");
    yield* embeddedPersonMessages(this.dataDir, q);
  }

  /** Every person's display names, current with the log (as {@link loginSpans}). */
  async displayNames(): Promise<Map<string, string[]>> {
    await this.#currentIdentities();
    return (await profileState()).readDisplayNames(this.dataDir);
  }

  /**
   * Brings the rollups (and so the persons' logins) up to the log when they lag behind it: a
   * log imported with `--log-only`, a batch appended since the last flush. Otherwise a rename
   * the log holds would be missed (`search --by user OLD` would not find the messages under the
   * new login). A running monitor is the writer and keeps them current itself: the catch-up
   * then does nothing, and they are at most one flush behind.
   */
  async #currentIdentities(): Promise<void> {
    const l = layout(this.dataDir);
    let logBytes: number;
    try {
      logBytes = (await Deno.stat(l.messages)).size;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw wrapError(e, `read ${l.messages}`);
    }
    const mark = (await profileState()).persistedRollupMark(this.dataDir);
    if ((await embeddedStatus()).coverage(l.messages, logBytes, mark) === "current") return;
    await this.catchUp({ index: false, profiles: true }).catch(() => null);
  }

  async interactions(q: InteractionScope): Promise<InteractionInput> {
    const { embeddedInteractions } = await import("./interaction_scan.ts");
    return await embeddedInteractions(this.dataDir, q);
  }

  async readOptOut(): Promise<PrivacyFile> {
    return (await readSchemaFile(layout(this.dataDir).privacy, privacySchema)) ??
      structuredClone(EMPTY_OPTOUT);
  }

  async writeOptOut(file: PrivacyFile): Promise<void> {
    const { jsonText, writeFileAtomic } = await import("../atomic.ts");
    await writeFileAtomic(layout(this.dataDir).privacy, jsonText(file), { skipIfUnchanged: true });
  }

  async optOutStamp(): Promise<string> {
    try {
      const st = await Deno.stat(layout(this.dataDir).privacy);
      return `${st.mtime?.getTime()}:${st.size}:${st.ino}`;
    } catch {
      return "absent";
    }
  }

  forgetRecords(plan: ForgetPlan, options: { dryRun?: boolean } = {}): Promise<ForgetChange[]> {
    return import("./forget_rewrite.ts").then((m) =>
      m.forgetInLogs(this.dataDir, plan, options.dryRun === true)
    );
  }

  async removeProfiles(
    kind: ProfileKind,
    names: Iterable<string>,
    options: { dryRun?: boolean } = {},
  ): Promise<string[]> {
    // The rebuild that follows forget sweeps them too, but a monitor may hold the writer lock.
    // node:path only here: a reader's start-up stays without Node's compatibility layer.
    const { relative } = await import("node:path");
    const deleted: string[] = [];
    for (const name of names) {
      const p = profilePath(this.dataDir, kind, name);
      try {
        await Deno.lstat(p);
      } catch {
        continue;
      }
      if (options.dryRun !== true) {
        try {
          await Deno.remove(p);
        } catch (e) {
          throw wrapError(e, `remove ${p}`);
        }
      }
      deleted.push(relative(this.dataDir, p));
    }
    return deleted;
  }

  residue(word: RegExp, any: RegExp): Promise<Residue[]> {
    return import("./residue.ts").then((m) => m.findResidue(this.dataDir, word, any));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** True when a message concerns the subject of `q` (see {@link Store.messagesAbout}). */
function concerns(m: Message, q: AboutQuery): boolean {
  const hits = m.hits ?? [];
  if (q.subjectKey !== undefined ? hits.some((h) => h.subject_key === q.subjectKey) : hits.length) {
    return true;
  }
  if (q.user === undefined) return false;
  return m.user_name === q.user || (m.signals ?? []).some((s) => s.target === q.user);
}

/** Names of the profile files in `dir`, sorted (a hashed file name is read for its name). */
async function listNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".json")) continue;
      if (!e.name.startsWith("~")) {
        names.push(e.name.slice(0, -5));
        continue;
      }
      // A name that is not a login is hashed into the file name: read it from the file.
      try {
        const v = JSON.parse(await Deno.readTextFile(join(dir, e.name)));
        const n = v.user_name ?? v.channel;
        if (typeof n === "string") names.push(n);
      } catch {
        // Being replaced or unreadable: skip.
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}
