/**
 * The typed query of `search messages` and `search events`, the Store's query contract: what
 * the query language (`src/query/query_language.ts`: `--query`, `q=`) and the flags (`--by`,
 * `--value`, `--contains`, `--since`, `--until`) both produce, and the one predicate that
 * defines what matches. Every store answers it; the embedded store's index and its scan of the
 * log both end by checking each candidate with {@link matchesMessage}.
 *
 * A query is a conjunction of clauses, each clause a disjunction of literals (a term, maybe
 * negated), plus a time window: `a b OR c -d after:2025-09-01` is
 * `a AND (b OR c) AND NOT d`, from 2025-09-01 on.
 *
 * @module
 */
import type { ChatEvent, Message } from "../schemas.ts";
import { fold } from "../normalize.ts";
import { eventPersonKey, personKey } from "../analysis/identity.ts";

/** What `has:` can ask for. */
export const HAS_VALUES = ["link", "emote", "mention", "signal", "hit"] as const;
/** What `is:` can ask for. */
export const IS_VALUES = ["deleted", "action", "first"] as const;

/** One condition on a message. */
export type Term =
  /** The folded text contains `value` (already folded); a word or a quoted phrase. */
  | { field: "text"; value: string }
  /** The author's login. */
  | { field: "from"; value: string }
  /**
   * The author's person key (`#<user_id>`, or the login of a message without an id; see
   * `src/analysis/identity.ts`): what a search by person asks, one literal per key of the
   * person. Not in the query language: the query layer resolves a person into these.
   */
  | { field: "person"; value: string }
  /** The channel's login. */
  | { field: "in"; value: string }
  /** The message @-mentions this login. */
  | { field: "mentions"; value: string }
  | { field: "has"; value: typeof HAS_VALUES[number] }
  | { field: "is"; value: typeof IS_VALUES[number] }
  /** A JavaScript regular expression over the text as stored (not folded). */
  | { field: "regex"; source: string; flags: string };

/** A term, maybe negated. */
export interface Literal {
  negated: boolean;
  term: Term;
}

/** A search, normalized: AND of clauses, each an OR of literals, within a time window. */
export interface QueryFilter {
  clauses: Literal[][];
  /** Inclusive, epoch ms. */
  sinceMs?: number;
  /** Exclusive, epoch ms. */
  untilMs?: number;
}

/** The query that matches every message. */
export function everything(): QueryFilter {
  return { clauses: [] };
}

/**
 * Both queries at once: the clauses of both, and the narrower time window.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { both } from "./message_query.ts";
 * const q = both(
 *   { clauses: [[{ negated: false, term: { field: "from", value: "fan88" } }]], sinceMs: 5 },
 *   { clauses: [], sinceMs: 9, untilMs: 20 },
 * );
 * assert.deepEqual(q.sinceMs, 9);
 * assert.equal(q.clauses.length, 1);
 * ```
 */
export function both(a: QueryFilter, b: QueryFilter): QueryFilter {
  const q: QueryFilter = { clauses: [...a.clauses, ...b.clauses] };
  const since = maxDefined(a.sinceMs, b.sinceMs);
  const until = minDefined(a.untilMs, b.untilMs);
  if (since !== undefined) q.sinceMs = since;
  if (until !== undefined) q.untilMs = until;
  return q;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** The clause of one positive term. */
export function only(term: Term): Literal[] {
  return [{ negated: false, term }];
}

/** Compiled regexes, by source and flags (a query is checked against many messages). */
const compiled = new Map<string, RegExp>();

/** The RegExp of a regex term (compiled once per process; `lastIndex` is never used). */
export function regexOf(term: { source: string; flags: string }): RegExp {
  const key = `${term.flags}/${term.source}`;
  let re = compiled.get(key);
  if (re === undefined) {
    re = new RegExp(term.source, term.flags);
    if (compiled.size > 256) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** What a message's check needs beyond the record: which messages were deleted in chat. */
export interface MatchContext {
  /** Ids of messages a moderator deleted (CLEARMSG). */
  deleted: ReadonlySet<string> | ReadonlyMap<string, unknown>;
}

/** A message with its folded text computed at most once. */
class Subject {
  #folded: string | null = null;
  constructor(readonly m: Message) {}
  get folded(): string {
    return this.#folded ??= fold(this.m.text);
  }
}

function termHolds(s: Subject, t: Term, ctx: MatchContext): boolean {
  const m = s.m;
  switch (t.field) {
    case "text":
      return s.folded.includes(t.value);
    case "from":
      return m.user_name === t.value;
    case "person":
      return personKey(m) === t.value;
    case "in":
      return m.channel === t.value;
    case "mentions":
      return m.mentions.includes(t.value);
    case "has":
      switch (t.value) {
        case "link":
          return m.urls.length > 0;
        case "emote":
          return m.emotes.length > 0;
        case "mention":
          return m.mentions.length > 0;
        case "signal":
          return (m.signals?.length ?? 0) > 0;
        case "hit":
          return (m.hits?.length ?? 0) > 0;
      }
      return false;
    case "is":
      switch (t.value) {
        case "deleted":
          return ctx.deleted.has(m.message_id);
        case "action":
          return m.action === true;
        case "first":
          return m.first_msg === true;
      }
      return false;
    case "regex":
      return regexOf(t).test(m.text);
  }
}

/**
 * The reference predicate: does message `m` (whose `ts` is `tsMs` in epoch ms) match `q`?
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchesMessage } from "./message_query.ts";
 * const m = {
 *   ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "1", user_id: null,
 *   user_name: "fan88", text: "Is he DATING sara?", mentions: [], urls: [], emotes: [],
 *   source: "fixture" as const,
 * };
 * const q = { clauses: [[{ negated: false, term: { field: "text" as const, value: "dating" } }]] };
 * assert.ok(matchesMessage(m, Date.parse(m.ts), q, { deleted: new Set() }));
 * ```
 */
export function matchesMessage(
  m: Message,
  tsMs: number,
  q: QueryFilter,
  ctx: MatchContext,
): boolean {
  if (q.sinceMs !== undefined && tsMs < q.sinceMs) return false;
  if (q.untilMs !== undefined && tsMs >= q.untilMs) return false;
  const s = new Subject(m);
  for (const clause of q.clauses) {
    let any = false;
    for (const l of clause) {
      if (termHolds(s, l.term, ctx) !== l.negated) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

/** The text of an event that text terms search (a notice's system text and message). */
export function eventText(e: ChatEvent): string {
  return e.kind === "usernotice"
    ? `${e.system_text} ${e.text}`
    : e.kind === "clearmsg"
    ? e.text
    : "";
}

/** The fields an event query may use: the rest describe messages only. */
export const EVENT_FIELDS: ReadonlySet<Term["field"]> = new Set([
  "text",
  "from",
  "person",
  "in",
  "regex",
]);

/**
 * Does event `e` match `q`? The user of a CLEARMSG is the deleted message's author (its person
 * key is that login: see `eventPersonKey`); a CLEARCHAT that cleared the whole chat has no user. Terms of fields outside {@link EVENT_FIELDS} never
 * hold (the parser refuses them for events).
 */
export function matchesEvent(e: ChatEvent, q: QueryFilter): boolean {
  const ms = Date.parse(e.ts);
  if (q.sinceMs !== undefined && ms < q.sinceMs) return false;
  if (q.untilMs !== undefined && ms >= q.untilMs) return false;
  let folded: string | null = null;
  const holds = (t: Term): boolean => {
    switch (t.field) {
      case "text":
        return (folded ??= fold(eventText(e))).includes(t.value);
      case "from":
        return e.user_name === t.value;
      case "person":
        return eventPersonKey(e) === t.value;
      case "in":
        return e.channel === t.value;
      case "regex":
        return regexOf(t).test(eventText(e));
      default:
        return false;
    }
  };
  return q.clauses.every((clause) => clause.some((l) => holds(l.term) !== l.negated));
}
