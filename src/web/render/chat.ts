/**
 * Chat messages as a readable log: time, channel, user, and the text with its mentions, URLs
 * and emotes marked, every piece escaped. Each user and channel links to its page.
 *
 * @module
 */
import type { Message } from "../../schemas.ts";
import { segments } from "../assets/segments.js";
import { type Html, html } from "./html.ts";
import { type Links, messageAnchor } from "./links.ts";

/** A message as the log shows it (a deleted one is marked). */
export type LogMessage = Pick<Message, "ts" | "channel" | "message_id" | "user_name" | "text"> & {
  mentions?: readonly string[];
  urls?: readonly string[];
  emotes?: readonly string[];
  display_name?: string | undefined;
  deleted_at?: string | undefined;
};

/** The text of a message with its parts marked. */
export function messageText(m: LogMessage, links: Links): Html {
  const parts = segments(m.text, {
    mentions: m.mentions ?? [],
    urls: m.urls ?? [],
    emotes: m.emotes ?? [],
  });
  return html`${
    parts.map((s) =>
      s.kind === "mention"
        ? html`<a class="mention" href="${links.user(s.href ?? "")}">${s.text}</a>`
        : s.kind === "url"
        ? html`<a class="url" href="${
          s.href ?? ""
        }" rel="noopener noreferrer nofollow" target="_blank">${s.text}</a>`
        : s.kind === "emote"
        ? html`<span class="emote">${s.text}</span>`
        : s.text
    )
  }`;
}

/**
 * One line of the log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chatLine } from "./chat.ts";
 * import { workspaceLinks } from "./links.ts";
 * const line = chatLine({
 *   ts: "2025-09-02T12:34:56.000Z",
 *   channel: "example_channel",
 *   message_id: "abc/1",
 *   user_name: "ann",
 *   display_name: "Ann",
 *   text: "@bob see https://example.com/<b> Kappa",
 *   mentions: ["bob"],
 *   urls: ["https://example.com/<b>"],
 *   emotes: ["Kappa"],
 *   deleted_at: "2025-09-02T12:35:00.000Z",
 * }, workspaceLinks).text;
 * assert.ok(line.includes('<li class="msg deleted"\n      id="m-abc_1">'));
 * assert.ok(line.includes('<a class="user" href="/ui/users/ann">Ann</a>'));
 * assert.ok(line.includes('<a class="mention" href="/ui/users/bob">@bob</a>'));
 * assert.ok(line.includes('<a class="url" href="https://example.com/&lt;b&gt;"'));
 * assert.ok(line.includes('<span class="emote">Kappa</span>'));
 * assert.ok(line.includes('<span class="tag">deleted 2025-09-02T12:35:00.000Z</span>'));
 * ```
 */
export function chatLine(m: LogMessage, links: Links): Html {
  return html`
    <li class="msg${m.deleted_at ? " deleted" : ""}"
      id="${messageAnchor(m.message_id)}"><time datetime="${m.ts}">${m.ts.slice(0, 19).replace(
        "T",
        " ",
      )}</time> <a class="chan" href="${links.channel(m.channel)}">#${m
        .channel}</a> <a class="user" href="${links.user(m.user_name)}">${m.display_name ??
        m.user_name}</a><span class="sep">:</span> <span class="text">${messageText(
          m,
          links,
        )}</span>${m.deleted_at
        ? html`
          <span class="tag">deleted ${m.deleted_at}</span>
        `
        : ""}</li>
  `;
}

/** A log of messages, newest first. */
export function chatLog(messages: readonly LogMessage[], links: Links, id?: string): Html {
  const attr = id
    ? html`
      id="${id}"
    `
    : "";
  if (messages.length === 0) {
    return html`
      <ol class="log" ${attr}>
        <li class="empty">No messages.</li>
      </ol>
    `;
  }
  return html`
    <ol class="log" ${attr}>${messages.map((m) => chatLine(m, links))}</ol>
  `;
}
