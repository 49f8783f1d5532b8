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

/** Registers `GET /ui/channels/:name` on `app`. */
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
