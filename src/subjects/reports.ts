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
 * files; rendering ({@link renderMarkdown}, {@link renderHtml}, {@link renderJson}) is pure.
 *
 * @module
 */
import { join, relative } from "node:path";
import type { Activity, Message, Signal, Subject } from "../schemas.ts";
import { Enrichment } from "../schemas.ts";
import {
  errorMessage,
  NetworkError,
  NotFoundError,
  StoreError,
  UsageError,
  wrapError,
} from "../errors.ts";
import { enrichmentPath, type ReportFormat, reportPath, SAFE_KEY_RE } from "./subject_files.ts";
import { readSubjects } from "./loading.ts";
import { privacyFilter } from "../query/privacy_filter.ts";
import type { Store } from "../store/store.ts";
import { compareHitRows, type HitRow, hitRowsOf, messagesAbout } from "../query/hits.ts";
import { builtinProviders } from "./providers/registry.ts";
import type { Provider, ProviderContext } from "./providers/provider.ts";
import { writeFileAtomic } from "../store/atomic.ts";
import { readJsonFile } from "../store/json_file.ts";
import { layout, profilePath } from "../store/layout.ts";

export { REPORT_FORMATS, type ReportFormat, reportPath } from "./subject_files.ts";

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
      const info = providersInfo.get(name);
      const observed = name === "chat_presence";
      // What chat shows changes with every message stored: never shown from an earlier run.
      const r = observed && info
        ? await observeNow(info, subject, store, now, optedOut)
        : parsed.data.providers[name]!;
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

/**
 * Runs an observed provider (one that reads the collected chat, such as `chat_presence`) at
 * report time, offline, so that the report never shows presence from before the latest
 * messages: the enrichment file keeps what the last `subjects enrich` saw, the report says what
 * is true now. An opted-out user gets nothing.
 */
async function observeNow(
  provider: Provider,
  subject: Subject,
  store: Store,
  now: () => number,
  optedOut: boolean,
): Promise<
  {
    status: "ok" | "error" | "skipped";
    data: Record<string, unknown> | null;
    error: string | null;
    ran_at: string;
  }
> {
  const ran_at = new Date(now()).toISOString();
  if (optedOut) {
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

/** The report as pretty JSON. */
export function renderJson(r: SubjectReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

/** Escapes text for Markdown table cells and inline text (pipes, backticks, newlines). */
function mdText(s: string): string {
  // Underscores inside words never emphasize (CommonMark), so logins stay readable.
  return s.replace(/[\\`*[\]<>|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, " ");
}

/** A data value shown compactly: scalars as they are, objects as one-line JSON. */
function compact(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (depth > 1) return JSON.stringify(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => compact(x, depth + 1)).join(", ") : "none";
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return "none";
  if (depth === 0) return entries.map(([k, x]) => `${k}: ${compact(x, depth + 1)}`).join("; ");
  return `(${entries.map(([k, x]) => `${k} ${compact(x, depth + 1)}`).join(", ")})`;
}

function hourSummary(a: Activity): string {
  const total = a.by_hour.reduce((s, n) => s + n, 0);
  if (total === 0) return "no activity";
  const top = a.by_hour.map((n, h) => ({ h, n })).filter((x) => x.n > 0)
    .sort((x, y) => y.n - x.n || x.h - y.h).slice(0, 3)
    .map((x) => `${String(x.h).padStart(2, "0")}:00 UTC (${x.n})`);
  const days = Object.keys(a.by_day).sort();
  return `busiest hours ${top.join(", ")}; active on ${days.length} day(s)` +
    (days.length ? ` from ${days[0]} to ${days.at(-1)}` : "");
}

/** The report as Markdown. */
export function renderMarkdown(r: SubjectReport): string {
  const s = r.subject;
  const L: string[] = [];
  L.push(`# Subject report: ${mdText(s.value)} (${s.type})`, "");
  L.push(`Generated ${r.generated_at} by twitch-osint.`, "");
  L.push("> " + r.caveats.map(mdText).join("\n> "), "");
  L.push("## Subject", "");
  L.push(`- Key: \`${s.key}\``);
  L.push(`- Type: ${s.type}`);
  L.push(`- Normalized value: ${mdText(s.value)}`);
  if (s.raw !== undefined) L.push(`- As loaded: ${mdText(s.raw)}`);
  L.push("- Rests on: subjects.json (loaded from the analyst's CSV)");
  if (r.opted_out) L.push("- On the opt-out list: yes");
  L.push("");

  L.push("## Enrichment", "");
  if (r.enrichment.providers.length === 0) {
    L.push("No enrichment recorded.", "");
  }
  for (const p of r.enrichment.providers) {
    L.push(
      `### ${p.name}: ${p.status}${
        p.kind === "inferred" ? " (inferred, unverified)" : " (observed)"
      }`,
      "",
    );
    L.push(`Rests on: ${mdText(p.rests_on)}; file ${r.enrichment.file ?? "—"}.`, "");
    if (p.error !== null) L.push(`Error: ${mdText(p.error)}`, "");
    if (p.status === "skipped") {
      L.push(`Skipped: ${mdText(compact(p.data?.reason ?? "not applicable"))}.`, "");
    } else if (p.data && Object.keys(p.data).length) {
      L.push("| field | value |", "| --- | --- |");
      for (const [k, v] of Object.entries(p.data)) {
        L.push(`| ${mdText(k)} | ${mdText(compact(v))} |`);
      }
      L.push("");
    }
  }

  const pr = r.presence;
  L.push("## Chat presence", "");
  L.push(`Rests on: ${mdText(pr.rests_on)}.`, "");
  if (!pr.seen) {
    L.push("Not seen in the collected chat.", "");
  } else {
    L.push(`- Messages: ${pr.message_count}`);
    L.push(`- First seen: ${pr.first_seen ?? "—"}`);
    L.push(`- Last seen: ${pr.last_seen ?? "—"}`);
    if (pr.display_name) L.push(`- Display name: ${mdText(pr.display_name)}`);
    if (pr.user_id) L.push(`- Twitch user id: ${mdText(pr.user_id)}`);
    if (pr.activity) L.push(`- Activity: ${hourSummary(pr.activity)}`);
    if (pr.top_keywords.length) L.push(`- Top keywords: ${pr.top_keywords.map(mdText).join(", ")}`);
    L.push("", "| channel | messages |", "| --- | --- |");
    for (const c of pr.channels) L.push(`| ${mdText(c.channel)} | ${c.messages} |`);
    L.push("");
  }

  L.push("## Watchlist hits", "");
  L.push(`Rests on: ${mdText(r.hits.rests_on)}.`, "");
  const b = r.hits.by_how;
  L.push(
    `${r.hits.total} hit(s): ${b.author} as author, ${b.mention} as @mention, ${b.text} in text` +
      (r.hits.total > r.hits.items.length ? ` (newest ${r.hits.items.length} listed)` : "") + ".",
    "",
  );
  if (r.hits.items.length) {
    L.push("| time (UTC) | channel | how | user | message |", "| --- | --- | --- | --- | --- |");
    for (const h of r.hits.items) {
      L.push(
        `| ${h.ts} | ${mdText(h.channel)} | ${h.how} | ${mdText(h.user_name)} | ${
          mdText(h.text)
        } |`,
      );
    }
    L.push("");
  }

  L.push("## Relationship signals (inferred, unverified)", "");
  L.push(`Rests on: ${mdText(r.signals.rests_on)}.`, "");
  if (r.signals.items.length === 0) L.push("None found.", "");
  else {
    L.push(
      "| time (UTC) | channel | user | relation | type | target | confidence | evidence |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const x of r.signals.items) {
      L.push(
        `| ${x.ts} | ${mdText(x.channel)} | ${mdText(x.user_name)} | ${x.relation} | ${x.type} | ${
          mdText(x.target ?? "—")
        } | ${x.confidence.toFixed(2)} | ${mdText(x.snippet)} (rule ${mdText(x.rule)}, message ${
          mdText(x.message_id)
        }) |`,
      );
    }
    L.push("");
  }
  return L.join("\n");
}

/**
 * Renders a report as HTML. The HTML renderer is the workspace page's own
 * (`renderReportHtml` in `src/web/render/report.ts`), a view: the views that write reports
 * (the CLI handlers) hand it in, so this module stays below them.
 */
export type HtmlRenderer = (r: SubjectReport) => string;

/** Renders a report in a format (`html` needs the page's renderer, see {@link HtmlRenderer}). */
export function renderReport(r: SubjectReport, format: ReportFormat, html?: HtmlRenderer): string {
  if (format === "html") {
    if (html === undefined) throw new UsageError("an HTML report needs the page's renderer");
    return html(r);
  }
  return format === "md" ? renderMarkdown(r) : renderJson(r);
}

/** Builds and writes one report; returns its path. */
export async function writeReport(
  store: Store,
  key: string,
  format: ReportFormat,
  options: BuildReportOptions & { out?: string; html?: HtmlRenderer } = {},
): Promise<string> {
  const r = await buildReport(store, key, options);
  const path = options.out ?? reportPath(store.dataDir, key, format);
  await writeFileAtomic(path, renderReport(r, format, options.html));
  return path;
}

/**
 * Regenerates the report files present in `data/reports` for the given subjects and deletes
 * those of subjects no longer loaded (after forget or retention). Returns the paths written.
 */
export async function regenerateReports(
  store: Store,
  subjects: readonly Subject[],
  options: BuildReportOptions & { html?: HtmlRenderer } = {},
): Promise<string[]> {
  const dir = layout(store.dataDir).reports;
  const keys = new Set(subjects.map((s) => s.key));
  const written: string[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) entries.push(e);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return written;
    throw wrapError(e, `read ${dir}`);
  }
  entries = entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  // One build per subject, whatever the number of formats on disk (each build scans the log).
  const built = new Map<string, SubjectReport>();
  for (const e of entries) {
    if (!e.isFile) continue;
    const m = /^(.+)\.(md|html|json)$/.exec(e.name);
    if (!m) continue;
    const key = m[1]!;
    const format = m[2] as ReportFormat;
    const path = join(dir, e.name);
    if (!keys.has(key)) {
      await Deno.remove(path).catch(() => {});
      continue;
    }
    let r = built.get(key);
    if (r === undefined) built.set(key, r = await buildReport(store, key, options));
    await writeFileAtomic(path, renderReport(r, format, options.html));
    written.push(path);
  }
  return written;
}
