/**
 * The views of the workspace page, as pure functions from data to markup: the channels being
 * watched, search, the people list, a person, a channel, the subjects, the opt-out list, the
 * login form and the API reference. Every value is escaped by {@link html}.
 *
 * @module
 */
import type { ChannelProfile, Counted, Evidence, UserProfile } from "../../schemas.ts";
import type { ShownMessage } from "../../query/events.ts";
import type { HitRow } from "../../query/hits.ts";
import type { Timeline } from "../../query/timeline.ts";
import type { Neighbors } from "../../query/graph.ts";
import type { Page, ProfileSummary, SubjectSummary } from "./view_model.ts";
import { dayChart, hourChart } from "./chart.ts";
import { chatLog } from "./chat.ts";
import { type Html, html, when } from "./html.ts";
import { type Links, workspaceLinks as L } from "./links.ts";

function stat(value: string | number | Html, label: string): Html {
  return html`<li><b>${value}</b>${label}</li>`;
}

function counted(list: readonly Counted[], link?: (name: string) => string): Html {
  if (list.length === 0) return html`<p class="muted">None.</p>`;
  return html`<ul class="chips">${
    list.map((c) =>
      html`<li>${
        link ? html`<a href="${link(c.name)}">${c.name}</a>` : c.name
      } <span class="muted">${c.count}</span></li>`
    )
  }</ul>`;
}

function totalText(p: Page<unknown>): string {
  return p.exact ? String(p.total) : `at least ${p.total}`;
}

/** Paging links: previous and next pages of the same query. */
function pager(p: Page<unknown>, base: string, params: URLSearchParams): Html {
  const from = p.items.length ? p.offset + 1 : 0;
  const link = (offset: number) => {
    const q = new URLSearchParams(params);
    q.set("offset", String(offset));
    return `${base}?${q}`;
  };
  return html`
    <nav class="pager"
      aria-label="Pages"><span data-testid="total">${from}–${p.offset +
        p.items.length} of ${totalText(p)}</span>${p.offset > 0
        ? html`<a href="${link(Math.max(0, p.offset - p.limit))}" rel="prev">Previous</a>`
        : ""}${p.offset + p.items.length < p.total
        ? html`<a href="${link(p.offset + p.items.length)}" rel="next">Next</a>`
        : ""}</nav>
  `;
}

/** `/`: the channels being watched and the latest messages, live. */
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

/** The search form's fields, as given. */
export interface SearchForm {
  by?: string | undefined;
  value?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  contains?: string | undefined;
  limit?: string | undefined;
}

/** `/ui/search`: every filter, results as a chat log with the total and paging. */
export function searchView(
  f: SearchForm,
  result: Page<ShownMessage> | null,
  error: string | null,
): Html {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "") params.set(k, v);
  const opt = (v: string, label: string) =>
    html`
      <option value="${v}" ${f.by === v
        ? html`
          selected
        `
        : ""}>${label}</option>
    `;
  return html`
    <h1>Search messages</h1>
    <form class="filters" method="get" action="/ui/search" role="search">
      <label>Contains <input name="contains" value="${f.contains ??
        ""}" placeholder="words, all required"></label>
      <label>By <select name="by">${opt("", "anyone, anywhere")}${opt("user", "user")}${opt(
        "channel",
        "channel",
      )}</select></label>
      <label>Name <input name="value" value="${f.value ??
        ""}" placeholder="login" autocomplete="off"></label>
      <label>Since <input name="since" value="${f.since ??
        ""}" placeholder="2025-09-02, 2h, 7d"></label>
      <label>Until <input name="until" value="${f.until ??
        ""}" placeholder="ISO time or date"></label>
      <label>Per page <input name="limit" value="${f.limit ??
        ""}" inputmode="numeric" placeholder="20"></label>
      <button type="submit">Search</button>
    </form>
    ${error !== null ? html`<p class="note" role="alert">${error}</p>` : ""}
    ${result === null
      ? ""
      : html`${pager(result, "/ui/search", params)}${chatLog(result.items, L, "results")}${
        pager(result, "/ui/search", params)
      }`}
  `;
}

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
    <p><a href="${L.user(p.user_name)}/timeline">Timeline</a> · <a href="${L.user(
      p.user_name,
    )}/contacts">Contacts</a>${p.login_history.length > 1
      ? html`
        · <span class="muted">also seen as ${p.login_history.filter((h) => h.login !== p.user_name)
          .map((h) => h.login).join(", ")}</span>
      `
      : ""}</p>
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

/** `/ui/subjects`: the loaded subjects. */
export function subjectsView(list: readonly SubjectSummary[]): Html {
  return html`<h1>Subjects</h1>
${
    list.length === 0
      ? html`<p>No subjects loaded. Load some with <code>twitch-osint subjects load --path subjects.csv</code>.</p>`
      : html`
        <table>
          <thead>
            <tr>
              <th>subject</th>
              <th>type</th>
              <th class="num">hits</th>
              <th>enrichment</th>
            </tr>
          </thead>
          <tbody>${list.map((s) =>
            html`
              <tr>
                <td><a href="${L.subject(s.key)}">${s.value}</a></td>
                <td>${s.type}</td>
                <td class="num">${s.hits}</td>
                <td>${Object.entries(s.providers).map(([n, st]) =>
                  html`
                    <span class="status-${st}">${n} ${st}</span>
                  `
                )}</td>
              </tr>
            `
          )}</tbody>
        </table>
      `
  }`;
}

/** `/ui/optout`: the opt-out list and its add/remove form (behind the token). */
export function optoutView(
  list: { users: readonly string[]; channels: readonly string[] } | null,
  state: { canWrite: boolean; message: string | null },
): Html {
  const row = (kind: "user" | "channel", name: string) =>
    html`<li>${name} <form method="post" action="/ui/optout" class="inline"><input type="hidden" name="action" value="remove"><input type="hidden" name="kind" value="${kind}"><input type="hidden" name="name" value="${name}"><button class="secondary" type="submit" aria-label="Remove ${kind} ${name} from the opt-out list">Remove</button></form></li>`;
  return html`<h1>Opt-out list</h1>
<p>Users and channels on this list are neither stored nor served, by every source and every view.</p>
${state.message !== null ? html`<p class="note" role="status">${state.message}</p>` : ""}
${
    !state.canWrite || list === null
      ? html`<p>Changing or reading the list needs the token. <a href="/login?next=/ui/optout">Log in</a> (the server must be started with <code>OSINT_API_TOKEN</code>).</p>`
      : html`
        <form method="post" action="/ui/optout"
          class="filters"><input type="hidden" name="action" value="add">
        <label>Kind <select name="kind"><option value="user">user</option><option value="channel">channel</option></select></label>
        <label>Name <input name="name" required placeholder="login"></label>
        <button type="submit">Add to the opt-out list</button></form>
        <div class="cols">
          <section><h2>Users</h2><ul>${list.users.map((u) =>
            row("user", u)
          )}</ul>${list.users.length
            ? ""
            : html`<p class="muted">None.</p>`}</section>
          <section><h2>Channels</h2><ul>${list.channels.map((c) =>
            row("channel", c)
          )}</ul>${list.channels.length ? "" : html`<p class="muted">None.</p>`}</section>
        </div>
      `
  }`;
}

/** `/login`: the token form that sets the HttpOnly cookie. */
export function loginView(next: string, error: string | null): Html {
  return html`
    <h1>Log in</h1>
    ${error !== null ? html`<p class="note" role="alert">${error}</p>` : ""}
    <form method="post" action="/login"
      class="filters"><input type="hidden" name="next" value="${next}">
    <label>Token (OSINT_API_TOKEN) <input type="password" name="token" required autocomplete="current-password"></label>
    <button type="submit">Log in</button></form>
  `;
}

/** An error page. */
export function errorView(status: number, message: string): Html {
  return html`
    <h1>${status === 404
      ? "Not found"
      : status < 500
      ? "Cannot do that"
      : "Something went wrong"}</h1>
    <p class="note" role="alert">${message}</p>
    <p><a href="/">Back to the channels</a></p>
  `;
}

/** `/docs`: a readable reference of the OpenAPI document. */
export function docsView(doc: {
  info: { title: string; version: string };
  paths?: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        description?: string;
        parameters?: { name: string; in: string; description?: string; required?: boolean }[];
      }
    >
  >;
}): Html {
  return html`<h1>${doc.info.title} <span class="muted">${doc.info.version}</span></h1>
<p>The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1, generated from the zod schemas). Lists are JSON arrays; the total is in the <code>X-Total-Count</code> header. Errors are <code>{"error": "..."}</code> with a 4xx status.</p>
${
    Object.entries(doc.paths ?? {}).map(([path, ops]) =>
      Object.entries(ops).map(([method, op]) =>
        html`
          <section
            class="card"><h3><code>${method.toUpperCase()} ${path}</code></h3><p>${op.summary ??
              ""}</p>${op.description
              ? html`<p class="muted">${op.description}</p>`
              : ""}${op.parameters?.length
              ? html`
                <table>
                  <tbody>${op.parameters.map((p) =>
                    html`
                      <tr>
                        <th scope="row"><code>${p.name}</code></th>
                        <td>${p.in}${p.required ? ", required" : ""}</td>
                        <td>${p.description ?? ""}</td>
                      </tr>
                    `
                  )}</tbody>
                </table>
              `
              : ""}</section>
        `
      )
    )
  }`;
}

/** `/ui/users/{name}/timeline`: the latest of everything about one person, oldest first. */
export function timelineView(t: Timeline): Html {
  const who = t.person.login;
  return html`
    <h1><a href="${L.user(who)}">${who}</a>: timeline</h1>
    <p class="muted">The latest ${t.entries.length} entries across every channel and login: their
      messages, moderation aimed at them, notices, renames, hits and signals.</p>
    ${t.entries.length === 0 ? html`<p class="muted">Nothing.</p>` : html`
      <table>
        <thead>
          <tr>
            <th>time</th>
            <th>what</th>
            <th>channel</th>
            <th>as</th>
            <th>text</th>
          </tr>
        </thead>
        <tbody>${t.entries.map((e) =>
          html`
            <tr>
              <td>${when(e.ts)}</td>
              <td>${e.kind}</td>
              <td>${e.channel === null
                ? ""
                : html`<a href="${L.channel(e.channel)}">${e.channel}</a>`}</td>
              <td>${e.user_name ?? ""}</td>
              <td>${e.channel !== null && e.message_id !== null && e.kind !== "deleted"
                ? html`<a href="${
                  L.message({ channel: e.channel, ts: e.ts, message_id: e.message_id })
                }">${e.text}</a>`
                : e.text}</td>
            </tr>
          `
        )}</tbody>
      </table>
    `}
  `;
}

/** `/ui/users/{name}/contacts`: whom a person talks with, heaviest first. */
export function contactsView(n: Neighbors): Html {
  const who = n.person.login;
  return html`
    <h1><a href="${L.user(who)}">${who}</a>: contacts</h1>
    <p class="muted">Mentions and replies, both directions, resolved to persons.</p>
    ${n.contacts.length === 0 ? html`<p class="muted">None.</p>` : html`
      <table>
        <thead>
          <tr>
            <th>contact</th>
            <th class="num">weight</th>
            <th class="num">to</th>
            <th class="num">from</th>
            <th>first seen</th>
            <th>last seen</th>
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
              <td>${c.channels.join(", ")}</td>
            </tr>
          `
        )}</tbody>
      </table>
    `}
  `;
}
