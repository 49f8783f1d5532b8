/**
 * Personal data in chat text: email addresses and phone numbers, found with their spans so that
 * they can be matched against subjects and redacted. Pure; a cheap pre-filter keeps the cost
 * near zero for the great majority of messages, which hold neither an `@` nor seven digits.
 *
 * @module
 */
import { redactionMarker } from "./markers.ts";
import { DEFAULT_REGION } from "../normalize.ts";
import { findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { CountryCode } from "libphonenumber-js/max";

/** One piece of personal data in a text: its kind, normalized value and UTF-16 span. */
export interface PiiSpan {
  kind: "email" | "phone";
  /** Lowercased email, or E.164 phone. */
  value: string;
  start: number;
  end: number;
}

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}/g;
// Seven or more digits, possibly split by the separators people type in phone numbers.
const MAYBE_PHONE = /\d(?:[\s().\-/]{0,3}\d){6,}/;

// Addresses written to dodge filters: name(at)gmail.com, name [at] gmail [dot] com,
// name at example dot com, name @ gmail.com, name%40gmail.com.
const AT_SEP = String.raw`(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s*@\s*|%40)`;
const DOT_SEP = String.raw`(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\s*\.\s*)`;
const OBFUSCATED_EMAIL_RE = new RegExp(
  String.raw`([A-Za-z0-9._%+-]+)(${AT_SEP})([A-Za-z0-9-]+(?:${DOT_SEP}[A-Za-z0-9-]+)*)` +
    String.raw`(${DOT_SEP})([A-Za-z]{2,24})(?![A-Za-z0-9])`,
  "gi",
);
// Cheap test before the expensive one: a bracketed or spelled-out "at", a spaced "@", or "%40".
// An @mention ("gg @name") must not pass it: mentions are in a fifth of all chat.
const MAYBE_OBFUSCATED =
  /[(\[{<]\s*at\s*[)\]}>]|\sat\s+[a-z0-9-]+\s*(?:\.|dot\b)|@\s|\s@[a-z0-9-]+\s*(?:\.\s|\s\.|dot\b)|%40/i;
// With a bare word "at" ("look at reddit.com"), only a spelled-out "dot" or a mail provider's
// domain makes it an address.
const MAIL_PROVIDERS: ReadonlySet<string> = new Set(
  ("gmail googlemail yahoo hotmail outlook live msn icloud me mac aol proton protonmail pm gmx " +
    "web yandex mail zoho fastmail tutanota hey orange free laposte wanadoo t-online uol bol " +
    "terra libero example").split(" "),
);

const COMMON_TLDS: ReadonlySet<string> = new Set(
  ("com net org io me de fr es it nl br uk co tv gg edu gov info biz us ca au pt mx ar ch at be " +
    "se no dk fi pl ru jp eu").split(" "),
);

const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: "0",
  oh: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
};
// Seven or more digits or digit words in a row ("five five five, zero one two three...").
const SPELLED_DIGITS_RE =
  /\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)(?:[\s,.\-]+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)\b){6,}/gi;
const MAYBE_SPELLED =
  /\b(?:zero|one|two|three|four|five|six|seven|eight|nine)[\s,.\-]+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/i;

// A national number of another country: a trunk 0 and 9-11 more digits (`07911 123456`).
const NATIONAL_RE = /(?<![\d+])0\d(?:[\s.\-]?\d){8,10}(?!\d)/g;
/** Regions tried for a national number the default region does not read; order is priority. */
const OTHER_REGIONS: readonly CountryCode[] = ["GB", "DE", "FR", "ES", "IT", "NL", "BR", "AU"];

// Zero-width characters hide inside addresses; full-width forms (ｎａｍｅ＠ｇｍａｉｌ．ｃｏｍ) dodge ASCII patterns.
const NEEDS_FOLDING = /[\u200B-\u200D\u2060\uFEFF\uFF01-\uFF5E\u3000]/;

/**
 * `text` with zero-width characters removed and full-width ASCII forms made ASCII, and for each
 * position of the result the position in `text` it came from (plus one entry for the end).
 */
function fold(text: string): { text: string; at: number[] } {
  let out = "";
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff) continue;
    out += c >= 0xff01 && c <= 0xff5e
      ? String.fromCharCode(c - 0xfee0)
      : c === 0x3000
      ? " "
      : text[i];
    at.push(i);
  }
  at.push(text.length);
  return { text: out, at };
}

/**
 * Emails and phone numbers in `text`, in order of position, spans not overlapping. Besides the
 * plain forms it catches the common obfuscations people use on purpose: `(at)`, `[at]`,
 * ` at ... dot `, a spaced `@`, `%40`, full-width characters, zero-width spaces inside an
 * address, phone numbers spelled out in English digit words, and national numbers of a few
 * other countries than `region` (`07911 123456`). What is still not caught is listed in the
 * README (Privacy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPii } from "./pii.ts";
 * assert.deepEqual(findPii("mail name [at] gmail [dot] com").map((s) => s.value), ["name@gmail.com"]);
 * ```
 */
export function findPii(text: string, region: string = DEFAULT_REGION): PiiSpan[] {
  if (NEEDS_FOLDING.test(text)) {
    const f = fold(text);
    return findPlain(f.text, region).map((s) => ({
      ...s,
      start: f.at[s.start]!,
      end: f.at[s.end]!,
    }));
  }
  return findPlain(text, region);
}

function overlaps(out: readonly PiiSpan[], start: number, end: number): boolean {
  return out.some((e) => start < e.end && end > e.start);
}

function findPlain(text: string, region: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  if (text.indexOf("@") !== -1) {
    for (const m of text.matchAll(EMAIL_RE)) {
      out.push({
        kind: "email",
        value: m[0].toLowerCase(),
        start: m.index,
        end: m.index + m[0].length,
      });
    }
  }
  if (MAYBE_OBFUSCATED.test(text)) findObfuscatedEmails(text, out);
  const upper = region.toUpperCase() as CountryCode;
  if (MAYBE_PHONE.test(text)) {
    for (const m of findPhoneNumbersInText(text, upper)) {
      // A digit run inside an email's local part is the email's, not a phone.
      if (overlaps(out, m.startsAt, m.endsAt)) continue;
      out.push({ kind: "phone", value: m.number.number, start: m.startsAt, end: m.endsAt });
    }
    findOtherNationalPhones(text, upper, out);
  }
  if (MAYBE_SPELLED.test(text)) findSpelledPhones(text, upper, out);
  return out.sort((a, b) => a.start - b.start);
}

function findObfuscatedEmails(text: string, out: PiiSpan[]): void {
  for (const m of text.matchAll(OBFUSCATED_EMAIL_RE)) {
    const [whole, local, atSep, domain, , tld] = m as unknown as string[];
    const start = m.index!;
    const end = start + whole!.length;
    if (overlaps(out, start, end)) continue;
    const dot = (s: string) => s.replace(new RegExp(DOT_SEP, "gi"), ".");
    const host = dot(domain!).toLowerCase();
    // A bare "at" reads as English unless the rest is unmistakably an address.
    if (/^\s+at\s+$/i.test(atSep!)) {
      const spelledDot = /\bdot\b/i.test(whole!);
      if (!spelledDot && !MAIL_PROVIDERS.has(host.split(".")[0]!)) continue;
      if (!COMMON_TLDS.has(tld!.toLowerCase())) continue;
    }
    const value = `${local}@${host}.${tld}`.toLowerCase();
    if (!/^[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}$/.test(value)) continue;
    out.push({ kind: "email", value, start, end });
  }
}

function findSpelledPhones(text: string, region: CountryCode, out: PiiSpan[]): void {
  for (const m of text.matchAll(SPELLED_DIGITS_RE)) {
    const digits = m[0].toLowerCase().split(/[\s,.\-]+/).map((w) => DIGIT_WORDS[w] ?? w).join("");
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(out, start, end) || !/^\d+$/.test(digits)) continue;
    const p = parsePhoneNumberFromString(digits, region);
    if (p?.isValid()) out.push({ kind: "phone", value: p.number, start, end });
  }
}

function findOtherNationalPhones(text: string, region: CountryCode, out: PiiSpan[]): void {
  for (const m of text.matchAll(NATIONAL_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(out, start, end)) continue;
    for (const r of OTHER_REGIONS) {
      if (r === region) continue;
      const p = parsePhoneNumberFromString(m[0], r);
      if (p?.isValid()) {
        out.push({ kind: "phone", value: p.number, start, end });
        break;
      }
    }
  }
}

/**
 * Replaces each span not in `keep` with `[redacted:KIND]`. Returns the new text and the kinds
 * replaced (sorted, without repeats).
 */
export function redactSpans(
  text: string,
  spans: readonly PiiSpan[],
  keep: (span: PiiSpan) => boolean,
): { text: string; kinds: Array<"email" | "phone"> } {
  let out = "";
  let at = 0;
  const kinds = new Set<"email" | "phone">();
  for (const s of spans) {
    if (keep(s)) continue;
    out += text.slice(at, s.start) + redactionMarker(s.kind);
    at = s.end;
    kinds.add(s.kind);
  }
  if (kinds.size === 0) return { text, kinds: [] };
  return { text: out + text.slice(at), kinds: [...kinds].sort() };
}
