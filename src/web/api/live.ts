/**
 * `GET /live`: messages and hits as monitors store them, as server-sent events.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { ApiEnv } from "./route_env.ts";

/** Registers the live event stream on `app`. */
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
