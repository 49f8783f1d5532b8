/**
 * The channel pages: the landing page (the channels, busiest first, and the latest messages)
 * and one channel's page.
 *
 * @module
 */
import type { Hono } from "hono";
import type { ApiEnv } from "../api/route_env.ts";
import { channelView, landingView } from "../render/channel_views.ts";
import { sendPage } from "./send_page.ts";

/** Registers `GET /` on `app`. */
export function registerLandingPage(app: Hono<ApiEnv>): void {
  app.get("/", async (c) => {
    const ws = c.var.workspace;
    const channels = await ws.listProfiles("channel", {
      sort: "messages",
      order: "desc",
      offset: 0,
      limit: 100,
    });
    const latest = await ws.searchMessages({ limit: 30 }, 0, { total: false });
    return sendPage(c, {
      title: "Channels",
      section: "channels",
      body: landingView(channels, latest.items),
    });
  });
}

/**
 * Registers `GET /ui/channels/:name` on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const said = (id: string, s: number, user: string, text: string, mentions: string[]) => ({
 *   ts: `2025-09-02T12:00:0${s}.000Z`,
 *   channel: "example_channel",
 *   message_id: id,
 *   user_id: null,
 *   user_name: user,
 *   text,
 *   mentions,
 *   urls: [],
 *   emotes: [],
 *   source: "fixture" as const,
 * });
 * await store.appendMessages([
 *   said("m1", 1, "ann", "hi", []),
 *   said("m2", 2, "bob", "hey @ann", ["ann"]),
 * ]);
 * const workspace = openWorkspace(store);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const html = await (await app.request("http://127.0.0.1/ui/channels/example_channel")).text();
 * assert.ok(html.includes("<h1>#example_channel</h1>"));
 * assert.ok(html.includes('<ul class="stats"><li><b>2</b>messages</li><li><b>2</b>users</li>'));
 * assert.ok(html.includes('hey <a class="mention" href="/ui/users/ann">@ann</a>'));
 * const missing = await app.request("http://127.0.0.1/ui/channels/nowhere");
 * assert.equal(missing.status, 404);
 * assert.match(await missing.text(), /no profile for channel &quot;nowhere&quot;/);
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function registerChannelPage(app: Hono<ApiEnv>): void {
  app.get("/ui/channels/:name", async (c) => {
    const name = c.req.param("name");
    const ws = c.var.workspace;
    const p = await ws.channelProfile(name);
    const latest = await ws.searchMessages({ by: "channel", value: p.channel, limit: 20 }, 0, {
      total: false,
    });
    return sendPage(c, {
      title: `#${p.channel}`,
      section: "channels",
      body: channelView(p, latest.items),
      charts: true,
    });
  });
}
