/**
 * The server's rules of access:
 *
 * - Every answer carries a strict Content-Security-Policy (scripts, styles and fonts only from
 *   this server, no inline script, no framing) and no CORS header at all: no other origin can
 *   read an answer.
 * - On a loopback address, the `Host` header must name loopback too, so a web page elsewhere
 *   cannot reach the server by pointing its own name at 127.0.0.1 (DNS rebinding).
 * - On any other address, every route but `/healthz`, `/login` and the page's static assets
 *   needs the token (`OSINT_API_TOKEN`): a bearer header, or the HttpOnly cookie that the login
 *   form sets for the page.
 * - Writes (the opt-out list) need the token whatever the address; without a configured token
 *   they are refused. A write carried by the cookie must come from this server's own page.
 *
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { getCookie } from "hono/cookie";
import { ForbiddenError, UnauthorizedError } from "./http_errors.ts";

/** The cookie the login form sets. */
export const TOKEN_COOKIE = "osint_token";

/** The Content-Security-Policy of every answer. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Compares two secrets in time that does not depend on where they differ.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameSecret } from "./security.ts";
 * assert.equal(sameSecret("abc", "abc"), true);
 * assert.equal(sameSecret("abc", "abd"), false);
 * assert.equal(sameSecret("abc", "abcd"), false);
 * ```
 */
export function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Where a request's token came from, if it carries the right one. */
export function presentedToken(c: Context, token: string | null): "bearer" | "cookie" | null {
  if (token === null) return null;
  const auth = c.req.header("authorization");
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer !== undefined && sameSecret(bearer, token)) return "bearer";
  const cookie = getCookie(c, TOKEN_COOKIE);
  if (cookie !== undefined && sameSecret(cookie, token)) return "cookie";
  return null;
}

/** Paths open without the token on a non-loopback address. */
function isPublic(path: string): boolean {
  return path === "/healthz" || path === "/login" || path === "/favicon.ico" ||
    path.startsWith("/assets/");
}

/** The headers every answer carries. */
export const securityHeaders: MiddlewareHandler = async (c: Context, next: Next): Promise<void> => {
  await next();
  c.header("Content-Security-Policy", CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Frame-Options", "DENY");
  c.header("Cross-Origin-Opener-Policy", "same-origin");
  c.header("Cross-Origin-Resource-Policy", "same-origin");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
};

/** Access control for a server listening on `host` with `token` (null: none configured). */
export function accessControl(host: string, token: string | null): MiddlewareHandler {
  const loopback = isLoopback(host);
  return async (c, next) => {
    if (loopback) {
      // The request's URL carries the Host header the client sent.
      if (!isLoopback(new URL(c.req.url).hostname)) {
        return c.json({ error: "this server answers only to a loopback host name" }, 421);
      }
    } else if (!isPublic(c.req.path) && presentedToken(c, token) === null) {
      if (c.req.method === "GET" && (c.req.header("accept") ?? "").includes("text/html")) {
        return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      throw new UnauthorizedError("this server needs the token (Authorization: Bearer ...)");
    }
    await next();
  };
}

/** A route that writes: needs the token whatever the address, and same-origin for a cookie. */
export const requireToken: MiddlewareHandler<{ Variables: { token: string | null } }> = async (
  c: Context<{ Variables: { token: string | null } }>,
  next: Next,
): Promise<void> => {
  const token = c.var.token;
  if (token === null) {
    throw new ForbiddenError("this needs OSINT_API_TOKEN set when serve starts");
  }
  const via = presentedToken(c, token);
  if (via === null) throw new UnauthorizedError("this needs the token (Authorization: Bearer ...)");
  if (via === "cookie" && c.req.method !== "GET" && !sameOrigin(c)) {
    throw new ForbiddenError("a write with the login cookie must come from this server's page");
  }
  await next();
};

/** True when the request's Origin (or Referer) is this server. */
export function sameOrigin(c: Context): boolean {
  const from = c.req.header("origin") ?? c.req.header("referer");
  if (from === undefined) return false;
  try {
    return new URL(from).host === c.req.header("host");
  } catch {
    return false;
  }
}
