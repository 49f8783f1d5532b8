/**
 * Subject reports: one readable document per subject (`data/reports/<key>.md|html|json`)
 * gathering what the tool knows and what each fact rests on:
 *
 * - the normalized subject (from `subjects.json`);
 * - each provider's enrichment (from `enrichment/<key>.json`), with its status and run time;
 *   everything but `chat_presence` is an unverified lead (fixture data, number ranges);
 * - chat presence: for a username, from its user profile (`profiles/users/<user>.json`), or from
 *   a scan of the log when no profile exists yet; for an email or phone, where its value was
 *   seen in chat text (its watchlist hits);
 * - watchlist hits with their messages (recorded at ingest, before redaction);
 * - relationship signals (inferred by rules, unverified) with their evidence: those the subject
 *   wrote, those naming the subject as the target, and those in messages that hit the subject.
 *
 * Messages of opted-out users and channels are not served. Building ({@link buildReport}) reads
 * through the query layer; rendering (`report_markdown.ts`, `report_html.ts`, `reports.ts`) is
 * pure.
 *
 * @module
 */
import { relative } from "node:path";
import type { Activity, Message, Signal, Subject } from "../schemas.ts";
import { Enrichment } from "../schemas.ts";
import { NotFoundError, StoreError, UsageError } from "../errors.ts";
import { enrichmentPath, SAFE_KEY_RE } from "./subject_files.ts";
import { readSubjects } from "./loading.ts";
import { privacyFilter } from "../query/privacy_filter.ts";
import type { Store } from "../store/store.ts";
import { compareHitRows, type HitRow, hitRowsOf, messagesAbout } from "../query/hits.ts";
import { builtinProviders } from "./providers/registry.ts";
import { readJsonFile } from "../store/json_file.ts";
import { layout, profilePath } from "../store/layout.ts";

/** One provider's part of a report. */
export interface ProviderSection {
  name: string;
  status: "ok" | "error" | "skipped";
  ran_at: string;
  data: Record<string, unknown> | null;
  error: string | null;
  /** `observed`: read from collected chat; `inferred`: a lead, not verified. */
  kind: "observed" | "inferred";
  rests_on: string;
}

/** Messages of the subject in one channel. */
export interface ChannelPresence {
  channel: string;
  messages: number;
}

/** Where the subject was seen in chat. */
export interface PresenceSection {
  rests_on: string;
  seen: boolean;
  /** Messages written by (username) or holding the value of (email, phone) the subject. */
  message_count: number;
  channels: ChannelPresence[];
  first_seen: string | null;
  last_seen: string | null;
  /** UTC activity histograms (username subjects). */
  activity: Activity | null;
  top_keywords: string[];
  display_name: string | null;
  user_id: string | null;
}

/** A relationship signal with its message. */
export interface SignalItem {
  /** How it relates to the subject. */
  relation: "written by subject" | "names subject as target" | "in a message that hit";
  ts: string;
  channel: string;
  message_id: string;
  user_name: string;
  type: Signal["type"];
  target: string | null;
  confidence: number;
  rule: string;
  snippet: string;
}

/** A whole report. */
export interface SubjectReport {
  report_version: 1;
  generated_at: string;
  subject: Subject;
  /** The subject (or, for a username, that user) is on the opt-out list. */
  opted_out: boolean;
  enrichment: { file: string | null; providers: ProviderSection[] };
  presence: PresenceSection;
  hits: {
    rests_on: string;
    total: number;
    by_how: { author: number; mention: number; text: number };
    /** Newest first, at most `hitsLimit` of them. */
    items: HitRow[];
  };
  signals: { rests_on: string; items: SignalItem[] };
  caveats: string[];
}

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** @default Date.now */
  now?: () => number;
  /** Hits listed in full (all are counted). @default 50 */
  hitsLimit?: number;
  /** Signals listed. @default 50 */
  signalsLimit?: number;
}

const EMPTY_BY_HOUR = (): number[] => new Array<number>(24).fill(0);

/**
 * Builds the report of the subject `key` from the data dir. Throws UsageError for a malformed
 * key and NotFoundError for one that is not loaded.
 */
export async function buildReport(
  store: Store,
  key: string,
  options: BuildReportOptions = {},
): Promise<SubjectReport> {
  if (!SAFE_KEY_RE.test(key)) throw new UsageError(`not a subject key: ${JSON.stringify(key)}`);
  const dataDir = store.dataDir;
  const subjects = await readSubjects(dataDir);
  const subject = subjects.find((s) => s.key === key);
  if (!subject) {
    throw new NotFoundError(
      `no subject with key "${key}" in ${layout(dataDir).subjects} (see: subjects hits)`,
    );
  }
  const now = options.now ?? Date.now;
  const hitsLimit = options.hitsLimit ?? 50;
  const signalsLimit = options.signalsLimit ?? 50;
  const privacy = await privacyFilter(store);
  // No channel is named "": this asks about the user alone.
  const optedOut = subject.type === "username" && !privacy.allows(subject.value, "");

  // Enrichment.
  const providersInfo = new Map(builtinProviders().map((p) => [p.name, p]));
  const ePath = enrichmentPath(dataDir, key);
  const eJson = await readJsonFile(ePath);
  const providers: ProviderSection[] = [];
  let eFile: string | null = null;
  if (eJson !== undefined) {
    const parsed = Enrichment.safeParse(eJson);
    if (!parsed.success) {
      throw new StoreError(`${ePath}: not an enrichment file (${parsed.error.issues[0]?.message})`);
    }
    eFile = `enrichment/${key}.json`;
    for (const name of Object.keys(parsed.data.providers).sort()) {
      const r = parsed.data.providers[name]!;
      const info = providersInfo.get(name);
      const observed = name === "chat_presence";
      providers.push({
        name,
        status: r.status,
        ran_at: r.ran_at,
        data: r.data,
        error: r.error,
        kind: observed ? "observed" : "inferred",
        rests_on: `provider ${name}${info ? ` (${info.description})` : ""}, run at ${r.ran_at}` +
          (info?.needsNetwork ? "; may have used the network" : "; offline data"),
      });
    }
  }

  // One scan of the log: hits, the subject's own messages (usernames), signals.
  const hitRows: HitRow[] = [];
  const own: Message[] = [];
  const signals: SignalItem[] = [];
  const about = subject.type === "username"
    ? { subjectKey: key, user: subject.value }
    : { subjectKey: key };
  if (!optedOut) {
    for await (const m of messagesAbout(store, about, { privacy })) {
      const rows = hitRowsOf(m, { subject: key });
      hitRows.push(...rows);
      const wrote = subject.type === "username" && m.user_name === subject.value;
      if (wrote) own.push(m);
      for (const s of m.signals ?? []) {
        const relation: SignalItem["relation"] | null = wrote
          ? "written by subject"
          : subject.type === "username" && s.target === subject.value
          ? "names subject as target"
          : rows.length
          ? "in a message that hit"
          : null;
        if (relation === null) continue;
        signals.push({
          relation,
          ts: m.ts,
          channel: m.channel,
          message_id: m.message_id,
          user_name: m.user_name,
          type: s.type,
          target: s.target,
          confidence: s.confidence,
          rule: s.rule,
          snippet: s.snippet,
        });
      }
    }
  }
  hitRows.sort(compareHitRows);
  signals.sort((a, b) =>
    a.ts !== b.ts ? (a.ts < b.ts ? 1 : -1) : a.message_id < b.message_id ? -1 : 1
  );

  // Presence.
  let presence: PresenceSection;
  const profileRel = relative(dataDir, profilePath(dataDir, "user", subject.value));
  const p = subject.type === "username" && !optedOut
    ? await store.userProfile(subject.value)
    : null;
  if (p !== null) {
    const channels = p.channels_participated
      .filter((c) => privacy.allows(null, c))
      .map((c) => ({ channel: c, messages: p.per_channel[c] ?? 0 }))
      .sort((a, b) => b.messages - a.messages || (a.channel < b.channel ? -1 : 1));
    presence = {
      rests_on:
        `user profile ${profileRel}, derived from logs/messages.jsonl (what the monitor collected)`,
      seen: true,
      message_count: channels.reduce((s, c) => s + c.messages, 0),
      channels,
      first_seen: p.first_seen,
      last_seen: p.last_seen,
      activity: p.activity,
      top_keywords: p.top_keywords,
      display_name: p.display_name,
      user_id: p.user_id,
    };
  } else if (subject.type === "username") {
    presence = presenceFromMessages(
      own,
      optedOut
        ? "nothing served: this user is on the opt-out list"
        : "a scan of logs/messages.jsonl (no user profile yet: run profiles rebuild)",
      true,
    );
  } else {
    const seen = new Map<string, Message>();
    for (const r of hitRows) {
      if (!seen.has(r.message_id)) {
        seen.set(r.message_id, {
          ts: r.ts,
          channel: r.channel,
          message_id: r.message_id,
          user_id: null,
          user_name: r.user_name,
          text: r.text,
          mentions: [],
          urls: [],
          emotes: [],
          source: "fixture",
        });
      }
    }
    presence = presenceFromMessages(
      [...seen.values()],
      `messages whose text held this ${subject.type} (watchlist hits in logs/messages.jsonl)`,
      false,
    );
  }

  const byHow = { author: 0, mention: 0, text: 0 };
  for (const r of hitRows) byHow[r.how]++;

  const caveats = [
    "Facts marked inferred (provider results other than chat presence, relationship signals) are unverified leads: confirm them before relying on them.",
    "Chat presence covers only the channels and times this monitor collected; absence here is not absence from Twitch.",
    "Watchlist hits were recorded when each message was ingested; values of other people's personal data are redacted in stored text.",
  ];
  if (optedOut) caveats.unshift("This user is on the opt-out list: no chat data is served.");
  if (eFile === null) caveats.push("No enrichment file: run subjects enrich.");

  return {
    report_version: 1,
    generated_at: new Date(now()).toISOString(),
    subject,
    opted_out: optedOut,
    enrichment: { file: eFile, providers },
    presence,
    hits: {
      rests_on: "the `hits` recorded on each message at ingest, in logs/messages.jsonl",
      total: hitRows.length,
      by_how: byHow,
      items: hitRows.slice(0, hitsLimit),
    },
    signals: {
      rests_on:
        "rule-based relationship signals detected at ingest (src/analysis/signals.ts): inferred, unverified",
      items: signals.slice(0, signalsLimit),
    },
    caveats,
  };
}

/** Presence computed from a list of messages (pure). */
export function presenceFromMessages(
  messages: readonly Message[],
  restsOn: string,
  withActivity: boolean,
): PresenceSection {
  const per = new Map<string, number>();
  let first: string | null = null;
  let last: string | null = null;
  const byHour = EMPTY_BY_HOUR();
  const byDay: Record<string, number> = {};
  let displayName: string | null = null;
  let userId: string | null = null;
  for (const m of messages) {
    per.set(m.channel, (per.get(m.channel) ?? 0) + 1);
    if (first === null || m.ts < first) first = m.ts;
    if (last === null || m.ts >= last) {
      last = m.ts;
      displayName = m.display_name ?? displayName;
      userId = m.user_id ?? userId;
    }
    const hour = Number(m.ts.slice(11, 13));
    byHour[hour] = (byHour[hour] ?? 0) + 1;
    const day = m.ts.slice(0, 10);
    byDay[day] = (byDay[day] ?? 0) + 1;
  }
  const channels = [...per].map(([channel, n]) => ({ channel, messages: n }))
    .sort((a, b) => b.messages - a.messages || (a.channel < b.channel ? -1 : 1));
  return {
    rests_on: restsOn,
    seen: messages.length > 0,
    message_count: messages.length,
    channels,
    first_seen: first,
    last_seen: last,
    activity: withActivity && messages.length ? { by_hour: byHour, by_day: byDay } : null,
    top_keywords: [],
    display_name: displayName,
    user_id: userId,
  };
}
