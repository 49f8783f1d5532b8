/**
 * Where things live in a data dir, and the two logs opened on it.
 *
 * ```
 * data/
 *   subjects.json
 *   logs/messages.jsonl        canonical, append-only (plus .lock, and .corrupt after repairs)
 *   logs/events.jsonl          moderation and notice events
 *   profiles/users/<user>.json
 *   profiles/channels/<channel>.json
 *   enrichment/<subject_key>.json
 *   index.sqlite               derived: the search index (+ .lock: the derived writer's lock)
 *   profiles.sqlite            derived: rollup state behind the profile files
 * ```
 *
 * @module
 */
import { join } from "node:path";
import type { ChatEvent, Message } from "../schemas.ts";
import { JsonlLog } from "./log.ts";

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
  };
}

/** The message log of a data dir. */
export function messageLog(dataDir: string): JsonlLog<Message> {
  return new JsonlLog<Message>(layout(dataDir).messages, {
    idKey: "message_id",
    idOf: (m) => m.message_id,
    serialize: (m) => JSON.stringify(m),
  });
}

/** The event log of a data dir. */
export function eventLog(dataDir: string): JsonlLog<ChatEvent> {
  return new JsonlLog<ChatEvent>(layout(dataDir).events, {
    idKey: "event_id",
    idOf: (e) => e.event_id,
    serialize: (e) => JSON.stringify(e),
  });
}
