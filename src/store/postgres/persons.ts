/**
 * Persons in PostgreSQL (issue 16's identity): the login spans and display names kept by every
 * append in `person_logins` / `person_display` (see `rollups.ts`), read as the embedded store
 * reads its `person_login` / `person_display` tables, and the identity directory built from
 * them that places each person's profile under a name (`profileNameOf`).
 *
 * @module
 */
import { IdentityDirectory, type LoginSpan } from "../../analysis/identity.ts";
import type { Sql } from "./client.ts";

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

/** Every login span. */
export async function allSpans(sql: Sql): Promise<LoginSpan[]> {
  const rows = await sql<SpanRow[]>`
    SELECT person, login, first_seen, last_seen, last_mid, count::text FROM person_logins`;
  return rows.map(spanOf);
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
  const rows = await sql<SpanRow[]>`
    WITH p AS (
      SELECT person FROM person_logins WHERE login = ANY(${logins as string[]}::text[])
      UNION SELECT unnest(${persons as string[]}::text[])
    ), l AS (
      SELECT DISTINCT login FROM person_logins WHERE person IN (SELECT person FROM p)
    )
    SELECT person, login, first_seen, last_seen, last_mid, count::text FROM person_logins
    WHERE person IN (SELECT person FROM p) OR login IN (SELECT login FROM l)`;
  return rows.map(spanOf);
}

/**
 * Every login these persons (keys) wrote under, and the keys that are logins themselves (a
 * person without id), sorted.
 */
export async function loginsOf(sql: Sql, persons: readonly string[]): Promise<string[]> {
  const rows = await sql<Array<{ login: string }>>`
    SELECT DISTINCT login FROM person_logins WHERE person = ANY(${persons as string[]}::text[])`;
  const out = new Set(rows.map((r) => r.login));
  for (const p of persons) if (!p.startsWith("#")) out.add(p);
  return [...out].sort();
}

/** Every person's display names (sorted), by person key. */
export async function displayNames(sql: Sql): Promise<Map<string, string[]>> {
  const rows = await sql<Array<{ person: string; name: string }>>`
    SELECT person, name FROM person_display ORDER BY person, name`;
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
