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
import { chatLine, chatLog } from "./chat.ts";
import type { Timeline } from "../../query/timeline.ts";
import type { Neighbors } from "../../query/graph.ts";
import { type Html, html, when } from "./html.ts";
import { type Links, workspaceLinks as L } from "./links.ts";
import { counted, pager, stat } from "./parts.ts";

/**
 * `/ui/users`: the people, paged and sortable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peopleView } from "./people_views.ts";
 * const ann = {
 *   name: "ann",
 *   message_count: 7,
 *   related: 2,
 *   first_seen: "2025-09-02T12:00:00.000Z",
 *   last_seen: "2025-09-03T08:00:00.000Z",
 *   display_name: "<Ann>",
 * };
 * const page = { items: [ann], offset: 0, limit: 100, total: 1, exact: true };
 * const { text } = peopleView(page, "messages", "desc");
 * assert.ok(text.includes('<span class="muted">(&lt;Ann&gt;)</span>'));
 * assert.ok(text.includes('<td class="num">7</td>'));
 * // The sorted column says so, and its link turns the order around.
 * assert.match(text, /aria-sort="descending"><a href="\/ui\/users\?sort=messages&amp;order=asc">/);
 * assert.match(text, /aria-sort="none"><a href="\/ui\/users\?sort=name&amp;order=desc">/);
 * ```
 */
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
    ${personNav(p.user_name, "profile")}${p.login_history.length > 1
      ? html`<p class="muted">Also seen as ${
        p.login_history.filter((h) => h.login !== p.user_name).map((h) => h.login).join(", ")
      }</p>`
      : ""}
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

/** The links between a person's pages: profile, timeline, contacts. */
function personNav(login: string, here: "profile" | "timeline" | "contacts"): Html {
  const base = L.user(login);
  const item = (key: typeof here, href: string, label: string) =>
    key === here
      ? html`<li><a href="${href}" aria-current="page">${label}</a></li>`
      : html`<li><a href="${href}">${label}</a></li>`;
  return html`
    <nav aria-label="This person">
      <ul class="chips">${item("profile", base, "Profile")}${item(
        "timeline",
        `${base}/timeline`,
        "Timeline",
      )}${item("contacts", `${base}/contacts`, "Contacts")}</ul>
    </nav>
  `;
}

/** Who a person is: their current login and every login they used. */
function personLine(p: Timeline["person"]): Html {
  const logins = p.logins.length ? p.logins.map((s) => s.login).join(", ") : p.login;
  return html`<p class="muted">${
    p.user_id === null ? "no Twitch user id" : `Twitch user id ${p.user_id}`
  }; logins: ${logins}</p>`;
}

/** What an entry says, linked to the message it concerns when that can be shown. */
function entryText(e: Timeline["entries"][number]): Html | string {
  return e.channel !== null && e.message_id !== null && e.kind !== "deleted"
    ? html`<a href="${
      L.message({ channel: e.channel, ts: e.ts, message_id: e.message_id })
    }">${e.text}</a>`
    : e.text;
}

/** `/ui/users/{name}/timeline`: everything about one person, oldest first. */
export function timelineView(t: Pick<Timeline, "person" | "entries">, shown: number): Html {
  const entries = t.entries.map((e) =>
    e.message !== undefined
      ? html`
        <li
          class="entry entry-${e.kind}"><span class="tag">${e
            .kind}</span><ol class="log">${chatLine(e.message, L)}</ol></li>
      `
      : html`
        <li
          class="entry entry-${e.kind}"><span class="tag">${e.kind}</span> <time datetime="${e
            .ts}">${e.ts.slice(0, 19).replace("T", " ")}</time> ${e.channel === null
            ? ""
            : html`<a class="chan" href="${
              L.channel(e.channel)
            }">#${e.channel}</a>`} <span class="text">${entryText(e)}</span></li>
      `
  );
  return html`
    <h1>Timeline of ${t.person.login}</h1>
    ${personNav(t.person.login, "timeline")}${personLine(t.person)}
    <p data-testid="timeline-count">${t.entries.length} entries${t.entries.length >= shown
      ? html`
        (the latest ${shown})
      `
      : ""}, oldest first.</p>
    ${t.entries.length === 0
      ? html`<p class="muted">Nothing known about this person.</p>`
      : html`<ol class="timeline" data-testid="timeline">${entries}</ol>`}
  `;
}

/** `/ui/users/{name}/contacts`: a person's closest contacts, heaviest first. */
export function contactsView(n: Neighbors): Html {
  return html`
    <h1>Contacts of ${n.person.login}</h1>
    ${personNav(n.person.login, "contacts")}${personLine(n.person)}
    <p class="muted">From @mentions and replies, both directions summed.</p>
    ${n.contacts.length === 0 ? html`<p class="muted">No contacts.</p>` : html`
      <table data-testid="contacts">
        <thead>
          <tr>
            <th>contact</th>
            <th class="num">weight</th>
            <th class="num">to</th>
            <th class="num">from</th>
            <th>first</th>
            <th>last</th>
            <th>channels</th>
          </tr>
        </thead>
        <tbody>${n.contacts.map((c) =>
          html`
            <tr>
              <td><a href="${L.user(c.login)}">${c.login}</a></td>
              <td class="num">${c.weight}</td>
              <td class="num">${c.to}</td>
              <td class="num">${c.from}</td>
              <td>${when(c.first_seen)}</td>
              <td>${when(c.last_seen)}</td>
              <td>${c.channels.map((ch) =>
                html`
                  <a class="chan" href="${L.channel(ch)}">#${ch}</a>
                `
              )}</td>
            </tr>
          `
        )}</tbody>
      </table>
    `}
  `;
}
