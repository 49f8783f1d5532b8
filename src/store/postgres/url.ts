/**
 * The database URL (`OSINT_DATABASE_URL`, `--database-url`): reading it, and keeping its
 * password out of every message. Every error the PostgreSQL store throws passes through
 * {@link scrubSecrets}, so a password never reaches output, errors or logs.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";

/** What a database URL names (the password is kept only inside the URL itself). */
export interface DatabaseTarget {
  /** The URL as given (holds the password, if any: never print it). */
  url: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** The URL with its password replaced by `***`: safe to print. */
  display: string;
}

/**
 * Reads a `postgres://` or `postgresql://` URL. Throws UsageError (without the password) when
 * it is not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseDatabaseUrl } from "./url.ts";
 * const t = parseDatabaseUrl("postgresql://osint:s3cret@db.example:6432/chat");
 * assert.deepEqual([t.host, t.port, t.database, t.user], ["db.example", 6432, "chat", "osint"]);
 * assert.equal(t.display, "postgresql://osint:***@db.example:6432/chat");
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(
      `database URL: cannot read "${redactUrl(url)}" (expected postgresql://user@host:port/db)`,
    );
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new UsageError(
      `database URL: "${redactUrl(url)}" is not a postgresql:// URL (expected ` +
        `postgresql://user@host:port/db)`,
    );
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (database === "") {
    throw new UsageError(`database URL: "${redactUrl(url)}" names no database (…/dbname)`);
  }
  return {
    url,
    host: u.hostname.replace(/^\[|\]$/g, "") || "localhost",
    port: u.port === "" ? 5432 : Number(u.port),
    database,
    user: decodeURIComponent(u.username) || "postgres",
    display: redactUrl(url),
  };
}

const URL_PASSWORD_RE = /\b(postgres(?:ql)?:\/\/[^:/@\s]*):([^@\s]*)@/gi;

/**
 * A URL (or any text holding URLs) with each password replaced by `***`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { redactUrl } from "./url.ts";
 * assert.equal(redactUrl("postgres://a:pw@h/d"), "postgres://a:***@h/d");
 * assert.equal(redactUrl("postgres://a@h/d"), "postgres://a@h/d");
 * ```
 */
export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD_RE, "$1:***@");
}

/** The password of a URL (decoded), or "" when it has none or is not a URL. */
function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    const m = /^postgres(?:ql)?:\/\/[^:/@\s]*:([^@\s]*)@/i.exec(url);
    return m?.[1] ?? "";
  }
}

/**
 * Text with URL passwords redacted and every occurrence of `url`'s password (raw and
 * percent-encoded) replaced by `***`: for any message that may quote a driver's error.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scrubSecrets } from "./url.ts";
 * const url = "postgresql://me:hunter2@db/x";
 * assert.equal(scrubSecrets("auth failed (hunter2)", url), "auth failed (***)");
 * ```
 */
export function scrubSecrets(text: string, url: string | undefined): string {
  let out = redactUrl(text);
  if (url === undefined) return out;
  const pw = passwordOf(url);
  if (pw.length > 0) {
    for (const form of new Set([pw, encodeURIComponent(pw)])) out = out.replaceAll(form, "***");
  }
  return out;
}
