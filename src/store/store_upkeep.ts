/**
 * What the Store's writes and upkeep report: an append's new records, a catch-up or rebuild of
 * derived data, the status of the index and rollups, and the follower that keeps derived data
 * current behind a monitor. Part of the `Store` interface (`store.ts`, which re-exports
 * them).
 *
 * @module
 */
import type { Message } from "../schemas.ts";

/** What one append did. */
export interface AppendOutcome<T> {
  /** Records stored now (new ones), in order. */
  written: T[];
  /** Records dropped because their id was already stored (or earlier in the batch). */
  duplicates: number;
  /** Repairs made before writing (a torn tail set aside), for the caller to report. */
  repairs: string[];
}

/** What a catch-up of derived data did. */
export interface CatchUpSummary {
  /** Lines read from the log. */
  lines: number;
  /** Messages added to the index. */
  indexed: number;
  /** Messages folded into rollups. */
  folded: number;
  /** Lines that are not message records. */
  skipped: number;
  /** True when a consumer was rebuilt from the start because the log had changed. */
  rebuilt: boolean;
  /** Bytes of the log now covered by the index. */
  offset: number;
}

/** What a rebuild did. */
export interface RebuildSummary extends CatchUpSummary {
  /** Profile files written and stale ones removed. */
  profiles: { users: number; channels: number; removed: number };
}

/** What to rebuild. */
export interface RebuildRequest {
  /** Rebuild the search index. @default true */
  index?: boolean;
  /** Rebuild rollups and rewrite every profile file (removing stale ones). @default true */
  profiles?: boolean;
  /** Start from empty files, so no freed page keeps a deleted row (after forget). @default false */
  fresh?: boolean;
}

/** How far a derived store covers the log. */
export type Coverage = "current" | "behind" | "stale" | "missing" | "no-log";

/** The state of the index and of the rollups (`index status`). */
export interface StoreStatus {
  index: string;
  log: string;
  state: Coverage;
  log_bytes: number;
  indexed_bytes: number;
  indexed_messages: number;
  /** The same for the rollup state behind the profile files. */
  profiles_state: Coverage;
  profiles_bytes: number;
  /** Profile files folded but not written yet (a run failed to write them): `stale` till then. */
  profiles_pending_files: number;
  /** `busy` while a monitor (or a rebuild) is writing it. */
  writer: "busy" | "free";
}

/** What the derived writer of a run did, for the run's summary. */
export interface FollowSummary {
  /** `worker` or `inline`: where the writers ran; `passive`: another process was the writer. */
  mode: "worker" | "inline" | "passive";
  indexed: number;
  folded: number;
  skipped: number;
  profilesWritten: number;
  /** Problems met (the log stays complete; the index or profiles may lag). */
  problems: string[];
  /** What happened and was overcome (a database outage the run caught up from). */
  notes?: string[];
}

/** Derived data kept following a monitor's appends. */
export interface Follower {
  /** Call after each durable append; returns without waiting for the derived work. */
  afterFlush(written: readonly Message[]): Promise<void>;
  /** Catches up to the end of the log, writes the last profiles, and stops. */
  close(): Promise<FollowSummary>;
}
