/**
 * What the views render, as the workspace hands it over: a page of results with its total,
 * the summary of a profile in a list, a loaded subject in the list.
 *
 * @module
 */
import type { Subject } from "../../schemas.ts";

/** One page of an ordered result, with how many there are in all. */
export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  /** Matches in all; `exact` false when counting stopped at a cap (there are at least this many). */
  total: number;
  exact: boolean;
}

/** A profile in a list. */
export interface ProfileSummary {
  name: string;
  message_count: number;
  /** Users: channels participated in; channels: distinct users. */
  related: number;
  first_seen: string;
  last_seen: string;
  display_name: string | null;
}

/** A loaded subject in the list, with its hit count and enrichment statuses. */
export interface SubjectSummary {
  key: string;
  type: Subject["type"];
  value: string;
  hits: number;
  providers: Record<string, "ok" | "error" | "skipped">;
}
