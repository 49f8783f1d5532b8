/**
 * The JSON API's contract: the zod schemas of its parameters and answers. Records reuse the
 * on-disk schemas of `src/schemas.ts` (a route answers with what the files and the CLI hold);
 * the OpenAPI document (`GET /openapi.json`) is generated from these.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { ChatEvent, Hit, Message, Subject } from "../schemas.ts";

/** Every error answer: one line saying what was wrong. */
export const ApiError = z.object({ error: z.string() });

/** A message as search shows it. */
export const ShownMessage = Message.extend({ deleted_at: z.string().optional() });

/**
 * The filters of `search messages`, as query parameters (same names, same rules).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SearchParams } from "./api_schemas.ts";
 * const query = new URLSearchParams("by=user&value=ann&since=2h&limit=5");
 * assert.deepEqual(SearchParams.parse(Object.fromEntries(query)), {
 *   by: "user",
 *   value: "ann",
 *   since: "2h",
 *   limit: "5",
 * });
 * // Query parameters are text: the route reads the numbers itself, with its own message.
 * assert.equal(SearchParams.safeParse({ limit: 5 }).success, false);
 * ```
 */
export const SearchParams = z.object({
  by: z.string().optional().describe('"user" or "channel": what `value` names'),
  value: z.string().optional().describe("the user or channel (a login; @, # and case ignored)"),
  since: z.string().optional().describe(
    "from this time, inclusive: ISO 8601, a date, epoch ms, or 30m/2h/7d",
  ),
  until: z.string().optional().describe("before this time, exclusive (same forms)"),
  contains: z.string().optional().describe("case-insensitive words that must all appear"),
  limit: z.string().optional().describe("results per page (default 20)"),
  offset: z.string().optional().describe("results to skip (paging; default 0)"),
  q: z.string().optional().describe(
    "a query of the language, as `search messages -q` (e.g. `from:someuser dating -lol`)",
  ),
});

/** The filters of `search events`. */
export const EventParams = SearchParams.extend({
  q: z.string().optional().describe(
    "a query of the language, as `search events -q` (e.g. `raid from:fan88 after:7d`)",
  ),
  kind: z.string().optional().describe("usernotice, clearmsg or clearchat"),
});

/** A page of a profile list. */
export const ProfileListParams = z.object({
  sort: z.string().optional().describe(
    "name, messages, related, first_seen or last_seen (default messages)",
  ),
  order: z.string().optional().describe("asc or desc (default: desc, asc for name)"),
  limit: z.string().optional().describe("per page (default 50, at most 1000)"),
  offset: z.string().optional().describe("skipped (default 0)"),
});

/** One profile in a list. */
export const ProfileSummary = z.object({
  name: z.string(),
  message_count: z.number().int(),
  related: z.number().int().describe("users: channels participated in; channels: distinct users"),
  first_seen: z.string(),
  last_seen: z.string(),
  display_name: z.string().nullable(),
});

/** A name in a path. */
export const NameParam = z.object({ name: z.string().describe("a login") });

/** A subject in a path. */
export const SubjectParam = z.object({
  key: z.string().describe("the subject key (username_someuser) or its value (someuser)"),
});

/** One loaded subject in the list. */
export const SubjectSummary = z.object({
  key: z.string(),
  type: Subject.shape.type,
  value: z.string(),
  hits: z.number().int(),
  providers: z.record(z.string(), z.enum(["ok", "error", "skipped"])),
});

/** One watchlist hit with its message (`subjects hits --format json`). */
export const HitRow = z.object({
  subject_key: z.string(),
  how: Hit.shape.how,
  ts: z.string(),
  channel: z.string(),
  message_id: z.string(),
  user_name: z.string(),
  text: z.string(),
});

/** The filters of `subjects hits`. */
export const HitParams = z.object({
  subject: z.string().optional().describe("a subject key or value"),
  since: z.string().optional().describe("from this time on"),
  limit: z.string().optional().describe("at most this many (default 50)"),
});

/** A subject report (`subjects report KEY --format json`); its parts are described there. */
export const SubjectReport = z.object({
  report_version: z.literal(1),
  generated_at: z.string(),
  subject: Subject,
  opted_out: z.boolean(),
  enrichment: z.object({ file: z.string().nullable(), providers: z.array(z.looseObject({})) }),
  presence: z.looseObject({}),
  hits: z.looseObject({ total: z.number().int(), items: z.array(HitRow) }),
  signals: z.looseObject({ items: z.array(z.looseObject({})) }),
  caveats: z.array(z.string()),
});

/** The opt-out list. */
export const OptOut = z.object({ users: z.array(z.string()), channels: z.array(z.string()) });

/** A change to the opt-out list. */
export const OptOutChange = z.object({
  users: z.array(z.string()).optional(),
  channels: z.array(z.string()).optional(),
});

/** The answer to a change of the opt-out list. */
export const OptOutResult = OptOut.extend({ changed: z.array(z.string()) });

/** A live stream item (the `data` of a server-sent event named by its `type`). */
export const LiveEvent = z.union([ShownMessage, HitRow]);

export { ChatEvent };

/** Whose timeline or contacts, and over which time. */
export const PersonParams = z.object({
  user: z.string().describe("any login the person used, or their user id (123, id:123)"),
  since: z.string().optional().describe("from this time, inclusive (as `search`)"),
  until: z.string().optional().describe("before this time, exclusive"),
  limit: z.string().optional().describe("only the latest N entries, or the N closest contacts"),
});

/** The parameters of `GET /timeline`. */
export const TimelineParams = PersonParams.extend({
  context: z.string().optional().describe(
    "also the N messages before and after each of theirs in that channel (default 0)",
  ),
});

/** One login of a person, over the time they used it. */
export const LoginSpan = z.object({
  person: z.string(),
  login: z.string(),
  first_seen: z.string(),
  last_seen: z.string(),
  count: z.number().int(),
  last_mid: z.string().optional(),
});

/** A person resolved from what was typed. */
export const Person = z.object({
  key: z.string().describe("#<user_id>, or the login of a person seen without an id"),
  user_id: z.string().nullable(),
  login: z.string().describe("the login they used last"),
  logins: z.array(LoginSpan),
  keys: z.array(z.string()),
});

/** One thing that happened to or by a person. */
export const TimelineEntry = z.object({
  ts: z.string(),
  kind: z.enum([
    "message",
    "context",
    "rename",
    "timeout",
    "ban",
    "deleted",
    "notice",
    "hit",
    "signal",
  ]),
  channel: z.string().nullable(),
  user_name: z.string().nullable(),
  message_id: z.string().nullable(),
  text: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
  deleted_at: z.string().optional().describe("when a moderator deleted the message"),
  message: ShownMessage.optional(),
});

/** A person's timeline (`timeline --format json`). */
export const Timeline = z.object({ person: Person, entries: z.array(TimelineEntry) });

/** Someone a person addressed or was addressed by. */
export const Contact = z.object({
  person: z.string(),
  login: z.string(),
  to: z.number().int().describe("messages in which the person addressed the contact"),
  from: z.number().int().describe("messages in which the contact addressed the person"),
  weight: z.number().int(),
  first_seen: z.string(),
  last_seen: z.string(),
  channels: z.array(z.string()),
});

/** A person's closest contacts (`graph neighbors --format json`). */
export const Neighbors = z.object({
  person: Person,
  opted_out: z.boolean(),
  contacts: z.array(Contact),
});
