/**
 * The subjects pages: the loaded subjects, and a subject's report (built now, as
 * `GET /subjects/{key}` builds it).
 *
 * @module
 */
import type { Hono } from "hono";
import { NotFoundError } from "../../errors.ts";
import type { ApiEnv } from "../api/route_env.ts";
import { workspaceLinks } from "../render/links.ts";
import { reportBody } from "../render/report.ts";
import { subjectsView } from "../render/subjects_view.ts";
import { sendPage } from "./send_page.ts";

/**
 * Registers `GET /ui/subjects` and `GET /ui/subjects/:key` on `app`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStore } from "../../store/store.ts";
 * import { writeSubjects } from "../../subjects/subject_list.ts";
 * import { createApp } from "../app.ts";
 * import { openWorkspace } from "../workspace.ts";
 * const workspace = openWorkspace(await openStore({ dataDir: await Deno.makeTempDir() }));
 * await writeSubjects(workspace.dataDir, [
 *   { key: "username_ann", type: "username", value: "ann" },
 * ]);
 * const app = createApp({ workspace, host: "127.0.0.1", token: null });
 * const list = await (await app.request("http://127.0.0.1/ui/subjects")).text();
 * assert.ok(list.includes('<td><a href="/ui/subjects/username_ann">ann</a></td>'));
 * const report = await (await app.request("http://127.0.0.1/ui/subjects/username_ann")).text();
 * assert.ok(report.includes('<h1 id="subject-username_ann">Subject: ann'));
 * const missing = await app.request("http://127.0.0.1/ui/subjects/nope");
 * assert.equal(missing.status, 404);
 * assert.match(await missing.text(), /no loaded subject &quot;nope&quot;/);
 * await workspace.close();
 * await Deno.remove(workspace.dataDir, { recursive: true });
 * ```
 */
export function registerSubjectPages(app: Hono<ApiEnv>): void {
  app.get("/ui/subjects", async (c) => {
    return sendPage(c, {
      title: "Subjects",
      section: "subjects",
      body: subjectsView(await c.var.workspace.subjects()),
    });
  });

  app.get("/ui/subjects/:key", async (c) => {
    const key = c.req.param("key");
    const r = await c.var.workspace.subjectReport(key);
    if (r === null) throw new NotFoundError(`no loaded subject "${key}"`);
    return sendPage(c, {
      title: `Subject ${r.subject.value}`,
      section: "subjects",
      body: reportBody(r, workspaceLinks),
      charts: true,
    });
  });
}
