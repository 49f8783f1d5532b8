/**
 * What every route of the server reads from its context: the {@link Workspace} it answers from
 * and the configured token (`OSINT_API_TOKEN`, or null), set by `app.ts` for each request.
 *
 * @module
 */
import type { Workspace } from "../workspace.ts";

/** Everything the routes need. */
export interface ApiEnv {
  Variables: { workspace: Workspace; token: string | null };
}
