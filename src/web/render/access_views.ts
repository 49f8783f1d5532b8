/**
 * The views behind the token: the opt-out list with its add/remove form, and the login form
 * that sets the HttpOnly cookie. Every value is escaped by {@link html}.
 *
 * @module
 */
import { type Html, html } from "./html.ts";

/**
 * `/ui/optout`: the opt-out list and its add/remove form (behind the token).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optoutView } from "./access_views.ts";
 * const shown = optoutView({ users: ["cat"], channels: [] }, { canWrite: true, message: "<ok>" });
 * assert.ok(shown.text.includes('<p class="note" role="status">&lt;ok&gt;</p>'));
 * assert.ok(shown.text.includes('<input type="hidden" name="name" value="cat">'));
 * assert.ok(shown.text.includes("<h2>Channels</h2><ul></ul><p class=\"muted\">None.</p>"));
 * // Without the token the list is not shown at all.
 * const hidden = optoutView(null, { canWrite: false, message: null });
 * assert.ok(hidden.text.includes('<a href="/login?next=/ui/optout">Log in</a>'));
 * assert.ok(!hidden.text.includes("<form"));
 * ```
 */
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
