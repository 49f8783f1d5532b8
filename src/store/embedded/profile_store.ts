/**
 * Profile state and profile files: the writer. (The database's layout and its lock-free reads
 * are in `profile_state.ts`; how a file is written and swept, in `profile_files.ts`.)
 *
 * The rollups (`src/analysis/rollups.ts`) of every user and channel live in their own database,
 * `profiles.sqlite` (`profile_state`, one JSON row per entity), so that top-K lists stay exact
 * across runs; it is apart from the search index so that the rollup writer and the index writer
 * (two threads of a monitor) never wait for each other's commits. The
 * store folds messages into an in-memory cache of the entities they touch and, on
 * {@link ProfileStore.flush}, persists the touched states with the log mark they correspond to
 * (one transaction), then rewrites exactly the touched profile files, each atomically
 * (temporary file + rename). The names of touched entities are persisted in `profile_dirty`
 * in the same transaction and cleared once their files are written, so a crash between the two
 * leaves files that the next open rewrites.
 *
 * Profile files are derived data: they are renamed into place without fsync (an fsync per file
 * would triple the cost of a flush); `profiles rebuild` regenerates them from the log.
 *
 * A user rollup is a person's (`src/analysis/identity.ts`): keyed by `#<user_id>`, or by the
 * login for messages without an id. Its file is `users/<current login>.json`; the logins of
 * every person are kept in `person_login` (and in memory while writing) so that a rename moves
 * the file: an earlier login's file goes away. When two persons last used the same login (a
 * recycled login whose earlier holder was not seen since), the latest holder gets the file and
 * the other is written under `~<hash>.json` (`profiles list` and `users find` still show it).
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import {
  type ChannelState,
  decodeChannelState,
  decodeUserState,
  type UserState,
} from "../../analysis/rollups.ts";
import {
  encodePackedChannel,
  encodePackedUser,
  packedLoginSpans,
} from "../../analysis/packed_profiles.ts";
import {
  foldPacked,
  Interner,
  newPackedChannel,
  newPackedUser,
  packChannelState,
  packedBytes,
  type PackedChannel,
  PackedFacets,
  type PackedUser,
  packUserState,
} from "../../analysis/packed_rollups.ts";
import { IdentityDirectory, personKey } from "../../analysis/identity.ts";
import { EMPTY_MARK, type LogMark } from "../log/log_mark.ts";
import { SqliteFile } from "./sqlite.ts";
import { layout, profileDir, type ProfileKind } from "../layout.ts";
import { wrapError } from "../../errors.ts";
import {
  KIND_CODE,
  pendingProfileFiles,
  persistedRollupMark,
  SCHEMA,
  spanOfRow,
  type SpanRow,
  STATE_VERSION,
} from "./profile_state.ts";
import {
  type ProfileFileSource,
  sweepProfileFiles,
  writeDirtyFiles,
} from "./profile_file_writer.ts";

/**
 * Bounds of the rollup cache, checked after each flush: entities, and the estimated heap of the
 * cached user states and of the names they intern (`packedBytes` of `packed_rollups.ts`, plus
 * NAME_BYTES a name). The 20,000 users of 1M generated messages are estimated at 26 MB and hold
 * 53 MB of heap with the channels, the names and the messages' strings they keep (79 MB in the
 * plain form of `rollups.ts`), so 64 MiB bounds the heap about where the earlier bound (48 MiB
 * of encoded states, "about three times that" as plain states) did.
 */
const CACHE_ENTITIES = 100_000;
const CACHE_BYTES = 64 * 1024 * 1024;
/** Estimated heap of one interned name (the string, its map entry, its slot). */
const NAME_BYTES = 96;

/** Options of {@link ProfileStore.open}. */
export interface ProfileStoreOptions {
  /**
   * Estimated heap of the cached user states above which a flush empties the cache (the
   * states are persisted by then). @default 64 MiB
   */
  cacheBytes?: number;
}

/** What one flush did. */
export interface FlushResult {
  users: number;
  channels: number;
  removed: number;
}

/** Rollup state of every user and channel, in `profiles.sqlite`. */
export class ProfileStore {
  readonly dataDir: string;
  #db: SqliteFile;
  /** Names interned by the cached states (see `packed_rollups.ts`); renewed with the cache. */
  #names = new Interner();
  #facets = new PackedFacets(this.#names);
  #users = new Map<string, PackedUser>();
  /**
   * The cached states of persons with an id, by the bare `user_id` of their messages: the
   * fold looks them up without making the key `#<user_id>` (a new string to hash, per message).
   */
  #usersById = new Map<string, PackedUser>();
  #channels = new Map<string, PackedChannel>();
  /**
   * States touched since the last flush, in the order first touched (a user's `user_name` is
   * the person key); each has `dirty` set while it is listed, so a fold tests a field instead
   * of hashing into a set twice a message.
   */
  #dirtyUsers: PackedUser[] = [];
  #dirtyChannels: PackedChannel[] = [];
  #mark: LogMark;
  /**
   * Every person's logins (the `person_login` table), to place profile files: read on first
   * use, since a writer that finds nothing to fold never needs it (25,000 persons: ~0.4 s).
   */
  #dir: IdentityDirectory | null = null;
  /** Estimated heap bytes of each cached user state at its last flush, and their sum. */
  #stateBytes = new Map<string, number>();
  #cachedBytes = 0;
  #cacheBytes = CACHE_BYTES;
  /**
   * True while every stored state is also in the cache (the database held none when it was
   * opened or reset, and the cache was never emptied since): a state the cache lacks is then a
   * new one, and the fold skips the database read (a rebuild, or a first run over a log, reads
   * nothing for each of its 20,000 new persons: ~30 us each).
   */
  #allCached: boolean;

  private constructor(file: SqliteFile, dataDir: string) {
    this.#db = file;
    this.dataDir = dataDir;
    this.#mark = this.#storedMark();
    this.#allCached = file.stmt("SELECT 1 FROM profile_state LIMIT 1").get() === undefined;
  }

  get #directory(): IdentityDirectory {
    this.#dir ??= new IdentityDirectory(
      (this.#db.stmt("SELECT * FROM person_login").all() as unknown as SpanRow[]).map(spanOfRow),
    );
    return this.#dir;
  }

  /**
   * Opens (creating) the state of a data dir for writing. The caller holds the writer lock.
   * Throws StoreError when the database cannot be opened.
   */
  static open(dataDir: string, options: ProfileStoreOptions = {}): ProfileStore {
    // A small cache: the store reads each entity once and writes whole batches. Large pages:
    // a user's state is a few KiB, which 4 KiB pages split into overflow chains (a flush of
    // 20,000 states: 1.0 s -> 0.55 s with 16 KiB pages).
    const file = SqliteFile.open(layout(dataDir).profileState, {
      cacheKiB: 8192,
      pageSize: 16384,
      version: STATE_VERSION,
      schema: SCHEMA,
      // A new (or deleted) state is rebuilt from the log: files of entities that are gone
      // from it must go too once the rebuild is done.
      created: (f) => f.setMeta("profiles_sweep", "1"),
    });
    const store = new ProfileStore(file, dataDir);
    store.#cacheBytes = options.cacheBytes ?? CACHE_BYTES;
    return store;
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }

  /** See {@link persistedRollupMark}. */
  static persistedMark(dataDir: string): LogMark | null {
    return persistedRollupMark(dataDir);
  }

  /** See {@link pendingProfileFiles}. */
  static pendingFiles(dataDir: string): number {
    return pendingProfileFiles(dataDir);
  }

  #storedMark(): LogMark {
    const raw = this.#db.meta("rollup_mark");
    return raw === undefined ? EMPTY_MARK : JSON.parse(raw) as LogMark;
  }

  /** The part of the log folded so far (including what is not flushed yet). */
  get mark(): LogMark {
    return this.#mark;
  }

  /** Records that everything up to `mark` is folded (persisted at the next flush). */
  advance(mark: LogMark): void {
    this.#mark = mark;
  }

  /** Number of entities touched since the last flush. */
  get pending(): number {
    return this.#dirtyUsers.length + this.#dirtyChannels.length;
  }

  /**
   * True when the rollup cache is past its bounds (the ones a flush checks before emptying
   * it), estimated now rather than as of the last flush: a writer that defers flushes while a
   * backlog drains flushes anyway once this holds, so the deferral never lets memory grow
   * past them. One pass over the cached user states, asked only when a deferred flush is due.
   */
  get cacheFull(): boolean {
    let bytes = 0;
    for (const s of this.#users.values()) bytes += packedBytes(s);
    return this.#pastBound(bytes);
  }

  /** The cache's bounds, given the cached user states' estimated bytes. */
  #pastBound(stateBytes: number): boolean {
    return this.#users.size + this.#channels.size > CACHE_ENTITIES ||
      stateBytes + (this.#names.size + this.#facets.cachedTokens) * NAME_BYTES > this.#cacheBytes;
  }

  /**
   * Forgets all rollups (a rebuild follows). Profile files stay until the rebuild reaches the
   * end of the log; then files of entities that no longer exist are removed. No byte of the
   * old state remains in the database files (a forgotten user's keywords).
   */
  reset(): void {
    this.#db.scrub(() => {
      this.#db.db.exec(
        "DELETE FROM profile_state; DELETE FROM profile_dirty; DELETE FROM person_login; " +
          "DELETE FROM person_display;",
      );
      this.#db.setMeta("rollup_mark", JSON.stringify(EMPTY_MARK));
      this.#db.setMeta("profiles_sweep", "1");
    });
    this.#emptyCache();
    this.#dirtyUsers = [];
    this.#dirtyChannels = [];
    this.#dir = new IdentityDirectory([]);
    this.#mark = EMPTY_MARK;
    this.#allCached = true;
  }

  /** The stored state of an entity the cache lacks, unless none can be stored. */
  #loadMissing(kind: ProfileKind, name: string): string | undefined {
    return this.#allCached ? undefined : this.#load(kind, name);
  }

  #load(kind: ProfileKind, name: string): string | undefined {
    const row = this.#db.stmt("SELECT state FROM profile_state WHERE kind = ? AND name = ?")
      .get(KIND_CODE[kind], name) as { state: string } | undefined;
    return row?.state;
  }

  #user(name: string): PackedUser {
    let s = this.#users.get(name);
    if (!s) {
      const raw = this.#loadMissing("user", name);
      s = raw === undefined
        ? newPackedUser(name)
        : packUserState(decodeUserState(raw), this.#names);
      this.#users.set(name, s);
    }
    return s;
  }

  #channel(name: string): PackedChannel {
    let s = this.#channels.get(name);
    if (!s) {
      const raw = this.#loadMissing("channel", name);
      s = raw === undefined
        ? newPackedChannel(name)
        : packChannelState(decodeChannelState(raw), this.#names);
      this.#channels.set(name, s);
    }
    return s;
  }

  /** Drops every cached state, and the names they interned. */
  #emptyCache(): void {
    this.#users.clear();
    this.#usersById.clear();
    this.#channels.clear();
    this.#stateBytes.clear();
    this.#cachedBytes = 0;
    // The states persisted so far are no longer in the cache.
    this.#allCached = false;
    this.#names = new Interner();
    this.#facets = new PackedFacets(this.#names);
  }

  /** Folds one message into its person's and its channel's rollups. */
  fold(m: Message): void {
    // (Sharing one copy of each key string between rollups was measured: no change in the
    // rollup writer's live heap at 1M messages, 91 against 90 MB, so the fold keeps no table.)
    const id = m.user_id;
    const user = id === null || id === ""
      ? this.#user(personKey(m))
      : this.#usersById.get(id) ?? this.#userById(id);
    const channel = this.#channels.get(m.channel) ?? this.#channel(m.channel);
    foldPacked(user, channel, m, this.#facets.of(m));
    if (!user.dirty) {
      user.dirty = true;
      this.#dirtyUsers.push(user);
    }
    if (!channel.dirty) {
      channel.dirty = true;
      this.#dirtyChannels.push(channel);
    }
  }

  #userById(id: string): PackedUser {
    const s = this.#user(personKey({ user_id: id, user_name: "" }));
    this.#usersById.set(id, s);
    return s;
  }

  /**
   * Persists the touched rollups with the mark, then rewrites their profile files. With
   * `atEnd` (the fold reached the end of the log), also removes files of entities that a
   * rebuild no longer found.
   */
  flush(options: { atEnd?: boolean } = {}): FlushResult {
    const users = this.#dirtyUsers.map((s) => s.user_name);
    const channels = this.#dirtyChannels.map((s) => s.channel);
    const stored = this.#storedMark();
    if (
      users.length || channels.length || stored.offset !== this.#mark.offset ||
      stored.tail !== this.#mark.tail
    ) {
      this.#persist(users, channels);
    }
    for (const s of this.#dirtyUsers) s.dirty = false;
    for (const s of this.#dirtyChannels) s.dirty = false;
    this.#dirtyUsers = [];
    this.#dirtyChannels = [];
    const written = writeDirtyFiles(this.#files());
    let removed = 0;
    if (options.atEnd && this.#db.meta("profiles_sweep") === "1") {
      removed = sweepProfileFiles(this.#files());
      this.#db.transaction(() => this.#db.setMeta("profiles_sweep", "0"));
    }
    // Bound memory on long runs: everything is persisted now, so the cache can go. The states
    // of the users seen since the last flush then come back from the database one by one.
    if (this.#pastBound(this.#cachedBytes)) this.#emptyCache();
    return { ...written, removed };
  }

  /**
   * Stores the states of `users` and `channels`, marks their files dirty, records the persons'
   * logins and display names and the mark: one transaction.
   */
  #persist(users: readonly string[], channels: readonly string[]): void {
    this.#db.transaction(() => {
      const put = this.#db.stmt(
        "INSERT INTO profile_state(kind, name, state) VALUES (?, ?, ?) " +
          "ON CONFLICT(kind, name) DO UPDATE SET state = excluded.state",
      );
      const dirty = this.#db.stmt(
        "INSERT OR IGNORE INTO profile_dirty(kind, name) VALUES (?, ?)",
      );
      const span = this.#db.stmt(
        "INSERT INTO person_login(login, person, first_seen, last_seen, last_mid, count) " +
          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(login, person) DO UPDATE SET " +
          "first_seen = excluded.first_seen, last_seen = excluded.last_seen, " +
          "last_mid = excluded.last_mid, count = excluded.count",
      );
      const display = this.#db.stmt(
        "INSERT OR IGNORE INTO person_display(person, name) VALUES (?, ?)",
      );
      for (const u of users) {
        const state = this.#users.get(u)!;
        for (const name of state.display_names ?? []) display.run(u, name);
        const bytes = packedBytes(state);
        this.#cachedBytes += bytes - (this.#stateBytes.get(u) ?? 0);
        this.#stateBytes.set(u, bytes);
        put.run(KIND_CODE.user, u, encodePackedUser(state, this.#names));
        dirty.run(KIND_CODE.user, u);
        for (const x of packedLoginSpans(state)) {
          span.run(x.login, x.person, x.first_seen, x.last_seen, x.last_mid ?? "", x.count);
          // Other holders of this login may have to move file: mark them too.
          for (const h of this.#directory.holders(x.login)) {
            if (h.person !== u) dirty.run(KIND_CODE.user, h.person);
          }
          this.#directory.add(x);
          for (const h of this.#directory.holders(x.login)) {
            if (h.person !== u) dirty.run(KIND_CODE.user, h.person);
          }
        }
      }
      for (const c of channels) {
        put.run(KIND_CODE.channel, c, encodePackedChannel(this.#channels.get(c)!, this.#names));
        dirty.run(KIND_CODE.channel, c);
      }
      this.#db.setMeta("rollup_mark", JSON.stringify(this.#mark));
    });
  }

  /**
   * Writes the files of entities marked dirty in the database (after a flush or a crash), and
   * every file of a kind whose folder is missing (someone deleted `profiles/`: the state in
   * the database still holds them, so no rebuild is needed).
   */
  writePendingFiles(): { users: number; channels: number } {
    for (const kind of ["user", "channel"] as const) {
      try {
        Deno.statSync(profileDir(this.dataDir, kind));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) {
          throw wrapError(e, `read ${profileDir(this.dataDir, kind)}`);
        }
        this.#db.transaction(() =>
          this.#db.stmt(
            "INSERT OR IGNORE INTO profile_dirty(kind, name) " +
              "SELECT kind, name FROM profile_state WHERE kind = ?",
          ).run(KIND_CODE[kind])
        );
      }
    }
    return writeDirtyFiles(this.#files());
  }

  /** What the file writer reads: the database, the logins, the states (cached or stored). */
  #files(): ProfileFileSource {
    return {
      db: this.#db,
      dataDir: this.dataDir,
      directory: this.#directory,
      user: (k) => this.#users.get(k) ?? this.#decodedUser(k),
      channel: (n) => this.#channels.get(n) ?? this.#decodedChannel(n),
      names: this.#names,
      hasUser: (k) => this.#load("user", k) !== undefined,
    };
  }

  #decodedUser(key: string): UserState | undefined {
    const raw = this.#load("user", key);
    return raw === undefined ? undefined : decodeUserState(raw);
  }

  #decodedChannel(name: string): ChannelState | undefined {
    const raw = this.#load("channel", name);
    return raw === undefined ? undefined : decodeChannelState(raw);
  }
}
