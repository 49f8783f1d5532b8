/**
 * Reading untyped JSON values of other tools' files: a member that is an object, a member that
 * is a string, or undefined. Shared by the importers, which each map a format's records.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { obj, str } from "./json_values.ts";
 * strictEqual(obj([1]), undefined);
 * strictEqual(str(obj({ a: "x" })?.a), "x");
 * ```
 *
 * @module
 */

/** `v` when it is a plain JSON object (not null, not an array). */
export function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

/** `v` when it is a string. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
