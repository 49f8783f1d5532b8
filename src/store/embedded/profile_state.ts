/**
 * The profile state database (`profiles.sqlite`) as its readers see it: its layout, and the
 * reads that need no writer lock (the identity directory's login spans, display names, the
 * persons an input names). The writer is `profile_store.ts`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readLoginSpans } from "./profile_state.ts";
 * deepStrictEqual(readLoginSpans(await Deno.makeTempDir()), []);
 * ```
 *
 * @module
 */
import { IdentityDirectory, type LoginSpan, profileNameOf } from "../../analysis/identity.ts";
import { SqliteFile } from "./sqlite.ts";
import { EMPTY_MARK, type LogMark } from "../log/log_mark.ts";
import { layout, type ProfileKind } from "../layout.ts";

export const KIND_CODE: Record<ProfileKind, number> = { user: 0, channel: 1 };

/** Bumped when the state's layout or encoding changes: the state is then rebuilt from the log. */
// 2: `asked` is set by questions only (issue 11 item 7), so states folded before are rebuilt.
// 3: rollups are persons (keyed by user id), with their logins and display names.
export const STATE_VERSION = "3";

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS profile_state(
  kind INTEGER NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY(kind, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profile_dirty(
  kind INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY(kind, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS person_login(
  login TEXT NOT NULL, person TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  last_mid TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY(login, person)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_login_person ON person_login(person);
CREATE TABLE IF NOT EXISTS person_display(
  person TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(person, name)
) WITHOUT ROWID;
`;

/** The name a person's profile file is under (see `profileNameOf`). */
export const personFileName = profileNameOf;

export interface SpanRow {
  login: string;
  person: string;
  first_seen: string;
  last_seen: string;
  last_mid: string;
  count: number;
}

export function spanOfRow(r: SpanRow): LoginSpan {
  return {
    person: r.person,
    login: r.login,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    last_mid: r.last_mid,
    count: Number(r.count),
  };
}

/** Every login span persisted in a data dir, read without the writer lock. */
export function readLoginSpans(dataDir: string): LoginSpan[] {
  const file = openReadOnly(dataDir);
  if (file === null) return [];
  try {
    const rows = file.stmt("SELECT * FROM person_login").all() as unknown as SpanRow[];
    return rows.map(spanOfRow);
  } finally {
    file.close();
  }
}

/** Every person's display names, read without the writer lock. */
export function readDisplayNames(dataDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const file = openReadOnly(dataDir);
  if (file === null) return out;
  try {
    const rows = file.stmt("SELECT person, name FROM person_display ORDER BY person, name")
      .all() as unknown as Array<{ person: string; name: string }>;
    for (const r of rows) {
      const list = out.get(r.person);
      if (list) list.push(r.name);
      else out.set(r.person, [r.name]);
    }
    return out;
  } finally {
    file.close();
  }
}

/**
 * The spans of the persons that `input` names (a login, any they used, or a user id), read
 * without the writer lock: a small directory holding just them and every holder of their
 * logins, enough to resolve `input` and to list their logins.
 */
export function readIdentitiesAbout(dataDir: string, inputs: readonly string[]): IdentityDirectory {
  const file = openReadOnly(dataDir);
  const dir = new IdentityDirectory([]);
  if (file === null) return dir;
  try {
    const byLogin = file.stmt("SELECT * FROM person_login WHERE login = ?");
    const byPerson = file.stmt("SELECT * FROM person_login WHERE person = ?");
    const persons = new Set<string>();
    for (const raw of inputs) {
      const s = raw.trim().replace(/^@/, "").toLowerCase();
      const id = s.startsWith("#") ? s.slice(1) : s.startsWith("id:") ? s.slice(3) : s;
      for (const r of byLogin.all(s) as unknown as SpanRow[]) persons.add(r.person);
      if (/^\d+$/.test(id)) persons.add(`#${id}`);
    }
    const logins = new Set<string>();
    for (const p of persons) {
      for (const r of byPerson.all(p) as unknown as SpanRow[]) {
        dir.add(spanOfRow(r));
        logins.add(r.login);
      }
    }
    for (const l of logins) {
      for (const r of byLogin.all(l) as unknown as SpanRow[]) dir.add(spanOfRow(r));
    }
    return dir;
  } finally {
    file.close();
  }
}

export function openReadOnly(dataDir: string): SqliteFile | null {
  try {
    return SqliteFile.open(layout(dataDir).profileState, {
      readOnly: true,
      version: STATE_VERSION,
      schema: SCHEMA,
    });
  } catch {
    return null;
  }
}

/**
 * The part of the log whose rollups are persisted in a data dir, read without the writer
 * lock; null when there is no usable state (missing, or of another layout version).
 */
export function persistedRollupMark(dataDir: string): LogMark | null {
  let file: SqliteFile;
  try {
    // A missing file fails to open read-only: null.
    file = SqliteFile.open(layout(dataDir).profileState, {
      readOnly: true,
      version: STATE_VERSION,
      schema: SCHEMA,
    });
  } catch {
    return null;
  }
  try {
    const raw = file.meta("rollup_mark");
    return raw === undefined ? EMPTY_MARK : JSON.parse(raw) as LogMark;
  } finally {
    file.close();
  }
}

/**
 * Profile files whose state is folded but whose file could not be written (a full disk):
 * they are written by the next writer that opens the data dir. 0 when there is no state.
 */
export function pendingProfileFiles(dataDir: string): number {
  let file: SqliteFile;
  try {
    file = SqliteFile.open(layout(dataDir).profileState, {
      readOnly: true,
      version: STATE_VERSION,
      schema: SCHEMA,
    });
  } catch {
    return 0;
  }
  try {
    const row = file.db.prepare("SELECT COUNT(*) AS n FROM profile_dirty").get() as
      | { n: number }
      | undefined;
    return Number(row?.n ?? 0);
  } finally {
    file.close();
  }
}
