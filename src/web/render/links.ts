/**
 * Where the renderer's links point: into the workspace when a page is served, to Twitch and to
 * anchors inside the file when a report is written to disk.
 *
 * @module
 */

/** A message a link can point to. */
export interface MessageRef {
  channel: string;
  ts: string;
  message_id: string;
}

/** The links of a rendering. */
export interface Links {
  user(name: string): string;
  channel(name: string): string;
  /** The message itself (its place in a chat log). */
  message(m: MessageRef): string;
  subject(key: string): string;
}

/** Anchor id of a message in a rendered chat log. */
export function messageAnchor(messageId: string): string {
  return `m-${messageId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/**
 * Links into the served workspace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workspaceLinks } from "./links.ts";
 * assert.equal(workspaceLinks.user("some/../user"), "/ui/users/some%2F..%2Fuser");
 * assert.equal(
 *   workspaceLinks.message({ channel: "c", ts: "2025-09-02T12:00:00.000Z", message_id: "a/b" }),
 *   "/ui/search?by=channel&value=c&since=2025-09-02T12%3A00%3A00.000Z" +
 *     "&until=2025-09-02T12%3A00%3A00.001Z#m-a_b",
 * );
 * ```
 */
export const workspaceLinks: Links = {
  user: (n) => `/ui/users/${encodeURIComponent(n)}`,
  channel: (n) => `/ui/channels/${encodeURIComponent(n)}`,
  message: (m) => {
    // The message's own millisecond in its channel: the search shows it, anchored.
    const t = Date.parse(m.ts);
    const q = new URLSearchParams({ by: "channel", value: m.channel });
    if (Number.isFinite(t)) {
      q.set("since", new Date(t).toISOString());
      q.set("until", new Date(t + 1).toISOString());
    }
    return `/ui/search?${q}#${messageAnchor(m.message_id)}`;
  },
  subject: (k) => `/ui/subjects/${encodeURIComponent(k)}`,
};

/** Links of a standalone report file: people and channels on Twitch, messages inside the file. */
export const reportLinks: Links = {
  user: (n) => `https://www.twitch.tv/${encodeURIComponent(n)}`,
  channel: (n) => `https://www.twitch.tv/${encodeURIComponent(n)}`,
  message: (m) => `#${messageAnchor(m.message_id)}`,
  subject: (k) => `#subject-${encodeURIComponent(k)}`,
};
