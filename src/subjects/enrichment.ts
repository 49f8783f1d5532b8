/**
 * The enrichment runner: applies every selected provider that supports a subject's type,
 * concurrently, each under a time limit, and writes one file per subject to
 * `<data dir>/enrichment/<subject_key>.json` (the `Enrichment` schema).
 *
 * - Isolation: a provider that throws, returns something that is not a JSON object, or runs
 *   out of time is recorded as `error` for that (subject, provider) only.
 * - `skipped`: the provider does not support the subject's type, needs the network without
 *   `--network`, or needs a key that is not set; `data.reason` says which.
 * - Idempotence: a provider whose status, data and error did not change keeps its old `ran_at`,
 *   and the file is only rewritten when its bytes would change. Results of providers not run
 *   this time (filtered out with `providers`) are kept from the previous file.
 * - Path safety: the file name is the subject key, which must be a plain file-name-safe token;
 *   any other key is refused (an error in the summary), never joined into a path.
 *
 * @module
 */
import { errorMessage, UsageError } from "../errors.ts";
import { isoFromMs } from "../normalize.ts";
import { enrichmentPath } from "./subject_files.ts";
import { openStore, type Store } from "../store/store.ts";
import { Enrichment, type ProviderResult, type Subject, type SubjectType } from "../schemas.ts";
import { jsonText, writeFileAtomic } from "../store/atomic.ts";
import { normalizeSubjectValue } from "./loading.ts";
import type { Env } from "../config.ts";
import {
  type Clock,
  type Provider,
  type ProviderContext,
  systemClock,
} from "./providers/provider.ts";
import { builtinProviders } from "./providers/registry.ts";

/** Default time limit of one provider call. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** Subjects enriched at the same time (each runs all its providers concurrently). */
export const DEFAULT_CONCURRENCY = 4;

/** Options of {@link enrichSubjects}. */
export interface EnrichOptions {
  dataDir: string;
  fixturesDir: string;
  /** The providers and their options. @default the built-ins, no options */
  registry?: {
    providers: readonly Provider[];
    options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  };
  /** Run only these providers (by name); unknown names are a UsageError. @default all */
  providers?: readonly string[];
  /** Enrich only subjects of this type. @default all */
  type?: SubjectType;
  /** Allow network requests. @default false */
  network?: boolean;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Time limit of one provider call. @default 5000 */
  timeoutMs?: number;
  /** @default the system clock */
  clock?: Clock;
  /**
   * Where providers read profiles from. @default the store of `dataDir` and `databaseUrl`
   * (opened for the run)
   */
  store?: Store;
  /** The PostgreSQL store's URL, when `store` is not given. @default the embedded store */
  databaseUrl?: string;
  /** For providers that need keys. @default nothing set */
  env?: Env;
  /** Aborting stops the run: nothing more is started and unfinished subjects are not written. */
  signal?: AbortSignal;
  /** @default 4 */
  concurrency?: number;
}

/** One failed (subject, provider) pair, or a subject that could not be written (`provider` is `(file)`). */
export interface EnrichError {
  subject_key: string;
  provider: string;
  message: string;
}

/** What a run did. */
export interface EnrichSummary {
  /** Subjects considered (after the type filter). */
  subjects: number;
  /** Files created or changed. */
  written: number;
  /** Files already identical, left untouched. */
  unchanged: number;
  /** Provider results by status, over this run's providers only. */
  counts: { ok: number; error: number; skipped: number };
  errors: EnrichError[];
  /** True when the signal aborted the run before every subject was done. */
  interrupted: boolean;
}

export { enrichmentPath, SAFE_KEY_RE } from "./subject_files.ts";

/** JSON with object keys sorted: equal values give equal strings whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = (v as Record<string, unknown>)[k];
      return out;
    }
    return v;
  });
}

/** Keeps `old.ran_at` when status, data and error are the same: reruns must not churn files. */
export function keepRanAt(next: ProviderResult, old: ProviderResult | undefined): ProviderResult {
  if (
    old && old.status === next.status && old.error === next.error &&
    canonicalJson(old.data) === canonicalJson(next.data)
  ) return { ...next, ran_at: old.ran_at };
  return next;
}

class ProviderTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "ProviderTimeout";
  }
}

/** Runs one provider on one subject; never throws. */
async function runOne(
  p: Provider,
  subject: Subject,
  base: Omit<ProviderContext, "signal" | "options">,
  options: Readonly<Record<string, unknown>>,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<ProviderResult> {
  const ran_at = isoFromMs(base.clock.now());
  const skipped = (reason: string): ProviderResult => ({
    status: "skipped",
    data: { reason },
    error: null,
    ran_at,
  });
  if (!p.supports.includes(subject.type)) {
    return skipped(`supports ${p.supports.join(", ")} subjects only`);
  }
  if (p.needsNetwork && !base.network) return skipped("needs the network (--network)");
  if (p.needsKey && p.keyEnv !== undefined && base.env(p.keyEnv) === undefined) {
    return skipped(`needs a key in ${p.keyEnv}`);
  }

  const ac = new AbortController();
  const onOuter = () => ac.abort(outer?.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new ProviderTimeout(timeoutMs);
      ac.abort(e);
      reject(e);
    }, timeoutMs);
  });
  try {
    const work = Promise.resolve().then(() =>
      p.enrich(subject, { ...base, signal: ac.signal, options })
    );
    // A provider that ignores its signal may settle later; that late outcome is dropped.
    work.catch(() => {});
    const data = await Promise.race([work, timeout]);
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new TypeError(
        `returned ${Array.isArray(data) ? "an array" : typeof data}, not an object`,
      );
    }
    // The file holds JSON: drop undefined, refuse what JSON cannot hold (BigInt, cycles).
    const json = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    return { status: "ok", data: json, error: null, ran_at };
  } catch (e) {
    const message = ac.signal.aborted && ac.signal.reason instanceof ProviderTimeout
      ? ac.signal.reason.message
      : errorMessage(e) || "failed";
    return { status: "error", data: null, error: message, ran_at };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuter);
  }
}

/** The file's text, and its record when it holds a valid one. */
async function readOld(path: string): Promise<{ text: string; record?: Enrichment } | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
  try {
    const r = Enrichment.safeParse(JSON.parse(text));
    // A damaged file is derived data: it is replaced rather than trusted.
    return r.success ? { text, record: r.data } : { text };
  } catch {
    return { text };
  }
}

function orderedSubject(s: Subject): Subject {
  return {
    key: s.key,
    type: s.type,
    value: s.value,
    ...(s.raw !== undefined ? { raw: s.raw } : {}),
  };
}

/**
 * Enriches `subjects` and writes their files. Never throws for a provider's failure or one
 * subject's bad key (both go to `errors`); throws UsageError for an unknown provider name and
 * StoreError when the data dir cannot be written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enrichSubjects } from "./enrichment.ts";
 * const dataDir = await Deno.makeTempDir();
 * const summary = await enrichSubjects(
 *   [{ key: "phone_+12025550123", type: "phone", value: "+12025550123" }],
 *   { dataDir, fixturesDir: "fixtures", providers: ["phone_info"] },
 * );
 * assert.equal(summary.counts.ok, 1);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function enrichSubjects(
  subjects: readonly Subject[],
  options: EnrichOptions,
): Promise<EnrichSummary> {
  const all = options.registry?.providers ?? builtinProviders();
  let selected: readonly Provider[] = all;
  if (options.providers !== undefined) {
    const names = [...new Set(options.providers)];
    const unknown = names.filter((n) => !all.some((p) => p.name === n));
    if (unknown.length > 0) {
      throw new UsageError(
        `unknown provider${unknown.length > 1 ? "s" : ""} ${
          unknown.map((n) => `"${n}"`).join(", ")
        } ` +
          `(known: ${all.map((p) => p.name).join(", ")})`,
      );
    }
    selected = all.filter((p) => names.includes(p.name));
  }
  const store = options.store ?? await openStore({
    dataDir: options.dataDir,
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
  });
  try {
    return await enrichWith(store, subjects, options, selected);
  } finally {
    if (options.store === undefined) await store.close();
  }
}

/** What enriching one subject needs: the providers, their context and options, the summary. */
interface EnrichJob {
  dataDir: string;
  selected: readonly Provider[];
  base: Omit<ProviderContext, "signal" | "options">;
  providerOptions: Record<string, Record<string, unknown>>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  summary: EnrichSummary;
}

/**
 * Reads profiles through `store`, brought up to date with the log before the first read (once):
 * profiles are derived data, and a user whose messages are only in the log (`import --log-only`)
 * would read as never seen. While a monitor holds the writer, it keeps them current itself.
 */
function currentProfiles(store: Store): ProviderContext["readProfile"] {
  let caughtUp: Promise<unknown> | undefined;
  return async (kind, name) => {
    await (caughtUp ??= store.catchUp({ index: false }));
    return await store.readProfile(kind, name);
  };
}

async function enrichWith(
  store: Store,
  subjects: readonly Subject[],
  options: EnrichOptions,
  selected: readonly Provider[],
): Promise<EnrichSummary> {
  const todo = subjects.filter((s) => options.type === undefined || s.type === options.type);
  const summary: EnrichSummary = {
    subjects: todo.length,
    written: 0,
    unchanged: 0,
    counts: { ok: 0, error: 0, skipped: 0 },
    errors: [],
    interrupted: false,
  };
  const job: EnrichJob = {
    dataDir: options.dataDir,
    selected,
    base: {
      fixturesDir: options.fixturesDir,
      dataDir: options.dataDir,
      readProfile: currentProfiles(store),
      fetch: options.fetch ?? globalThis.fetch,
      network: options.network ?? false,
      clock: options.clock ?? systemClock,
      env: options.env ?? (() => undefined),
    },
    providerOptions: options.registry?.options ?? {},
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: options.signal,
    summary,
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      if (options.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      await enrichOne(todo[next++]!, job);
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, todo.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (options.signal?.aborted) summary.interrupted = true;
  summary.errors.sort((a, b) =>
    a.subject_key < b.subject_key
      ? -1
      : a.subject_key > b.subject_key
      ? 1
      : a.provider < b.provider
      ? -1
      : a.provider > b.provider
      ? 1
      : 0
  );
  return summary;
}

/** The enrichment file of a subject, or null (an error recorded) when it cannot have one. */
function enrichmentFile(subject: Subject, job: EnrichJob): string | null {
  try {
    const path = enrichmentPath(job.dataDir, subject.key);
    const n = normalizeSubjectValue(subject.type, subject.value);
    if (!n.ok || n.value !== subject.value) {
      throw new UsageError(
        `value ${JSON.stringify(subject.value)} is not in normalized form (run subjects load)`,
      );
    }
    return path;
  } catch (e) {
    job.summary.errors.push({
      subject_key: subject.key,
      provider: "(file)",
      message: errorMessage(e),
    });
    return null;
  }
}

/**
 * Runs the selected providers on one subject and merges their results into its enrichment
 * file (providers not run keep theirs), written only when it changes.
 */
async function enrichOne(subject: Subject, job: EnrichJob): Promise<void> {
  const { selected, summary } = job;
  const path = enrichmentFile(subject, job);
  if (path === null) return;
  const results = await Promise.all(
    selected.map((p) =>
      runOne(p, subject, job.base, job.providerOptions[p.name] ?? {}, job.timeoutMs, job.signal)
    ),
  );
  if (job.signal?.aborted) return;
  const oldFile = await readOld(path);
  const old = oldFile?.record;
  const merged: Record<string, ProviderResult> = { ...(old?.providers ?? {}) };
  selected.forEach((p, i) => {
    const r = keepRanAt(results[i]!, old?.providers[p.name]);
    merged[p.name] = r;
    summary.counts[r.status]++;
    if (r.status === "error") {
      summary.errors.push({ subject_key: subject.key, provider: p.name, message: r.error ?? "" });
    }
  });
  const providers: Record<string, ProviderResult> = {};
  for (const name of Object.keys(merged).sort()) providers[name] = merged[name]!;
  const record: Enrichment = { subject: orderedSubject(subject), providers };
  const text = jsonText(record);
  // Compared with the text read above: the file is read once.
  if (text === oldFile?.text) {
    summary.unchanged++;
  } else {
    await writeFileAtomic(path, text);
    summary.written++;
  }
}
