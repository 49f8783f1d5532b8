/**
 * Persons in PostgreSQL (issue 16's identity): the login spans and display names of every
 * person, read as the embedded store reads its `person_login` / `person_display` tables, and
 * the identity directory built from them that places each person's profile under a name
 * (`profileNameOf`).
 *
 * Since schema 5 a compaction adds the spans and display names of the messages it folds into
 * `person_logins` / `person_display` (see `rollup_compact.ts`), and every read here adds those
 * of the messages still queued ({@link queuedLogins}: the queue entries whose person is set and
 * whose row's spans are not counted yet), in the same statement: the compaction deletes the
 * queue rows and adds their spans in one commit, so a read sees each message once either way.
 *
 * @module
 */
import { IdentityDirectory, type LoginSpan } from "../../analysis/identity.ts";
import type { Fragment, Sql, TxSql } from "./client.ts";

/**
 * The queued messages whose spans no compaction has added yet, as a subquery of rows
 * (person, login, ts, mid, display), from the queue rows alone: the queue entries with a
 * person (a recomputation or a removed profile clears it: its spans were rebuilt or removed
 * with it) in rows that carry their times (rows without had their spans added when queued,
 * schema 4).
 */
export function queuedLogins(sql: Sql | TxSql): Fragment {
  return sql`(
    SELECT u.person, u.login, u.ts, u.mid, u.display
    FROM rollup_queue q
      CROSS JOIN LATERAL unnest(q.persons, q.logins, q.tss, q.mids, q.displays)
        AS u(person, login, ts, mid, display)
    WHERE q.tss IS NOT NULL AND u.person IS NOT NULL)`;
}

/**
 * Login spans (as `person_logins` rows) of the queued messages in `entries` (rows of
 * {@link queuedLogins}, possibly narrowed), as a subquery: the same sums, minimum and latest
 * use (the smallest message id of that time) as the compaction adds (`rollup_compact.ts`).
 */
function spansOfQueued(sql: Sql | TxSql, entries: Fragment): Fragment {
  return sql`(
    SELECT e.person, e.login, min(e.ts) AS first_seen, max(e.ts) AS last_seen,
      (array_agg(e.mid ORDER BY e.ts DESC, e.mid))[1] AS last_mid,
      count(*) AS count
    FROM ${entries} e
    GROUP BY e.person, e.login)`;
}

interface SpanRow {
  person: string;
  login: string;
  first_seen: string;
  last_seen: string;
  last_mid: string;
  count: string;
}

function spanOf(r: SpanRow): LoginSpan {
  return {
    person: r.person,
    login: r.login,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    last_mid: r.last_mid,
    count: Number(r.count),
  };
}

/** True when span `a` was last used later than `b` (ties: the smaller message id). */
function laterUse(a: LoginSpan, b: LoginSpan): boolean {
  if (a.last_seen !== b.last_seen) return a.last_seen > b.last_seen;
  return (a.last_mid ?? "") < (b.last_mid ?? "");
}

/**
 * Spans of stored rows and of queued messages merged into one per person and login (sums,
 * minimum, latest use), in the order first met.
 */
function mergedSpans(rows: readonly SpanRow[]): LoginSpan[] {
  const out = new Map<string, LoginSpan>();
  for (const r of rows) {
    const s = spanOf(r);
    const key = `${s.person}\u0000${s.login}`;
    const had = out.get(key);
    if (had === undefined) {
      out.set(key, s);
      continue;
    }
    had.count += s.count;
    if (s.first_seen < had.first_seen) had.first_seen = s.first_seen;
    if (laterUse(s, had)) {
      had.last_seen = s.last_seen;
      had.last_mid = s.last_mid ?? "";
    }
  }
  return [...out.values()];
}

/** Every login span. */
export async function allSpans(sql: Sql): Promise<LoginSpan[]> {
  const rows = await sql<SpanRow[]>`
    SELECT person, login, first_seen, last_seen, last_mid, count::text FROM person_logins
    UNION ALL SELECT person, login, first_seen, last_seen, last_mid, count::text FROM ${
    spansOfQueued(sql, queuedLogins(sql))
  } q`;
  return mergedSpans(rows);
}

/**
 * The spans of the persons that `inputs` name (a login, any they used, or a user id as `123`,
 * `#123` or `id:123`) and of every holder of their logins: enough to resolve the inputs and to
 * list their logins (as the embedded store's `readIdentitiesAbout`).
 */
export async function spansAbout(sql: Sql, inputs: readonly string[]): Promise<LoginSpan[]> {
  const logins: string[] = [];
  const ids: string[] = [];
  for (const raw of inputs) {
    const s = raw.trim().replace(/^@/, "").toLowerCase();
    const id = s.startsWith("#") ? s.slice(1) : s.startsWith("id:") ? s.slice(3) : s;
    logins.push(s);
    if (/^\d+$/.test(id)) ids.push(`#${id}`);
  }
  return await spansAround(sql, logins, ids);
}

/**
 * The spans of these persons, of the persons holding these logins, and of every holder of any
 * of their logins.
 */
export async function spansAround(
  sql: Sql,
  logins: readonly string[],
  persons: readonly string[],
): Promise<LoginSpan[]> {
  const ls = logins as string[];
  const ps = persons as string[];
  const rows = await sql<SpanRow[]>`
    WITH q AS MATERIALIZED ${queuedLogins(sql)}, p AS (
      SELECT person FROM person_logins WHERE login = ANY(${ls}::text[])
      UNION SELECT person FROM q WHERE login = ANY(${ls}::text[])
      UNION SELECT unnest(${ps}::text[])
    ), l AS (
      SELECT login FROM person_logins WHERE person IN (SELECT person FROM p)
      UNION SELECT login FROM q WHERE person IN (SELECT person FROM p)
    )
    SELECT person, login, first_seen, last_seen, last_mid, count::text FROM person_logins
    WHERE person IN (SELECT person FROM p) OR login IN (SELECT login FROM l)
    UNION ALL
    SELECT person, login, first_seen, last_seen, last_mid, count::text FROM ${
    spansOfQueued(
      sql,
      sql`(SELECT * FROM q
        WHERE person IN (SELECT person FROM p) OR login IN (SELECT login FROM l))`,
    )
  } s`;
  return mergedSpans(rows);
}

/**
 * Every login these persons (keys) wrote under, and the keys that are logins themselves (a
 * person without id), sorted.
 */
export async function loginsOf(
  sql: Sql | TxSql,
  persons: readonly string[],
): Promise<string[]> {
  const rows = await sql<Array<{ login: string }>>`
    SELECT login FROM person_logins WHERE person = ANY(${persons as string[]}::text[])
    UNION SELECT login FROM ${
    queuedLogins(sql)
  } q WHERE person = ANY(${persons as string[]}::text[])`;
  const out = new Set(rows.map((r) => r.login));
  for (const p of persons) if (!p.startsWith("#")) out.add(p);
  return [...out].sort();
}

/** Every person's display names (sorted), by person key. */
export async function displayNames(sql: Sql): Promise<Map<string, string[]>> {
  const rows = await sql<Array<{ person: string; name: string }>>`
    SELECT person, name FROM person_display
    UNION SELECT person, display FROM ${queuedLogins(sql)} q WHERE display IS NOT NULL
    ORDER BY person, name`;
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.person);
    if (list) list.push(r.name);
    else out.set(r.person, [r.name]);
  }
  return out;
}

/** The identity directory of every span. */
export async function directory(sql: Sql): Promise<IdentityDirectory> {
  return new IdentityDirectory(await allSpans(sql));
}
