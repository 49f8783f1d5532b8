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
 * Messages of opted-out users and channels are not served. This module holds the report's
 * shape and its building ({@link buildReport}, which reads through the Store and the query
 * layer); `report_presence.ts` the presence part; rendering is pure and lives beside it
 * (`report_markdown.ts`; HTML is the page's renderer, `src/web/render/report.ts`), and
 * `report_files.ts` writes and regenerates the files.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { openStore } from "../store/store.ts";
 * import { buildReport } from "./reports.ts";
 * const dataDir = await Deno.makeTempDir();
 * const store = await openStore({ dataDir });
 * try {
 *   await rejects(buildReport(store, "../etc"), /not a subject key/);
 * } finally {
 *   await store.close();
 *   await Deno.remove(dataDir, { recursive: true });
 * }
 * ```
 *
 * @module
 */
import { relative } from "node:path";
import type { Message, Signal, Subject } from "../schemas.ts";
import { Enrichment } from "../schemas.ts";
import { errorMessage, NetworkError, NotFoundError, StoreError, UsageError } from "../errors.ts";
import { enrichmentPath, SAFE_KEY_RE } from "./subject_files.ts";
import { readSubjects } from "./subject_list.ts";
import { type PrivacyFilter, privacyFilter } from "../query/privacy_filter.ts";
import type { Store } from "../store/store.ts";
import { compareHitRows, type HitRow, hitRowsOf, messagesAbout } from "../query/hits.ts";
import { builtinProviders } from "./providers/registry.ts";
import type { Provider, ProviderContext } from "./providers/provider.ts";
import { readJsonFile } from "../store/json_file.ts";
import { layout, profilePath } from "../store/layout.ts";
import {
  presenceFromHits,
  presenceFromMessages,
  presenceFromProfile,
  type PresenceSection,
} from "./report_presence.ts";

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

/** What a report is built from: the subject, the store, the privacy rule, the clock. */
interface Building {
  key: string;
  subject: Subject;
  store: Store;
  privacy: PrivacyFilter;
  optedOut: boolean;
  now: () => number;
}

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
  const subjects = await readSubjects(store.dataDir);
  const subject = subjects.find((s) => s.key === key);
  if (!subject) {
    throw new NotFoundError(
      `no subject with key "${key}" in ${layout(store.dataDir).subjects} (see: subjects hits)`,
    );
  }
  const now = options.now ?? Date.now;
  const privacy = await privacyFilter(store);
  // No channel is named "": this asks about the user alone.
  const optedOut = subject.type === "username" && !privacy.allows(subject.value, "");
  const b: Building = { key, subject, store, privacy, optedOut, now };

  const enrichment = await enrichmentSection(b);
  const { hitRows, own, signals } = await scanAbout(b);
  const presence = await presenceSection(b, own, hitRows);
  const byHow = { author: 0, mention: 0, text: 0 };
  for (const r of hitRows) byHow[r.how]++;

  return {
    report_version: 1,
    generated_at: new Date(now()).toISOString(),
    subject,
    opted_out: optedOut,
    enrichment,
    presence,
    hits: {
      rests_on: "the `hits` recorded on each message at ingest, in logs/messages.jsonl",
      total: hitRows.length,
      by_how: byHow,
      items: hitRows.slice(0, options.hitsLimit ?? 50),
    },
    signals: {
      rests_on:
        "rule-based relationship signals detected at ingest (src/analysis/signals.ts): inferred, unverified",
      items: signals.slice(0, options.signalsLimit ?? 50),
    },
    caveats: caveats(optedOut, enrichment.file !== null),
  };
}

/** The caveats every report starts with. */
function caveats(optedOut: boolean, enriched: boolean): string[] {
  const out = [
    "Facts marked inferred (provider results other than chat presence, relationship signals) are unverified leads: confirm them before relying on them.",
    "Chat presence covers only the channels and times this monitor collected; absence here is not absence from Twitch.",
    "Watchlist hits were recorded when each message was ingested; values of other people's personal data are redacted in stored text.",
  ];
  if (optedOut) out.unshift("This user is on the opt-out list: no chat data is served.");
  if (!enriched) out.push("No enrichment file: run subjects enrich.");
  return out;
}

/** Each provider's result from the enrichment file; observed ones are recomputed now. */
async function enrichmentSection(b: Building): Promise<SubjectReport["enrichment"]> {
  const providersInfo = new Map(builtinProviders().map((p) => [p.name, p]));
  const ePath = enrichmentPath(b.store.dataDir, b.key);
  const eJson = await readJsonFile(ePath);
  const providers: ProviderSection[] = [];
  if (eJson === undefined) return { file: null, providers };
  const parsed = Enrichment.safeParse(eJson);
  if (!parsed.success) {
    throw new StoreError(`${ePath}: not an enrichment file (${parsed.error.issues[0]?.message})`);
  }
  for (const name of Object.keys(parsed.data.providers).sort()) {
    const info = providersInfo.get(name);
    const observed = name === "chat_presence";
    // What chat shows changes with every message stored: never shown from an earlier run.
    const r = observed && info ? await observeNow(info, b) : parsed.data.providers[name]!;
    providers.push({
      name,
      status: r.status,
      ran_at: r.ran_at,
      data: r.data,
      error: r.error,
      kind: observed ? "observed" : "inferred",
      rests_on: `provider ${name}${info ? ` (${info.description})` : ""}, ` +
        (observed && info ? `recomputed at report time (${r.ran_at})` : `run at ${r.ran_at}`) +
        (info?.needsNetwork ? "; may have used the network" : "; offline data"),
    });
  }
  return { file: `enrichment/${b.key}.json`, providers };
}

/**
 * One scan of the messages about the subject: its hits (newest first), its own messages
 * (usernames) and the signals that concern it (newest first).
 */
async function scanAbout(
  b: Building,
): Promise<{ hitRows: HitRow[]; own: Message[]; signals: SignalItem[] }> {
  const { subject, key } = b;
  const hitRows: HitRow[] = [];
  const own: Message[] = [];
  const signals: SignalItem[] = [];
  const about = subject.type === "username"
    ? { subjectKey: key, user: subject.value }
    : { subjectKey: key };
  if (!b.optedOut) {
    for await (const m of messagesAbout(b.store, about, { privacy: b.privacy })) {
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
  return { hitRows, own, signals };
}

/** Presence: the user's profile, else their own messages; an email or phone's hits. */
async function presenceSection(
  b: Building,
  own: readonly Message[],
  hitRows: readonly HitRow[],
): Promise<PresenceSection> {
  const { subject, store } = b;
  if (subject.type !== "username") {
    return presenceFromHits(
      hitRows,
      `messages whose text held this ${subject.type} (watchlist hits in logs/messages.jsonl)`,
    );
  }
  const p = b.optedOut ? null : await store.userProfile(subject.value);
  if (p !== null) {
    const profileRel = relative(store.dataDir, profilePath(store.dataDir, "user", subject.value));
    return presenceFromProfile(
      p,
      `user profile ${profileRel}, derived from logs/messages.jsonl (what the monitor collected)`,
      (c) => b.privacy.allows(null, c),
    );
  }
  return presenceFromMessages(
    own,
    b.optedOut
      ? "nothing served: this user is on the opt-out list"
      : "a scan of logs/messages.jsonl (no user profile yet: run profiles rebuild)",
    true,
  );
}

/** What a provider's part of a report holds. */
interface ProviderResult {
  status: "ok" | "error" | "skipped";
  data: Record<string, unknown> | null;
  error: string | null;
  ran_at: string;
}

/**
 * Runs an observed provider (one that reads the collected chat, such as `chat_presence`) at
 * report time, offline, so that the report never shows presence from before the latest
 * messages: the enrichment file keeps what the last `subjects enrich` saw, the report says what
 * is true now. An opted-out user gets nothing.
 */
async function observeNow(provider: Provider, b: Building): Promise<ProviderResult> {
  const { subject, store, now } = b;
  const ran_at = new Date(now()).toISOString();
  if (b.optedOut) {
    return {
      status: "skipped",
      data: { reason: "on the opt-out list: nothing served" },
      error: null,
      ran_at,
    };
  }
  if (!provider.supports.includes(subject.type)) {
    return {
      status: "skipped",
      data: { reason: `not for ${subject.type} subjects` },
      error: null,
      ran_at,
    };
  }
  const ctx: ProviderContext = {
    fixturesDir: "",
    dataDir: store.dataDir,
    readProfile: (kind, name) => store.readProfile(kind, name),
    fetch: () => Promise.reject(new NetworkError("no network while building a report")),
    signal: new AbortController().signal,
    network: false,
    clock: { now, sleep: () => Promise.resolve() },
    env: () => undefined,
    options: {},
  };
  try {
    return { status: "ok", data: await provider.enrich(subject, ctx), error: null, ran_at };
  } catch (e) {
    return { status: "error", data: null, error: errorMessage(e), ran_at };
  }
}
