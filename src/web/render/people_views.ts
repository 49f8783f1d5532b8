/**
 * The views of people: the list, a person's page (linking their timeline and contacts), their
 * timeline and their contacts. Every value is escaped by {@link html}.
 *
 * @module
 */
import type { Evidence, UserProfile } from "../../schemas.ts";
import type { ShownMessage } from "../../query/events.ts";
import type { HitRow } from "../../query/hits.ts";
import type { Page, ProfileSummary } from "./view_model.ts";
import { dayChart, hourChart } from "./chart.ts";
import { chatLog } from "./chat.ts";
import { type Html, html, when } from "./html.ts";
import { type Links, workspaceLinks as L } from "./links.ts";
import { counted, pager, stat } from "./parts.ts";

/** `/ui/users`: the people, paged and sortable. */
export function peopleView(p: Page<ProfileSummary>, sort: string, order: string): Html {
  const params = new URLSearchParams({ sort, order });
  const head = (key: string, label: string, num = false) => {
    const next = sort === key && order === "desc" ? "asc" : "desc";
    return html`
      <th${num
        ? html`
          class="num"
        `
        : ""}
        aria-sort="${sort === key
          ? (order === "asc" ? "ascending" : "descending")
          : "none"}"><a href="/ui/users?sort=${key}&amp;order=${next}">${label}</a></th>
    `;
  };
  return html`
    <h1>People</h1>
    ${pager(p, "/ui/users", params)}
    <table>
      <thead>
        <tr>${head("name", "user")}${head("messages", "messages", true)}${head(
          "related",
          "channels",
          true,
        )}${head("first_seen", "first seen")}${head("last_seen", "last seen")}</tr>
      </thead>
      <tbody>${p.items.map((u) =>
        html`
          <tr>
            <td><a href="${L.user(u.name)}">${u
              .name}</a>${u.display_name && u.display_name.toLowerCase() !== u.name
              ? html`
                <span class="muted">(${u.display_name})</span>
              `
              : ""}</td>
            <td class="num">${u.message_count}</td>
            <td class="num">${u.related}</td>
            <td>${when(u.first_seen)}</td>
            <td>${when(u.last_seen)}</td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
}

/** Evidence snippets, each linked to its message. */
function evidenceList(items: readonly Evidence[], links: Links): Html {
  if (items.length === 0) return html`<p class="muted">No evidence.</p>`;
  return html`<ul class="evidence">${
    items.map((e) =>
      html`<li><a href="${
        links.message(e)
      }">${e.snippet}</a> <span class="muted">#${e.channel}, ${e.ts}</span></li>`
    )
  }</ul>`;
}

/** `/ui/users/{name}`: a person. */
export function userView(
  p: UserProfile,
  hits: readonly HitRow[],
  latest: readonly ShownMessage[],
): Html {
  const channels = p.channels_participated.map((c) => ({ name: c, count: p.per_channel[c] ?? 0 }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  const f = p.facts;
  return html`
    <h1>${p.display_name ?? p.user_name} <span class="muted">@${p.user_name}</span></h1>
    <ul class="stats">${stat(p.message_count, "messages")}${stat(
      channels.length,
      "channels",
    )}${stat(when(p.first_seen), "first seen")}${stat(when(p.last_seen), "last seen")}${p.user_id
      ? stat(p.user_id, "Twitch user id")
      : ""}</ul>
    <h2>Channels</h2>${counted(channels, L.channel)}
    <h2>Activity</h2><div class="cols">${hourChart(p.activity.by_hour)}${dayChart(
      p.activity.by_day,
    )}</div>
    <div class="cols">
      <section><h2>Top keywords</h2>${counted(p.keyword_counts)}</section>
      <section><h2>Emotes</h2>${counted(p.top_emotes)}</section>
      <section><h2>Mentions</h2>${counted(p.top_mentions, L.user)}</section>
      <section><h2>URL domains</h2>${counted(p.url_domains)}</section>
    </div>
    <h2>Relationship facts <span class="muted">(inferred, unverified)</span></h2>
    <p>Asked about the streamer's relationship: <b>${f.asked_about_streamer_relationship
      ? "yes"
      : "no"}</b>. Suspected targets: ${f.suspected_relationship_targets.length
      ? f.suspected_relationship_targets.join(", ")
      : "none"}.</p>
    <div data-testid="evidence">${evidenceList(f.evidence, L)}</div>
    <h2>Watchlist hits</h2>${hits.length ? chatLog(hits, L) : html`<p class="muted">None.</p>`}
    <h2>Latest messages</h2>${chatLog(latest, L)}
  `;
}
