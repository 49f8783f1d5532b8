/**
 * What a route or form of the workspace takes from its caller, checked: a login, a person (a
 * login or a user id), a time window. A bad value is a UsageError (400) naming what was wrong.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert/strict";
 * import { login, personRef } from "./request_input.ts";
 * strictEqual(login("Ann", "user"), "ann");
 * strictEqual(personRef(" #123 "), "#123");
 * throws(() => personRef("a b"));
 * ```
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { normalizeLogin } from "../normalize.ts";
import { parseTimeBound } from "../query/search.ts";

/** A person as typed (a login or a user id), checked for what a path or query may hold. */
export function personRef(user: string): string {
  const u = user.trim();
  if (u === "") throw new UsageError("user: give a login or a user id");
  if (!/^(?:id:|#)?[A-Za-z0-9_]{1,64}$/.test(u)) {
    throw new UsageError(`user: "${user}" is neither a login nor a user id`);
  }
  return u;
}

/** The time window of `since`/`until` (as the CLI reads them), checked. */
export function timeWindow(
  o: { since?: string; until?: string },
): { sinceMs?: number; untilMs?: number } {
  const now = Date.now();
  const out: { sinceMs?: number; untilMs?: number } = {};
  if (o.since !== undefined) out.sinceMs = parseTimeBound(o.since, "since", now);
  if (o.until !== undefined) out.untilMs = parseTimeBound(o.until, "until", now);
  if (out.sinceMs !== undefined && out.untilMs !== undefined && out.sinceMs > out.untilMs) {
    throw new UsageError("since is after until");
  }
  return out;
}

/** A login from a route or form, normalized; a UsageError (400) names what was wrong. */
export function login(name: string, kind: string): string {
  const n = normalizeLogin(name);
  if (!n.ok) throw new UsageError(`${kind}: ${n.reason}`);
  return n.value;
}
