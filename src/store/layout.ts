/**
 * Where things live in a data dir, and the two logs opened on it.
 *
 * ```
 * data/
 *   subjects.json
 *   logs/messages.jsonl        canonical, append-only (plus .lock, and .corrupt after repairs)
 *   logs/messages.jsonl.ids/   derived: the dedup's older ids (`id_runs.ts`; events.jsonl.ids too)
 *   logs/events.jsonl          moderation and notice events
 *   profiles/users/<user>.json
 *   profiles/channels/<channel>.json
 *   privacy.json               the opt-out list
 *   enrichment/<subject_key>.json
 *   reports/<subject_key>.md|html|json
 *   index.sqlite               derived: the search index (+ .lock: the derived writer's lock)
 *   profiles.sqlite            derived: rollup state behind the profile files
 * ```
 *
 * @module
 */
import { LOGIN_RE } from "../normalize.ts";
import { sha256Hex } from "../digest.ts";
import { joinPath as join } from "../path_join.ts";

/** Paths inside a data dir. */
export function layout(dataDir: string): {
  messages: string;
  events: string;
  subjects: string;
  userProfiles: string;
  channelProfiles: string;
  enrichment: string;
  index: string;
  profileState: string;
  privacy: string;
  reports: string;
  forgetLock: string;
} {
  return {
    messages: join(dataDir, "logs", "messages.jsonl"),
    events: join(dataDir, "logs", "events.jsonl"),
    subjects: join(dataDir, "subjects.json"),
    userProfiles: join(dataDir, "profiles", "users"),
    channelProfiles: join(dataDir, "profiles", "channels"),
    enrichment: join(dataDir, "enrichment"),
    index: join(dataDir, "index.sqlite"),
    profileState: join(dataDir, "profiles.sqlite"),
    privacy: join(dataDir, "privacy.json"),
    reports: join(dataDir, "reports"),
    forgetLock: join(dataDir, "forget.lock"),
  };
}

/** The two kinds of profile. */
export type ProfileKind = "user" | "channel";

/**
 * The file name of a profile: `<name>.json` for a valid login, otherwise `~<sha256>.json`
 * (`~` never occurs in a login, so the two cannot collide). Whatever the name, the result is a
 * plain file name that cannot leave its folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { profileFileName } from "./layout.ts";
 * assert.equal(profileFileName("someuser"), "someuser.json");
 * assert.ok(!profileFileName("../etc/passwd").includes("/"));
 * ```
 */
export function profileFileName(name: string): string {
  if (LOGIN_RE.test(name)) return `${name}.json`;
  return `~${sha256Hex(name).slice(0, 40)}.json`;
}

/** The folder of one kind of profile in a data dir. */
export function profileDir(dataDir: string, kind: ProfileKind): string {
  const l = layout(dataDir);
  return kind === "user" ? l.userProfiles : l.channelProfiles;
}

/** The path of one profile file. */
export function profilePath(dataDir: string, kind: ProfileKind, name: string): string {
  return join(profileDir(dataDir, kind), profileFileName(name));
}
