/**
 * The page's static assets, served from memory with validators (`ETag`, `If-None-Match`), and
 * the icon browsers ask for whatever the page says.
 *
 * @module
 */
import type { Hono } from "hono";
import { NotFoundError } from "../../errors.ts";
import type { ApiEnv } from "../api/route_env.ts";
import { ASSETS } from "../assets.ts";

/** Registers `GET /assets/:file` and `GET /favicon.ico` on `app`. */
export function registerStaticFiles(app: Hono<ApiEnv>): void {
  app.get("/assets/:file", (c) => {
    const a = ASSETS.get(c.req.param("file"));
    if (!a) throw new NotFoundError("no such asset");
    c.header("ETag", a.etag);
    c.header("Cache-Control", "no-cache");
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304);
    c.header("Content-Type", a.type);
    return c.body(a.body);
  });

  // Browsers ask for it whatever the page says.
  app.get("/favicon.ico", (c) => c.redirect("/assets/icon.svg", 301));
}
