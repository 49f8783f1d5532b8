/**
 * `GET /live`: messages and hits as monitors store them, as server-sent events.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { ApiEnv } from "./route_env.ts";

/**
 * Registers the live event stream on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
 * const store = await openStore({ dataDir: await Deno.makeTempDir() });
 * const workspace = openWorkspace(store, { pollMs: 10 });
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const stop = new AbortController();
 * const res = await app.request("http://127.0.0.1/live", { signal: stop.signal });
 * assert.equal(res.headers.get("content-type"), "text/event-stream");
 * const chunks = res.body!.pipeThrough(new TextDecoderStream()).values();
 * let seen = "";
 * const until = async (text: string) => {
 *   while (!seen.includes(text)) seen += (await chunks.next()).value ?? "";
 * };
 * await until("event: ready\ndata: {}\n\n");
 * // A message stored after the stream opened comes as a "message" event.
 * await store.appendMessages([{
 *   ts: "2025-09-02T12:00:00.000Z",
 *   channel: "example_channel",
 *   message_id: "m1",
 *   user_id: null,
 *   user_name: "ann",
 *   text: "hi",
 *   mentions: [],
 *   urls: [],
 *   emotes: [],
 *   source: "fixture",
 * }]);
 * await until('"text":"hi","mentions":[],"urls":[],"emotes":[],"source":"fixture"}\n\n');
 * assert.match(seen, /\nevent: message\ndata: \{"ts":"2025-09-02T12:00:00.000Z",/);
 * stop.abort();
 * await chunks.return?.();
 * await workspace.close();
 * await Deno.remove(store.dataDir, { recursive: true });
 * ```
 */
export function registerLive(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/live",
      summary: "Newly stored messages and hits, as server-sent events",
      description: 'Events named "message" (a message record) and "hit" (a hit row), from the ' +
        "moment of connection, as monitors append them to the data dir.",
      responses: {
        200: {
          content: { "text/event-stream": { schema: z.string() } },
          description: "an endless event stream",
        },
      },
    }),
    (c) =>
      streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        const items = await c.var.workspace.follow(abort.signal);
        await stream.writeSSE({ event: "ready", data: "{}" });
        for await (const item of items) {
          await stream.writeSSE({
            event: item.type,
            data: JSON.stringify(item.type === "message" ? item.message : item.hit),
          });
        }
      }) as unknown as Response & { _data: string; _status: 200; _format: "body" },
  );
}
