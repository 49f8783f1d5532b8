/**
 * The watchlist: loaded subjects compiled for matching each message as it is ingested. A
 * username subject hits when it writes or is @mentioned; an email or phone subject when its
 * value appears in the text (phones in any written form, compared in E.164).
 *
 * @module
 */
import type { Hit, Subject } from "../schemas.ts";
import type { PiiSpan } from "./pii.ts";

/** Subjects by what identifies them in chat. */
export interface Watchlist {
  usernames: ReadonlyMap<string, string>;
  emails: ReadonlyMap<string, string>;
  phones: ReadonlyMap<string, string>;
}

/** Compiles subjects into a watchlist (values are already normalized). */
export function compileWatchlist(subjects: readonly Subject[]): Watchlist {
  const usernames = new Map<string, string>();
  const emails = new Map<string, string>();
  const phones = new Map<string, string>();
  for (const s of subjects) {
    if (s.type === "username") usernames.set(s.value, s.key);
    else if (s.type === "email") emails.set(s.value, s.key);
    else phones.set(s.value, s.key);
  }
  return { usernames, emails, phones };
}

/** True when the span's value is a loaded subject's (it is kept, not redacted). */
export function isSubjectValue(w: Watchlist, span: PiiSpan): boolean {
  return span.kind === "email" ? w.emails.has(span.value) : w.phones.has(span.value);
}

/** The hits of one message, in a stable order (author, mentions, text; then by key). */
export function findHits(
  w: Watchlist,
  userName: string,
  mentions: readonly string[],
  pii: readonly PiiSpan[],
): Hit[] {
  const out: Hit[] = [];
  const seen = new Set<string>();
  const add = (key: string | undefined, how: Hit["how"]) => {
    if (key === undefined || seen.has(`${key}\0${how}`)) return;
    seen.add(`${key}\0${how}`);
    out.push({ subject_key: key, how });
  };
  if (w.usernames.size) {
    add(w.usernames.get(userName), "author");
    for (const m of mentions) add(w.usernames.get(m), "mention");
  }
  for (const span of pii) {
    add(span.kind === "email" ? w.emails.get(span.value) : w.phones.get(span.value), "text");
  }
  return out;
}
