/**
 * Writing the profile files of a data dir from the rollup state (`profiles.sqlite`): the files
 * of entities marked dirty, placed by the logins each person holds, and the sweep of files of
 * entities that no longer have a state. The state and its cache are `profile_store.ts`'s; how
 * one file is written and a folder swept, `profile_files.ts`'s.
 *
 * @module
 */
import { join } from "node:path";
import {
  channelProfile,
  type ChannelState,
  mergeUserStates,
  userProfile,
  type UserState,
} from "../../analysis/rollups.ts";
import type { IdentityDirectory } from "../../analysis/identity.ts";
import {
  type Interner,
  type PackedChannel,
  type PackedUser,
  toUserState,
} from "../../analysis/packed_rollups.ts";
import { packedChannelProfile, packedUserProfile } from "../../analysis/packed_profiles.ts";
import { jsonText } from "../atomic.ts";
import { profileDir, profileFileName } from "../layout.ts";
import { LOGIN_RE } from "../../normalize.ts";
import { KIND_CODE, personFileName } from "./profile_state.ts";
import { sweepDir, writeDerivedFile } from "./profile_files.ts";
import type { SqliteFile } from "./sqlite.ts";

/** What the file writer reads of the rollup state. */
export interface ProfileFileSource {
  db: SqliteFile;
  dataDir: string;
  /** Every person's logins. */
  directory: IdentityDirectory;
  /** The state of a person key: cached (packed) or stored. */
  user(key: string): UserState | PackedUser | undefined;
  /** The state of a channel: cached (packed) or stored. */
  channel(name: string): ChannelState | PackedChannel | undefined;
  /** The names the packed states interned. */
  names: Interner;
  /** True when a user state is stored under `key`. */
  hasUser(key: string): boolean;
}

/** The names in a folder, or none when it cannot be read. */
function safeList(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * Writes the files of the entities marked dirty in `profile_dirty` and clears the marks; a
 * person's file goes under the login it holds (see `personFileName`), and files a person left
 * (a rename, a login passed on) are removed unless someone else holds them. Every file is
 * tried; the first failure is thrown after, leaving the marks for the next flush.
 */
export function writeDirtyFiles(src: ProfileFileSource): { users: number; channels: number } {
  const rows = src.db.stmt("SELECT kind, name FROM profile_dirty").all() as Array<
    { kind: number; name: string }
  >;
  if (rows.length === 0) return { users: 0, channels: 0 };
  const userDir = profileDir(src.dataDir, "user");
  const channelDir = profileDir(src.dataDir, "channel");
  Deno.mkdirSync(userDir, { recursive: true });
  Deno.mkdirSync(channelDir, { recursive: true });
  let users = 0;
  let channels = 0;
  // Each file is rendered right before it is written (writes are synchronous, so no state
  // changes in between): holding every rendered file at once cost ~100 MB at 20,000 users.
  let failure: unknown = null;
  // Profile names (logins, `person:<key>`) whose files may have lost their occupant (a rename,
  // a login passed on): removed below unless some person's file is one of them.
  const vacated = new Set<string>();
  const written = new Set<string>();
  const persons = new Set<string>();
  for (const r of rows) {
    let file: { path: string; text: string } | null;
    if (Number(r.kind) === KIND_CODE.user) {
      file = userFile(src, r.name, userDir, persons, vacated);
      if (file === null) continue;
      written.add(file.path);
      users++;
    } else {
      const s = src.channel(r.name);
      if (!s) continue;
      file = {
        path: join(channelDir, profileFileName(r.name)),
        text: jsonText("counts" in s ? packedChannelProfile(s, src.names) : channelProfile(s)),
      };
      channels++;
    }
    try {
      writeDerivedFile(file.path, file.text);
    } catch (e) {
      failure ??= e;
    }
  }
  removeVacated(src, userDir, vacated, written);
  // Every file was tried; the first failure leaves the names dirty for the next flush.
  if (failure !== null) throw failure;
  src.db.transaction(() => src.db.db.exec("DELETE FROM profile_dirty"));
  return { users, channels };
}

/**
 * The file of the person whose key (or login) is `name`, rendered, unless `persons` has them
 * already (a login seen without an id is written as part of the person who holds it with
 * one): adds the person to `persons`, and to `vacated` the profile names whose files they may
 * have left (a rename, a login passed on). Null when no state is stored for them.
 */
function userFile(
  src: ProfileFileSource,
  name: string,
  userDir: string,
  persons: Set<string>,
  vacated: Set<string>,
): { path: string; text: string } | null {
  const person = src.directory.canonical(name);
  if (persons.has(person)) return null;
  persons.add(person);
  const keys = src.directory.keysOf(person);
  const states: Array<UserState | PackedUser> = [];
  for (const k of keys) {
    const st = src.user(k);
    if (st) states.push(st);
  }
  if (states.length === 0) return null;
  // One state (nearly always): rendered as it is; several: merged in their plain form.
  const s = states.length === 1
    ? states[0]!
    : mergeUserStates(states.map((x) => "counts" in x ? toUserState(x, src.names) : x));
  const logins = "counts" in s ? s.logins.map((l) => l.login) : [...s.logins.keys()];
  const fileName = personFileName(person, src.directory);
  if (
    logins.length > 1 || keys.length > 1 || fileName !== person ||
    src.directory.holders(fileName).length > 1
  ) {
    for (const l of logins) vacated.add(l);
    for (const k of keys) vacated.add(`person:${k}`);
  }
  const profile = "counts" in s ? packedUserProfile(s, src.names) : userProfile(s);
  return { path: join(userDir, profileFileName(fileName)), text: jsonText(profile) };
}

/**
 * Removes the files of the `vacated` profile names that no person occupies now and that were
 * not just `written`. One listing instead of a failed remove per absent file: a person with an
 * id vacates `person:#id`, whose file is almost never there, and each failure threw (20,000
 * users: about 3% of the profile writer's time); and such a name's file (`~<sha256>.json`) is
 * hashed only when the folder holds any `~` file at all (a hash per person and flush cost
 * about as much as rendering the profile).
 */
function removeVacated(
  src: ProfileFileSource,
  userDir: string,
  vacated: ReadonlySet<string>,
  written: ReadonlySet<string>,
): void {
  if (vacated.size === 0) return;
  const present = new Set(safeList(userDir));
  let hashed = false;
  for (const name of present) {
    if (name.startsWith("~")) {
      hashed = true;
      break;
    }
  }
  for (const name of vacated) {
    if (!hashed && !LOGIN_RE.test(name)) continue;
    const base = profileFileName(name);
    if (!present.has(base)) continue;
    const path = join(userDir, base);
    if (written.has(path) || occupied(src, path, userDir)) continue;
    try {
      Deno.removeSync(path);
    } catch {
      // Not there.
    }
  }
}

/** True when some person's profile file is `path` (a login file that still has its holder). */
function occupied(src: ProfileFileSource, path: string, userDir: string): boolean {
  const base = path.slice(userDir.length + 1);
  if (base.startsWith("~")) return false;
  const login = base.slice(0, -".json".length);
  const holder = src.directory.resolveLogin(login);
  if (holder === null) return src.hasUser(login);
  return personFileName(holder, src.directory) === login;
}

/** Removes profile files (and stray temporary files) of entities that have no state. */
export function sweepProfileFiles(src: ProfileFileSource): number {
  let removed = 0;
  for (const kind of ["user", "channel"] as const) {
    const keep = new Set(
      (src.db.stmt("SELECT name FROM profile_state WHERE kind = ?").all(
        KIND_CODE[kind],
      ) as Array<{ name: string }>).map((r) =>
        profileFileName(
          kind === "user" ? personFileName(src.directory.canonical(r.name), src.directory) : r.name,
        )
      ),
    );
    removed += sweepDir(profileDir(src.dataDir, kind), keep);
  }
  return removed;
}
