/**
 * Reading the query parameters the routes and pages share: whole numbers, a person's window
 * (whose timeline or contacts, between when, how many), a profile list's sort and page. Bad
 * input is a {@link UsageError} naming the parameter (400).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wholeParam } from "./params.ts";
 * assert.equal(wholeParam("12", "limit", 50), 12);
 * assert.equal(wholeParam(undefined, "limit", 50), 50);
 * assert.throws(() => wholeParam("-1", "limit", 50), /limit must be a whole number/);
 * ```
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import type { ProfileSort } from "../profile_summaries.ts";
import type { PersonWindow } from "../workspace.ts";

/** A non-negative whole number from a query parameter. */
export function wholeParam(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw.trim())) {
    throw new UsageError(`${name} must be a whole number of at least 0, got "${raw}"`);
  }
  return Number(raw.trim());
}

/** Whose timeline or contacts, from query parameters (a limit of at least 1). */
export function personWindow(
  q: {
    user: string;
    since?: string | undefined;
    until?: string | undefined;
    limit?: string | undefined;
  },
): PersonWindow {
  const limit = q.limit === undefined ? undefined : wholeParam(q.limit, "limit", 1);
  if (limit !== undefined && limit < 1) {
    throw new UsageError(`limit must be at least 1, got ${limit}`);
  }
  return defined({ user: q.user, since: q.since, until: q.until, limit });
}

/** The options of a profile list from its query parameters. */
export function profileListOptions(
  q: {
    sort?: string | undefined;
    order?: string | undefined;
    limit?: string | undefined;
    offset?: string | undefined;
  },
): { sort: ProfileSort; order: "asc" | "desc"; offset: number; limit: number } {
  const sorts: readonly ProfileSort[] = ["messages", "name", "related", "first_seen", "last_seen"];
  const sort = (q.sort ?? "messages") as ProfileSort;
  if (!sorts.includes(sort)) {
    throw new UsageError(`sort must be ${sorts.join(", ")}, got "${q.sort}"`);
  }
  const order = q.order ?? (sort === "name" ? "asc" : "desc");
  if (order !== "asc" && order !== "desc") {
    throw new UsageError(`order must be asc or desc, got "${q.order}"`);
  }
  const limit = wholeParam(q.limit, "limit", 50);
  if (limit < 1 || limit > 1000) {
    throw new UsageError(`limit must be between 1 and 1000, got ${limit}`);
  }
  return { sort, order, offset: wholeParam(q.offset, "offset", 0), limit };
}

/** An object without its undefined fields (exactOptionalPropertyTypes). */
export function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
