/**
 * Personal data in chat text: email addresses and phone numbers, found with their spans so that
 * they can be matched against subjects and redacted. Pure; a cheap pre-filter keeps the cost
 * near zero for the great majority of messages, which hold neither an `@` nor seven digits.
 *
 * @module
 */
import { redactionMarker } from "./markers.ts";
import { DEFAULT_REGION } from "../normalize.ts";
import { findPhoneNumbersInText } from "libphonenumber-js/max";
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

/** Emails and phone numbers in `text`, in order of position, spans not overlapping. */
export function findPii(text: string, region: string = DEFAULT_REGION): PiiSpan[] {
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
  if (MAYBE_PHONE.test(text)) {
    for (const m of findPhoneNumbersInText(text, region.toUpperCase() as CountryCode)) {
      // A digit run inside an email's local part is the email's, not a phone.
      if (out.some((e) => m.startsAt < e.end && m.endsAt > e.start)) continue;
      out.push({ kind: "phone", value: m.number.number, start: m.startsAt, end: m.endsAt });
    }
  }
  return out.sort((a, b) => a.start - b.start);
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
