/**
 * The page's routes: each asks the {@link Workspace} what the matching JSON route asks, and
 * renders it with the views of `render/` (server-side, every value escaped). Static assets are
 * served from memory with validators; the login form sets the HttpOnly token cookie.
 *
 * Each page's routes are in `pages/` (one file per part of the page); this registers them in
 * order.
 *
 * @module
 */
import type { Hono } from "hono";
import type { ApiEnv } from "./api/route_env.ts";
import { registerChannelPage, registerLandingPage } from "./pages/channels.ts";
import { registerLogin } from "./pages/login.ts";
import { registerOptOutPage } from "./pages/optout.ts";
import { registerPeoplePages } from "./pages/people.ts";
import { registerSearchPage } from "./pages/search.ts";
import { registerStaticFiles } from "./pages/static_files.ts";
import { registerSubjectPages } from "./pages/subjects.ts";

/** Registers the page's routes on `app`. */
export function registerPages(app: Hono<ApiEnv>): void {
  registerStaticFiles(app);
  registerLandingPage(app);
  registerSearchPage(app);
  registerPeoplePages(app);
  registerChannelPage(app);
  registerSubjectPages(app);
  registerOptOutPage(app);
  registerLogin(app);
}

/** True for the paths the page owns (errors there are pages, not JSON). */
export function isPagePath(path: string): boolean {
  return path === "/" || path.startsWith("/ui/") || path === "/ui" || path === "/login" ||
    path === "/docs";
}
