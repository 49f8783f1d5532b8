/**
 * Normalization of the values twitch-osint stores: Twitch logins, channels, emails and
 * timestamps (phone numbers: `phone.ts`). Pure functions; each returns a result rather than
 * throwing, because a bad value is reported where it was read (file:line) by the caller.
 *
 * @module
 */
/** A normalized value, or why the input could not be normalized. */
export type Normalized = { ok: true; value: string } | { ok: false; reason: string };

const ok = (value: string): Normalized => ({ ok: true, value });
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/**
 * Twitch's login rule: 1 to 25 characters of ASCII letters, digits and underscore. New accounts
 * need 4+ characters and cannot start with `_`, but older logins (e.g. 3-letter ones) exist in
 * chat, so only the wire-level rule is enforced.
 */
export const LOGIN_RE: RegExp = /^[a-z0-9_]{1,25}$/;

/**
 * Normalizes a Twitch login or channel: trims, strips one leading `@` or `#`, lowercases, and
 * checks Twitch's login rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeLogin } from "./normalize.ts";
 * assert.ok(normalizeLogin("#Example_Channel").ok);
 * ```
 */
export function normalizeLogin(input: string): Normalized {
  let s = input.trim();
  if (s.startsWith("@") || s.startsWith("#")) s = s.slice(1);
  s = s.toLowerCase();
  if (s.length === 0) return fail("empty login");
  if (s.length > 25) return fail(`login ${JSON.stringify(s)} is longer than 25 characters`);
  if (!LOGIN_RE.test(s)) {
    return fail(`login ${JSON.stringify(s)} may only hold letters, digits and _`);
  }
  return ok(s);
}

/**
 * True when `s` is a login as {@link normalizeLogin} returns it (1 to 25 of `a-z0-9_`): it
 * would come back unchanged, so a reader of hundreds of thousands of names a second can skip
 * its trimming, lowercasing and result object for most of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isNormalLogin } from "./normalize.ts";
 * assert.ok(isNormalLogin("ann_42"));
 * assert.ok(!isNormalLogin("Ann"));
 * ```
 */
export function isNormalLogin(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 25) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

// Practical offline email syntax check (RFC 5321 sizes, dot-atom local part, LDH domain with a
// TLD of letters). Quoted local parts and IP-literal domains are rejected: they do not occur in
// the lists analysts load, and accepting them would make every string with an @ an "email".
const EMAIL_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Normalizes an email address: trim, lowercase, syntax check (offline, no DNS). */
export function normalizeEmail(input: string): Normalized {
  const s = input.trim().toLowerCase();
  if (s.length === 0) return fail("empty email");
  if (s.length > 254) return fail("email longer than 254 characters");
  const at = s.lastIndexOf("@");
  if (at <= 0 || at === s.length - 1) return fail(`email ${JSON.stringify(s)} has no local@domain`);
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) {
    return fail(`email ${JSON.stringify(s)} has an invalid local part`);
  }
  const labels = domain.split(".");
  const tld = labels[labels.length - 1] ?? "";
  if (
    labels.length < 2 || !labels.every((l) => EMAIL_LABEL.test(l)) || !/^[a-z]{2,63}$/.test(tld)
  ) {
    return fail(`email ${JSON.stringify(s)} has an invalid domain`);
  }
  return ok(s);
}

/** Default region for national phone forms such as `(202) 555-0123`. */
export const DEFAULT_REGION = "US";

/** Formats epoch milliseconds in the one timestamp form used everywhere. */
export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}

const ISO_RE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Normalizes a timestamp to UTC ISO 8601 with milliseconds (`2025-09-02T12:34:56.000Z`), which
 * sorts as a string. Accepts ISO 8601 (with or without offset; no offset means UTC; hours
 * 00-23, never `24:00`) and epoch time as a number or a string of digits (seconds below 10^11,
 * else milliseconds: see {@link epochMs}).
 */
export function normalizeTimestamp(input: unknown): Normalized {
  const r = parseTimestamp(input);
  return r.ok ? ok(r.value) : r;
}

/** `000` to `999`: the milliseconds of a stored timestamp. */
const MS_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Milliseconds of the fraction digits in `s` from `from` to `to` (cut past 3), or -1. */
function fractionMs(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < from + 3; i++) {
    const c = i < to ? s.charCodeAt(i) - 48 : 0;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return digits(s, from, to - from) < 0 ? -1 : v;
}

/**
 * Epoch ms of a UTC timestamp in the stored form (`YYYY-MM-DDTHH:MM:SS.mmmZ`) or close to it (no
 * fraction, or 1 to 9 digits of it, as TwitchDownloader's `2024-03-10T18:00:01.25Z`; digits past
 * the milliseconds are cut, as everywhere), or -1. Arithmetic only: ingest and imports read
 * hundreds of thousands a second, and most are in these forms.
 */
function canonicalMs(s: string): number {
  const len = s.length;
  if (len < 20 || len === 21 || len > 30 || s.charCodeAt(len - 1) !== 90 /* Z */) return -1;
  if (
    s.charCodeAt(4) !== 45 /* - */ || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 /* T */ ||
    s.charCodeAt(13) !== 58 /* : */ || s.charCodeAt(16) !== 58
  ) return -1;
  if (len > 20 && s.charCodeAt(19) !== 46 /* . */) return -1;
  const y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  const ms = len > 20 ? fractionMs(s, 20, len - 1) : 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59) return -1;
  if (sec < 0 || sec > 59 || ms < 0) return -1;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > DAYS_IN_MONTH[mo - 1]! + (mo === 2 && leap ? 1 : 0)) return -1;
  // Days from the civil date (Howard Hinnant's algorithm).
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + ms;
}

/**
 * Epoch milliseconds of a numeric time: numbers below 10^11 are epoch seconds (10^11 ms is
 * March 1973, 10^11 s is the year 5138), anything else milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epochMs } from "./normalize.ts";
 * assert.equal(epochMs(1756814411), 1756814411000);
 * assert.equal(epochMs(1756814411000), 1756814411000);
 * ```
 */
export function epochMs(n: number): number {
  return Math.abs(n) < 1e11 ? n * 1000 : n;
}

/** {@link normalizeTimestamp}, also giving epoch milliseconds. */
export function parseTimestamp(
  input: unknown,
): { ok: true; value: string; ms: number } | { ok: false; reason: string } {
  if (typeof input === "string") {
    const fast = canonicalMs(input);
    if (fast >= 0) {
      return {
        ok: true,
        value: input.length === 24 ? input : `${input.slice(0, 19)}.${MS_DIGITS[fast % 1000]}Z`,
        ms: fast,
      };
    }
  }
  let ms: number;
  if (typeof input === "number") {
    ms = epochMs(input);
  } else if (typeof input === "string") {
    const s = input.trim();
    if (/^\d{10,16}$/.test(s)) {
      ms = epochMs(Number(s));
    } else if (ISO_RE.test(s)) {
      // Date.parse rolls impossible days over (2025-02-29 becomes March 1): refuse them.
      const y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      if (
        mo >= 1 && mo <= 12 && (d < 1 || d > DAYS_IN_MONTH[mo - 1]! + (mo === 2 && leap ? 1 : 0))
      ) {
        return fail(`timestamp ${JSON.stringify(s.slice(0, 40))} is not a calendar date`);
      }
      // Nor is 24:00 (or 23:60, 23:59:60) read as the next day: Date.parse rolls them over.
      if (
        s.length > 10 && (digits(s, 11, 2) > 23 || digits(s, 14, 2) > 59 || digits(s, 17, 2) > 59)
      ) {
        return fail(`timestamp ${JSON.stringify(s.slice(0, 40))} is not a time of day`);
      }
      let t = s.replace(" ", "T").replace(",", ".");
      // Date.parse reads a date-time without offset as local time: pin it to UTC.
      if (t.length > 10 && !/(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(t)) t += "Z";
      // Date.parse keeps only milliseconds; trim longer fractions so it accepts them.
      t = t.replace(/(\.\d{3})\d+/, "$1");
      ms = Date.parse(t);
    } else {
      return fail(`timestamp ${JSON.stringify(s.slice(0, 40))} is neither ISO 8601 nor epoch ms`);
    }
  } else {
    return fail("timestamp is missing or not a string/number");
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) {
    return fail(`timestamp ${JSON.stringify(String(input).slice(0, 40))} is out of range`);
  }
  return { ok: true, value: isoFromMs(ms), ms };
}

/**
 * The case folding of `--contains`: lowercase, with lone surrogates and NUL replaced by U+FFFD
 * (SQLite cannot hold the former and cuts text at the latter; neither occurs in real chat).
 * A message matches a needle when `fold(text).includes(fold(needle))`.
 */
export function fold(s: string): string {
  const f = s.toLowerCase().toWellFormed();
  return f.includes("\0") ? f.replaceAll("\0", "\uFFFD") : f;
}
