/**
 * The log record: how one line of `messages.jsonl` is read back as a message. Search (by index
 * and by scan), the index writer and the rollups all read lines through {@link parseLogRecord},
 * so they skip the same lines.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Reads one log line as a message, or null when it is not one (bad JSON, missing or mistyped
 * core fields). Search by index and by scan both use this, so they skip the same lines. Only
 * the fields search and rollups rely on are checked: a full schema parse per line would cost
 * more than the rest of indexing.
 */
export function parseLogRecord(text: string): Message | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  return logRecordOf(v);
}

/** A parsed log line as a message, or null when it is not one (see {@link parseLogRecord}). */
export function logRecordOf(v: unknown): Message | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const m = v as Record<string, unknown>;
  if (
    typeof m.ts !== "string" || !TIMESTAMP_RE.test(m.ts) || !Number.isFinite(Date.parse(m.ts)) ||
    typeof m.channel !== "string" || typeof m.user_name !== "string" ||
    typeof m.message_id !== "string" || typeof m.text !== "string" ||
    !(m.user_id === null || typeof m.user_id === "string") ||
    !Array.isArray(m.mentions) || !Array.isArray(m.urls) || !Array.isArray(m.emotes) ||
    !(m.signals === undefined || Array.isArray(m.signals))
  ) {
    return null;
  }
  return v as Message;
}
