/**
 * Profile state and profile files.
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
 * @module
 */
import { join } from "node:path";
import type { Message } from "../schemas.ts";
import {
  channelProfile,
  type ChannelState,
  decodeChannelState,
  decodeUserState,
  encodeChannelState,
  encodeUserState,
  facetsOf,
  foldChannel,
  foldUser,
  newChannelState,
  newUserState,
  userProfile,
  type UserState,
} from "../analysis/rollups.ts";
import { EMPTY_MARK, type LogMark } from "./log_mark.ts";
import { SqliteFile } from "./sqlite.ts";
import { jsonText } from "./atomic.ts";
import { layout, profileDir, profileFileName, type ProfileKind } from "./layout.ts";
import { StoreError, wrapError } from "../errors.ts";

const KIND_CODE: Record<ProfileKind, number> = { user: 0, channel: 1 };

/** Bumped when the state's layout or encoding changes: the state is then rebuilt from the log. */
// 2: `asked` is set by questions only (issue 11 item 7), so states folded before are rebuilt.
const STATE_VERSION = "2";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS profile_state(
  kind INTEGER NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY(kind, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profile_dirty(
  kind INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY(kind, name)
) WITHOUT ROWID;
`;

let tmpCounter = 0;

/**
 * Writes a derived file atomically (temporary file + rename), without fsync. Synchronous on
 * purpose: Deno's async file ops cost several times more per small file (measured 265 us vs
 * 70 us per profile), and the writer runs in its own thread anyway.
 */
function writeDerivedFile(path: string, text: string): void {
  const tmp = `${path}.tmp-${Deno.pid}-${++tmpCounter}`;
  try {
    Deno.writeTextFileSync(tmp, text);
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Never created.
    }
    throw new StoreError(`cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
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
  #users = new Map<string, UserState>();
  #channels = new Map<string, ChannelState>();
  #dirtyUsers = new Set<string>();
  #dirtyChannels = new Set<string>();
  #mark: LogMark;

  private constructor(file: SqliteFile, dataDir: string) {
    this.#db = file;
    this.dataDir = dataDir;
    this.#mark = this.#storedMark();
  }

  /**
   * Opens (creating) the state of a data dir for writing. The caller holds the writer lock.
   * Throws StoreError when the database cannot be opened.
   */
  static open(dataDir: string): ProfileStore {
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
    return new ProfileStore(file, dataDir);
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }

  /**
   * The part of the log whose rollups are persisted in a data dir, read without the writer
   * lock; null when there is no usable state (missing, or of another layout version).
   */
  static persistedMark(dataDir: string): LogMark | null {
    let file: SqliteFile;
    try {
      // A missing file fails to open read-only: null.
      file = SqliteFile.open(layout(dataDir).profileState, {
        readOnly: true,
        version: STATE_VERSION,
        schema: SCHEMA,
      });
    } catch {
      return null;
    }
    try {
      const raw = file.meta("rollup_mark");
      return raw === undefined ? EMPTY_MARK : JSON.parse(raw) as LogMark;
    } finally {
      file.close();
    }
  }

  /**
   * Profile files whose state is folded but whose file could not be written (a full disk):
   * they are written by the next writer that opens the data dir. 0 when there is no state.
   */
  static pendingFiles(dataDir: string): number {
    let file: SqliteFile;
    try {
      file = SqliteFile.open(layout(dataDir).profileState, {
        readOnly: true,
        version: STATE_VERSION,
        schema: SCHEMA,
      });
    } catch {
      return 0;
    }
    try {
      const row = file.db.prepare("SELECT COUNT(*) AS n FROM profile_dirty").get() as
        | { n: number }
        | undefined;
      return Number(row?.n ?? 0);
    } finally {
      file.close();
    }
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
    return this.#dirtyUsers.size + this.#dirtyChannels.size;
  }

  /**
   * Forgets all rollups (a rebuild follows). Profile files stay until the rebuild reaches the
   * end of the log; then files of entities that no longer exist are removed. No byte of the
   * old state remains in the database files (a forgotten user's keywords).
   */
  reset(): void {
    this.#db.scrub(() => {
      this.#db.db.exec("DELETE FROM profile_state; DELETE FROM profile_dirty;");
      this.#db.setMeta("rollup_mark", JSON.stringify(EMPTY_MARK));
      this.#db.setMeta("profiles_sweep", "1");
    });
    this.#users.clear();
    this.#channels.clear();
    this.#dirtyUsers.clear();
    this.#dirtyChannels.clear();
    this.#mark = EMPTY_MARK;
  }

  #load(kind: ProfileKind, name: string): string | undefined {
    const row = this.#db.stmt("SELECT state FROM profile_state WHERE kind = ? AND name = ?")
      .get(KIND_CODE[kind], name) as { state: string } | undefined;
    return row?.state;
  }

  #user(name: string): UserState {
    let s = this.#users.get(name);
    if (!s) {
      const raw = this.#load("user", name);
      s = raw === undefined ? newUserState(name) : decodeUserState(raw);
      this.#users.set(name, s);
    }
    return s;
  }

  #channel(name: string): ChannelState {
    let s = this.#channels.get(name);
    if (!s) {
      const raw = this.#load("channel", name);
      s = raw === undefined ? newChannelState(name) : decodeChannelState(raw);
      this.#channels.set(name, s);
    }
    return s;
  }

  /** Folds one message into its user's and its channel's rollups. */
  fold(m: Message): void {
    const f = facetsOf(m);
    foldUser(this.#user(m.user_name), m, f);
    foldChannel(this.#channel(m.channel), m, f);
    this.#dirtyUsers.add(m.user_name);
    this.#dirtyChannels.add(m.channel);
  }

  /**
   * Persists the touched rollups with the mark, then rewrites their profile files. With
   * `atEnd` (the fold reached the end of the log), also removes files of entities that a
   * rebuild no longer found.
   */
  flush(options: { atEnd?: boolean } = {}): FlushResult {
    const users = [...this.#dirtyUsers];
    const channels = [...this.#dirtyChannels];
    const stored = this.#storedMark();
    if (
      users.length || channels.length || stored.offset !== this.#mark.offset ||
      stored.tail !== this.#mark.tail
    ) {
      this.#db.transaction(() => {
        const put = this.#db.stmt(
          "INSERT INTO profile_state(kind, name, state) VALUES (?, ?, ?) " +
            "ON CONFLICT(kind, name) DO UPDATE SET state = excluded.state",
        );
        const dirty = this.#db.stmt(
          "INSERT OR IGNORE INTO profile_dirty(kind, name) VALUES (?, ?)",
        );
        for (const u of users) {
          put.run(KIND_CODE.user, u, encodeUserState(this.#users.get(u)!));
          dirty.run(KIND_CODE.user, u);
        }
        for (const c of channels) {
          put.run(KIND_CODE.channel, c, encodeChannelState(this.#channels.get(c)!));
          dirty.run(KIND_CODE.channel, c);
        }
        this.#db.setMeta("rollup_mark", JSON.stringify(this.#mark));
      });
    }
    this.#dirtyUsers.clear();
    this.#dirtyChannels.clear();
    const written = this.#writeDirty();
    let removed = 0;
    if (options.atEnd && this.#db.meta("profiles_sweep") === "1") {
      removed = this.#sweep();
      this.#db.transaction(() => this.#db.setMeta("profiles_sweep", "0"));
    }
    // Bound memory on long runs: everything is persisted now, so the cache can go.
    if (this.#users.size + this.#channels.size > 200_000) {
      this.#users.clear();
      this.#channels.clear();
    }
    return { ...written, removed };
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
    return this.#writeDirty();
  }

  #writeDirty(): { users: number; channels: number } {
    const rows = this.#db.stmt("SELECT kind, name FROM profile_dirty").all() as Array<
      { kind: number; name: string }
    >;
    if (rows.length === 0) return { users: 0, channels: 0 };
    const userDir = profileDir(this.dataDir, "user");
    const channelDir = profileDir(this.dataDir, "channel");
    Deno.mkdirSync(userDir, { recursive: true });
    Deno.mkdirSync(channelDir, { recursive: true });
    let users = 0;
    let channels = 0;
    // Each file is rendered right before it is written (writes are synchronous, so no state
    // changes in between): holding every rendered file at once cost ~100 MB at 20,000 users.
    let failure: unknown = null;
    for (const r of rows) {
      let path: string;
      let text: string;
      if (Number(r.kind) === KIND_CODE.user) {
        const s = this.#users.get(r.name) ?? this.#decoded("user", r.name);
        if (!s) continue;
        path = join(userDir, profileFileName(r.name));
        text = jsonText(userProfile(s as UserState));
        users++;
      } else {
        const s = this.#channels.get(r.name) ?? this.#decoded("channel", r.name);
        if (!s) continue;
        path = join(channelDir, profileFileName(r.name));
        text = jsonText(channelProfile(s as ChannelState));
        channels++;
      }
      try {
        writeDerivedFile(path, text);
      } catch (e) {
        failure ??= e;
      }
    }
    // Every file was tried; the first failure leaves the names dirty for the next flush.
    if (failure !== null) throw failure;
    this.#db.transaction(() => this.#db.db.exec("DELETE FROM profile_dirty"));
    return { users, channels };
  }

  #decoded(kind: ProfileKind, name: string): UserState | ChannelState | undefined {
    const raw = this.#load(kind, name);
    if (raw === undefined) return undefined;
    return kind === "user" ? decodeUserState(raw) : decodeChannelState(raw);
  }

  /** Removes profile files (and stray temporary files) of entities that have no state. */
  #sweep(): number {
    let removed = 0;
    for (const kind of ["user", "channel"] as const) {
      const dir = profileDir(this.dataDir, kind);
      const keep = new Set(
        (this.#db.stmt("SELECT name FROM profile_state WHERE kind = ?").all(
          KIND_CODE[kind],
        ) as Array<{ name: string }>).map((r) => profileFileName(r.name)),
      );
      let entries: Deno.DirEntry[];
      try {
        entries = [...Deno.readDirSync(dir)];
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isFile || keep.has(e.name)) continue;
        if (!e.name.endsWith(".json") && !e.name.includes(".json.tmp-")) continue;
        try {
          Deno.removeSync(join(dir, e.name));
          removed++;
        } catch {
          // Gone already.
        }
      }
    }
    return removed;
  }
}
