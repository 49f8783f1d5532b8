/**
 * The on-disk contract of twitch-osint, as zod schemas. Each schema and its inferred type share
 * one name. `deno task schemas` writes their JSON Schemas to `docs/schemas/`, and a test fails
 * when those files drift from this module.
 *
 * Key order in these objects is the order fields are written to disk: writers build records in
 * this order so that the same input always produces the same bytes.
 *
 * @module
 */
import { z } from "zod";

/** UTC ISO 8601 with milliseconds, e.g. `2025-09-02T12:34:56.000Z`; sorts as a string. */
export const Timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, {
  message: "expected a UTC timestamp like 2025-09-02T12:34:56.000Z",
});
export type Timestamp = z.infer<typeof Timestamp>;

/** A normalized Twitch login (user or channel): lowercase, 1-25 of [a-z0-9_]. */
export const Login = z.string().regex(/^[a-z0-9_]{1,25}$/, {
  message: "expected a Twitch login (1-25 of a-z, 0-9, _)",
});
export type Login = z.infer<typeof Login>;

/** The kinds of subject an analyst can load. */
export const SubjectType = z.enum(["email", "username", "phone"]);
export type SubjectType = z.infer<typeof SubjectType>;

/** One subject from `subjects.csv`, normalized. `key` names its files (see `subjectKey`). */
export const Subject = z.object({
  key: z.string().min(1),
  type: SubjectType,
  value: z.string().min(1),
  /** The value as written in the CSV, when it differs from `value`. */
  raw: z.string().optional(),
});
export type Subject = z.infer<typeof Subject>;

/** `data/subjects.json`. */
export const SubjectsFile = z.object({
  version: z.literal(1),
  subjects: z.array(Subject),
});
export type SubjectsFile = z.infer<typeof SubjectsFile>;

/** A soft fact detected in one message (see `src/analysis/signals.ts`). */
export const Signal = z.object({
  kind: z.literal("relationship"),
  /** `question`: chat asks; `claim`: chat asserts. */
  type: z.enum(["question", "claim"]),
  /** The person named as the streamer's partner, lowercased; null when none is named. */
  target: z.string().nullable(),
  /** The words around the match, at most about 80 characters. */
  snippet: z.string(),
  confidence: z.number().min(0).max(1),
  /** The rule that fired, for `signals explain`. */
  rule: z.string(),
});
export type Signal = z.infer<typeof Signal>;

/** A loaded subject seen in a message (see `src/analysis/hits.ts`). */
export const Hit = z.object({
  subject_key: z.string(),
  /** `author`: the subject wrote it; `mention`: @-mentioned; `text`: its value is in the text. */
  how: z.enum(["author", "mention", "text"]),
});
export type Hit = z.infer<typeof Hit>;

/** Where a message came from; an import names the format it read (`import:twitchdownloader`). */
export const Source = z.enum([
  "fixture",
  "twitch-irc",
  "import",
  "import:twitchdownloader",
  "import:chat-downloader",
  "import:justlog",
  "import:irc",
  "import:chatterino",
]);
export type Source = z.infer<typeof Source>;

/**
 * One chat message as stored in `data/logs/messages.jsonl` (one JSON object per line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Message } from "./schemas.ts";
 * const line = {
 *   ts: "2025-09-02T12:34:56.000Z",
 *   channel: "example_channel",
 *   message_id: "m1",
 *   user_id: null,
 *   user_name: "ann",
 *   text: "hi @bob",
 *   mentions: ["bob"],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 * };
 * assert.deepEqual(Message.parse(line), line);
 * const bad = Message.safeParse({ ...line, channel: "Example" });
 * assert.ok(!bad.success);
 * assert.deepEqual(bad.error.issues[0]?.path, ["channel"]);
 * ```
 */
export const Message = z.object({
  ts: Timestamp,
  channel: Login,
  /** Twitch's `id` tag when known, else a hash of (channel, ts, user_name, text). */
  message_id: z.string().min(1).max(128),
  user_id: z.string().nullable(),
  user_name: Login,
  text: z.string(),
  /** `@name` mentions: lowercased, valid logins only, in order of appearance, no repeats. */
  mentions: z.array(z.string()),
  /** http(s) and bare `www.` URLs, without trailing punctuation, in order. */
  urls: z.array(z.string()),
  /** Emote names, one entry per occurrence, in order. */
  emotes: z.array(z.string()),
  source: Source,
  display_name: z.string().optional(),
  /** A `/me` action (the `\x01ACTION` wrapper removed from `text`). */
  action: z.literal(true).optional(),
  /** The message this one replies to, and its author (Twitch's `reply-parent-*` tags). */
  reply_to: z.object({
    message_id: z.string(),
    user_name: z.string(),
    /** The author's Twitch user id (`reply-parent-user-id`), when known. */
    user_id: z.string().optional(),
  }).optional(),
  bits: z.number().int().nonnegative().optional(),
  badges: z.array(z.string()).optional(),
  /** Twitch's `first-msg` flag: the user's first message in this channel. */
  first_msg: z.literal(true).optional(),
  /** Kinds of personal data replaced by `[redacted:KIND]` markers before storing. */
  redacted: z.array(z.enum(["email", "phone"])).optional(),
  signals: z.array(Signal).optional(),
  hits: z.array(Hit).optional(),
});
export type Message = z.infer<typeof Message>;

/** A moderation or notice event, stored in `data/logs/events.jsonl`. */
export const ChatEvent = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("usernotice"),
    ts: Timestamp,
    channel: Login,
    event_id: z.string(),
    /** Twitch's `msg-id`: sub, resub, raid, subgift, announcement, ... */
    notice: z.string(),
    user_name: z.string().nullable(),
    user_id: z.string().nullable(),
    text: z.string(),
    system_text: z.string(),
    params: z.record(z.string(), z.string()),
    source: Source,
  }),
  z.object({
    kind: z.literal("clearmsg"),
    ts: Timestamp,
    channel: Login,
    event_id: z.string(),
    /** The deleted message. */
    target_message_id: z.string(),
    /** The author of the deleted message. */
    user_name: z.string().nullable(),
    text: z.string(),
    source: Source,
  }),
  z.object({
    kind: z.literal("clearchat"),
    ts: Timestamp,
    channel: Login,
    event_id: z.string(),
    /** null when the whole chat was cleared. */
    user_name: z.string().nullable(),
    user_id: z.string().nullable(),
    /** Seconds of timeout; null for a permanent ban or a clear. */
    duration_seconds: z.number().int().nullable(),
    source: Source,
  }),
]);
export type ChatEvent = z.infer<typeof ChatEvent>;

/** A name with how often it was seen. */
export const Counted = z.object({ name: z.string(), count: z.number().int().nonnegative() });
export type Counted = z.infer<typeof Counted>;

/** Evidence behind a fact: the message and the words that support it. */
export const Evidence = z.object({
  ts: Timestamp,
  channel: Login,
  message_id: z.string(),
  snippet: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

/** Activity histograms: messages per UTC hour of day (24 slots) and per UTC day. */
export const Activity = z.object({
  by_hour: z.array(z.number().int().nonnegative()).length(24),
  by_day: z.record(z.string(), z.number().int().nonnegative()),
});
export type Activity = z.infer<typeof Activity>;

/** One login a person wrote under, with when and how much. */
export const LoginHistoryEntry = z.object({
  login: Login,
  first_seen: Timestamp,
  last_seen: Timestamp,
  message_count: z.number().int().positive(),
});
export type LoginHistoryEntry = z.infer<typeof LoginHistoryEntry>;

/**
 * `data/profiles/users/<current login>.json`: one person (their Twitch user id when known,
 * else their login), all their messages under every login.
 */
export const UserProfile = z.object({
  /** The login they used last. */
  user_name: Login,
  user_id: z.string().nullable(),
  /** The latest display name. */
  display_name: z.string().nullable(),
  /** Every login they wrote under, oldest first. */
  login_history: z.array(LoginHistoryEntry),
  /** Every display name they showed, sorted. */
  display_names: z.array(z.string()),
  channels_participated: z.array(Login),
  per_channel: z.record(z.string(), z.number().int().nonnegative()),
  message_count: z.number().int().nonnegative(),
  first_seen: Timestamp,
  last_seen: Timestamp,
  top_keywords: z.array(z.string()),
  keyword_counts: z.array(Counted),
  top_mentions: z.array(Counted),
  top_emotes: z.array(Counted),
  url_domains: z.array(Counted),
  activity: Activity,
  facts: z.object({
    asked_about_streamer_relationship: z.boolean(),
    suspected_relationship_targets: z.array(z.string()),
    evidence: z.array(Evidence),
  }),
});
export type UserProfile = z.infer<typeof UserProfile>;

/** One suspected partner of a channel's streamer, with the evidence for it. */
export const RelationshipMention = z.object({
  target: z.string(),
  evidence_count: z.number().int().positive(),
  distinct_users: z.number().int().positive(),
  first_seen: Timestamp,
  last_seen: Timestamp,
  examples: z.array(z.string()).max(5),
});
export type RelationshipMention = z.infer<typeof RelationshipMention>;

/** `data/profiles/channels/<channel>.json`. */
export const ChannelProfile = z.object({
  channel: Login,
  unique_users: z.number().int().nonnegative(),
  message_count: z.number().int().nonnegative(),
  first_seen: Timestamp,
  last_seen: Timestamp,
  top_users: z.array(Login),
  user_counts: z.array(Counted),
  top_keywords: z.array(z.string()),
  keyword_counts: z.array(Counted),
  top_mentions: z.array(Counted),
  top_emotes: z.array(Counted),
  url_domains: z.array(Counted),
  activity: Activity,
  streamer_signals: z.object({
    relationship_mentions: z.array(RelationshipMention),
  }),
});
export type ChannelProfile = z.infer<typeof ChannelProfile>;

/** What one provider returned for one subject. */
export const ProviderResult = z.object({
  status: z.enum(["ok", "error", "skipped"]),
  data: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  ran_at: Timestamp,
});
export type ProviderResult = z.infer<typeof ProviderResult>;

/** `data/enrichment/<subject_key>.json`. */
export const Enrichment = z.object({
  subject: Subject,
  providers: z.record(z.string(), ProviderResult),
});
export type Enrichment = z.infer<typeof Enrichment>;

/**
 * A line of a replay fixture (`fixtures/chat/<channel>.jsonl`). Only `ts, channel, user_name,
 * text` are required (the spec's form); the rest mirror what Twitch's tags carry.
 */
export const FixtureLine = z.object({
  ts: z.union([z.string(), z.number()]),
  channel: z.string(),
  user_name: z.string(),
  text: z.string(),
  message_id: z.string().min(1).max(128).optional(),
  user_id: z.union([z.string(), z.number()]).nullable().optional(),
  display_name: z.string().optional(),
  /** Twitch's `emotes` tag form: `25:0-4,6-10/1902:12-16`. */
  emotes: z.string().optional(),
});
export type FixtureLine = z.infer<typeof FixtureLine>;

/** `data/privacy.json`: users and channels that are never stored nor served. */
export const PrivacyFile = z.object({
  version: z.literal(1),
  optout: z.object({
    users: z.array(Login),
    channels: z.array(Login),
  }),
});
export type PrivacyFile = z.infer<typeof PrivacyFile>;

/** Every schema that is part of the on-disk contract, by file name in `docs/schemas/`. */
export const CONTRACT: Readonly<Record<string, z.ZodType>> = {
  "subjects.schema.json": SubjectsFile,
  "message.schema.json": Message,
  "chat_event.schema.json": ChatEvent,
  "user_profile.schema.json": UserProfile,
  "channel_profile.schema.json": ChannelProfile,
  "enrichment.schema.json": Enrichment,
  "fixture_line.schema.json": FixtureLine,
  "privacy.schema.json": PrivacyFile,
};

/** The JSON Schema text of each contract schema, as written to `docs/schemas/`. */
export function contractJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(CONTRACT)) {
    out[file] = JSON.stringify(z.toJSONSchema(schema, { io: "input" }), null, 2) + "\n";
  }
  return out;
}

/**
 * A message as a source knows it, before analysis fills mentions, URLs, signals, hits and
 * redaction. `emotes` is present only when the source knows them exactly (Twitch's `emotes`
 * tag); otherwise the analyzer finds emotes by name.
 */
export type MessageDraft =
  & Omit<Message, "mentions" | "urls" | "emotes" | "signals" | "hits" | "redacted">
  & { emotes?: string[] };
