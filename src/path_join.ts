/**
 * Paths joined as `node:path`'s `join` joins them on POSIX (the same string for every input: a
 * property test holds the two together), for the modules a read command loads before it
 * answers: importing `node:path` loads Node's compatibility layer, ~15 ms of start-up. On
 * Windows, backslashes are read as separators and the result uses forward slashes (which Deno
 * accepts there).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinPath } from "./path_join.ts";
 * assert.equal(joinPath("./data", "logs", "messages.jsonl"), "data/logs/messages.jsonl");
 * assert.equal(joinPath("/a/b", "../c/"), "/a/c/");
 * assert.equal(joinPath("", ""), ".");
 * ```
 *
 * @module
 */

const WINDOWS = Deno.build.os === "windows";

/** `join(...parts)` of `node:path` (POSIX): the parts joined by `/`, then normalized. */
export function joinPath(...parts: string[]): string {
  let path = parts.filter((p) => p !== "").join("/");
  if (WINDOWS) path = path.replaceAll("\\", "/");
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  let joined = out.join("/");
  if (joined === "" && !absolute) joined = ".";
  if (trailing && joined !== "" && !joined.endsWith("/")) joined += "/";
  return absolute ? `/${joined}` : joined;
}
