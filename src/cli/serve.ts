/**
 * `serve`: the analyst's workspace in the browser and its JSON API, over the data dir.
 *
 * @module
 */
import { startServer } from "../web/server.ts";
import { COMMON_HELP, intFlag, parseCommand, str } from "./args.ts";
import type { CliIO } from "./io.ts";

const HELP = `Usage: twitch-osint serve [--host 127.0.0.1] [--port 8080]

Serves the workspace: a page (channels, search, people, subjects, reports, opt-out) at
http://HOST:PORT/ and the JSON API it reads (reference at /docs, OpenAPI at /openapi.json).
Runs until interrupted (Ctrl-C). A monitor may write the same data dir (or, with
OSINT_DATABASE_URL, the same database) meanwhile: new messages appear on the page as they
are stored.

Options:
  --host H    address to listen on (default 127.0.0.1). Any address other than loopback
              needs OSINT_API_TOKEN (a bearer token, or the page's login form), or serve
              refuses to start
  --port N    port (default 8080; 0 picks a free one)

Environment:
  OSINT_API_TOKEN   the token (at least 16 characters); also needed, whatever the host,
                    to change the opt-out list from the page or the API

${COMMON_HELP}

Example:
  twitch-osint serve --port 8080
`;

/**
 * `serve`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./serve.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const dataDir = await Deno.makeTempDir();
 * const stop = new AbortController();
 * const { promise: listening, resolve } = Promise.withResolvers<string>();
 * const served = run(["--port", "0", "--data-dir", dataDir], {
 *   ...io,
 *   signal: stop.signal,
 *   err: (text) => {
 *     err += text;
 *     const url = /workspace is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(err)?.[1];
 *     if (url) resolve(url);
 *   },
 * });
 * const url = await listening;
 * assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: "ok" });
 * stop.abort();
 * assert.equal(await served, 0);
 * assert.ok(err.endsWith("need OSINT_API_TOKEN\nserve: press Ctrl-C to stop\nserve: stopped\n"));
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const p = parseCommand(args, HELP, io, {
    host: { type: "string" },
    port: { type: "string" },
  });
  if (p === null) return 0;
  const host = str(p, "host") ?? "127.0.0.1";
  const port = intFlag(p, "port", { min: 0, max: 65535, default: 8080 })!;
  const token = io.env("OSINT_API_TOKEN") ?? null;
  const server = await startServer({
    dataDir: p.common.dataDir,
    ...(p.common.databaseUrl !== undefined ? { databaseUrl: p.common.databaseUrl } : {}),
    host,
    port,
    token,
    signal: io.signal,
    onInternalError: (e) =>
      io.err(
        `serve: internal error: ${
          e instanceof Error ? (p.common.debug ? e.stack : e.message) : e
        }\n`,
      ),
  });
  if (!p.common.quiet) {
    io.err(
      `serve: the workspace is at ${server.url}/ (data: ${server.location}; API reference at ` +
        `${server.url}/docs)${token === null ? "; opt-out changes need OSINT_API_TOKEN" : ""}\n` +
        "serve: press Ctrl-C to stop\n",
    );
  }
  await server.finished;
  if (!p.common.quiet) io.err("serve: stopped\n");
  return 0;
}
