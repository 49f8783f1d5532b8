/**
 * The views of channels: `/` (the channels being watched and the latest messages, live) and a
 * channel's page. Every value is escaped by {@link html}.
 *
 * @module
 */
import type { ChannelProfile } from "../../schemas.ts";
import type { ShownMessage } from "../../query/events.ts";
import type { Page, ProfileSummary } from "./view_model.ts";
import { dayChart, hourChart } from "./chart.ts";
import { chatLog } from "./chat.ts";
import { type Html, html, when } from "./html.ts";
import { workspaceLinks as L } from "./links.ts";
import { counted, stat } from "./parts.ts";

/**
 * `/`: the channels being watched and the latest messages, live.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { landingView } from "./channel_views.ts";
 * const channel = {
 *   name: "example_channel",
 *   message_count: 3,
 *   related: 2,
 *   first_seen: "2025-09-02T12:00:00.000Z",
 *   last_seen: "2025-09-02T12:30:00.000Z",
 *   display_name: null,
 * };
 * const latest = [{
 *   ts: "2025-09-02T12:30:00.000Z",
 *   channel: "example_channel",
 *   message_id: "m3",
 *   user_id: null,
 *   user_name: "ann",
 *   text: "<script>alert(1)</script>",
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * }];
 * const page = { items: [channel], offset: 0, limit: 100, total: 1, exact: true };
 * const { text } = landingView(page, latest);
 * assert.ok(text.includes('<h3><a href="/ui/channels/example_channel">#example_channel</a></h3>'));
 * assert.ok(text.includes('<li><b>3</b>messages</li><li><b>2</b>users</li></ul>'));
 * assert.ok(text.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
 * assert.ok(!text.includes("<script>"));
 * const empty = landingView({ ...page, items: [], total: 0 }, []).text;
 * assert.ok(empty.includes("No channel has messages yet."));
 * assert.ok(empty.includes('<li class="empty">No messages.</li>'));
 * ```
 */
export function landingView(channels: Page<ProfileSummary>, latest: readonly ShownMessage[]): Html {
  return html`<h1>Channels being watched</h1>
${
    channels.items.length === 0
      ? html`<p>No channel has messages yet. Start a monitor (<code>twitch-osint chat run --channels NAME</code>) and they appear here.</p>`
      : html`<div class="grid" data-testid="channels">${
        channels.items.map((c) =>
          html`
            <section class="card">
              <h3><a href="${L.channel(c.name)}">#${c.name}</a></h3>
              <ul class="stats">${stat(c.message_count, "messages")}${stat(c.related, "users")}</ul>
              <p class="muted">last message ${when(c.last_seen)}</p>
            </section>
          `
        )
      }</div>`
  }
<h2>Latest messages <span class="live-state" id="live-state" role="status">live updates off</span></h2>
${chatLog(latest, L, "live-log")}`;
}

/** `/ui/channels/{name}`: a channel. */
export function channelView(p: ChannelProfile, latest: readonly ShownMessage[]): Html {
  const rel = p.streamer_signals.relationship_mentions;
  return html`
    <h1>#${p.channel}</h1>
    <ul class="stats">${stat(p.message_count, "messages")}${stat(p.unique_users, "users")}${stat(
      when(p.first_seen),
      "first seen",
    )}${stat(when(p.last_seen), "last seen")}</ul>
    <h2>Top users</h2>${counted(p.user_counts, L.user)}
    <h2>Activity</h2><div class="cols">${hourChart(p.activity.by_hour)}${dayChart(
      p.activity.by_day,
    )}</div>
    <div class="cols">
      <section><h2>Top keywords</h2>${counted(p.keyword_counts)}</section>
      <section><h2>Emotes</h2>${counted(p.top_emotes)}</section>
      <section><h2>Mentions</h2>${counted(p.top_mentions, L.user)}</section>
      <section><h2>URL domains</h2>${counted(p.url_domains)}</section>
    </div>
    <h2>Streamer signals <span class="muted">(inferred, unverified)</span></h2>
    ${rel.length === 0 ? html`<p class="muted">None.</p>` : html`
      <table>
        <thead>
          <tr>
            <th>suspected partner</th>
            <th class="num">evidence</th>
            <th class="num">users</th>
            <th>first</th>
            <th>last</th>
            <th>examples</th>
          </tr>
        </thead>
        <tbody>${rel.map((r) =>
          html`
            <tr>
              <td><a href="/ui/search?by=channel&amp;value=${encodeURIComponent(
                p.channel,
              )}&amp;contains=${encodeURIComponent(r.target)}">${r.target}</a></td>
              <td class="num">${r.evidence_count}</td>
              <td class="num">${r.distinct_users}</td>
              <td>${when(r.first_seen)}</td>
              <td>${when(r.last_seen)}</td>
              <td>${r.examples.map((x) => html`<div>“${x}”</div>`)}</td>
            </tr>
          `
        )}</tbody>
      </table>
    `}
    <h2>Latest messages</h2>${chatLog(latest, L)}
  `;
}
