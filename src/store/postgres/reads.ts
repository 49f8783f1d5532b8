/**
 * The PostgreSQL store's reads that filter rows in JavaScript after SQL narrowed them: message
 * search (SQL's candidates, then the reference predicate on each), event search, the
 * interactions a graph is drawn from, and the messages about a subject. The store catches the
 * database up before each (see `postgres_store.ts`).
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { personKey } from "../../analysis/identity.ts";
import { AuthorTally } from "../author_tally.ts";
import type {
  AboutQuery,
  EventPage,
  EventQuery,
  InteractionInput,
  InteractionRecord,
  InteractionScope,
  MessagePage,
  MessageQuery,
  SearchMessagesOptions,
} from "../store.ts";
import type { PgDatabase } from "./database.ts";
import { type MatchContext, matchesEvent, matchesMessage } from "../message_query.ts";
import { concerns, needsDeletions, pgPrefilter } from "./prefilter.ts";

/** The page of messages matching `q`: SQL narrows, the reference predicate decides. */
export async function pgSearchMessages(
  db: PgDatabase,
  q: MessageQuery,
  options: SearchMessagesOptions = {},
): Promise<MessagePage> {
  const { filter, exact, persons } = pgPrefilter(q);
  if (persons !== undefined && filter.user === undefined) {
    // A person's messages are under the logins they used (a login-only person's key is its
    // login): an index range per login; the predicate keeps the person's own.
    filter.users = await db.loginsOf(persons);
  }
  const ctx: MatchContext = {
    deleted: needsDeletions(q) ? await db.deletions() : new Set<string>(),
  };
  const offset = q.offset ?? 0;
  const need = offset + q.limit;
  const counting = options.total !== undefined && options.total !== false;
  // SQL narrows; the reference predicate decides on every candidate (in SQL's order).
  const found: Message[] = [];
  let count = 0;
  for await (const batch of db.candidateMessages(filter)) {
    for (const m of batch) {
      if (!matchesMessage(m, Date.parse(m.ts), q, ctx)) continue;
      count++;
      if (found.length < need) found.push(m);
    }
    if (found.length >= need && (!counting || exact)) break;
  }
  const page: MessagePage = {
    messages: found.slice(offset),
    complete: true,
    via: "database",
    tailBytes: 0,
  };
  if (counting) {
    page.total = count;
    page.totalExact = true;
    if (exact && found.length >= need) {
      // SQL counts exactly; within the caller's budget, else `count` is a lower bound.
      const budget = typeof options.total === "object" ? options.total.budgetMs : undefined;
      const n = await db.countMessages(filter, budget);
      page.total = Math.max(n.count, count);
      page.totalExact = n.exact;
    }
  }
  return page;
}

/** The page of events matching `q`. */
export async function pgSearchEvents(db: PgDatabase, q: EventQuery): Promise<EventPage> {
  const { filter } = pgPrefilter(q);
  const candidates = await db.searchEvents({
    ...filter,
    ...(q.kind !== undefined ? { kind: q.kind } : {}),
  });
  const all = candidates.filter((e) => matchesEvent(e, q));
  const from = q.offset ?? 0;
  return { events: all.slice(from, from + q.limit), total: all.length };
}

/** The messages that address someone (mentions, replies) and each author's count, in scope. */
export async function pgInteractions(
  db: PgDatabase,
  q: InteractionScope,
): Promise<InteractionInput> {
  const since = q.sinceMs === undefined ? null : new Date(q.sinceMs).toISOString();
  const until = q.untilMs === undefined ? null : new Date(q.untilMs).toISOString();
  const where = q.channel === undefined ? {} : { channel: q.channel };
  const addressing: InteractionRecord[] = [];
  const tally = new AuthorTally();
  for await (const batch of db.allMessages(where)) {
    for (const m of batch) {
      if ((since !== null && m.ts < since) || (until !== null && m.ts >= until)) continue;
      if (q.excludeChannels?.includes(m.channel)) continue;
      tally.add(personKey(m));
      if (m.mentions.length === 0 && !(m.reply_to && m.reply_to.user_name !== "")) continue;
      addressing.push({
        ts: m.ts,
        channel: m.channel,
        user_id: m.user_id,
        user_name: m.user_name,
        mentions: m.mentions,
        ...(m.reply_to ? { reply_to: m.reply_to } : {}),
      });
    }
  }
  return { addressing, authors: tally.counts() };
}

/** The messages about a subject (its hits) or by a user, in storage order. */
export async function* pgMessagesAbout(db: PgDatabase, q: AboutQuery): AsyncIterable<Message> {
  // A cheap superset in SQL (the JSON holds the subject key, or the login anywhere), then
  // the exact rule; one pass, so storage order holds.
  const needles = [
    q.subjectKey !== undefined ? `"subject_key":"${q.subjectKey}"` : '"hits":[',
    ...(q.user !== undefined ? [q.user] : []),
  ];
  for await (const batch of db.messagesContaining(needles, q.user)) {
    for (const m of batch) if (concerns(m, q)) yield m;
  }
}
