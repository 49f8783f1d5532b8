/**
 * The workspace server's application: the JSON API, its OpenAPI document and reference page,
 * and the page, behind the access rules of `security.ts`. Built over a {@link Workspace}; tests
 * serve it on a loopback port, `serve` with `Deno.serve`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createApp } from "./app.ts";
 * import { openWorkspace } from "./workspace.ts";
 * import { openStore } from "../store/store.ts";
 * const dir = await Deno.makeTempDir();
 * const workspace = openWorkspace(await openStore({ dataDir: dir }));
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const res = await app.request("http://127.0.0.1/healthz");
 * assert.deepEqual([res.status, await res.json()], [200, { status: "ok" }]);
 * const csp = res.headers.get("content-security-policy");
 * assert.match(csp ?? "", /^default-src 'none'; script-src 'self';/);
 * // An API route that does not exist answers with its one-line JSON error.
 * const missing = await app.request("http://127.0.0.1/nowhere");
 * assert.deepEqual([missing.status, await missing.json()], [404, {
 *   error: "no route for GET /nowhere",
 * }]);
 * // On loopback, a request naming another host (DNS rebinding) is refused.
 * const rebound = await app.request("http://evil.example/healthz");
 * assert.deepEqual([rebound.status, await rebound.json()], [421, {
 *   error: "this server answers only to a loopback host name",
 * }]);
 * await workspace.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { registerApi } from "./api.ts";
import type { ApiEnv } from "./api/route_env.ts";
import { httpError } from "./http_errors.ts";
import { isPagePath, registerPages } from "./pages.ts";
import { sendPage } from "./pages/send_page.ts";
import { docsView, errorView } from "./render/info_views.ts";
import { accessControl, securityHeaders } from "./security.ts";
import type { Workspace } from "./workspace.ts";

/** What the application serves, and to whom. */
export interface AppOptions {
  workspace: Workspace;
  /** The address the server listens on (loopback or not decides the access rules). */
  host: string;
  /** `OSINT_API_TOKEN`, or null when none is configured. */
  token: string | null;
  /** Where errors of status 500 are reported (the server's log). @default ignored */
  onInternalError?: (e: unknown) => void;
}

/** The OpenAPI document's header. */
const INFO = {
  openapi: "3.1.0",
  info: {
    title: "twitch-osint workspace API",
    version: "0.1.0",
    description: "Read-only views of the collected chat, profiles, subjects and hits; " +
      "the opt-out list is the one thing it writes, with the token.",
  },
};

/** Builds the application. */
export function createApp(o: AppOptions): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.length ? ` (${issue.path.join(".")})` : "";
        return c.json({ error: `${issue?.message ?? "bad input"}${where}` }, 400);
      }
    },
  });
  app.use("*", securityHeaders);
  app.use("*", async (c, next) => {
    c.set("workspace", o.workspace);
    c.set("token", o.token);
    await next();
  });
  app.use("*", accessControl(o.host, o.token));

  registerApi(app);
  app.doc31("/openapi.json", INFO);
  app.get("/docs", (c) => {
    const doc = app.getOpenAPI31Document(INFO) as unknown as Parameters<typeof docsView>[0];
    return sendPage(c, { title: "API", section: "api", body: docsView(doc) });
  });
  registerPages(app);

  app.notFound((c) => {
    const message = `no route for ${c.req.method} ${c.req.path}`;
    return isPagePath(c.req.path)
      ? sendPage(c, { title: "Not found", body: errorView(404, message) }, 404)
      : c.json({ error: message }, 404);
  });
  app.onError((e, c) => {
    const h = httpError(e);
    if (h.status >= 500) o.onInternalError?.(e);
    const status = h.status as 400 | 401 | 403 | 404 | 500;
    return isPagePath(c.req.path) && c.req.method === "GET"
      ? sendPage(c, { title: "Error", body: errorView(status, h.message) }, status)
      : c.json({ error: h.message }, status);
  });
  return app;
}

/** The schema of an error answer, for tests. */
export const ErrorBody = z.object({ error: z.string() });
