/**
 * Forget in the embedded store's logs: `messages.jsonl` and its `.corrupt`, then `events.jsonl`
 * and its `.corrupt`, each rewritten atomically ({@link rewriteLines}) under the log's own lock,
 * so a monitor appending meanwhile waits, then notices the new file and loses nothing. Messages
 * go first: they teach the plan the forgotten users' ids, which events then lose.
 *
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { wrapError } from "../../errors.ts";
import { writeFileAtomic } from "../atomic.ts";
import { eventLog, messageLog } from "../log/logs.ts";
import type { JsonlLog } from "../log/log.ts";
import { CORRUPT_HEADER, idFromLine } from "../log/log_lines.ts";
import { rewriteLines } from "../log/rewrite.ts";
import type { ForgetChange, ForgetPlan } from "../store.ts";

/** Applies `plan` to both logs of a data dir (or, dry, counts); returns what changed per file. */
export async function forgetInLogs(
  dataDir: string,
  plan: ForgetPlan,
  dryRun: boolean,
): Promise<ForgetChange[]> {
  const files: ForgetChange[] = [];
  await rewriteLog(dataDir, messageLog(dataDir), "message", plan, dryRun, files);
  await rewriteLog(dataDir, eventLog(dataDir), "event", plan, dryRun, files);
  return files;
}

async function rewriteLog<T>(
  dataDir: string,
  log: JsonlLog<T>,
  kind: "message" | "event",
  plan: ForgetPlan,
  dryRun: boolean,
  files: ForgetChange[],
): Promise<void> {
  await log.withLock(async () => {
    if (!dryRun) await removeStaleRewrites(log.path);
    const main = await rewriteLines(
      log.path,
      (l) => plan.line({ ...l, ts: idFromLine(l.text, "ts") }, kind),
      { dryRun },
    );
    // The id runs name offsets in the old file: the next append reads the new one's ids.
    if (main.written) log.dropIds();
    files.push({
      file: relative(dataDir, log.path),
      removed: main.dropped,
      scrubbed: main.replaced,
    });
    const corruptPath = `${log.path}.corrupt`;
    const c = await rewriteCorrupt(corruptPath, plan, dryRun);
    if (c !== null) files.push({ file: relative(dataDir, corruptPath), ...c });
  });
}

/**
 * Removes temporary files a killed rewrite left beside a log (`<log>.rewrite-*`): they may hold
 * the very lines being forgotten. Called under the log's lock, so none is in use.
 */
async function removeStaleRewrites(logPath: string): Promise<void> {
  const dir = dirname(logPath);
  const prefix = `${basename(logPath)}.rewrite-`;
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.startsWith(prefix)) {
        await Deno.remove(join(dir, e.name)).catch(() => {});
      }
    }
  } catch {
    // No folder yet: nothing left over.
  }
}

/** Rewrites a `.corrupt` file, dropping whole entries (header and body) the plan drops. */
async function rewriteCorrupt(
  path: string,
  plan: ForgetPlan,
  dryRun: boolean,
): Promise<{ removed: number; scrubbed: number } | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw wrapError(e, `read ${path}`);
  }
  // Latin-1: one char per byte, so that kept bytes are written back exactly.
  const text = new TextDecoder("latin1").decode(bytes);
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const keep: string[] = [];
  let removed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const isHeader = CORRUPT_HEADER.test(line);
    const body = isHeader ? lines[i + 1] : line;
    if (isHeader && (body === undefined || CORRUPT_HEADER.test(body))) {
      keep.push(line); // a header without a body holds no data
      continue;
    }
    if (isHeader) i++;
    if (plan.corruptEntry(isHeader ? CORRUPT_HEADER.exec(line)?.[1] ?? null : null, body!)) {
      removed++;
      continue;
    }
    if (isHeader) keep.push(line);
    keep.push(body!);
  }
  if (removed > 0 && !dryRun) {
    const out = keep.length ? keep.join("\n") + "\n" : "";
    if (out === "") await Deno.remove(path);
    else await writeFileAtomic(path, Uint8Array.from(out, (ch) => ch.charCodeAt(0)));
  }
  return { removed, scrubbed: 0 };
}
