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

/** Registers `GET /ui/subjects` and `GET /ui/subjects/:key` on `app`. */
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
