/**
 * Profiles from the PostgreSQL rollups, placed as the embedded store places its files: a
 * person's profile (all their rollup keys merged, `IdentityDirectory.keysOf`) is filed under
 * their current login when they are its latest holder, else under `person:<key>` (a `~<hash>`
 * file); a channel's under its name. Reads by name and the files of `data/profiles/` come from
 * the same placement, so both stores answer alike for renames and recycled logins.
 *
 * @module
 */
import { join } from "node:path";
import type { ChannelProfile, UserProfile } from "../../schemas.ts";
import {
  channelProfile,
  type ChannelState,
  userProfile,
  type UserState,
} from "../../analysis/rollups.ts";
import { IdentityDirectory, profileNameOf } from "../../analysis/identity.ts";
import { jsonText, writeFileAtomic } from "../atomic.ts";
import { profileDir, profileFileName, type ProfileKind } from "../layout.ts";
import type { PgDatabase } from "./database.ts";
import { mergeStates } from "./rollup_merge.ts";

const PERSON_PREFIX = "person:";

/** The merged state of a person over their rollup keys, or null when none has one. */
async function personState(
  db: PgDatabase,
  dir: IdentityDirectory,
  persons: readonly string[],
): Promise<Map<string, UserState>> {
  const keys = new Map(persons.map((p) => [p, dir.keysOf(p)]));
  const states = await db.states("user", [...new Set([...keys.values()].flat())]);
  const out = new Map<string, UserState>();
  for (const [p, ks] of keys) {
    const parts = ks.map((k) => states.get(k)).filter((s) => s !== undefined) as UserState[];
    if (parts.length > 0) out.set(p, mergeStates(parts));
  }
  return out;
}

/** A user's profile by the name it is filed under (a login, or `person:<key>`), or null. */
export async function userProfileNamed(db: PgDatabase, name: string): Promise<UserProfile | null> {
  const isPerson = name.startsWith(PERSON_PREFIX);
  const around = isPerson
    ? { logins: [], persons: [name.slice(PERSON_PREFIX.length)] }
    : { logins: [name], persons: [] };
  const dir = new IdentityDirectory(await db.spans({ around }));
  const person = isPerson ? dir.canonical(around.persons[0]!) : dir.resolveLogin(name);
  if (person === null || profileNameOf(person, dir) !== name) return null;
  // The directory around this person is complete for it (its spans and its logins' holders).
  const s = (await personState(db, dir, [person])).get(person);
  return s === undefined ? null : userProfile(s);
}

/** A channel's profile, or null. */
export async function channelProfileNamed(
  db: PgDatabase,
  name: string,
): Promise<ChannelProfile | null> {
  const s = (await db.states("channel", [name])).get(name);
  return s === undefined ? null : channelProfile(s as ChannelState);
}

/**
 * The names profiles are listed under, sorted: a login, or for a profile filed under
 * `person:<key>` the login it shows (as the embedded store lists its `~<hash>` files).
 */
export async function profileNames(db: PgDatabase, kind: ProfileKind): Promise<string[]> {
  if (kind === "channel") return await db.channelNames();
  const dir = new IdentityDirectory(await db.spans());
  return dir.persons().map((p) => {
    const name = profileNameOf(p, dir);
    return name.startsWith(PERSON_PREFIX) ? dir.currentLogin(p) ?? name : name;
  }).sort();
}

/** What writing profile files did. */
export interface FilesWritten {
  written: number;
  removed: number;
}

/**
 * Writes the profile files of some persons (rollup keys) and channels, and of every other
 * holder of those persons' logins (a rename or a recycled login moves their files too);
 * removes files their persons left (unless another person's profile is filed there) and files
 * of entities with no rollup left. `gone`: logins of persons that may no longer exist.
 */
export async function writeProfileFiles(
  db: PgDatabase,
  dataDir: string,
  dirty: { users: readonly string[]; channels: readonly string[]; goneLogins?: readonly string[] },
): Promise<FilesWritten> {
  const out: FilesWritten = { written: 0, removed: 0 };
  const gone = dirty.goneLogins ?? [];
  if (dirty.users.length > 0 || gone.length > 0) {
    await writePersonFiles(db, profileDir(dataDir, "user"), dirty.users, gone, out);
  }
  if (dirty.channels.length > 0) {
    await writeChannelFiles(db, profileDir(dataDir, "channel"), dirty.channels, out);
  }
  return out;
}

/**
 * Writes the profile files of some persons (and of their logins' other holders) into
 * `userDir`, and removes the files they or `gone` logins no longer hold.
 */
async function writePersonFiles(
  db: PgDatabase,
  userDir: string,
  users: readonly string[],
  gone: readonly string[],
  out: FilesWritten,
): Promise<void> {
  await Deno.mkdir(userDir, { recursive: true });
  // Round 1: who must be written (the persons and their logins' other holders); round 2:
  // a directory complete for each of them.
  const first = new IdentityDirectory(
    await db.spans({ around: { logins: [...gone], persons: [...users] } }),
  );
  const persons = [...new Set(first.spans().map((s) => first.canonical(s.person)))];
  const dir = new IdentityDirectory(await db.spans({ around: { logins: [...gone], persons } }));
  const vacated = new Set<string>(gone.map((l) => profileFileName(l)));
  for (const k of users) vacated.add(profileFileName(`${PERSON_PREFIX}${k}`));
  const kept = new Set<string>();
  for (let i = 0; i < persons.length; i += 2000) {
    const chunk = persons.slice(i, i + 2000);
    const states = await personState(db, dir, chunk);
    for (const p of chunk) {
      const s = states.get(p);
      for (const k of dir.keysOf(p)) vacated.add(profileFileName(`${PERSON_PREFIX}${k}`));
      if (s === undefined) continue;
      for (const l of s.logins.keys()) vacated.add(profileFileName(l));
      const file = profileFileName(profileNameOf(p, dir));
      kept.add(file);
      await writeFileAtomic(join(userDir, file), jsonText(userProfile(s)), {
        skipIfUnchanged: true,
      });
      out.written++;
    }
  }
  for (const file of vacated) {
    if (kept.has(file) || occupied(file, dir)) continue;
    if (await removeFile(join(userDir, file))) out.removed++;
  }
}

/** Writes (or removes, when gone) the profile files of some channels into `channelDir`. */
async function writeChannelFiles(
  db: PgDatabase,
  channelDir: string,
  channels: readonly string[],
  out: FilesWritten,
): Promise<void> {
  await Deno.mkdir(channelDir, { recursive: true });
  const states = await db.states("channel", channels);
  for (const c of channels) {
    const s = states.get(c);
    const path = join(channelDir, profileFileName(c));
    if (s === undefined) {
      if (await removeFile(path)) out.removed++;
      continue;
    }
    await writeFileAtomic(path, jsonText(channelProfile(s as ChannelState)), {
      skipIfUnchanged: true,
    });
    out.written++;
  }
}

/** True when some person's profile is filed as `file` (a login whose holder is filed there). */
function occupied(file: string, dir: IdentityDirectory): boolean {
  if (file.startsWith("~")) return false;
  const login = file.slice(0, -".json".length);
  const holder = dir.resolveLogin(login);
  return holder !== null && profileNameOf(holder, dir) === login;
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rewrites every profile file of a data dir from the database, and removes every other
 * profile file (and stray temporary file) there. Returns the counts.
 */
export async function rewriteAllProfiles(
  db: PgDatabase,
  dataDir: string,
): Promise<{ users: number; channels: number; removed: number }> {
  const dir = new IdentityDirectory(await db.spans());
  const persons = dir.persons();
  const channels = await db.channelNames();
  const counts = { users: 0, channels: 0, removed: 0 };
  const keep = { user: new Set<string>(), channel: new Set<string>() };
  const userDir = profileDir(dataDir, "user");
  await Deno.mkdir(userDir, { recursive: true });
  for (let i = 0; i < persons.length; i += 2000) {
    const chunk = persons.slice(i, i + 2000);
    const states = await personState(db, dir, chunk);
    for (const p of chunk) {
      const s = states.get(p);
      if (s === undefined) continue;
      const file = profileFileName(profileNameOf(p, dir));
      keep.user.add(file);
      await writeFileAtomic(join(userDir, file), jsonText(userProfile(s)), {
        skipIfUnchanged: true,
      });
      counts.users++;
    }
  }
  const channelDir = profileDir(dataDir, "channel");
  await Deno.mkdir(channelDir, { recursive: true });
  for (let i = 0; i < channels.length; i += 2000) {
    const chunk = channels.slice(i, i + 2000);
    const states = await db.states("channel", chunk);
    for (const c of chunk) {
      const s = states.get(c);
      if (s === undefined) continue;
      const file = profileFileName(c);
      keep.channel.add(file);
      await writeFileAtomic(join(channelDir, file), jsonText(channelProfile(s as ChannelState)), {
        skipIfUnchanged: true,
      });
      counts.channels++;
    }
  }
  for (const kind of ["user", "channel"] as const) {
    const d = profileDir(dataDir, kind);
    for await (const e of Deno.readDir(d)) {
      if (!e.isFile || keep[kind].has(e.name)) continue;
      if (!e.name.endsWith(".json") && !e.name.includes(".json.tmp")) continue;
      if (await removeFile(join(d, e.name))) counts.removed++;
    }
  }
  return counts;
}

/** The rollup keys a profile name stands for (to delete a person's rollups by that name). */
export async function keysNamed(db: PgDatabase, names: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const name of names) {
    const isPerson = name.startsWith(PERSON_PREFIX);
    const around = isPerson
      ? { logins: [], persons: [name.slice(PERSON_PREFIX.length)] }
      : { logins: [name], persons: [] };
    const dir = new IdentityDirectory(await db.spans({ around }));
    const person = isPerson ? dir.canonical(around.persons[0]!) : dir.resolveLogin(name);
    if (person === null) {
      // A login without spans may still have a rollup of its own (login-keyed).
      if (!isPerson) out.add(name);
      continue;
    }
    for (const k of dir.keysOf(person)) out.add(k);
  }
  return [...out];
}

/**
 * The persons (rollup keys) and channels whose profile files are to be rewritten after pushes
 * and forgets, and the logins of persons a forget may have removed: gathered until
 * {@link DirtyProfiles.write} writes them (and kept when that fails, for the next write).
 */
export class DirtyProfiles {
  #users = new Set<string>();
  #channels = new Set<string>();
  #goneLogins = new Set<string>();

  /** Marks persons and channels whose rollups changed. */
  add(users: Iterable<string>, channels: Iterable<string>): void {
    for (const u of users) this.#users.add(u);
    for (const c of channels) this.#channels.add(c);
  }

  /** Marks logins whose persons a forget may have removed. */
  addGone(logins: Iterable<string>): void {
    for (const l of logins) this.#goneLogins.add(l);
  }

  /** Forgets every mark (a rewrite of every file follows). */
  clear(): void {
    this.#users.clear();
    this.#channels.clear();
    this.#goneLogins.clear();
  }

  /** Writes the marked files from the database's current state; returns how many. */
  async write(db: PgDatabase, dataDir: string): Promise<number> {
    const users = [...this.#users];
    const channels = [...this.#channels];
    const goneLogins = [...this.#goneLogins];
    this.clear();
    try {
      return (await writeProfileFiles(db, dataDir, { users, channels, goneLogins })).written;
    } catch (e) {
      this.add(users, channels);
      this.addGone(goneLogins);
      throw e;
    }
  }
}
